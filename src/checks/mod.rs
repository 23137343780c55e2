//! Cross-checks that need the whole knowledge base: analysis keys against
//! frameworks, front-matter references, citation keys, stage order, periods,
//! and reserved URLs. Front-matter references also become graph edges.

use crate::diagnostics::{Diagnostic, Span, suggest};
use crate::links::{Graph, LinkSite, Resolver, Target};
use crate::markdown::cite::unknown_citation;
use crate::model::config::is_slug;
use crate::model::*;
use std::collections::{BTreeMap, HashSet};

pub(crate) use crate::model::CANVAS;

/// Generated list pages.
const LIST_PAGES: &[&str] = &["cases", "frameworks", "entities", "comparisons"];

/// URLs the generator owns; a content page may not map onto them.
pub(crate) const RESERVED: &[&str] = &[
    "timeline",
    "teaching",
    "map",
    "compare",
    "glossary",
    "references",
    "tags",
    "search",
    "model",
    "404",
    "data",
    "static",
    "sitemap.xml",
    "atom.xml",
    "robots.txt",
    "graph.json",
];

struct Ctx<'a> {
    kb: &'a Kb,
    /// Redirect sources seen so far, with the file that declared each.
    redirects: std::collections::HashMap<String, String>,
    resolver: &'a Resolver<'a>,
    diags: Vec<Diagnostic>,
    graph: Graph,
    /// Entry ids seen so far per page, with where each was given.
    entry_ids: std::collections::HashMap<(String, String), Span>,
}

/// A warning when `atom.xml` would list nothing: only dated pages enter it.
fn empty_feed(kb: &Kb) -> Option<Diagnostic> {
    if PageId::all(kb.pages.len()).any(|id| kb.page_date(id).is_some()) {
        return None;
    }
    let why = if kb.config.dates_from_git {
        "no page has `updated` or `date`, and git gave no dates (is this a repository with committed content?)"
    } else {
        "no page has `updated` or `date`"
    };
    Some(
        Diagnostic::warning(
            Span::new("casebook.yaml", 1, 1),
            format!("the feed (atom.xml) would have no entries: {why}"),
        )
        .with_help(
            "add `updated: 2024-05-01` to the front matter of the pages you change, or set \
             `dates_from_git: true` in casebook.yaml to date pages by their last commit",
        ),
    )
}

/// The longest `short_title` a stage may have: it labels a timeline band.
const MAX_SHORT_TITLE: usize = 32;

/// Runs every cross-check; returns the problems and the front-matter edges.
pub(crate) fn validate(kb: &Kb, resolver: &Resolver<'_>) -> (Vec<Diagnostic>, Graph) {
    let mut cx = Ctx {
        kb,
        redirects: Default::default(),
        resolver,
        diags: Vec::new(),
        graph: Graph::default(),
        entry_ids: Default::default(),
    };
    for (id, page) in kb.pages_with_ids() {
        cx.page(id, page);
    }
    cx.stage_orders();
    cx.events();
    cx.diags.extend(empty_feed(kb));
    for (i, t) in kb.terms.iter().enumerate() {
        for (j, key) in t.refs.iter().enumerate() {
            if kb.cites_unknown(&key.key) {
                let span = data_span(
                    kb.locators.glossary.as_deref(),
                    "content/glossary.yaml",
                    &format!("[{i}].refs[{j}]"),
                );
                cx.diags.push(unknown_citation(kb, span, &key.key));
            }
        }
    }
    for (key, r) in &kb.references {
        for (field, url) in [
            ("url", r.url.clone()),
            ("parent.url", r.parent.as_ref().and_then(|p| p.url.clone())),
        ] {
            if let Some(url) = url
                && let Err(msg) = crate::markdown::check_url(&url)
            {
                let span = data_span(
                    kb.locators.references.as_deref(),
                    "content/references.yaml",
                    &format!("{key}.{field}"),
                );
                cx.diags.push(
                    Diagnostic::error(span, msg).with_help("give the work an http(s) URL, or none"),
                );
            }
        }
    }
    for (slug, d) in &kb.datasets {
        let file = format!("content/data/{slug}.yaml");
        for key in &d.refs {
            if kb.cites_unknown(&key.key) {
                cx.diags
                    .push(unknown_citation(kb, Span::new(&file, 1, 1), &key.key));
            }
        }
        let problem = if d.rows.is_empty() == d.series.is_empty() {
            Some("a dataset has either `columns` + `rows` (a table) or `series`".to_string())
        } else {
            d.rows
                .iter()
                .position(|r| r.len() != d.columns.len())
                .map(|i| {
                    format!(
                        "row {} has {} cells but there are {} columns",
                        i + 1,
                        d.rows[i].len(),
                        d.columns.len()
                    )
                })
        };
        if let Some(msg) = problem {
            cx.diags
                .push(Diagnostic::error(Span::new(&file, 1, 1), msg));
        }
    }
    (cx.diags, cx.graph)
}

