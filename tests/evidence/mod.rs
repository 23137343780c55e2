//! The scholarly apparatus: citations, "cited by", the glossary, datasets
//! as tables, charts and downloads, images, and the errors `check` gives
//! for each of them.

use crate::harness::{TestSite, copy_fixture, edit, manifest_dir, write};
use crate::{front_matter, shipped};

fn yaml(rel: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(manifest_dir().join("content").join(rel)).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

#[test]
fn a_citation_shows_author_and_year_and_links_to_its_entry() {
    let site = shipped();
    let refs = yaml("references.yaml");
    let author = refs["gu-2018"]["author"].as_str().unwrap();
    let family = author.split(',').next().unwrap();
    let year = refs["gu-2018"]["date"].as_str().unwrap();
    let page = site.page("cases/aliexpress-russia/");
    let cite = page
        .select("cite.cite a[href='#ref-gu-2018']")
        .into_iter()
        .next()
        .expect("a citation of gu-2018");
    let text: String = cite.text().collect();
    assert!(
        text.starts_with(&format!("({family}, {year}")),
        "APA in-text citation: {text}"
    );
    // The locator written in the source is kept: `[@gu-2018, sec. 3.5]`.
    assert!(page.text.contains(&format!("({family}, {year}, sec. 3.5)")));
    // The page's reference list holds the entry, linked to the bibliography.
    let entry = page.text_of("#ref-gu-2018");
    assert!(entry.contains(&format!("{family}, Y. ({year})")), "{entry}");
    assert!(
        page.attrs("#ref-gu-2018 a", "href")
            .contains(&"/references/#ref-gu-2018".to_string())
    );
}

#[test]
fn the_bibliography_lists_who_cites_each_work() {
    let site = shipped();
    let page = site.page("references/");
    let cited_by = page.attrs("#ref-gu-2018 .cited-by a", "href");
    assert!(cited_by.contains(&"/cases/aliexpress-russia/".to_string()));
    assert!(cited_by.contains(&"/cases/aliexpress-russia/entry/".to_string()));
    let sme = page.attrs("#ref-alibaba-sme-paper .cited-by a", "href");
    assert!(
        sme.contains(&"/cases/alibaba-international/".to_string()),
        "{sme:?}"
    );
    // The paper gives no author or year, and its entry says so.
    let entry = page.text_of("#ref-alibaba-sme-paper");
    assert!(entry.contains("n.d."), "{entry}");
}

#[test]
fn another_style_numbers_the_citations() {
    let tmp = copy_fixture("minimal");
    let config = tmp.path().join("casebook.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}bibliography:\n  style: gb-7714-2015-numeric\n"),
    )
    .unwrap();
    let site = TestSite::at(tmp.path()).build().ok();
    let page = site.page("cases/acme-india/");
    let cite: String = page.select("cite.cite a")[0].text().collect();
    assert_eq!(cite, "[1, p. 4]");

    std::fs::write(
        &config,
        format!("{text}bibliography:\n  style: no-such-style\n"),
    )
    .unwrap();
    let bad = TestSite::at(tmp.path()).build().fails();
    assert!(
        bad.stderr.contains("casebook.yaml:4:10") && bad.stderr.contains("unknown citation style"),
        "{}",
        bad.stderr
    );
}

