//! `casebook serve`: builds into a scratch directory (never public/), serves
//! it over HTTP on loopback, rebuilds when sources change and reloads open
//! pages through server-sent events. A failed build is shown as a page.

pub(crate) mod session;

use crate::commands::serve::session::{Outcome, Session};
use crate::diagnostics::Diagnostic;
use crate::html::html_escape;
use crate::pipeline::{BuildOptions, Failure};
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Path of the server-sent events stream that tells pages to reload.
const EVENTS: &str = "/__casebook/events";

/// Injected before `</body>` of every HTML response.
const RELOAD_SCRIPT: &str = "<script>(()=>{const s=new EventSource(\"/__casebook/events\");s.onmessage=()=>location.reload();})()</script>";

/// What the server knows about the latest build.
struct Status {
    version: u64,
    errors: Option<Vec<Diagnostic>>,
}

/// Build status shared by the rebuild thread and request threads.
struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
}

impl Shared {
    fn version(&self) -> u64 {
        self.status.lock().map_or(0, |s| s.version)
    }

    fn errors(&self) -> Option<Vec<Diagnostic>> {
        self.status.lock().ok().and_then(|s| s.errors.clone())
    }
}

/// Builds, then serves until killed. Returns an exit code on failure.
pub(crate) fn serve(root: &Path, bind: &str, port: u16, open: bool, drafts: bool) -> i32 {
    // The watcher reports absolute paths with symlinks resolved; the kept
    // stamps and the incremental path compare against the root, so it is
    // spelled that same way everywhere (`.` would make every event new).
    let root = match root.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", root.display());
            return 2;
        }
    };
    let root = root.as_path();
    let server = match tiny_http::Server::http((bind, port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return 2;
        }
    };
    let Some(addr) = server.server_addr().to_ip() else {
        eprintln!("error: cannot listen on {bind}:{port}");
        return 2;
    };
    if !addr.ip().is_loopback() {
        eprintln!("warning: serving on {addr}, which other machines can reach");
    }
    let scratch = std::env::temp_dir().join(format!("casebook-serve-{}", std::process::id()));
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: scratch.join("site"),
        base_url: Some(format!("http://{addr}/")),
        drafts,
        search: true,
        index: true,
    };
    let shared = Arc::new(Shared {
        status: Mutex::new(Status {
            version: 0,
            errors: None,
        }),
        changed: Condvar::new(),
    });
    let _watcher = match watch(root, opts.clone(), Arc::clone(&shared)) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch {}: {e}", root.display());
            return 2;
        }
    };
    // The first build runs on the rebuild thread; wait for it.
    if let Ok(guard) = shared.status.lock() {
        drop(shared.changed.wait_while(guard, |s| s.version == 0));
    }
    let url = format!("http://{addr}/");
    println!("serving {} at {url} (Ctrl+C to stop)", root.display());
    if open && let Err(e) = open::that_detached(&url) {
        eprintln!("warning: cannot open a browser: {e}");
    }
    for request in server.incoming_requests() {
        if let Some(refusal) = refuse(&Ask::of(&request), addr) {
            let _ = request.respond(refusal);
            continue;
        }
        if request.url() == EVENTS {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || stream_events(request.into_writer(), &shared));
            continue;
        }
        let response = respond(&opts.output, request.url(), &shared);
        let _ = request.respond(response);
    }
    0
}

/// Runs a build and records its outcome for the pages. `None` means
/// nothing changed since the last one.
fn rebuild(
    session: &mut Session,
    shared: &Shared,
    build: impl FnOnce(&mut Session) -> Option<Result<Outcome, Failure>>,
) {
    let start = Instant::now();
    let Some(result) = build(session) else {
        return;
    };
    let errors = match result {
        Ok(o) => {
            let ms = start.elapsed().as_millis();
            if o.full {
                println!("built in {ms} ms");
            } else {
                println!(
                    "rebuilt in {ms} ms ({} pages rendered, {} files changed)",
                    o.rendered, o.written
                );
            }
            None
        }
        Err(f) => {
            crate::commands::report(&f);
            Some(f.diagnostics())
        }
    };
    if let Ok(mut s) = shared.status.lock() {
        s.version += 1;
        s.errors = errors;
    }
    shared.changed.notify_all();
}

