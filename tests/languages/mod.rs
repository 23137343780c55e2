//! Sites in several languages: translations beside their originals, pages
//! that fall back to the original, links within a language, `hreflang`,
//! per-language feeds, sitemaps and search, and every diagnostic a
//! translation can get, at its position.

use crate::harness::{self, Built, TestSite, write};
use std::collections::{BTreeMap, BTreeSet};

fn fixture() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| TestSite::fixture("languages").build().ok())
}

#[test]
fn every_language_has_its_home_under_its_code_with_its_title_and_strings() {
    let site = fixture();
    let en = site.page("");
    let ru = site.page("ru/");
    let zh = site.page("zh/");
    assert_eq!(en.attrs("html", "lang"), ["en"]);
    assert_eq!(ru.attrs("html", "lang"), ["ru"]);
    assert_eq!(zh.attrs("html", "lang"), ["zh"]);
    assert_eq!(ru.text_of("header .brand"), "Минимальный casebook");
    assert_eq!(zh.text_of("header .brand"), "最小的 casebook");
    // Interface strings come from the theme's files for the language.
    assert!(
        ru.text_of("header nav").contains("Кейсы"),
        "{}",
        ru.text_of("header nav")
    );
    // A menu label from the configuration wins over the theme's string.
    assert!(
        ru.text_of("header nav").contains("Словарь"),
        "{}",
        ru.text_of("header nav")
    );
    assert!(
        zh.text_of("header nav").contains("案例"),
        "{}",
        zh.text_of("header nav")
    );
    assert!(en.text_of("header nav").contains("Cases"));
    // A translated home page shows the translation; zh's is partial
    // (no summary), so the summary is the original's.
    assert!(
        ru.visible_text().contains("Начните с"),
        "{}",
        ru.visible_text()
    );
    assert!(zh.visible_text().contains("开始"), "{}", zh.visible_text());
}

#[test]
fn an_untranslated_page_shows_the_original_with_a_note_and_a_canonical_link() {
    let site = fixture();
    let growth = site.page("ru/cases/acme-india/growth/");
    let text = growth.visible_text();
    assert!(
        text.contains("ещё не переведена на русский"),
        "the note is in the reader's language: {text}"
    );
    assert!(
        text.contains("Growth came from"),
        "the original text is shown: {text}"
    );
    assert_eq!(
        growth.attrs("link[rel=canonical]", "href"),
        ["https://example.org/cases/acme-india/growth/"]
    );
    assert!(
        growth
            .attrs("link[rel=alternate][hreflang]", "href")
            .is_empty(),
        "a fallback is not a translation"
    );
    // Its text is marked as the original's language.
    assert_eq!(growth.attrs("main h1", "lang"), ["en"]);
    assert!(growth.attrs(".prose", "lang").iter().all(|l| l == "en"));
    // The interface around it stays Russian.
    assert!(growth.text_of("header nav").contains("Кейсы"));
}

#[test]
fn a_translation_keeps_the_originals_data_and_says_it_is_casebooks_own() {
    let site = fixture();
    let entry = site.page("ru/cases/acme-india/entry/");
    let text = entry.visible_text();
    assert!(text.contains("Выход на рынок"), "{text}");
    assert!(text.contains("Дешёвые виджеты для всех"), "{text}");
    assert!(text.contains("Уличные рынки"), "{text}");
    assert!(text.contains("Заказы в день"), "{text}");
    // Structured data comes from the original: the metric's figures.
    assert!(
        text.contains("2500") || text.contains("2 500") || text.contains("2\u{a0}500"),
        "{text}"
    );
    // The note comes from the site's own strings/ru.yaml, over the theme's.
    assert!(
        text.contains("Перевод для проверки; оригинал: English."),
        "{text}"
    );
    // A dataset's translation gives its title and unit; its rows are the original's.
    assert_eq!(entry.text_of("table caption"), "Заказы в день (заказов)");
    assert!(entry.text_of("table").contains("2500") || entry.text_of("table").contains("2 500"));
    // A file beside the page is published once, at the root.
    assert!(
        entry
            .attrs(".prose a", "href")
            .contains(&"/cases/acme-india/prices.pdf".to_string())
    );
    // Dates are written the Russian way.
    let case = site.page("ru/cases/acme-india/").visible_text();
    assert!(case.contains("март 2015 – по настоящее время"), "{case}");
    let zh_case = site.page("zh/cases/acme-india/").visible_text();
    assert!(zh_case.contains("2015年3月"), "{zh_case}");
    // Event titles come from events.ru.yaml, glossary terms from glossary.ru.yaml.
    assert!(case.contains("Acme выходит на рынок Индии"), "{case}");
    let glossary = site.page("ru/glossary/").visible_text();
    assert!(
        glossary.contains("B2C (бизнес для потребителя)"),
        "{glossary}"
    );
    assert!(glossary.contains("Продажи потребителям"), "{glossary}");
    // Anchors stay the original's, so links into the page work in every language.
    assert_eq!(
        site.page("ru/cases/acme-india/").attrs(".prose h2", "id"),
        site.page("cases/acme-india/").attrs(".prose h2", "id")
    );
}

