//! `casebook serve`: builds into a scratch directory (never public/) and
//! serves it over HTTP on loopback.

use crate::pipeline::{BuildOptions, build};
use std::path::{Component, Path, PathBuf};

/// Builds, then serves until killed. Returns an exit code on failure.
pub fn serve(root: &Path, bind: &str, port: u16, drafts: bool) -> i32 {
    let server = match tiny_http::Server::http((bind, port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return 2;
        }
    };
    let addr = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_else(|| format!("{bind}:{port}"));
    let scratch = std::env::temp_dir().join(format!("casebook-serve-{}", std::process::id()));
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: scratch.clone(),
        base_url: Some(format!("http://{addr}/")),
        drafts,
    };
    if let Err(f) = build(&opts) {
        return f.report();
    }
    println!(
        "serving {} at http://{addr}/ (Ctrl+C to stop)",
        root.display()
    );
    for request in server.incoming_requests() {
        let (status, path) = match resolve(&scratch, request.url()) {
            Some(p) => (200, p),
            None => (404, scratch.join("404.html")),
        };
        let response = match std::fs::read(&path) {
            Ok(bytes) => tiny_http::Response::from_data(bytes)
                .with_status_code(status)
                .with_header(content_type(&path)),
            Err(_) => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let _ = request.respond(response);
    }
    0
}

/// Maps a request path to a file under `dir`, refusing anything that
/// would leave it (`..`, encoded dots, absolute paths, symlinks out).
pub fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) && !rel.as_os_str().is_empty() {
        return None;
    }
    let mut full = dir.join(rel);
    if full.is_dir() {
        full = full.join("index.html");
    }
    let canonical = full.canonicalize().ok()?;
    let base = dir.canonicalize().ok()?;
    (canonical.starts_with(&base) && canonical.is_file()).then_some(canonical)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    (!s.contains('\0') && !s.contains('\\')).then_some(s)
}

fn content_type(path: &Path) -> tiny_http::Header {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mime = match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    tiny_http::Header::from_bytes("Content-Type", mime).expect("static header is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_requests_resolve_to_nothing() {
        let dir = std::env::temp_dir().join(format!("casebook-serve-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/index.html"), "x").unwrap();
        assert!(resolve(&dir, "/a/").is_some());
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/etc/passwd",
            "//etc/passwd",
            "/a/..%2f..%2fetc",
        ] {
            assert!(resolve(&dir, bad).is_none(), "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
