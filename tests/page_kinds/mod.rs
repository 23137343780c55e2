//! Snapshots of the `<main>` element of every kind of page the generator
//! makes, built from the small `page-kinds` fixture (tests/fixtures/page-kinds:
//! the `minimal` fixture without its 404 template, plus a plain page, a
//! section, tags, teaching notes, a market-wide event, a third entity and a
//! declared comparison).
//!
//! These test the generator and its default theme on a fixture, not the
//! shipped content: a change to content/ never touches them, a change to a
//! template or a view shows up here as a reviewable diff.
//!
//! The output is deterministic: the fixture gives every date in its front
//! matter (it does not take dates from git, so no page shows the day of the
//! build), its `base_url` is fixed, and the build writes neither the
//! temporary output folder nor a port into the pages (`main_of` asserts
//! the former rather than normalising it).

use crate::harness::{Built, TestSite};

fn site() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| TestSite::fixture("page-kinds").build().ok())
}

/// The `<main>` element of the page at `url_path`, as scraper serialises
/// it (attributes sorted by name, void SVG elements closed: stable, if not
/// byte for byte the file).
///
/// Only layout whitespace is normalised: trailing spaces are cut and runs
/// of blank lines (template blocks that rendered nothing) become one, so
/// the snapshot shows what changed and not how many empty blocks there are.
#[track_caller]
fn main_of(url_path: &str) -> String {
    let built = site();
    let page = built.page(url_path);
    let mains = page.select("main");
    assert_eq!(mains.len(), 1, "{url_path}: one <main> per page");
    let html = mains[0].html();
    let out = built.out.to_string_lossy();
    assert!(
        !html.contains(out.as_ref()),
        "{url_path}: the page names the temporary output folder"
    );
    let mut lines: Vec<&str> = Vec::new();
    for line in html.lines().map(str::trim_end) {
        if line.is_empty() && lines.last().is_some_and(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// One test per page kind, each with its snapshot named after the kind.
macro_rules! page_kinds {
    ($($test:ident: $kind:literal at $path:literal;)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!($kind, main_of($path));
            }
        )*
    };
}

page_kinds! {
    home_page: "home" at "";
    case_page: "case" at "cases/acme-india/";
    stage_page: "stage" at "cases/acme-india/entry/";
    case_evolution_page: "evolution" at "cases/acme-india/evolution/";
    cases_list_page: "list" at "cases/";
    framework_page: "framework" at "frameworks/business-model-canvas/";
    quadrant_framework_page: "framework_quadrant" at "frameworks/swot/";
    entity_page: "entity" at "entities/acme/";
    plain_page: "page" at "about/";
    section_page: "section" at "notes/";
    declared_comparison_page: "comparison" at "compare/widget-makers/";
    compare_page: "compare" at "compare/";
    references_page: "references" at "references/";
    glossary_page: "glossary" at "glossary/";
    tag_index_page: "tags" at "tags/";
    tag_page: "tag" at "tags/widgets/";
    model_index_page: "models" at "model/";
    model_page: "model" at "model/b2c/";
    timeline_page: "timeline" at "timeline/";
    map_page: "map" at "map/";
    teaching_page: "teaching" at "teaching/";
    search_page: "search" at "search/";
    not_found_page: "not_found" at "404.html";
}
