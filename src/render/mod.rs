//! Every output of a build: one function per page kind, each filling a
//! template with typed views. Outputs are produced in parallel.

pub(crate) mod feeds;
mod shortcodes;
pub(crate) mod theme;

use crate::diagnostics::Diagnostic;
use crate::links::page_url;
use crate::model::*;
use crate::output::Output;
use crate::site::Prepared;
use crate::views::aggregate;
use crate::views::kinds::{
    case_view, entity_view, framework_view, home_view, period_of, section_view, stage_view,
    teaching_view,
};
use crate::views::*;
use feeds::SitemapEntry;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tera::Context;
use theme::Theme;

/// A page to render, before its template is filled.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Job {
    Page(PageId),
    /// Page `n` (from 2) of a framework's application matrix.
    FrameworkPage(PageId, usize),
    /// Page `n` (1-based) of a list page.
    List(Kind, usize),
    References,
    Glossary,
    NotFound,
    /// The home page when content/_index.md does not exist.
    DefaultHome,
    /// An old URL (`redirect_from`) that forwards to a page.
    Redirect(PageId, String),
    Timeline(usize),
    Compare(usize),
    /// Page `n` of `/teaching/`, the teaching notes of every case.
    Teaching(usize),
    /// `/cases/<case>/evolution/`: how the case's business model changed.
    Evolution(PageId),
    /// `/map/`: the knowledge base as a graph.
    Map,
    TagIndex,
    /// A tag's slug and page number.
    Tag(String, usize),
    ModelIndex,
    Model(String, usize),
    Search,
}

impl Job {
    /// Content pages go to the search index; lists and redirects do not.
    pub(crate) fn searchable(&self) -> bool {
        matches!(self, Job::Page(_) | Job::References | Job::Glossary)
    }

    /// [`Job::searchable`], leaving out a page shown in a language it is
    /// not translated into: its text is in another language's index.
    pub(crate) fn searchable_in(&self, prep: &Prepared<'_>) -> bool {
        match self {
            Job::Page(id) => !matches!(prep.kb.pages[*id].lang, PageLang::Fallback),
            _ => self.searchable(),
        }
    }
}

/// Which pages `render_pages` renders, and how.
pub(crate) struct Plan<'a> {
    /// The site has a search page and a search box in its header.
    pub search_page: bool,
    /// Build the Pagefind index of the rendered pages alongside.
    pub index: bool,
    /// Render only these jobs (all of the site's when `None`).
    pub jobs: Option<&'a [Job]>,
}

/// What `render_pages` rendered.
pub(crate) struct PagesDone {
    /// The jobs rendered, in order.
    pub jobs: Vec<Job>,
    pub entries: Vec<SitemapEntry>,
    /// Output files of the pages that belong in the search index.
    pub searchable: Vec<String>,
}