#[test]
fn cite_this_page_gives_a_formatted_reference_and_bibtex() {
    let site = shipped();
    let page = site.page("cases/aliexpress-russia/");
    let formatted = page.text_of(".cite-this .cite-formatted");
    let title = front_matter("cases/aliexpress-russia/index.md")["title"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(formatted.contains(&title), "{formatted}");
    assert!(formatted.contains("/cases/aliexpress-russia/"));
    let bibtex = page.text_of(".cite-this .cite-bibtex");
    assert!(
        bibtex.starts_with("@misc{") && bibtex.contains(&title),
        "{bibtex}"
    );
}

#[test]
fn glossary_terms_link_from_their_uses_and_list_them() {
    let site = shipped();
    let case = site.page("cases/aliexpress-russia/");
    assert!(
        case.attrs("a", "href")
            .contains(&"/glossary/#term-b2c".to_string())
    );
    let glossary = site.page("glossary/");
    let used = glossary.attrs("#term-b2c a", "href");
    assert!(
        used.contains(&"/cases/aliexpress-russia/".to_string()),
        "{used:?}"
    );
    let terms = yaml("glossary.yaml");
    assert!(terms.as_sequence().unwrap().len() >= 15);
    for t in ["B2B", "B2C", "C2C", "O2O", "EDI", "P4P", "RFQ"] {
        assert!(
            terms
                .as_sequence()
                .unwrap()
                .iter()
                .any(|e| e["term"].as_str() == Some(t)),
            "glossary term {t}"
        );
    }
}

#[test]
fn a_chart_draws_one_bar_per_point_with_a_table_fallback_and_downloads() {
    let site = shipped();
    let data = yaml("data/cross-border-shares.yaml");
    let series = data["series"].as_sequence().unwrap();
    let page = site.page("market/cross-border-platforms/");
    let bars = page.select("figure.chart-figure svg rect.bar");
    assert_eq!(bars.len(), series.len());
    let svg = page.select("figure.chart-figure svg")[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    let rows = page.select("figure.chart-figure details table tbody tr");
    assert_eq!(rows.len(), series.len());
    let first = series[0]["label"].as_str().unwrap();
    assert!(
        page.text_of("figure.chart-figure details table tbody tr")
            .contains(first)
    );
    // The downloads are there and hold the same points.
    let csv_url = page.attrs("figure.chart-figure .downloads a", "href");
    assert_eq!(
        csv_url,
        [
            "/data/cross-border-shares.csv",
            "/data/cross-border-shares.json"
        ]
    );
    let csv = std::fs::read_to_string(site.out.join("data/cross-border-shares.csv")).unwrap();
    assert_eq!(csv.lines().count(), series.len() + 1);
    assert!(csv.lines().nth(1).unwrap().starts_with(first));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out.join("data/cross-border-shares.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["series"].as_array().unwrap().len(), series.len());
    // The chart's source is cited and in the page's reference list.
    assert!(
        page.select("figure.chart-figure .dataset-source cite")
            .len()
            == 1
    );
    assert!(!page.select("#ref-gu-2018").is_empty());
}

#[test]
fn a_table_shortcode_renders_every_row() {
    let site = shipped();
    let data = yaml("data/russia-top-sites.yaml");
    let page = site.page("market/russia-top-sites/");
    let rows = page.select("figure.dataset table.data-table tbody tr");
    assert_eq!(rows.len(), data["rows"].as_sequence().unwrap().len());
    let heads = page.attrs("figure.dataset table.data-table thead th", "scope");
    assert_eq!(heads.len(), data["columns"].as_sequence().unwrap().len());
}

#[test]
fn timeline_and_matrix_shortcodes_embed_a_case_in_any_page() {
    let tmp = copy_fixture("minimal");
    write(
        tmp.path(),
        "content/notes.md",
        "---\ntitle: Notes\n---\nBefore.\n\n{{ timeline(case=\"acme-india\") }}\n\n{{ matrix(framework=\"swot\", case=\"acme-india\") }}\n\nLiteral {{ braces }} and {% stay %} as text.\n",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    let page = site.page("notes/");
    assert!(
        page.attrs(".shortcode-timeline .timeline-grid a.mark", "href")
            .contains(&"/cases/acme-india/#launch".to_string())
    );
    assert!(page.text_of("table.matrix").contains("Cheap widgets."));
    assert!(
        page.text
            .contains("Literal {{ braces }} and {% stay %} as text.")
    );
}

#[test]
fn images_are_copied_beside_their_page_with_alt_text() {
    let tmp = copy_fixture("minimal");
    write(
        tmp.path(),
        "content/notes/index.md",
        "---\ntitle: Notes\n---\n![A widget on a bench](widget.svg)\n",
    );
    write(
        tmp.path(),
        "content/notes/widget.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\"><rect width=\"4\" height=\"4\"/></svg>\n",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    let page = site.page("notes/");
    assert_eq!(page.attrs("img", "alt"), ["A widget on a bench"]);
    assert_eq!(page.attrs("img", "src"), ["/notes/widget.svg"]);
    assert!(site.out.join("notes/widget.svg").is_file());
}

#[test]
fn check_reports_each_evidence_mistake_at_its_position() {
    let tmp = copy_fixture("minimal");
    write(
        tmp.path(),
        "content/data/shares.yaml",
        "title: Shares\nunit: \"%\"\nseries:\n  - { label: A, value: 60 }\n  - { label: B, value: 40 }\n",
    );
    write(
        tmp.path(),
        "content/notes.md",
        "---\ntitle: Notes\n---\nSee [@nobody-1999].\n\n{{ table(data=\"sharez\") }}\n\n{{ chart(data=\"shares\", kind=\"pie\") }}\n\n![](missing-alt.svg)\n\n{{ tabel(data=\"shares\") }}\n",
    );
    write(
        tmp.path(),
        "content/missing-alt.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    let out = TestSite::at(tmp.path()).check_json();
    assert_eq!(out.code, 1);
    let diags = serde_json::Value::from(out.diagnostics());
    let found = |line: u64, col: u64, needle: &str| {
        diags.as_array().unwrap().iter().any(|d| {
            d["file"] == "content/notes.md"
                && d["line"] == line
                && d["col"] == col
                && d["message"].as_str().unwrap().contains(needle)
        })
    };
    assert!(
        found(4, 5, "unknown citation key `nobody-1999`"),
        "{diags:#}"
    );
    assert!(found(6, 1, "unknown dataset `sharez`"), "{diags:#}");
    assert!(found(8, 1, "`kind` of a chart"), "{diags:#}");
    assert!(found(10, 1, "image without alt text"), "{diags:#}");
    assert!(found(12, 1, "unknown shortcode `tabel`"), "{diags:#}");
    let hint = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("sharez"))
        .unwrap()["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(hint.contains("did you mean `shares`?"), "{hint}");
}

#[test]
fn uncited_entries_and_unused_references_are_warnings() {
    let tmp = copy_fixture("minimal");
    crate::harness::edit(
        tmp.path(),
        "content/cases/acme-india/index.md",
        "threats: \"Local rivals [@doe-2020].\"",
        "threats: Local rivals.",
    );
    let refs = tmp.path().join("content/references.yaml");
    let text = std::fs::read_to_string(&refs).unwrap();
    std::fs::write(
        &refs,
        format!("{text}unused-2001:\n  type: book\n  title: Never cited\n"),
    )
    .unwrap();
    let out = TestSite::at(tmp.path()).check();
    assert_eq!(out.code, 0);
    let stderr = &out.stderr;
    assert!(
        stderr.contains(
            "content/cases/acme-india/index.md:14:14: warning: analysis entry cites no source"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "content/references.yaml:7:1: warning: reference `unused-2001` is cited nowhere"
        ),
        "{stderr}"
    );
    let denied = TestSite::at(tmp.path()).arg("--deny-warnings").check();
    assert_eq!(denied.code, 1);
}

/// The minimal fixture with entry ids, a located `refs` item and links to
/// entries.
fn site_with_entry_ids() -> tempfile::TempDir {
    let tmp = copy_fixture("minimal");
    let dir = tmp.path();
    edit(
        dir,
        "content/cases/acme-india/index.md",
        "      - text: Cheap widgets.\n        refs: [doe-2020]",
        "      - id: s-cheap\n        text: Cheap widgets.\n        refs: [\"doe-2020, p. 12\"]",
    );
    edit(
        dir,
        "content/cases/acme-india/entry.md",
        "    weaknesses: [Slow delivery]",
        "    weaknesses:\n      - { id: w-slow, text: Slow delivery, refs: [\"doe-2020, ch. 2\"] }",
    );
    edit(
        dir,
        "content/entities/acme.md",
        "Makes widgets.",
        "Makes widgets; see [[acme-india#s-cheap|its strength]] and [[acme-india/entry#w-slow]].",
    );
    tmp
}

#[test]
fn entry_ids_are_anchors_on_every_page_that_shows_them_and_link_targets() {
    let tmp = site_with_entry_ids();
    let site = TestSite::at(tmp.path()).build().ok();
    let case = site.page("cases/acme-india/");
    // The case page shows its own entries and its stages', each once with its id.
    for id in ["s-cheap", "w-slow"] {
        assert_eq!(
            case.select(&format!("#{id}")).len(),
            1,
            "#{id} on the case page"
        );
    }
    assert!(case.text_of("#s-cheap").contains("Cheap widgets"));
    // A `refs` item carries its locator into the citation.
    assert!(
        case.text_of("#s-cheap").contains("p. 12"),
        "{}",
        case.text_of("#s-cheap")
    );
    let stage = site.page("cases/acme-india/entry/");
    assert!(
        stage.text_of("#w-slow").contains("ch. 2"),
        "{}",
        stage.text_of("#w-slow")
    );
    let acme = site.page("entities/acme/");
    let hrefs = acme.attrs(".prose a", "href");
    assert!(
        hrefs.contains(&"/cases/acme-india/#s-cheap".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"/cases/acme-india/entry/#w-slow".to_string()),
        "{hrefs:?}"
    );
}

#[test]
fn entry_ids_must_be_unique_within_their_page_and_links_must_name_one() {
    let tmp = site_with_entry_ids();
    let dir = tmp.path();
    edit(
        dir,
        "content/cases/acme-india/entry.md",
        "refs: [\"doe-2020, ch. 2\"] }",
        "refs: [\"doe-2020, ch. 2\"] }\n      - { id: w-slow, text: Few shops }",
    );
    edit(dir, "content/entities/acme.md", "#w-slow]]", "#w-slwo]]");
    let built = TestSite::at(dir).build().fails();
    assert!(
        built.stderr.contains(
            "content/cases/acme-india/entry.md:13:15: error: entry id `w-slow` is already used at content/cases/acme-india/entry.md:12:15"
        ),
        "{}",
        built.stderr
    );
    assert!(
        built.stderr.contains("has no heading `#w-slwo`"),
        "{}",
        built.stderr
    );
}

#[test]
fn require_locators_warns_about_analysis_citations_without_one() {
    let tmp = site_with_entry_ids();
    let dir = tmp.path();
    let config = dir.join("casebook.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}bibliography:\n  require_locators: true\n"),
    )
    .unwrap();
    let stderr = TestSite::at(dir).check().stderr;
    // `Local rivals [@doe-2020].` has no locator; the `refs` items do.
    assert!(
        stderr.contains(
            "content/cases/acme-india/index.md:15:28: warning: analysis entry cites `doe-2020` without a locator"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("without a locator").count(), 1, "{stderr}");
}

#[test]
fn an_entry_continuing_across_stages_keeps_its_id_and_the_case_page_anchors_it_once() {
    let tmp = site_with_entry_ids();
    let dir = tmp.path();
    edit(
        dir,
        "content/cases/acme-india/growth.md",
        "  value_proposition: \"Fast widgets [@doe-2020, p. 9].\"",
        "  value_proposition:\n    - { id: vp-cheap, text: \"Fast widgets [@doe-2020, p. 9].\" }",
    );
    edit(
        dir,
        "content/cases/acme-india/entry.md",
        "  value_proposition: Cheap widgets for everyone.",
        "  value_proposition:\n    - { id: vp-cheap, text: Cheap widgets for everyone. }",
    );
    let site = TestSite::at(dir).build().ok();
    assert_eq!(site.page("cases/acme-india/").select("#vp-cheap").len(), 1);
    assert_eq!(
        site.page("cases/acme-india/entry/")
            .select("#vp-cheap")
            .len(),
        1
    );
    assert_eq!(
        site.page("cases/acme-india/growth/")
            .select("#vp-cheap")
            .len(),
        1
    );
}
