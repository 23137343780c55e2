//! A small chainable harness: build or check a fixture, a site written
//! inline, or the shipped site with the real binary, then look at the
//! output as HTML or at the diagnostics.

use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) struct TestSite {
    pub root: PathBuf,
    pub args: Vec<String>,
    /// The folder of a site written by `from_files`, removed with the site.
    tmp: Option<tempfile::TempDir>,
}

pub(crate) struct Built {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub out: PathBuf,
    /// The temporary output folder of `build`.
    out_tmp: Option<tempfile::TempDir>,
    /// The temporary site folder of `from_files`, kept while the output is read.
    site_tmp: Option<tempfile::TempDir>,
}

/// What one run of `casebook check` printed, and its exit code.
pub(crate) struct Checked {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestSite {
    /// The knowledge base shipped in the repository.
    pub(crate) fn shipped() -> Self {
        TestSite::at(&manifest_dir())
    }

    /// The site in folder `root` (a copied fixture, a temporary site).
    pub(crate) fn at(root: &Path) -> Self {
        TestSite {
            root: root.to_path_buf(),
            args: Vec::new(),
            tmp: None,
        }
    }

    /// A site under tests/fixtures/<name>.
    pub(crate) fn fixture(name: &str) -> Self {
        TestSite::at(&manifest_dir().join("tests/fixtures").join(name))
    }

    /// A site made of `files` (path relative to the site → text) in a fresh
    /// temporary folder, which lives as long as the site or its build.
    pub(crate) fn from_files(files: &[(&str, &str)]) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        for (rel, text) in files {
            write(tmp.path(), rel, text);
        }
        TestSite {
            root: tmp.path().to_path_buf(),
            args: Vec::new(),
            tmp: Some(tmp),
        }
    }

    pub(crate) fn arg(mut self, a: &str) -> Self {
        self.args.push(a.to_string());
        self
    }

    /// Builds into a fresh temporary directory.
    pub(crate) fn build(mut self) -> Built {
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = tmp.path().join("public");
        let mut built = self.build_into(&out);
        built.out_tmp = Some(tmp);
        built.site_tmp = self.tmp.take();
        built
    }

    /// Builds into `out` (which the caller owns).
    pub(crate) fn build_into(&self, out: &Path) -> Built {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
        cmd.arg("build")
            .arg("--root")
            .arg(&self.root)
            .arg("--output")
            .arg(out)
            .args(&self.args);
        let output = run_with_deadline(cmd);
        Built {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            out: out.to_path_buf(),
            out_tmp: None,
            site_tmp: None,
        }
    }

    /// Runs `casebook check` on the site, with the arguments given so far;
    /// diagnostics are on `stderr`.
    pub(crate) fn check(&self) -> Checked {
        self.run_check(&[])
    }

    /// Runs `casebook check --format json`; `Checked::diagnostics` reads
    /// the list it prints.
    pub(crate) fn check_json(&self) -> Checked {
        self.run_check(&["--format", "json"])
    }

    fn run_check(&self, format: &[&str]) -> Checked {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
        cmd.arg("check")
            .args(format)
            .arg("--root")
            .arg(&self.root)
            .args(&self.args);
        let output = run_with_deadline(cmd);
        Checked {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Checked {
    /// The diagnostics `check --format json` printed on stdout, one JSON
    /// object each (`file`, `line`, `col`, `severity`, `message`, `help`).
    #[track_caller]
    pub(crate) fn diagnostics(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "check --format json prints JSON ({e}):\n{}{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Built {
    #[track_caller]
    pub(crate) fn ok(self) -> Self {
        assert_eq!(self.code, 0, "build failed:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub(crate) fn fails(self) -> Self {
        assert_eq!(
            self.code, 1,
            "expected a content error, got exit {}:\n{}{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// The HTML of a page by its URL path (`cases/x/`).
    #[track_caller]
    pub(crate) fn page(&self, url_path: &str) -> Page {
        let file = if url_path.is_empty() || url_path.ends_with('/') {
            self.out.join(url_path).join("index.html")
        } else {
            self.out.join(url_path)
        };
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        Page {
            html: Html::parse_document(&text),
            text,
        }
    }

    /// Every file of the output with its bytes.
    pub(crate) fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files_under(&self.out)
    }
}

/// Every file under `dir` (relative path → bytes).
pub(crate) fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub(crate) struct Page {
    pub html: Html,
    pub text: String,
}

impl Page {
    pub(crate) fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.html.select(&sel).collect()
    }

    /// Text of the first element matching `css`, whitespace collapsed.
    #[track_caller]
    pub(crate) fn text_of(&self, css: &str) -> String {
        let el = self
            .select(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches `{css}`"));
        el.text()
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text a reader sees: text nodes of `<body>` outside scripts,
    /// styles and templates (attributes are never text), whitespace
    /// collapsed.
    pub(crate) fn visible_text(&self) -> String {
        let mut parts = Vec::new();
        for body in self.select("body") {
            for node in body.descendants() {
                let Some(text) = node.value().as_text() else {
                    continue;
                };
                let hidden = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
                });
                if !hidden {
                    parts.push(text.to_string());
                }
            }
        }
        parts
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(crate) fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(String::from))
            .collect()
    }
}

/// Copies a fixture into a temporary directory the test may edit.
pub(crate) fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures").join(name),
        tmp.path(),
    );
    tmp
}

/// Copies a file or a folder with everything in it.
pub(crate) fn copy_tree(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src).into_iter().flatten() {
        let rel = entry.path().strip_prefix(src).unwrap();
        let to = if rel.as_os_str().is_empty() {
            dst.to_path_buf()
        } else {
            dst.join(rel)
        };
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Runs the casebook binary with `args` in the folder `cwd` (under the same
/// deadline as builds).
pub(crate) fn casebook<S: AsRef<std::ffi::OsStr>>(
    args: impl IntoIterator<Item = S>,
    cwd: &Path,
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
    cmd.args(args).current_dir(cwd);
    run_with_deadline(cmd)
}

/// Runs a command, killing it if it has not finished after a generous
/// deadline: this only turns a hang into a failure, it measures nothing.
pub(crate) fn run_with_deadline(mut cmd: Command) -> std::process::Output {
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run casebook");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).ok();
        buf
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for casebook") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("casebook did not finish within 300 s: {cmd:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out_thread.join().unwrap(),
        stderr: err_thread.join().unwrap(),
    }
}

/// Writes a file of a site (text or any bytes), creating its folders.
pub(crate) fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Rewrites part of a file of a copied fixture.
pub(crate) fn edit(dir: &std::path::Path, rel: &str, from: &str, to: &str) {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Writes a site of `n` entity pages into `root`, too many for one search
/// shard; page `i` is `/entities/p{i:04}/` and alone holds the word
/// `zq{i:04}mark`.
pub(crate) fn many_pages(root: &Path, n: usize) {
    write(root, "casebook.yaml", "title: Many pages\n");
    for i in 0..n {
        write(
            root,
            &format!("content/entities/p{i:04}.md"),
            format!(
                "---\ntitle: Page {i}\ntype: other\n---\nThe word zq{i:04}mark is on this page only.\n"
            ),
        );
    }
}

/// Pages of a built site that Pagefind's own script finds for `query`,
/// merging every shard as the theme's search page does.
pub(crate) fn search(site: &Path, query: &str) -> Vec<String> {
    let script = manifest_dir().join("tests/views/pagefind_query.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(site)
        .arg(query)
        .output()
        .expect("node is installed (see scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap().to_string())
        .collect()
}
