//! The stages in order, and the only place that knows it: load (config,
//! theme, content → model), analyse (links, checks, Markdown → site), emit
//! (jobs → pages and site files → output). `build`, `check` and `serve`
//! all go through [`analyse_and_emit`].

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::links::{Neighbours, Resolver};
use crate::model::config::Config;
use crate::model::{Kb, Kind};
use crate::output::{Output, Staging, io_diag};
use crate::render::feeds::SitemapEntry;
use crate::render::theme::{StaticFile, Theme};
use crate::render::{Job, PagesDone, Plan, render_pages, site_files};
use crate::site::{PrepCache, Prepared, Reuse};
use crate::{checks, fs, render, site, source, translate};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything a build needs to know besides the content.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Give the site its search page (when the configuration enables it).
    pub search: bool,
    /// Build the search index during the build; `serve` indexes afterwards.
    pub index: bool,
}

/// What a successful build produced.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub pages_by_kind: BTreeMap<&'static str, usize>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    /// Each further language: its pages translated and shown in the original.
    pub languages: Vec<LanguageSummary>,
}

/// How much of the site a further language has.
#[derive(Debug, Default)]
pub(crate) struct LanguageSummary {
    pub code: String,
    pub translated: usize,
    pub fallback: usize,
}

impl LanguageSummary {
    fn of(kb: &Kb) -> LanguageSummary {
        let translated = kb
            .pages
            .iter()
            .filter(|p| matches!(p.lang, crate::model::PageLang::Translated(_)))
            .count();
        LanguageSummary {
            code: kb.config.language.clone(),
            translated,
            fallback: kb.pages.len() - translated,
        }
    }
}

/// Why a build failed.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the content (exit 1).
    Content(Vec<Diagnostic>),
    /// Usage or I/O problems (exit 2).
    Io(Diagnostic),
}

impl Failure {
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Failure::Content(ds) => ds.clone(),
            Failure::Io(d) => vec![d.clone()],
        }
    }
}

fn read_config(opts: &BuildOptions) -> Result<crate::model::config::Config, Failure> {
    let path = opts.root.join("casebook.yaml");
    let text = fs::read_optional(&path, "casebook.yaml")
        .map_err(Failure::Io)?
        .ok_or_else(|| {
            Failure::Io(
                Diagnostic::error(
                    Span::new(path.display().to_string(), 1, 1),
                    "no casebook.yaml here",
                )
                .with_help("run casebook in a knowledge base, or pass --root DIR"),
            )
        })?;
    let mut config = Config::parse("casebook.yaml", &text).map_err(Failure::Content)?;
    if let Some(url) = &opts.base_url {
        let overridden = format!("{}base_url: {url:?}\n", text_without_base_url(&text));
        config = Config::parse("--base-url", &overridden).map_err(Failure::Content)?;
    }
    Ok(config)
}

fn text_without_base_url(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("base_url:"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// What a build leaves behind for `serve` to reuse after an edit.
pub(crate) struct Built {
    pub theme: Theme,
    pub kb: Kb,
    pub assets: Vec<String>,
    pub cache: PrepCache,
    /// Sitemap entries by output file.
    pub entries: BTreeMap<String, SitemapEntry>,
    /// Output files of the pages the search index covers.
    pub searchable: Vec<String>,
    /// Pages each page links to, and pages linking to it.
    pub links: Neighbours,
    /// Every page of the site, in render order.
    pub jobs: Vec<Job>,
    /// Each further language's build, its outputs under `<code>/`, and its
    /// entries and searchable files without that prefix.
    pub others: Vec<Built>,
    /// The translations the further languages were merged from.
    pub translations: Vec<source::Translation>,
}

/// Where outputs go: written, collected, or dropped.
pub(crate) struct Sink<'a> {
    pub emit: &'a (dyn Fn(Output) -> Result<(), Diagnostic> + Sync),
    pub copy: &'a dyn Fn(&str, &Path) -> Result<(), Diagnostic>,
}

/// The site-wide files an emit writes besides its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SiteFiles {
    /// Sitemap, feed, graph and the rest.
    All,
    /// Only graph.json (the links of a body changed).
    Graph,
    None,
}

/// What to emit once the site is analysed: all of it for a build, what an
/// edit changed for `serve`.
pub(crate) struct Selection {
    /// The jobs to render (`None`: every job of the site).
    pub jobs: Option<Vec<Job>>,
    pub site_files: SiteFiles,
}

/// Chooses the [`Selection`] from the analysed site and its link
/// neighbours; `None` when the change needs a full build after all.
pub(crate) type Select<'s> = dyn Fn(&Prepared<'_>, &Neighbours) -> Option<Selection> + 's;

