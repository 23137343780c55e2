//! Builds the shipped knowledge base and fixture sites with the real binary
//! and checks the output as HTML.

#[path = "architecture/mod.rs"]
mod architecture;
#[path = "editor/mod.rs"]
mod editor;
#[path = "evidence/mod.rs"]
mod evidence;
#[path = "guide/mod.rs"]
mod guide;
mod harness;
#[path = "hostile/mod.rs"]
mod hostile;
#[path = "incremental/mod.rs"]
mod incremental;
#[path = "languages/mod.rs"]
mod languages;
#[path = "page_kinds/mod.rs"]
mod page_kinds;
#[path = "schema/mod.rs"]
mod schema;
#[path = "search/mod.rs"]
mod search;
#[path = "serve/mod.rs"]
mod serve;
#[path = "setup/mod.rs"]
mod setup;
#[path = "views/mod.rs"]
mod views;

use harness::{Built, TestSite, manifest_dir};
use std::collections::{BTreeMap, BTreeSet};

/// Front matter of a shipped content file, parsed independently of casebook.
fn front_matter(rel: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(manifest_dir().join("content").join(rel)).unwrap();
    let yaml = text
        .split("\n---")
        .next()
        .unwrap()
        .trim_start_matches("---\n");
    serde_yaml::from_str(yaml).unwrap()
}

/// A translation beside its original (`entry.ru.md`).
fn is_translation(name: &str) -> bool {
    name.matches('.').count() > 1
}

fn slugs_in(dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(manifest_dir().join("content").join(dir))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            (name.ends_with(".md") && !name.starts_with('_') && !is_translation(&name))
                .then(|| name.trim_end_matches(".md").to_string())
        })
        .collect();
    v.sort();
    v
}

fn shipped() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| TestSite::shipped().build().ok())
}

const CASE: &str = "cases/aliexpress-russia/";

fn stage_slugs() -> Vec<String> {
    slugs_in("cases/aliexpress-russia")
        .into_iter()
        .filter(|s| s != "index")
        .collect()
}

#[test]
fn shipped_site_has_a_page_for_every_source() {
    let site = shipped();
    for slug in slugs_in("entities") {
        site.page(&format!("entities/{slug}/"));
    }
    for slug in slugs_in("frameworks") {
        site.page(&format!("frameworks/{slug}/"));
    }
    for slug in stage_slugs() {
        site.page(&format!("{CASE}{slug}/"));
    }
    for path in [
        "",
        CASE,
        "about/",
        "cases/",
        "frameworks/",
        "entities/",
        "references/",
        "glossary/",
        "404.html",
    ] {
        site.page(path);
    }
    let stages = std::fs::read_dir(manifest_dir().join("content/cases"))
        .unwrap()
        .flat_map(|case| std::fs::read_dir(case.unwrap().path()).unwrap())
        .filter(|f| {
            let name = f.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.ends_with(".md")
                && name != "index.md"
                && name != "_index.md"
                && !is_translation(&name)
        })
        .count();
    assert!(
        site.stdout.contains(&format!("{stages} stage")),
        "summary names pages by kind ({stages} stages): {}",
        site.stdout
    );
}

