//! Renders Markdown for every page, then builds view values and fills the
//! templates. Yields outputs one by one; the caller writes or collects them.

use crate::diagnostics::Diagnostic;

use crate::links::{Graph, Resolver, Target, page_url};
use crate::markdown::cite::cite_list;
use crate::markdown::{Origin, Rendered, Renderer, Source};
use crate::model::*;
pub mod values;

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use values::{CellItem, Link, QuestionView, Taxon, TeachingView};

/// Backlinks listed per kind on a page; the rest are counted (graph.json
/// has them all), so a page linked from everywhere stays small.
pub const BACKLINKS_SHOWN: usize = 50;

/// Rendered Markdown of everything, and the complete link graph.
pub struct Prepared<'kb> {
    pub kb: &'kb Kb,
    pub resolver: &'kb Resolver<'kb>,
    pub bodies: Vec<Rendered>,
    /// Page → its (framework, dimension) cells.
    pub cells: HashMap<PageId, PageCells>,
    /// Citation keys used per page (body, front matter, cells).
    pub cites: Vec<BTreeSet<String>>,
    /// Rendered event bodies with the refs they do not cite inline.
    pub event_html: Vec<(String, Vec<CiteRef>)>,
    /// Every citation key of each event (inline and `refs`).
    pub event_cites: Vec<BTreeSet<String>>,
    pub term_html: Vec<String>,
    /// Event bodies as rendered, kept for [`Prepared::into_cache`].
    pub events: Vec<Rendered>,
    /// Pages linking to each target, with the index of the link in `graph`.
    pub backlinks: BTreeMap<Target, Vec<(PageId, usize)>>,
    /// Every link with where it was written (for graph.json).
    pub graph: Graph,
    /// Shortcode calls of each page body, expanded when the page renders.
    pub shortcodes: Vec<Vec<crate::markdown::shortcodes::Call>>,
    /// Teaching notes of the cases that have them.
    pub teaching: HashMap<PageId, TeachingView>,
    /// Tags and business-model types, gathered once when first needed.
    pub tags: std::sync::OnceLock<BTreeMap<String, Taxon>>,
    pub models: std::sync::OnceLock<BTreeMap<String, Taxon>>,
    pub framework_cases: std::sync::OnceLock<HashMap<String, Vec<PageId>>>,
    /// Pages each page links to and from, gathered once when first needed.
    pub neighbours: std::sync::OnceLock<crate::links::Neighbours>,
    /// "Cite this page" templates of the site's style.
    pub page_citer: Option<crate::model::bibliography::PageCiter>,
    pub base_path: String,
}

/// A page's analysis cells: (framework, dimension) and the entries in it.
type PageCells = Vec<((String, String), Vec<CellItem>)>;

/// One page's rendered body, analysis cells, citation keys and problems.
type PageRender = (
    Rendered,
    PageCells,
    BTreeSet<String>,
    Vec<Diagnostic>,
    Vec<crate::markdown::shortcodes::Call>,
    Option<TeachingView>,
);

/// What `prepare` computed, kept between the builds of `serve` so an edit
/// renders again only the Markdown it can change.
#[derive(Default)]
pub struct PrepCache {
    /// Per page, in the order of `Kb::pages`.
    bodies: Vec<Rendered>,
    cells: HashMap<PageId, PageCells>,
    cites: Vec<BTreeSet<String>>,
    shortcodes: Vec<Vec<crate::markdown::shortcodes::Call>>,
    teaching: HashMap<PageId, TeachingView>,
    /// Rendered event bodies, in the order of `Kb::events`.
    events: Vec<Rendered>,
    term_html: Vec<String>,
    /// "Cite this page" templates: the citation style runs for them once.
    page_citer: Option<Option<crate::model::bibliography::PageCiter>>,
}

impl PrepCache {
    /// The links of a page's rendered body (as graph.json shows them).
    pub fn links_of(&self, id: PageId) -> Vec<(Target, crate::links::LinkSite)> {
        self.bodies.get(id).map_or_else(Vec::new, body_links)
    }
}

/// Which parts of a [`PrepCache`] may be reused.
pub struct Reuse<'a> {
    pub cache: PrepCache,
    /// Pages whose Markdown must be rendered again.
    pub dirty: &'a std::collections::HashSet<PageId>,
    /// Event bodies and glossary definitions must be rendered again.
    pub data_dirty: bool,
}

