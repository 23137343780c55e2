//! The site: every Markdown text of the model rendered once (bodies,
//! analysis entries, teaching notes, events, glossary), the link graph
//! completed with the links of bodies, and backlinks. Read-only once built;
//! views read it, and `serve` keeps its rendered Markdown between builds.

use crate::diagnostics::Diagnostic;

use crate::links::{Graph, Resolver, Target, page_url};
use crate::markdown::{Origin, Rendered, Renderer, Source};
use crate::model::*;
mod bodies;
use bodies::{PageRender, PageRenderer};
pub(crate) mod values;

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use values::{CellItem, Link, Taxon, TeachingView};

/// Backlinks listed per kind on a page; the rest are counted (graph.json
/// has them all), so a page linked from everywhere stays small.
pub(crate) const BACKLINKS_SHOWN: usize = 50;

/// Rendered Markdown of everything, and the complete link graph.
pub(crate) struct Prepared<'kb> {
    pub kb: &'kb Kb,
    pub bodies: Vec<Rendered>,
    /// Page → its (framework, dimension) cells.
    pub cells: HashMap<PageId, PageCells>,
    /// Citation keys used per page (body, front matter, cells).
    pub cites: Vec<BTreeSet<String>>,
    /// Rendered event bodies with the refs they do not cite inline.
    pub event_html: Vec<EventBody>,
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

/// What `prepare` computed, kept between the builds of `serve` so an edit
/// renders again only the Markdown it can change.
#[derive(Default)]
pub(crate) struct PrepCache {
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
    /// The signature of one page's rendered body.
    pub(crate) fn signature_of(&self, kb: &Kb, id: PageId) -> Option<Signature> {
        self.bodies.get(id.index()).map(|b| signature(kb, b))
    }

    /// The links of a page's rendered body (as graph.json shows them).
    pub(crate) fn links_of(&self, id: PageId) -> Vec<(Target, crate::links::LinkSite)> {
        self.bodies
            .get(id.index())
            .map_or_else(Vec::new, body_links)
    }
}

/// Which parts of a [`PrepCache`] may be reused.
pub(crate) struct Reuse<'a> {
    pub cache: PrepCache,
    /// Pages whose Markdown must be rendered again.
    pub dirty: &'a std::collections::HashSet<PageId>,
    /// Event bodies and glossary definitions must be rendered again.
    pub data_dirty: bool,
}

/// An event's rendered body and the refs it does not cite inline (listed
/// after it).
pub(crate) struct EventBody {
    pub html: String,
    pub uncited: Vec<CiteRef>,
}

/// Every page's Markdown, rendered; kept together so `serve` can reuse it.
#[derive(Default)]
struct PageBodies {
    bodies: Vec<Rendered>,
    cells: HashMap<PageId, PageCells>,
    cites: Vec<BTreeSet<String>>,
    shortcodes: Vec<Vec<crate::markdown::shortcodes::Call>>,
    teaching: HashMap<PageId, TeachingView>,
}

impl PageBodies {
    /// Puts one page's rendering in place (`id` within the vectors, or the
    /// next page when they are being built).
    fn put(&mut self, id: PageId, r: PageRender, diags: &mut Vec<Diagnostic>) {
        diags.extend(r.diags);
        self.teaching.extend(r.teaching.map(|n| (id, n)));
        if !r.cells.is_empty() {
            self.cells.insert(id, r.cells);
        }
        if id.index() < self.bodies.len() {
            self.bodies[id] = r.body;
            self.cites[id] = r.cites;
            self.shortcodes[id] = r.calls;
        } else {
            self.bodies.push(r.body);
            self.cites.push(r.cites);
            self.shortcodes.push(r.calls);
        }
    }
}

