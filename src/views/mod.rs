//! Typed template contexts. Templates receive `site`, `page` and one
//! kind-specific value (`case`, `stage`, `framework`, `entity`, `list`…).

pub(crate) mod aggregate;
pub(crate) mod evolution;
pub(crate) mod kinds;
pub(crate) mod map;
mod page;

pub(crate) use crate::site::values::{CellItem, Link, TeachingView};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct NavItem {
    pub title: String,
    pub url: String,
}

/// Site-wide values, the same on every page.
#[derive(Debug, Serialize)]
pub(crate) struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_path: String,
    pub language: String,
    pub nav: Vec<NavItem>,
    /// The search page, when the site has a search index.
    pub search_url: Option<String>,
}

/// Values every page has.
#[derive(Debug, Default, Serialize)]
pub(crate) struct PageView {
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    /// Absolute URL (canonical).
    pub permalink: String,
    /// Rendered Markdown body.
    pub content: String,
    pub toc: Vec<crate::markdown::Heading>,
    pub tags: Vec<Link>,
    pub updated: Option<String>,
    pub edit_url: Option<String>,
    pub breadcrumbs: Vec<Link>,
    pub backlinks: Vec<BacklinkGroup>,
    pub references: Vec<RefView>,
    /// "Cite this page": the page as a reference in the site's style.
    pub cite: Option<CiteView>,
    /// The pages linked with this one, as a small map (cases, stages,
    /// frameworks and entities only).
    pub neighbourhood: Option<crate::views::map::Neighbourhood>,
    /// The page's `extra:` map, as written, for the theme's own use.
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CiteView {
    /// HTML, formatted by the citation style.
    pub html: String,
    pub bibtex: String,
}

/// Pages of one kind that link here.
#[derive(Debug, Serialize)]
pub(crate) struct BacklinkGroup {
    pub kind: String,
    pub items: Vec<Backlink>,
    /// Backlinks of this kind beyond those listed.
    pub more: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Backlink {
    pub title: String,
    pub url: String,
    pub context: String,
}

/// A formatted bibliography entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RefView {
    pub key: String,
    pub label: String,
    pub html: String,
    pub url: String,
    pub cited_by: Vec<Link>,
}

/// Leaves each entry anchor on its first item only: a page may show an
/// entry twice (a quadrant and a matrix), and ids must stay unique.
pub(crate) fn keep_first_anchors<'a>(items: impl IntoIterator<Item = &'a mut CellItem>) {
    let mut seen = std::collections::HashSet::new();
    for item in items {
        if let Some(a) = &item.anchor
            && !seen.insert(a.clone())
        {
            item.anchor = None;
        }
    }
}

impl MatrixView {
    pub(crate) fn items_mut(&mut self) -> impl Iterator<Item = &mut CellItem> {
        self.rows
            .iter_mut()
            .flat_map(|r| r.cells.iter_mut().flatten())
    }
}

impl AnalysisView {
    pub(crate) fn items_mut(&mut self) -> impl Iterator<Item = &mut CellItem> {
        self.dims.iter_mut().flat_map(|d| d.items.iter_mut())
    }
}

/// `/teaching/`: every case's notes.
#[derive(Debug, Serialize)]
pub(crate) struct TeachingPage {
    pub cases: Vec<TaughtCase>,
    pub pager: crate::views::aggregate::Pager,
}

#[derive(Debug, Serialize)]
pub(crate) struct TaughtCase {
    pub case: Link,
    pub notes: TeachingView,
}

/// A framework applied across rows (stages, cases) and its dimensions.
#[derive(Debug, Serialize)]
pub(crate) struct MatrixView {
    pub framework: Link,
    pub slug: String,
    pub layout: String,
    pub dimensions: Vec<DimView>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct DimView {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MatrixRow {
    pub label: String,
    pub url: String,
    /// Period or case name under the label.
    pub note: String,
    pub whole_case: bool,
    pub cells: Vec<Vec<CellItem>>,
}

/// A framework's dimensions with the entries one page gives them.
#[derive(Debug, Serialize)]
pub(crate) struct AnalysisView {
    pub framework: Link,
    pub slug: String,
    /// Id of the section, unique on pages that show several analyses.
    pub anchor: String,
    pub layout: String,
    pub dims: Vec<DimCell>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DimCell {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub items: Vec<CellItem>,
}

#[derive(Debug, Serialize)]
pub(crate) struct EventView {
    pub anchor: String,
    pub date: String,
    pub date_human: String,
    pub precision: String,
    pub title: String,
    pub body: String,
    pub case: Option<Link>,
    pub stage: Option<Link>,
    pub entities: Vec<Link>,
    pub cites: String,
    /// Space-separated entity slugs and tag slugs, for in-page filters.
    pub filter_entities: String,
    pub filter_tags: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Card {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    /// Short secondary line (period, type, date).
    pub meta: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Fact {
    pub label: String,
    pub value: String,
    pub link: Option<Link>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CaseView {
    pub teaching: Option<TeachingView>,
    /// `/cases/<case>/evolution/`, when the case has two or more stages.
    pub evolution_url: Option<String>,
    pub facts: Vec<Fact>,
    pub model: Vec<Link>,
    pub period: String,
    pub timeline: Option<crate::graphics::timeline::Figure>,
    pub events: Vec<EventView>,
    pub stages: Vec<Card>,
    pub canvas: Option<MatrixView>,
    pub matrices: Vec<MatrixView>,
    pub quadrants: Vec<AnalysisView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MetricView {
    pub label: String,
    pub unit: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub period: String,
    pub cites: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct StageView {
    pub case: Link,
    /// The case's evolution page, when it has one.
    pub evolution_url: Option<String>,
    pub order: u32,
    pub period: String,
    pub analyses: Vec<AnalysisView>,
    pub metrics: Vec<MetricView>,
    pub events: Vec<EventView>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FrameworkView {
    pub layout: String,
    pub dimensions: Vec<DimView>,
    pub matrix: MatrixView,
    /// The matrix is split by case over numbered pages.
    pub pager: crate::views::aggregate::Pager,
}

#[derive(Debug, Serialize)]
pub(crate) struct EntityView {
    pub entity_type: String,
    pub facts: Vec<Fact>,
    pub website: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ListView {
    pub groups: Vec<CardGroup>,
    pub pager: crate::views::aggregate::Pager,
    /// Events listed on taxonomy pages.
    pub events: Vec<EventView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CardGroup {
    pub title: String,
    pub cards: Vec<Card>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TermView {
    pub anchor: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub definition: String,
    pub used_by: Vec<Link>,
    pub cites: String,
}

/// A dataset for the `table` and `chart` shortcodes.
#[derive(Debug, Serialize)]
pub(crate) struct DatasetView {
    /// Id of the figure, unique on the page.
    pub anchor: String,
    pub title: String,
    pub summary: Option<String>,
    pub unit: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// HTML: the source citation.
    pub cites: String,
    pub csv_url: String,
    pub json_url: String,
}

pub(crate) fn card(
    prep: &crate::site::Prepared<'_>,
    id: crate::model::PageId,
    meta: String,
) -> Card {
    let p = &prep.kb.pages[id];
    Card {
        title: p.meta.title.clone(),
        url: prep.url(id),
        summary: p.meta.summary.clone(),
        meta,
    }
}