/// Renders the pages of `plan`.
pub(crate) fn render_pages(
    prep: &Prepared<'_>,
    theme: &Theme,
    plan: &Plan<'_>,
    emit: &(dyn Fn(Output) -> Result<(), Diagnostic> + Sync),
) -> Result<PagesDone, Vec<Diagnostic>> {
    let jobs = match plan.jobs {
        Some(list) => list.to_vec(),
        None => jobs(prep, plan.search_page),
    };
    let site = site_view(prep, plan.search_page);
    let mut indexer = plan.index.then(|| {
        let pages = jobs.iter().filter(|job| job.searchable_in(prep)).count();
        crate::search::Indexer::start(&prep.kb.config.language, pages, None)
    });
    // Jobs render in parallel a chunk at a time, and pages reach the
    // indexer in job order: the search index is then the same on every
    // build, and at most one chunk of pages waits in memory.
    let indexing = indexer.is_some();
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let mut searchable = Vec::new();
    for chunk in jobs.chunks(SEARCH_CHUNK) {
        let results: Vec<Result<Rendered, Diagnostic>> = chunk
            .par_iter()
            .map(|job| {
                let (output, entry) = render_job(prep, theme, &site, job)?;
                let file = job.searchable_in(prep).then(|| output.path.clone());
                let page = (indexing && job.searchable_in(prep)).then(|| {
                    (
                        format!("/{}", output.path.trim_end_matches("index.html")),
                        String::from_utf8_lossy(&output.bytes).into_owned(),
                    )
                });
                emit(output)?;
                Ok((entry, page, file))
            })
            .collect();
        for r in results {
            match r {
                Ok((entry, page, file)) => {
                    entries.extend(entry);
                    searchable.extend(file);
                    if let (Some(ix), Some((url, html))) = (&mut indexer, page) {
                        ix.add(url, crate::search::Html::Text(html));
                    }
                }
                Err(d) => errors.push(d),
            }
        }
        // Shards finished while this chunk rendered are written now, so
        // their files are not held until the end.
        if let Some(ix) = &indexer {
            match ix.ready() {
                Ok(files) => errors.extend(files.into_iter().filter_map(|f| emit(f).err())),
                Err(d) => errors.push(d),
            }
        }
    }
    if let Some(ix) = indexer {
        match ix.finish() {
            Ok(done) => errors.extend(done.files.into_iter().filter_map(|f| emit(f).err())),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(PagesDone {
            jobs,
            entries,
            searchable,
        })
    } else {
        Err(errors)
    }
}

/// The site-wide files: sitemap, robots, feed, link graph and dataset
/// downloads. `entries` are the sitemap entries of every page.
pub(crate) fn site_files(
    prep: &Prepared<'_>,
    theme: &Theme,
    entries: &mut [SitemapEntry],
    emit: &(dyn Fn(Output) -> Result<(), Diagnostic> + Sync),
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    let config = &prep.kb.config;
    // With further languages, the pipeline writes one sitemap of them all
    // at the end; robots.txt is the default language's.
    let sitemap = config
        .languages
        .is_empty()
        .then(|| sitemap_file(theme, config, entries))
        .and_then(|r| r.map_err(|d| errors.push(d)).ok());
    let base = &prep.kb.config.base_url;
    let mut fill = |template: &str, ctx: &Context| match theme.tera.render(template, ctx) {
        Ok(text) => Some((template.to_string(), text.into_bytes())),
        Err(e) => {
            errors.push(theme.error(&e, template));
            None
        }
    };
    let mut ctx = Context::new();
    insert(&mut ctx, "feed", &feeds::feed_view(prep));
    let atom = fill("atom.xml", &ctx);
    let mut files: Vec<(String, Vec<u8>)> =
        sitemap.into_iter().map(|o| (o.path, o.bytes)).collect();
    if config.base_url == config.root_url {
        files.push(("robots.txt".to_string(), feeds::robots(base).into_bytes()));
    }
    files.extend(atom);
    files.extend([(
        "graph.json".to_string(),
        feeds::graph_json(prep).into_bytes(),
    )]);
    for (slug, d) in &prep.kb.datasets {
        match feeds::dataset_csv(d) {
            Ok(csv) => files.push((format!("data/{slug}.csv"), csv)),
            Err(e) => errors.push(Diagnostic::error(
                crate::diagnostics::Span::new(format!("content/data/{slug}.yaml"), 1, 1),
                format!("could not write the CSV download: {e}"),
            )),
        }
        files.push((
            format!("data/{slug}.json"),
            feeds::dataset_json(d).into_bytes(),
        ));
    }
    errors.extend(
        files
            .into_iter()
            .filter_map(|(path, bytes)| emit(Output { path, bytes }).err()),
    );
    errors
}

/// `sitemap.xml` of `entries` (files of every language, the further ones
/// under `<code>/`), each URL with its other languages.
pub(crate) fn sitemap_file(
    theme: &Theme,
    config: &crate::model::config::Config,
    entries: &[SitemapEntry],
) -> Result<Output, Diagnostic> {
    let mut entries = entries.to_vec();
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    let mut ctx = Context::new();
    let view = feeds::sitemap_view(&config.root_url, &entries, &config.all_languages());
    insert(&mut ctx, "sitemap", &view);
    let text = theme
        .tera
        .render("sitemap.xml", &ctx)
        .map_err(|e| theme.error(&e, "sitemap.xml"))?;
    Ok(Output {
        path: "sitemap.xml".into(),
        bytes: text.into_bytes(),
    })
}

/// A rendered page's sitemap entry and, for searchable pages, its URL and
/// HTML for the index.
type Rendered = (
    Option<SitemapEntry>,
    Option<(String, String)>,
    Option<String>,
);

/// Pages rendered together before their HTML goes to the search index.
const SEARCH_CHUNK: usize = 256;

/// Every page of the site.
pub(crate) fn jobs(prep: &Prepared<'_>, search: bool) -> Vec<Job> {
    let kb = prep.kb;
    let mut jobs: Vec<Job> = PageId::all(kb.pages.len())
        .filter(|&id| !(kb.pages[id].kind == Kind::Section && is_list_section(&kb.pages[id].path)))
        .map(Job::Page)
        .collect();
    for (id, f) in kb.pages_of(Kind::Framework) {
        let cases = prep.framework_cases(&f.slug).len();
        let n = aggregate::page_count(cases, aggregate::MATRIX_CASES);
        jobs.extend((2..=n).map(|i| Job::FrameworkPage(id, i)));
    }
    for kind in [Kind::Case, Kind::Framework, Kind::Entity] {
        let n = aggregate::page_count(kb.pages_of(kind).count(), aggregate::LIST_ITEMS);
        jobs.extend((1..=n).map(|i| Job::List(kind, i)));
    }
    jobs.extend([Job::References, Job::Glossary, Job::NotFound]);
    jobs.extend((1..=aggregate::timeline_pages(prep)).map(Job::Timeline));
    jobs.extend((1..=aggregate::compare_pages(prep)).map(Job::Compare));
    jobs.extend(
        kb.pages_of(Kind::Case)
            .filter(|(id, _)| crate::views::evolution::has_evolution(prep, *id))
            .map(|(id, _)| Job::Evolution(id)),
    );
    if has_map(prep) {
        jobs.push(Job::Map);
    }
    let taught = prep.taught_cases().len();
    if taught > 0 {
        let n = aggregate::page_count(taught, aggregate::TEACHING_CASES);
        jobs.extend((1..=n).map(Job::Teaching));
    }
    jobs.push(Job::TagIndex);
    for (slug, t) in prep.tags() {
        let n = aggregate::page_count(t.pages.len(), aggregate::LIST_ITEMS);
        jobs.extend((1..=n).map(|i| Job::Tag(slug.clone(), i)));
    }
    jobs.push(Job::ModelIndex);
    for (slug, t) in prep.models() {
        let n = aggregate::page_count(t.pages.len(), aggregate::LIST_ITEMS);
        jobs.extend((1..=n).map(|i| Job::Model(slug.clone(), i)));
    }
    if search {
        jobs.push(Job::Search);
    }
    if kb.page("").is_none() {
        jobs.push(Job::DefaultHome);
    }
    for (id, p) in kb.pages_with_ids() {
        jobs.extend(
            p.meta
                .redirect_from
                .iter()
                .map(|from| Job::Redirect(id, from.trim_matches('/').to_string())),
        );
    }
    jobs
}

/// `/map/` exists once there is a case to draw.
fn has_map(prep: &Prepared<'_>) -> bool {
    prep.kb.pages_of(Kind::Case).next().is_some()
}

fn is_list_section(path: &str) -> bool {
    matches!(path, "cases" | "frameworks" | "entities" | "comparisons")
}

fn site_view(prep: &Prepared<'_>, search: bool) -> SiteView {
    let c = &prep.kb.config;
    // Each entry is named by the language's `menu` label in the
    // configuration, else by its `nav.<path>` string.
    let menu = c.languages.get(&c.language).map(|l| &l.menu);
    let item = |path: &str| NavItem {
        title: menu.and_then(|m| m.get(path)).map_or_else(
            || prep.kb.locale.t(&format!("nav.{path}")).into(),
            Clone::clone,
        ),
        url: page_url(&prep.base_path, path),
    };
    let mut nav: Vec<NavItem> = ["cases", "frameworks", "entities", "timeline", "compare"]
        .into_iter()
        .map(item)
        .collect();
    if has_map(prep) {
        nav.push(item("map"));
    }
    if !prep.taught_cases().is_empty() {
        nav.push(item("teaching"));
    }
    if !prep.kb.terms.is_empty() {
        nav.push(item("glossary"));
    }
    if !prep.kb.references.is_empty() {
        nav.push(item("references"));
    }
    SiteView {
        title: c.title.clone(),
        description: c.description.clone().unwrap_or_default(),
        base_url: c.base_url.clone(),
        base_path: prep.base_path.clone(),
        root_path: c.root_path(),
        language: c.language.clone(),
        nav,
        search_url: search.then(|| page_url(&prep.base_path, "search")),
    }
}

/// The page's versions in every language, and what it is in this one: a
/// translation, or the original shown untranslated.
fn with_languages(prep: &Prepared<'_>, job: &Job, file: &str, mut page: PageView) -> PageView {
    let kb = prep.kb;
    let Some((default, _)) = kb.locale.languages.first() else {
        return page;
    };
    let rel = file.strip_suffix("index.html").unwrap_or(file);
    let source = match job {
        Job::Page(id) => Some(&kb.pages[*id]),
        _ => None,
    };
    let version = |code: &str, name: &str| {
        let prefix = if code == default {
            String::new()
        } else {
            format!("{code}/")
        };
        LanguageLink {
            code: code.to_string(),
            name: name.to_string(),
            url: format!("{}{prefix}{rel}", kb.config.root_path()),
            permalink: format!("{}{prefix}{rel}", kb.config.root_url),
            current: code == kb.config.language,
            // The 404 page is no version of anything: no `hreflang`.
            translated: !matches!(job, Job::NotFound)
                && (code == default
                    || source.is_none_or(|p| {
                        kb.translated.get(&p.path).is_some_and(|t| t.contains(code))
                    })),
        }
    };
    page.languages = kb
        .locale
        .languages
        .iter()
        .map(|(c, n)| version(c, n))
        .collect();
    let original = page.languages.first().cloned();
    match source.map(|p| &p.lang) {
        Some(PageLang::Fallback) => {
            page.fallback = original.map(|o| FallbackView {
                lang: o.code.clone(),
                original: o,
            });
        }
        Some(PageLang::Translated(_)) => page.original = original,
        _ => {}
    }
    page
}

/// A generated page with no source file.
fn generated(prep: &Prepared<'_>, kind: &str, title: &str, path: &str) -> PageView {
    PageView {
        kind: kind.into(),
        title: title.into(),
        url: page_url(&prep.base_path, path),
        permalink: format!("{}{path}/", prep.kb.config.base_url),
        ..Default::default()
    }
}

/// A generated page titled and summed up by the strings `<key>.title` and
/// `<key>.summary`.
fn generated_page(prep: &Prepared<'_>, kind: &str, key: &str, path: &str) -> PageView {
    let t = |part: &str| prep.kb.locale.t(&format!("{key}.{part}")).to_string();
    let mut page = generated(prep, kind, &t("title"), path);
    page.summary = Some(t("summary"));
    page
}

fn render_job(
    prep: &Prepared<'_>,
    theme: &Theme,
    site: &SiteView,
    job: &Job,
) -> Result<(Output, Option<SitemapEntry>), Diagnostic> {
    let mut ctx = Context::new();
    let mut lastmod = None;
    let (template, path, page) = match job {
        Job::Page(id) => {
            lastmod = prep.kb.page_date(*id);
            page_job(prep, theme, *id, 1, &mut ctx)?
        }
        Job::FrameworkPage(id, n) => page_job(prep, theme, *id, *n, &mut ctx)?,
        Job::List(kind, n) => list_job(prep, *kind, *n, &mut ctx),
        Job::References => references_job(prep, &mut ctx),
        Job::Glossary => glossary_job(prep, &mut ctx),
        Job::Redirect(id, from) => return Ok((redirect(prep, theme, site, *id, from)?, None)),
        Job::Timeline(n) => timeline_job(prep, *n, &mut ctx),
        Job::Compare(n) => compare_job(prep, *n, &mut ctx),
        Job::Map => map_job(prep, &mut ctx),
        Job::Evolution(id) => evolution_job(prep, *id, &mut ctx),
        Job::Teaching(n) => teaching_job(prep, *n, &mut ctx),
        Job::TagIndex => taxonomy_index(prep, &mut ctx, "tags"),
        Job::ModelIndex => taxonomy_index(prep, &mut ctx, "model"),
        Job::Tag(slug, n) => taxonomy_job(prep, &mut ctx, "tags", slug, *n),
        Job::Model(slug, n) => taxonomy_job(prep, &mut ctx, "model", slug, *n),
        Job::Search => {
            let page = generated_page(prep, "search", "search", "search");
            ("search.html", "search/index.html".into(), page)
        }
        Job::DefaultHome => default_home_job(prep, &mut ctx),
        Job::NotFound => {
            let page = PageView {
                kind: "404".into(),
                title: prep.kb.locale.t("404.title").into(),
                url: format!("{}404.html", prep.base_path),
                ..Default::default()
            };
            ("404.html", "404.html".to_string(), page)
        }
    };
    let page = with_languages(prep, job, &path, page);
    ctx.insert("site", &with_active(site, &page.url));
    ctx.insert("page", &page);
    let html = theme
        .tera
        .render(template, &ctx)
        .map_err(|e| theme.error(&e, &page.url))?;
    // A page shown untranslated has its original's URL as canonical.
    let listed = match job {
        Job::NotFound => false,
        Job::Page(id) => !matches!(prep.kb.pages[*id].lang, PageLang::Fallback),
        _ => true,
    };
    let entry = listed.then(|| SitemapEntry {
        file: path.clone(),
        lastmod,
    });
    Ok((
        Output {
            path,
            bytes: crate::markdown::dedupe_previews(html).into_bytes(),
        },
        entry,
    ))
}

/// `/timeline/`, page `n`.
fn timeline_job(
    prep: &Prepared<'_>,
    n: usize,
    ctx: &mut Context,
) -> (&'static str, String, PageView) {
    let view = aggregate::timeline_view(prep, n);
    insert(ctx, "timeline", &view);
    let mut page = generated_page(prep, "timeline", "timeline", "timeline");
    page.references = prep.references(&view.cites);
    paged_title(prep, &mut page, n);
    ("timeline.html", aggregate::paged_file("timeline", n), page)
}

/// `/compare/`, page `n`: the cases side by side.
fn compare_job(
    prep: &Prepared<'_>,
    n: usize,
    ctx: &mut Context,
) -> (&'static str, String, PageView) {
    let view = aggregate::compare_view(prep, n);
    insert(ctx, "compare", &view);
    let mut page = match prep.kb.by_path.get("comparisons") {
        Some(&id) => prep.page_view(id),
        None => generated(
            prep,
            "compare",
            prep.kb.locale.t("compare.title"),
            "compare",
        ),
    };
    page.references = prep.references(
        &view
            .cites
            .union(&page_cites(prep, "comparisons"))
            .cloned()
            .collect(),
    );
    page.kind = "compare".into();
    page.url = page_url(&prep.base_path, "compare");
    page.permalink = format!("{}compare/", prep.kb.config.base_url);
    if page.summary.is_none() {
        page.summary = Some(prep.kb.locale.t("compare.summary").into());
    }
    paged_title(prep, &mut page, n);
    ("compare.html", aggregate::paged_file("compare", n), page)
}

/// `/map/`: the knowledge base as a graph.
fn map_job(prep: &Prepared<'_>, ctx: &mut Context) -> (&'static str, String, PageView) {
    let view = crate::views::map::view(prep);
    insert(ctx, "map", &view);
    let page = generated_page(prep, "map", "map", "map");
    ("map.html", "map/index.html".into(), page)
}

/// `/cases/<case>/evolution/`.
fn evolution_job(
    prep: &Prepared<'_>,
    id: PageId,
    ctx: &mut Context,
) -> (&'static str, String, PageView) {
    let view = crate::views::evolution::view(prep, id);
    insert(ctx, "evolution", &view);
    let case = &prep.kb.pages[id];
    let path = format!("{}/evolution", case.path);
    let locale = &prep.kb.locale;
    let title = [("case", case.meta.title.as_str())];
    let mut page = generated(
        prep,
        "evolution",
        &locale.fill("evolution.title", &title),
        &path,
    );
    page.summary = Some(locale.fill("evolution.summary", &title));
    page.breadcrumbs = vec![
        Link {
            title: locale.t("nav.cases").into(),
            url: page_url(&prep.base_path, "cases"),
            summary: None,
        },
        prep.link(id),
    ];
    let stages = prep.kb.stages_of(&case.path);
    page.references = prep.references(
        &stages
            .iter()
            .flat_map(|(s, _, _)| prep.cites[*s].iter().cloned())
            .collect(),
    );
    ("evolution.html", format!("{path}/index.html"), page)
}

/// `/teaching/`, page `n`.
fn teaching_job(
    prep: &Prepared<'_>,
    n: usize,
    ctx: &mut Context,
) -> (&'static str, String, PageView) {
    let view = teaching_view(prep, n);
    insert(ctx, "teaching", &view);
    let mut page = generated_page(prep, "teaching", "teaching", "teaching");
    page.references = prep.references(
        &view
            .cases
            .iter()
            .flat_map(|c| c.notes.cites.iter().cloned())
            .collect(),
    );
    paged_title(prep, &mut page, n);
    ("teaching.html", aggregate::paged_file("teaching", n), page)
}

/// The home page when content/_index.md does not exist.
fn default_home_job(prep: &Prepared<'_>, ctx: &mut Context) -> (&'static str, String, PageView) {
    insert(ctx, "home", &home_view(prep));
    let page = PageView {
        kind: "home".into(),
        title: prep.kb.config.title.clone(),
        summary: prep.kb.config.description.clone(),
        url: prep.base_path.clone(),
        permalink: prep.kb.config.base_url.clone(),
        ..Default::default()
    };
    ("home.html", "index.html".to_string(), page)
}

/// Citation keys of the page at `path`, if it exists.
fn page_cites(prep: &Prepared<'_>, path: &str) -> BTreeSet<String> {
    prep.kb
        .by_path
        .get(path)
        .map(|&id| prep.cites[id].clone())
        .unwrap_or_default()
}

/// "Timeline (page 2)" on numbered pages after the first.
fn paged_title(prep: &Prepared<'_>, page: &mut PageView, n: usize) {
    if n > 1 {
        page.title = prep.kb.locale.fill(
            "page.numbered",
            &[("title", &page.title), ("n", &n.to_string())],
        );
        page.permalink = format!("{}page/{n}/", page.permalink);
    }
}

/// `/tags/` or `/model/`: every tag or type with how many pages it has.
fn taxonomy_index(
    prep: &Prepared<'_>,
    ctx: &mut Context,
    path: &str,
) -> (&'static str, String, PageView) {
    let (key, taxa) = taxonomy(prep, path);
    let cards = taxa
        .iter()
        .map(|(slug, t)| Card {
            title: t.label.clone(),
            url: page_url(&prep.base_path, &format!("{path}/{slug}")),
            summary: None,
            meta: theme::counted(
                &prep.kb.locale,
                "list.items",
                t.pages.len() + t.events.len(),
            ),
        })
        .collect();
    let page = generated_page(prep, "taxonomy", key, path);
    insert(
        ctx,
        "list",
        &ListView {
            groups: vec![CardGroup {
                title: String::new(),
                cards,
            }],
            pager: Default::default(),
            events: Vec::new(),
        },
    );
    ("list.html", format!("{path}/index.html"), page)
}

/// The strings' prefix (`tags`, `models`) and the taxa of `/tags/` or
/// `/model/`.
fn taxonomy<'p>(
    prep: &'p Prepared<'_>,
    path: &str,
) -> (&'static str, &'p BTreeMap<String, aggregate::Taxon>) {
    if path == "tags" {
        ("tags", prep.tags())
    } else {
        ("models", prep.models())
    }
}

