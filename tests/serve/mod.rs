//! `casebook serve` started the way README.md says: from the knowledge
//! base's folder, with the root spelled in every way a user might. Waits
//! only detect a hang or a rebuild loop; nothing here measures speed.

use crate::harness::{copy_tree, manifest_dir};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A running `serve` whose stdout lines arrive on a channel.
struct Watched {
    child: Child,
    lines: Receiver<String>,
    url: String,
}

impl Drop for Watched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watched {
    /// Starts `casebook serve --port 0 [ROOT_ARGS]` in `cwd` and waits for
    /// its address.
    fn start(cwd: &Path, root_args: &[&str]) -> Watched {
        let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(["serve", "--port", "0"])
            .args(root_args)
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start casebook serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut watched = Watched {
            child,
            lines,
            url: String::new(),
        };
        let serving = watched
            .next_matching(Duration::from_secs(120), |l| l.starts_with("serving "))
            .unwrap_or_else(|| panic!("serve in {cwd:?} {root_args:?} printed no address"));
        let i = serving.find("http://").expect("an address");
        watched.url = serving[i..].split_whitespace().next().unwrap().to_string();
        watched
    }

    /// The next line satisfying `pred` within `wait`, skipping others.
    fn next_matching(&self, wait: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if pred(&line) => return Some(line),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Replaces `from` by `to` in the site's file `rel` and returns the
    /// build line that follows.
    fn edit_and_wait(&self, root: &Path, rel: &str, from: &str, to: &str) -> String {
        crate::harness::edit(root, rel, from, to);
        self.next_matching(Duration::from_secs(60), is_build)
            .unwrap_or_else(|| panic!("the edit of {rel} was never built"))
    }

    /// Every build line printed during `wait`.
    fn builds_during(&self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        let mut builds = Vec::new();
        while let Some(line) =
            self.next_matching(deadline.saturating_duration_since(Instant::now()), is_build)
        {
            builds.push(line);
        }
        builds
    }
}

/// A line serve prints after a full (`built in`) or incremental
/// (`rebuilt in`) build.
fn is_build(line: &str) -> bool {
    line.starts_with("built in ") || line.starts_with("rebuilt in ")
}

fn page(url: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .get(url)
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_to_string().ok())
        .unwrap_or_default()
}

/// Starts serve in `cwd` with `root_args` over the site at `site`, checks
/// that it stays idle, then that a body edit takes the incremental path
/// and is served.
fn idle_then_incremental(site: &Path, cwd: &Path, root_args: &[&str]) {
    let how = format!("serve in {} with {root_args:?}", cwd.display());
    let server = Watched::start(cwd, root_args);
    let idle = server.builds_during(Duration::from_secs(4));
    assert!(
        idle.is_empty(),
        "{how}: rebuilt {} times with no edit: {idle:?}",
        idle.len()
    );
    let source = site.join("content/entities/acme.md");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(
        &source,
        text.replace("Makes widgets.", "Makes sprockets now."),
    )
    .unwrap();
    let rebuilt = server
        .next_matching(Duration::from_secs(60), is_build)
        .unwrap_or_else(|| panic!("{how}: the edit was never built"));
    assert!(
        rebuilt.starts_with("rebuilt in ") && rebuilt.contains("pages rendered"),
        "{how}: a body edit built everything again: {rebuilt}"
    );
    let body = page(&format!("{}entities/acme/", server.url));
    assert!(
        body.contains("Makes sprockets now."),
        "{how}: edit not served"
    );
}

/// A copy of the `minimal` fixture in `parent/site`.
fn site_in(parent: &Path) -> PathBuf {
    let site = parent.join("site");
    copy_tree(&manifest_dir().join("tests/fixtures/minimal"), &site);
    site
}

#[test]
fn serve_stays_idle_and_rebuilds_incrementally_however_the_root_is_spelled() {
    let spellings: [&[&str]; 4] = [
        &[],
        &["--root", "."],
        &["--root", "./"],
        &["--root", "../site"],
    ];
    let mut runs = Vec::new();
    for args in spellings {
        runs.push(std::thread::spawn(move || {
            let tmp = tempfile::tempdir().unwrap();
            let site = site_in(tmp.path());
            idle_then_incremental(&site, &site, args);
        }));
    }
    runs.push(std::thread::spawn(|| {
        let tmp = tempfile::tempdir().unwrap();
        let site = site_in(tmp.path());
        let link = tmp.path().join("linked");
        std::os::unix::fs::symlink(&site, &link).unwrap();
        idle_then_incremental(&site, &link, &[]);
    }));
    for run in runs {
        if let Err(e) = run.join() {
            std::panic::resume_unwind(e);
        }
    }
}

