//! Rendering the Markdown of one page: its body (after the shortcode calls
//! are taken out), the entries of its analyses and its teaching notes, with
//! the citation keys they use and the problems they have.

use super::PageCells;
use super::values::{CellItem, Link, QuestionView, TeachingView};
use crate::diagnostics::{Diagnostic, Span};
use crate::links::{LinkSite, Resolved};
use crate::markdown::cite::cite_list;
use crate::markdown::shortcodes::{self, Call};
use crate::markdown::{Origin, Rendered, Renderer, Source};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// One page's rendered body, analysis cells, citation keys and problems.
pub(super) struct PageRender {
    pub(super) body: Rendered,
    pub(super) cells: PageCells,
    pub(super) cites: BTreeSet<String>,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) calls: Vec<Call>,
    pub(super) teaching: Option<TeachingView>,
}

/// What rendering a page needs besides the page.
pub(super) struct PageRenderer<'a> {
    pub(super) kb: &'a Kb,
    pub(super) md: Renderer<'a>,
    pub(super) theme_shortcodes: &'a [String],
}

/// Where an analysis entry sits: framework, dimension and YAML base path.
struct EntryAt<'p> {
    dimension: &'p str,
    base: &'p str,
    /// The framework defines the dimension (unknown ones are errors elsewhere).
    known: bool,
}

