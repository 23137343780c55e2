//! The client-side search index. The searchable pages, in job order, are cut
//! into shards of consecutive pages; each shard is a Pagefind index built on
//! a worker thread while the rest of the site renders, and the browser
//! merges the shards into one search (Pagefind's `mergeIndex`).

pub(crate) mod worker;

use crate::diagnostics::{Diagnostic, Span};
use crate::output::Output;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// Folder of the index and of Pagefind's own scripts in the output.
pub(crate) const BUNDLE: &str = "pagefind";

/// Most pages per shard. A shard is indexed in one piece, so this bounds
/// the memory indexing holds and the work an edit in `serve` redoes; each
/// shard adds one small request per search term in the browser.
const SHARD_PAGES: usize = 500;

/// Postings per chunk of a shard's word index. A query downloads, from
/// every shard, the chunk holding each of its words; Pagefind's default
/// (20,000) suits one index of 10,000 pages, so shards of [`SHARD_PAGES`]
/// use smaller chunks and a query downloads about what one index needs.
pub const CHUNK_SIZE: usize = 2_000;

/// Pagefind reads its chunk size only from this variable; `main` sets it to
/// [`CHUNK_SIZE`] unless it is already set.
pub const CHUNK_SIZE_VAR: &str = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE";

/// The list of shards after the first, under [`BUNDLE`]; the theme's search
/// script reads it and merges them into the first.
pub(crate) const SHARDS_FILE: &str = "shards.json";

/// Most shards indexed at once; with at most two full shards waiting (one
/// in the queue, one being handed over), this bounds the pages held.
const MAX_WORKERS: usize = 4;

/// A searchable page: its path from the site root (`/cases/x/`) and HTML.
pub(crate) type Page = (String, Html);

/// A page's HTML, or where to read it.
#[derive(Hash)]
pub(crate) enum Html {
    Text(String),
    /// A written page, read only if its shard must be indexed again;
    /// `stamp` changes whenever the file does (its modification time and
    /// length), and stands for its content in the shard's cache key.
    File {
        path: PathBuf,
        stamp: u64,
    },
}

/// One shard's pages, numbered from 0.
type Shard = (usize, Vec<Page>);

/// A shard's index: its new files, or the paths of the files an earlier
/// build wrote and the cache vouches for; or why it failed.
type Indexed = Result<ShardFiles, String>;

enum ShardFiles {
    New(Vec<Output>),
    Kept(Vec<String>),
}

/// Shards seen before, by the hash of their pages: `serve` keeps one
/// between builds and re-indexes only the shards that changed. A shard is
/// reused only once its files are written, never from a run that was
/// abandoned before writing them.
#[derive(Default)]
pub(crate) struct ShardCache {
    state: Mutex<CacheState>,
}

/// Shard number → the key of its pages and the paths of its files.
type ShardFilesByKey = HashMap<usize, (u64, Vec<String>)>;

#[derive(Default)]
struct CacheState {
    written: ShardFilesByKey,
    /// Shards indexed by the run under way, not yet written.
    indexed: ShardFilesByKey,
    /// The run under way: a worker of an abandoned run that finishes late
    /// must not record its shard as this run's.
    run: usize,
}

impl ShardCache {
    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The paths of shard `shard`'s files, if its pages still hash to `key`.
    fn get(&self, shard: usize, key: u64) -> Option<Vec<String>> {
        let state = self.state();
        state
            .written
            .get(&shard)
            .filter(|(k, _)| *k == key)
            .map(|(_, paths)| paths.clone())
    }

    /// Records shard `shard` as indexed by run `run`, unless a newer run
    /// has started since.
    fn put(&self, run: usize, shard: usize, key: u64, files: &[Output]) {
        let mut state = self.state();
        if state.run == run {
            let paths = files.iter().map(|f| f.path.clone()).collect();
            state.indexed.insert(shard, (key, paths));
        }
    }

