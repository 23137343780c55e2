//! Typed template contexts. Templates receive `site`, `page` and one
//! kind-specific value (`case`, `stage`, `framework`, `entity`, `list`…).

pub(crate) mod aggregate;
pub(crate) mod evolution;
pub(crate) mod kinds;
pub(crate) mod map;
pub(crate) mod page;

pub(crate) use kinds::{CardGroup, ListView};
pub(crate) use page::{
    AnalysisView, DimView, EventView, FallbackView, LanguageLink, MatrixView, PageView, TermView,
};

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
    /// Where static files live, the same in every language (`/`, `/kb/`).
    pub root_path: String,
    pub language: String,
    pub nav: Vec<NavItem>,
    /// The search page, when the site has a search index.
    pub search_url: Option<String>,
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

/// The heading of a group of pages of one kind (`Cases`), in the
/// language of the build (`kinds.<kind>`).
pub(crate) fn plural(locale: &crate::model::lang::Locale, kind: crate::model::Kind) -> String {
    locale.t(&format!("kinds.{}", kind.name())).into()
}

#[derive(Debug, Serialize)]
pub(crate) struct Card {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    /// Short secondary line (period, type, date).
    pub meta: String,
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
