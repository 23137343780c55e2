//! `serve`'s rebuilds. The first build keeps what it computed; after an
//! edit of existing pages' Markdown, only the pages whose output can change
//! are rendered again, and only files whose bytes changed are written. Any
//! other change (a new or deleted file, data, templates, configuration, a
//! front-matter edit that moves pages around) runs a full build. The search
//! index is built afterwards on its own thread, so it never delays a page.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{Neighbours, Resolver};
use crate::model::{Kind, Page, PageId};
use crate::output::Output;
use crate::output::{inside, io_diag};
use crate::pipeline::{BuildOptions, Built, Failure, build_keeping};
use crate::render::feeds::SitemapEntry;
use crate::render::{Job, Plan, jobs, render_pages, site_files};
use crate::{checks, fs, site, source};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

/// Size and modification time of a source file.
type Stamp = (u64, Option<SystemTime>);

/// How a rebuild went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Every page was rendered (`false`: only the affected ones).
    pub full: bool,
    /// Pages rendered.
    pub rendered: usize,
    /// Files whose bytes changed and were written.
    pub written: usize,
}

/// What the last successful build left, ready for the next edit.
struct State {
    built: Built,
    /// Source file (`content/…`) → page.
    files: HashMap<String, PageId>,
    entries: BTreeMap<String, SitemapEntry>,
}

/// The builds of one `serve` run, in its scratch directory.
pub struct Session {
    opts: BuildOptions,
    state: Option<State>,
    stamps: HashMap<PathBuf, Stamp>,
    search: Option<SearchWorker>,
}

/// A page edit the incremental path can take.
struct Edit {
    id: PageId,
    page: Page,
    /// The front matter changed, not only the Markdown body.
    front_matter: bool,
}

impl Session {
    /// A session building into `opts.output`; `opts.index` is ignored: the
    /// search index is built in the background after each build.
    pub fn new(opts: BuildOptions) -> Session {
        let search = opts.search.then(SearchWorker::start);
        Session {
            opts: BuildOptions {
                index: false,
                ..opts
            },
            state: None,
            stamps: HashMap::new(),
            search,
        }
    }

    /// Builds everything, keeping the result for the next edit.
    pub fn full_build(&mut self) -> Result<Outcome, Failure> {
        self.state = None;
        self.stamps = stamps(&self.opts.root);
        let (summary, mut built) = build_keeping(&self.opts)?;
        let files = built
            .kb
            .pages
            .iter()
            .enumerate()
            .map(|(id, p)| (p.source.file.clone(), id))
            .collect();
        let entries = std::mem::take(&mut built.entries)
            .into_iter()
            .map(|e| (e.file.clone(), e))
            .collect();
        let rendered = built.jobs.len();
        self.state = Some(State {
            built,
            files,
            entries,
        });
        self.index_later();
        Ok(Outcome {
            full: true,
            rendered,
            written: summary.files,
        })
    }

