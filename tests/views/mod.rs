//! The knowledge-base views: backlinks, the global timeline, comparisons,
//! tags and model types, search, sitemap, feed and link graph. Checked on
//! the shipped site and on a fixture that adds a framework and a case
//! without any code change.

use crate::harness::{Built, TestSite, copy_fixture, edit, manifest_dir, search, write};
use crate::{front_matter, shipped};
use std::collections::BTreeSet;
use std::path::Path;

/// The minimal fixture plus a PESTEL framework (six dimensions), a second
/// case applying it, a declared comparison, market-wide events and tags.
fn pestel_site() -> (tempfile::TempDir, Built) {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    write(
        root,
        "content/frameworks/pestel.md",
        "---\ntitle: PESTEL\nsummary: Six kinds of outside forces.\nlayout: columns\ndimensions:\n  - { key: political, label: Political }\n  - { key: economic, label: Economic }\n  - { key: social, label: Social }\n  - { key: technological, label: Technological }\n  - { key: environmental, label: Environmental }\n  - { key: legal, label: Legal }\n---\nA lens on the environment.\n",
    );
    write(
        root,
        "content/entities/globex.md",
        "---\ntitle: Globex\nsummary: Another widget maker.\ntype: company\nfacts: { founded: 2004, model: B2B }\n---\nGlobex.\n",
    );
    write(
        root,
        "content/entities/brazil.md",
        "---\ntitle: Brazil\ntype: market\n---\nA market.\n",
    );
    write(
        root,
        "content/cases/globex-brazil/index.md",
        "---\ntitle: Globex in Brazil\nsummary: A second made-up case.\ncompany: globex\nmarket: brazil\nperiod: { from: 2012, to: 2019 }\nmodel: [B2B]\ntags: [Widgets, Latin America]\nanalyses:\n  pestel:\n    political: Import quotas on widgets.\n    legal: A new consumer code.\n---\nGlobex went to [[brazil]].\n",
    );
    write(
        root,
        "content/cases/globex-brazil/entry.md",
        "---\ntitle: Globex entry\norder: 1\nperiod: { from: 2012, to: 2015 }\nbusiness_model:\n  value_proposition: Industrial widgets in bulk.\nanalyses:\n  pestel:\n    economic: A weak real made imports dear.\n    technological: Few buyers shopped online.\n---\nThe first years, with [[acme]] as the rival.\n",
    );
    write(
        root,
        "content/cases/globex-brazil/events.yaml",
        "- date: 2013-05\n  title: Globex opens a Sao Paulo office\n  id: office\n  stage: entry\n  entities: [globex]\n  tags: [Offices]\n",
    );
    write(
        root,
        "content/events.yaml",
        "- date: 2014-01\n  title: \"Widget tariff \\x01cut\"\n  id: tariff\n  entities: [india]\n  tags: [Widgets]\n  body: Tariffs on widgets fell across the region.\n",
    );
    write(
        root,
        "content/comparisons/widget-makers.md",
        "---\ntitle: Widget makers\nsummary: Acme and Globex side by side.\nsubjects: [acme, globex]\nattributes:\n  - { key: founded, label: Founded }\n  - { key: model, label: Business model }\nvalues:\n  acme: { model: B2C }\n---\nTwo firms.\n",
    );
    let built = TestSite::at(root).build().ok();
    (tmp, built)
}

#[test]
fn a_new_framework_and_case_appear_in_matrix_timeline_and_comparisons() {
    let (_tmp, site) = pestel_site();
    let fw = site.page("frameworks/pestel/");
    let heads: Vec<String> = fw
        .select("table.matrix thead th")
        .iter()
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(
        heads,
        [
            "Stage",
            "Political",
            "Economic",
            "Social",
            "Technological",
            "Environmental",
            "Legal"
        ]
    );
    let rows = fw.text_of("table.matrix tbody");
    assert!(rows.contains("Globex in Brazil") && rows.contains("Globex entry"));
    assert!(rows.contains("Import quotas on widgets.") && rows.contains("A weak real"));

    let case = site.page("cases/globex-brazil/");
    assert!(case.text_of("#matrix-pestel").contains("PESTEL"));

    let timeline = site.page("timeline/");
    let lanes = timeline.attrs(".lane", "data-case");
    // Cases in order of their start (Globex 2012, Acme 2015), market last.
    assert_eq!(lanes, ["globex-brazil", "acme-india", "market"]);
    assert!(
        timeline
            .text_of("#lane-globex-brazil")
            .contains("Globex opens a Sao Paulo office")
    );

    let compare = site.page("compare/");
    let cols: Vec<String> = compare
        .select("table.compare thead th")
        .iter()
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(cols, ["Acme in India", "Globex in Brazil"]);
    let coverage = compare
        .select("table.compare tbody tr")
        .into_iter()
        .find(|r| r.text().collect::<String>().trim().starts_with("PESTEL"))
        .expect("a PESTEL row under framework coverage");
    let cells: Vec<String> = coverage
        .select(&scraper::Selector::parse("td").unwrap())
        .map(|c| c.text().collect::<String>())
        .collect();
    assert!(
        cells[0].contains('—'),
        "Acme does not apply PESTEL: {cells:?}"
    );
    assert!(cells[1].contains("Whole case") && cells[1].contains("Globex entry"));
}

