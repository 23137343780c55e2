//! The editor workflow: `check` (human and JSON), `new`, `init`, `serve`.

use crate::harness::{TestSite, casebook, copy_fixture, edit, write};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn check_reports_every_mistake_with_source_and_hint() {
    let out = TestSite::fixture("cross-mistakes").check();
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("cross_mistakes_human", out.stderr);
}

#[test]
fn check_json_lists_the_same_diagnostics() {
    let out = TestSite::fixture("cross-mistakes").check_json();
    assert_eq!(out.code, 1);
    let list = out.diagnostics();
    let found: Vec<(String, u64, u64)> = list
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["col"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("content/_index.md", 3, 8),
        ("content/_index.md", 5, 5),
        ("content/cases/acme/index.md", 3, 10),
        ("content/cases/acme/one.md", 6, 5),
        ("content/cases/acme/two.md", 3, 8),
    ];
    assert_eq!(
        found,
        expected.map(|(f, l, c)| (f.to_string(), l, c)).to_vec()
    );
    assert!(
        list.iter()
            .all(|d| d["severity"] == "error" && d["message"].is_string())
    );
    assert_eq!(list[3]["help"], "did you mean `cultural-cognitive`?");
}

#[test]
fn check_on_clean_content_exits_zero_and_writes_nothing() {
    let tmp = copy_fixture("minimal");
    let out = TestSite::at(tmp.path()).check();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn new_writes_skeletons_that_pass_check_and_refuses_bad_requests() {
    let tmp = copy_fixture("minimal");
    let dir = tmp.path();
    for args in [
        &["new", "case", "beta-case"][..],
        &["new", "stage", "launch", "--case", "beta-case"],
        &["new", "stage", "later", "--case", "beta-case"],
        &["new", "framework", "pestel"],
        &["new", "entity", "beta-corp"],
    ] {
        let out = casebook(args, dir);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        std::fs::read_to_string(dir.join("content/cases/beta-case/later.md"))
            .unwrap()
            .contains("order: 2")
    );
    let check = TestSite::at(dir).check();
    assert_eq!(
        check.code, 0,
        "skeletons must pass check:\n{}",
        check.stderr
    );

    let again = casebook(["new", "entity", "beta-corp"], dir);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = casebook(["new", "case", "Beta Case"], dir);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid slug `Beta Case`"));
    let orphan = casebook(["new", "stage", "x", "--case", "nope"], dir);
    assert_eq!(orphan.status.code(), Some(2));
}

#[test]
fn init_writes_a_knowledge_base_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    let out = casebook(["init", kb.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    let site = TestSite::at(&kb).build().ok();
    let case = site.page("cases/example-case/");
    assert!(
        case.attrs("table.matrix tbody th a", "href")
            .contains(&"/cases/example-case/first-stage/".to_string())
    );
    let refused = casebook(["init", kb.to_str().unwrap()], tmp.path());
    assert_eq!(
        refused.status.code(),
        Some(2),
        "init refuses a non-empty directory"
    );
}

/// A running `casebook serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_server(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(i) = line.find("http://") {
                let _ = tx.send(line[i..].split_whitespace().next().unwrap().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed its address");
    Server { child, url }
}

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    match agent.get(url).call() {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        ),
        Err(e) => panic!("{url}: {e}"),
    }
}

/// Sends a raw request line, so the path reaches the server unnormalised.
fn raw_status(url: &str, path: &str) -> String {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = s.read_to_string(&mut response);
    response.lines().next().unwrap_or("").to_string()
}