    /// Rebuilds after the watcher reported `paths`. `None` when none of them
    /// really changed (a read, or an editor's temporary file).
    pub fn changed(&mut self, paths: &[PathBuf]) -> Option<Result<Outcome, Failure>> {
        let mut edited = Vec::new();
        let mut structural = false;
        for path in paths.iter().collect::<BTreeSet<_>>() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let in_content = path.starts_with(self.opts.root.join("content"));
            if source::is_ignored(name)
                || (in_content && !path.is_dir() && !source::is_content_file(name))
            {
                continue;
            }
            match fs::metadata(path) {
                Some(m) if m.is_dir() => {}
                Some(m) => {
                    let now = (m.len(), m.modified().ok());
                    match self.stamps.get(path) {
                        Some(old) if *old == now => {}
                        Some(_) => edited.push(path.clone()),
                        None => structural = true,
                    }
                }
                None => structural |= self.stamps.contains_key(path),
            }
        }
        if !structural && edited.is_empty() {
            return None;
        }
        if !structural && let Some(outcome) = self.try_pages(&edited) {
            for path in &edited {
                if let Some(m) = fs::metadata(path) {
                    self.stamps
                        .insert(path.clone(), (m.len(), m.modified().ok()));
                }
            }
            return Some(outcome);
        }
        Some(self.full_build())
    }

    fn search_page(&self, built: &Built) -> bool {
        self.opts.search && built.kb.config.search
    }

    /// The incremental path: `None` when these edits need a full build.
    fn try_pages(&mut self, paths: &[PathBuf]) -> Option<Result<Outcome, Failure>> {
        let edits = self.edits(paths)?;
        let result = self.apply(edits);
        if !matches!(result, Some(Ok(_))) {
            // A failed or refused update leaves the kept state half
            // changed: the next change builds everything again.
            self.state = None;
        }
        if matches!(result, Some(Ok(_))) {
            self.index_later();
        }
        result
    }

    /// Reloads each edited page; `None` unless every one is an existing
    /// page whose edit cannot change which pages exist or where.
    fn edits(&self, paths: &[PathBuf]) -> Option<Vec<Edit>> {
        let st = self.state.as_ref()?;
        let mut edits = Vec::new();
        for path in paths {
            let rel = path.strip_prefix(&self.opts.root).ok()?;
            let rel: Vec<&str> = rel
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<_>>()?;
            let rel = rel.join("/");
            let &id = st.files.get(&rel)?;
            let page = source::reload_page(&self.opts.root, &rel, self.opts.drafts)?;
            let old = &st.built.kb.pages[id];
            if page.kind != old.kind || page.path != old.path || page.broken || old.broken {
                return None;
            }
            let front_matter = front(old) != front(&page);
            // Cases carry events, frameworks their dimensions, entities
            // the aliases links resolve by, sections and the home page the
            // titles of breadcrumbs: their front matter reaches everywhere.
            if front_matter
                && (!matches!(page.kind, Kind::Page | Kind::Stage)
                    || page.meta.redirect_from != old.meta.redirect_from)
            {
                return None;
            }
            edits.push(Edit {
                id,
                page,
                front_matter,
            });
        }
        Some(edits)
    }

    /// Renders again what the edits can change.
    fn apply(&mut self, edits: Vec<Edit>) -> Option<Result<Outcome, Failure>> {
        let search_page = self.opts.search;
        let output = self.opts.output.clone();
        let st = self.state.as_mut()?;
        let broad = edits.iter().any(|e| e.front_matter);
        let links = &st.built.links;
        let mut dirty: HashSet<PageId> = HashSet::new();
        let mut wanted: HashSet<PageId> = HashSet::new();
        for e in &edits {
            dirty.insert(e.id);
            wanted.insert(e.id);
            // Backlinks quote the linking sentence: the old and new targets.
            wanted.extend(&links.out[e.id]);
            if e.front_matter {
                // Link text and previews of pages linking here show the title.
                dirty.extend(&links.into[e.id]);
                wanted.extend(&links.into[e.id]);
            }
        }
        let kb = &mut st.built.kb;
        for e in edits {
            kb.pages[e.id] = e.page;
        }
        if source::latest_date(&kb.pages, &kb.events) != kb.latest {
            return None;
        }
        let kb = &st.built.kb;
        let search_page = search_page && kb.config.search;
        let resolver = Resolver::new(kb, &st.built.assets);
        let (problems, graph) = checks::validate(kb, &resolver);
        let mut diags = problems;
        let links_before: Vec<_> = dirty
            .iter()
            .map(|&id| st.built.cache.links_of(id))
            .collect();
        let reuse = site::Reuse {
            cache: std::mem::take(&mut st.built.cache),
            dirty: &dirty,
            data_dirty: false,
        };
        let prep = site::prepare(
            kb,
            &resolver,
            graph,
            &st.built.theme.shortcodes,
            &mut diags,
            Some(reuse),
        );
        let mut all = Diagnostics::default();
        all.extend(diags);
        if all.has_errors() {
            return Some(Err(Failure::Content(all.into_sorted())));
        }
        // Which pages exist (tags, redirects, pagination) depends only on
        // front matter.
        if broad && jobs(&prep, search_page) != st.built.jobs {
            return None;
        }
        let links_after: Vec<_> = dirty
            .iter()
            .map(|&id| site::body_links(&prep.bodies[id]))
            .collect();
        let neighbours = Neighbours::of(&prep.graph, kb.pages.len());
        for &id in &dirty {
            wanted.extend(&neighbours.out[id]);
        }
        if broad {
            for (id, p) in kb.pages.iter().enumerate() {
                let listing = matches!(
                    p.kind,
                    Kind::Home | Kind::Section | Kind::Framework | Kind::Comparison
                );
                if listing || !prep.shortcodes[id].is_empty() {
                    wanted.insert(id);
                }
            }
            for &id in &dirty {
                let path = &kb.pages[id].path;
                // The case of a stage and its sibling stages (previous/next).
                if let Some((parent, _)) = path.rsplit_once('/') {
                    wanted.extend(kb.stages_of(parent).iter().map(|(s, _, _)| *s));
                    wanted.extend(kb.by_path.get(parent));
                }
            }
        }
        let only = |job: &Job| match job {
            Job::Page(id) => wanted.contains(id),
            Job::References | Job::Glossary => true,
            Job::FrameworkPage(id, _) => broad || wanted.contains(id),
            Job::Redirect(id, _) => broad && dirty.contains(id),
            Job::NotFound | Job::Search => false,
            // The map draws the links between pages.
            Job::Map => broad || links_before != links_after,
            _ => broad,
        };
        let written = AtomicUsize::new(0);
        let emit = |o: Output| {
            let path = inside(&output, &o.path)?;
            if fs::write_if_changed(&path, &o.bytes).map_err(|e| io_diag(&e))? {
                written.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        };
        let wanted_jobs: Vec<Job> = st.built.jobs.iter().filter(|j| only(j)).cloned().collect();
        let plan = Plan {
            search_page,
            index: false,
            jobs: Some(&wanted_jobs),
        };
        let rendered = wanted_jobs.len();
        let done = match render_pages(&prep, &st.built.theme, &plan, &emit) {
            Ok(done) => done,
            Err(errors) => return Some(Err(Failure::Content(errors))),
        };
        for e in done.entries {
            st.entries.insert(e.file.clone(), e);
        }
        // The feed and sitemap show front matter only; the link graph also
        // the links of bodies.
        let errors = if broad {
            let mut entries: Vec<SitemapEntry> = st.entries.values().cloned().collect();
            site_files(&prep, &mut entries, &emit)
        } else if links_before != links_after {
            let graph = Output {
                path: "graph.json".into(),
                bytes: crate::render::feeds::graph_json(&prep).into_bytes(),
            };
            emit(graph).err().into_iter().collect()
        } else {
            Vec::new()
        };
        if !errors.is_empty() {
            return Some(Err(Failure::Content(errors)));
        }
        st.built.cache = prep.into_cache();
        st.built.links = neighbours;
        Some(Ok(Outcome {
            full: false,
            rendered,
            written: written.into_inner(),
        }))
    }

    /// Asks the search worker for a fresh index of the current pages.
    fn index_later(&self) {
        if let (Some(worker), Some(st)) = (&self.search, &self.state)
            && self.search_page(&st.built)
        {
            worker.request(IndexRequest {
                site: self.opts.output.clone(),
                files: st.built.searchable.clone(),
                language: st.built.kb.config.language.clone(),
            });
        }
    }
}