/// Quiet time that ends a burst of file events: short, since editors save
/// in a few quick steps and a rebuild after an edit takes milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Watches the sources, builds once, then rebuilds after each burst of
/// changes; all builds run on one thread, one at a time.
fn watch(
    root: &Path,
    opts: BuildOptions,
    shared: Arc<Shared>,
) -> notify_debouncer_mini::notify::Result<impl Drop> {
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut debouncer = new_debouncer(DEBOUNCE, move |res| {
        if let Ok(events) = res {
            let events: Vec<notify_debouncer_mini::DebouncedEvent> = events;
            if !events.is_empty() {
                let _ = tx.send(events.into_iter().map(|e| e.path).collect());
            }
        }
    })?;
    for dir in session::WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watcher().watch(&path, RecursiveMode::Recursive)?;
        }
    }
    let config = root.join("casebook.yaml");
    if config.is_file() {
        debouncer
            .watcher()
            .watch(&config, RecursiveMode::NonRecursive)?;
    }
    // Watching starts before the first build takes its stamps, so an edit
    // made at any moment after startup is either in that build or triggers
    // another.
    std::thread::spawn(move || {
        let mut session = Session::new(opts);
        rebuild(&mut session, &shared, |s| Some(s.full_build()));
        while let Ok(mut paths) = rx.recv() {
            while let Ok(more) = rx.try_recv() {
                paths.extend(more);
            }
            // Builds read the sources, and some platforms report reads as
            // events: the session rebuilds only when a file really changed.
            rebuild(&mut session, &shared, |s| s.changed(&paths));
        }
    });
    Ok(debouncer)
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The parts of a request the server checks before answering it.
struct Ask<'r> {
    method: &'r str,
    url: &'r str,
    host: Option<&'r str>,
    origin: Option<&'r str>,
    fetch_site: Option<&'r str>,
}

impl<'r> Ask<'r> {
    fn of(request: &'r tiny_http::Request) -> Self {
        let get = |name: &'static str| {
            request
                .headers()
                .iter()
                .find(|h| h.field.equiv(name))
                .map(|h| h.value.as_str())
        };
        Ask {
            method: request.method().as_str(),
            url: request.url(),
            host: get("Host"),
            origin: get("Origin"),
            fetch_site: get("Sec-Fetch-Site"),
        }
    }
}

/// Refuses what a local preview server should never answer: methods that
/// are not reads (405), a `Host` other than the server's own (a page on
/// another site reaching it through DNS rebinding), and live-reload
/// connections from other origins.
fn refuse(ask: &Ask<'_>, addr: std::net::SocketAddr) -> Option<Response> {
    let plain = |status: u16, text: &str| {
        tiny_http::Response::from_data(text.as_bytes().to_vec())
            .with_status_code(status)
            .with_header(header("Content-Type", "text/plain; charset=utf-8"))
    };
    if !matches!(ask.method, "GET" | "HEAD") {
        return Some(
            plain(
                405,
                "method not allowed: casebook serve only answers GET and HEAD\n",
            )
            .with_header(header("Allow", "GET, HEAD")),
        );
    }
    let port = addr.port();
    let ours = |host: &str| {
        let loopback = [
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
            addr.to_string(),
        ];
        loopback.iter().any(|h| h.eq_ignore_ascii_case(host)) || !addr.ip().is_loopback()
    };
    if let Some(host) = ask.host
        && !ours(host)
    {
        return Some(plain(
            403,
            "refused: this server answers only its own address\n",
        ));
    }
    if ask.url == EVENTS {
        let foreign_origin = ask
            .origin
            .is_some_and(|o| o.strip_prefix("http://").is_none_or(|h| !ours(h)));
        let cross_site = ask
            .fetch_site
            .is_some_and(|s| !matches!(s, "same-origin" | "none"));
        if foreign_origin || cross_site {
            return Some(plain(
                403,
                "refused: live reload is for pages of this server\n",
            ));
        }
    }
    None
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name, value).expect("static header names and values are valid")
}

/// Answers a request from the built site, the error page, or the 404 page.
fn respond(site: &Path, url: &str, shared: &Shared) -> Response {
    let path = resolve(site, url);
    let is_page = path
        .as_ref()
        .is_none_or(|p| p.extension().is_some_and(|e| e == "html"));
    if is_page && let Some(errors) = shared.errors() {
        return html_response(500, error_page(&errors));
    }
    let (status, file) = match path {
        Some(p) => (200, p),
        None => (404, not_found_page(site, url)),
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404);
    };
    if file.extension().is_some_and(|e| e == "html") {
        return html_response(status, String::from_utf8_lossy(&bytes).into_owned());
    }
    tiny_http::Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", &content_type(&file)))
}

/// The 404 page of the URL's language (`/ru/…` → `ru/404.html`), else the
/// site's.
fn not_found_page(site: &Path, url: &str) -> std::path::PathBuf {
    let first = url
        .trim_start_matches('/')
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let own = site.join(first).join("404.html");
    if crate::model::config::is_language_code(first) && own.is_file() {
        own
    } else {
        site.join("404.html")
    }
}