/// Renders all Markdown (in parallel), collecting links into `graph`.
pub fn prepare<'kb>(
    kb: &'kb Kb,
    resolver: &'kb Resolver<'kb>,
    mut graph: Graph,
    theme_shortcodes: &[String],
    diags: &mut Vec<Diagnostic>,
    reuse: Option<Reuse<'_>>,
) -> Prepared<'kb> {
    let md = Renderer {
        resolver,
        allow_html: kb.config.markdown.allow_html,
    };
    let (mut cached, dirty, data_dirty) = match reuse {
        Some(r) if r.cache.bodies.len() == kb.pages.len() => (r.cache, Some(r.dirty), r.data_dirty),
        _ => (PrepCache::default(), None, true),
    };
    let render_page = |page: &Page| -> PageRender {
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
        };
        let taken = taken_ids(kb, page);
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        let extracted = crate::markdown::shortcodes::extract(page.source.body());
        let mut cites: BTreeSet<String> = page.meta.refs.iter().map(|c| c.key.clone()).collect();
        let at = |offset: usize| {
            let (line, col) = page.source.line_col(page.source.body_start + offset);
            crate::diagnostics::Span::new(&page.source.file, line, col)
        };
        for (offset, msg) in &extracted.problems {
            d.push(
                Diagnostic::error(at(*offset), format!("bad shortcode call: {msg}"))
                    .with_source(&page.source.text)
                    .with_help("write `{{ name(key=\"value\", …) }}` on a line of its own"),
            );
        }
        let mut calls = Vec::new();
        for call in extracted.calls {
            match crate::markdown::shortcodes::check(&call, kb, theme_shortcodes) {
                Ok(()) => {
                    if let Some(data) = call.args.get("data").and_then(|a| a.as_str())
                        && let Some(ds) = kb.datasets.get(data)
                    {
                        cites.extend(ds.refs.iter().map(|c| c.key.clone()));
                    }
                }
                Err((msg, hint)) => d.push(
                    Diagnostic::error(at(call.offset), msg)
                        .with_source(&page.source.text)
                        .with_help(hint),
                ),
            }
            calls.push(call);
        }
        let mut body = md.render(&extracted.text, src, false, &taken, &mut d);
        cites.extend(body.cites.iter().cloned());
        let mut cells = Vec::new();
        for (fw, dims, base) in analyses_of(page) {
            for (dim, entry) in dims {
                let mut items = Vec::new();
                for it in entry.items() {
                    let (text, refs) = (it.text, it.refs);
                    let span = page
                        .positions
                        .span(&format!("{base}.{dim}{}", it.text_path));
                    let src = Source {
                        origin: Origin::Yaml(
                            span.line,
                            span.col + yaml_quote_offset(&page.source.text, span.line, span.col),
                        ),
                        ..src
                    };
                    let r = md.render(text, src, true, &[], &mut d);
                    let known = kb
                        .framework(fw)
                        .is_some_and(|f| f.dimensions.iter().any(|x| &x.key == dim));
                    if refs.is_empty() && r.cites.is_empty() && known && !page.broken {
                        d.push(
                                Diagnostic::warning(span.clone(), "analysis entry cites no source")
                                    .with_source(&page.source.text)
                                    .with_help("add `refs: [key]` to the entry (`{ text, refs }`) or cite inline with `[@key]`"),
                            );
                    }
                    if kb.config.bibliography.require_locators && !page.broken {
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
                    let extra: Vec<&CiteRef> =
                        refs.iter().filter(|c| !r.cites.contains(&c.key)).collect();
                    html.push_str(&cite_list(kb, extra));
                    body.links.extend(r.links);
                    items.push(CellItem {
                        html,
                        anchor: it.id.map(String::from),
                    });
                }
                cells.push(((fw.clone(), dim.clone()), items));
            }
        }
        if let PageData::Stage(s) = &page.data {
            for m in &s.fm.metrics {
                cites.extend(m.refs.iter().map(|c| c.key.clone()));
            }
        }
        let teaching = match &page.data {
            PageData::Case(c) => c.teaching.as_ref().map(|t| {
                let view = render_teaching(&md, t, page, src, &mut body.links, &mut d);
                cites.extend(view.cites.iter().cloned());
                view
            }),
            _ => None,
        };
        (body, cells, cites, d, calls, teaching)
    };
    let mut teaching = HashMap::new();
    let (bodies, cells, mut cites, shortcodes) = match dirty {
        // Only the dirty pages render again; the rest stay where they are.
        Some(dirty) => {
            let fresh: Vec<(PageId, PageRender)> = dirty
                .par_iter()
                .filter(|&&id| id < kb.pages.len())
                .map(|&id| (id, render_page(&kb.pages[id])))
                .collect();
            let mut bodies = std::mem::take(&mut cached.bodies);
            let mut cells = std::mem::take(&mut cached.cells);
            let mut cites = std::mem::take(&mut cached.cites);
            let mut shortcodes = std::mem::take(&mut cached.shortcodes);
            cells.retain(|id, _| !dirty.contains(id));
            teaching = std::mem::take(&mut cached.teaching);
            teaching.retain(|id, _| !dirty.contains(id));
            for (id, (body, page_cells, page_cites, d, calls, notes)) in fresh {
                diags.extend(d);
                teaching.extend(notes.map(|n| (id, n)));
                if !page_cells.is_empty() {
                    cells.insert(id, page_cells);
                }
                bodies[id] = body;
                cites[id] = page_cites;
                shortcodes[id] = calls;
            }
            (bodies, cells, cites, shortcodes)
        }
        None => {
            let per_page: Vec<PageRender> = kb.pages.par_iter().map(render_page).collect();
            let mut bodies = Vec::with_capacity(per_page.len());
            let mut cells = HashMap::new();
            let mut cites = Vec::with_capacity(per_page.len());
            let mut shortcodes = Vec::with_capacity(per_page.len());
            for (id, (body, page_cells, page_cites, d, calls, notes)) in
                per_page.into_iter().enumerate()
            {
                diags.extend(d);
                teaching.extend(notes.map(|n| (id, n)));
                if !page_cells.is_empty() {
                    cells.insert(id, page_cells);
                }
                bodies.push(body);
                cites.push(page_cites);
                shortcodes.push(calls);
            }
            (bodies, cells, cites, shortcodes)
        }
    };
    for (id, body) in bodies.iter().enumerate() {
        for (to, site) in &body.links {
            graph.add(id, to.target.clone(), site.clone());
        }
    }
    let reuse_data = !data_dirty && cached.events.len() == kb.events.len();
    let events: Vec<Rendered> = if reuse_data {
        std::mem::take(&mut cached.events)
    } else {
        kb.events
            .iter()
            .map(|ev| {
                let text = ev.fm.body.as_deref().unwrap_or("");
                let span = ev.locator.span(&format!("{}.body", ev.yaml_path));
                let src = Source {
                    content_path: ev.file.strip_prefix("content/").unwrap_or(&ev.file),
                    file: &ev.file,
                    file_text: "",
                    origin: Origin::Yaml(span.line, span.col),
                };
                md.render(text, src, true, &[], diags)
            })
            .collect()
    };
    let mut event_html = Vec::with_capacity(events.len());
    let mut event_cites = Vec::with_capacity(events.len());
    for (ev, r) in kb.events.iter().zip(&events) {
        if let Some(case) = ev.case.as_deref().and_then(|c| kb.by_path.get(c)) {
            for (to, site) in &r.links {
                graph.add(*case, to.target.clone(), site.clone());
            }
            cites[*case].extend(r.cites.iter().cloned());
            cites[*case].extend(ev.fm.refs.iter().map(|c| c.key.clone()));
        }
        let uncited = ev
            .fm
            .refs
            .iter()
            .filter(|c| !r.cites.contains(&c.key))
            .cloned()
            .collect();
        event_cites.push(
            r.cites
                .iter()
                .cloned()
                .chain(ev.fm.refs.iter().map(|c| c.key.clone()))
                .collect(),
        );
        event_html.push((r.html.clone(), uncited));
    }
    let term_html = if reuse_data && cached.term_html.len() == kb.terms.len() {
        std::mem::take(&mut cached.term_html)
    } else {
        kb.terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let (line, col) = kb.locators.glossary.as_ref().map_or((1, 1), |l| {
                    let span = l.span(&format!("[{i}].definition"));
                    (span.line, span.col)
                });
                let src = Source {
                    content_path: "glossary.yaml",
                    file: "content/glossary.yaml",
                    file_text: "",
                    origin: Origin::Yaml(line, col),
                };
                md.render(&t.definition, src, true, &[], diags).html
            })
            .collect()
    };
    check_fragments(kb, &bodies, diags);
    unused_references(kb, &cites, &event_cites, diags);
    let backlinks = graph.backlinks();
    Prepared {
        kb,
        resolver,
        bodies,
        cells,
        cites,
        event_html,
        event_cites,
        term_html,
        events,
        backlinks,
        graph,
        shortcodes,
        teaching,
        tags: Default::default(),
        models: Default::default(),
        framework_cases: Default::default(),
        neighbours: Default::default(),
        page_citer: cached
            .page_citer
            .take()
            .filter(|_| dirty.is_some())
            .unwrap_or_else(|| kb.style.as_ref().map(|s| s.page_citer(&kb.config.title))),
        base_path: kb.config.base_path(),
    }
}

