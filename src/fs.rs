//! The only place that touches the file system; every error names its path.

use crate::diagnostics::{Diagnostic, Span};
use std::path::{Path, PathBuf};

/// Largest content file read, so a stray dump cannot exhaust memory.
pub(crate) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// An I/O failure with the path it concerns.
#[derive(Debug)]
pub struct IoError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for IoError {}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IoError + '_ {
    move |error| IoError {
        path: path.to_path_buf(),
        error,
    }
}

/// Reads a UTF-8 text file; a decoding error points at the bad byte.
pub(crate) fn read_text(path: &Path, rel: &str) -> Result<String, Diagnostic> {
    let at = |line, col, msg: String| Diagnostic::error(Span::new(rel, line, col), msg);
    let meta = std::fs::metadata(path).map_err(|e| at(1, 1, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(at(1, 1, "not a regular file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(at(
            1,
            1,
            format!("file is larger than {} MiB", MAX_FILE_BYTES >> 20),
        )
        .with_help("split it into several files"));
    }
    let bytes = std::fs::read(path).map_err(|e| at(1, 1, format!("cannot read: {e}")))?;
    // With or without a byte order mark: ASCII text in UTF-16 has a NUL
    // in every other byte.
    let utf16_ascii = bytes.len() >= 2 && ((bytes[0] == 0) != (bytes[1] == 0));
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || utf16_ascii {
        return Err(at(1, 1, "file is UTF-16 encoded".into()).with_help("save it as UTF-8"));
    }
    // A UTF-8 byte order mark is not content (and YAML would read it as text).
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, col) =
            crate::model::line_col(std::str::from_utf8(&bytes[..valid]).unwrap_or(""), valid);
        at(line, col, "invalid UTF-8 byte".into()).with_help("save the file as UTF-8")
    })
}

/// Reads an optional file (`None` if it does not exist).
pub(crate) fn read_optional(path: &Path, rel: &str) -> Result<Option<String>, Diagnostic> {
    if path.exists() {
        read_text(path, rel).map(Some)
    } else {
        Ok(None)
    }
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    std::fs::write(path, bytes).map_err(io_err(path))
}

/// Writes `bytes` unless the file already holds exactly them, and tells
/// whether it wrote. The new file replaces the old one by a rename, so a
/// reader never sees half of it.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, IoError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let name = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.writing"));
    write(&tmp, bytes)?;
    rename(&tmp, path)?;
    Ok(true)
}

/// What the file system says about a path, if it exists.
pub(crate) fn metadata(path: &Path) -> Option<std::fs::Metadata> {
    std::fs::metadata(path).ok()
}

/// Removes a file; a file already gone is fine.
pub(crate) fn remove_file(path: &Path) -> Result<(), IoError> {
    gone_is_fine(path, std::fs::remove_file(path))
}

pub(crate) fn copy(from: &Path, to: &Path) -> Result<(), IoError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    std::fs::copy(from, to).map(|_| ()).map_err(io_err(from))
}

pub(crate) fn remove_dir_all(path: &Path) -> Result<(), IoError> {
    gone_is_fine(path, std::fs::remove_dir_all(path))
}

/// A removal's result, where "not found" means it is already done.
fn gone_is_fine(path: &Path, result: std::io::Result<()>) -> Result<(), IoError> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(IoError {
            path: path.into(),
            error: e,
        }),
        _ => Ok(()),
    }
}

pub(crate) fn rename(from: &Path, to: &Path) -> Result<(), IoError> {
    std::fs::rename(from, to).map_err(io_err(from))
}

/// Files under `dir` (recursively, no symlinks), as paths relative to it.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_str().map(String::from))
                .collect::<Option<_>>()?;
            (!parts.iter().any(|p| p.starts_with('.'))).then(|| parts.join("/"))
        })
        .collect()
}

/// Where a symbolic link points, for messages.
pub(crate) fn link_target(path: &Path) -> String {
    std::fs::read_link(path).map_or_else(|e| e.to_string(), |t| t.display().to_string())
}

/// The date of the last commit that changed each file under `root/content`,
/// keyed by its path from `root` (`content/…`), from one `git log` run.
/// Empty when `root` is not in a git repository or git is missing: the
/// dates are a convenience, never a reason to fail a build.
pub(crate) fn git_dates(
    root: &Path,
) -> std::collections::HashMap<String, crate::model::PartialDate> {
    let mut dates = std::collections::HashMap::new();
    let Ok(out) = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--format=%x00%as",
            "--name-only",
            "--no-renames",
            "--relative",
            "--",
            "content",
        ])
        .stderr(std::process::Stdio::null())
        .output()
    else {
        return dates;
    };
    if !out.status.success() {
        return dates;
    }
    let mut current = None;
    // Newest commit first: the first date seen for a file is its latest.
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(date) = line.strip_prefix('\0') {
            current = crate::model::PartialDate::parse(date).ok();
        } else if let Some(date) = current
            && !line.is_empty()
        {
            dates.entry(line.to_string()).or_insert(date);
        }
    }
    dates
}