#[test]
fn global_timeline_filters_by_case_entity_and_tag_in_the_page() {
    let (_tmp, site) = pestel_site();
    let page = site.page("timeline/");
    let options = |id: &str| page.attrs(&format!("#{id} option"), "value");
    assert_eq!(
        options("filter-case"),
        ["", "globex-brazil", "acme-india", "market"]
    );
    assert!(options("filter-entity").contains(&"globex".to_string()));
    assert!(options("filter-tag").contains(&"widgets".to_string()));
    assert!(
        page.attrs("script[src]", "src")
            .iter()
            .any(|s| s.ends_with("filter.js"))
    );
    // Lanes and events carry what the filter matches on.
    let lane = &page.select("#lane-globex-brazil")[0];
    assert!(
        lane.value()
            .attr("data-entities")
            .unwrap()
            .contains("brazil")
    );
    assert!(
        lane.value()
            .attr("data-tags")
            .unwrap()
            .contains("latin-america")
    );
    // Marks link to event anchors on the page itself.
    let ids: BTreeSet<String> = page.attrs("[id]", "id").into_iter().collect();
    let marks = page.attrs("#lane-market a.mark", "href");
    assert_eq!(marks, ["#market--tariff"]);
    assert!(ids.contains("market--tariff") && ids.contains("globex-brazil--office"));
    // The script only hides lanes whose data attributes do not match.
    let js = std::fs::read_to_string(site.out.join("filter.js")).unwrap();
    assert!(js.contains("data-case") && js.contains("lane.hidden"));
}

