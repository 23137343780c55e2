//! Machine-readable outputs: `sitemap.xml`, `atom.xml`, `robots.txt` and
//! `graph.json`. XML text goes through [`xml_text`], which also drops the
//! control characters XML 1.0 forbids, so the files are always well-formed.

use crate::links::Target;
use crate::model::*;
use crate::site::Prepared;
use serde::Serialize;
use std::fmt::Write as _;

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

pub(crate) fn sitemap(base_url: &str, entries: &[SitemapEntry]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        let _ = write!(
            s,
            "  <url><loc>{}</loc>",
            xml_text(&absolute(base_url, &e.file))
        );
        if let Some(d) = e.lastmod {
            let _ = write!(s, "<lastmod>{}</lastmod>", w3c_date(d));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

pub(crate) fn robots(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n")
}

/// The 30 most recently changed pages (pages with a date only).
pub(crate) fn atom(prep: &Prepared<'_>) -> String {
    let kb = prep.kb;
    let c = &kb.config;
    let mut dated: Vec<(PartialDate, PageId)> = kb
        .pages_with_ids()
        .filter_map(|(id, _)| kb.page_date(id).map(|d| (d, id)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    dated.truncate(30);
    let updated = dated.first().map_or(kb.latest, |d| d.0);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        s,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}atom.xml\"/>\n  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        xml_text(&c.language),
        xml_text(&c.title),
        xml_text(&c.base_url),
        xml_text(&c.base_url),
        xml_text(&c.base_url),
        w3c_date(updated),
        xml_text(&c.title),
    );
    for (date, id) in dated {
        let p = &kb.pages[id];
        let url = format!(
            "{}{}",
            c.base_url,
            prep.url(id).trim_start_matches(prep.base_path.as_str())
        );
        let _ = write!(
            s,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n",
            xml_text(&p.meta.title),
            xml_text(&url),
            xml_text(&url),
            w3c_date(date)
        );
        if let Some(sum) = &p.meta.summary {
            let _ = writeln!(s, "    <summary>{}</summary>", xml_text(sum));
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
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
    fn sitemap_lists_absolute_urls_with_dates() {
        let s = sitemap(
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
        );
        assert!(s.contains("<loc>https://x.org/kb/</loc>"));
        assert!(s.contains("<loc>https://x.org/kb/cases/a/</loc><lastmod>2016-05-01</lastmod>"));
    }
}