#[test]
fn an_edit_reindexes_one_search_shard_and_the_index_equals_a_cold_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    crate::harness::many_pages(&root, 1_200);
    let server = Watched::start(&root, &[]);
    let indexed = |what: &str| {
        server
            .next_matching(Duration::from_secs(240), |l| {
                l.starts_with("search index updated")
            })
            .unwrap_or_else(|| panic!("serve never indexed {what}"))
    };
    let served = std::env::temp_dir()
        .join(format!("casebook-serve-{}", server.child.id()))
        .join("site");
    // An edit while the first index is being built abandons that run; what
    // it indexed but never wrote must not be reused later.
    crate::harness::edit(
        &root,
        "content/entities/p0100.md",
        "on this",
        "zqearly on this",
    );
    loop {
        indexed("the first edit");
        if crate::harness::search(&served, "zqearly") == ["/entities/p0100/"] {
            break;
        }
    }
    crate::harness::edit(
        &root,
        "content/entities/p0700.md",
        "on this",
        "zqfresh on this",
    );
    let again = indexed("the second edit");
    assert!(again.contains("1 of 3 shards indexed again"), "{again}");
    for (word, page) in [
        ("zqfresh", "/entities/p0700/"),
        ("zqearly", "/entities/p0100/"),
        ("zq1199mark", "/entities/p1199/"),
    ] {
        assert_eq!(crate::harness::search(&served, word), [page]);
    }
    let cold = tmp.path().join("cold");
    let built = crate::harness::casebook(
        [
            "build".as_ref(),
            "--base-url".as_ref(),
            server.url.as_ref(),
            "--output".as_ref(),
            cold.as_os_str(),
        ],
        &root,
    );
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let (warm, cold) = (
        crate::harness::files_under(&served.join("pagefind")),
        crate::harness::files_under(&cold.join("pagefind")),
    );
    assert_eq!(
        warm.keys().collect::<Vec<_>>(),
        cold.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &warm {
        assert!(
            bytes == &cold[name],
            "pagefind/{name} differs from a cold build's"
        );
    }
    // A full rebuild replaces the site's folder, index included: every
    // shard is indexed and written again, and search works as before.
    crate::harness::edit(&root, "casebook.yaml", "Many pages", "Many more pages");
    let full = indexed("the full rebuild");
    assert!(full.contains("3 of 3 shards indexed again"), "{full}");
    assert_eq!(
        crate::harness::search(&served, "zq1199mark"),
        ["/entities/p1199/"]
    );
}

#[test]
fn serve_rebuilds_every_language_after_an_edit_of_a_translation() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&manifest_dir().join("tests/fixtures/languages"), &root);
    let server = Watched::start(&root, &[]);
    let ru = format!("{}ru/cases/acme-india/entry/", server.url);
    assert!(page(&ru).contains("Acme продавала через свой сайт."));
    assert!(
        page(&format!("{}ru/no-such-page/", server.url)).contains("lang=\"ru\""),
        "a missing page under /ru/ gets the Russian 404 page"
    );
    let idle = server.builds_during(Duration::from_secs(3));
    assert!(idle.is_empty(), "rebuilt with no edit: {idle:?}");
    let rebuilt = server.edit_and_wait(
        &root,
        "content/cases/acme-india/entry.ru.md",
        "через свой сайт",
        "через свой новый сайт",
    );
    assert!(
        rebuilt.starts_with("rebuilt in "),
        "a translation's body edit takes the incremental path: {rebuilt}"
    );
    assert!(page(&ru).contains("Acme продавала через свой новый сайт."));
    // An edit of an original reaches the untranslated page of every language.
    let rebuilt = server.edit_and_wait(
        &root,
        "content/cases/acme-india/growth.md",
        "opening warehouses",
        "opening depots",
    );
    assert!(rebuilt.starts_with("rebuilt in "), "{rebuilt}");
    let zh = page(&format!("{}zh/cases/acme-india/growth/", server.url));
    assert!(zh.contains("opening depots"), "{zh}");
    // An original's edit that breaks its translation's links is reported,
    // and the fix builds again.
    let served_until = |what: &str, ok: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let body = page(&ru);
            if ok(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "never served {what}: {body}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    crate::harness::edit(
        &root,
        "content/cases/acme-india/index.md",
        "the growth stage]].",
        "the growth stage]], made by [[acme]].",
    );
    let error = served_until("the error", &|b| b.contains("missing link to"));
    assert!(error.contains("index.ru.md"), "{error}");
    crate::harness::edit(
        &root,
        "content/cases/acme-india/index.md",
        "the growth stage]], made by [[acme]].",
        "the growth stage]].",
    );
    served_until("the fixed page", &|b| {
        b.contains("Acme продавала через свой новый сайт.")
    });
    // The Russian search index follows the edits of Russian pages.
    let served = std::env::temp_dir()
        .join(format!("casebook-serve-{}", server.child.id()))
        .join("site");
    loop {
        server
            .next_matching(Duration::from_secs(60), |l| {
                l.starts_with("search index updated")
            })
            .expect("serve indexed the edits");
        // A full rebuild (the fix above) replaces the folder, index
        // included, until the worker writes it again.
        let bundle = served.join("ru/pagefind");
        if bundle.join("pagefind-entry.json").is_file()
            && bundle.join("pagefind.js").is_file()
            && crate::harness::search(&served.join("ru"), "новый") == ["/cases/acme-india/entry/"]
        {
            break;
        }
    }
    // The site's interface strings are watched too.
    crate::harness::edit(
        &root,
        "strings/ru.yaml",
        "Перевод для проверки",
        "Проверочный перевод",
    );
    served_until("the new strings", &|b| b.contains("Проверочный перевод"));
    assert!(page(&format!("{}zh/pagefind/pagefind-entry.json", server.url)).contains("\"zh\""));
}
