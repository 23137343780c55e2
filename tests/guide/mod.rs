//! The editor's guide (docs/editing.md) stays true: its worked example is
//! written over a fresh `casebook init` knowledge base and must build, and
//! the guide must name every common front-matter key.

use crate::harness::{casebook, manifest_dir, write};
use scraper::{Html, Selector};
use std::path::{Component, Path};

/// A fenced code block of the guide that names a file (`yaml file=...`).
struct FileBlock {
    /// Path relative to the knowledge-base root.
    path: String,
    text: String,
    /// 1-based line of the opening fence, for messages.
    line: usize,
}

fn guide_text() -> String {
    let path = manifest_dir().join("docs/editing.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every fenced block (``` or ~~~) whose info string contains `file=`.
fn file_blocks(guide: &str) -> Vec<FileBlock> {
    let mut blocks = Vec::new();
    // (fence character, fence length, file path, opening line, body)
    let mut open: Option<(char, usize, Option<String>, usize, String)> = None;
    for (i, line) in guide.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let fence_len = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match &mut open {
            None => {
                if indent <= 3 && fence_len >= 3 {
                    let c = fence_char.unwrap();
                    let info = trimmed[fence_len..].trim();
                    let file = info
                        .split_whitespace()
                        .find_map(|w| w.strip_prefix("file="))
                        .map(|p| p.trim_matches(['"', '\'']).to_string());
                    open = Some((c, fence_len, file, i + 1, String::new()));
                }
            }
            Some((c, len, file, start, body)) => {
                let closes = indent <= 3
                    && fence_char == Some(*c)
                    && fence_len >= *len
                    && trimmed[fence_len..].trim().is_empty();
                if closes {
                    if let Some(path) = file.take() {
                        blocks.push(FileBlock {
                            path,
                            text: std::mem::take(body),
                            line: *start,
                        });
                    }
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "docs/editing.md ends inside a fenced block");
    blocks
}

/// A relative path that stays inside the knowledge base.
fn is_safe_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// The keys of `COMMON_KEYS`, read from the source text.
fn common_keys() -> Vec<String> {
    let src = std::fs::read_to_string(manifest_dir().join("src/model/frontmatter.rs"))
        .expect("read src/model/frontmatter.rs");
    let start = src
        .find("const COMMON_KEYS")
        .expect("COMMON_KEYS is defined in src/model/frontmatter.rs");
    let rest = &src[start..];
    // Skip the type (`&[&str]`): the list starts after `=`.
    let rest = &rest[rest.find('=').expect("COMMON_KEYS has a value")..];
    let list = &rest[rest.find('[').expect("COMMON_KEYS list opens")..];
    let list = &list[..list.find("];").expect("COMMON_KEYS list closes")];
    let keys: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!keys.is_empty(), "no keys found in COMMON_KEYS");
    keys
}

#[test]
fn guide_worked_example_builds_on_a_fresh_init() {
    let guide = guide_text();
    let blocks = file_blocks(&guide);
    assert!(
        !blocks.is_empty(),
        "docs/editing.md has no ```lang file=<path> blocks"
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("kb");
    let init = casebook(["init".as_ref(), root.as_os_str()], &manifest_dir());
    assert_eq!(
        init.status.code(),
        Some(0),
        "casebook init failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );

    for b in &blocks {
        assert!(
            is_safe_relative(&b.path),
            "docs/editing.md:{}: `file={}` must be a relative path inside the knowledge base",
            b.line,
            b.path
        );
        write(&root, &b.path, &b.text);
    }

    // The example case: the one case index the guide writes.
    let cases: Vec<String> = blocks
        .iter()
        .filter_map(|b| {
            let rest = b.path.strip_prefix("content/cases/")?;
            let (case, file) = rest.split_once('/')?;
            (file == "index.md").then(|| case.to_string())
        })
        .collect();
    assert_eq!(
        cases.len(),
        1,
        "the worked example writes exactly one case index.md, found {cases:?}"
    );
    let case = &cases[0];
    let case_dir = format!("content/cases/{case}/");
    let stages: Vec<String> = blocks
        .iter()
        .filter_map(|b| {
            let file = b.path.strip_prefix(&case_dir)?;
            let stem = file.strip_suffix(".md")?;
            (stem != "index" && !stem.contains('/')).then(|| stem.to_string())
        })
        .collect();
    assert!(
        stages.len() >= 2,
        "the worked example has at least two stages of `{case}`, found {stages:?}"
    );
    let events_block = blocks
        .iter()
        .find(|b| b.path == format!("{case_dir}events.yaml"))
        .unwrap_or_else(|| panic!("the worked example writes {case_dir}events.yaml"));
    let events: serde_yaml::Value =
        serde_yaml::from_str(&events_block.text).expect("events.yaml of the guide is YAML");
    let event_count = events
        .as_sequence()
        .expect("events.yaml is a list of events")
        .len();
    assert!(
        event_count >= 2,
        "the example has at least two events, found {event_count}"
    );

    let out = root.join("public");
    let build = casebook(
        [
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
        ],
        &manifest_dir(),
    );
    assert_eq!(
        build.status.code(),
        Some(0),
        "building the guide's worked example failed:\n{}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );

    let case_page = out.join(format!("cases/{case}/index.html"));
    assert!(case_page.is_file(), "{} was not built", case_page.display());
    for stage in &stages {
        let page = out.join(format!("cases/{case}/{stage}/index.html"));
        assert!(page.is_file(), "{} was not built", page.display());
    }

    let html = Html::parse_document(&std::fs::read_to_string(&case_page).unwrap());
    let marks = Selector::parse("#timeline a.mark").unwrap();
    assert_eq!(
        html.select(&marks).count(),
        event_count,
        "the case timeline has one mark per event of {case_dir}events.yaml"
    );
}

#[test]
fn guide_names_every_common_key() {
    let guide = guide_text();
    let missing: Vec<String> = common_keys()
        .into_iter()
        .filter(|k| !guide.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/editing.md does not document these common keys (as `key`): {missing:?}"
    );
}
