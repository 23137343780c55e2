//! Walks `content/` and turns every file into typed data.
//!
//! Each file is parsed on its own (in parallel); problems are collected as
//! diagnostics so one run reports all of them.

use crate::diagnostics::{Diagnostic, Span};
use crate::fs;
use crate::model::config::{Config, is_slug};
use crate::model::*;
use crate::yaml::Locator;
use crate::yaml::YamlDoc;
use rayon::prelude::*;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Image and media files copied beside the page that uses them.
const ASSET_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "pdf"];

/// What one content file turned into.
enum Loaded {
    Page(Box<Page>),
    /// A page whose front matter failed: a placeholder keeps links to it
    /// from reporting false errors while its own problems are reported.
    Broken(Box<Page>, Vec<Diagnostic>),
    Events(Vec<Event>),
    /// The entries that loaded, where they are, and the problems of the rest.
    References(
        BTreeMap<String, Reference>,
        Locator,
        Vec<Diagnostic>,
        Option<Box<hayagriva::Library>>,
    ),
    Glossary(Vec<Term>, Locator, Vec<Diagnostic>),
    Dataset(String, Box<Dataset>),
    /// A translation (`entry.ru.md`), read now and merged per language.
    Translation(Box<Translation>),
    Asset(String),
    Skip,
}

/// A translation of a content file into a further language, as read.
#[derive(Debug, Clone)]
pub(crate) struct Translation {
    /// Language code (`ru`).
    pub lang: String,
    /// The translation, relative to the root (`content/x/entry.ru.md`).
    pub file: String,
    /// The file it translates (`content/x/entry.md`).
    pub original: String,
    pub text: String,
}

/// Everything found under content/, before cross-checks.
pub(crate) struct LoadResult {
    pub kb: Kb,
    /// Content-relative paths of assets to copy.
    pub assets: Vec<String>,
    /// Translations into the further languages, merged per language.
    pub translations: Vec<Translation>,
    /// Every file under content/ (relative to the root): a translation of a
    /// draft left out has an original all the same.
    pub files: std::collections::BTreeSet<String>,
}

/// Loads the knowledge base under `root`. Returns the model (possibly
/// partial) and every problem found.
pub(crate) fn load(
    root: &Path,
    config: Config,
    drafts: bool,
    diags: &mut Vec<Diagnostic>,
) -> LoadResult {
    let content = root.join("content");
    let files = content_files(root, &content, diags);
    let langs: Vec<&str> = config.languages.keys().map(String::as_str).collect();
    let results: Vec<Result<Loaded, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|(rel, path)| load_file(rel, path, drafts, &langs))
        .collect();

    let Gathered {
        mut pages,
        mut events,
        references,
        library,
        terms,
        datasets,
        assets,
        refs_broken,
        terms_broken,
        locators,
        translations,
    } = gather(&files, results, diags);
    events.extend(inline_events(&pages));
    pages.sort_by(|a, b| a.path.cmp(&b.path).then(a.source.file.cmp(&b.source.file)));
    same_urls(&pages, diags);
    events.sort_by(|a, b| (&a.case, a.fm.date, &a.anchor).cmp(&(&b.case, b.fm.date, &b.anchor)));
    let by_path = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.clone(), PageId::new(i)))
        .collect();
    let latest = latest_date(&pages, &events);
    let file_dates = if config.dates_from_git {
        crate::fs::git_dates(root)
    } else {
        Default::default()
    };
    let style = crate::model::bibliography::CslStyle::by_name(&config.bibliography.style)
        .map(std::sync::Arc::new);
    let citations = match (&library, &style) {
        (Some(lib), Some(style)) => style.format(lib),
        _ => Default::default(),
    };
    LoadResult {
        kb: Kb {
            citations,
            style,
            config,
            pages,
            by_path,
            events,
            references,
            terms,
            datasets,
            latest,
            incomplete: Incomplete {
                references: refs_broken,
                glossary: terms_broken,
            },
            locators,
            file_dates,
            locale: Default::default(),
            translated: Default::default(),
        },
        assets,
        translations,
        files: files.into_iter().map(|(rel, _)| rel).collect(),
    }
}

