//! `serve`'s rebuilds. The first build keeps what it computed; after an
//! edit of existing pages' Markdown, only the pages whose output can change
//! are rendered again, and only files whose bytes changed are written. Any
//! other change (a new or deleted file, data, templates, configuration, a
//! front-matter edit that moves pages around) runs a full build. In a site
//! of several languages, an edit reaches the edited page in every language
//! it shows in. The search index of every language is built afterwards on
//! its own thread, so it never delays a page.

use crate::links::Neighbours;
use crate::model::{Kind, Page, PageId, PageLang};
use crate::output::{Output, inside, io_diag};
use crate::pipeline::{
    BuildOptions, Built, Failure, Model, Selection, Sink, SiteFiles, analyse_and_emit,
    build_keeping,
};
use crate::render::{Job, Plan, jobs};
use crate::search::worker::{IndexPart, IndexRequest, SearchWorker};
use crate::site::{Prepared, Reuse};
use crate::source::Translation;
use crate::translate;
use crate::{fs, site, source};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

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
        let writing = self.search.as_ref().map(SearchWorker::hold_site);
        let (summary, built) = build_keeping(&self.opts)?;
        drop(writing);
        let files = built
            .kb
            .pages_with_ids()
            .map(|(id, p)| (p.source.file.clone(), id))
            .collect();
        let rendered = built.jobs.len();
        self.state = Some(State { built, files });
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
        let (edits, translations) = self.edits(paths)?;
        let result = self.apply_all(edits, translations);
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

    /// Applies each language's edits, the default language first: a
    /// translated page must match its original's new body.
    fn apply_all(
        &mut self,
        mut edits: Vec<Vec<Edit>>,
        translations: Vec<Translation>,
    ) -> Option<Result<Outcome, Failure>> {
        let search = self.opts.search;
        let output = self.opts.output.clone();
        let st = self.state.as_mut()?;
        let mut total = Outcome {
            full: false,
            rendered: 0,
            written: 0,
        };
        let first = std::mem::take(&mut edits[0]);
        if !first.is_empty() {
            match apply(&mut st.built, first, search, &output, false)? {
                Ok(o) => total.add(&o),
                Err(f) => return Some(Err(f)),
            }
        }
        for (other, edits) in st.built.others.iter_mut().zip(edits.into_iter().skip(1)) {
            if edits.is_empty() {
                continue;
            }
            let mut edits = edits;
            for e in &mut edits {
                if let PageLang::Translated(o) = &mut e.page.lang {
                    o.body = st.built.cache.signature_of(&st.built.kb, e.id);
                }
            }
            let dir = output.join(&other.kb.config.language);
            match apply(other, edits, search, &dir, true)? {
                Ok(o) => total.add(&o),
                Err(f) => return Some(Err(f)),
            }
        }
        for tr in translations {
            match st.built.translations.iter_mut().find(|t| t.file == tr.file) {
                Some(kept) => *kept = tr,
                None => st.built.translations.push(tr),
            }
        }
        Some(Ok(total))
    }

    /// Reloads each edited page, per language (the default first, then
    /// each further one): an original reaches its translation or fallback
    /// in every language, a translation its own language. `None` unless
    /// every edit is of an existing page and cannot change which pages
    /// exist or where. Also the translations as now written.
    fn edits(&self, paths: &[PathBuf]) -> Option<(Vec<Vec<Edit>>, Vec<Translation>)> {
        let st = self.state.as_ref()?;
        let built = &st.built;
        let drafts = self.opts.drafts;
        let mut by_lang: Vec<Vec<Edit>> = (0..=built.others.len()).map(|_| Vec::new()).collect();
        let mut written = Vec::new();
        for path in paths {
            let rel = path.strip_prefix(&self.opts.root).ok()?;
            let rel: Vec<&str> = rel
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<_>>()?;
            let rel = rel.join("/");
            if let Some((code, original)) = source::translation_of(&rel) {
                let i = built
                    .others
                    .iter()
                    .position(|o| o.kb.config.language == code)?;
                let &id = st.files.get(&original)?;
                let tr = Translation {
                    lang: code.to_string(),
                    file: rel.clone(),
                    original,
                    text: fs::read_text(path, &rel).ok()?,
                };
                let page = translate::page_translation(&built.kb.pages[id], &tr, drafts).ok()??;
                let old = &built.others[i].kb.pages[id];
                by_lang[i + 1].push(edit_of(id, old, page, None)?);
                written.push(tr);
                continue;
            }
            let &id = st.files.get(&rel)?;
            let page = source::reload_page(&self.opts.root, &rel, drafts)?;
            let edit = edit_of(id, &built.kb.pages[id], page, None)?;
            for (i, other) in built.others.iter().enumerate() {
                let code = &other.kb.config.language;
                let tr = built
                    .translations
                    .iter()
                    .find(|t| &t.lang == code && t.original == rel);
                let translated = match tr {
                    Some(tr) => translate::page_translation(&edit.page, tr, drafts).ok()?,
                    None => None,
                };
                let page = translated.unwrap_or_else(|| Page {
                    lang: PageLang::Fallback,
                    ..edit.page.clone()
                });
                let old = &other.kb.pages[id];
                by_lang[i + 1].push(edit_of(id, old, page, Some(edit.front_matter))?);
            }
            by_lang[0].push(edit);
        }
        Some((by_lang, written))
    }

    /// Asks the search worker for a fresh index of the current pages.
    fn index_later(&self) {
        if let (Some(worker), Some(st)) = (&self.search, &self.state)
            && self.search_page(&st.built)
        {
            let part = |b: &Built, site: PathBuf| IndexPart {
                site,
                files: b.searchable.clone(),
                language: b.kb.config.language.clone(),
            };
            let mut parts = vec![part(&st.built, self.opts.output.clone())];
            for other in &st.built.others {
                let dir = self.opts.output.join(&other.kb.config.language);
                parts.push(part(other, dir));
            }
            worker.request(IndexRequest { parts });
        }
    }
}