/// The input of [`analyse_and_emit`]: a loaded model and its theme.
pub(crate) struct Model<'m> {
    pub kb: &'m Kb,
    pub assets: &'m [String],
    pub theme: &'m Theme,
    /// Problems found while loading.
    pub diags: Vec<Diagnostic>,
    /// Rendered Markdown of an earlier build that may be reused.
    pub reuse: Option<Reuse<'m>>,
    /// A further language: its structured data is the original's, whose
    /// problems the default language's run reports.
    pub translation: bool,
}

/// What [`analyse_and_emit`] produced.
pub(crate) struct Emitted {
    pub warnings: Vec<Diagnostic>,
    pub cache: PrepCache,
    pub links: Neighbours,
    pub pages: PagesDone,
}

/// Stage 1, load: configuration, theme and content become the model.
pub(crate) fn load(
    opts: &BuildOptions,
) -> Result<(Theme, source::LoadResult, Vec<Diagnostic>), Failure> {
    let config = read_config(opts)?;
    let theme = render::theme::load(&opts.root, &config.theme).map_err(Failure::Content)?;
    let mut diags = Vec::new();
    let mut loaded = source::load(&opts.root, config, opts.drafts, &mut diags);
    loaded.kb.locale = theme.locale(&loaded.kb.config.language);
    Ok((theme, loaded, diags))
}

/// Stages 2 and 3, analyse and emit: links are resolved and checked,
/// Markdown is rendered into the read-only site, then the selected pages
/// and site files are rendered and handed to `sink`. `Ok(None)` when
/// `select` asks for a full build instead.
pub(crate) fn analyse_and_emit(
    model: Model<'_>,
    search: Plan<'_>,
    select: &Select<'_>,
    sink: &Sink<'_>,
    entries: &mut BTreeMap<String, SitemapEntry>,
) -> Result<Option<Emitted>, Failure> {
    let kb = model.kb;
    let resolver = Resolver::new(kb, model.assets);
    let (problems, graph) = checks::validate(kb, &resolver);
    let mut diags = model.diags;
    // In a further language the structured data is the original's, whose
    // run passed: an error here is in the translated text (a `short_title`
    // too long); its warnings are the original's, reported there.
    diags.extend(problems);
    let prep = site::prepare(
        kb,
        &resolver,
        graph,
        &model.theme.shortcodes,
        &mut diags,
        model.reuse,
    );
    if model.translation {
        // Warnings are about the original's data, reported in its own run.
        diags.retain(|d| d.severity == crate::diagnostics::Severity::Error);
    }
    let mut all = Diagnostics::default();
    all.extend(diags);
    if all.has_errors() {
        return Err(Failure::Content(all.into_sorted()));
    }
    let links = Neighbours::of(&prep.graph, kb.pages.len());
    let Some(selection) = select(&prep, &links) else {
        return Ok(None);
    };
    let plan = Plan {
        jobs: selection.jobs.as_deref(),
        ..search
    };
    let pages = render_pages(&prep, model.theme, &plan, sink.emit).map_err(Failure::Content)?;
    for e in &pages.entries {
        entries.insert(e.file.clone(), e.clone());
    }
    let errors = match selection.site_files {
        SiteFiles::All => {
            let mut all: Vec<SitemapEntry> = entries.values().cloned().collect();
            site_files(&prep, model.theme, &mut all, sink.emit)
        }
        SiteFiles::Graph => {
            let graph = Output {
                path: "graph.json".into(),
                bytes: render::feeds::graph_json(&prep).into_bytes(),
            };
            (sink.emit)(graph).err().into_iter().collect()
        }
        SiteFiles::None => Vec::new(),
    };
    if !errors.is_empty() {
        return Err(Failure::Content(errors));
    }
    Ok(Some(Emitted {
        warnings: all.into_sorted(),
        cache: prep.into_cache(),
        links,
        pages,
    }))
}

