//! `serve`'s incremental rebuilds: after each edit the site in the scratch
//! directory must be exactly what a full build of the edited sources makes,
//! the edit must take the incremental path where it can, and files whose
//! bytes did not change must not be written again.

use crate::harness::{copy_tree, manifest_dir};
use casebook::{BuildOptions, Failure, build_in_memory};
use casebook::{Outcome, Session};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A copy of the shipped knowledge base and a session serving it.
struct Served {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    site: PathBuf,
    session: Session,
}

impl Served {
    /// The shipped knowledge base in English only.
    fn start() -> Served {
        Served::start_with(false)
    }

    /// The shipped knowledge base, in all its languages when `languages`.
    fn start_with(languages: bool) -> Served {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("kb");
        for part in ["casebook.yaml", "content", "themes", "strings"] {
            copy_tree(&manifest_dir().join(part), &root.join(part));
        }
        if !languages {
            one_language(&root);
        }
        let site = tmp.path().join("scratch/site");
        let mut session = Session::new(options(&root, &site));
        let first = session.full_build().expect("the shipped site builds");
        assert!(first.full);
        Served {
            _tmp: tmp,
            root,
            site,
            session,
        }
    }

    /// Replaces `from` by `to` in a source file and tells the session.
    fn edit(&mut self, rel: &str, from: &str, to: &str) -> Result<Outcome, Failure> {
        let path = self.root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self.session
            .changed(&[path])
            .expect("a real edit is a change")
    }

    /// Adds text at the end of a source file and tells the session.
    fn append(&mut self, rel: &str, more: &str) -> Result<Outcome, Failure> {
        let path = self.root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}{more}")).unwrap();
        self.session
            .changed(&[path])
            .expect("a real edit is a change")
    }

    /// Every output file except the search index, which is built later on
    /// another thread, and the marker saying casebook made the folder.
    fn files(&self) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&self.site).into_iter().flatten() {
            let rel = entry.path().strip_prefix(&self.site).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            let index = rel.starts_with("pagefind/") || rel.contains("/pagefind/");
            if entry.file_type().is_file() && !index && !rel.starts_with('.') {
                let modified = entry.metadata().unwrap().modified().unwrap();
                files.insert(rel, (std::fs::read(entry.path()).unwrap(), modified));
            }
        }
        files
    }

    /// The scratch site equals a full build of the current sources.
    fn assert_same_as_full_build(&self) {
        let full = build_in_memory(&options(&self.root, &self.site)).expect("full build");
        let served = self.files();
        let full_names: Vec<&String> = full.keys().collect();
        let served_names: Vec<&String> = served.keys().collect();
        assert_eq!(served_names, full_names, "the same files");
        for (name, bytes) in &full {
            assert!(
                served[name].0 == *bytes,
                "{name} differs from a full build of the edited sources"
            );
        }
    }
}

fn options(root: &Path, site: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: site.to_path_buf(),
        base_url: None,
        drafts: false,
        search: true,
        index: false,
    }
}

/// Files whose bytes stayed the same were not written again, and those
/// that changed were.
fn assert_only_changed_files_written(
    before: &BTreeMap<String, (Vec<u8>, SystemTime)>,
    after: &BTreeMap<String, (Vec<u8>, SystemTime)>,
) -> usize {
    let mut changed = 0;
    for (name, (bytes, modified)) in after {
        let (old_bytes, old_modified) = &before[name];
        if bytes == old_bytes {
            assert_eq!(modified, old_modified, "{name} was rewritten unchanged");
        } else {
            changed += 1;
        }
    }
    changed
}

#[test]
fn edits_of_originals_and_translations_render_each_language_incrementally() {
    let mut s = Served::start_with(true);
    // An original's body: its page in every language (a translation keeps
    // its own text, a fallback shows the new one).
    let outcome = s
        .edit(
            "content/cases/aliexpress-russia/entry.md",
            "It was a [[C2C]] marketplace",
            "It was, in short, a [[C2C]] marketplace",
        )
        .expect("the edit builds");
    assert!(!outcome.full, "a body edit takes the incremental path");
    assert!(outcome.rendered < 60, "rendered {} pages", outcome.rendered);
    s.assert_same_as_full_build();
    // A translation's body: its own language only.
    let outcome = s
        .edit(
            "content/cases/aliexpress-russia/entry.ru.md",
            "## Трафик прежде всего",
            "## Трафик — прежде всего",
        )
        .expect("the edit builds");
    assert!(!outcome.full);
    assert!(outcome.rendered < 20, "rendered {} pages", outcome.rendered);
    s.assert_same_as_full_build();
    // An original's body that no longer matches its translations fails,
    // and the fix builds again.
    let failed = s.edit(
        "content/cases/aliexpress-russia/entry.md",
        "It was, in short, a [[C2C]] marketplace",
        "It was, in short, a [[C2C]] marketplace run by [[alibaba-group]]",
    );
    assert!(failed.is_err(), "the translations lack the new link");
    s.edit(
        "content/cases/aliexpress-russia/entry.md",
        " run by [[alibaba-group]]",
        "",
    )
    .expect("the fix builds");
    s.assert_same_as_full_build();
}