impl PageRenderer<'_> {
    pub(super) fn page(&self, page: &Page) -> PageRender {
        let mut d = Vec::new();
        let src = Source {
            content_path: page
                .source
                .file
                .strip_prefix("content/")
                .unwrap_or(&page.source.file),
            file: &page.source.file,
            file_text: &page.source.text,
            origin: Origin::Body(page.source.body_start),
            headings: match &page.lang {
                PageLang::Translated(o) => o.body.as_ref().map_or(&[], |b| &b.headings[..]),
                _ => &[],
            },
        };
        let taken = taken_ids(self.kb, page);
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        let mut cites: BTreeSet<String> = page.meta.refs.iter().map(|c| c.key.clone()).collect();
        let (text, calls) = self.shortcodes(page, &mut cites, &mut d);
        let mut body = self.md.render(&text, src, false, &taken, &mut d);
        cites.extend(body.cites.iter().cloned());
        let cells = self.cells(page, src, &mut body.links, &mut cites, &mut d);
        if let PageData::Stage(s) = &page.data {
            for m in &s.fm.metrics {
                cites.extend(m.refs.iter().map(|c| c.key.clone()));
            }
        }
        let teaching = match &page.data {
            PageData::Case(c) => c.teaching.as_ref().map(|t| {
                let view = self.teaching(t, page, src, &mut body.links, &mut d);
                cites.extend(view.cites.iter().cloned());
                view
            }),
            _ => None,
        };
        PageRender {
            body,
            cells,
            cites,
            diags: d,
            calls,
            teaching,
        }
    }

    /// Takes the shortcode calls out of the body and checks them; the
    /// datasets they chart count as cited.
    fn shortcodes(
        &self,
        page: &Page,
        cites: &mut BTreeSet<String>,
        d: &mut Vec<Diagnostic>,
    ) -> (String, Vec<Call>) {
        let extracted = shortcodes::extract(page.source.body());
        let at = |offset: usize| {
            let (line, col) = page.source.line_col(page.source.body_start + offset);
            Span::new(&page.source.file, line, col)
        };
        for (offset, msg) in &extracted.problems {
            d.push(
                Diagnostic::error(at(*offset), format!("bad shortcode call: {msg}"))
                    .with_source(&page.source.text)
                    .with_help("write `{{ name(key=\"value\", …) }}` on a line of its own"),
            );
        }
        for call in &extracted.calls {
            match shortcodes::check(call, self.kb, self.theme_shortcodes) {
                Ok(()) => {
                    if let Some(data) = call.args.get("data").and_then(|a| a.as_str())
                        && let Some(ds) = self.kb.datasets.get(data)
                    {
                        cites.extend(ds.refs.iter().map(|c| c.key.clone()));
                    }
                }
                Err(p) => d.push(
                    Diagnostic::error(at(call.offset), p.message)
                        .with_source(&page.source.text)
                        .with_help(p.hint),
                ),
            }
        }
        (extracted.text, extracted.calls)
    }

    /// The rendered entries of every analysis of the page, cell by cell.
    fn cells(
        &self,
        page: &Page,
        src: Source<'_>,
        links: &mut Vec<(Resolved, LinkSite)>,
        cites: &mut BTreeSet<String>,
        d: &mut Vec<Diagnostic>,
    ) -> PageCells {
        let mut cells = Vec::new();
        for (fw, dims, base) in analyses_of(page) {
            for (dim, entry) in dims {
                let at = EntryAt {
                    dimension: dim,
                    base: &base,
                    known: self
                        .kb
                        .framework(fw)
                        .is_some_and(|f| f.dimensions.iter().any(|x| &x.key == dim)),
                };
                let items = entry
                    .items()
                    .into_iter()
                    .map(|it| self.entry(page, src, &at, it, links, cites, d))
                    .collect();
                cells.push(((fw.clone(), dim.clone()), items));
            }
        }
        cells
    }

    /// One analysis entry, rendered inline at its YAML position; warns when
    /// it cites nothing, or (with `require_locators`) cites without a locator.
    #[expect(
        clippy::too_many_arguments,
        reason = "the entry's page, place and text, and the page's three accumulators"
    )]
    fn entry(
        &self,
        page: &Page,
        src: Source<'_>,
        at: &EntryAt<'_>,
        it: EntryItem<'_>,
        links: &mut Vec<(Resolved, LinkSite)>,
        cites: &mut BTreeSet<String>,
        d: &mut Vec<Diagnostic>,
    ) -> CellItem {
        let (text, refs) = (it.text, it.refs);
        let (base, dim) = (at.base, at.dimension);
        let span = page
            .positions
            .span(&format!("{base}.{dim}{}", it.text_path));
        let src = Source {
            origin: Origin::Yaml(
                span.line,
                span.col + yaml_quote_offset(&page.source.text, span.line, span.col),
            ),
            headings: &[],
            ..src
        };
        let r = self.md.render(text, src, true, &[], d);
        if refs.is_empty() && r.cites.is_empty() && at.known && !page.broken {
            d.push(
                Diagnostic::warning(span.clone(), "analysis entry cites no source")
                    .with_source(&page.source.text)
                    .with_help("add `refs: [key]` to the entry (`{ text, refs }`) or cite inline with `[@key]`"),
            );
        }
        if self.kb.config.bibliography.require_locators && !page.broken {
            let item = &it.item;
            let unlocated = refs
                .iter()
                .enumerate()
                .filter(|(_, c)| c.locator.is_none())
                .map(|(j, c)| {
                    (
                        c.key.clone(),
                        page.positions
                            .span(&format!("{base}.{dim}{item}.refs[{j}]")),
                    )
                });
            for (key, at) in unlocated.chain(r.bare_cites.iter().cloned()) {
                d.push(
                    Diagnostic::warning(at, format!("analysis entry cites `{key}` without a locator"))
                        .with_source(&page.source.text)
                        .with_help(format!("say where in the work: `[@{key}, sec. 3.7]` inline, or `\"{key}, sec. 3.7\"` in `refs`")),
                );
            }
        }
        cites.extend(r.cites.iter().cloned());
        cites.extend(refs.iter().map(|c| c.key.clone()));
        let mut html = r.html;
        let extra: Vec<&CiteRef> = refs.iter().filter(|c| !r.cites.contains(&c.key)).collect();
        html.push_str(&cite_list(self.kb, extra));
        links.extend(r.links);
        CellItem {
            html,
            anchor: it.id.map(String::from),
        }
    }

    /// Renders a case's teaching notes: every text as Markdown mapped to its
    /// YAML position, and each question's `draws_on` resolved like a wikilink
    /// (its links join `links`, so the pages it names list the case as a
    /// backlink).
    fn teaching(
        &self,
        t: &Teaching,
        page: &Page,
        src: Source<'_>,
        links: &mut Vec<(crate::links::Resolved, crate::links::LinkSite)>,
        d: &mut Vec<Diagnostic>,
    ) -> TeachingView {
        let mut cites = Vec::new();
        let mut text = |path: &str, text: &str, inline: bool, d: &mut Vec<Diagnostic>| {
            let span = page.positions.span(path);
            let src = Source {
                origin: Origin::Yaml(
                    span.line,
                    span.col + yaml_quote_offset(&page.source.text, span.line, span.col),
                ),
                headings: &[],
                ..src
            };
            let r = self.md.render(text, src, inline, &[], d);
            links.extend(r.links);
            cites.extend(r.cites);
            r.html
        };
        let objectives = t
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| text(&format!("teaching.objectives[{i}]"), o, true, d))
            .collect();
        let reading = t
            .reading
            .iter()
            .enumerate()
            .map(|(i, r)| text(&format!("teaching.reading[{i}]"), r, true, d))
            .collect();
        let mut questions = Vec::new();
        for (i, q) in t.questions.iter().enumerate() {
            let base = format!("teaching.questions[{i}]");
            let html = text(&format!("{base}.question"), &q.question, true, d);
            let answer = q
                .answer
                .as_ref()
                .map(|a| text(&format!("{base}.answer"), a, false, d));
            questions.push(QuestionView {
                html,
                answer,
                draws_on: Vec::new(),
            });
        }
        for (i, q) in t.questions.iter().enumerate() {
            for (j, target) in q.draws_on.iter().enumerate() {
                let span = page
                    .positions
                    .span(&format!("teaching.questions[{i}].draws_on[{j}]"));
                match self.md.resolver.wikilink(target) {
                    Ok(r) => {
                        questions[i].draws_on.push(Link {
                            title: self.md.resolver.title(&r),
                            url: self.md.resolver.url(&r),
                            summary: self.md.resolver.summary(&r),
                        });
                        let site = crate::links::LinkSite {
                            file: page.source.file.clone(),
                            line: span.line,
                            col: span.col,
                            context: self.kb.locale.t("context.teaching").into(),
                        };
                        links.push((r, site));
                    }
                    Err(e) => {
                        let mut diag =
                            Diagnostic::error(span, e.message).with_source(&page.source.text);
                        if let Some(h) = e.help {
                            diag = diag.with_help(h);
                        }
                        d.push(diag);
                    }
                }
            }
        }
        TeachingView {
            objectives,
            questions,
            reading,
            cites,
        }
    }
}

