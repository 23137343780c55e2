//! Link resolution and the link graph.
//!
//! A wikilink target resolves, in order, to: a page whose path equals it; a
//! page whose path ends with it at a `/` boundary; an entity alias; a
//! glossary term. Two matches at one step, or none, is an error.

use crate::model::{Kb, Kind, PageData, PageId};
use crate::source::slugify;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Target {
    Page(PageId),
    Term(usize),
}

/// A resolved link with an optional `#fragment`.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub target: Target,
    pub fragment: Option<String>,
}

/// Why a target did not resolve.
#[derive(Debug)]
pub(crate) struct Unresolved {
    pub message: String,
    pub help: Option<String>,
}

/// Lookup tables over the knowledge base, built once.
pub(crate) struct Resolver<'kb> {
    kb: &'kb Kb,
    suffixes: HashMap<&'kb str, Vec<PageId>>,
    aliases: HashMap<String, Vec<PageId>>,
    terms: HashMap<String, Vec<usize>>,
    assets: HashSet<String>,
    base_path: String,
}

impl<'kb> Resolver<'kb> {
    pub(crate) fn new(kb: &'kb Kb, assets: &[String]) -> Self {
        let mut suffixes: HashMap<&str, Vec<PageId>> = HashMap::new();
        let mut aliases: HashMap<String, Vec<PageId>> = HashMap::new();
        for (id, page) in kb.pages_with_ids() {
            for (i, ch) in page.path.char_indices() {
                if ch == '/' {
                    suffixes.entry(&page.path[i + 1..]).or_default().push(id);
                }
            }
            if let PageData::Entity(e) = &page.data {
                for a in &e.aliases {
                    aliases.entry(a.to_lowercase()).or_default().push(id);
                }
            }
        }
        let mut terms: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, t) in kb.terms.iter().enumerate() {
            for name in std::iter::once(&t.term).chain(&t.aliases) {
                let list = terms.entry(name.to_lowercase()).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        let assets = assets.iter().cloned().collect();
        Resolver {
            kb,
            suffixes,
            aliases,
            terms,
            assets,
            base_path: kb.config.base_path(),
        }
    }

    pub(crate) fn kb(&self) -> &'kb Kb {
        self.kb
    }

    /// Content-relative paths of images and other files copied as they are.
    pub(crate) fn assets(&self) -> &HashSet<String> {
        &self.assets
    }

    /// Resolves a wikilink target (`slug`, `case/stage`, `term`, `x#h`).
    pub(crate) fn wikilink(&self, raw: &str) -> Result<Resolved, Unresolved> {
        // In a table the label separator is written `\|`; the parser keeps
        // the backslash on the target.
        let (target, fragment) = split_fragment(raw.trim().trim_end_matches('\\'));
        let target = target.trim_matches('/');
        let found = self.find(target)?;
        Ok(Resolved {
            target: found,
            fragment,
        })
    }