#[test]
fn links_resolve_within_the_readers_language() {
    let site = fixture();
    let case = site.page("ru/cases/acme-india/");
    let links = case.attrs(".prose a", "href");
    // A translated stage, an untranslated one (its fallback), an entity.
    for want in [
        "/ru/cases/acme-india/entry/",
        "/ru/cases/acme-india/growth/",
        "/ru/entities/india/",
    ] {
        assert!(links.contains(&want.to_string()), "{want} not in {links:?}");
    }
    // Static files are shared by every language.
    assert_eq!(case.attrs("link[rel=stylesheet]", "href"), ["/style.css"]);
    // The switcher offers every language of this page.
    assert_eq!(
        case.attrs("nav.languages a", "href"),
        ["/cases/acme-india/", "/zh/cases/acme-india/"]
    );
    assert_eq!(case.text_of("nav.languages [aria-current]"), "Русский");
    crate::assert_links_resolve(site, "/");
}

#[test]
fn hreflang_pairs_are_valid_and_reciprocal() {
    let site = fixture();
    let files = site.files();
    let mut declared: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for file in files.keys().filter(|f| f.ends_with(".html")) {
        let page = site.page(file);
        let url = format!(
            "https://example.org/{}",
            file.trim_end_matches("index.html")
        );
        let langs = page.attrs("link[rel=alternate][hreflang]", "hreflang");
        let hrefs = page.attrs("link[rel=alternate][hreflang]", "href");
        if langs.is_empty() {
            continue;
        }
        let set: BTreeSet<(String, String)> = langs.into_iter().zip(hrefs).collect();
        assert!(
            set.contains(&(page.attrs("html", "lang")[0].clone(), url.clone())),
            "{file} lists itself: {set:?}"
        );
        assert!(set.iter().any(|(l, _)| l == "x-default"), "{file}");
        declared.insert(url, set);
    }
    assert!(declared.contains_key("https://example.org/ru/cases/acme-india/"));
    for (url, set) in &declared {
        for (lang, other) in set {
            assert!(
                declared.get(other) == Some(set),
                "{url} names {other} ({lang}), which does not name the same versions back"
            );
        }
    }
    // The zh case is not translated: neither it nor the others list it.
    assert!(!declared.contains_key("https://example.org/zh/cases/acme-india/"));
    assert!(
        !declared["https://example.org/cases/acme-india/"]
            .iter()
            .any(|(l, _)| l == "zh")
    );
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains(r#"<xhtml:link rel="alternate" hreflang="ru" href="https://example.org/ru/cases/acme-india/"/>"#), "{sitemap}");
    assert!(
        !sitemap.contains("<loc>https://example.org/ru/cases/acme-india/growth/</loc>"),
        "fallbacks are not in the sitemap"
    );
    assert!(!files.contains_key("ru/sitemap.xml") && !files.contains_key("ru/robots.txt"));
}

#[test]
fn each_language_has_its_feed_and_its_search_index() {
    let site = fixture();
    let files = site.files();
    let feed = String::from_utf8(files["ru/atom.xml"].clone()).unwrap();
    assert!(feed.contains("Минимальный casebook"), "{feed}");
    assert!(
        !feed.contains("ru/cases/acme-india/growth/"),
        "a page shown untranslated is not in the language's feed: {feed}"
    );
    assert!(
        site.page("ru/404.html")
            .attrs("link[hreflang]", "href")
            .is_empty()
    );
    for lang in ["ru", "zh"] {
        let entry =
            String::from_utf8(files[&format!("{lang}/pagefind/pagefind-entry.json")].clone())
                .unwrap();
        assert!(entry.contains(&format!("\"{lang}\"")), "{entry}");
    }
    let ru = site.out.join("ru");
    assert!(harness::search(&ru, "вымышленный").contains(&"/cases/acme-india/".to_string()));
    // A page shown untranslated is not in that language's index.
    let growth = "/cases/acme-india/growth/".to_string();
    assert!(!harness::search(&ru, "opening").contains(&growth));
    assert!(harness::search(&site.out, "opening").contains(&growth));
    assert_eq!(harness::search(&site.out.join("zh"), "开始"), ["/"]);
    assert!(harness::search(&site.out, "вымышленный").is_empty());
}

/// The fixture copied, with `rel` replaced by `text`, checked as JSON:
/// (file:line:col, message) of every error.
fn errors_after(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let tmp = harness::copy_fixture("languages");
    for (rel, text) in changes {
        write(tmp.path(), rel, text);
    }
    let checked = TestSite::at(tmp.path()).check_json();
    checked
        .diagnostics()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                format!("{}:{}:{}", d["file"].as_str().unwrap(), d["line"], d["col"]),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[track_caller]
fn assert_reported(errors: &[(String, String)], at: &str, message: &str) {
    assert!(
        errors.iter().any(|(a, m)| a == at && m.contains(message)),
        "no `{message}` at {at} in {errors:#?}"
    );
}

#[test]
fn a_translation_contradicting_its_original_is_reported_where_it_says_so() {
    let errors = errors_after(&[(
        "content/cases/acme-india/entry.ru.md",
        "---\ntitle: Выход\norder: 3\nperiod: { from: \"2015\", to: \"2017\" }\n---\nAcme продавала через свой сайт.\n",
    )]);
    assert_reported(
        &errors,
        "content/cases/acme-india/entry.ru.md:3:8",
        "contradicts its original at `order`: the original has `1`, the translation `3`",
    );
    assert_eq!(errors.len(), 1, "the equal period is fine: {errors:#?}");
}

#[test]
fn entry_counts_ids_and_unknown_keys_are_checked() {
    let errors = errors_after(&[
        (
            "content/cases/acme-india/entry.ru.md",
            "---\ntitle: Выход\nbusiness_model:\n  channels: [Сайт]\nsumary: x\n---\nAcme продавала через свой сайт.\n",
        ),
        (
            "content/cases/acme-india/events.ru.yaml",
            "- id: lanch\n  title: Запуск\n",
        ),
        (
            "content/glossary.ru.yaml",
            "- term: B2B\n  translation: Б2Б\n",
        ),
    ]);
    assert_reported(
        &errors,
        "content/cases/acme-india/entry.ru.md:4:13",
        "the original has 2 entries here and this translation 1",
    );
    assert_reported(
        &errors,
        "content/cases/acme-india/entry.ru.md:5:1",
        "`sumary` is not in the original",
    );
    assert_reported(
        &errors,
        "content/cases/acme-india/events.ru.yaml:1:7",
        "no event of `content/cases/acme-india/events.yaml` has the id `lanch`",
    );
    assert_reported(
        &errors,
        "content/glossary.ru.yaml:1:9",
        "the glossary has no term `B2B` to translate",
    );
}

#[test]
fn translated_text_gets_the_checks_of_text() {
    let errors = errors_after(&[(
        "content/cases/acme-india/entry.ru.md",
        "---\ntitle: Выход\nshort_title: Выход на рынок Индии в первые годы работы компании\n---\nAcme продавала через свой сайт.\n\n{{ table(data=\"orders\") }}\n\n[Прайс-лист](/cases/acme-india/prices.pdf) приложен.\n",
    )]);
    assert_reported(
        &errors,
        "content/cases/acme-india/entry.ru.md:3:14",
        "`short_title` is",
    );
}

#[test]
fn duplicate_ids_and_changed_link_names_are_errors() {
    let errors = errors_after(&[
        (
            "content/cases/acme-india/events.ru.yaml",
            "- id: launch\n  title: Запуск\n- id: launch\n  title: Снова\n",
        ),
        (
            "content/entities/acme.ru.md",
            "---\ntitle: Акме\naliases: [Акме Инк]\n---\nДелает виджеты.\n",
        ),
    ]);
    assert_reported(
        &errors,
        "content/cases/acme-india/events.ru.yaml:3:7",
        "the event `launch` is translated twice",
    );
    // Aliases name link targets, so they stay the original's.
    assert!(
        errors
            .iter()
            .any(|(a, m)| a.starts_with("content/entities/acme.ru.md:3:")
                && m.contains("contradicts its original at `aliases")),
        "{errors:#?}"
    );
}

#[test]
fn a_translations_own_heading_ids_give_way_to_the_originals() {
    let tmp = harness::copy_fixture("languages");
    write(
        tmp.path(),
        "content/cases/acme-india/index.ru.md",
        "---\ntitle: Acme в Индии\n---\n## Обзор {#obzor}\n\nAcme вышла на рынок [[india]] в 2015 году [@doe-2020, p. 4]. См. [[acme-india/entry|этап выхода]] и [[acme-india/growth|этап роста]].\n",
    );
    let site = TestSite::at(tmp.path()).build().ok();
    assert_eq!(
        site.page("ru/cases/acme-india/").attrs(".prose h2", "id"),
        site.page("cases/acme-india/").attrs(".prose h2", "id")
    );
}

#[test]
fn orphans_unknown_languages_and_language_urls_are_errors() {
    let errors = errors_after(&[
        (
            "content/entities/ghost.ru.md",
            "---\ntitle: Призрак\n---\nНет оригинала.\n",
        ),
        (
            "content/entities/acme.fr.md",
            "---\ntitle: Acme\n---\nBonjour.\n",
        ),
        ("content/ru/page.md", "---\ntitle: In the way\n---\nText.\n"),
    ]);
    assert_reported(
        &errors,
        "content/entities/ghost.ru.md:1:1",
        "translation without an original: `content/entities/ghost.md` does not exist",
    );
    assert_reported(
        &errors,
        "content/entities/acme.fr.md:1:1",
        "unknown language code `fr`",
    );
    assert_reported(
        &errors,
        "content/ru/page.md:2:1",
        "maps onto the generated page `/ru/`",
    );
}

#[test]
fn a_translation_keeps_its_originals_headings_citations_and_links() {
    let errors = errors_after(&[(
        "content/cases/acme-india/index.ru.md",
        "---\ntitle: Acme в Индии\n---\n## Обзор\n\n## Лишний\n\nAcme вышла на рынок [[acme]] [@doe-2020].\n",
    )]);
    let (at, message) = errors
        .iter()
        .find(|(a, _)| a.starts_with("content/cases/acme-india/index.ru.md"))
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(at, "content/cases/acme-india/index.ru.md:4:1");
    for part in [
        "2 headings where the original has 1",
        "missing citation `doe-2020, p. 4`",
        "extra citation `doe-2020`",
        "missing link to `[[entities/india]]`",
        "extra link to `[[entities/acme]]`",
    ] {
        assert!(message.contains(part), "`{part}` not in: {message}");
    }
}

#[test]
fn new_writes_a_translation_skeleton_that_checks_clean() {
    let tmp = harness::copy_fixture("languages");
    let out = harness::casebook(
        [
            "new",
            "stage",
            "growth",
            "--case",
            "acme-india",
            "--lang",
            "zh",
        ],
        tmp.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text =
        std::fs::read_to_string(tmp.path().join("content/cases/acme-india/growth.zh.md")).unwrap();
    assert!(text.contains("title: Growth"), "{text}");
    assert!(
        !text.contains("order:") && !text.contains("period:"),
        "data stays in the original: {text}"
    );
    assert!(
        text.contains("Growth came from [[acme]]"),
        "the body to translate: {text}"
    );
    let checked = TestSite::at(tmp.path()).check();
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    let site = TestSite::at(tmp.path()).build().ok();
    assert!(
        site.stdout.contains("/zh/: 2 pages translated"),
        "{}",
        site.stdout
    );
    // An unknown language is refused, naming the configured ones.
    let out = harness::casebook(["new", "entity", "acme", "--lang", "de"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("configured: ru, zh"));
}
