//! Citations and reference lists formatted by Hayagriva in a CSL style
//! (APA by default; `bibliography.style` in casebook.yaml picks another),
//! and the "cite this page" block (formatted citation and BibTeX).
//!
//! Hayagriva's own HTML writer does not escape text, so its output tree is
//! written out here with every text and URL escaped.

use crate::html::html_escape;
use hayagriva::citationberg::{FontStyle, FontWeight, IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, Library,
};
use std::collections::HashMap;

/// One work, formatted in the site's style.
#[derive(Debug, Clone, Default)]
pub(crate) struct Formatted {
    /// In-text citation without a locator: `(Gu, 2018)` or `[1]`.
    pub cite: String,
    /// The entry as a reference list shows it (HTML).
    pub html: String,
    /// Position in the style's bibliography order.
    pub order: usize,
}

/// A CSL style with the locales it needs.
pub(crate) struct CslStyle {
    style: IndependentStyle,
    locales: Vec<Locale>,
}

/// Names accepted by `bibliography.style`, for error messages.
pub(crate) const SUGGESTED: &[&str] = &[
    "apa",
    "chicago-author-date",
    "harvard-cite-them-right",
    "ieee",
    "modern-language-association",
    "gb-7714-2015-numeric",
    "gb-7714-2015-author-date",
];

/// Whether Hayagriva bundles an independent style of this name (cheap:
/// nothing is decoded).
pub(crate) fn style_exists(name: &str) -> bool {
    hayagriva::archive::ArchivedStyle::by_name(name).is_some()
}

/// Stands for the page title and URL in a formatted page reference.
const TITLE_MARK: &str = "Zqxtitlezqx";
const URL_MARK: &str = "https://zqx.invalid/zqxurlzqx";

impl std::fmt::Debug for CslStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CslStyle")
    }
}

impl CslStyle {
    /// A style bundled with Hayagriva, by its short name (`apa`).
    pub(crate) fn by_name(name: &str) -> Option<CslStyle> {
        let archived = hayagriva::archive::ArchivedStyle::by_name(name)?;
        match archived.get() {
            Style::Independent(style) => Some(CslStyle {
                style,
                locales: hayagriva::archive::locales(),
            }),
            Style::Dependent(_) => None,
        }
    }

    /// Formats every entry of `library`: in-text citation and reference.
    pub(crate) fn format(&self, library: &Library) -> HashMap<String, Formatted> {
        let mut driver = BibliographyDriver::new();
        let entries: Vec<_> = library.iter().collect();
        for entry in &entries {
            driver.citation(CitationRequest::from_items(
                vec![CitationItem::with_entry(*entry)],
                &self.style,
                &self.locales,
            ));
        }
        let rendered = driver.finish(BibliographyRequest {
            style: &self.style,
            locale: None,
            locale_files: &self.locales,
        });
        let mut out: HashMap<String, Formatted> = entries
            .iter()
            .zip(&rendered.citations)
            .map(|(e, c)| {
                (
                    e.key().to_string(),
                    Formatted {
                        cite: plain(&c.citation),
                        ..Default::default()
                    },
                )
            })
            .collect();
        if let Some(bib) = rendered.bibliography {
            for (i, item) in bib.items.iter().enumerate() {
                if let Some(f) = out.get_mut(&item.key) {
                    let mut html = String::new();
                    if let Some(first) = &item.first_field {
                        write_child(&mut html, first);
                        html.push(' ');
                    }
                    write_children(&mut html, &item.content);
                    f.html = html;
                    f.order = i;
                }
            }
        }
        out
    }

    /// Page references with stand-ins for the title, URL and date: the
    /// style runs 25 times (one per date precision and month), not once
    /// per page.
    pub(crate) fn page_citer(&self, site: &str) -> PageCiter {
        let mut templates = HashMap::new();
        let mut keys: Vec<(u8, u8)> = vec![(0, 0), (1, 0)];
        for m in 1..=12 {
            keys.push((2, m));
            keys.push((3, m));
        }
        for (precision, month) in keys {
            let date = match precision {
                0 => None,
                1 => Some(YEAR_MARK.to_string()),
                2 => Some(format!("{YEAR_MARK}-{month:02}")),
                _ => Some(format!("{YEAR_MARK}-{month:02}-{DAY_MARK}")),
            };
            let page = PageRef {
                title: TITLE_MARK,
                site,
                url: URL_MARK,
                date,
            };
            let Some(html) = self.format_page(&page) else {
                continue;
            };
            // Each stand-in must appear exactly once, or filling is unsafe.
            let once = |mark: &str| html.matches(mark).count() == 1;
            let dated_ok = match precision {
                0 => true,
                1 | 2 => once(YEAR_MARK),
                _ => once(YEAR_MARK) && once(DAY_MARK),
            };
            if once(TITLE_MARK) && html.matches(URL_MARK).count() >= 1 && dated_ok {
                templates.insert((precision, month), html);
            }
        }
        PageCiter { templates }
    }