    fn find(&self, target: &str) -> Result<Target, Unresolved> {
        if let Some(&id) = self.kb.by_path.get(target) {
            return Ok(Target::Page(id));
        }
        let describe = |ids: &[PageId]| -> String {
            ids.iter()
                .map(|&i| format!("`{}`", self.kb.pages[i].path))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ambiguous = |ids: &[PageId]| Unresolved {
            message: format!("link `{target}` is ambiguous: it matches {}", describe(ids)),
            help: Some("write the longer path of the page you mean".into()),
        };
        match self.suffixes.get(target).map(Vec::as_slice) {
            Some([id]) => return Ok(Target::Page(*id)),
            Some(ids) if ids.len() > 1 => return Err(ambiguous(ids)),
            _ => {}
        }
        let lower = target.to_lowercase();
        match self.aliases.get(&lower).map(Vec::as_slice) {
            Some([id]) => return Ok(Target::Page(*id)),
            Some(ids) if ids.len() > 1 => return Err(ambiguous(ids)),
            _ => {}
        }
        match self.terms.get(&lower).map(Vec::as_slice) {
            Some([i]) => return Ok(Target::Term(*i)),
            Some(list) if list.len() > 1 => {
                return Err(Unresolved {
                    message: format!("link `{target}` names several glossary terms"),
                    help: Some("give each term distinct aliases".into()),
                });
            }
            _ => {}
        }
        let names = self
            .kb
            .pages
            .iter()
            .flat_map(|p| [p.path.as_str(), p.slug.as_str()])
            .chain(self.kb.terms.iter().map(|t| t.term.as_str()));
        let help = crate::diagnostics::suggest(target, names)
            .or_else(|| Some("link a page by its path under content/ (e.g. `entities/aliexpress`), its file name, an entity alias or a glossary term".into()));
        Err(Unresolved {
            message: format!("link to nothing: `{target}`"),
            help,
        })
    }

    /// Resolves a Markdown link to a `.md` file, relative to `from_file`
    /// (content-relative path of the source) or to content/ with a leading `/`.
    pub(crate) fn md_link(&self, from_file: &str, dest: &str) -> Result<Resolved, Unresolved> {
        let (path, fragment) = split_fragment(dest);
        let joined = if let Some(abs) = path.strip_prefix('/') {
            abs.to_string()
        } else {
            let dir = from_file.rsplit_once('/').map_or("", |(d, _)| d);
            format!("{dir}/{path}")
        };
        let mut parts: Vec<&str> = Vec::new();
        for seg in joined.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(Unresolved {
                            message: format!("link `{dest}` leaves content/"),
                            help: Some("link files inside content/ only".into()),
                        });
                    }
                }
                s => parts.push(s),
            }
        }
        let mut key = parts.join("/");
        key = key.trim_end_matches(".md").to_string();
        for suffix in ["/_index", "/index", "_index"] {
            if let Some(k) = key.strip_suffix(suffix) {
                key = k.to_string();
            }
        }
        match self.kb.by_path.get(key.as_str()) {
            Some(&id) => Ok(Resolved { target: Target::Page(id), fragment }),
            None => Err(Unresolved {
                message: format!("link to a missing file: `{dest}` (content/{key}.md)"),
                help: crate::diagnostics::suggest(&key, self.kb.pages.iter().map(|p| p.path.as_str()))
                    .or_else(|| Some("Markdown links to .md files are relative to the linking file; a leading `/` means content/".into())),
            }),
        }
    }

    /// Looks up an entity by slug (front-matter references).
    pub(crate) fn entity(&self, slug: &str) -> Result<PageId, Unresolved> {
        let path = format!("entities/{slug}");
        match self.kb.by_path.get(path.as_str()) {
            Some(&id) => Ok(id),
            None => Err(Unresolved {
                message: format!("unknown entity `{slug}`"),
                help: crate::diagnostics::suggest(
                    slug,
                    self.kb.pages_of(Kind::Entity).map(|(_, p)| p.slug.as_str()),
                )
                .or_else(|| {
                    Some(format!(
                        "create content/entities/{slug}.md, or use an existing entity slug"
                    ))
                }),
            }),
        }
    }

    /// The URL of a resolved link, with the base path.
    pub(crate) fn url(&self, r: &Resolved) -> String {
        let base = match &r.target {
            Target::Page(id) => self.page_url(*id),
            Target::Term(i) => format!(
                "{}glossary/#{}",
                self.base_path,
                term_anchor(&self.kb.terms[*i].term)
            ),
        };
        match &r.fragment {
            Some(f) if !base.contains('#') => format!("{base}#{f}"),
            _ => base,
        }
    }

    pub(crate) fn page_url(&self, id: PageId) -> String {
        page_url(&self.base_path, &self.kb.pages[id].path)
    }

    /// Title to show for a link without a label.
    pub(crate) fn title(&self, r: &Resolved) -> String {
        match &r.target {
            Target::Page(id) => self.kb.pages[*id].meta.title.clone(),
            Target::Term(i) => {
                let t = &self.kb.terms[*i];
                t.translated.as_ref().map_or(&t.term, |x| &x.term).clone()
            }
        }
    }

    /// One-line description for link previews.
    pub(crate) fn summary(&self, r: &Resolved) -> Option<String> {
        match &r.target {
            Target::Page(id) => self.kb.pages[*id].meta.summary.clone(),
            Target::Term(i) => Some(self.kb.terms[*i].definition.clone()),
        }
    }
}

/// URL of a page path under a base path (`/`, `/kb/`).
pub(crate) fn page_url(base_path: &str, path: &str) -> String {
    if path.is_empty() {
        base_path.to_string()
    } else {
        format!("{base_path}{}/", url_path(path))
    }
}

/// The site path a content path is published under: comparisons, written
/// in content/comparisons/, live under /compare/.
pub(crate) fn url_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("comparisons") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("compare{rest}").into(),
        _ => path.into(),
    }
}

pub(crate) fn term_anchor(term: &str) -> String {
    format!("term-{}", slugify(term))
}

fn split_fragment(s: &str) -> (&str, Option<String>) {
    match s.split_once('#') {
        Some((t, f)) if !f.is_empty() => (t, Some(f.to_string())),
        Some((t, _)) => (t, None),
        None => (s, None),
    }
}

/// Where a link was written, and what it says around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct LinkSite {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The front-matter field or a snippet of the sentence holding the link.
    pub context: String,
}

/// The link graph: every resolved link between pages and terms.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub edges: Vec<(PageId, Target, LinkSite)>,
}

impl Graph {
    pub(crate) fn add(&mut self, from: PageId, to: Target, site: LinkSite) {
        self.edges.push((from, to, site));
    }

