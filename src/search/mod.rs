//! The client-side search index, built with Pagefind from the rendered
//! pages in memory while the rest of the site is still rendering.

pub(crate) mod worker;

use crate::diagnostics::{Diagnostic, Span};
use crate::output::Output;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Folder of the index and of Pagefind's own scripts in the output.
pub(crate) const BUNDLE: &str = "pagefind";

/// Pages waiting to be indexed; rendering blocks when this many queue up,
/// so memory stays bounded.
const QUEUE: usize = 256;

/// Feeds pages to Pagefind on its own thread.
pub(crate) struct Indexer {
    tx: SyncSender<(String, String)>,
    worker: JoinHandle<Result<Vec<Output>, String>>,
    /// Set when the index is no longer wanted: the thread stops early.
    stop: Arc<AtomicBool>,
}

impl Indexer {
    /// Starts the indexing thread. `language` is the site's BCP 47 tag.
    pub(crate) fn start(language: &str) -> Indexer {
        let (tx, rx) = sync_channel(QUEUE);
        let lang: String = language.split('-').next().unwrap_or("en").to_lowercase();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let worker = std::thread::spawn(move || index(rx, lang, &flag));
        Indexer { tx, worker, stop }
    }

    /// Drops the index being built without waiting for it.
    pub(crate) fn abandon(self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Queues a page: `url` is its path from the site root (`/cases/x/`).
    pub(crate) fn add(&self, url: String, html: String) {
        // A send fails only if the worker stopped; `finish` reports why.
        let _ = self.tx.send((url, html));
    }

    /// Waits for the index and returns its files, paths under the output.
    pub(crate) fn finish(self) -> Result<Vec<Output>, Diagnostic> {
        drop(self.tx);
        let failed = |msg: String| {
            Diagnostic::error(Span::new("search index", 1, 1), msg).with_help(
                "build with `--no-search` (or `search: false` in casebook.yaml) to skip the index",
            )
        };
        match self.worker.join() {
            Ok(Ok(files)) => Ok(files),
            Ok(Err(e)) => Err(failed(format!("building the search index failed: {e}"))),
            Err(_) => Err(failed("the search indexer stopped unexpectedly".into())),
        }
    }
}

fn index(
    rx: Receiver<(String, String)>,
    lang: String,
    stop: &AtomicBool,
) -> Result<Vec<Output>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let options = PagefindServiceConfig::builder()
        .force_language(lang)
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut problem = None;
        for (url, html) in rx {
            if stop.load(Ordering::Relaxed) {
                return Err("abandoned".into());
            }
            if problem.is_none()
                && let Err(e) = index.add_html_file(None, Some(url.clone()), html).await
            {
                problem = Some(format!("{url}: {e}"));
            }
        }
        if let Some(p) = problem {
            return Err(p);
        }
        if stop.load(Ordering::Relaxed) {
            return Err("abandoned".into());
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok(files
            .into_iter()
            .map(|f| Output {
                path: format!("{BUNDLE}/{}", f.filename.to_string_lossy()),
                bytes: f.contents,
            })
            .collect())
    })
}