/// Renders all Markdown (in parallel), collecting links into `graph`.
pub(crate) fn prepare<'kb>(
    kb: &'kb Kb,
    resolver: &'kb Resolver<'kb>,
    mut graph: Graph,
    theme_shortcodes: &[String],
    diags: &mut Vec<Diagnostic>,
    reuse: Option<Reuse<'_>>,
) -> Prepared<'kb> {
    let pages = PageRenderer {
        kb,
        md: Renderer {
            resolver,
            allow_html: kb.config.markdown.allow_html,
        },
        theme_shortcodes,
    };
    let (mut cached, dirty, data_dirty) = match reuse {
        Some(r) if r.cache.bodies.len() == kb.pages.len() => (r.cache, Some(r.dirty), r.data_dirty),
        _ => (PrepCache::default(), None, true),
    };
    let mut rendered = match dirty {
        // Only the dirty pages render again; the rest stay where they are.
        Some(dirty) => {
            let fresh: Vec<(PageId, PageRender)> = dirty
                .par_iter()
                .filter(|&&id| id.index() < kb.pages.len())
                .map(|&id| (id, pages.page(&kb.pages[id])))
                .collect();
            let mut kept = PageBodies {
                bodies: std::mem::take(&mut cached.bodies),
                cells: std::mem::take(&mut cached.cells),
                cites: std::mem::take(&mut cached.cites),
                shortcodes: std::mem::take(&mut cached.shortcodes),
                teaching: std::mem::take(&mut cached.teaching),
            };
            kept.cells.retain(|id, _| !dirty.contains(id));
            kept.teaching.retain(|id, _| !dirty.contains(id));
            for (id, r) in fresh {
                kept.put(id, r, diags);
            }
            kept
        }
        None => {
            let per_page: Vec<PageRender> = kb.pages.par_iter().map(|p| pages.page(p)).collect();
            let mut all = PageBodies::default();
            for (i, r) in per_page.into_iter().enumerate() {
                all.put(PageId::new(i), r, diags);
            }
            all
        }
    };
    for (i, body) in rendered.bodies.iter().enumerate() {
        for (to, site) in &body.links {
            graph.add(PageId::new(i), to.target.clone(), site.clone());
        }
    }
    let reuse_data = !data_dirty && cached.events.len() == kb.events.len();
    let events = if reuse_data {
        std::mem::take(&mut cached.events)
    } else {
        render_events(&pages.md, kb, diags)
    };
    let (event_html, event_cites) = event_outputs(kb, &events, &mut graph, &mut rendered.cites);
    let term_html = if reuse_data && cached.term_html.len() == kb.terms.len() {
        std::mem::take(&mut cached.term_html)
    } else {
        render_terms(&pages.md, kb, diags)
    };
    check_fragments(kb, &rendered.bodies, diags);
    check_translations(kb, &rendered.bodies, diags);
    unused_references(kb, &rendered.cites, &event_cites, diags);
    let backlinks = graph.backlinks();
    Prepared {
        kb,
        bodies: rendered.bodies,
        cells: rendered.cells,
        cites: rendered.cites,
        event_html,
        event_cites,
        term_html,
        events,
        backlinks,
        graph,
        shortcodes: rendered.shortcodes,
        teaching: rendered.teaching,
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

/// The headings, citations and link targets of a rendered page.
pub(crate) fn signature(kb: &Kb, body: &Rendered) -> Signature {
    let mut cites = body.cite_list.clone();
    cites.sort();
    let mut links: Vec<String> = body
        .links
        .iter()
        .map(|(r, _)| {
            let target = match &r.target {
                Target::Page(id) => format!("[[{}]]", kb.pages[*id].path),
                Target::Term(i) => format!("[[{}]]", kb.terms[*i].term),
            };
            match &r.fragment {
                Some(f) => format!("{target}#{f}"),
                None => target,
            }
        })
        .collect();
    links.sort();
    Signature {
        headings: body.headings.iter().map(|h| h.id.clone()).collect(),
        cites,
        links,
    }
}

/// A translation keeps its original's headings, citations and links, so a
/// reader in any language can check the same sources.
fn check_translations(kb: &Kb, bodies: &[Rendered], diags: &mut Vec<Diagnostic>) {
    for (id, page) in kb.pages_with_ids() {
        let PageLang::Translated(o) = &page.lang else {
            continue;
        };
        let Some(original) = &o.body else { continue };
        let own = signature(kb, &bodies[id]);
        let problems: Vec<String> = [
            ("headings", &original.headings, &own.headings),
            ("citations", &original.cites, &own.cites),
            ("links", &original.links, &own.links),
        ]
        .into_iter()
        .filter(|(_, a, b)| a.len() != b.len())
        .map(|(what, a, b)| format!("{} {what} where the original has {}", b.len(), a.len()))
        .chain(differences("citation", &original.cites, &own.cites))
        .chain(differences("link to", &original.links, &own.links))
        .collect();
        if problems.is_empty() {
            continue;
        }
        let (line, _) = page.source.line_col(page.source.body_start);
        diags.push(
            Diagnostic::error(
                crate::diagnostics::Span::new(&page.source.file, line, 1),
                format!(
                    "this translation does not keep the headings, citations and links of `{}`: {}",
                    o.file,
                    problems.join("; ")
                ),
            )
            .with_help(
                "a translation keeps every heading (same order), citation (same key and locator) and link target of its original, so readers in every language can check the same sources",
            )
            .with_source(&page.source.text),
        );
    }
}

/// What one sorted list has that the other lacks, for messages.
fn differences(what: &str, original: &[String], own: &[String]) -> Vec<String> {
    let count = |list: &[String]| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for x in list {
            *m.entry(x.clone()).or_default() += 1;
        }
        m
    };
    let (a, b) = (count(original), count(own));
    let mut out = Vec::new();
    for (x, n) in &a {
        let m = b.get(x).copied().unwrap_or(0);
        if m < *n {
            out.push(format!("missing {what} `{x}`"));
        }
    }
    for (x, m) in &b {
        if a.get(x).copied().unwrap_or(0) < *m {
            out.push(format!("extra {what} `{x}`"));
        }
    }
    out.truncate(6);
    out
}

/// The body of every event, rendered at its place in the events file.
fn render_events(md: &Renderer<'_>, kb: &Kb, diags: &mut Vec<Diagnostic>) -> Vec<Rendered> {
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
                headings: &[],
            };
            md.render(text, src, true, &[], diags)
        })
        .collect()
}