/// Polls until `pred` holds for the page, or gives up after a generous wait
/// (this only detects a hang; it measures nothing).
fn wait_for(url: &str, pred: impl Fn(u16, &str) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let (code, body) = get(url);
        if pred(code, &body) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn serve_rebuilds_on_edit_shows_errors_and_refuses_traversal() {
    let tmp = copy_fixture("minimal");
    let server = start_server(tmp.path());
    let page = format!("{}entities/acme/", server.url);
    let (code, body) = get(&page);
    assert_eq!(code, 200);
    assert!(body.contains("Makes widgets.") && body.contains("/__casebook/events"));

    let source = tmp.path().join("content/entities/acme.md");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(
        &source,
        text.replace("Makes widgets.", "Makes sprockets now."),
    )
    .unwrap();
    assert!(
        wait_for(&page, |_, b| b.contains("Makes sprockets now.")),
        "the edit was not served"
    );

    std::fs::write(&source, format!("{text}\n[[missing-page]]\n")).unwrap();
    assert!(
        wait_for(&page, |c, b| c == 500
            && b.contains("link to nothing: `missing-page`")),
        "no error page"
    );
    std::fs::write(&source, &text).unwrap();
    assert!(
        wait_for(&page, |c, b| c == 200 && b.contains("Makes widgets.")),
        "did not recover"
    );

    std::fs::write(tmp.path().join("secret.txt"), "top secret").unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/cases/../../secret.txt",
        "//etc/passwd",
    ] {
        let status = raw_status(&server.url, path);
        assert!(
            status.contains(" 404") || status.contains(" 400"),
            "{path}: {status}"
        );
    }
    let (code, body) = get(&format!("{}no/such/page/", server.url));
    assert_eq!(code, 404);
    assert!(
        body.contains("widget warehouse"),
        "unknown paths get the site's 404 page"
    );
    assert!(
        !tmp.path().join("public").exists(),
        "serve never writes public/"
    );
}

#[test]
fn schema_and_link_mistakes_in_different_files_are_reported_together() {
    let tmp = copy_fixture("minimal");
    let dir = tmp.path();
    edit(
        dir,
        "content/cases/acme-india/entry.md",
        "order: 1",
        "ordr: 1",
    );
    edit(
        dir,
        "content/frameworks/swot.md",
        "layout: quadrant",
        "layout: quadrant\nbogus: 1",
    );
    edit(
        dir,
        "content/entities/india.md",
        "A large market.",
        "A large market, see [[nowhere]].",
    );
    let out = TestSite::at(dir).check_json();
    assert_eq!(out.code, 1);
    let list = out.diagnostics();
    let messages: Vec<String> = list
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "content/cases/acme-india/entry.md:2 missing required key `order`",
            "content/cases/acme-india/entry.md:4 unknown key `ordr`",
            "content/entities/india.md:6 link to nothing: `nowhere`",
            "content/frameworks/swot.md:5 unknown key `bogus`",
        ],
        "a broken framework file must not also make the case's SWOT entries errors"
    );
}

#[test]
fn duplicate_keys_are_reported_at_the_second_occurrence_in_every_kind_of_file() {
    let cases: [(&str, &str, &str, &str); 6] = [
        // (file, text replaced, replacement, expected location and key)
        (
            "content/entities/acme.md",
            "summary: A widget maker.\ntype: company\n",
            "summary: A widget maker.\ntype: company\nsummary: Another.\n",
            "content/entities/acme.md:5:1: error: duplicate key `summary`",
        ),
        (
            "content/cases/acme-india/events.yaml",
            "  id: launch\n",
            "  id: launch\n  title: Again\n",
            "content/cases/acme-india/events.yaml:4:3: error: duplicate key `title`",
        ),
        (
            "content/glossary.yaml",
            "  definition: Selling to consumers.\n",
            "  definition: Selling to consumers.\n  term: B2C again\n",
            "content/glossary.yaml:4:3: error: duplicate key `term`",
        ),
        (
            "content/references.yaml",
            "  date: 2020\n",
            "  date: 2020\n  title: Twice\n",
            "content/references.yaml:6:3: error: duplicate key `title`",
        ),
        (
            "content/data/sales.yaml",
            "",
            "title: Sales\nunit: widgets\ncolumns: [year, sales]\nunit: boxes\nrows:\n  - [2019, 3]\n",
            "content/data/sales.yaml:4:1: error: duplicate key `unit`",
        ),
        (
            "casebook.yaml",
            "base_url: ",
            "title: Again\nbase_url: ",
            "casebook.yaml:2:1: error: duplicate key `title`",
        ),
    ];
    for (file, from, to, expected) in cases {
        let tmp = copy_fixture("minimal");
        if from.is_empty() {
            write(tmp.path(), file, to);
        } else {
            edit(tmp.path(), file, from, to);
        }
        let out = TestSite::at(tmp.path()).check();
        let stderr = &out.stderr;
        assert_eq!(out.code, 1, "{file}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{file}: want `{expected}` in:\n{stderr}"
        );
        assert!(
            stderr.contains("is first given at") && stderr.contains("keep one of the two"),
            "{file}: the first occurrence is named:\n{stderr}"
        );
    }
}