#[test]
fn declared_comparison_takes_values_from_facts_and_overrides() {
    let (_tmp, site) = pestel_site();
    let page = site.page("compare/widget-makers/");
    let row = |label: &str| -> Vec<String> {
        page.select("table.compare tbody tr")
            .into_iter()
            .find(|r| {
                r.select(&scraper::Selector::parse("th").unwrap())
                    .any(|h| h.text().collect::<String>() == label)
            })
            .unwrap_or_else(|| panic!("no row {label}"))
            .select(&scraper::Selector::parse("td").unwrap())
            .map(|c| c.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(row("Founded"), ["1999", "2004"]);
    assert_eq!(row("Business model"), ["B2C", "B2B"]);
    // Listed on /compare/ and linked from the entities it compares.
    assert!(
        site.page("compare/")
            .attrs(".cards a", "href")
            .contains(&"/compare/widget-makers/".to_string())
    );
    assert!(
        site.page("entities/globex/")
            .attrs(".backlinks a", "href")
            .contains(&"/compare/widget-makers/".to_string())
    );
}

#[test]
fn comparison_values_must_name_declared_subjects_and_attributes() {
    let tmp = copy_fixture("minimal");
    write(
        tmp.path(),
        "content/comparisons/bad.md",
        "---\ntitle: Bad\nsubjects: [acme]\nattributes:\n  - { key: founded, label: Founded }\nvalues:\n  acme: { fonded: 1999 }\n  globex: { founded: 2004 }\n---\n",
    );
    let built = TestSite::at(tmp.path()).build().fails();
    assert!(
        built.stderr.contains("content/comparisons/bad.md:7:11")
            && built.stderr.contains("did you mean `founded`?"),
        "{}",
        built.stderr
    );
    assert!(
        built.stderr.contains("content/comparisons/bad.md:8:3")
            && built.stderr.contains("`globex`"),
        "{}",
        built.stderr
    );
}

#[test]
fn tags_and_model_types_have_pages() {
    let (_tmp, site) = pestel_site();
    let tags = site.page("tags/");
    assert!(
        tags.attrs(".cards a", "href")
            .contains(&"/tags/latin-america/".to_string())
    );
    let tag = site.page("tags/widgets/");
    assert_eq!(tag.text_of("h1"), "Widgets");
    assert!(
        tag.attrs(".cards a", "href")
            .contains(&"/cases/globex-brazil/".to_string())
    );
    // Events carrying the tag are listed too, with their citations resolved.
    assert!(tag.text_of(".events").contains("Widget tariff"));
    // The case's own tag list links to the tag pages.
    assert!(
        site.page("cases/globex-brazil/")
            .attrs(".tags a", "href")
            .contains(&"/tags/widgets/".to_string())
    );
    let model = site.page("model/b2b/");
    assert!(
        model
            .attrs(".cards a", "href")
            .contains(&"/cases/globex-brazil/".to_string())
    );
    assert!(
        !model
            .attrs(".cards a", "href")
            .contains(&"/cases/acme-india/".to_string())
    );
}

#[test]
fn aggregate_pages_split_into_numbered_pages() {
    let tmp = copy_fixture("minimal");
    for i in 0..30 {
        write(
            tmp.path(),
            &format!("content/cases/case-{i:02}/index.md"),
            format!(
                "---\ntitle: Case {i:02}\ncompany: acme\nperiod: {{ from: {}, to: 2020 }}\ntags: [bulk]\nanalyses:\n  swot:\n    strengths: Strength {i}.\n---\nText.\n",
                2000 + i % 10
            ),
        );
    }
    let site = TestSite::at(tmp.path()).build().ok();
    // 31 cases: timeline and matrix pages hold 25, compare 6.
    let first = site.page("timeline/");
    assert_eq!(
        first.select(".lane[data-case^=case-]").len()
            + first.select(".lane[data-case=acme-india]").len(),
        25
    );
    let second = site.page("timeline/page/2/");
    assert_eq!(second.select(".lane[data-case]").len(), 6);
    assert!(
        first
            .attrs(".pager a[rel=next]", "href")
            .contains(&"/timeline/page/2/".to_string())
    );
    site.page("compare/page/6/");
    assert!(!site.out.join("compare/page/7").exists());
    let swot2 = site.page("frameworks/swot/page/2/");
    assert_eq!(swot2.select("table.matrix tbody tr.whole-case").len(), 6);
}

#[test]
fn entity_backlinks_name_the_linking_pages_and_field() {
    let site = shipped();
    let tmall = site.page("entities/tmall/");
    let links = tmall.attrs(".backlinks a", "href");
    // Both entity pages that link to Tmall in their text, read from the sources.
    for source in ["alibaba-group", "taobao"] {
        let text =
            std::fs::read_to_string(manifest_dir().join(format!("content/entities/{source}.md")))
                .unwrap();
        assert!(text.contains("[[tmall"), "{source} links to tmall");
        assert!(links.contains(&format!("/entities/{source}/")), "{links:?}");
    }
    // A front-matter reference names its field as the context.
    let russia = site.page("entities/russia/");
    let backlinks = russia.text_of(".backlinks");
    assert!(
        backlinks.contains("AliExpress in Russia") && backlinks.contains("market"),
        "{backlinks}"
    );
}

#[test]
fn shipped_timeline_has_both_cases_and_market_events() {
    let site = shipped();
    let page = site.page("timeline/");
    let lanes: BTreeSet<String> = page.attrs(".lane", "data-case").into_iter().collect();
    for case in ["aliexpress-russia", "alibaba-international", "market"] {
        assert!(lanes.contains(case), "lane {case} in {lanes:?}");
    }
    let market = page.text_of("#lane-market");
    let events = std::fs::read_to_string(manifest_dir().join("content/events.yaml")).unwrap();
    let first_title = events
        .lines()
        .find_map(|l| l.trim().strip_prefix("title: "))
        .unwrap()
        .trim_matches('"');
    assert!(market.contains(first_title), "{first_title} in {market}");
}

#[test]
fn shipped_comparison_shows_each_platform_fact() {
    let site = shipped();
    let fm = front_matter("comparisons/cross-border-platforms-russia.md");
    let page = site.page("compare/cross-border-platforms-russia/");
    let subjects: Vec<String> = fm["subjects"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let header = page.text_of("table.compare thead");
    let text = page.text_of("table.compare tbody");
    for s in &subjects {
        let entity = front_matter(&format!("entities/{s}.md"));
        assert!(header.contains(entity["title"].as_str().unwrap()));
        for a in fm["attributes"].as_sequence().unwrap() {
            let key = a["key"].as_str().unwrap();
            if let Some(v) = entity["facts"].get(key) {
                let v = match v {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other).unwrap().trim().to_string(),
                };
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(text.contains(&v), "{s}.{key} = {v} in the table");
            }
        }
    }
}

#[test]
fn search_index_finds_a_known_word_with_pagefinds_own_script() {
    let site = shipped();
    let urls = search(&site.out, "Tmall");
    assert!(urls.iter().any(|u| u == "/entities/tmall/"), "{urls:?}");
    // The header search box points at the search page.
    let home = site.page("");
    assert_eq!(
        home.attrs("header form[role=search]", "action"),
        ["/search/"]
    );
    assert_eq!(home.attrs("header input[type=search]", "name"), ["q"]);
    assert!(
        site.page("search/")
            .attrs("script[src]", "src")
            .iter()
            .any(|s| s.ends_with("pagefind-modular-ui.js"))
    );
}

#[test]
fn search_can_be_turned_off() {
    let site = TestSite::fixture("minimal").arg("--no-search").build().ok();
    assert!(!site.out.join("pagefind").exists());
    assert!(!site.out.join("search/index.html").exists());
    assert!(
        site.page("")
            .attrs("form[role=search]", "action")
            .is_empty()
    );
}

#[test]
fn sitemap_lists_every_page_and_feeds_are_well_formed() {
    let (_tmp, site) = pestel_site();
    let files = site.files();
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is well-formed XML");
    let locs: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    for file in files.keys().filter(|f| f.ends_with("index.html")) {
        let html = String::from_utf8_lossy(&files[file]).into_owned();
        if html.contains("http-equiv=\"refresh\"") {
            continue; // redirects are not pages
        }
        let url = format!(
            "https://example.org/{}",
            file.trim_end_matches("index.html")
        );
        assert!(locs.contains(&url), "sitemap lacks {url}");
    }
    assert!(!locs.iter().any(|l| l.contains("old-acme")));

    let atom = String::from_utf8(files["atom.xml"].clone()).unwrap();
    let feed = roxmltree::Document::parse(&atom).expect("atom.xml is well-formed XML");
    assert_eq!(feed.root_element().tag_name().name(), "feed");

    let robots = String::from_utf8(files["robots.txt"].clone()).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn feed_stays_well_formed_with_control_characters_in_titles() {
    let tmp = copy_fixture("minimal");
    write(
        tmp.path(),
        "content/notes.md",
        "---\ntitle: \"Bell \\a and <b> & friends\"\nupdated: 2024-01-02\n---\nText.\n",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    let atom = std::fs::read_to_string(site.out.join("atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&atom).expect("atom.xml is well-formed XML");
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&"Bell  and <b> & friends"), "{titles:?}");
}

#[test]
fn graph_json_names_every_page_and_its_links() {
    let site = shipped();
    let text = std::fs::read_to_string(site.out.join("graph.json")).unwrap();
    let graph: serde_json::Value = serde_json::from_str(&text).expect("graph.json parses");
    let urls: BTreeSet<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["url"].as_str().unwrap())
        .collect();
    for entity in crate::slugs_in("entities") {
        assert!(
            urls.contains(format!("/entities/{entity}/").as_str()),
            "{entity}"
        );
    }
    assert!(urls.contains("/cases/aliexpress-russia/entry/"));
    let edge = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == "page:entities/taobao" && e["target"] == "page:entities/tmall")
        .expect("the Taobao → Tmall link");
    assert_eq!(edge["file"], "content/entities/taobao.md");
    assert!(edge["line"].as_u64().unwrap() > 1);
}

/// Syntax a reader must never see outside code: wikilinks, citations and
/// Markdown links.
const LINK_SYNTAX: [&str; 4] = ["[[", "]]", "[@", "]("];

/// No page shows link syntax in its visible text, and graph.json's link
/// contexts carry the same visible text.
fn assert_no_link_syntax(site: &Built) {
    for file in site.files().keys().filter(|f| f.ends_with(".html")) {
        let text = site.page(file).visible_text();
        for syntax in LINK_SYNTAX {
            if let Some(i) = text.find(syntax) {
                let before: String = text[..i].chars().rev().take(60).collect();
                let before: String = before.chars().rev().collect();
                panic!("{file} shows `{syntax}`: …{before}{}", &text[i..]);
            }
        }
    }
    let graph: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out.join("graph.json")).unwrap()).unwrap();
    for edge in graph["edges"].as_array().unwrap() {
        let context = edge["context"].as_str().unwrap_or("");
        assert!(
            !LINK_SYNTAX.iter().any(|s| context.contains(s)),
            "graph.json context: {context}"
        );
    }
}