#[test]
fn body_edits_rebuild_only_what_changed_and_match_a_full_build() {
    let mut s = Served::start();
    let before = s.files();
    // A new sentence with a link: the stage, the linked entity's backlinks
    // and the link graph change; nothing else does.
    let outcome = s
        .edit(
            "content/cases/aliexpress-russia/entry.md",
            "It was a [[C2C]] marketplace",
            "Its buyers also met [[ebay|eBay]] there. It was a [[C2C]] marketplace",
        )
        .expect("the edit builds");
    assert!(!outcome.full, "a body edit takes the incremental path");
    assert!(
        outcome.rendered < 40,
        "rendered {} pages for one body edit",
        outcome.rendered
    );
    s.assert_same_as_full_build();
    let after = s.files();
    let changed = assert_only_changed_files_written(&before, &after);
    assert_eq!(changed, outcome.written, "the session counts what it wrote");
    for file in [
        "cases/aliexpress-russia/entry/index.html",
        "entities/ebay/index.html",
        "graph.json",
    ] {
        assert!(after[file].0 != before[file].0, "{file} shows the edit");
    }
    let ebay = String::from_utf8_lossy(&after["entities/ebay/index.html"].0).into_owned();
    assert!(
        ebay.contains("Its buyers also met"),
        "backlink quotes the sentence"
    );
    assert!(changed <= 6, "{changed} files changed for one sentence");

    // A paragraph without links at the end: only the page itself changes,
    // not even the link graph (no link moved).
    let before = after;
    let outcome = s
        .append("content/about.md", "\nA short added paragraph.\n")
        .unwrap();
    assert!(!outcome.full);
    s.assert_same_as_full_build();
    let after = s.files();
    assert_only_changed_files_written(&before, &after);
    assert!(after["about/index.html"].0 != before["about/index.html"].0);
    assert_eq!(after["graph.json"].1, before["graph.json"].1);
    assert_eq!(outcome.written, 1, "only about/index.html is written");
}

#[test]
fn front_matter_edits_update_lists_and_links_or_build_everything() {
    let mut s = Served::start();
    // A stage's new title shows on its case, its siblings' previous/next
    // links, the timeline, lists and every page linking to it.
    let outcome = s
        .edit(
            "content/cases/aliexpress-russia/entry.md",
            "title: Entry — flow expansion through cultural-cognitive fit",
            "title: Entry — the renamed first stage",
        )
        .unwrap();
    assert!(
        !outcome.full,
        "a stage title edit takes the incremental path"
    );
    s.assert_same_as_full_build();
    let case = std::fs::read_to_string(s.site.join("cases/aliexpress-russia/index.html")).unwrap();
    assert!(case.contains("the renamed first stage"));

    // A case's front matter holds its events: everything is built again,
    // and the result is still the full build's.
    let outcome = s
        .edit(
            "content/cases/aliexpress-russia/index.md",
            "title: ",
            "title: Renamed ",
        )
        .unwrap();
    assert!(outcome.full, "a case front-matter edit builds everything");
    s.assert_same_as_full_build();
}

#[test]
fn a_broken_edit_reports_its_position_and_the_fix_builds_again() {
    let mut s = Served::start();
    let rel = "content/about.md";
    let err = s
        .edit(
            rel,
            "## What this is",
            "## What this is\n\nSee [[no-such-page]].",
        )
        .expect_err("an unknown link fails the rebuild");
    let diags = err.diagnostics();
    assert!(
        diags
            .iter()
            .any(|d| d.span.file == rel && d.span.line > 1 && d.message.contains("no-such-page")),
        "the error names the file and line: {diags:?}"
    );
    // The previous site stays in place while the error shows.
    let about = std::fs::read_to_string(s.site.join("about/index.html")).unwrap();
    assert!(!about.contains("no-such-page"));
    let outcome = s
        .edit(rel, "See [[no-such-page]].", "See [[ebay]].")
        .unwrap();
    assert!(outcome.rendered > 0);
    s.assert_same_as_full_build();
    // A stamp-only event (the file was read, not written) is no change.
    let path = s.root.join(rel);
    assert!(s.session.changed(&[path]).is_none());
    // Nor is a file the build does not read, such as the probe file vim
    // writes beside the one it saves, or its backup.
    for probe in ["content/4913", "content/about.md~"] {
        let path = s.root.join(probe);
        std::fs::write(&path, "x").unwrap();
        assert!(s.session.changed(&[path]).is_none(), "{probe} is no change");
    }
    // A new page is: everything is built again and it is there.
    let page = s.root.join("content/notes.md");
    std::fs::write(&page, "---\ntitle: Notes\n---\nNew page.\n").unwrap();
    let outcome = s.session.changed(&[page]).unwrap().unwrap();
    assert!(outcome.full, "a new page builds everything");
    s.assert_same_as_full_build();
    assert!(s.site.join("notes/index.html").is_file());
}

/// The shipped site in English only: translations and `languages:` removed
/// (a site with further languages builds in full after every edit).
fn one_language(root: &std::path::Path) {
    for entry in walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_file() && name.matches('.').count() > 1 {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    let config = root.join("casebook.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .scan(false, |skipping, line| {
            if line.starts_with("languages:") {
                *skipping = true;
            } else if !line.starts_with(' ') && !line.starts_with('#') {
                *skipping = false;
            }
            Some((!*skipping).then_some(line))
        })
        .flatten()
        .collect();
    std::fs::write(&config, kept.join("\n") + "\n").unwrap();
}