/// Ids a page's templates already use: the theme's landmarks and the
/// anchors of the events shown on it.
fn taken_ids(kb: &Kb, page: &Page) -> Vec<String> {
    let mut ids: Vec<String> = crate::markdown::TEMPLATE_IDS
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    // Events sit sorted by case, so a page's are found by binary search.
    let events: Vec<&crate::model::Event> = match &page.data {
        PageData::Case(_) => kb
            .event_ids_of(Some(page.path.as_str()))
            .into_iter()
            .map(|i| &kb.events[i])
            .collect(),
        PageData::Stage(s) => kb
            .event_ids_of(Some(s.case.as_str()))
            .into_iter()
            .map(|i| &kb.events[i])
            .filter(|e| e.fm.stage.as_deref() == Some(page.slug.as_str()))
            .collect(),
        _ => Vec::new(),
    };
    ids.extend(events.into_iter().map(|e| e.anchor.clone()));
    if let Some(&id) = kb.by_path.get(page.path.as_str()) {
        ids.extend(kb.entry_anchors(id).into_iter().map(|(a, _)| a.to_string()));
    }
    ids
}

/// Column shift when a YAML scalar is quoted (the text starts after the quote).
fn yaml_quote_offset(text: &str, line: usize, col: usize) -> usize {
    let first = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.chars().nth(col - 1));
    usize::from(matches!(first, Some('"' | '\'')))
}

/// The analyses of a page with the YAML base path of each framework.
fn analyses_of(page: &Page) -> Vec<(&String, &BTreeMap<String, Entry>, String)> {
    let mut out: Vec<(&String, &BTreeMap<String, Entry>, String)> = Vec::new();
    let analyses = match &page.data {
        PageData::Case(c) => &c.analyses,
        PageData::Stage(s) => &s.fm.analyses,
        _ => return out,
    };
    for (fw, dims) in analyses {
        out.push((fw, dims, format!("analyses.{fw}")));
    }
    if let PageData::Stage(s) = &page.data
        && let Some(bm) = &s.fm.business_model
    {
        static CANVAS_KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        out.push((
            CANVAS_KEY.get_or_init(|| CANVAS.to_string()),
            bm,
            "business_model".into(),
        ));
    }
    out
}