#[test]
fn shipped_pages_and_graph_show_no_link_syntax() {
    assert_no_link_syntax(shipped());
}

#[test]
fn link_contexts_are_the_visible_sentence_cut_outside_links() {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    let filler = "with a long run of words that only makes this sentence longer ".repeat(3);
    write(
        root,
        "content/forms.md",
        format!(
            "---\ntitle: Link forms\nsummary: Every way to link.\n---\n\
             It started in 2010. The maker [[acme]] sells in [[india|the market]] [@doe-2020, p. 9]. \
             Next sentence.\n\n\
             - Its site, [[acme|Acme.com]], opened (sec. 3.5) for [[Acme Corp]], e.g. in [[B2C]] trade.\n\
             - See [the entry](cases/acme-india/entry.md) and [growth](/cases/acme-india/growth.md) \
             or [[cases/acme-india/entry#launch|its launch]] [@doe-2020].\n\n\
             | who | where |\n| --- | --- |\n| [[acme\\|Acme]] | [[india]] |\n\n\
             A sentence {filler}that links [[acme|the widget maker named Acme in a label of several words]] \
             {filler}and ends here.\n"
        ),
    );
    edit(
        root,
        "content/cases/acme-india/growth.md",
        "Fast widgets [@doe-2020, p. 9].",
        "Fast widgets from [[acme|Acme Corp]] [@doe-2020, p. 9].",
    );
    let site = TestSite::at(root).build().ok();
    assert_no_link_syntax(&site);
    let graph: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out.join("graph.json")).unwrap()).unwrap();
    let contexts: Vec<&str> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["context"].as_str())
        .collect();
    for sentence in [
        // An unlabelled link reads as its target's title, citations are left out.
        "The maker Acme sells in the market.",
        // Dots inside a label or an abbreviation end no sentence.
        "Its site, Acme.com, opened (sec. 3.5) for Acme, e.g. in B2C trade.",
        "Fast widgets from Acme Corp.",
        "See the entry and growth or its launch.",
        "Acme",
        "India",
    ] {
        assert!(
            contexts.contains(&sentence),
            "`{sentence}` in {contexts:#?}"
        );
    }
    // A long sentence is cut at spaces, with the whole label kept.
    let long = contexts
        .iter()
        .find(|c| c.contains("widget maker"))
        .unwrap();
    assert!(
        long.contains("the widget maker named Acme in a label of several words")
            && long.starts_with('…')
            && long.ends_with('…')
            && long.chars().count() <= 202,
        "{long}"
    );
    // Backlinks show the same text.
    let india = site.page("entities/india/").text_of(".backlinks");
    assert!(
        india.contains("The maker Acme sells in the market."),
        "{india}"
    );
}