/// The front matter of a page, as written.
fn front(p: &Page) -> &str {
    &p.source.text[..p.source.body_start]
}

/// Stamps of every watched source file.
pub fn stamps(root: &Path) -> HashMap<PathBuf, Stamp> {
    let mut files = HashMap::new();
    for dir in ["content", "themes", "templates", "static", "casebook.yaml"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                files.insert(
                    entry.path().to_path_buf(),
                    (meta.len(), meta.modified().ok()),
                );
            }
        }
    }
    files
}

/// What the search worker indexes: HTML files of the site, read from disk.
struct IndexRequest {
    site: PathBuf,
    files: Vec<String>,
    language: String,
}

/// Quiet time after a build before indexing starts: a burst of edits
/// indexes once.
const INDEX_AFTER: Duration = Duration::from_millis(500);

/// Builds the Pagefind index on its own thread, newest request first: a
/// request arriving while it indexes abandons the older one.
struct SearchWorker {
    tx: mpsc::Sender<IndexRequest>,
}

/// How an indexing run ended.
enum Indexed {
    Done(usize),
    /// A newer request came in first; it is indexed instead.
    Superseded(IndexRequest),
}

impl SearchWorker {
    fn start() -> SearchWorker {
        let (tx, rx) = mpsc::channel::<IndexRequest>();
        std::thread::spawn(move || {
            let mut next = rx.recv().ok();
            while let Some(mut req) = next.take() {
                while let Ok(newer) = rx.recv_timeout(INDEX_AFTER) {
                    req = newer;
                }
                next = match index_site(&req, &rx) {
                    Ok(Indexed::Superseded(newer)) => Some(newer),
                    Ok(Indexed::Done(n)) => {
                        println!("search index updated ({n} pages)");
                        rx.recv().ok()
                    }
                    Err(d) => {
                        eprint!("{}", d.render());
                        rx.recv().ok()
                    }
                };
            }
        });
        SearchWorker { tx }
    }

    fn request(&self, req: IndexRequest) {
        let _ = self.tx.send(req);
    }
}

/// Indexes the site's pages and replaces its `pagefind/` files.
fn index_site(
    req: &IndexRequest,
    rx: &mpsc::Receiver<IndexRequest>,
) -> Result<Indexed, Diagnostic> {
    let indexer = crate::search::Indexer::start(&req.language);
    for file in &req.files {
        if let Ok(newer) = rx.try_recv() {
            indexer.abandon();
            return Ok(Indexed::Superseded(newer));
        }
        if let Ok(html) = fs::read_text(&req.site.join(file), file) {
            indexer.add(format!("/{}", file.trim_end_matches("index.html")), html);
        }
    }
    let outputs = indexer.finish()?;
    let bundle = req.site.join(crate::search::BUNDLE);
    let mut keep = HashSet::new();
    for o in &outputs {
        let path = inside(&req.site, &o.path)?;
        fs::write_if_changed(&path, &o.bytes).map_err(|e| io_diag(&e))?;
        keep.insert(o.path.clone());
    }
    for old in fs::list_files(&bundle) {
        let rel = format!("{}/{old}", crate::search::BUNDLE);
        if !keep.contains(&rel) {
            fs::remove_file(&bundle.join(&old)).map_err(|e| io_diag(&e))?;
        }
    }
    Ok(Indexed::Done(req.files.len()))
}
