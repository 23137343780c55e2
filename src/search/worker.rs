//! The search index of `serve`, built on its own thread after each build
//! so it never delays a page.

use super::{Html, ShardCache};
use crate::diagnostics::Diagnostic;
use crate::fs;
use crate::output::{inside, io_diag};
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// What the search worker indexes: HTML files of the site, read from disk,
/// one index per language.
pub(crate) struct IndexRequest {
    pub parts: Vec<IndexPart>,
}

/// One language's index: its folder (the site, or `<site>/ru`), its pages
/// (relative to that folder) and its language.
pub(crate) struct IndexPart {
    pub site: PathBuf,
    pub files: Vec<String>,
    pub language: String,
}

/// Quiet time after a build before indexing starts: a burst of edits
/// indexes once.
const INDEX_AFTER: Duration = Duration::from_millis(50);

/// Builds the Pagefind index on its own thread, newest request first: a
/// request arriving while it indexes abandons the older one.
pub(crate) struct SearchWorker {
    tx: mpsc::Sender<IndexRequest>,
    /// Held while the worker writes into the site's folder; a full build
    /// holds it too, so the folder is never swapped under those writes.
    site: Arc<Mutex<()>>,
}

/// How an indexing run ended.
enum Indexed {
    /// Pages indexed, shards in all, shards indexed anew.
    Done(usize, usize, usize),
    /// A newer request came in first; it is indexed instead.
    Superseded(IndexRequest),
}

impl SearchWorker {
    pub(crate) fn start() -> SearchWorker {
        let (tx, rx) = mpsc::channel::<IndexRequest>();
        let site = Arc::new(Mutex::new(()));
        let writing = Arc::clone(&site);
        std::thread::spawn(move || {
            // One cache of shards per language's folder.
            let mut caches: std::collections::HashMap<PathBuf, Arc<ShardCache>> =
                std::collections::HashMap::new();
            let mut next = rx.recv().ok();
            while let Some(mut req) = next.take() {
                while let Ok(newer) = rx.recv_timeout(INDEX_AFTER) {
                    req = newer;
                }
                next = index_parts(&req, &rx, &mut caches, &writing);
            }
        });
        SearchWorker { tx, site }
    }

    /// Keeps the worker from writing into the site's folder until the
    /// guard is dropped.
    pub(crate) fn hold_site(&self) -> MutexGuard<'_, ()> {
        self.site.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn request(&self, req: IndexRequest) {
        let _ = self.tx.send(req);
    }
}

/// What changes when a written file does: its modification time and length.
fn stamp(path: &Path) -> Option<u64> {
    let meta = std::fs::metadata(path).ok()?;
    let mut h = DefaultHasher::new();
    meta.modified().ok()?.hash(&mut h);
    meta.len().hash(&mut h);
    Some(h.finish())
}

/// Indexes each language of a request in turn; the newer request that
/// superseded it, if any.
fn index_parts(
    req: &IndexRequest,
    rx: &mpsc::Receiver<IndexRequest>,
    caches: &mut std::collections::HashMap<PathBuf, Arc<ShardCache>>,
    writing: &Mutex<()>,
) -> Option<IndexRequest> {
    let (mut pages, mut shards, mut indexed) = (0, 0, 0);
    for part in &req.parts {
        let cache = caches.entry(part.site.clone()).or_default();
        match index_site(part, rx, cache, writing) {
            Ok(Indexed::Superseded(newer)) => return Some(newer),
            Ok(Indexed::Done(p, s, i)) => {
                pages += p;
                shards += s;
                indexed += i;
            }
            Err(d) => {
                eprint!("{}", d.render());
                return rx.recv().ok();
            }
        }
    }
    println!("search index updated ({pages} pages; {indexed} of {shards} shards indexed again)");
    rx.recv().ok()
}

/// Indexes the site's pages and replaces its `pagefind/` files.
fn index_site(
    req: &IndexPart,
    rx: &mpsc::Receiver<IndexRequest>,
    cache: &Arc<ShardCache>,
    site: &Mutex<()>,
) -> Result<Indexed, Diagnostic> {
    if !req
        .site
        .join(super::BUNDLE)
        .join("pagefind-entry.json")
        .is_file()
    {
        cache.clear();
    }
    let mut indexer =
        super::Indexer::start(&req.language, req.files.len(), Some(Arc::clone(cache)));
    for file in &req.files {
        if let Ok(newer) = rx.try_recv() {
            indexer.abandon();
            return Ok(Indexed::Superseded(newer));
        }
        let path = req.site.join(file);
        if let Some(stamp) = stamp(&path) {
            let url = format!("/{}", file.trim_end_matches("index.html"));
            indexer.add(url, Html::File { path, stamp });
        }
    }
    let done = indexer.finish()?;
    let _writing = site.lock().unwrap_or_else(PoisonError::into_inner);
    let bundle = req.site.join(super::BUNDLE);
    let mut keep = HashSet::new();
    for o in &done.files {
        let path = inside(&req.site, &o.path)?;
        fs::write_if_changed(&path, &o.bytes).map_err(|e| io_diag(&e))?;
        keep.insert(o.path.clone());
    }
    keep.extend(done.kept);
    cache.written(done.shards);
    for old in fs::list_files(&bundle) {
        let rel = format!("{}/{old}", super::BUNDLE);
        if !keep.contains(&rel) {
            fs::remove_file(&bundle.join(&old)).map_err(|e| io_diag(&e))?;
        }
    }
    Ok(Indexed::Done(req.files.len(), done.shards, done.indexed))
}