/// Renders again what the edits of one language's pages can change, into
/// `output` (the site, or its `<code>/` folder); `translation` for a further
/// language.
fn apply(
    built: &mut Built,
    edits: Vec<Edit>,
    search_page: bool,
    output: &Path,
    translation: bool,
) -> Option<Result<Outcome, Failure>> {
    let edited: Vec<Edited> = edits
        .iter()
        .map(|e| Edited {
            id: e.id,
            front_matter: e.front_matter,
        })
        .collect();
    let affected = Affected::of(&edited, &built.links);
    let kb = &mut built.kb;
    for e in edits {
        kb.pages[e.id] = e.page;
    }
    if source::latest_date(&kb.pages, &kb.events) != kb.latest {
        return None;
    }
    let search_page = search_page && built.kb.config.search;
    let links_before: Vec<_> = affected
        .dirty
        .iter()
        .map(|&id| built.cache.links_of(id))
        .collect();
    let reuse = Reuse {
        cache: std::mem::take(&mut built.cache),
        dirty: &affected.dirty,
        data_dirty: false,
    };
    let mut entries = std::mem::take(&mut built.entries);
    let model = Model {
        kb: &built.kb,
        assets: &built.assets,
        theme: &built.theme,
        diags: Vec::new(),
        reuse: Some(reuse),
        translation,
    };
    let all_jobs = &built.jobs;
    let select = |prep: &Prepared<'_>, links: &Neighbours| {
        // Which pages exist (tags, redirects, pagination) depends only
        // on front matter.
        if affected.broad && jobs(prep, search_page) != *all_jobs {
            return None;
        }
        let links_after: Vec<_> = affected
            .dirty
            .iter()
            .map(|&id| site::body_links(&prep.bodies[id]))
            .collect();
        let wanted = affected.wanted_after(prep, links);
        let links_changed = links_before != links_after;
        Some(Selection {
            jobs: Some(
                all_jobs
                    .iter()
                    .filter(|j| affected.renders(j, &wanted, links_changed))
                    .cloned()
                    .collect(),
            ),
            site_files: if affected.broad {
                SiteFiles::All
            } else if links_changed {
                SiteFiles::Graph
            } else {
                SiteFiles::None
            },
        })
    };
    let written = AtomicUsize::new(0);
    let emit = |o: Output| {
        let path = inside(output, &o.path)?;
        if fs::write_if_changed(&path, &o.bytes).map_err(|e| io_diag(&e))? {
            written.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    };
    let copy = |_: &str, _: &Path| Ok(());
    let plan = Plan {
        search_page,
        index: false,
        jobs: None,
    };
    let sink = Sink {
        emit: &emit,
        copy: &copy,
    };
    let emitted = match analyse_and_emit(model, plan, &select, &sink, &mut entries) {
        Ok(Some(emitted)) => emitted,
        Ok(None) => return None,
        Err(failure) => return Some(Err(failure)),
    };
    built.entries = entries;
    built.cache = emitted.cache;
    built.links = emitted.links;
    Some(Ok(Outcome {
        full: false,
        rendered: emitted.pages.jobs.len(),
        written: written.into_inner(),
    }))
}

