//! The knowledge base as typed data, immutable once loaded.

pub(crate) mod bibliography;
pub(crate) mod config;

mod date;
pub(crate) mod frontmatter;
pub(crate) mod lang;
pub(crate) mod schema;

pub(crate) use date::{PartialDate, Period, PeriodEnd};
pub(crate) use frontmatter::*;

use crate::model::config::Config;
use crate::yaml::Locator;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Index of a page in [`Kb::pages`], and in every per-page vector built
/// from it (rendered bodies, citations, neighbours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub(crate) struct PageId(u32);

impl PageId {
    /// The id of the page at `index` of [`Kb::pages`].
    pub(crate) fn new(index: usize) -> PageId {
        PageId(u32::try_from(index).expect("fewer than 2^32 pages"))
    }

    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }

    /// Ids of `n` pages, in order.
    pub(crate) fn all(n: usize) -> impl Iterator<Item = PageId> {
        (0..n).map(PageId::new)
    }
}

impl<T> std::ops::Index<PageId> for [T] {
    type Output = T;
    fn index(&self, id: PageId) -> &T {
        &self[id.index()]
    }
}

impl<T> std::ops::IndexMut<PageId> for [T] {
    fn index_mut(&mut self, id: PageId) -> &mut T {
        &mut self[id.index()]
    }
}

impl<T> std::ops::Index<PageId> for Vec<T> {
    type Output = T;
    fn index(&self, id: PageId) -> &T {
        &self[id.index()]
    }
}

impl<T> std::ops::IndexMut<PageId> for Vec<T> {
    fn index_mut(&mut self, id: PageId) -> &mut T {
        &mut self[id.index()]
    }
}

/// What a Markdown file is, from its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    Home,
    Case,
    Stage,
    Framework,
    Entity,
    Comparison,
    /// An `_index.md`: a section of plain pages, or the intro of a list page.
    Section,
    Page,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::Case => "case",
            Kind::Stage => "stage",
            Kind::Framework => "framework",
            Kind::Entity => "entity",
            Kind::Comparison => "comparison",
            Kind::Section => "section",
            Kind::Page => "page",
        }
    }
}

/// A Markdown source with its position data.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// Path relative to the knowledge-base root, `/`-separated.
    pub file: String,
    pub text: String,
    /// Byte offset where the Markdown body starts in `text`.
    pub body_start: usize,
}

impl Source {
    pub(crate) fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// 1-based line and column of a byte offset into `text`.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A page of any kind.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub kind: Kind,
    /// Path under content/ without `.md`, `/index` and `/_index`
    /// (`cases/aliexpress-russia/entry`; empty for the home page).
    pub path: String,
    /// Last path segment (file or folder name).
    pub slug: String,
    pub source: Source,
    pub meta: Meta,
    pub data: PageData,
    /// Positions of front-matter values, for diagnostics after loading.
    pub positions: Locator,
    /// The front matter failed to parse; this is a placeholder so links to
    /// the page do not report false errors.
    pub broken: bool,
    /// Whether this is the original, a translation or the original shown
    /// in a further language.
    pub lang: PageLang,
}

/// A page's relation to its language.
#[derive(Debug, Clone, Default)]
pub(crate) enum PageLang {
    /// Written in the default language.
    #[default]
    Original,
    /// A translation (`entry.ru.md`) of the original in `file`.
    Translated(Box<Original>),
    /// Not translated into this build's language: the original is shown,
    /// with a note, and left out of `hreflang` and the search index.
    Fallback,
}

/// What a translation keeps of its original: the source file, and the
/// heading ids, citations and link targets its body must match.
#[derive(Debug, Clone, Default)]
pub(crate) struct Original {
    pub file: String,
    pub body: Option<Signature>,
}

/// The headings, citations and links of a rendered body, compared between
/// an original and its translation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Signature {
    /// Heading ids, in order.
    pub headings: Vec<String>,
    /// `key` or `key, locator` of every citation, sorted.
    pub cites: Vec<String>,
    /// Target (`page#fragment`) of every internal link, sorted.
    pub links: Vec<String>,
}

/// Kind-specific front matter.
#[derive(Debug, Clone)]
pub(crate) enum PageData {
    None,
    Case(Box<CaseFm>),
    Stage(Box<StageData>),
    Framework(FrameworkFm),
    Entity(EntityFm),
    Comparison(ComparisonFm),
    Page(PageFm),
}

/// A stage with the case it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct StageData {
    pub case: String,
    pub fm: StageFm,
}

/// A dated event, belonging to a case or to the whole market.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub fm: EventFm,
    /// Path of the case page, or `None` for market-wide events.
    pub case: Option<String>,
    /// Anchor id, unique on the pages that show it.
    pub anchor: String,
    pub file: String,
    /// YAML path of the event in its file (`[3]` or `events[3]`).
    pub yaml_path: String,
    pub line: usize,
    pub col: usize,
    /// Positions in the file, to point at a field of the event.
    pub locator: std::sync::Arc<Locator>,
}