    /// A page of the site formatted as a reference (for "cite this page").
    pub(crate) fn format_page(&self, page: &PageRef<'_>) -> Option<String> {
        let library = hayagriva::io::from_yaml_str(&page.to_yaml()).ok()?;
        self.format(&library)
            .remove("page")
            .map(|f| f.html)
            .filter(|h| !h.is_empty())
    }
}

const YEAR_MARK: &str = "1987";
const DAY_MARK: &str = "23";

/// "Cite this page" templates of one style and site.
pub(crate) struct PageCiter {
    /// (precision: 0 none, 1 year, 2 month, 3 day; month) → template.
    templates: HashMap<(u8, u8), String>,
}

impl PageCiter {
    /// The page as a reference; `None` when no template fits (the caller
    /// then formats the page on its own).
    pub(crate) fn cite(
        &self,
        title: &str,
        url: &str,
        date: Option<(i32, Option<u8>, Option<u8>)>,
    ) -> Option<String> {
        let key = match date {
            None => (0, 0),
            Some((_, None, _)) => (1, 0),
            Some((_, Some(m), None)) => (2, m),
            Some((_, Some(m), Some(_))) => (3, m),
        };
        let mut html = self
            .templates
            .get(&key)?
            .replace(TITLE_MARK, &html_escape(title))
            .replace(URL_MARK, &html_escape(url));
        if let Some((year, _, day)) = date {
            html = html.replacen(YEAR_MARK, &year.to_string(), 1);
            if let Some(d) = day {
                html = html.replacen(DAY_MARK, &d.to_string(), 1);
            }
        }
        Some(html)
    }
}

/// What "cite this page" needs to know about a page.
pub(crate) struct PageRef<'a> {
    pub title: &'a str,
    pub site: &'a str,
    pub url: &'a str,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
}

impl PageRef<'_> {
    fn to_yaml(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut y = format!(
            "page:\n  type: web\n  title: {}\n  url: {}\n  parent:\n    type: web\n    title: {}\n",
            q(self.title),
            q(self.url),
            q(self.site)
        );
        if let Some(d) = &self.date {
            y.push_str(&format!("  date: {}\n", q(d)));
        }
        y
    }

    /// A BibTeX entry for the page (`@misc`, BibTeX's type for web pages).
    pub(crate) fn bibtex(&self, key: &str) -> String {
        use biblatex::{Chunk, Entry, EntryType, Spanned};
        let mut e = Entry::new(key.to_string(), EntryType::Online);
        let mut set = |field: &str, value: &str, verbatim: bool| {
            let chunk = if verbatim {
                Chunk::Verbatim(value.to_string())
            } else {
                Chunk::Normal(value.to_string())
            };
            e.set(field, vec![Spanned::zero(chunk)]);
        };
        set("title", self.title, false);
        set("organization", self.site, false);
        set("url", self.url, true);
        if let Some(d) = &self.date {
            set("year", &d[..4.min(d.len())], false);
        }
        e.to_bibtex_string()
            .unwrap_or_else(|_| e.to_biblatex_string())
    }
}

fn plain(children: &ElemChildren) -> String {
    let mut s = String::new();
    let _ = children.write_buf(&mut s, hayagriva::BufWriteFormat::Plain);
    s
}

fn write_children(out: &mut String, children: &ElemChildren) {
    for c in &children.0 {
        write_child(out, c);
    }
}

fn write_child(out: &mut String, child: &ElemChild) {
    match child {
        ElemChild::Text(t) => write_text(out, &t.text, t.formatting),
        ElemChild::Elem(e) => write_children(out, &e.children),
        ElemChild::Markup(m) => out.push_str(&html_escape(m)),
        ElemChild::Link { text, url } => {
            let safe = url.starts_with("http://") || url.starts_with("https://");
            if safe {
                out.push_str(&format!("<a href=\"{}\">", html_escape(url)));
            }
            write_text(out, &text.text, text.formatting);
            if safe {
                out.push_str("</a>");
            }
        }
        ElemChild::Transparent { .. } => {}
    }
}