/// The edit of page `id` from `old` to `page`; `None` when it can change
/// which pages exist or where. `front_matter` is given for a language whose
/// page follows an edited original (its own text may be unchanged).
fn edit_of(id: PageId, old: &Page, page: Page, front_matter: Option<bool>) -> Option<Edit> {
    if page.kind != old.kind || page.path != old.path || page.broken || old.broken {
        return None;
    }
    let front_matter = front_matter.unwrap_or_else(|| front(old) != front(&page));
    // Cases carry events, frameworks their dimensions, entities the aliases
    // links resolve by, sections and the home page the titles of
    // breadcrumbs: their front matter reaches everywhere.
    if front_matter
        && (!matches!(page.kind, Kind::Page | Kind::Stage)
            || page.meta.redirect_from != old.meta.redirect_from)
    {
        return None;
    }
    Some(Edit {
        id,
        page,
        front_matter,
    })
}

impl Outcome {
    /// Counts another language's rendering into this one.
    fn add(&mut self, other: &Outcome) {
        self.full |= other.full;
        self.rendered += other.rendered;
        self.written += other.written;
    }
}

/// An edited page, as far as deciding what to render again goes.
#[derive(Debug, Clone, Copy)]
struct Edited {
    id: PageId,
    /// The front matter changed, not only the Markdown body.
    front_matter: bool,
}

/// What a set of page edits makes dirty: a pure function of the edits and
/// the link graph of the last build, so it can be tested on its own.
#[derive(Debug, Default, PartialEq, Eq)]
struct Affected {
    /// Pages whose Markdown renders again.
    dirty: HashSet<PageId>,
    /// Pages whose output may change.
    wanted: HashSet<PageId>,
    /// A front matter changed: lists, feeds and pagination may change.
    broad: bool,
}

impl Affected {
    fn of(edits: &[Edited], links: &Neighbours) -> Affected {
        let mut a = Affected {
            broad: edits.iter().any(|e| e.front_matter),
            ..Affected::default()
        };
        for e in edits {
            a.dirty.insert(e.id);
            a.wanted.insert(e.id);
            // Backlinks quote the linking sentence: the old and new targets.
            a.wanted
                .extend(links.out.get(e.id.index()).into_iter().flatten());
            if e.front_matter {
                // Link text and previews of pages linking here show the title.
                let into = links.into.get(e.id.index()).into_iter().flatten();
                a.dirty.extend(into.clone());
                a.wanted.extend(into);
            }
        }
        a
    }

    /// The wanted pages once the edited pages are rendered again: the
    /// targets of their new links and, after a front-matter edit, the
    /// listing pages, pages with shortcodes, and a stage's case and siblings.
    fn wanted_after(&self, prep: &Prepared<'_>, links: &Neighbours) -> HashSet<PageId> {
        let kb = prep.kb;
        let mut wanted = self.wanted.clone();
        for &id in &self.dirty {
            wanted.extend(&links.out[id]);
        }
        if self.broad {
            for (id, p) in kb.pages_with_ids() {
                let listing = matches!(
                    p.kind,
                    Kind::Home | Kind::Section | Kind::Framework | Kind::Comparison
                );
                if listing || !prep.shortcodes[id].is_empty() {
                    wanted.insert(id);
                }
            }
            for &id in &self.dirty {
                let path = &kb.pages[id].path;
                // The case of a stage and its sibling stages (previous/next).
                if let Some((parent, _)) = path.rsplit_once('/') {
                    wanted.extend(kb.stages_of(parent).iter().map(|(s, _, _)| *s));
                    wanted.extend(kb.by_path.get(parent));
                }
            }
        }
        wanted
    }