    /// Starts a run: forgets what an abandoned one indexed but never wrote.
    fn next_run(&self) -> usize {
        let mut state = self.state();
        state.indexed.clear();
        state.run += 1;
        state.run
    }

    /// Forgets every shard, once their files are gone (a full rebuild
    /// replaced the site's folder).
    pub(crate) fn clear(&self) {
        self.state().written.clear();
    }

    /// Records that this run's files are written, for a site of `shards`
    /// shards.
    pub(crate) fn written(&self, shards: usize) {
        let mut state = self.state();
        let fresh = std::mem::take(&mut state.indexed);
        state.written.extend(fresh);
        state.written.retain(|&shard, _| shard < shards);
    }
}

/// Feeds pages to Pagefind, a shard at a time, on worker threads.
pub(crate) struct Indexer {
    /// Pages per shard ([`shard_size`]).
    size: usize,
    /// The shard being filled.
    pending: Vec<Page>,
    /// Shards handed to the workers so far.
    shards: usize,
    tx: SyncSender<Shard>,
    done: Receiver<Indexed>,
    workers: Vec<JoinHandle<()>>,
    /// Set when the index is no longer wanted: the workers stop early.
    stop: Arc<AtomicBool>,
    /// Shards indexed rather than taken from the cache.
    indexed: Arc<AtomicUsize>,
}

/// The index files of a finished [`Indexer`].
pub(crate) struct Finished {
    /// Files to write, in an order that never leaves a reader's index
    /// pointing at a file not yet written.
    pub files: Vec<Output>,
    /// Files of reused shards, unchanged since they were last written.
    pub kept: Vec<String>,
    pub shards: usize,
    /// Shards indexed anew; the others came from the cache unchanged.
    pub indexed: usize,
}

impl Indexer {
    /// Starts the workers for `pages` pages. `language` is the site's BCP 47
    /// tag; `cache` holds shards of an earlier build that may be reused.
    pub(crate) fn start(language: &str, pages: usize, cache: Option<Arc<ShardCache>>) -> Indexer {
        let lang: String = language.split('-').next().unwrap_or("en").to_lowercase();
        let run = cache.as_ref().map_or(0, |c| c.next_run());
        let (tx, rx) = sync_channel::<Shard>(1);
        let rx = Arc::new(Mutex::new(rx));
        let (done_tx, done) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let indexed = Arc::new(AtomicUsize::new(0));
        let count = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(MAX_WORKERS);
        let workers = (0..count)
            .map(|_| {
                let (rx, done_tx) = (Arc::clone(&rx), done_tx.clone());
                let ctx = Worker {
                    run,
                    lang: lang.clone(),
                    cache: cache.clone(),
                    stop: Arc::clone(&stop),
                    indexed: Arc::clone(&indexed),
                };
                std::thread::spawn(move || ctx.work(&rx, &done_tx))
            })
            .collect();
        let size = shard_size(pages);
        Indexer {
            size,
            pending: Vec::with_capacity(size),
            shards: 0,
            tx,
            done,
            workers,
            stop,
            indexed,
        }
    }

