//! Writes outputs into a staging directory beside the output directory and
//! swaps it into place only when the whole build succeeded.

use crate::diagnostics::{Diagnostic, Span};
use crate::fs::{self, IoError};
use std::path::{Component, Path, PathBuf};

/// A build's output in progress.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Prepares a fresh staging directory next to `target`.
    pub fn new(target: &Path) -> Result<Staging, IoError> {
        let name = target
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        fs::remove_dir_all(&dir)?;
        std::fs::create_dir_all(&dir).map_err(fs::io_err(&dir))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    /// Writes one file; `rel` must stay inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.inside(rel)?;
        fs::write(&path, bytes).map_err(|e| io_diag(&e))
    }

    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        let path = self.inside(rel)?;
        fs::copy(from, &path).map_err(|e| io_diag(&e))
    }

    fn inside(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        inside(&self.dir, rel)
    }

    /// Replaces the target directory with the staging directory.
    pub fn commit(self) -> Result<(), IoError> {
        let old = self.dir.with_file_name(format!(
            "{}.old",
            self.dir
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Removes the staging directory after a failed build.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

pub fn io_diag(e: &IoError) -> Diagnostic {
    Diagnostic::error(
        Span::new(e.path.display().to_string(), 1, 1),
        e.error.to_string(),
    )
}

/// `dir/rel`, refusing any `rel` that could leave `dir`.
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    let p = Path::new(rel);
    let safe = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Err(Diagnostic::error(
            Span::new(rel, 1, 1),
            format!("refused to write `{rel}` outside the output directory"),
        ));
    }
    Ok(dir.join(p))
}