/// Runs the whole chain and hands every output to `sink`: the default
/// language at the root, then each further language under `/<code>/`.
fn run_pipeline(opts: &BuildOptions, sink: &Sink<'_>) -> Result<(Summary, Built), Failure> {
    let (theme, loaded, mut diags) = load(opts)?;
    let source::LoadResult {
        mut kb,
        assets,
        translations,
        files,
    } = loaded;
    let names: Vec<(String, String)> = if kb.config.languages.is_empty() {
        Vec::new()
    } else {
        kb.config
            .all_languages()
            .into_iter()
            .map(|c| {
                // A language without strings of its own is named by its code.
                let name = theme
                    .own_string(&c, "language.name")
                    .unwrap_or(&c)
                    .to_string();
                (c, name)
            })
            .collect()
    };
    let locale = |code: &str| {
        let mut l = theme.locale(code);
        l.languages.clone_from(&names);
        l
    };
    kb.locale.languages.clone_from(&names);
    let sources = translate::Sources {
        translations: &translations,
        files: &files,
        root: &opts.root,
        drafts: opts.drafts,
    };
    let others = translate::all_languages(&mut kb, locale, &sources, &mut diags);
    let search = opts.search && kb.config.search;
    let plan = Plan {
        search_page: search,
        index: search && opts.index,
        jobs: None,
    };
    let localized = theme.localized(&kb.locale);
    let mut entries = BTreeMap::new();
    let model = Model {
        kb: &kb,
        assets: &assets,
        theme: &localized,
        diags,
        reuse: None,
        translation: false,
    };
    let emitted = emit_all(model, &plan, sink, &mut entries)?;
    copy_files(&opts.root, &assets, &theme, sink)?;
    let mut summary = Summary::default();
    for kind in [
        Kind::Case,
        Kind::Stage,
        Kind::Framework,
        Kind::Entity,
        Kind::Page,
    ] {
        let n = kb.pages_of(kind).count();
        if n > 0 {
            summary.pages_by_kind.insert(kind.name(), n);
        }
    }
    summary.warnings = emitted.warnings;
    let mut built_others = Vec::new();
    if !others.is_empty() {
        for mut other in others {
            translate::expect_bodies(&mut other, |id| emitted.cache.signature_of(&kb, id));
            summary.languages.push(LanguageSummary::of(&other));
            let (warnings, built) =
                emit_language(other, &theme, &assets, &plan, sink, &mut entries)?;
            for w in warnings {
                if !summary.warnings.contains(&w) {
                    summary.warnings.push(w);
                }
            }
            built_others.push(built);
        }
        let all: Vec<SitemapEntry> = entries.values().cloned().collect();
        let sitemap = render::sitemap_file(&localized, &kb.config, &all)
            .map_err(|d| Failure::Content(vec![d]))?;
        (sink.emit)(sitemap).map_err(Failure::Io)?;
    }
    let built = Built {
        theme: localized,
        kb,
        assets,
        cache: emitted.cache,
        entries,
        searchable: emitted.pages.searchable,
        links: emitted.links,
        jobs: emitted.pages.jobs,
        others: built_others,
        translations,
    };
    Ok((summary, built))
}

/// Every page and site file of one language's model.
fn emit_all(
    model: Model<'_>,
    plan: &Plan<'_>,
    sink: &Sink<'_>,
    entries: &mut BTreeMap<String, SitemapEntry>,
) -> Result<Emitted, Failure> {
    let all = |_: &Prepared<'_>, _: &Neighbours| {
        Some(Selection {
            jobs: None,
            site_files: SiteFiles::All,
        })
    };
    analyse_and_emit(model, Plan { ..*plan }, &all, sink, entries)?.ok_or_else(|| {
        Failure::Io(Diagnostic::error(
            Span::new("build", 1, 1),
            "nothing to build",
        ))
    })
}

/// A further language's site, written under `<code>/`; its sitemap
/// entries join `entries` with that prefix. Returns its warnings.
fn emit_language(
    kb: Kb,
    theme: &Theme,
    assets: &[String],
    plan: &Plan<'_>,
    sink: &Sink<'_>,
    entries: &mut BTreeMap<String, SitemapEntry>,
) -> Result<(Vec<Diagnostic>, Built), Failure> {
    let code = kb.config.language.clone();
    let prefixed = |o: Output| {
        (sink.emit)(Output {
            path: format!("{code}/{}", o.path),
            bytes: o.bytes,
        })
    };
    let lang_sink = Sink {
        emit: &prefixed,
        copy: sink.copy,
    };
    let localized = theme.localized(&kb.locale);
    let model = Model {
        kb: &kb,
        assets,
        theme: &localized,
        diags: Vec::new(),
        reuse: None,
        translation: true,
    };
    let mut own = BTreeMap::new();
    let emitted = emit_all(model, plan, &lang_sink, &mut own)?;
    for (file, e) in &own {
        let mut e = e.clone();
        e.file = format!("{code}/{file}");
        entries.insert(e.file.clone(), e);
    }
    let built = Built {
        theme: localized,
        kb,
        assets: assets.to_vec(),
        cache: emitted.cache,
        entries: own,
        searchable: emitted.pages.searchable,
        links: emitted.links,
        jobs: emitted.pages.jobs,
        others: Vec::new(),
        translations: Vec::new(),
    };
    Ok((emitted.warnings, built))
}

/// Copies the content's assets and the theme's static files.
pub(crate) fn copy_files(
    root: &Path,
    assets: &[String],
    theme: &Theme,
    sink: &Sink<'_>,
) -> Result<(), Failure> {
    let content = root.join("content");
    for asset in assets {
        (sink.copy)(asset, &content.join(asset)).map_err(Failure::Io)?;
    }
    for (rel, file) in &theme.statics {
        match file {
            StaticFile::Embedded(text) => (sink.emit)(Output {
                path: rel.clone(),
                bytes: text.as_bytes().to_vec(),
            }),
            StaticFile::Disk(path) => (sink.copy)(rel, path),
        }
        .map_err(Failure::Io)?;
    }
    Ok(())
}