    /// Drops the index being built without waiting for it.
    pub(crate) fn abandon(self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Queues a page: `url` is its path from the site root (`/cases/x/`).
    /// Blocks while the workers are busy and a full shard already waits.
    pub(crate) fn add(&mut self, url: String, html: Html) {
        self.pending.push((url, html));
        if self.pending.len() == self.size {
            self.send();
        }
    }

    fn send(&mut self) {
        let pages = std::mem::replace(&mut self.pending, Vec::with_capacity(self.size));
        // A send fails only if every worker stopped; `finish` reports why.
        let _ = self.tx.send((self.shards, pages));
        self.shards += 1;
    }

    /// Index files of the shards finished so far, to write them early
    /// (a build, which has no cache, gets every file here or from `finish`).
    pub(crate) fn ready(&self) -> Result<Vec<Output>, Diagnostic> {
        let mut files = Vec::new();
        for shard in self.done.try_iter() {
            if let ShardFiles::New(new) = shard.map_err(failed)? {
                files.extend(new);
            }
        }
        Ok(files)
    }

    /// Waits for the remaining shards and returns their files (paths under
    /// the output, those of [`Indexer::ready`] excepted) and the list of
    /// shards.
    pub(crate) fn finish(mut self) -> Result<Finished, Diagnostic> {
        if !self.pending.is_empty() || self.shards == 0 {
            self.send();
        }
        let Indexer {
            shards,
            tx,
            done,
            workers,
            indexed,
            ..
        } = self;
        drop(tx);
        for worker in workers {
            if worker.join().is_err() {
                return Err(failed("the search indexer stopped unexpectedly".into()));
            }
        }
        let (mut files, mut kept) = (Vec::new(), Vec::new());
        for shard in done.try_iter() {
            match shard.map_err(failed)? {
                ShardFiles::New(new) => files.extend(new),
                ShardFiles::Kept(paths) => kept.extend(paths),
            }
        }
        files.push(shard_list(shards));
        files.sort_by_key(|f| write_order(&f.path));
        Ok(Finished {
            files,
            kept,
            shards,
            indexed: indexed.load(Ordering::Relaxed),
        })
    }
}

/// Pages per shard for a site of `pages` pages: spread evenly over the
/// fewest shards of at most [`SHARD_PAGES`].
fn shard_size(pages: usize) -> usize {
    pages.div_ceil(pages.div_ceil(SHARD_PAGES).max(1)).max(1)
}

fn failed(msg: String) -> Diagnostic {
    Diagnostic::error(
        Span::new("search index", 1, 1),
        format!("building the search index failed: {msg}"),
    )
    .with_help("build with `--no-search` (or `search: false` in casebook.yaml) to skip the index")
}

/// When a file is written among the index files: data before the metadata
/// that names it, metadata before the entry and shard list that name it.
fn write_order(path: &str) -> u8 {
    if path.ends_with(".pf_meta") {
        1
    } else if path.ends_with("pagefind-entry.json") {
        2
    } else if path.ends_with(SHARDS_FILE) {
        3
    } else {
        0
    }
}

/// `shards.json`: the bundle folders of the shards after the first,
/// relative to the first (`["shard-1/", …]`).
fn shard_list(count: usize) -> Output {
    let dirs: Vec<String> = (1..count).map(|n| format!("{}/", shard_dir(n))).collect();
    Output {
        path: format!("{BUNDLE}/{SHARDS_FILE}"),
        bytes: serde_json::to_vec(&dirs).unwrap_or_default(),
    }
}

/// Folder of shard `n` (from 1) under [`BUNDLE`].
fn shard_dir(n: usize) -> String {
    format!("shard-{n}")
}

/// What each worker thread shares with the [`Indexer`].
struct Worker {
    /// The cache's run this worker belongs to.
    run: usize,
    lang: String,
    cache: Option<Arc<ShardCache>>,
    stop: Arc<AtomicBool>,
    indexed: Arc<AtomicUsize>,
}

impl Worker {
    /// Indexes shards until the queue closes or the index is abandoned,
    /// reusing cached shards whose pages did not change.
    fn work(&self, rx: &Mutex<Receiver<Shard>>, done: &Sender<Indexed>) {
        let runtime = match tokio::runtime::Builder::new_current_thread().build() {
            Ok(rt) => rt,
            Err(e) => {
                let _ = done.send(Err(e.to_string()));
                return;
            }
        };
        let cache = self.cache.as_deref();
        loop {
            let next = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
            let Ok((shard, pages)) = next else { return };
            let key = cache.map(|_| shard_key(&self.lang, &pages));
            let reused = cache.zip(key).and_then(|(c, k)| c.get(shard, k));
            let files = match reused {
                Some(paths) => Ok(ShardFiles::Kept(paths)),
                None => {
                    self.indexed.fetch_add(1, Ordering::Relaxed);
                    let files = runtime.block_on(index(shard, read(pages), &self.lang, &self.stop));
                    if let (Ok(files), Some(c), Some(k)) = (&files, cache, key) {
                        c.put(self.run, shard, k, files);
                    }
                    files.map(ShardFiles::New)
                }
            };
            let _ = done.send(files);
        }
    }
}

/// The HTML of `pages`, read from their files where needed (as the build
/// hands it over: any size, invalid UTF-8 replaced); a file that cannot be
/// read is left out, as it is no longer part of the site.
fn read(pages: Vec<Page>) -> Vec<(String, String)> {
    pages
        .into_iter()
        .filter_map(|(url, html)| match html {
            Html::Text(text) => Some((url, text)),
            Html::File { path, .. } => std::fs::read(&path)
                .ok()
                .map(|bytes| (url, String::from_utf8_lossy(&bytes).into_owned())),
        })
        .collect()
}

/// What a shard's index depends on: its number, language and pages.
fn shard_key(lang: &str, pages: &[Page]) -> u64 {
    let mut h = DefaultHasher::new();
    lang.hash(&mut h);
    pages.hash(&mut h);
    h.finish()
}

/// Builds shard `shard`'s Pagefind index. The first shard carries
/// Pagefind's scripts and WebAssembly; the others only their index data,
/// which the first one's scripts load.
async fn index(
    shard: usize,
    pages: Vec<(String, String)>,
    lang: &str,
    stop: &AtomicBool,
) -> Result<Vec<Output>, String> {
    let options = PagefindServiceConfig::builder()
        .force_language(lang.to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
    for (url, html) in pages {
        if stop.load(Ordering::Relaxed) {
            return Err("abandoned".into());
        }
        if let Err(e) = index.add_html_file(None, Some(url.clone()), html).await {
            return Err(format!("{url}: {e}"));
        }
    }
    let files = index.get_files().await.map_err(|e| e.to_string())?;
    let dir = match shard {
        0 => BUNDLE.to_string(),
        n => format!("{BUNDLE}/{}", shard_dir(n)),
    };
    Ok(files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().into_owned();
            (shard == 0 || is_index_data(&name)).then(|| Output {
                path: format!("{dir}/{name}"),
                bytes: f.contents,
            })
        })
        .collect())
}

