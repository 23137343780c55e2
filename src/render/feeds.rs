//! Machine-readable outputs: `sitemap.xml`, `atom.xml`, `robots.txt` and
//! `graph.json`. The sitemap and the feed are templates (`sitemap.xml`,
//! `atom.xml`) filled from the views here; their text goes through the
//! `xml` filter ([`xml_text`]), which also drops the control characters XML
//! 1.0 forbids, so the files are always well-formed.

use crate::links::Target;
use crate::model::*;
use crate::site::Prepared;
use serde::Serialize;

/// A page listed in the sitemap.
#[derive(Debug, Clone)]
pub(crate) struct SitemapEntry {
    /// Site path of the output file (`cases/x/index.html`).
    pub file: String,
    pub lastmod: Option<PartialDate>,
}

/// Escapes text for XML and removes characters XML 1.0 cannot carry.
pub(crate) fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// Absolute URL of an output file.
fn absolute(base_url: &str, file: &str) -> String {
    format!(
        "{base_url}{}",
        file.strip_suffix("index.html").unwrap_or(file)
    )
}

/// `YYYY-MM-DD` for a partial date (missing parts count as the first).
fn w3c_date(d: PartialDate) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        d.year,
        d.month.unwrap_or(1),
        d.day.unwrap_or(1)
    )
}

/// `sitemap.xml` as its template sees it.
#[derive(Serialize)]
pub(crate) struct SitemapView {
    pub urls: Vec<SitemapUrl>,
    /// Some URL lists its other languages.
    pub alternates: bool,
}

#[derive(Serialize)]
pub(crate) struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    /// `YYYY-MM-DD`, when the page has a date.
    pub lastmod: Option<String>,
    /// The page in every language it exists in (itself included), when
    /// there is more than one.
    pub alternates: Vec<SitemapAlternate>,
}

#[derive(Serialize, Clone)]
pub(crate) struct SitemapAlternate {
    /// Language code, or `x-default` for the default language's page.
    pub lang: String,
    pub loc: String,
}

/// The sitemap of `entries` under `base_url`; `languages` are the site's,
/// the default first, further ones publishing under `<code>/`.
pub(crate) fn sitemap_view(
    base_url: &str,
    entries: &[SitemapEntry],
    languages: &[String],
) -> SitemapView {
    let split = |file: &str| -> (String, String) {
        for code in languages.iter().skip(1) {
            if let Some(rest) = file.strip_prefix(&format!("{code}/")) {
                return (code.clone(), rest.to_string());
            }
        }
        (languages[0].clone(), file.to_string())
    };
    let mut versions: std::collections::BTreeMap<String, Vec<SitemapAlternate>> =
        Default::default();
    for e in entries {
        let (lang, key) = split(&e.file);
        versions.entry(key).or_default().push(SitemapAlternate {
            lang,
            loc: absolute(base_url, &e.file),
        });
    }
    let urls: Vec<SitemapUrl> = entries
        .iter()
        .map(|e| {
            let alternates = match versions.get(&split(&e.file).1) {
                Some(v) if v.len() > 1 => {
                    let mut all = v.clone();
                    if let Some(d) = v.iter().find(|a| a.lang == languages[0]) {
                        all.push(SitemapAlternate {
                            lang: "x-default".into(),
                            loc: d.loc.clone(),
                        });
                    }
                    all
                }
                _ => Vec::new(),
            };
            SitemapUrl {
                loc: absolute(base_url, &e.file),
                lastmod: e.lastmod.map(w3c_date),
                alternates,
            }
        })
        .collect();
    SitemapView {
        alternates: urls.iter().any(|u| !u.alternates.is_empty()),
        urls,
    }
}

pub(crate) fn robots(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n")
}