/// The loaded files, before the model is assembled.
#[derive(Default)]
struct Gathered {
    pages: Vec<Page>,
    events: Vec<Event>,
    references: BTreeMap<String, Reference>,
    library: Option<Box<hayagriva::Library>>,
    terms: Vec<Term>,
    datasets: BTreeMap<String, Dataset>,
    assets: Vec<String>,
    /// references.yaml or glossary.yaml failed: unknown keys and terms are
    /// not reported, since they may be in the part that failed.
    refs_broken: bool,
    terms_broken: bool,
    locators: DataLocators,
    translations: Vec<Translation>,
}

/// Sorts what each file turned into, collecting the problems.
fn gather(
    files: &[(String, PathBuf)],
    results: Vec<Result<Loaded, Vec<Diagnostic>>>,
    diags: &mut Vec<Diagnostic>,
) -> Gathered {
    let mut g = Gathered::default();
    for ((rel, _), r) in files.iter().zip(results) {
        match r {
            Ok(Loaded::Page(p)) => g.pages.push(*p),
            Ok(Loaded::Broken(p, ds)) => {
                g.pages.push(*p);
                diags.extend(ds);
            }
            Ok(Loaded::Events(e)) => g.events.extend(e),
            Ok(Loaded::References(r, at, ds, lib)) => {
                g.references = r;
                g.library = lib;
                g.locators.references = Some(Arc::new(at));
                g.refs_broken |= !ds.is_empty();
                diags.extend(ds);
            }
            Ok(Loaded::Glossary(t, at, ds)) => {
                g.terms = t;
                g.locators.glossary = Some(Arc::new(at));
                g.terms_broken |= !ds.is_empty();
                diags.extend(ds);
            }
            Ok(Loaded::Dataset(slug, d)) => {
                g.datasets.insert(slug, *d);
            }
            Ok(Loaded::Asset(a)) => g.assets.push(a),
            Ok(Loaded::Translation(t)) => g.translations.push(*t),
            Ok(Loaded::Skip) => {}
            Err(ds) => {
                g.refs_broken |= rel.starts_with("content/references.");
                g.terms_broken |= rel.starts_with("content/glossary.");
                diags.extend(ds);
            }
        }
    }
    g
}

/// Events written inside a case's index.md.
pub(crate) fn inline_events(pages: &[Page]) -> Vec<Event> {
    let mut events = Vec::new();
    for page in pages {
        if let PageData::Case(case) = &page.data
            && let Some(list) = &case.events
        {
            let locator = Arc::new(page.positions.clone());
            for (i, fm) in list.iter().enumerate() {
                let yaml_path = format!("events[{i}]");
                events.push(make_event(
                    fm.clone(),
                    Some(page.path.clone()),
                    &page.source.file,
                    yaml_path,
                    &locator,
                ));
            }
        }
    }
    events
}

/// Two files that map to one URL (`x.md` and `x/index.md`).
fn same_urls(pages: &[Page], diags: &mut Vec<Diagnostic>) {
    for pair in pages.windows(2) {
        if pair[0].path == pair[1].path {
            diags.push(
                Diagnostic::error(
                    Span::new(&pair[1].source.file, 1, 1),
                    format!(
                        "`{}` and `{}` both map to the URL /{}/",
                        pair[0].source.file, pair[1].source.file, pair[0].path
                    ),
                )
                .with_help("rename or remove one of them"),
            );
        }
    }
}

/// All files under content/, sorted, as (relative path, full path).
fn content_files(
    root: &Path,
    content: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_ignored(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map_or_else(|| "content".into(), |p| display_path(root, p));
                diags.push(Diagnostic::error(
                    Span::new(at, 1, 1),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let rel = display_path(root, entry.path());
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning(
                    Span::new(&rel, 1, 1),
                    format!(
                        "symbolic link to `{}` not followed",
                        fs::link_target(entry.path())
                    ),
                )
                .with_help("copy the file into content/ instead of linking to it"),
            );
            continue;
        }
        let kind = entry.file_type();
        if kind.is_file() {
            files.push((rel, entry.into_path()));
        } else if !kind.is_dir() {
            diags.push(
                Diagnostic::warning(Span::new(&rel, 1, 1), "not a regular file; skipped")
                    .with_help("pipes, sockets and devices are never read as content"),
            );
        }
    }
    files
}

/// Whether a file under content/ is one the build reads: Markdown, YAML
/// data or an asset (not, say, the probe file an editor writes and deletes).
pub(crate) fn is_content_file(name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    !is_ignored(name)
        && (matches!(ext.as_str(), "md" | "yaml" | "yml")
            || ASSET_EXTENSIONS.contains(&ext.as_str()))
}