fn html_response(status: u16, mut html: String) -> Response {
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, RELOAD_SCRIPT),
        None => html.push_str(RELOAD_SCRIPT),
    }
    tiny_http::Response::from_data(html.into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

/// The build's errors as a page; it reloads itself once they are fixed.
fn error_page(errors: &[Diagnostic]) -> String {
    let items: String = errors
        .iter()
        .map(|d| format!("<pre>{}</pre>\n", html_escape(&d.render())))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Build failed · casebook</title>\
<style>body{{font:16px system-ui,sans-serif;margin:2rem;max-width:60rem}}pre{{background:#fbeaea;border-left:4px solid #b3261e;padding:.75rem;overflow-x:auto;white-space:pre-wrap}}</style></head>\n\
<body>\n<h1>Build failed</h1>\n<p>Fix the problems below and save: this page reloads when the site builds again.</p>\n{items}</body>\n</html>\n"
    )
}

/// Streams `data: reload` after each rebuild until the page goes away.
/// Written by hand on the raw connection so every event is flushed at once.
fn stream_events(mut out: Box<dyn Write + Send>, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n: connected\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    let mut seen = shared.version();
    loop {
        let Ok(guard) = shared.status.lock() else {
            return;
        };
        let Ok((guard, _)) =
            shared
                .changed
                .wait_timeout_while(guard, Duration::from_secs(15), |s| s.version == seen)
        else {
            return;
        };
        // A comment on timeout keeps the stream open and reveals closed pages.
        let message: &[u8] = if guard.version == seen {
            b": ping\n\n"
        } else {
            b"data: reload\n\n"
        };
        seen = guard.version;
        drop(guard);
        if out.write_all(message).and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

/// Maps a request path to a file under `dir`, refusing anything that
/// would leave it (`..`, encoded dots, absolute paths, symlinks out).
pub(crate) fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
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

/// The decoded path, refused when it is not UTF-8 or holds a NUL or a
/// backslash.
fn percent_decode(s: &str) -> Option<String> {
    let s = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    (!s.contains('\0') && !s.contains('\\')).then(|| s.into_owned())
}

/// The Content-Type of a file by its extension; text is UTF-8.
fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT || mime.subtype() == "javascript";
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn traversal_requests_resolve_to_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), dir.join("link")).unwrap();
        assert!(resolve(&dir, "/a/").is_some());
        assert!(
            resolve(&dir, "/").is_none(),
            "no index.html at the root here"
        );
        for bad in [
            "/../secret",
            "/%2e%2e/secret",
            "/a/%2E%2E/%2e%2e/secret",
            "//etc/passwd",
            "/a/..%2f..%2fsecret",
            "/link",
            "/a%00",
        ] {
            assert!(resolve(&dir, bad).is_none(), "{bad}");
        }
    }

    fn ask<'a>(method: &'a str, url: &'a str, host: &'a str, origin: Option<&'a str>) -> Ask<'a> {
        Ask {
            method,
            url,
            host: Some(host),
            origin,
            fetch_site: None,
        }
    }

    fn status(ask: &Ask<'_>) -> Option<u16> {
        let addr: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        refuse(ask, addr).map(|r| r.status_code().0)
    }

    #[test]
    fn other_methods_foreign_hosts_and_origins_are_refused() {
        let here = "127.0.0.1:8080";
        assert_eq!(status(&ask("GET", "/", here, None)), None);
        assert_eq!(status(&ask("HEAD", "/", "localhost:8080", None)), None);
        for m in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
            assert_eq!(status(&ask(m, "/", here, None)), Some(405), "{m}");
        }
        assert_eq!(
            status(&ask("GET", "/", "evil.example:8080", None)),
            Some(403)
        );
        assert_eq!(status(&ask("GET", "/", "127.0.0.1:9999", None)), Some(403));
        let origin = Some("http://127.0.0.1:8080");
        assert_eq!(status(&ask("GET", EVENTS, here, origin)), None);
        let evil = Some("https://evil.example");
        assert_eq!(status(&ask("GET", EVENTS, here, evil)), Some(403));
        let mut cross = ask("GET", EVENTS, here, None);
        cross.fetch_site = Some("cross-site");
        assert_eq!(status(&cross), Some(403));
    }

    #[test]
    fn error_page_escapes_diagnostics() {
        let d = Diagnostic::error(crate::diagnostics::Span::new("a.md", 1, 1), "bad <script>");
        let html = error_page(&[d]);
        assert!(html.contains("bad &lt;script&gt;") && !html.contains("bad <script>"));
    }

    #[test]
    fn text_is_sent_as_utf8_and_other_files_by_their_type() {
        let ct = |name: &str| content_type(Path::new(name));
        assert_eq!(ct("index.html"), "text/html; charset=utf-8");
        assert_eq!(ct("style.css"), "text/css; charset=utf-8");
        assert!(ct("search.js").ends_with("javascript; charset=utf-8"));
        assert_eq!(ct("pagefind.wasm"), "application/wasm");
        assert_eq!(ct("chart.svg"), "image/svg+xml");
        assert_eq!(ct("index.pf_fragment"), "application/octet-stream");
    }

    #[test]
    fn encoded_paths_are_decoded_and_nul_or_backslash_refused() {
        assert_eq!(percent_decode("/a%20b/").as_deref(), Some("/a b/"));
        assert_eq!(percent_decode("/%C3%A9t%C3%A9").as_deref(), Some("/été"));
        assert_eq!(percent_decode("/a%00b"), None);
        assert_eq!(percent_decode("/a%5Cb"), None);
        assert_eq!(percent_decode("/%FF"), None);
    }
}