/// The whole knowledge base.
#[derive(Debug, Clone)]
pub(crate) struct Kb {
    pub config: Config,
    pub pages: Vec<Page>,
    pub by_path: BTreeMap<String, PageId>,
    pub events: Vec<Event>,
    pub references: BTreeMap<String, Reference>,
    /// Every reference formatted in the site's citation style.
    pub citations: std::collections::HashMap<String, crate::model::bibliography::Formatted>,
    /// The citation style of `bibliography.style`, decoded once.
    pub style: Option<std::sync::Arc<crate::model::bibliography::CslStyle>>,
    pub terms: Vec<Term>,
    pub datasets: BTreeMap<String, Dataset>,
    /// Latest date mentioned in the content; `present` is drawn to it.
    pub latest: PartialDate,
    /// Data files that failed to load, so checks that need them stay quiet.
    pub incomplete: Incomplete,
    /// Positions inside the shared data files, for later diagnostics.
    pub locators: DataLocators,
    /// Date of the last commit that changed each file (`content/…`), when
    /// `dates_from_git` is on.
    pub file_dates: std::collections::HashMap<String, PartialDate>,
    /// The language this model is written in: interface strings, dates
    /// and numbers (`config.language`).
    pub locale: lang::Locale,
    /// Per page path, the further languages it is translated into (the
    /// same for every language's model).
    pub translated: std::sync::Arc<BTreeMap<String, std::collections::BTreeSet<String>>>,
}

/// Position finders of `references.yaml` and `glossary.yaml`.
#[derive(Debug, Clone, Default)]
pub(crate) struct DataLocators {
    pub references: Option<std::sync::Arc<Locator>>,
    pub glossary: Option<std::sync::Arc<Locator>>,
}

/// Which shared data files failed to load in this run.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Incomplete {
    pub references: bool,
    pub glossary: bool,
}

/// The framework whose dimension keys `business_model` uses.
pub(crate) const CANVAS: &str = "business-model-canvas";

impl Page {
    /// The page's analysis and canvas entries: (framework, dimension, entry).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &str, &Entry)> {
        let (analyses, canvas) = match &self.data {
            PageData::Case(c) => (Some(&c.analyses), None),
            PageData::Stage(s) => (Some(&s.fm.analyses), s.fm.business_model.as_ref()),
            _ => (None, None),
        };
        let analyses = analyses.into_iter().flat_map(|a| {
            a.iter()
                .flat_map(|(fw, dims)| dims.iter().map(move |(d, e)| (fw.as_str(), d.as_str(), e)))
        });
        let canvas = canvas
            .into_iter()
            .flat_map(|c| c.iter().map(|(d, e)| (CANVAS, d.as_str(), e)));
        analyses.chain(canvas)
    }
}

impl Kb {
    /// When a page last changed: `updated`, else a plain page's `date`,
    /// else (with `dates_from_git`) the last commit that changed its file.
    pub(crate) fn page_date(&self, id: PageId) -> Option<PartialDate> {
        let p = &self.pages[id];
        p.meta
            .updated
            .or(match &p.data {
                PageData::Page(pf) => pf.date,
                _ => None,
            })
            .or_else(|| self.file_dates.get(&p.source.file).copied())
    }

    /// A citation key that is not in the bibliography (never reported
    /// while the bibliography itself failed to load).
    pub(crate) fn cites_unknown(&self, key: &str) -> bool {
        !self.incomplete.references && !self.references.contains_key(key)
    }

    pub(crate) fn page(&self, path: &str) -> Option<&Page> {
        self.by_path.get(path).map(|&id| &self.pages[id])
    }

    /// Every page with its id.
    pub(crate) fn pages_with_ids(&self) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages
            .iter()
            .enumerate()
            .map(|(i, p)| (PageId::new(i), p))
    }

    pub(crate) fn pages_of(&self, kind: Kind) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages_with_ids().filter(move |(_, p)| p.kind == kind)
    }

    /// Stages of a case ordered by `order`. Stage paths sit right under
    /// their case's path, so this is a range of `by_path`, not a scan.
    /// Ids of the analysis and canvas entries page `id` shows as anchors,
    /// with the page that gives each: a case shows its own and its stages'.
    pub(crate) fn entry_anchors(&self, id: PageId) -> Vec<(&str, PageId)> {
        let page = &self.pages[id];
        let mut pages = vec![id];
        if matches!(page.data, PageData::Case(_)) {
            pages.extend(self.stages_of(&page.path).iter().map(|(sid, _, _)| *sid));
        }
        pages
            .into_iter()
            .flat_map(|p| self.pages[p].entries().map(move |(_, _, e)| (e, p)))
            .flat_map(|(e, p)| {
                e.items()
                    .into_iter()
                    .filter_map(move |it| it.id.map(|i| (i, p)))
            })
            .collect()
    }

    pub(crate) fn stages_of(&self, case_path: &str) -> Vec<(PageId, &Page, &StageFm)> {
        let prefix = format!("{case_path}/");
        let mut stages: Vec<_> = self
            .by_path
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(path, _)| path.starts_with(&prefix))
            .filter_map(|(path, &id)| {
                let p = &self.pages[id];
                match &p.data {
                    PageData::Stage(s) if !path[prefix.len()..].contains('/') => {
                        Some((id, p, &s.fm))
                    }
                    _ => None,
                }
            })
            .collect();
        stages.sort_by_key(|(_, _, s)| s.order);
        stages
    }

    pub(crate) fn framework(&self, slug: &str) -> Option<&FrameworkFm> {
        match self.page(&format!("frameworks/{slug}")).map(|p| &p.data) {
            Some(PageData::Framework(f)) => Some(f),
            _ => None,
        }
    }

    /// Indices into [`Kb::events`] of a case's events (or the market-wide
    /// ones for `None`), by date. Events are stored sorted by case, then
    /// date, so this is a binary search, not a scan.
    pub(crate) fn event_ids_of(&self, case: Option<&str>) -> Vec<usize> {
        let key = |e: &Event| e.case.as_deref().cmp(&case);
        let start = self.events.partition_point(|e| key(e).is_lt());
        let end = self.events.partition_point(|e| key(e).is_le());
        (start..end).collect()
    }
}

/// Any YAML scalar, kept as text (`2012` and `"2012"` read the same).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub(crate) struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}