/// `/tags/<tag>/` or `/model/<type>/`, page `n`.
fn taxonomy_job(
    prep: &Prepared<'_>,
    ctx: &mut Context,
    path: &str,
    slug: &str,
    n: usize,
) -> (&'static str, String, PageView) {
    let locale = &prep.kb.locale;
    let (key, taxa) = taxonomy(prep, path);
    let empty = aggregate::Taxon::default();
    let taxon = taxa.get(slug).unwrap_or(&empty);
    let here = format!("{path}/{slug}");
    let total = aggregate::page_count(taxon.pages.len(), aggregate::LIST_ITEMS);
    let mut groups: Vec<CardGroup> = Vec::new();
    for &id in aggregate::chunk(&taxon.pages, aggregate::LIST_ITEMS, n) {
        let p = &prep.kb.pages[id];
        let kind = plural(locale, p.kind);
        if groups.last().is_none_or(|g| g.title != kind) {
            groups.push(CardGroup {
                title: kind,
                cards: Vec::new(),
            });
        }
        if let Some(g) = groups.last_mut() {
            g.cards.push(card(prep, id, period_of(locale, p)));
        }
    }
    let cites: BTreeSet<String> = if n == 1 {
        taxon
            .events
            .iter()
            .flat_map(|&e| prep.event_cites[e].iter().cloned())
            .collect()
    } else {
        BTreeSet::new()
    };
    let events = if n == 1 {
        taxon
            .events
            .iter()
            .map(|&e| {
                let mut v = prep.event_view(e, true);
                v.anchor = format!("event-{}", v.anchor);
                v
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut page = generated(prep, "taxonomy", &taxon.label, &here);
    page.references = prep.references(&cites);
    page.breadcrumbs = vec![Link {
        title: locale.t(&format!("{key}.title")).into(),
        url: page_url(&prep.base_path, path),
        summary: None,
    }];
    let label = [("label", taxon.label.as_str())];
    let term = (path == "model").then(|| prep.term_link(&taxon.label));
    page.summary = Some(match term {
        Some(Link {
            summary: Some(def),
            url,
            ..
        }) if !url.is_empty() => def,
        _ => locale.fill(&format!("{key}.page_summary"), &label),
    });
    paged_title(prep, &mut page, n);
    insert(
        ctx,
        "list",
        &ListView {
            groups,
            pager: aggregate::pager(&prep.base_path, &here, n, total),
            events,
        },
    );
    ("list.html", aggregate::paged_file(&here, n), page)
}

/// The site view with the navigation entry of the current section marked.
fn with_active<'a>(site: &'a SiteView, url: &'a str) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct Active<'a> {
        #[serde(flatten)]
        site: &'a SiteView,
        current: &'a str,
    }
    Active { site, current: url }
}

/// A page that forwards an old URL to the page's current one.
/// A page at an old URL that forwards to the page's new one.
#[derive(Serialize)]
struct RedirectView {
    /// The page's URL now.
    url: String,
    title: String,
}

fn redirect(
    prep: &Prepared<'_>,
    theme: &Theme,
    site: &SiteView,
    id: PageId,
    from: &str,
) -> Result<Output, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("site", site);
    ctx.insert("language", &prep.kb.config.language);
    let view = RedirectView {
        url: prep.url(id),
        title: prep.kb.pages[id].meta.title.clone(),
    };
    insert(&mut ctx, "redirect", &view);
    let html = theme
        .tera
        .render("redirect.html", &ctx)
        .map_err(|e| theme.error(&e, from))?;
    Ok(Output {
        path: format!("{from}/index.html"),
        bytes: html.into_bytes(),
    })
}

fn out_path(page_path: &str) -> String {
    if page_path.is_empty() {
        "index.html".into()
    } else {
        format!("{}/index.html", crate::links::url_path(page_path))
    }
}

fn insert<T: Serialize>(ctx: &mut Context, key: &str, value: &T) {
    ctx.insert(key, value);
}

fn page_job(
    prep: &Prepared<'_>,
    theme: &Theme,
    id: PageId,
    n: usize,
    ctx: &mut Context,
) -> Result<(&'static str, String, PageView), Diagnostic> {
    let p = &prep.kb.pages[id];
    let mut page = prep.page_view(id);
    let template = match &p.data {
        PageData::Case(c) => {
            let (view, extra_cites) = case_view(prep, id, c);
            page.references =
                prep.references(&prep.cites[id].union(&extra_cites).cloned().collect());
            insert(ctx, "case", &view);
            "case.html"
        }
        PageData::Stage(s) => {
            insert(ctx, "stage", &stage_view(prep, id, s));
            "stage.html"
        }
        PageData::Framework(f) => {
            let (view, cites) = framework_view(prep, id, f, n);
            paged_title(prep, &mut page, n);
            page.references = prep.references(&prep.cites[id].union(&cites).cloned().collect());
            insert(ctx, "framework", &view);
            "framework.html"
        }
        PageData::Entity(e) => {
            insert(ctx, "entity", &entity_view(&prep.kb.locale, e));
            "entity.html"
        }
        PageData::Comparison(c) => {
            insert(ctx, "comparison", &aggregate::comparison_view(prep, c));
            "comparison.html"
        }
        _ if p.kind == Kind::Home => {
            insert(ctx, "home", &home_view(prep));
            "home.html"
        }
        _ if p.kind == Kind::Section => {
            insert(ctx, "list", &section_view(prep, &p.path));
            "list.html"
        }
        _ => "page.html",
    };
    let shown = shortcodes::expand_shortcodes(prep, theme, id, &mut page.content)?;
    if !shown.is_empty() {
        let mut keys: BTreeSet<String> = page.references.iter().map(|r| r.key.clone()).collect();
        keys.extend(shown);
        page.references = prep.references(&keys);
    }
    let path = if n > 1 {
        aggregate::paged_file(&p.path, n)
    } else {
        out_path(&p.path)
    };
    Ok((template, path, page))
}

fn list_job(
    prep: &Prepared<'_>,
    kind: Kind,
    n: usize,
    ctx: &mut Context,
) -> (&'static str, String, PageView) {
    let kb = prep.kb;
    let path = match kind {
        Kind::Case => "cases",
        Kind::Framework => "frameworks",
        _ => "entities",
    };
    let mut page = match kb.by_path.get(path) {
        Some(&id) => prep.page_view(id),
        None => PageView {
            kind: "list".into(),
            title: plural(&kb.locale, kind),
            ..Default::default()
        },
    };
    page.url = page_url(&prep.base_path, path);
    page.permalink = format!("{}{path}/", kb.config.base_url);
    paged_title(prep, &mut page, n);
    let all: Vec<(PageId, &Page)> = kb.pages_of(kind).collect();
    let total = aggregate::page_count(all.len(), aggregate::LIST_ITEMS);
    let shown = aggregate::chunk(&all, aggregate::LIST_ITEMS, n);
    let groups = match kind {
        Kind::Entity => {
            let mut by_type: BTreeMap<String, Vec<Card>> = Default::default();
            for &(id, p) in shown {
                if let PageData::Entity(e) = &p.data {
                    by_type
                        .entry(entity_view(&kb.locale, e).type_label)
                        .or_default()
                        .push(card(prep, id, String::new()));
                }
            }
            by_type
                .into_iter()
                .map(|(title, cards)| CardGroup { title, cards })
                .collect()
        }
        _ => vec![CardGroup {
            title: String::new(),
            cards: shown
                .iter()
                .map(|&(id, p)| card(prep, id, period_of(&kb.locale, p)))
                .collect(),
        }],
    };
    insert(
        ctx,
        "list",
        &ListView {
            groups,
            pager: aggregate::pager(&prep.base_path, path, n, total),
            events: Vec::new(),
        },
    );
    ("list.html", aggregate::paged_file(path, n), page)
}

fn references_job(prep: &Prepared<'_>, ctx: &mut Context) -> (&'static str, String, PageView) {
    let kb = prep.kb;
    let all: BTreeSet<String> = kb.references.keys().cloned().collect();
    let mut refs = prep.references(&all);
    for r in &mut refs {
        r.cited_by = PageId::all(kb.pages.len())
            .filter(|&id| prep.cites[id].contains(&r.key))
            .map(|id| prep.link(id))
            .collect();
    }
    let page = generated_page(prep, "references", "references", "references");
    insert(ctx, "references", &refs);
    ("references.html", "references/index.html".into(), page)
}

fn glossary_job(prep: &Prepared<'_>, ctx: &mut Context) -> (&'static str, String, PageView) {
    let kb = prep.kb;
    let mut terms: Vec<TermView> = (0..kb.terms.len()).map(|i| prep.term_view(i)).collect();
    terms.sort_by_key(|t| t.term.to_lowercase());
    let cites: BTreeSet<String> = kb
        .terms
        .iter()
        .flat_map(|t| t.refs.iter().map(|c| c.key.clone()))
        .collect();
    let mut page = generated_page(prep, "glossary", "glossary", "glossary");
    page.references = prep.references(&cites);
    insert(ctx, "terms", &terms);
    ("glossary.html", "glossary/index.html".into(), page)
}
