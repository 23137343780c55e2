//! Writes outputs into a staging directory beside the output directory and
//! swaps it into place only when the whole build succeeded.

use crate::diagnostics::{Diagnostic, Span};
use crate::fs::{self, IoError};
use std::path::{Component, Path, PathBuf};

/// One file of the site: a path under the output directory and its bytes.
#[derive(Clone)]
pub(crate) struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// File every output carries, so a later build knows casebook made the
/// folder it is about to replace.
pub const MARKER: &str = ".casebook-output";

/// A build's output in progress.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    _lock: BuildLock,
}

/// Holds `.<output>.lock` beside the output while a build runs. The lock
/// belongs to the open file, so the system releases it when a build is
/// killed; nothing stale is left to clean up by hand.
struct BuildLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl BuildLock {
    fn take(path: PathBuf, target: &Path) -> Result<BuildLock, IoError> {
        let busy = || IoError {
            path: target.to_path_buf(),
            error: std::io::Error::other(
                "another casebook build is writing this output; wait for it to finish",
            ),
        };
        // A lock file removed by a finishing build between our open and our
        // lock is stale: open again.
        for _ in 0..8 {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(fs::io_err(&path))?;
            match file.try_lock() {
                Ok(()) if same_file(&file, &path) => {
                    return Ok(BuildLock { path, _file: file });
                }
                // Another build replaced the file after it was opened: retry.
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(busy()),
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(IoError { path, error: e });
                }
            }
        }
        Err(busy())
    }
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Removed while still held, so no other build locks a stale file.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// An existing output must be empty or made by casebook (its marker, or a
/// site map and 404 page from builds before the marker existed).
fn refuse_foreign(target: &Path) -> Result<(), IoError> {
    let Ok(mut entries) = std::fs::read_dir(target) else {
        return Ok(());
    };
    let empty = entries.next().is_none();
    let ours = target.join(MARKER).is_file()
        || (target.join("sitemap.xml").is_file() && target.join("404.html").is_file());
    if empty || ours {
        return Ok(());
    }
    Err(IoError {
        path: target.to_path_buf(),
        error: std::io::Error::other(format!(
            "refusing to replace a folder casebook did not create (it holds files and no {MARKER}); choose a new or empty folder"
        )),
    })
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
        std::fs::create_dir_all(parent).map_err(fs::io_err(parent))?;
        let lock = BuildLock::take(parent.join(format!(".{name}.lock")), target)?;
        refuse_foreign(target)?;
        // Left by a build that was killed: no build runs now, we hold the lock.
        let prefix = format!(".{name}.staging-");
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(&e.path());
                }
            }
        }
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        fs::remove_dir_all(&dir)?;
        std::fs::create_dir_all(&dir).map_err(fs::io_err(&dir))?;
        fs::write(
            &dir.join(MARKER),
            b"Built by casebook; a build replaces this whole folder.\n",
        )?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            _lock: lock,
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

pub(crate) fn io_diag(e: &IoError) -> Diagnostic {
    Diagnostic::error(
        Span::new(e.path.display().to_string(), 1, 1),
        e.error.to_string(),
    )
}

/// `dir/rel`, refusing any `rel` that could leave `dir`.
pub(crate) fn inside(dir: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
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