    /// For every target, the pages linking to it (one entry per source page,
    /// with the index in `edges` of its first link), sorted.
    pub(crate) fn backlinks(&self) -> BTreeMap<Target, Vec<(PageId, usize)>> {
        let mut map: BTreeMap<Target, BTreeMap<PageId, usize>> = BTreeMap::new();
        for (i, (from, to, _)) in self.edges.iter().enumerate() {
            if Target::Page(*from) == *to {
                continue;
            }
            map.entry(to.clone()).or_default().entry(*from).or_insert(i);
        }
        map.into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect()
    }
}

/// For each page, the pages it links to and the pages that link to it.
#[derive(Debug, Default)]
pub(crate) struct Neighbours {
    pub out: Vec<std::collections::BTreeSet<PageId>>,
    pub into: Vec<std::collections::BTreeSet<PageId>>,
}

impl Neighbours {
    pub(crate) fn of(graph: &Graph, pages: usize) -> Neighbours {
        let mut n = Neighbours {
            out: vec![Default::default(); pages],
            into: vec![Default::default(); pages],
        };
        for (from, to, _) in &graph.edges {
            if let Target::Page(to) = to
                && from != to
                && from.index() < pages
                && to.index() < pages
            {
                n.out[*from].insert(*to);
                n.into[*to].insert(*from);
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Config;
    use std::path::Path;

    /// The minimal fixture plus a second case with an `entry` stage, so a
    /// bare `entry` is ambiguous.
    fn with_kb<T>(test: impl FnOnce(&Resolver<'_>) -> T) -> T {
        let tmp = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        for entry in walkdir::WalkDir::new(&fixture).into_iter().flatten() {
            let to = tmp
                .path()
                .join(entry.path().strip_prefix(&fixture).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let other = tmp.path().join("content/cases/other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("index.md"), "---\ntitle: Other\n---\n").unwrap();
        std::fs::write(other.join("entry.md"), "---\ntitle: Other entry\n---\n").unwrap();
        let text = std::fs::read_to_string(tmp.path().join("casebook.yaml")).unwrap();
        let config = Config::parse("casebook.yaml", &text).unwrap();
        let mut diags = Vec::new();
        let loaded = crate::source::load(tmp.path(), config, false, &mut diags);
        let resolver = Resolver::new(&loaded.kb, &loaded.assets);
        test(&resolver)
    }

    fn path_of(r: &Resolver<'_>, found: &Result<Resolved, Unresolved>) -> String {
        match found {
            Ok(Resolved {
                target: Target::Page(id),
                ..
            }) => r.kb().pages[*id].path.clone(),
            Ok(Resolved {
                target: Target::Term(i),
                ..
            }) => format!("term:{}", r.kb().terms[*i].term),
            Err(e) => format!("error: {}", e.message),
        }
    }

    #[test]
    fn wikilinks_resolve_by_path_file_name_alias_and_term() {
        with_kb(|r| {
            let at = |raw: &str| path_of(r, &r.wikilink(raw));
            assert_eq!(at("cases/acme-india/entry"), "cases/acme-india/entry");
            assert_eq!(at("acme-india/entry"), "cases/acme-india/entry");
            assert_eq!(at("acme"), "entities/acme");
            // Aliases and terms ignore case.
            assert_eq!(at("ACME corp"), "entities/acme");
            assert_eq!(at("business-to-consumer"), "term:B2C");
            let with_fragment = r.wikilink("acme-india/entry#growth").unwrap();
            assert_eq!(with_fragment.fragment.as_deref(), Some("growth"));
        });
    }

    #[test]
    fn ambiguous_and_unknown_wikilinks_say_what_to_write() {
        with_kb(|r| {
            let ambiguous = r.wikilink("entry").unwrap_err();
            assert!(
                ambiguous.message.contains("`cases/acme-india/entry`")
                    && ambiguous.message.contains("`cases/other/entry`"),
                "{}",
                ambiguous.message
            );
            let unknown = r.wikilink("acmee").unwrap_err();
            assert_eq!(unknown.message, "link to nothing: `acmee`");
            assert!(unknown.help.unwrap().contains("acme"));
        });
    }

    #[test]
    fn markdown_links_resolve_relative_to_the_linking_file() {
        with_kb(|r| {
            let at = |from: &str, dest: &str| path_of(r, &r.md_link(from, dest));
            assert_eq!(
                at("cases/acme-india/index.md", "entry.md"),
                "cases/acme-india/entry"
            );
            assert_eq!(
                at("cases/acme-india/entry.md", "../other/_index.md"),
                "cases/other"
            );
            assert_eq!(
                at("cases/acme-india/entry.md", "growht.md"),
                "error: link to a missing file: `growht.md` (content/cases/acme-india/growht.md)"
            );
            assert_eq!(
                at("cases/acme-india/entry.md", "../other/index.md"),
                "cases/other"
            );
            assert_eq!(
                at("cases/acme-india/entry.md", "/entities/acme.md"),
                "entities/acme"
            );
            assert!(at("index.md", "../../outside.md").contains("leaves content/"));
        });
    }
}