/// atom.xml read by an independent feed reader.
fn read_feed(site: &Built) -> feed_rs::model::Feed {
    let bytes = std::fs::read(site.out.join("atom.xml")).unwrap();
    feed_rs::parser::parse(bytes.as_slice()).expect("atom.xml reads as a feed")
}

#[test]
fn shipped_feed_has_entries_with_titles_links_dates_and_summaries() {
    let feed = read_feed(shipped());
    assert!(
        feed.entries.len() >= 5,
        "a reader who subscribes gets {} entries",
        feed.entries.len()
    );
    let titles: Vec<String> = feed
        .entries
        .iter()
        .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
        .collect();
    for case in [
        "cases/aliexpress-russia/index.md",
        "cases/aliexpress-russia/entry.md",
    ] {
        let title = crate::front_matter(case)["title"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(titles.contains(&title), "`{title}` in the feed: {titles:?}");
    }
    for e in &feed.entries {
        let title = e.title.as_ref().map_or("", |t| t.content.as_str());
        assert!(!title.is_empty(), "an entry without a title: {e:?}");
        assert!(
            e.links.iter().any(|l| l.href.ends_with('/')),
            "{title}: no link"
        );
        assert!(e.updated.is_some(), "{title}: no date");
        assert!(
            e.summary.as_ref().is_some_and(|s| !s.content.is_empty()),
            "{title}: no summary"
        );
    }
    assert!(feed.updated.is_some());
}

#[test]
fn check_warns_when_the_feed_would_be_empty() {
    let tmp = copy_fixture("minimal");
    edit(
        tmp.path(),
        "content/cases/acme-india/growth.md",
        "updated: 2024-01-15\n",
        "",
    );
    let stderr = TestSite::at(tmp.path()).check().stderr;
    assert!(
        stderr.contains("casebook.yaml:1:1: warning: the feed (atom.xml) would have no entries"),
        "{stderr}"
    );
    assert!(stderr.contains("dates_from_git"), "{stderr}");
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Editor",
            "-c",
            "user.email=editor@example.org",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn dates_from_git_give_undated_pages_their_last_commit_and_builds_stay_identical() {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    edit(
        root,
        "casebook.yaml",
        "base_url:",
        "dates_from_git: true\nbase_url:",
    );
    git(root, &["init", "-q"], "2021-03-04T10:00:00Z");
    git(root, &["add", "."], "2021-03-04T10:00:00Z");
    git(root, &["commit", "-qm", "first"], "2021-03-04T10:00:00Z");
    edit(
        root,
        "content/entities/acme.md",
        "Makes widgets.",
        "Makes gadgets.",
    );
    git(root, &["commit", "-qam", "second"], "2022-07-08T10:00:00Z");
    let build = || TestSite::at(root).build().ok();
    let (a, b) = (build(), build());
    assert_eq!(a.files(), b.files(), "two builds of one commit differ");
    let feed = read_feed(&a);
    let date_of = |title: &str| {
        feed.entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content == title))
            .and_then(|e| e.updated)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    assert_eq!(date_of("Acme").as_deref(), Some("2022-07-08"));
    assert_eq!(date_of("India").as_deref(), Some("2021-03-04"));
    assert!(a.page("entities/acme/").text.contains("Updated"));
}

#[test]
fn a_page_revision_date_does_not_move_present_on_timelines() {
    let timeline = |updated: Option<&str>| {
        let tmp = copy_fixture("minimal");
        if let Some(date) = updated {
            edit(
                tmp.path(),
                "content/entities/india.md",
                "type: market",
                &format!("type: market\nupdated: {date}"),
            );
        }
        let site = TestSite::at(tmp.path()).build().ok();
        let page = site.page("cases/acme-india/");
        page.select(".timeline-grid")[0].html()
    };
    assert_eq!(timeline(None), timeline(Some("2040-01-01")));
}

/// The minimal fixture with teaching notes on its case.
fn taught_site(draws_on: &str) -> tempfile::TempDir {
    let tmp = copy_fixture("minimal");
    edit(
        tmp.path(),
        "content/cases/acme-india/index.md",
        "refs: [doe-2020]\nanalyses:",
        &format!(
            "refs: [doe-2020]\nteaching:\n  objectives:\n    - Explain why [[acme]] entered India through a website.\n  questions:\n    - question: Why did delivery limit growth?\n      draws_on: [{draws_on}]\n      answer: |\n        Because warehouses came late [@doe-2020, p. 3].\n  reading:\n    - \"[[acme-india/entry]] first.\"\nanalyses:"
        ),
    );
    tmp
}

#[test]
fn teaching_notes_show_on_the_case_page_and_on_teaching() {
    let tmp = taught_site("acme-india/entry, swot, \"acme-india#launch\"");
    let site = TestSite::at(tmp.path()).build().ok();
    let case = site.page("cases/acme-india/");
    let notes = case.text_of("section#teaching");
    for text in [
        "Learning objectives",
        "Explain why Acme entered India through a website.",
        "Why did delivery limit growth?",
        "Suggested reading order",
        "Entry first.",
    ] {
        assert!(notes.contains(text), "`{text}` in {notes}");
    }
    let draws = case.attrs("section#teaching .draws-on a", "href");
    assert_eq!(
        draws,
        vec![
            "/cases/acme-india/entry/".to_string(),
            "/frameworks/swot/".to_string(),
            "/cases/acme-india/#launch".to_string()
        ]
    );
    // The suggested answer is folded away until the reader opens it.
    let answer = case.select("section#teaching details.answer");
    assert_eq!(answer.len(), 1);
    assert!(answer[0].value().attr("open").is_none());
    assert!(
        answer[0]
            .text()
            .collect::<String>()
            .contains("warehouses came late")
    );
    // Every case's notes on /teaching/, which the header links.
    let page = site.page("teaching/");
    // Its citations link to its own reference list.
    assert_eq!(page.select("section.references #ref-doe-2020").len(), 1);
    assert!(
        page.text_of("main")
            .contains("Why did delivery limit growth?")
    );
    assert!(
        page.attrs("body > header nav a", "href")
            .contains(&"/teaching/".to_string())
    );
    // What a question draws on is a link of the case, in graph.json too.
    let graph: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out.join("graph.json")).unwrap()).unwrap();
    let taught: Vec<&str> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["context"] == "teaching notes")
        .filter_map(|e| e["target"].as_str())
        .collect();
    assert!(taught.contains(&"page:frameworks/swot"), "{taught:?}");
}