/// Whether a Pagefind file is index data (entry, metadata, word chunks,
/// filters, fragments) rather than a script, style or WebAssembly module.
fn is_index_data(name: &str) -> bool {
    name == "pagefind-entry.json"
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|dir| name.starts_with(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_reused_only_once_its_files_are_written() {
        let cache = ShardCache::default();
        let files = [Output {
            path: "pagefind/x.pf_meta".into(),
            bytes: Vec::new(),
        }];
        let first = cache.next_run();
        cache.put(first, 0, 7, &files);
        assert_eq!(cache.get(0, 7), None, "indexed but not written yet");
        let second = cache.next_run();
        cache.written(1);
        assert_eq!(
            cache.get(0, 7),
            None,
            "indexed by a run abandoned before writing"
        );
        cache.put(first, 0, 7, &files);
        cache.written(1);
        assert_eq!(
            cache.get(0, 7),
            None,
            "put late by a worker of the abandoned run"
        );
        cache.put(second, 0, 7, &files);
        cache.written(1);
        assert_eq!(
            cache.get(0, 7),
            Some(vec!["pagefind/x.pf_meta".to_string()])
        );
        assert_eq!(cache.get(0, 8), None, "its pages changed");
        cache.written(0);
        assert_eq!(cache.get(0, 7), None, "the site has fewer shards now");
    }

    #[test]
    fn shards_are_even_and_at_most_the_limit() {
        assert_eq!(shard_size(0), 1);
        assert_eq!(shard_size(500), 500);
        assert_eq!(shard_size(501), 251);
        assert_eq!(shard_size(10_013), 477);
    }
}