/// Rendered event bodies with the refs they do not cite inline, and each
/// event's citation keys. An event's links and citations count for its case.
fn event_outputs(
    kb: &Kb,
    events: &[Rendered],
    graph: &mut Graph,
    cites: &mut [BTreeSet<String>],
) -> (Vec<EventBody>, Vec<BTreeSet<String>>) {
    let mut event_html = Vec::with_capacity(events.len());
    let mut event_cites = Vec::with_capacity(events.len());
    for (ev, r) in kb.events.iter().zip(events) {
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
        event_html.push(EventBody {
            html: r.html.clone(),
            uncited,
        });
    }
    (event_html, event_cites)
}

/// Every glossary definition, rendered at its place in glossary.yaml.
fn render_terms(md: &Renderer<'_>, kb: &Kb, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    kb.terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            // A translated definition is where its translation wrote it.
            let (file, line, col) = match t.translated.as_ref().and_then(|x| x.at.as_ref()) {
                Some(at) => (at.file.as_str(), at.line, at.col),
                None => {
                    kb.locators
                        .glossary
                        .as_ref()
                        .map_or(("content/glossary.yaml", 1, 1), |l| {
                            let span = l.span(&format!("[{i}].definition"));
                            ("content/glossary.yaml", span.line, span.col)
                        })
                }
            };
            let src = Source {
                content_path: "glossary.yaml",
                file,
                file_text: "",
                origin: Origin::Yaml(line, col),
                headings: &[],
            };
            md.render(&t.definition, src, true, &[], diags).html
        })
        .collect()
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

/// Where a rendered body links to and from where, in order.
pub(crate) fn body_links(body: &Rendered) -> Vec<(Target, crate::links::LinkSite)> {
    body.links
        .iter()
        .map(|(r, site)| (r.target.clone(), site.clone()))
        .collect()
}

impl Prepared<'_> {
    /// Pages each page links to and from (computed once per build).
    pub(crate) fn neighbours(&self) -> &crate::links::Neighbours {
        self.neighbours
            .get_or_init(|| crate::links::Neighbours::of(&self.graph, self.kb.pages.len()))
    }

    /// The teaching notes of case `id`, if it has any.
    pub(crate) fn teaching(&self, id: PageId) -> Option<&TeachingView> {
        self.teaching.get(&id)
    }

    /// Cases with teaching notes, in path order.
    pub(crate) fn taught_cases(&self) -> Vec<PageId> {
        let mut ids: Vec<PageId> = self.teaching.keys().copied().collect();
        ids.sort_by(|a, b| self.kb.pages[*a].path.cmp(&self.kb.pages[*b].path));
        ids
    }

    pub(crate) fn into_cache(self) -> PrepCache {
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
    pub(crate) fn tags(&self) -> &BTreeMap<String, Taxon> {
        self.tags.get_or_init(|| values::tags(self.kb))
    }

    /// Every business-model type by slug (computed once per build).
    pub(crate) fn models(&self) -> &BTreeMap<String, Taxon> {
        self.models.get_or_init(|| values::models(self.kb))
    }

    pub(crate) fn url(&self, id: PageId) -> String {
        page_url(&self.base_path, &self.kb.pages[id].path)
    }

    pub(crate) fn link(&self, id: PageId) -> Link {
        let p = &self.kb.pages[id];
        Link {
            title: p.meta.title.clone(),
            url: self.url(id),
            summary: p.meta.summary.clone(),
        }
    }

    pub(crate) fn link_path(&self, path: &str) -> Option<Link> {
        self.kb.by_path.get(path).map(|&id| self.link(id))
    }

    /// Cases that apply framework `slug` in their own analyses or in a
    /// stage's, in path order (gathered once for all frameworks).
    pub(crate) fn framework_cases(&self, slug: &str) -> &[PageId] {
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

    pub(crate) fn cell(&self, id: PageId, fw: &str, dim: &str) -> Vec<CellItem> {
        self.cell_ref(id, fw, dim).to_vec()
    }

    /// The items of a cell, borrowed.
    pub(crate) fn cell_ref(&self, id: PageId, fw: &str, dim: &str) -> &[CellItem] {
        self.cells
            .get(&id)
            .and_then(|cells| cells.iter().find(|((f, d), _)| f == fw && d == dim))
            .map_or(&[], |(_, items)| items.as_slice())
    }
}

pub(crate) fn layout_name(l: Layout) -> &'static str {
    match l {
        Layout::Columns => "columns",
        Layout::Quadrant => "quadrant",
        Layout::Sequence => "sequence",
    }
}

/// Whether a page has entries for framework `slug`.
pub(crate) fn applies(page: &Page, slug: &str) -> bool {
    match &page.data {
        PageData::Case(c) => c.analyses.contains_key(slug),
        PageData::Stage(s) => {
            s.fm.analyses.contains_key(slug) || (slug == CANVAS && s.fm.business_model.is_some())
        }
        _ => false,
    }
}