/// Dotfiles and editor temporary files are not content.
pub(crate) fn is_ignored(name: &str) -> bool {
    (name.starts_with('.') && name != ".")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// A path for messages: relative to the root, `/`-separated, with control
/// characters shown as escapes so a file name cannot rewrite the terminal.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .chars()
                .map(|ch| {
                    if ch.is_control() {
                        ch.escape_unicode().to_string()
                    } else {
                        ch.to_string()
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Names Windows reserves for devices: a site with them cannot be checked
/// out or deployed there.
const RESERVED_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Where a file sits in the layout.
fn load_file(
    rel: &str,
    path: &Path,
    drafts: bool,
    langs: &[&str],
) -> Result<Loaded, Vec<Diagnostic>> {
    let under = rel.strip_prefix("content/").unwrap_or(rel);
    let ext = under
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if ASSET_EXTENSIONS.contains(&ext.as_str()) {
        return Ok(Loaded::Asset(under.to_string()));
    }
    if ext != "md" && ext != "yaml" && ext != "yml" {
        return Ok(Loaded::Skip);
    }
    let text = fs::read_text(path, rel).map_err(|d| vec![d])?;
    if let Some((lang, original)) = translation_of(rel) {
        return translation(rel, text, lang, original, langs);
    }
    load_text(rel, text, drafts)
}

/// The language and original of a translation's path: `x/entry.ru.md` is
/// the Russian translation of `x/entry.md`.
pub(crate) fn translation_of(rel: &str) -> Option<(&str, String)> {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let (stem, ext) = name.rsplit_once('.')?;
    let (base, lang) = stem.rsplit_once('.')?;
    crate::model::config::is_language_code(lang).then(|| {
        let original = format!("{base}.{ext}");
        let original = if dir.is_empty() {
            original
        } else {
            format!("{dir}/{original}")
        };
        (lang, original)
    })
}

/// A translation in a configured language, its original's path checked
/// like any content path.
fn translation(
    rel: &str,
    text: String,
    lang: &str,
    original: String,
    langs: &[&str],
) -> Result<Loaded, Vec<Diagnostic>> {
    if !langs.contains(&lang) {
        let help = if langs.is_empty() {
            format!(
                "this site has one language; to publish translations, add `languages: {{ {lang}: {{ title: \"…\" }} }}` to casebook.yaml"
            )
        } else {
            format!(
                "the configured languages are {}; add `{lang}` under `languages:` in casebook.yaml, or rename the file",
                langs.join(", ")
            )
        };
        return Err(vec![
            Diagnostic::error(
                Span::new(rel, 1, 1),
                format!("unknown language code `{lang}`: this file is a translation into a language the site does not have"),
            )
            .with_help(help),
        ]);
    }
    let under = original.strip_prefix("content/").unwrap_or(&original);
    let parts: Vec<&str> = under.split('/').collect();
    check_segments(rel, &parts)?;
    Ok(Loaded::Translation(Box::new(Translation {
        lang: lang.to_string(),
        file: rel.to_string(),
        original,
        text,
    })))
}

/// Parses one content file given as text (the part of loading after the
/// file is read); `rel` decides what kind of file it is. In-memory, so
/// tests and fuzz targets can feed it anything.
pub fn parse_text(rel: &str, text: String) -> Vec<Diagnostic> {
    match load_text(rel, text, true) {
        Ok(Loaded::Broken(_, ds)) | Err(ds) => ds,
        Ok(Loaded::References(_, _, ds, _) | Loaded::Glossary(_, _, ds)) => ds,
        Ok(_) => Vec::new(),
    }
}

fn load_text(rel: &str, text: String, drafts: bool) -> Result<Loaded, Vec<Diagnostic>> {
    let under = rel.strip_prefix("content/").unwrap_or(rel);
    let parts: Vec<&str> = under.split('/').collect();
    let ext = under
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let at = |msg: String| vec![Diagnostic::error(Span::new(rel, 1, 1), msg)];
    let stem = |name: &str| name.rsplit_once('.').map_or(name, |(s, _)| s).to_string();
    check_segments(rel, &parts)?;
    match (parts.as_slice(), ext.as_str()) {
        (["references.yaml" | "references.yml"], _) => {
            let doc = YamlDoc::parse(rel, &text, &text, 0).map_err(|d| vec![d])?;
            let (refs, mut problems) = load_map(&doc)?;
            let library = if problems.is_empty() {
                match hayagriva::io::from_yaml_str(&text) {
                    Ok(lib) => Some(Box::new(lib)),
                    Err(e) => {
                        let (line, col) = e
                            .location()
                            .map_or((1, 1), |l| (l.line(), l.column()));
                        problems.push(
                            Diagnostic::error(
                                Span::new(rel, line, col),
                                format!("not a valid Hayagriva bibliography: {e}"),
                            )
                            .with_source(&text)
                            .with_help("entries follow Hayagriva's YAML format: https://github.com/typst/hayagriva/blob/main/docs/file-format.md"),
                        );
                        None
                    }
                }
            } else {
                None
            };
            Ok(Loaded::References(refs, doc.locator(), problems, library))
        }
        (["references.bib"], _) => load_bibtex(rel, &text),
        (["glossary.yaml" | "glossary.yml"], _) => {
            let doc = YamlDoc::parse(rel, &text, &text, 0).map_err(|d| vec![d])?;
            let (terms, problems) = split_results(load_list_items(&doc)?);
            Ok(Loaded::Glossary(terms, doc.locator(), problems))
        }
        (["events.yaml" | "events.yml"], _) => load_events(rel, &text, None),
        (["data", name], "yaml" | "yml") => {
            let d: Dataset = load_yaml(rel, &text)?;
            Ok(Loaded::Dataset(stem(name), Box::new(d)))
        }
        (["cases", case, "events.yaml" | "events.yml"], _) => {
            load_events(rel, &text, Some(format!("cases/{case}")))
        }
        (_, "yaml" | "yml") => Err(at(format!(
            "unexpected data file `{under}`: YAML goes in content/data/, content/references.yaml, content/glossary.yaml or a case's events.yaml"
        ))),
        (["_index.md"], _) => load_page(rel, text, Kind::Home, String::new(), drafts),
        (["cases" | "frameworks" | "entities" | "comparisons", "_index.md"], _) => {
            load_page(rel, text, Kind::Section, parts[0].to_string(), drafts)
        }
        (["cases", name], _) => Err(at(format!(
            "a case is a folder: move `{under}` to `content/cases/{}/index.md`",
            stem(name)
        ))),
        (["cases", case, "index.md"], _) => load_page(rel, text, Kind::Case, format!("cases/{case}"), drafts),
        (["cases", case, name], _) => {
            load_page(rel, text, Kind::Stage, format!("cases/{case}/{}", stem(name)), drafts)
        }
        (["frameworks", name], _) => load_page(rel, text, Kind::Framework, format!("frameworks/{}", stem(name)), drafts),
        (["entities", name], _) => load_page(rel, text, Kind::Entity, format!("entities/{}", stem(name)), drafts),
        (["comparisons", name], _) => load_page(rel, text, Kind::Comparison, format!("comparisons/{}", stem(name)), drafts),
        (["cases" | "frameworks" | "entities" | "comparisons" | "data", ..], _) => Err(at(format!(
            "`{under}` is nested deeper than the layout allows"
        ))
        .into_iter()
        .map(|d| d.with_help("cases are content/cases/<case>/index.md with stages beside it; frameworks, entities and comparisons are single files in their folder"))
        .collect()),
        (_, _) => {
            let mut path = under.trim_end_matches(".md").to_string();
            let kind = if path.ends_with("_index") { Kind::Section } else { Kind::Page };
            for suffix in ["/_index", "/index"] {
                if let Some(p) = path.strip_suffix(suffix) {
                    path = p.to_string();
                }
            }
            if path == "index" {
                return Err(at("use `content/_index.md` for the home page".into()));
            }
            load_page(rel, text, kind, path, drafts)
        }
    }
}

/// Every path segment must be a slug (the file extension aside).
fn check_segments(rel: &str, parts: &[&str]) -> Result<(), Vec<Diagnostic>> {
    for (i, part) in parts.iter().enumerate() {
        let name = if i + 1 == parts.len() {
            part.rsplit_once('.').map_or(*part, |(s, _)| s)
        } else {
            part
        };
        let name = name
            .strip_prefix('_')
            .filter(|n| *n == "index")
            .unwrap_or(name);
        if name.len() > 100 {
            return Err(vec![
                Diagnostic::error(
                    Span::new(rel, 1, 1),
                    format!("name is {} bytes long; slugs have at most 100", name.len()),
                )
                .with_help("shorten the file or folder name; the title can stay long"),
            ]);
        }
        if RESERVED_NAMES.contains(&name) {
            return Err(vec![
                Diagnostic::error(
                    Span::new(rel, 1, 1),
                    format!("`{name}` is a reserved device name on Windows"),
                )
                .with_help(format!("rename it, e.g. `{name}-page`")),
            ]);
        }
        if !is_slug(name) {
            let fixed: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            return Err(vec![
                Diagnostic::error(Span::new(rel, 1, 1), format!("invalid slug `{name}` in path"))
                    .with_help(format!(
                        "file and folder names use lowercase letters, digits and `-`; rename it, e.g. `{}`",
                        fixed.trim_matches('-')
                    )),
            ]);
        }
    }
    Ok(())
}

/// Largest front matter accepted; the body has no limit but the file's.
pub(crate) const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;

/// Splits `---` front matter from the body: (yaml, body start offset).
pub(crate) fn split_front_matter<'t>(
    rel: &str,
    text: &'t str,
) -> Result<(&'t str, usize), Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let t = &text[bom..];
    let first_end = t.find('\n').map_or(t.len(), |i| i + 1);
    if t[..first_end].trim_end() != "---" {
        return Err(Diagnostic::error(Span::new(rel, 1, 1), "missing front matter")
            .with_help("start the file with a `---` line, then `title: ...`, then a closing `---` line")
            .with_source(text));
    }
    let mut pos = first_end;
    while pos < t.len() {
        let end = t[pos..].find('\n').map_or(t.len(), |i| pos + i + 1);
        if t[pos..end].trim_end() == "---" {
            return Ok((&t[first_end..pos], bom + end));
        }
        if end - first_end > MAX_FRONT_MATTER_BYTES {
            return Err(Diagnostic::error(
                Span::new(rel, 1, 1),
                format!(
                    "front matter is larger than {} KiB",
                    MAX_FRONT_MATTER_BYTES >> 10
                ),
            )
            .with_help("move long text into the body and tables into content/data/")
            .with_source(text));
        }
        pos = end;
    }
    Err(
        Diagnostic::error(Span::new(rel, 1, 1), "front matter is not closed")
            .with_help("add a line `---` after the last front-matter key")
            .with_source(text),
    )
}

fn load_page(
    rel: &str,
    text: String,
    kind: Kind,
    path: String,
    drafts: bool,
) -> Result<Loaded, Vec<Diagnostic>> {
    let slug = path.rsplit('/').next().unwrap_or("").to_string();
    let (parsed, problems) = match parse_page(rel, &text, kind, &path, drafts) {
        Ok(Some(parsed)) => (parsed, None),
        Ok(None) => return Ok(Loaded::Skip),
        // A placeholder with an empty body keeps links to the page valid.
        Err(ds) => (
            (
                Meta::placeholder(&slug),
                PageData::None,
                crate::yaml::Locator::default(),
                text.len(),
            ),
            Some(ds),
        ),
    };
    let (meta, data, positions, body_start) = parsed;
    let page = Box::new(Page {
        kind,
        path,
        slug,
        source: Source {
            file: rel.to_string(),
            text,
            body_start,
        },
        meta,
        data,
        positions,
        broken: problems.is_some(),
        lang: PageLang::Original,
    });
    Ok(match problems {
        None => Loaded::Page(page),
        Some(ds) => Loaded::Broken(page, ds),
    })
}

/// A parsed page: front matter, kind data, positions and body offset;
/// `None` for a draft left out.
type ParsedPage = Option<(Meta, PageData, crate::yaml::Locator, usize)>;

fn parse_page(
    rel: &str,
    text: &str,
    kind: Kind,
    path: &str,
    drafts: bool,
) -> Result<ParsedPage, Vec<Diagnostic>> {
    let (yaml, body_start) = split_front_matter(rel, text).map_err(|d| vec![d])?;
    let doc = YamlDoc::parse(rel, text, yaml, 1).map_err(|d| vec![d])?;
    let fields = page_fields(&doc, doc.value().clone(), kind, path)?;
    if fields.0.draft && !drafts {
        return Ok(None);
    }
    Ok(Some((fields.0, fields.1, doc.locator(), body_start)))
}

/// Front matter (`value`, read from `doc`) as common and kind-specific
/// fields.
pub(crate) fn page_fields(
    doc: &YamlDoc<'_>,
    value: Value,
    kind: Kind,
    path: &str,
) -> Result<(Meta, PageData), Vec<Diagnostic>> {
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        _ => {
            return Err(vec![doc.error(
                doc.span(""),
                "front matter must be a mapping of `key: value` lines",
            )]);
        }
    };
    let (common, rest): (Mapping, Mapping) = map
        .into_iter()
        .partition(|(k, _)| k.as_str().is_some_and(|k| COMMON_KEYS.contains(&k)));
    let meta: Result<Meta, _> = doc.deserialize_at(Value::Mapping(common), "", &[]);
    let rest = Value::Mapping(rest);
    let data = match kind {
        Kind::Case => doc
            .deserialize_at(rest, "", COMMON_KEYS)
            .map(|c| PageData::Case(Box::new(c))),
        Kind::Stage => doc.deserialize_at(rest, "", COMMON_KEYS).map(|fm| {
            let case = path.rsplit_once('/').map_or("", |x| x.0).to_string();
            PageData::Stage(Box::new(StageData { case, fm }))
        }),
        Kind::Framework => doc
            .deserialize_at(rest, "", COMMON_KEYS)
            .map(PageData::Framework),
        Kind::Entity => doc
            .deserialize_at(rest, "", COMMON_KEYS)
            .map(PageData::Entity),
        Kind::Comparison => doc
            .deserialize_at(rest, "", COMMON_KEYS)
            .map(PageData::Comparison),
        Kind::Page | Kind::Section | Kind::Home => doc
            .deserialize_at(rest, "", COMMON_KEYS)
            .map(PageData::Page),
    };
    let (meta, data) = match (meta, data) {
        (Ok(m), Ok(d)) => (m, d),
        (m, d) => {
            let mut errs = m.err().unwrap_or_default();
            errs.extend(d.err().unwrap_or_default());
            return Err(errs);
        }
    };
    if let Some(k) = &meta.kind {
        let expected = kind.name();
        if k != expected {
            return Err(vec![
                doc.error(
                    doc.span("kind"),
                    format!("`kind: {k}` contradicts the folder, which makes this a {expected}"),
                )
                .with_help(format!(
                    "remove `kind`, or move the file to the folder of {k} pages"
                )),
            ]);
        }
    }
    Ok((meta, data))
}

fn load_yaml<T: serde::de::DeserializeOwned>(rel: &str, text: &str) -> Result<T, Vec<Diagnostic>> {
    let doc = YamlDoc::parse(rel, text, text, 0).map_err(|d| vec![d])?;
    doc.deserialize()
}

/// A YAML list whose items are checked one by one, so every bad item is
/// reported, not only the first.
fn load_list<T: serde::de::DeserializeOwned>(doc: &YamlDoc<'_>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let (ok, errors) = split_results(load_list_items(doc)?);
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// Each item of a YAML list, typed on its own.
fn load_list_items<T: serde::de::DeserializeOwned>(
    doc: &YamlDoc<'_>,
) -> Result<Vec<Result<T, Vec<Diagnostic>>>, Vec<Diagnostic>> {
    let items = match doc.value() {
        Value::Sequence(items) => items.clone(),
        Value::Null => Vec::new(),
        _ => {
            return Err(vec![doc.error(
                doc.span(""),
                "expected a list of entries (`- key: value` items)",
            )]);
        }
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, v)| doc.deserialize_at(v, &format!("[{i}]"), &[]))
        .collect())
}

/// The good entries of a YAML map and the problems of the others.
type MapLoad<T> = (BTreeMap<String, T>, Vec<Diagnostic>);

/// A YAML map whose entries are checked one by one.
fn load_map<T: serde::de::DeserializeOwned>(
    doc: &YamlDoc<'_>,
) -> Result<MapLoad<T>, Vec<Diagnostic>> {
    let entries = match doc.value() {
        Value::Mapping(m) => m.clone(),
        Value::Null => Mapping::new(),
        _ => {
            return Err(vec![
                doc.error(doc.span(""), "expected a map of `key: entry` items"),
            ]);
        }
    };
    let results = entries
        .into_iter()
        .map(|(k, v)| match k {
            Value::String(key) => doc.deserialize_at(v, &key, &[]).map(|entry| (key, entry)),
            other => Err(vec![doc.error(
                doc.span(""),
                format!("keys must be strings, found {other:?}"),
            )]),
        })
        .collect();
    let (pairs, errors) = split_results(results);
    Ok((pairs.into_iter().collect(), errors))
}

fn split_results<T>(results: Vec<Result<T, Vec<Diagnostic>>>) -> (Vec<T>, Vec<Diagnostic>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(ds) => errors.extend(ds),
        }
    }
    (ok, errors)
}