#[test]
fn a_question_drawing_on_nothing_is_an_error_at_its_position() {
    let tmp = taught_site("acme-india/entri");
    let built = TestSite::at(tmp.path()).build().fails();
    assert!(
        built.stderr.contains(
            "content/cases/acme-india/index.md:14:18: error: link to nothing: `acme-india/entri`"
        ),
        "{}",
        built.stderr
    );
}

#[test]
fn sites_without_teaching_notes_have_no_teaching_page() {
    let site = TestSite::fixture("minimal").build().ok();
    assert!(!site.out.join("teaching").exists());
    assert!(
        !site
            .page("")
            .attrs("body > header nav a", "href")
            .contains(&"/teaching/".to_string())
    );
}

/// The minimal fixture whose two stages cover every kind of change: by id
/// (kept, changed) and by words (kept despite other citations, added,
/// dropped).
fn evolving_site() -> tempfile::TempDir {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    edit(
        root,
        "content/frameworks/business-model-canvas.md",
        "  - { key: channels, label: Channels }",
        "  - { key: channels, label: Channels }\n  - { key: key_partners, label: Key partners }",
    );
    edit(
        root,
        "content/cases/acme-india/entry.md",
        "business_model:\n  value_proposition: Cheap widgets for everyone.\n  channels: [Website, Street markets]",
        "business_model:\n  value_proposition:\n    - { id: vp-price, text: Cheap widgets for everyone. }\n  channels:\n    - \"Website [@doe-2020, p. 2]\"\n    - Street markets\n  key_partners:\n    - { id: kp-post, text: The national post }",
    );
    edit(
        root,
        "content/cases/acme-india/growth.md",
        "business_model:\n  value_proposition: \"Fast widgets [@doe-2020, p. 9].\"",
        "business_model:\n  value_proposition:\n    - { id: vp-price, text: \"Fast widgets [@doe-2020, p. 9].\" }\n  channels:\n    - \"Website [@doe-2020, p. 7]\"\n    - Own warehouses\n  key_partners:\n    - { id: kp-post, text: The national post }",
    );
    tmp
}