/// A work in the bibliography that nothing cites is worth a warning.
fn unused_references(
    kb: &Kb,
    cites: &[BTreeSet<String>],
    event_cites: &[BTreeSet<String>],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(locator) = &kb.locators.references else {
        return;
    };
    let mut used: std::collections::HashSet<&str> = cites
        .iter()
        .chain(event_cites)
        .flat_map(|c| c.iter().map(String::as_str))
        .collect();
    used.extend(
        kb.terms
            .iter()
            .flat_map(|t| t.refs.iter().map(|c| c.key.as_str())),
    );
    used.extend(
        kb.datasets
            .values()
            .flat_map(|d| d.refs.iter().map(|c| c.key.as_str())),
    );
    for key in kb.references.keys() {
        if !used.contains(key.as_str()) {
            diags.push(
                Diagnostic::warning(
                    locator.key_span(key),
                    format!("reference `{key}` is cited nowhere"),
                )
                .with_help(format!(
                    "cite it with `[@{key}]` or `refs: [{key}]`, or remove it"
                )),
            );
        }
    }
}

/// Ids a page's templates already use: the theme's landmarks and the
/// anchors of the events shown on it.
fn taken_ids(kb: &Kb, page: &Page) -> Vec<String> {
    let mut ids: Vec<String> = crate::markdown::TEMPLATE_IDS
        .iter()
        .map(|s| s.to_string())
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

/// `[[page#id]]` must name a heading, an event or an entry `id` of the
/// target page.
fn check_fragments(kb: &Kb, bodies: &[Rendered], diags: &mut Vec<Diagnostic>) {
    for (from, body) in bodies.iter().enumerate() {
        let text = &kb.pages[from].source.text;
        for (r, site) in &body.links {
            let (Target::Page(to), Some(frag)) = (&r.target, &r.fragment) else {
                continue;
            };
            let target = &kb.pages[*to];
            let headings = bodies[*to].headings.iter().map(|h| h.id.as_str());
            let stage_case = match &target.data {
                PageData::Stage(s) => Some(s.case.as_str()),
                _ => None,
            };
            // Events sit sorted by case: those of the target's case, then
            // for a stage only the ones placed in it.
            let own = kb.event_ids_of(Some(target.path.as_str()));
            let staged = stage_case
                .map(|c| kb.event_ids_of(Some(c)))
                .unwrap_or_default();
            let events = own
                .into_iter()
                .map(|i| &kb.events[i])
                .chain(
                    staged
                        .into_iter()
                        .map(|i| &kb.events[i])
                        .filter(|e| e.fm.stage.as_deref() == Some(target.slug.as_str())),
                )
                .map(|e| e.anchor.as_str());
            let entries = kb.entry_anchors(*to);
            let ids: Vec<&str> = headings
                .chain(events)
                .chain(entries.iter().map(|(a, _)| *a))
                .collect();
            if !ids.contains(&frag.as_str()) {
                let help =
                    crate::diagnostics::suggest(frag, ids.iter().copied()).unwrap_or_else(|| {
                        format!("headings of `{}`: {}", target.path, ids.join(", "))
                    });
                diags.push(
                    Diagnostic::error(
                        crate::diagnostics::Span::new(&site.file, site.line, site.col),
                        format!("`{}` has no heading `#{frag}`", target.path),
                    )
                    .with_help(help)
                    .with_source(text),
                );
            }
        }
    }
}

/// Renders a case's teaching notes: every text as Markdown mapped to its
/// YAML position, and each question's `draws_on` resolved like a wikilink
/// (its links join `links`, so the pages it names list the case as a
/// backlink).
fn render_teaching(
    md: &Renderer<'_>,
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
            ..src
        };
        let r = md.render(text, src, inline, &[], d);
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
            match md.resolver.wikilink(target) {
                Ok(r) => {
                    questions[i].draws_on.push(Link {
                        title: md.resolver.title(&r),
                        url: md.resolver.url(&r),
                        summary: md.resolver.summary(&r),
                    });
                    let site = crate::links::LinkSite {
                        file: page.source.file.clone(),
                        line: span.line,
                        col: span.col,
                        context: "teaching notes".into(),
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

/// Where a rendered body links to and from where, in order.
pub fn body_links(body: &Rendered) -> Vec<(Target, crate::links::LinkSite)> {
    body.links
        .iter()
        .map(|(r, site)| (r.target.clone(), site.clone()))
        .collect()
}

impl Prepared<'_> {
    /// Gives back the rendered Markdown for the next build to reuse.
    /// Pages each page links to and from (computed once per build).
    pub fn neighbours(&self) -> &crate::links::Neighbours {
        self.neighbours
            .get_or_init(|| crate::links::Neighbours::of(&self.graph, self.kb.pages.len()))
    }

    /// The teaching notes of case `id`, if it has any.
    pub fn teaching(&self, id: PageId) -> Option<&TeachingView> {
        self.teaching.get(&id)
    }

    /// Cases with teaching notes, in path order.
    pub fn taught_cases(&self) -> Vec<PageId> {
        let mut ids: Vec<PageId> = self.teaching.keys().copied().collect();
        ids.sort_by(|a, b| self.kb.pages[*a].path.cmp(&self.kb.pages[*b].path));
        ids
    }

    pub fn into_cache(self) -> PrepCache {
        PrepCache {
            bodies: self.bodies,
            cells: self.cells,
            cites: self.cites,
            shortcodes: self.shortcodes,
            teaching: self.teaching,
            events: self.events,
            term_html: self.term_html,
            page_citer: Some(self.page_citer),
        }
    }

    /// Every tag by slug (computed once per build).
    pub fn tags(&self) -> &BTreeMap<String, Taxon> {
        self.tags.get_or_init(|| values::tags(self.kb))
    }

    /// Every business-model type by slug (computed once per build).
    pub fn models(&self) -> &BTreeMap<String, Taxon> {
        self.models.get_or_init(|| values::models(self.kb))
    }

    pub fn url(&self, id: PageId) -> String {
        page_url(&self.base_path, &self.kb.pages[id].path)
    }

    pub fn link(&self, id: PageId) -> Link {
        let p = &self.kb.pages[id];
        Link {
            title: p.meta.title.clone(),
            url: self.url(id),
            summary: p.meta.summary.clone(),
        }
    }

    pub fn link_path(&self, path: &str) -> Option<Link> {
        self.kb.by_path.get(path).map(|&id| self.link(id))
    }

    /// Cases that apply framework `slug` in their own analyses or in a
    /// stage's, in path order (gathered once for all frameworks).
    pub fn framework_cases(&self, slug: &str) -> &[PageId] {
        let all = self.framework_cases.get_or_init(|| {
            let mut map: HashMap<String, Vec<PageId>> = HashMap::new();
            for (_, f) in self.kb.pages_of(Kind::Framework) {
                let cases = self
                    .kb
                    .pages_of(Kind::Case)
                    .filter(|(_, c)| {
                        applies(c, &f.slug)
                            || self
                                .kb
                                .stages_of(&c.path)
                                .iter()
                                .any(|(_, sp, _)| applies(sp, &f.slug))
                    })
                    .map(|(id, _)| id)
                    .collect();
                map.insert(f.slug.clone(), cases);
            }
            map
        });
        all.get(slug).map_or(&[], Vec::as_slice)
    }

    pub fn cell(&self, id: PageId, fw: &str, dim: &str) -> Vec<CellItem> {
        self.cell_ref(id, fw, dim).to_vec()
    }

    /// The items of a cell, borrowed.
    pub fn cell_ref(&self, id: PageId, fw: &str, dim: &str) -> &[CellItem] {
        self.cells
            .get(&id)
            .and_then(|cells| cells.iter().find(|((f, d), _)| f == fw && d == dim))
            .map_or(&[], |(_, items)| items.as_slice())
    }
}

pub fn layout_name(l: Layout) -> &'static str {
    match l {
        Layout::Columns => "columns",
        Layout::Quadrant => "quadrant",
        Layout::Sequence => "sequence",
    }
}

/// Whether a page has entries for framework `slug`.
pub fn applies(page: &Page, slug: &str) -> bool {
    match &page.data {
        PageData::Case(c) => c.analyses.contains_key(slug),
        PageData::Stage(s) => {
            s.fm.analyses.contains_key(slug) || (slug == CANVAS && s.fm.business_model.is_some())
        }
        _ => false,
    }
}