/// `atom.xml` as its template sees it: the 30 most recently changed pages
/// (pages with a date only).
#[derive(Serialize)]
pub(crate) struct FeedView {
    pub language: String,
    pub title: String,
    pub base_url: String,
    /// `YYYY-MM-DD` of the newest entry.
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
pub(crate) struct FeedEntry {
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// `YYYY-MM-DD`.
    pub updated: String,
    pub summary: Option<String>,
}

pub(crate) fn feed_view(prep: &Prepared<'_>) -> FeedView {
    let kb = prep.kb;
    let c = &kb.config;
    let mut dated: Vec<(PartialDate, PageId)> = kb
        .pages_with_ids()
        // A page shown untranslated belongs to its original's feed.
        .filter(|(_, p)| !matches!(p.lang, PageLang::Fallback))
        .filter_map(|(id, _)| kb.page_date(id).map(|d| (d, id)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    dated.truncate(30);
    let updated = dated.first().map_or(kb.latest, |d| d.0);
    FeedView {
        language: c.language.clone(),
        title: c.title.clone(),
        base_url: c.base_url.clone(),
        updated: w3c_date(updated),
        entries: dated
            .into_iter()
            .map(|(date, id)| {
                let p = &kb.pages[id];
                FeedEntry {
                    title: p.meta.title.clone(),
                    url: format!(
                        "{}{}",
                        c.base_url,
                        prep.url(id).trim_start_matches(prep.base_path.as_str())
                    ),
                    updated: w3c_date(date),
                    summary: p.meta.summary.clone(),
                }
            })
            .collect(),
    }
}

/// A dataset as CSV: its columns and rows, or `label,value` for a series.
pub(crate) fn dataset_csv(d: &Dataset) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| e.to_string();
    if d.series.is_empty() {
        w.write_record(&d.columns).map_err(e)?;
        for r in &d.rows {
            w.write_record(r.iter().map(|c| c.0.as_str())).map_err(e)?;
        }
    } else {
        w.write_record(["label", "value", "entity"]).map_err(e)?;
        for p in &d.series {
            w.write_record([
                p.label.as_str(),
                &crate::graphics::chart::format_number(p.value),
                p.entity.as_deref().unwrap_or(""),
            ])
            .map_err(e)?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// A dataset as JSON, with its title, unit, summary and sources.
pub(crate) fn dataset_json(d: &Dataset) -> String {
    let mut v = serde_json::json!({
        "title": d.title,
        "summary": d.summary,
        "unit": d.unit,
        "refs": d.refs,
    });
    if d.series.is_empty() {
        v["columns"] = serde_json::json!(d.columns);
        v["rows"] = serde_json::json!(d.rows);
    } else {
        v["series"] = d
            .series
            .iter()
            .map(|p| serde_json::json!({ "label": p.label, "value": p.value, "entity": p.entity }))
            .collect();
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

#[derive(Serialize)]
struct GraphJson<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

#[derive(Serialize)]
struct Node<'a> {
    id: String,
    kind: &'a str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Edge<'a> {
    source: String,
    target: String,
    file: &'a str,
    line: usize,
    col: usize,
    context: &'a str,
}

/// The link graph: one node per page and glossary term, one edge per link
/// with where it was written.
pub(crate) fn graph_json(prep: &Prepared<'_>) -> String {
    let kb = prep.kb;
    let node_id = |t: &Target| match t {
        Target::Page(id) => format!("page:{}", kb.pages[*id].path),
        Target::Term(i) => format!("term:{}", crate::links::term_anchor(&kb.terms[*i].term)),
    };
    let mut nodes: Vec<Node> = kb
        .pages_with_ids()
        .map(|(id, p)| Node {
            id: node_id(&Target::Page(id)),
            kind: p.kind.name(),
            title: &p.meta.title,
            url: prep.url(id),
        })
        .collect();
    nodes.extend(kb.terms.iter().enumerate().map(|(i, t)| Node {
        id: node_id(&Target::Term(i)),
        kind: "term",
        title: &t.term,
        url: format!(
            "{}glossary/#{}",
            prep.base_path,
            crate::links::term_anchor(&t.term)
        ),
    }));
    let edges = prep
        .graph
        .edges
        .iter()
        .map(|(from, to, site)| Edge {
            source: node_id(&Target::Page(*from)),
            target: node_id(to),
            file: &site.file,
            line: site.line,
            col: site.col,
            context: &site.context,
        })
        .collect();
    serde_json::to_string(&GraphJson { nodes, edges }).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml_text("a<b>&\"c'\u{1}\u{8}d\te"),
            "a&lt;b&gt;&amp;&quot;c&apos;d\te"
        );
    }

    #[test]
    fn sitemap_names_each_pages_other_languages() {
        let entry = |file: &str| SitemapEntry {
            file: file.into(),
            lastmod: None,
        };
        let langs = ["en".to_string(), "ru".to_string()];
        let s = sitemap_view(
            "https://x.org/",
            &[
                entry("a/index.html"),
                entry("b/index.html"),
                entry("ru/a/index.html"),
            ],
            &langs,
        );
        let pairs = |i: usize| -> Vec<(String, String)> {
            s.urls[i]
                .alternates
                .iter()
                .map(|a| (a.lang.clone(), a.loc.clone()))
                .collect()
        };
        let both = vec![
            ("en".to_string(), "https://x.org/a/".to_string()),
            ("ru".to_string(), "https://x.org/ru/a/".to_string()),
            ("x-default".to_string(), "https://x.org/a/".to_string()),
        ];
        assert_eq!(pairs(0), both);
        assert!(pairs(1).is_empty(), "a page in one language lists none");
        assert_eq!(pairs(2), both);
        assert!(s.alternates);
    }

    #[test]
    fn sitemap_lists_absolute_urls_with_dates() {
        let s = sitemap_view(
            "https://x.org/kb/",
            &[
                SitemapEntry {
                    file: "index.html".into(),
                    lastmod: None,
                },
                SitemapEntry {
                    file: "cases/a/index.html".into(),
                    lastmod: PartialDate::parse("2016-05").ok(),
                },
            ],
            &["en".into()],
        );
        assert_eq!(s.urls[0].loc, "https://x.org/kb/");
        assert_eq!(s.urls[0].lastmod, None);
        assert_eq!(s.urls[1].loc, "https://x.org/kb/cases/a/");
        assert!(s.urls.iter().all(|u| u.alternates.is_empty()));
        assert_eq!(s.urls[1].lastmod.as_deref(), Some("2016-05-01"));
    }
}