#[test]
fn the_evolution_view_shows_what_each_stage_added_kept_changed_and_dropped() {
    let tmp = evolving_site();
    let site = TestSite::at(tmp.path()).build().ok();
    let page = site.page("cases/acme-india/evolution/");
    let row = |block: &str| {
        page.select("table.evolution tbody tr")
            .into_iter()
            .find(|r| {
                r.select(&scraper::Selector::parse("th").unwrap())
                    .next()
                    .unwrap()
                    .text()
                    .collect::<String>()
                    == block
            })
            .map_or_else(
                || panic!("no row {block}"),
                |r| {
                    r.text()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                },
            )
    };
    // Same id, new words: changed, with both texts.
    let vp = row("Value proposition");
    assert!(
        vp.contains("Changed Before: Cheap widgets for everyone. Now: Fast widgets"),
        "{vp}"
    );
    // Same words, other citations: kept; new words: added; gone: dropped.
    let channels = row("Channels");
    assert!(channels.contains("Added Own warehouses"), "{channels}");
    assert!(channels.contains("Kept Website"), "{channels}");
    assert!(channels.contains("Dropped Street markets"), "{channels}");
    // Same id, same words: kept.
    assert!(row("Key partners").contains("Kept The national post"));
    // Entries keep their citations.
    assert!(vp.contains("Doe, 2020, p. 9"), "{vp}");
    // The counts at a glance, as text.
    let counts = page.text_of("table.evolution-counts");
    assert!(counts.contains("+1 ~0 =1 −1"), "channels: {counts}");
    // Linked from the case and its stages.
    let link = "/cases/acme-india/evolution/".to_string();
    assert!(
        site.page("cases/acme-india/")
            .attrs(".evolution-link a", "href")
            .contains(&link)
    );
    assert!(
        site.page("cases/acme-india/entry/")
            .attrs(".evolution-link a", "href")
            .contains(&link)
    );
}

#[test]
fn a_comparison_shows_two_stages_of_any_cases_through_a_shortcode() {
    let tmp = evolving_site();
    write(
        tmp.path(),
        "content/stage-to-stage.md",
        "---\ntitle: Stage to stage\n---\nHow growth differs from entry:\n\n{{ evolution(from=\"acme-india/entry\", to=\"acme-india/growth\") }}\n",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    let figure = site
        .page("stage-to-stage/")
        .text_of("figure.evolution-figure");
    assert!(figure.contains("Dropped Street markets"), "{figure}");
    assert!(figure.contains("From Entry to Growth"), "{figure}");
    write(
        tmp.path(),
        "content/stage-to-stage.md",
        "---\ntitle: Stage to stage\n---\n{{ evolution(from=\"acme-india/entri\", to=\"acme-india/growth\") }}\n",
    );
    let built = TestSite::at(tmp.path()).build().fails();
    assert!(
        built
            .stderr
            .contains("content/stage-to-stage.md:4:1: error: unknown stage `acme-india/entri`"),
        "{}",
        built.stderr
    );
}

#[test]
fn the_map_draws_every_case_stage_framework_and_entity_as_a_link_and_lists_them() {
    let site = TestSite::fixture("minimal").build().ok();
    let map = site.page("map/");
    let drawn: BTreeSet<String> = map
        .attrs("svg.map-full a.node", "href")
        .into_iter()
        .collect();
    for url in [
        "/cases/acme-india/",
        "/cases/acme-india/entry/",
        "/cases/acme-india/growth/",
        "/frameworks/swot/",
        "/entities/acme/",
        "/entities/india/",
    ] {
        assert!(drawn.contains(url), "{url} not drawn: {drawn:?}");
    }
    assert!(!drawn.contains("/"), "plain pages are not drawn");
    // The list says the same in words.
    let listed: BTreeSet<String> = map
        .attrs(".map-list > li > a", "href")
        .into_iter()
        .collect();
    assert_eq!(drawn, listed);
    // Each page shows its neighbourhood, as links.
    let acme = site.page("entities/acme/");
    assert!(
        acme.attrs(".neighbourhood a.node", "href")
            .contains(&"/cases/acme-india/".to_string())
    );
    assert!(
        site.page("")
            .attrs("body > header nav a", "href")
            .contains(&"/map/".to_string())
    );
}

#[test]
fn the_map_draws_at_most_its_cap_and_says_what_it_leaves_out() {
    let tmp = copy_fixture("minimal");
    for i in 0..200 {
        write(
            tmp.path(),
            &format!("content/entities/firm-{i:03}.md"),
            format!("---\ntitle: Firm {i}\ntype: company\n---\nLinked with [[acme-india]].\n"),
        );
    }
    let site = TestSite::at(tmp.path()).build().ok();
    let map = site.page("map/");
    let drawn = map.select("svg.map-full a.node").len();
    assert!(drawn <= 150, "{drawn} nodes drawn");
    let intro = map.text_of(".map-intro");
    assert!(intro.contains("at most 150 pages"), "{intro}");
    assert!(map.text_of("main").contains("more not drawn"));
    // Entity pages keep their neighbourhood small.
    let case = site.page("cases/acme-india/");
    assert!(case.select(".neighbourhood a.node").len() <= 8);
    assert!(
        case.text_of(".neighbourhood figcaption")
            .contains("more not drawn")
    );
}

#[test]
fn a_theme_reads_the_extra_map_of_a_page() {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    write(
        root,
        "content/about.md",
        "---\ntitle: About\nextra:\n  banner: Read me first\n  level: 3\n---\nBody.\n",
    );
    write(
        root,
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}<p id=\"banner\">{{ page.extra.banner }} ({{ page.extra.level }})</p>{% endblock content %}\n",
    );
    let built = TestSite::at(root).build().ok();
    let text = built.page("about/").visible_text();
    assert!(text.contains("Read me first (3)"), "{text}");
}