fn load_events(rel: &str, text: &str, case: Option<String>) -> Result<Loaded, Vec<Diagnostic>> {
    let doc = YamlDoc::parse(rel, text, text, 0).map_err(|d| vec![d])?;
    let list: Vec<EventFm> = load_list(&doc)?;
    let locator = Arc::new(doc.locator());
    Ok(Loaded::Events(
        list.into_iter()
            .enumerate()
            .map(|(i, fm)| make_event(fm, case.clone(), rel, format!("[{i}]"), &locator))
            .collect(),
    ))
}

fn make_event(
    fm: EventFm,
    case: Option<String>,
    file: &str,
    yaml_path: String,
    locator: &Arc<Locator>,
) -> Event {
    let anchor = match &fm.id {
        Some(id) => id.clone(),
        None => format!("{}-{}", fm.date, slugify(&fm.title)),
    };
    let span = locator.span(&yaml_path);
    Event {
        fm,
        case,
        anchor,
        file: file.to_string(),
        yaml_path,
        line: span.line,
        col: span.col,
        locator: Arc::clone(locator),
    }
}

/// `content/references.bib`: a BibTeX or BibLaTeX bibliography.
fn load_bibtex(rel: &str, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let library = hayagriva::io::from_biblatex_str(text).map_err(|errors| {
        errors
            .iter()
            .map(|e| {
                let offset = match e {
                    hayagriva::io::BibLaTeXError::Parse(p) => p.span.start,
                    hayagriva::io::BibLaTeXError::Type(t) => t.span.start,
                };
                let (line, col) = line_col(text, offset);
                Diagnostic::error(Span::new(rel, line, col), format!("BibTeX: {e}"))
                    .with_source(text)
            })
            .collect::<Vec<_>>()
    })?;
    let refs = library
        .iter()
        .map(|e| (e.key().to_string(), Reference::from_entry(e)))
        .collect();
    Ok(Loaded::References(
        refs,
        Locator::default(),
        Vec::new(),
        Some(Box::new(library)),
    ))
}