fn write_text(out: &mut String, text: &str, f: hayagriva::Formatting) {
    let italic = f.font_style == FontStyle::Italic;
    let bold = f.font_weight == FontWeight::Bold;
    if italic {
        out.push_str("<i>");
    }
    if bold {
        out.push_str("<b>");
    }
    out.push_str(&html_escape(text));
    if bold {
        out.push_str("</b>");
    }
    if italic {
        out.push_str("</i>");
    }
}

/// Adds a locator (`p. 57`) inside the brackets of an in-text citation.
pub(crate) fn with_locator(cite: &str, locator: &str) -> String {
    let locator = locator.trim();
    if locator.is_empty() {
        return cite.to_string();
    }
    match cite.chars().last() {
        Some(close @ (')' | ']')) => {
            format!(
                "{}, {locator}{close}",
                &cite[..cite.len() - close.len_utf8()]
            )
        }
        _ => format!("{cite}, {locator}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIB: &str = r#"
gu-2018:
  type: thesis
  title: "Electronic trade <between> economies"
  author: "Gu, Yutong"
  date: 2018
  organization: South Ural State University
rao-2021:
  type: article
  title: Widgets
  author: ["Rao, Asha", "Mehta, Vik"]
  date: 2021
  parent: { type: periodical, title: Journal of Widgets }
"#;

    #[test]
    fn apa_formats_author_date_citations_and_escapes_entries() {
        let lib = hayagriva::io::from_yaml_str(BIB).unwrap();
        let f = CslStyle::by_name("apa").unwrap().format(&lib);
        assert_eq!(f["gu-2018"].cite, "(Gu, 2018)");
        assert_eq!(f["rao-2021"].cite, "(Rao & Mehta, 2021)");
        assert!(
            f["gu-2018"].html.contains("Gu, Y. (2018)"),
            "{}",
            f["gu-2018"].html
        );
        assert!(f["gu-2018"].html.contains("&lt;between&gt;"));
        assert!(!f["gu-2018"].html.contains("<between>"));
    }

    #[test]
    fn numeric_styles_number_citations() {
        let lib = hayagriva::io::from_yaml_str(BIB).unwrap();
        let f = CslStyle::by_name("gb-7714-2015-numeric")
            .unwrap()
            .format(&lib);
        assert_eq!(f["gu-2018"].cite, "[1]");
        assert_eq!(f["rao-2021"].cite, "[2]");
    }

    #[test]
    fn locators_go_inside_the_brackets() {
        assert_eq!(with_locator("(Gu, 2018)", "p. 57"), "(Gu, 2018, p. 57)");
        assert_eq!(with_locator("[1]", "p. 57"), "[1, p. 57]");
        assert_eq!(with_locator("[1]", " "), "[1]");
    }

    #[test]
    fn a_page_gets_a_citation_and_bibtex() {
        let page = PageRef {
            title: "AliExpress in Russia",
            site: "casebook",
            url: "https://example.org/cases/aliexpress-russia/",
            date: Some("2024-05".into()),
        };
        let html = CslStyle::by_name("apa")
            .unwrap()
            .format_page(&page)
            .unwrap();
        assert!(html.contains("AliExpress in Russia"), "{html}");
        assert!(html.contains("https://example.org/cases/aliexpress-russia/"));
        let style = CslStyle::by_name("apa").unwrap();
        let citer = style.page_citer("casebook");
        let filled = citer
            .cite(
                "AliExpress in Russia",
                "https://example.org/cases/aliexpress-russia/",
                Some((2024, Some(5), None)),
            )
            .unwrap();
        assert_eq!(filled, html, "a filled template equals direct formatting");
        let day = PageRef {
            date: Some("2024-05-09".into()),
            ..page
        };
        assert_eq!(
            citer.cite(day.title, day.url, Some((2024, Some(5), Some(9)))),
            style.format_page(&day)
        );
        let bib = page.bibtex("casebook-aliexpress-russia");
        // BibTeX has no @online type; biblatex writes it as @misc.
        assert!(
            bib.starts_with("@misc{casebook-aliexpress-russia,"),
            "{bib}"
        );
        assert!(bib.contains("AliExpress in Russia"));
    }
}