    /// Whether `job` renders again, given the wanted pages and whether the
    /// links of an edited body changed.
    fn renders(&self, job: &Job, wanted: &HashSet<PageId>, links_changed: bool) -> bool {
        match job {
            Job::Page(id) => wanted.contains(id),
            Job::References | Job::Glossary => true,
            Job::FrameworkPage(id, _) => self.broad || wanted.contains(id),
            Job::Redirect(id, _) => self.broad && self.dirty.contains(id),
            Job::NotFound | Job::Search => false,
            // The map draws the links between pages.
            Job::Map => self.broad || links_changed,
            _ => self.broad,
        }
    }
}

/// The front matter of a page, as written.
fn front(p: &Page) -> &str {
    &p.source.text[..p.source.body_start]
}

/// The folders of a knowledge base `serve` watches (and `casebook.yaml`).
pub(crate) const WATCHED: &[&str] = &["content", "themes", "templates", "static", "strings"];

/// Stamps of every watched source file.
pub(crate) fn stamps(root: &Path) -> HashMap<PathBuf, Stamp> {
    let mut files = HashMap::new();
    for dir in WATCHED.iter().copied().chain(["casebook.yaml"]) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Page 0 links to 1, page 2 links to 0, page 3 stands alone.
    fn links() -> Neighbours {
        let set = |ids: &[usize]| ids.iter().map(|&i| PageId::new(i)).collect::<BTreeSet<_>>();
        Neighbours {
            out: vec![set(&[1]), set(&[]), set(&[0]), set(&[])],
            into: vec![set(&[2]), set(&[0]), set(&[]), set(&[])],
        }
    }

    fn ids(s: &HashSet<PageId>) -> Vec<usize> {
        let mut v: Vec<usize> = s.iter().map(|id| id.index()).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn a_body_edit_renders_the_page_again_and_wants_its_link_targets() {
        let a = Affected::of(
            &[Edited {
                id: PageId::new(0),
                front_matter: false,
            }],
            &links(),
        );
        assert!(!a.broad);
        assert_eq!(ids(&a.dirty), [0]);
        // Page 1 shows page 0's sentence among its backlinks.
        assert_eq!(ids(&a.wanted), [0, 1]);
    }

    #[test]
    fn a_front_matter_edit_also_renders_the_pages_that_link_to_it() {
        let a = Affected::of(
            &[Edited {
                id: PageId::new(0),
                front_matter: true,
            }],
            &links(),
        );
        assert!(a.broad);
        // Page 2 shows page 0's title as its link text.
        assert_eq!(ids(&a.dirty), [0, 2]);
        assert_eq!(ids(&a.wanted), [0, 1, 2]);
    }

    #[test]
    fn jobs_render_again_only_when_what_they_show_can_change() {
        let body = Affected::of(
            &[Edited {
                id: PageId::new(0),
                front_matter: false,
            }],
            &links(),
        );
        let wanted = body.wanted.clone();
        assert!(body.renders(&Job::Page(PageId::new(1)), &wanted, false));
        assert!(!body.renders(&Job::Page(PageId::new(3)), &wanted, false));
        assert!(body.renders(&Job::References, &wanted, false));
        assert!(!body.renders(&Job::Map, &wanted, false));
        assert!(body.renders(&Job::Map, &wanted, true));
        assert!(!body.renders(
            &Job::Redirect(PageId::new(0), "old/".into()),
            &wanted,
            false
        ));
        assert!(!body.renders(&Job::List(Kind::Case, 1), &wanted, false));
        assert!(!body.renders(&Job::NotFound, &wanted, true));

        let front = Affected::of(
            &[Edited {
                id: PageId::new(0),
                front_matter: true,
            }],
            &links(),
        );
        let wanted = front.wanted.clone();
        assert!(front.renders(
            &Job::Redirect(PageId::new(0), "old/".into()),
            &wanted,
            false
        ));
        assert!(!front.renders(
            &Job::Redirect(PageId::new(3), "old/".into()),
            &wanted,
            false
        ));
        assert!(front.renders(&Job::List(Kind::Case, 1), &wanted, false));
        assert!(front.renders(&Job::Map, &wanted, false));
        assert!(!front.renders(&Job::Search, &wanted, false));
    }
}