/// The position of `path` in a shared data file, or its first line.
fn data_span(locator: Option<&crate::yaml::Locator>, file: &str, path: &str) -> Span {
    locator.map_or_else(|| Span::new(file, 1, 1), |l| l.span(path))
}

impl Ctx<'_> {
    fn err(&mut self, page: &Page, path: &str, msg: String, help: Option<String>) {
        self.err_at(page, page.positions.span(path), msg, help);
    }

    /// An error about a key itself (an unknown framework or dimension).
    fn err_key(&mut self, page: &Page, path: &str, msg: String, help: Option<String>) {
        self.err_at(page, page.positions.key_span(path), msg, help);
    }

    fn err_at(&mut self, page: &Page, span: Span, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error(span, msg).with_source(&page.source.text);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn page(&mut self, id: PageId, page: &Page) {
        self.redirects(page);
        for (i, key) in page.meta.refs.iter().enumerate() {
            if self.kb.cites_unknown(&key.key) {
                let d = unknown_citation(
                    self.kb,
                    page.positions.span(&format!("refs[{i}]")),
                    &key.key,
                )
                .with_source(&page.source.text);
                self.diags.push(d);
            }
        }
        let first = page.path.split('/').next().unwrap_or("");
        let list_page = LIST_PAGES.contains(&page.path.as_str());
        let language = self.kb.config.languages.contains_key(first);
        if (page.kind == Kind::Page && list_page)
            || (matches!(page.kind, Kind::Page | Kind::Section)
                && (RESERVED.contains(&first) || language))
        {
            self.err(
                page,
                "",
                format!(
                    "`content/{}` maps onto the generated page `/{first}/`",
                    page.path
                ),
                Some("rename or move the file; that URL belongs to casebook".into()),
            );
        }
        match &page.data {
            PageData::Case(c) => self.case(id, page, c),
            PageData::Stage(s) => self.stage(id, page, s),
            PageData::Framework(f) => self.framework(page, f),
            PageData::Entity(e) => self.entity(page, e),
            PageData::Comparison(c) => self.comparison(id, page, c),
            PageData::Page(_) | PageData::None => {}
        }
    }

    /// `redirect_from`: old paths of this site that no page or other
    /// redirect uses.
    fn redirects(&mut self, page: &Page) {
        for (i, from) in page.meta.redirect_from.iter().enumerate() {
            let path = from.trim_matches('/');
            let first = path.split('/').next().unwrap_or("");
            let problem = if from.starts_with("//") || from.contains("://") || path.is_empty() {
                Some("is not a path on this site".to_string())
            } else if !path.split('/').all(|seg| {
                !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }) {
                Some("may only hold letters, digits, `-` and `_` between slashes".to_string())
            } else if self.kb.by_path.contains_key(path)
                || RESERVED.contains(&first)
                || self.kb.config.languages.contains_key(first)
                || LIST_PAGES.contains(&path)
            {
                Some("is the URL of a page that exists".to_string())
            } else {
                self.redirects
                    .insert(path.to_string(), page.source.file.clone())
                    .map(|other| format!("is already redirected by {other}"))
            };
            if let Some(why) = problem {
                self.err(
                page,
                &format!("redirect_from[{i}]"),
                format!("redirect source `{from}` {why}"),
                Some("give an old site path such as `/old/page/` that no page or other redirect uses".into()),
            );
            }
        }
    }

    /// A case's entities, period, analyses and where its events are given.
    fn case(&mut self, id: PageId, page: &Page, c: &CaseFm) {
        for (field, slug) in [
            ("company", &c.company),
            ("parent", &c.parent),
            ("market", &c.market),
        ] {
            if let Some(slug) = slug {
                self.entity_ref(id, page, field, slug);
            }
        }
        self.period(page, c.period.as_ref());
        self.analyses(id, page, &c.analyses, "analyses");
        if c.events.is_some()
            && self
                .kb
                .event_ids_of(Some(&page.path))
                .into_iter()
                .any(|i| !self.kb.events[i].yaml_path.starts_with("events"))
        {
            self.err(
                page,
                "events",
                "events are given both here and in events.yaml".into(),
                Some("keep one: the `events:` key or the events.yaml file beside this case".into()),
            );
        }
    }

    /// A stage's case, period, analyses, business model and metrics.
    fn stage(&mut self, id: PageId, page: &Page, s: &StageData) {
        if self.kb.page(&s.case).is_none_or(|p| p.kind != Kind::Case) {
            self.err(
                page,
                "",
                format!(
                    "stage without a case: `content/{}/index.md` is missing",
                    s.case
                ),
                None,
            );
        }
        self.period(page, s.fm.period.as_ref());
        self.analyses(id, page, &s.fm.analyses, "analyses");
        if let Some(bm) = &s.fm.business_model {
            if s.fm.analyses.contains_key(CANVAS) {
                self.err(
                    page,
                    "business_model",
                    format!("`business_model` and `analyses.{CANVAS}` both given"),
                    Some("`business_model` is shorthand for that analysis; keep one".into()),
                );
            }
            let wrapped: Analyses = BTreeMap::from([(CANVAS.to_string(), bm.clone())]);
            self.analyses_at(id, page, &wrapped, |fw| {
                if fw == CANVAS {
                    "business_model".into()
                } else {
                    fw.into()
                }
            });
        }
        for (i, m) in s.fm.metrics.iter().enumerate() {
            self.refs(id, page, &m.refs, &format!("metrics[{i}].refs"));
        }
    }

    /// A framework's layout and dimension keys.
    fn framework(&mut self, page: &Page, f: &FrameworkFm) {
        if f.layout == Layout::Quadrant && f.dimensions.len() != 4 {
            self.err(
                page,
                "dimensions",
                format!(
                    "a quadrant layout needs exactly 4 dimensions, found {}",
                    f.dimensions.len()
                ),
                Some("use `layout: columns`, or give four dimensions".into()),
            );
        }
        let mut seen = HashSet::new();
        for (i, d) in f.dimensions.iter().enumerate() {
            if !is_key(&d.key) {
                self.err(
                    page,
                    &format!("dimensions[{i}].key"),
                    format!("invalid dimension key `{}`", d.key),
                    Some("keys use lowercase letters, digits, `-` and `_`".into()),
                );
            } else if !seen.insert(&d.key) {
                self.err(
                    page,
                    &format!("dimensions[{i}].key"),
                    format!("duplicate dimension key `{}`", d.key),
                    None,
                );
            }
        }
    }

    /// An entity's fact keys and website.
    fn entity(&mut self, page: &Page, e: &EntityFm) {
        for k in e.facts.keys() {
            if !is_key(k) {
                self.err(
                    page,
                    &format!("facts.{k}"),
                    format!("invalid fact key `{k}`"),
                    Some("keys use lowercase letters, digits, `-` and `_`".into()),
                );
            }
        }
        if let Some(w) = &e.website
            && !(w.starts_with("https://") || w.starts_with("http://"))
        {
            self.err(
                page,
                "website",
                format!("`website` must be an http(s) URL, found `{w}`"),
                None,
            );
        }
    }

    /// A declared comparison's subjects and values.
    fn comparison(&mut self, id: PageId, page: &Page, c: &ComparisonFm) {
        for (i, s) in c.subjects.iter().enumerate() {
            let found = self
                .kb
                .by_path
                .get(format!("entities/{s}").as_str())
                .or_else(|| self.kb.by_path.get(format!("cases/{s}").as_str()));
            match found {
                Some(&to) => self.edge(
                    id,
                    page,
                    Target::Page(to),
                    &format!("subjects[{i}]"),
                    "subjects",
                ),
                None => self.err(
                    page,
                    &format!("subjects[{i}]"),
                    format!("unknown subject `{s}`: not an entity or case slug"),
                    None,
                ),
            }
        }
        self.comparison_values(page, c);
    }

    /// `values:` may only fill declared subjects and attributes.
    fn comparison_values(&mut self, page: &Page, c: &ComparisonFm) {
        let keys: Vec<&str> = c.attributes.iter().map(|a| a.key.as_str()).collect();
        for (i, a) in c.attributes.iter().enumerate() {
            if keys[..i].contains(&a.key.as_str()) {
                self.err(
                    page,
                    &format!("attributes[{i}].key"),
                    format!("attribute `{}` is declared twice", a.key),
                    None,
                );
            }
        }
        for (subject, values) in &c.values {
            if !c.subjects.contains(subject) {
                let hint =
                    crate::diagnostics::suggest(subject, c.subjects.iter().map(String::as_str));
                self.err_key(
                    page,
                    &format!("values.{subject}"),
                    format!("`values` names `{subject}`, which is not one of the `subjects`"),
                    hint.or_else(|| Some("add it to `subjects` or remove its values".into())),
                );
            }
            for key in values.keys() {
                if !keys.contains(&key.as_str()) {
                    let hint = crate::diagnostics::suggest(key, keys.iter().copied());
                    self.err_key(
                        page,
                        &format!("values.{subject}.{key}"),
                        format!("`{key}` is not one of the comparison's `attributes`"),
                        hint.or_else(|| {
                            Some("declare it under `attributes` as `{ key, label }`".into())
                        }),
                    );
                }
            }
        }
    }

    /// A link declared by front-matter `field`, which backlinks name
    /// (`context.<field>`).
    fn edge(&mut self, from: PageId, page: &Page, to: Target, path: &str, field: &str) {
        let span = page.positions.span(path);
        let site = LinkSite {
            file: span.file,
            line: span.line,
            col: span.col,
            context: self.kb.locale.t(&format!("context.{field}")).into(),
        };
        self.graph.add(from, to, site);
    }

    fn entity_ref(&mut self, id: PageId, page: &Page, field: &str, slug: &str) {
        match self.resolver.entity(slug) {
            Ok(to) => self.edge(id, page, Target::Page(to), field, field),
            Err(e) => self.err(page, field, e.message, e.help),
        }
    }

    fn refs(&mut self, _id: PageId, page: &Page, refs: &[CiteRef], path: &str) {
        for (i, key) in refs.iter().enumerate() {
            if self.kb.cites_unknown(&key.key) {
                let d = unknown_citation(
                    self.kb,
                    page.positions.span(&format!("{path}[{i}]")),
                    &key.key,
                )
                .with_source(&page.source.text);
                self.diags.push(d);
            }
        }
    }

    fn period(&mut self, page: &Page, period: Option<&Period>) {
        if let Some(p) = period
            && let PeriodEnd::Date(to) = p.to
            && to < p.from
        {
            self.err(
                page,
                "period.to",
                format!("period ends ({to}) before it starts ({})", p.from),
                None,
            );
        }
    }

    fn analyses(&mut self, id: PageId, page: &Page, analyses: &Analyses, base: &str) {
        self.analyses_at(id, page, analyses, |fw| format!("{base}.{fw}"));
    }

    fn analyses_at(
        &mut self,
        id: PageId,
        page: &Page,
        analyses: &Analyses,
        path_of: impl Fn(&str) -> String,
    ) {
        for (fw, dims) in analyses {
            let fw_path = path_of(fw);
            // A framework whose own file failed to load is reported there.
            if self
                .kb
                .page(&format!("frameworks/{fw}"))
                .is_some_and(|p| p.broken)
            {
                continue;
            }
            let Some(framework) = self.kb.framework(fw) else {
                let names = self
                    .kb
                    .pages_of(Kind::Framework)
                    .map(|(_, p)| p.slug.as_str());
                let help = suggest(fw, names).unwrap_or_else(|| {
                    format!("create content/frameworks/{fw}.md, or use an existing framework slug")
                });
                self.err_key(
                    page,
                    &fw_path,
                    format!("unknown framework `{fw}`"),
                    Some(help),
                );
                continue;
            };
            if let Some(&fid) = self.kb.by_path.get(format!("frameworks/{fw}").as_str()) {
                self.edge(id, page, Target::Page(fid), &fw_path, "analyses");
            }
            for (dim, entry) in dims {
                let dim_path = format!("{fw_path}.{dim}");
                if !framework.dimensions.iter().any(|d| &d.key == dim) {
                    let keys = framework.dimensions.iter().map(|d| d.key.as_str());
                    let help = suggest(dim, keys.clone()).unwrap_or_else(|| {
                        format!(
                            "dimensions of `{fw}`: {}",
                            keys.collect::<Vec<_>>().join(", ")
                        )
                    });
                    self.err_key(
                        page,
                        &dim_path,
                        format!("`{dim}` is not a dimension of framework `{fw}`"),
                        Some(help),
                    );
                    continue;
                }
                for it in entry.items() {
                    let item_path = format!("{dim_path}{}", it.item);
                    self.refs(id, page, it.refs, &format!("{item_path}.refs"));
                    if let Some(entry_id) = it.id {
                        self.entry_id(page, entry_id, &format!("{item_path}.id"));
                    }
                }
            }
        }
    }

    /// An entry id is a slug, unique within its page and unlike the ids of
    /// the case page (event anchors, the theme's ids). The same id in two
    /// stages marks one element continuing from stage to stage; the case
    /// page, which shows every stage, anchors its first appearance.
    fn entry_id(&mut self, page: &Page, entry_id: &str, path: &str) {
        let span = page.positions.span(path);
        let case = match &page.data {
            PageData::Stage(s) => s.case.clone(),
            _ => page.path.clone(),
        };
        let event = self
            .kb
            .event_ids_of(Some(&case))
            .into_iter()
            .any(|e| self.kb.events[e].anchor == entry_id);
        let problem = if !is_slug(entry_id) {
            Some(format!("invalid entry id `{entry_id}`"))
        } else if crate::markdown::TEMPLATE_IDS.contains(&entry_id)
            || crate::markdown::GENERATED_ID_PREFIXES
                .iter()
                .any(|p| entry_id.starts_with(p))
            || event
        {
            Some(format!(
                "entry id `{entry_id}` is already an id of the case page"
            ))
        } else if let Some(first) = self
            .entry_ids
            .insert((page.path.clone(), entry_id.to_string()), span.clone())
        {
            Some(format!(
                "entry id `{entry_id}` is already used at {}:{}:{}",
                first.file, first.line, first.col
            ))
        } else {
            None
        };
        if let Some(msg) = problem {
            self.err_at(
                page,
                span,
                msg,
                Some("give each entry of a page its own id: lowercase letters, digits and `-`, e.g. `w-logistics`".into()),
            );
        }
    }

    fn stage_orders(&mut self) {
        let mut seen: BTreeMap<(&str, u32), &str> = BTreeMap::new();
        for page in &self.kb.pages {
            if matches!(page.data, PageData::Stage(_)) && page.slug == "evolution" {
                self.err(
                    page,
                    "",
                    "`evolution` is reserved inside a case folder: it is the case's evolution page"
                        .into(),
                    Some("rename the stage file".into()),
                );
            }
            if let PageData::Stage(s) = &page.data
                && let Some(short) = &s.fm.short_title
            {
                let problem = if short.trim().is_empty() {
                    Some("`short_title` is empty")
                } else if short.chars().count() >= page.meta.title.chars().count() {
                    Some("`short_title` is not shorter than the title")
                } else if short.chars().count() > MAX_SHORT_TITLE {
                    Some("`short_title` is longer than 32 characters")
                } else {
                    None
                };
                if let Some(msg) = problem {
                    self.err(
                        page,
                        "short_title",
                        msg.into(),
                        Some("a short label for timeline bands, such as `Entry`; leave it out to show the title".into()),
                    );
                }
            }
            if let PageData::Stage(s) = &page.data
                && let Some(other) = seen.insert((&s.case, s.fm.order), &page.source.file)
            {
                let msg = format!("stage order {} is already used by {other}", s.fm.order);
                self.err(
                    page,
                    "order",
                    msg,
                    Some("each stage of a case needs its own `order`".into()),
                );
            }
        }
    }

    fn events(&mut self) {
        let mut anchors: HashSet<(Option<&str>, &str)> = HashSet::new();
        for ev in &self.kb.events {
            let at = |sub: &str| ev.locator.span(&format!("{}.{sub}", ev.yaml_path));
            let from = ev
                .case
                .as_deref()
                .and_then(|c| self.kb.by_path.get(c).copied());
            if let Some(id) = &ev.fm.id
                && !is_slug(id)
            {
                self.diags.push(
                    Diagnostic::error(at("id"), format!("invalid event id `{id}`"))
                        .with_help("ids use lowercase letters, digits and `-`"),
                );
            }
            if !anchors.insert((ev.case.as_deref(), &ev.anchor)) {
                self.diags.push(
                    Diagnostic::error(at("id"), format!("duplicate event id `{}`", ev.anchor))
                        .with_help("give the event a distinct `id`"),
                );
            }
            if let Some(stage) = &ev.fm.stage {
                let case = ev.case.as_deref().unwrap_or("");
                let path = format!("{case}/{stage}");
                match self.kb.page(&path) {
                    Some(p) if p.kind == Kind::Stage => {
                        if let Some(from) = from {
                            self.graph.add(
                                from,
                                Target::Page(self.kb.by_path[&path]),
                                site(ev, self.kb.locale.t("context.stage")),
                            );
                        }
                    }
                    _ => {
                        let stages = self.kb.stages_of(case);
                        let help = suggest(stage, stages.iter().map(|(_, p, _)| p.slug.as_str()))
                            .unwrap_or_else(|| "`stage` names a stage of the same case".into());
                        self.diags.push(
                            Diagnostic::error(at("stage"), format!("unknown stage `{stage}`"))
                                .with_help(help),
                        );
                    }
                }
            }
            for slug in &ev.fm.entities {
                match self.resolver.entity(slug) {
                    Ok(to) => {
                        if let Some(from) = from {
                            self.graph.add(
                                from,
                                Target::Page(to),
                                site(
                                    ev,
                                    &self
                                        .kb
                                        .locale
                                        .fill("context.event", &[("title", &ev.fm.title)]),
                                ),
                            );
                        }
                    }
                    Err(e) => {
                        let mut d = Diagnostic::error(at("entities"), e.message);
                        if let Some(h) = e.help {
                            d = d.with_help(h);
                        }
                        self.diags.push(d);
                    }
                }
            }
            for key in &ev.fm.refs {
                if self.kb.cites_unknown(&key.key) {
                    self.diags
                        .push(unknown_citation(self.kb, at("refs"), &key.key));
                }
            }
        }
    }
}

fn site(ev: &Event, context: &str) -> LinkSite {
    LinkSite {
        file: ev.file.clone(),
        line: ev.line,
        col: ev.col,
        context: context.to_string(),
    }
}

/// Data keys: lowercase letters, digits, `-` and `_`.
pub(crate) fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