/// A slug made from free text (for anchors and heading ids).
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    let mut s: String = trimmed.chars().take(60).collect();
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() { "section".into() } else { s }
}

/// The latest date of the knowledge base's facts (events, periods, plain
/// pages' dates), to which `present` is drawn. When a page was last revised
/// (`updated`) is no fact of a case and leaves timelines alone.
pub(crate) fn latest_date(pages: &[Page], events: &[Event]) -> PartialDate {
    let mut dates: Vec<PartialDate> = events.iter().map(|e| e.fm.date).collect();
    for p in pages {
        let period = match &p.data {
            PageData::Case(c) => c.period,
            PageData::Stage(s) => s.fm.period,
            PageData::Page(pg) => {
                dates.extend(pg.date);
                None
            }
            _ => None,
        };
        if let Some(per) = period {
            dates.push(per.from);
            if let PeriodEnd::Date(d) = per.to {
                dates.push(d);
            }
        }
    }
    dates.into_iter().max().unwrap_or(PartialDate {
        year: 1970,
        month: None,
        day: None,
    })
}

/// Loads one Markdown page again after an edit (`rel` is `content/…`).
/// `None` when the file is no longer a page that loads cleanly (it failed,
/// became a draft or changed kind): the caller then rebuilds everything.
pub(crate) fn reload_page(root: &Path, rel: &str, drafts: bool) -> Option<Page> {
    match load_file(rel, &root.join(rel), drafts, &[]) {
        Ok(Loaded::Page(p)) => Some(*p),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split_keeps_body_offset_with_crlf_and_bom() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let (yaml, start) = split_front_matter("a.md", text).unwrap();
        assert_eq!(yaml, "title: A\r\n");
        assert_eq!(&text[start..], "Body\r\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split_front_matter("a.md", "---\ntitle: A\n").unwrap_err();
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn slugify_makes_anchor_ids() {
        assert_eq!(slugify("Entry — flow expansion!"), "entry-flow-expansion");
        assert_eq!(slugify("B2C"), "b2c");
    }
}