/// Builds the site into `opts.output`, replacing it only on success. A
/// `base_url` from the configuration that names this machine is warned
/// about: this is the build that gets published (`check` and `serve` stay
/// silent about it).
pub(crate) fn build(opts: &BuildOptions) -> Result<Summary, Failure> {
    let (mut summary, built) = build_keeping(opts)?;
    if opts.base_url.is_none() {
        summary
            .warnings
            .extend(built.kb.config.local_base_url.clone());
    }
    Ok(summary)
}

/// [`build`], also returning what the build computed, for `serve`.
pub(crate) fn build_keeping(opts: &BuildOptions) -> Result<(Summary, Built), Failure> {
    refuse_dangerous_output(opts)?;
    let staging = Staging::new(&opts.output).map_err(|e| Failure::Io(io_diag(&e)))?;
    let count = std::sync::atomic::AtomicUsize::new(0);
    let emit = |o: Output| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        staging.write(&o.path, &o.bytes)
    };
    let copy = |rel: &str, from: &Path| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        staging.copy(rel, from)
    };
    match run_pipeline(
        opts,
        &Sink {
            emit: &emit,
            copy: &copy,
        },
    ) {
        Ok((mut summary, built)) => {
            summary.files = count.into_inner();
            staging.commit().map_err(|e| Failure::Io(io_diag(&e)))?;
            Ok((summary, built))
        }
        Err(f) => {
            staging.abandon();
            Err(f)
        }
    }
}

/// Builds in memory: every output collected, nothing written.
pub fn build_in_memory(opts: &BuildOptions) -> Result<BTreeMap<String, Vec<u8>>, Failure> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let emit = |o: Output| {
        files
            .lock()
            .map_err(|_| Diagnostic::error(Span::new("build", 1, 1), "worker panicked"))?
            .insert(o.path, o.bytes);
        Ok(())
    };
    let copy = |rel: &str, from: &Path| {
        let bytes = std::fs::read(from).map_err(|e| {
            Diagnostic::error(Span::new(from.display().to_string(), 1, 1), e.to_string())
        })?;
        files
            .lock()
            .map_err(|_| Diagnostic::error(Span::new("build", 1, 1), "worker panicked"))?
            .insert(rel.to_string(), bytes);
        Ok(())
    };
    run_pipeline(
        opts,
        &Sink {
            emit: &emit,
            copy: &copy,
        },
    )?;
    files.into_inner().map_err(|_| {
        Failure::Io(Diagnostic::error(
            Span::new("build", 1, 1),
            "worker panicked",
        ))
    })
}

/// Runs every check of a build and writes nothing.
pub(crate) fn check(opts: &BuildOptions) -> Result<Vec<Diagnostic>, Failure> {
    let emit = |_: Output| Ok(());
    let copy = |_: &str, _: &Path| Ok(());
    run_pipeline(
        opts,
        &Sink {
            emit: &emit,
            copy: &copy,
        },
    )
    .map(|(s, _)| s.warnings)
}

/// An absolute path with `.` and `..` resolved and symlinks of the part
/// that exists followed, so two spellings of one folder compare equal.
fn real_path(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                clean.pop();
            }
            std::path::Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Canonicalize the longest existing prefix, keep the rest as written.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(std::borrow::ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    out.extend(rest.into_iter().rev());
    out
}

/// The output directory must not be the project, hold it, sit inside its
/// sources, or be a folder casebook did not make: the build replaces it.
fn refuse_dangerous_output(opts: &BuildOptions) -> Result<(), Failure> {
    let out = real_path(&opts.output);
    let root = real_path(&opts.root);
    let inside_sources = ["content", "themes", "templates", "static"]
        .iter()
        .any(|d| out.starts_with(root.join(d)));
    let looks_like_a_project = out.join("casebook.yaml").exists() || out.join("content").is_dir();
    let problem = if out.parent().is_none() || root.starts_with(&out) {
        Some("it is the knowledge base itself or a folder that contains it")
    } else if inside_sources {
        Some("it is inside the sources of the knowledge base")
    } else if looks_like_a_project {
        Some("it holds a knowledge base (casebook.yaml or content/)")
    } else {
        None
    };
    if let Some(why) = problem {
        return Err(Failure::Io(
            Diagnostic::error(
                Span::new(opts.output.display().to_string(), 1, 1),
                format!("refusing to use this directory as output: {why}, and a build replaces the output entirely"),
            )
            .with_help("choose a dedicated folder such as `public`"),
        ));
    }
    Ok(())
}