/// Queries a reader would type, each with the page they mean: page titles,
/// key terms, Russian company names, a glossary term. The expected page must
/// be among the first three results of Pagefind's own script; a change to
/// what is indexed or how must keep it so.
const RELEVANCE: &[(&str, &str)] = &[
    ("Tmall", "/entities/tmall/"),
    ("Ozon", "/entities/ozon/"),
    ("Wildberries", "/entities/wildberries/"),
    ("Russian Post", "/entities/russian-post/"),
    ("QIWI", "/entities/qiwi/"),
    ("Yandex.Money", "/entities/yandex-money/"),
    ("Alipay", "/entities/alipay/"),
    ("Suifenhe", "/entities/suifenhe/"),
    ("SWOT", "/frameworks/swot/"),
    (
        "Business Model Canvas",
        "/frameworks/business-model-canvas/",
    ),
    ("institutional theory", "/frameworks/institutional-theory/"),
    ("dynamic capability", "/frameworks/dynamic-capability/"),
    ("AliExpress Russia", "/cases/aliexpress-russia/"),
    ("localization", "/cases/aliexpress-russia/localization/"),
    ("Tomsenn", "/cases/alibaba-international/own-brand/"),
    (
        "Shenzhen Green Electronics",
        "/entities/shenzhen-green-electronics/",
    ),
    ("payment fees", "/market/payment-fees/"),
    ("internet use", "/market/internet-use/"),
    ("sources disagree", "/market/source-tensions/"),
    ("O2O", "/glossary/"),
];

#[test]
fn search_puts_the_page_a_reader_means_among_the_first_three_results() {
    let site = shipped();
    let mut misses = Vec::new();
    for (query, expected) in RELEVANCE {
        let hits = search(&site.out, query);
        let first: Vec<&str> = hits.iter().take(3).map(String::as_str).collect();
        if !first.contains(expected) {
            misses.push(format!("{query:?}: expected {expected} in {first:?}"));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn a_site_overrides_the_feed_sitemap_and_redirect_templates() {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    write(
        root,
        "templates/redirect.html",
        "<!DOCTYPE html><html lang=\"{{ language }}\"><head><title>Gone</title></head><body><p>Now at <a href=\"{{ redirect.url }}\">{{ redirect.title }}</a>, said the theme.</p></body></html>\n",
    );
    write(
        root,
        "templates/atom.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{{ feed.title | xml | safe }} (theme)</title>{% for e in feed.entries %}<entry><title>{{ e.title | xml | safe }}</title></entry>{% endfor %}</feed>\n",
    );
    write(
        root,
        "templates/sitemap.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{% for u in sitemap.urls %}<url><loc>{{ u.loc | xml | safe }}</loc><priority>0.5</priority></url>{% endfor %}</urlset>\n",
    );
    let built = TestSite::at(root).build().ok();
    let moved = built.page("old-acme/").visible_text();
    assert!(moved.contains("said the theme"), "{moved}");
    let atom = std::fs::read_to_string(built.out.join("atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&atom).unwrap();
    let title = feed.root_element().first_element_child().unwrap();
    assert_eq!(title.text(), Some("Minimal casebook (theme)"));
    let sitemap = std::fs::read_to_string(built.out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let priorities = doc
        .descendants()
        .filter(|n| n.has_tag_name("priority"))
        .count();
    assert!(priorities > 5, "{sitemap}");
}