/// Every internal link and `#anchor` of every page points at something.
fn assert_links_resolve(site: &Built, base: &str) {
    let files = site.files();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let pages: Vec<(String, harness::Page)> = files
        .keys()
        .filter(|f| f.ends_with(".html"))
        .map(|f| {
            let url = format!("{base}{}", f.trim_end_matches("index.html"));
            (url, site.page(f))
        })
        .collect();
    for (url, page) in &pages {
        ids.insert(url.clone(), page.attrs("[id]", "id").into_iter().collect());
    }
    let mut broken = Vec::new();
    for (url, page) in &pages {
        for href in page.attrs("a[href], link[href]:not([rel=icon])", "href") {
            let (path, frag) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                url.clone()
            } else {
                path.to_string()
            };
            if !target.starts_with(base) {
                assert!(
                    target.starts_with("http"),
                    "{url}: link `{href}` is neither internal under {base} nor absolute"
                );
                continue;
            }
            let rel = &target[base.len()..];
            let exists = files.contains_key(rel) || files.contains_key(&format!("{rel}index.html"));
            if !exists {
                broken.push(format!("{url} → {href}"));
            } else if let Some(f) = frag
                && !ids.get(&target).is_some_and(|set| set.contains(f))
            {
                broken.push(format!("{url} → {href} (no such anchor)"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_internal_link_and_anchor_of_the_shipped_site_resolves() {
    assert_links_resolve(shipped(), "/");
}

#[test]
fn case_timeline_draws_every_stage_as_a_band_and_every_event_as_a_mark() {
    let page = shipped().page(CASE);
    let events: Vec<serde_yaml::Value> = serde_yaml::from_str(
        &std::fs::read_to_string(
            manifest_dir().join("content/cases/aliexpress-russia/events.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(!events.is_empty());
    assert_eq!(page.select(".timeline-grid a.mark").len(), events.len());
    let bands: BTreeSet<String> = page
        .attrs(".timeline-grid a.band", "href")
        .into_iter()
        .collect();
    let stages: BTreeSet<String> = stage_slugs()
        .iter()
        .map(|s| format!("/{CASE}{s}/"))
        .collect();
    assert_eq!(bands, stages);
    // The text equivalent lists each event under its anchor.
    let anchors: BTreeSet<String> = page.attrs("ol.events li.event", "id").into_iter().collect();
    for e in &events {
        if let Some(id) = e.get("id").and_then(|v| v.as_str()) {
            assert!(anchors.contains(id), "event `{id}` missing from the list");
        }
    }
    // Marks link to those anchors.
    for href in page.attrs(".timeline-grid a.mark", "href") {
        assert!(
            anchors.contains(href.trim_start_matches('#')),
            "mark {href} points nowhere"
        );
    }
}

#[test]
fn case_page_has_canvas_table_framework_matrices_and_swot_quadrant() {
    let page = shipped().page(CASE);
    let canvas = page.select("table.matrix")[0];
    let header: String = canvas.text().collect();
    assert!(
        header.contains("Value proposition") && header.contains("Key partners"),
        "{header}"
    );
    let row_links = page.attrs("table.matrix:first-of-type tbody th a", "href");
    for s in stage_slugs() {
        assert!(
            row_links.contains(&format!("/{CASE}{s}/")),
            "canvas row for {s} missing: {row_links:?}"
        );
    }
    let captions: Vec<String> = page
        .select("table.matrix caption")
        .iter()
        .map(|c| c.text().collect())
        .collect();
    assert!(
        captions.iter().any(|c| c.contains("Dynamic capability")),
        "{captions:?}"
    );
    assert!(
        captions.iter().any(|c| c.contains("Institutional theory")),
        "{captions:?}"
    );

    let quadrant = page.select(".analysis.layout-quadrant .dims-quadrant .dim");
    assert_eq!(quadrant.len(), 4, "SWOT is drawn as a 2×2 quadrant");
    let fm = front_matter("cases/aliexpress-russia/index.md");
    let first_strength = fm["analyses"]["swot"]["strengths"][0]["text"]
        .as_str()
        .unwrap();
    let words: String = first_strength
        .split_whitespace()
        .take(5)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        page.text_of(".dim-strengths").contains(&words),
        "strength `{words}` not shown"
    );
}

#[test]
fn framework_pages_show_every_stage_that_applies_them() {
    let site = shipped();
    let canvas = site.page("frameworks/business-model-canvas/");
    let rows = canvas.attrs("table.matrix tbody th a", "href");
    for s in stage_slugs() {
        assert!(
            rows.contains(&format!("/{CASE}{s}/")),
            "{s} missing from the canvas matrix"
        );
    }
    let inst = site.page("frameworks/institutional-theory/");
    assert!(
        inst.attrs("table.matrix tbody th a", "href")
            .contains(&format!("/{CASE}entry/"))
    );
    assert!(
        inst.text_of("table.matrix thead")
            .contains("Cultural-cognitive")
    );
    let swot = site.page("frameworks/swot/");
    assert!(
        swot.attrs("table.matrix tbody th a", "href")
            .contains(&format!("/{CASE}"))
    );
}

#[test]
fn entity_pages_list_what_mentions_them() {
    let vk = shipped().page("entities/vk/");
    let back = vk.attrs("section.backlinks a", "href");
    assert!(back.contains(&format!("/{CASE}")), "{back:?}");
    assert!(back.contains(&format!("/{CASE}entry/")), "{back:?}");
    let company = shipped().page("entities/aliexpress/");
    assert!(
        company.text_of("section.backlinks").contains("company"),
        "the front-matter field is named as context"
    );
}

#[test]
fn stages_link_to_previous_and_next() {
    let page = shipped().page(&format!("{CASE}integration/"));
    assert_eq!(
        page.attrs(".stage-nav a[rel=prev]", "href")[0],
        format!("/{CASE}entry/")
    );
    assert_eq!(
        page.attrs(".stage-nav a[rel=next]", "href")[0],
        format!("/{CASE}localization/")
    );
    let crumbs = page.attrs("nav.breadcrumbs a", "href");
    assert_eq!(crumbs, vec!["/cases/".to_string(), format!("/{CASE}")]);
}

#[test]
fn citations_link_to_the_page_reference_list_and_bibliography() {
    let page = shipped().page(&format!("{CASE}entry/"));
    assert!(
        page.attrs("cite.cite a", "href")
            .contains(&"#ref-gu-2018".to_string())
    );
    assert_eq!(page.select("section.references li#ref-gu-2018").len(), 1);
    let refs = shipped().page("references/");
    let cited_by = refs.attrs("li#ref-gu-2018 .cited-by a", "href");
    assert!(cited_by.contains(&format!("/{CASE}entry/")), "{cited_by:?}");
}

#[test]
fn two_builds_are_byte_identical() {
    let a = TestSite::shipped().build().ok();
    let b = TestSite::shipped().build().ok();
    let (fa, fb) = (a.files(), b.files());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between builds");
    }
}

#[test]
fn base_url_path_prefixes_every_internal_link() {
    let site = TestSite::fixture("minimal")
        .arg("--base-url")
        .arg("https://example.org/kb/")
        .build()
        .ok();
    assert_links_resolve(&site, "/kb/");
    let home = site.page("");
    assert_eq!(
        home.attrs("link[rel=canonical]", "href"),
        vec!["https://example.org/kb/".to_string()]
    );
    assert!(
        home.attrs("a[href]", "href")
            .iter()
            .all(|h| h.starts_with("/kb/") || h.starts_with('#') || h.starts_with("http"))
    );
}

#[test]
fn fixture_links_stages_entities_and_md_files() {
    let site = TestSite::fixture("minimal").build().ok();
    let growth = site.page("cases/acme-india/growth/");
    let links = growth.attrs(".prose a", "href");
    assert!(links.contains(&"/entities/acme/".to_string()), "{links:?}");
    assert!(
        links.contains(&"/cases/acme-india/entry/".to_string()),
        "{links:?}"
    );
    let case = site.page("cases/acme-india/");
    assert!(
        case.attrs(".prose a", "href")
            .contains(&"/cases/acme-india/entry/".to_string())
    );
    assert!(
        case.attrs(".infobox a", "href")
            .contains(&"/glossary/#term-b2c".to_string()),
        "model links its glossary term"
    );
    // Stage-level SWOT entries make a SWOT matrix beside the whole-case quadrant.
    assert!(
        case.select("table.matrix caption")
            .iter()
            .any(|c| c.text().collect::<String>().contains("SWOT"))
    );
}

#[test]
fn raw_html_in_markdown_is_escaped() {
    let site = TestSite::fixture("minimal").build().ok();
    let home = site.page("");
    assert!(home.select("main script").is_empty());
    assert!(home.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

fn assert_error(built: &Built, location: &str, message: &str) {
    let line = built.stderr.lines().find(|l| l.starts_with(location));
    let line = line.unwrap_or_else(|| panic!("no diagnostic at {location}:\n{}", built.stderr));
    assert!(line.contains("error:") && line.contains(message), "{line}");
}

#[test]
fn broken_link_fails_with_its_position() {
    let built = TestSite::fixture("broken-link").build().fails();
    assert_error(
        &built,
        "content/_index.md:6:11:",
        "link to nothing: `no-such-page`",
    );
    assert!(!built.out.exists(), "nothing is written on failure");
}

#[test]
fn unknown_front_matter_key_fails_with_suggestion() {
    let built = TestSite::fixture("unknown-key").build().fails();
    assert_error(
        &built,
        "content/cases/acme/index.md:4:1:",
        "unknown key `perod`",
    );
    assert!(
        built.stderr.contains("did you mean `period`?"),
        "{}",
        built.stderr
    );
}

#[test]
fn bad_event_date_fails_with_its_position() {
    let built = TestSite::fixture("bad-date").build().fails();
    assert_error(
        &built,
        "content/cases/acme/events.yaml:3:9:",
        "invalid date `2014-13`",
    );
}

#[test]
fn javascript_link_is_refused() {
    let built = TestSite::fixture("unsafe-link").build().fails();
    assert_error(
        &built,
        "content/_index.md:4:7:",
        "`javascript:` link target refused",
    );
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let good = TestSite::fixture("minimal").build_into(&out).ok();
    let before = good.files();
    TestSite::fixture("broken-link").build_into(&out).fails();
    assert_eq!(before, good.files(), "public/ changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("public")],
        "staging directories are cleaned up"
    );
}

#[test]
fn check_reports_errors_and_writes_nothing() {
    let site = TestSite::fixture("broken-link");
    let out = site.check();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("content/_index.md:6:11: error"));
    assert!(!site.root.join("public").exists());
}

#[test]
fn cross_reference_mistakes_are_all_reported_in_one_run() {
    let built = TestSite::fixture("cross-mistakes").build().fails();
    assert_error(
        &built,
        "content/_index.md:3:8:",
        "unknown citation key `nobody-1999`",
    );
    assert_error(
        &built,
        "content/_index.md:5:5:",
        "`entities/acme` has no heading `#no-such-heading`",
    );
    assert_error(
        &built,
        "content/cases/acme/index.md:3:10:",
        "unknown entity `acmee`",
    );
    assert_error(
        &built,
        "content/cases/acme/one.md:6:5:",
        "`cultural-cognitve` is not a dimension",
    );
    assert!(
        built.stderr.contains("did you mean `cultural-cognitive`?"),
        "{}",
        built.stderr
    );
    assert_error(
        &built,
        "content/cases/acme/two.md:3:8:",
        "stage order 1 is already used",
    );
    assert!(
        built.stderr.contains("build failed with 5 errors"),
        "{}",
        built.stderr
    );
}

#[test]
fn site_templates_override_the_theme_and_redirects_are_written() {
    let site = TestSite::fixture("minimal").build().ok();
    assert!(
        site.page("404.html")
            .text_of("h1")
            .contains("widget warehouse")
    );
    let moved = site.page("old-acme/");
    assert_eq!(
        moved.attrs("link[rel=canonical]", "href"),
        vec!["/entities/acme/".to_string()]
    );
    assert!(moved.attrs("meta[http-equiv=refresh]", "content")[0].ends_with("url=/entities/acme/"));
}

#[test]
fn a_site_without_home_text_still_gets_a_home_page() {
    let site = TestSite::from_files(&[
        ("casebook.yaml", "title: Bare site\n"),
        (
            "content/entities/e.md",
            "---\ntitle: E\ntype: other\n---\nHi\n",
        ),
    ])
    .build()
    .ok();
    assert_eq!(site.page("").text_of("main h1"), "Bare site");
}

use harness::edit;

#[test]
fn output_spelled_through_dotdot_never_replaces_the_project() {
    let tmp = harness::copy_fixture("minimal");
    let name = tmp
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["build", "--root", ".", "--output"])
        .arg(format!("../{name}"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("refusing to use this directory as output")
    );
    assert!(tmp.path().join("casebook.yaml").is_file() && tmp.path().join("content").is_dir());
}

#[test]
fn same_page_fragments_mail_links_and_table_wikilinks_work() {
    let tmp = harness::copy_fixture("minimal");
    edit(
        tmp.path(),
        "content/entities/acme.md",
        "Makes widgets.",
        "Makes widgets.\n\n## Plants\n\nSee [[#plants]] or write <sales@acme.example>.\n\n| who | link |\n| --- | --- |\n| maker | [[india\\|the market]] |\n| site | [[#plants\\|its plants]] |\n",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    let page = site.page("entities/acme/");
    let hrefs = page.attrs("main a", "href");
    assert!(hrefs.contains(&"#plants".to_string()), "{hrefs:?}");
    assert!(
        hrefs.contains(&"mailto:sales@acme.example".to_string()),
        "{hrefs:?}"
    );
    assert!(
        page.select("td a")
            .iter()
            .any(|a| a.value().attr("href") == Some("/entities/india/")
                && a.text().collect::<String>() == "the market")
    );
    assert!(
        page.select("td a")
            .iter()
            .any(|a| a.value().attr("href") == Some("#plants")
                && a.text().collect::<String>() == "its plants")
    );
}

#[test]
fn generated_ids_are_unique_even_when_headings_mimic_them() {
    let tmp = harness::copy_fixture("minimal");
    edit(
        tmp.path(),
        "content/cases/acme-india/index.md",
        "## Overview",
        "## Main\n\n## Launch\n\n## X {#ref-doe-2020}\n\n## Overview",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    for (file, _) in site
        .files()
        .into_iter()
        .filter(|(f, _)| f.ends_with(".html"))
    {
        let page = site.page(&file);
        let ids = page.attrs("[id]", "id");
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "duplicate ids in {file}: {ids:?}");
    }
}

#[test]
fn bad_redirects_references_and_list_entries_are_all_reported() {
    let tmp = harness::copy_fixture("minimal");
    let dir = tmp.path();
    edit(
        dir,
        "content/entities/india.md",
        "type: market",
        "type: market\nredirect_from: [/old-acme/, /entities/, /style.css]",
    );
    edit(
        dir,
        "content/references.yaml",
        "doe-2020:",
        "bad-1:\n  url: javascript:alert(1)\n  title: T\nbad-2:\n  type: book\nbad-3:\n  author: X\ndoe-2020:",
    );
    edit(
        dir,
        "content/cases/acme-india/events.yaml",
        "- date: \"2015-03\"",
        "- date: \"2015-13\"",
    );
    edit(
        dir,
        "content/cases/acme-india/events.yaml",
        "- date: \"2018-06-01\"",
        "- dte: \"2018-06-01\"",
    );
    let built = TestSite::at(dir).build().fails();
    for needle in [
        "redirect source `/old-acme/` is already redirected by content/entities/acme.md",
        "redirect source `/entities/` is the URL of a page that exists",
        "redirect source `/style.css` may only hold",
        "content/references.yaml:2:8: error: `javascript:` link target refused",
        "`bad-2`: missing required key `title`",
        "`bad-3`: missing required key `title`",
        "invalid date `2015-13`",
        "unknown key `dte`",
    ] {
        assert!(
            built.stderr.contains(needle),
            "missing `{needle}` in:\n{}",
            built.stderr
        );
    }
}

#[test]
fn byte_order_marks_are_accepted_in_yaml_files() {
    let tmp = harness::copy_fixture("minimal");
    for rel in [
        "casebook.yaml",
        "content/glossary.yaml",
        "content/references.yaml",
    ] {
        let path = tmp.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    }
    TestSite::at(tmp.path()).build().ok();
}