#[test]
fn build_warns_when_base_url_names_this_machine_and_check_does_not() {
    const WARNING: &str = "names this machine";
    let tmp = copy_fixture("minimal");
    let dir = tmp.path();
    edit(
        dir,
        "casebook.yaml",
        "base_url: https://example.org/",
        "base_url: http://localhost:8000/",
    );
    let out_dir = tempfile::tempdir().unwrap();
    let public = out_dir.path().join("public");
    let public = public.to_str().unwrap();
    let built = casebook(["build", "--output", public], dir);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert_eq!(built.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("casebook.yaml:2:1: warning: `base_url` http://localhost:8000/")
            && stderr.contains(WARNING)
            && stderr.contains("--base-url"),
        "{stderr}"
    );
    let given = casebook(
        [
            "build",
            "--output",
            public,
            "--base-url",
            "http://127.0.0.1:9/",
        ],
        dir,
    );
    assert!(
        !String::from_utf8_lossy(&given.stderr).contains(WARNING),
        "a --base-url given on the command line is the user's choice"
    );
    let site = TestSite::at(dir);
    for (how, checked) in [
        ("check", site.check()),
        ("check --format json", site.check_json()),
    ] {
        let all = format!("{}{}", checked.stdout, checked.stderr);
        assert!(!all.contains(WARNING), "{how}: {all}");
    }
    edit(
        dir,
        "casebook.yaml",
        "base_url: http://localhost:8000/\n",
        "",
    );
    let default = casebook(["build", "--output", public], dir);
    let stderr = String::from_utf8_lossy(&default.stderr);
    assert!(
        stderr.contains("casebook.yaml:1:1: warning: `base_url` is not set")
            && stderr.contains(WARNING),
        "{stderr}"
    );
}

#[test]
fn init_and_every_kind_of_new_pass_check_deny_warnings_as_written() {
    let passes = |dir: &Path, what: &str| {
        let out = TestSite::at(dir).arg("--deny-warnings").check();
        assert_eq!(
            out.code, 0,
            "{what} fails `check --deny-warnings`:\n{}{}",
            out.stdout, out.stderr
        );
    };
    let fresh = || {
        let tmp = tempfile::tempdir().unwrap();
        let out = casebook(["init", "kb"], tmp.path());
        assert_eq!(out.status.code(), Some(0));
        tmp
    };
    let tmp = fresh();
    passes(&tmp.path().join("kb"), "init");
    for args in [
        &["new", "case", "beta-case"][..],
        &["new", "stage", "second-stage", "--case", "example-case"],
        &["new", "framework", "pestel"],
        &["new", "entity", "beta-corp"],
    ] {
        let tmp = fresh();
        let kb = tmp.path().join("kb");
        let out = casebook(args, &kb);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        passes(&kb, &format!("{args:?}"));
    }
}

#[test]
fn a_stage_short_title_must_be_shorter_than_its_title() {
    let tmp = copy_fixture("minimal");
    edit(
        tmp.path(),
        "content/cases/acme-india/growth.md",
        "title: Growth\n",
        "title: Growth\nshort_title: Growth years\n",
    );
    let out = TestSite::at(tmp.path()).check();
    let stderr = &out.stderr;
    assert_eq!(out.code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "content/cases/acme-india/growth.md:3:14: error: `short_title` is not shorter than the title"
        ),
        "{stderr}"
    );
    edit(
        tmp.path(),
        "content/cases/acme-india/growth.md",
        "short_title: Growth years",
        "short_title: Grow",
    );
    let out = TestSite::at(tmp.path()).check();
    assert_eq!(out.code, 0, "{}", out.stderr);
}
