//! `casebook serve` against requests a browser tab on another site, or a
//! script on the machine, could send.

use crate::editor::start_server;
use crate::harness::copy_fixture;
use std::io::{Read, Write};
use std::time::Duration;

/// Sends `head` (request line and headers) and returns the status line
/// and the whole response.
fn raw(url: &str, head: &str) -> (String, String) {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = head.replace("{addr}", addr);
    write!(s, "{head}Connection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    let _ = s.read_to_string(&mut response);
    let status = response.lines().next().unwrap_or("").to_string();
    (status, response)
}

#[test]
fn serve_refuses_other_methods_foreign_hosts_and_cross_origin_reload() {
    let tmp = copy_fixture("minimal");
    let server = start_server(tmp.path());
    let url = &server.url;
    let (ok, _) = raw(url, "GET /entities/acme/ HTTP/1.1\r\nHost: {addr}\r\n");
    assert!(ok.contains(" 200 "), "{ok}");
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let (status, resp) = raw(
            url,
            &format!("{method} / HTTP/1.1\r\nHost: {{addr}}\r\nContent-Length: 0\r\n"),
        );
        assert!(status.contains(" 405 "), "{method}: {status}");
        assert!(resp.contains("Allow: GET, HEAD"), "{resp}");
    }
    let (status, _) = raw(url, "GET / HTTP/1.1\r\nHost: attacker.example\r\n");
    assert!(status.contains(" 403 "), "foreign Host: {status}");
    let (status, _) = raw(
        url,
        "GET /__casebook/events HTTP/1.1\r\nHost: {addr}\r\nOrigin: https://attacker.example\r\n",
    );
    assert!(
        status.contains(" 403 "),
        "cross-origin live reload: {status}"
    );
    // Traversal in every spelling stays inside the site.
    for path in [
        "/../casebook.yaml",
        "/%2e%2e/casebook.yaml",
        "/..%2fcasebook.yaml",
        "/%00",
    ] {
        let (status, resp) = raw(url, &format!("GET {path} HTTP/1.1\r\nHost: {{addr}}\r\n"));
        assert!(
            status.contains(" 404 ") || status.contains(" 400 "),
            "{path}: {status}"
        );
        assert!(
            !resp.contains("Minimal casebook\nbase_url"),
            "{path} leaked casebook.yaml"
        );
    }
}

#[test]
fn serve_error_page_escapes_html_in_messages() {
    let tmp = copy_fixture("minimal");
    let server = start_server(tmp.path());
    let source = tmp.path().join("content/entities/acme.md");
    let text = std::fs::read_to_string(&source).unwrap();
    let hostile = text.replacen(
        "title: Acme",
        "\"<img src=x onerror=alert(1)>\": 1\ntitle: Acme",
        1,
    );
    std::fs::write(&source, hostile).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let body = loop {
        let (status, resp) = raw(
            &server.url,
            "GET /entities/acme/ HTTP/1.1\r\nHost: {addr}\r\n",
        );
        if status.contains(" 500 ") {
            break resp;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the failed build was never shown"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        body.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{body}"
    );
    assert!(!body.contains("<img src=x"), "{body}");
}
