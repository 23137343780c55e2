//! Values the site computes once and every view reads: links with their
//! previews, rendered analysis entries and teaching notes, and the pages
//! gathered under each tag and business-model type.

use crate::model::{Kb, PageData, PageId};
use crate::source::slugify;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A link to a page with what previews need.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Link {
    pub title: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// One item in an analysis cell.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CellItem {
    pub html: String,
    /// The entry's `id`, as the item's anchor (only its first appearance on
    /// a page keeps it; see `keep_first_anchors` among the views).
    pub anchor: Option<String>,
}

/// A case's teaching notes, rendered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TeachingView {
    /// **HTML** (inline).
    pub objectives: Vec<String>,
    pub questions: Vec<QuestionView>,
    /// **HTML** (inline).
    pub reading: Vec<String>,
    /// Citation keys the notes show, for the reference list of a page
    /// that shows them.
    #[serde(skip)]
    pub cites: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct QuestionView {
    /// **HTML** (inline).
    pub html: String,
    pub draws_on: Vec<Link>,
    /// **HTML**, or null.
    pub answer: Option<String>,
}

/// What one tag (or model type) gathers.
#[derive(Debug, Default)]
pub(crate) struct Taxon {
    pub label: String,
    /// In the order of its list pages (kind, then title).
    pub pages: Vec<PageId>,
    /// Events carrying the tag.
    pub events: Vec<usize>,
}

/// Tags by slug. Tags that differ only in case or punctuation share a page.
pub(crate) fn tags(kb: &Kb) -> BTreeMap<String, Taxon> {
    let mut map: BTreeMap<String, Taxon> = BTreeMap::new();
    for (id, p) in kb.pages_with_ids() {
        let mut seen = BTreeSet::new();
        for t in &p.meta.tags {
            let slug = slugify(t);
            if seen.insert(slug.clone()) {
                let taxon = map.entry(slug).or_default();
                if taxon.label.is_empty() {
                    taxon.label = t.clone();
                }
                taxon.pages.push(id);
            }
        }
    }
    for (i, e) in kb.events.iter().enumerate() {
        for t in &e.fm.tags {
            let taxon = map.entry(slugify(t)).or_default();
            if taxon.label.is_empty() {
                taxon.label = t.clone();
            }
            if taxon.events.last() != Some(&i) {
                taxon.events.push(i);
            }
        }
    }
    list_order(kb, &mut map);
    map
}

/// Sorts each taxon's pages as its list pages show them: by kind, then
/// title. Once per build, not once per list page.
fn list_order(kb: &Kb, map: &mut BTreeMap<String, Taxon>) {
    for taxon in map.values_mut() {
        taxon.pages.sort_by(|a, b| {
            let (pa, pb) = (&kb.pages[*a], &kb.pages[*b]);
            (pa.kind, &pa.meta.title).cmp(&(pb.kind, &pb.meta.title))
        });
    }
}

/// Cases by the business-model types in their `model` list.
pub(crate) fn models(kb: &Kb) -> BTreeMap<String, Taxon> {
    let mut map: BTreeMap<String, Taxon> = BTreeMap::new();
    for (id, p) in kb.pages_with_ids() {
        if let PageData::Case(c) = &p.data {
            for m in &c.model {
                let taxon = map.entry(slugify(m)).or_default();
                if taxon.label.is_empty() {
                    taxon.label = m.clone();
                }
                if taxon.pages.last() != Some(&id) {
                    taxon.pages.push(id);
                }
            }
        }
    }
    list_order(kb, &mut map);
    map
}
