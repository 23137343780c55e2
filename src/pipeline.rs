//! The only function that knows the order of the stages.

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::links::Resolver;
use crate::model::Kind;
use crate::model::config::Config;
use crate::output::Output;
use crate::output::{Staging, io_diag};
use crate::render::theme::StaticFile;
use crate::render::{render_pages, site_files};
use crate::{checks, fs, render::theme, site, source};
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
pub struct Summary {
    pub pages_by_kind: BTreeMap<&'static str, usize>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
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
pub struct Built {
    pub theme: crate::render::theme::Theme,
    pub kb: crate::model::Kb,
    pub assets: Vec<String>,
    pub cache: site::PrepCache,
    pub entries: Vec<crate::render::feeds::SitemapEntry>,
    /// Output files of the pages the search index covers.
    pub searchable: Vec<String>,
    /// Pages each page links to, and pages linking to it.
    pub links: crate::links::Neighbours,
    /// Every page of the site, in render order.
    pub jobs: Vec<crate::render::Job>,
}

/// Runs the whole chain and hands every output to `emit`.
fn run_pipeline(
    opts: &BuildOptions,
    emit: &(dyn Fn(Output) -> Result<(), Diagnostic> + Sync),
    copy: &dyn Fn(&str, &Path) -> Result<(), Diagnostic>,
) -> Result<(Summary, Built), Failure> {
    let config = read_config(opts)?;
    let theme = theme::load(&opts.root, &config.theme).map_err(Failure::Content)?;
    let mut diags = Vec::new();
    let loaded = source::load(&opts.root, config, opts.drafts, &mut diags);
    let kb = loaded.kb;
    let mut all = Diagnostics::default();
    let resolver = Resolver::new(&kb, &loaded.assets);
    let (problems, graph) = checks::validate(&kb, &resolver);
    diags.extend(problems);
    let prep = site::prepare(&kb, &resolver, graph, &theme.shortcodes, &mut diags, None);
    all.extend(diags);
    if all.has_errors() {
        return Err(Failure::Content(all.into_sorted()));
    }
    let search = opts.search && kb.config.search;
    let plan = crate::render::Plan {
        search_page: search,
        index: search && opts.index,
        jobs: None,
    };
    let mut done = render_pages(&prep, &theme, &plan, emit).map_err(Failure::Content)?;
    let errors = site_files(&prep, &mut done.entries, emit);
    if !errors.is_empty() {
        return Err(Failure::Content(errors));
    }
    copy_files(&opts.root, &loaded.assets, &theme, emit, copy)?;
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
    summary.warnings = all.into_sorted();
    let links = crate::links::Neighbours::of(&prep.graph, kb.pages.len());
    let cache = prep.into_cache();
    drop(resolver);
    let built = Built {
        theme,
        kb,
        assets: loaded.assets,
        cache,
        entries: done.entries,
        searchable: done.searchable,
        links,
        jobs: done.jobs,
    };
    Ok((summary, built))
}

/// Copies the content's assets and the theme's static files.
pub fn copy_files(
    root: &Path,
    assets: &[String],
    theme: &crate::render::theme::Theme,
    emit: &(dyn Fn(Output) -> Result<(), Diagnostic> + Sync),
    copy: &dyn Fn(&str, &Path) -> Result<(), Diagnostic>,
) -> Result<(), Failure> {
    let content = root.join("content");
    for asset in assets {
        copy(asset, &content.join(asset)).map_err(Failure::Io)?;
    }
    for (rel, file) in &theme.statics {
        match file {
            StaticFile::Embedded(text) => emit(Output {
                path: rel.clone(),
                bytes: text.as_bytes().to_vec(),
            }),
            StaticFile::Disk(path) => copy(rel, path),
        }
        .map_err(Failure::Io)?;
    }
    Ok(())
}

/// Builds the site into `opts.output`, replacing it only on success. A
/// `base_url` from the configuration that names this machine is warned
/// about: this is the build that gets published (`check` and `serve` stay
/// silent about it).
pub fn build(opts: &BuildOptions) -> Result<Summary, Failure> {
    let (mut summary, built) = build_keeping(opts)?;
    if opts.base_url.is_none() {
        summary
            .warnings
            .extend(built.kb.config.local_base_url.clone());
    }
    Ok(summary)
}

/// [`build`], also returning what the build computed, for `serve`.
pub fn build_keeping(opts: &BuildOptions) -> Result<(Summary, Built), Failure> {
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
    match run_pipeline(opts, &emit, &copy) {
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
    run_pipeline(opts, &emit, &copy)?;
    files.into_inner().map_err(|_| {
        Failure::Io(Diagnostic::error(
            Span::new("build", 1, 1),
            "worker panicked",
        ))
    })
}

/// Runs every check of a build and writes nothing.
pub fn check(opts: &BuildOptions) -> Result<Vec<Diagnostic>, Failure> {
    let emit = |_: Output| Ok(());
    let copy = |_: &str, _: &Path| Ok(());
    run_pipeline(opts, &emit, &copy).map(|(s, _)| s.warnings)
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
            existing.file_name().map(|n| n.to_owned()),
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
