//! Pages that gather the whole knowledge base: the global timeline, the
//! case comparison, declared comparisons, tags and business-model types.
//! Each one that grows with the content is split into numbered pages.

use crate::graphics::timeline;
use crate::links::page_url;
use crate::model::CANVAS;
use crate::model::*;
pub(crate) use crate::site::values::Taxon;
use crate::site::{Prepared, applies};
use crate::source::slugify;
use crate::views::*;
use serde::Serialize;
use std::collections::BTreeSet;

/// Cases per page of the global timeline.
pub(crate) const TIMELINE_LANES: usize = 25;

/// Cases per page of `/teaching/`.
pub(crate) const TEACHING_CASES: usize = 25;
/// Cases per page of the side-by-side comparison.
pub(crate) const COMPARE_CASES: usize = 6;
/// Cases per page of a framework's application matrix.
pub(crate) const MATRIX_CASES: usize = 25;
/// Items per page of list and taxonomy pages.
pub(crate) const LIST_ITEMS: usize = 100;

/// Links between the numbered pages of one aggregate page.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Pager {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Numbers are skipped between the previous link and this one.
    pub gap_before: bool,
}

/// Pager links on each side of the current page; the first and last page
/// are always linked, so the pager stays short however many pages there are.
const PAGER_WINDOW: usize = 2;

/// Site path of page `n` (1-based) of an aggregate page at `path`.
pub(crate) fn paged_path(path: &str, n: usize) -> String {
    if n <= 1 {
        path.to_string()
    } else {
        format!("{path}/page/{n}")
    }
}

/// Output file of page `n` of `path`.
pub(crate) fn paged_file(path: &str, n: usize) -> String {
    format!("{}/index.html", paged_path(path, n))
}

/// Number of pages needed for `len` items, `per` a page (at least one).
pub(crate) fn page_count(len: usize, per: usize) -> usize {
    len.div_ceil(per).max(1)
}

pub(crate) fn pager(base_path: &str, path: &str, current: usize, total: usize) -> Pager {
    let url = |n: usize| page_url(base_path, &paged_path(path, n));
    Pager {
        current,
        total,
        prev: (current > 1).then(|| url(current - 1)),
        next: (current < total).then(|| url(current + 1)),
        pages: if total > 1 {
            let near =
                current.saturating_sub(PAGER_WINDOW).max(1)..=(current + PAGER_WINDOW).min(total);
            let mut numbers: Vec<usize> = std::iter::once(1).chain(near).chain([total]).collect();
            numbers.dedup();
            let mut previous = 0;
            numbers
                .into_iter()
                .map(|n| {
                    let link = PagerLink {
                        number: n,
                        url: url(n),
                        current: n == current,
                        gap_before: n > previous + 1 && previous > 0,
                    };
                    previous = n;
                    link
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// The slice of `items` shown on page `n`.
pub(crate) fn chunk<T>(items: &[T], per: usize, n: usize) -> &[T] {
    let start = (n - 1).saturating_mul(per).min(items.len());
    &items[start..(start + per).min(items.len())]
}

// ---------------------------------------------------------------------------
// Global timeline
// ---------------------------------------------------------------------------

#[derive(Debug, Serialize)]
pub(crate) struct TimelineView {
    pub lanes: Vec<LaneView>,
    pub filters: Filters,
    pub pager: Pager,
    /// Citation keys of the events shown, for the page's reference list.
    #[serde(skip)]
    pub cites: BTreeSet<String>,
}

/// One case (or the market-wide events) on the shared axis.
#[derive(Debug, Serialize)]
pub(crate) struct LaneView {
    /// Case slug, or `market` for market-wide events.
    pub key: String,
    pub title: String,
    pub url: Option<String>,
    pub period: String,
    /// Space-separated entity slugs and tags, for the in-page filter.
    pub entities: String,
    pub tags: String,
    pub figure: Option<crate::graphics::timeline::Figure>,
    pub events: Vec<EventView>,
    #[serde(skip)]
    pub event_ids: Vec<usize>,
}

/// Choices offered by the in-page filters.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Filters {
    pub cases: Vec<Choice>,
    pub entities: Vec<Choice>,
    pub tags: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

const MARKET: &str = "market";

/// Lanes of the global timeline, in page order: cases by start date, then
/// the market-wide events (shown on every page).
pub(crate) fn timeline_pages(prep: &Prepared<'_>) -> usize {
    page_count(prep.kb.pages_of(Kind::Case).count(), TIMELINE_LANES)
}

pub(crate) fn timeline_view(prep: &Prepared<'_>, n: usize) -> TimelineView {
    let kb = prep.kb;
    let mut cases: Vec<(PageId, &Page, &CaseFm)> = kb
        .pages_with_ids()
        .filter_map(|(id, p)| match &p.data {
            PageData::Case(c) => Some((id, p, &**c)),
            _ => None,
        })
        .collect();
    cases.sort_by(|a, b| {
        let start = |c: &CaseFm| c.period.map(|p| p.from);
        (start(a.2), &a.1.meta.title).cmp(&(start(b.2), &b.1.meta.title))
    });
    let total = page_count(cases.len(), TIMELINE_LANES);
    let shown = chunk(&cases, TIMELINE_LANES, n);

    let mut lanes_data = Vec::new();
    for &(id, page, case) in shown {
        lanes_data.push(case_lane(prep, id, page, case));
    }
    lanes_data.extend(market_lane(kb));
    let locale = &kb.locale;

    let marks_of = |l: &LaneData| -> Vec<timeline::Mark> {
        l.events
            .iter()
            .map(|&e| {
                let ev = &kb.events[e];
                timeline::Mark {
                    label: ev.fm.title.clone(),
                    href: format!("#{}", timeline_anchor(&l.key, &ev.anchor)),
                    date: ev.fm.date,
                    filter: Some((ev.fm.entities.join(" "), tag_slugs(&ev.fm.tags))),
                }
            })
            .collect()
    };
    let marks: Vec<Vec<timeline::Mark>> = lanes_data.iter().map(marks_of).collect();
    let axis = timeline::Axis::covering(
        lanes_data
            .iter()
            .zip(&marks)
            .map(|(l, m)| (l.bands.as_slice(), m.as_slice())),
    );

    let mut filters = Filters::default();
    let mut entity_set = BTreeSet::new();
    let mut tag_set = BTreeSet::new();
    let lanes: Vec<LaneView> = lanes_data
        .into_iter()
        .zip(marks)
        .map(|(l, m)| {
            filters.cases.push(Choice {
                value: l.key.clone(),
                label: l.title.clone(),
            });
            entity_set.extend(l.entities.iter().cloned());
            tag_set.extend(l.tags.iter().cloned());
            LaneView {
                figure: axis.as_ref().map(|axis| {
                    let label = locale.fill("timeline.of", &[("title", l.title.as_str())]);
                    timeline::figure(locale, &label, &l.bands, &m, axis)
                }),
                events: l
                    .events
                    .iter()
                    .map(|&e| {
                        let mut v = prep.event_view(e, false);
                        v.anchor = timeline_anchor(&l.key, &v.anchor);
                        v
                    })
                    .collect(),
                event_ids: l.events.clone(),
                entities: l.entities.iter().cloned().collect::<Vec<_>>().join(" "),
                tags: l.tags.iter().cloned().collect::<Vec<_>>().join(" "),
                key: l.key,
                title: l.title,
                url: l.url,
                period: l.period,
            }
        })
        .collect();
    filters.entities = entity_choices(kb, entity_set);
    filters.tags = tag_choices(prep, tag_set);
    let cites = lanes
        .iter()
        .flat_map(|l| &l.event_ids)
        .flat_map(|&e| prep.event_cites[e].iter().cloned())
        .collect();
    TimelineView {
        lanes,
        cites,
        filters,
        pager: pager(&prep.base_path, "timeline", n, total),
    }
}

/// A case's lane: its stages as bands, its events, and the entities and
/// tags the filters offer.
fn case_lane(prep: &Prepared<'_>, id: PageId, page: &Page, case: &CaseFm) -> LaneData {
    let kb = prep.kb;
    let stages = kb.stages_of(&page.path);
    let bands = crate::views::kinds::stage_bands(prep, &page.path);
    let bands = if bands.is_empty() {
        // A case without dated stages is drawn as one band.
        case.period
            .map(|per| timeline::Band {
                label: page.meta.title.clone(),
                short: None,
                url: prep.url(id),
                from: per.from,
                to: per.end(kb.latest),
            })
            .into_iter()
            .collect()
    } else {
        bands
    };
    let mut entities: BTreeSet<&str> = [&case.company, &case.parent, &case.market]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut tags: BTreeSet<String> = page.meta.tags.iter().map(|t| slugify(t)).collect();
    for (_, sp, _) in &stages {
        tags.extend(sp.meta.tags.iter().map(|t| slugify(t)));
    }
    let events = prep.kb.event_ids_of(Some(&page.path));
    for &e in &events {
        let ev = &kb.events[e];
        entities.extend(ev.fm.entities.iter().map(String::as_str));
        tags.extend(ev.fm.tags.iter().map(|t| slugify(t)));
    }
    LaneData {
        key: page.slug.clone(),
        title: page.meta.title.clone(),
        url: Some(prep.url(id)),
        period: crate::views::kinds::period_of(&kb.locale, page),
        entities: entities.into_iter().map(String::from).collect(),
        tags,
        bands,
        events,
    }
}

/// The lane of events that belong to no case, when there are any.
fn market_lane(kb: &Kb) -> Option<LaneData> {
    let market = kb.event_ids_of(None);
    if market.is_empty() {
        return None;
    }
    let mut entities = BTreeSet::new();
    let mut tags = BTreeSet::new();
    for &e in &market {
        entities.extend(kb.events[e].fm.entities.iter().cloned());
        tags.extend(kb.events[e].fm.tags.iter().map(|t| slugify(t)));
    }
    Some(LaneData {
        key: MARKET.into(),
        title: kb.locale.t("timeline.market").into(),
        url: None,
        period: String::new(),
        entities,
        tags,
        bands: Vec::new(),
        events: market,
    })
}

/// Entities to filter by, with their titles, sorted by title.
fn entity_choices(kb: &Kb, entity_set: BTreeSet<String>) -> Vec<Choice> {
    let mut choices: Vec<Choice> = entity_set
        .into_iter()
        .map(|slug: String| Choice {
            label: kb
                .page(&format!("entities/{slug}"))
                .map_or_else(|| slug.clone(), |p| p.meta.title.clone()),
            value: slug,
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    choices
}

/// Tags to filter by, with their labels as first written.
fn tag_choices(prep: &Prepared<'_>, tag_set: BTreeSet<String>) -> Vec<Choice> {
    let labels = prep.tags();
    tag_set
        .into_iter()
        .map(|slug| Choice {
            label: labels
                .get(&slug)
                .map_or_else(|| slug.clone(), |t| t.label.clone()),
            value: slug,
        })
        .collect()
}

struct LaneData {
    key: String,
    title: String,
    url: Option<String>,
    period: String,
    entities: BTreeSet<String>,
    tags: BTreeSet<String>,
    bands: Vec<timeline::Band>,
    events: Vec<usize>,
}

/// Anchor of an event on /timeline/, unique across cases.
pub(crate) fn timeline_anchor(lane: &str, anchor: &str) -> String {
    format!("{lane}--{anchor}")
}

fn tag_slugs(tags: &[String]) -> String {
    tags.iter()
        .map(|t| slugify(t))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------

#[derive(Debug, Serialize)]
pub(crate) struct CompareView {
    /// Citation keys of the cells shown, for the page's reference list.
    #[serde(skip)]
    pub cites: BTreeSet<String>,
    pub cases: Vec<Link>,
    pub rows: Vec<CompareRow>,
    pub comparisons: Vec<Card>,
    pub pager: Pager,
}

/// One attribute across the compared subjects.
#[derive(Debug, Serialize)]
pub(crate) struct CompareRow {
    pub label: String,
    /// Section heading the row starts, if any.
    pub group: Option<String>,
    pub cells: Vec<Vec<CompareItem>>,
}

/// One piece of a cell: text or rendered HTML, with an optional link and
/// a small label (the stage it belongs to).
#[derive(Debug, Serialize)]
pub(crate) struct CompareItem {
    pub note: Option<Link>,
    pub html: String,
}

pub(crate) fn compare_pages(prep: &Prepared<'_>) -> usize {
    page_count(prep.kb.pages_of(Kind::Case).count(), COMPARE_CASES)
}

fn text_item(s: String) -> CompareItem {
    CompareItem {
        note: None,
        html: crate::html::html_escape(&s),
    }
}

fn link_item(l: Link) -> CompareItem {
    CompareItem {
        html: format!(
            "<a href=\"{}\">{}</a>",
            crate::html::html_escape(&l.url),
            crate::html::html_escape(&l.title)
        ),
        note: None,
    }
}

/// Cases side by side: period, company, market, model, stages, the canvas
/// block by block with each stage's entry, and framework coverage.
pub(crate) fn compare_view(prep: &Prepared<'_>, n: usize) -> CompareView {
    let kb = prep.kb;
    let all: Vec<CaseRow<'_>> = kb
        .pages_with_ids()
        .filter_map(|(id, p)| match &p.data {
            PageData::Case(c) => Some((id, p, &**c)),
            _ => None,
        })
        .collect();
    let total = page_count(all.len(), COMPARE_CASES);
    let shown = chunk(&all, COMPARE_CASES, n);
    let mut rows = overview_rows(prep, shown);
    rows.extend(canvas_rows(prep, shown));
    rows.extend(coverage_rows(prep, shown));
    let mut cites = BTreeSet::new();
    for (cid, p, _) in shown {
        cites.extend(prep.cites[*cid].iter().cloned());
        for (sid, _, _) in kb.stages_of(&p.path) {
            cites.extend(prep.cites[sid].iter().cloned());
        }
    }
    CompareView {
        cites,
        cases: shown.iter().map(|(id, _, _)| prep.link(*id)).collect(),
        rows,
        comparisons: kb
            .pages_of(Kind::Comparison)
            .map(|(id, _)| card(prep, id, String::new()))
            .collect(),
        pager: pager(&prep.base_path, "compare", n, total),
    }
}

/// A case among those compared: its id, page and front matter.
type CaseRow<'a> = (PageId, &'a Page, &'a CaseFm);

fn compare_row(label: &str, group: Option<&str>, cells: Vec<Vec<CompareItem>>) -> CompareRow {
    CompareRow {
        label: label.into(),
        group: group.map(String::from),
        cells,
    }
}

/// Period, company, market, model and stages of each case.
fn overview_rows(prep: &Prepared<'_>, shown: &[CaseRow<'_>]) -> Vec<CompareRow> {
    let kb = prep.kb;
    let t = |key: &'static str| kb.locale.t(key);
    let entity = |slug: &Option<String>| -> Vec<CompareItem> {
        slug.iter()
            .map(|s| match kb.by_path.get(format!("entities/{s}").as_str()) {
                Some(&id) => link_item(prep.link(id)),
                None => text_item(s.clone()),
            })
            .collect()
    };
    vec![
        compare_row(
            t("fact.period"),
            Some(t("compare.overview")),
            shown
                .iter()
                .map(|(_, _, c)| {
                    c.period
                        .iter()
                        .map(|p| text_item(kb.locale.period(p)))
                        .collect()
                })
                .collect(),
        ),
        compare_row(
            t("fact.company"),
            None,
            shown.iter().map(|(_, _, c)| entity(&c.company)).collect(),
        ),
        compare_row(
            t("fact.market"),
            None,
            shown.iter().map(|(_, _, c)| entity(&c.market)).collect(),
        ),
        compare_row(
            t("fact.model"),
            None,
            shown
                .iter()
                .map(|(_, _, c)| {
                    c.model
                        .iter()
                        .map(|m| {
                            let l = prep.term_link(m);
                            if l.url.is_empty() {
                                text_item(l.title)
                            } else {
                                link_item(l)
                            }
                        })
                        .collect()
                })
                .collect(),
        ),
        compare_row(
            t("kinds.stage"),
            None,
            shown
                .iter()
                .map(|(_, p, _)| {
                    kb.stages_of(&p.path)
                        .iter()
                        .map(|(sid, _, _)| link_item(prep.link(*sid)))
                        .collect()
                })
                .collect(),
        ),
    ]
}

/// The business model canvas block by block, each stage's entry noted.
fn canvas_rows(prep: &Prepared<'_>, shown: &[CaseRow<'_>]) -> Vec<CompareRow> {
    let kb = prep.kb;
    let mut rows = Vec::new();
    if let Some(canvas) = kb.framework(CANVAS) {
        for (i, dim) in canvas.dimensions.iter().enumerate() {
            let cells = shown
                .iter()
                .map(|(cid, p, _)| {
                    let mut items = Vec::new();
                    let mut add = |rid: PageId, note: Option<Link>| {
                        for c in prep.cell(rid, CANVAS, &dim.key) {
                            items.push(CompareItem {
                                note: note.clone(),
                                html: c.html,
                            });
                        }
                    };
                    add(*cid, None);
                    for (sid, _, _) in kb.stages_of(&p.path) {
                        add(sid, Some(prep.link(sid)));
                    }
                    items
                })
                .collect();
            rows.push(compare_row(
                &dim.label,
                (i == 0).then(|| kb.locale.t("compare.canvas")),
                cells,
            ));
        }
    }
    rows
}

/// Which frameworks each case and its stages apply.
fn coverage_rows(prep: &Prepared<'_>, shown: &[CaseRow<'_>]) -> Vec<CompareRow> {
    let kb = prep.kb;
    let mut rows = Vec::new();
    let mut first = true;
    for (fid, f) in kb.pages_of(Kind::Framework) {
        if f.slug == CANVAS {
            continue;
        }
        let cells = shown
            .iter()
            .map(|(cid, p, _)| {
                let mut rows_applying: Vec<PageId> = vec![*cid];
                rows_applying.extend(kb.stages_of(&p.path).iter().map(|(s, _, _)| *s));
                rows_applying
                    .into_iter()
                    .filter(|r| applies(&kb.pages[*r], &f.slug))
                    .map(|r| {
                        let mut link = prep.link(r);
                        if r == *cid {
                            link.title = kb.locale.t("matrix.whole_case").into();
                        }
                        link_item(link)
                    })
                    .collect()
            })
            .collect();
        let label = prep.link(fid).title;
        rows.push(compare_row(
            &label,
            first.then(|| kb.locale.t("compare.coverage")),
            cells,
        ));
        first = false;
    }
    rows
}

/// A declared comparison: its subjects side by side on its attributes.
#[derive(Debug, Serialize)]
pub(crate) struct ComparisonView {
    pub subjects: Vec<Link>,
    pub rows: Vec<CompareRow>,
}

/// The value of `key` for a subject: `values:` first, then the subject's
/// facts (entities) or front matter (cases).
pub(crate) fn subject_value(kb: &Kb, c: &ComparisonFm, subject: &str, key: &str) -> Option<String> {
    if let Some(v) = c.values.get(subject).and_then(|m| m.get(key)) {
        return Some(v.0.clone());
    }
    if let Some(PageData::Entity(e)) = kb.page(&format!("entities/{subject}")).map(|p| &p.data) {
        return e.facts.get(key).map(|v| v.0.clone());
    }
    match kb.page(&format!("cases/{subject}")).map(|p| &p.data) {
        Some(PageData::Case(case)) => match key {
            "period" => case.period.map(|p| kb.locale.period(&p)),
            "model" => (!case.model.is_empty()).then(|| case.model.join(", ")),
            "company" => case.company.clone(),
            "market" => case.market.clone(),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn comparison_view(prep: &Prepared<'_>, c: &ComparisonFm) -> ComparisonView {
    let kb = prep.kb;
    let subjects = c
        .subjects
        .iter()
        .map(|s| {
            kb.by_path
                .get(format!("entities/{s}").as_str())
                .or_else(|| kb.by_path.get(format!("cases/{s}").as_str()))
                .map_or_else(
                    || Link {
                        title: s.clone(),
                        url: String::new(),
                        summary: None,
                    },
                    |&id| prep.link(id),
                )
        })
        .collect();
    let rows = c
        .attributes
        .iter()
        .map(|a| CompareRow {
            label: a.label.clone(),
            group: None,
            cells: c
                .subjects
                .iter()
                .map(|s| {
                    subject_value(kb, c, s, &a.key)
                        .map(text_item)
                        .into_iter()
                        .collect()
                })
                .collect(),
        })
        .collect();
    ComparisonView { subjects, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_evenly_and_link_to_each_other() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        let items: Vec<u32> = (0..25).collect();
        assert_eq!(chunk(&items, 10, 3), &[20, 21, 22, 23, 24]);
        assert!(chunk(&items, 10, 4).is_empty());
        assert_eq!(paged_file("tags/x", 1), "tags/x/index.html");
        assert_eq!(paged_file("tags/x", 2), "tags/x/page/2/index.html");
        let p = pager("/kb/", "timeline", 2, 3);
        assert_eq!(p.prev.as_deref(), Some("/kb/timeline/"));
        assert_eq!(p.next.as_deref(), Some("/kb/timeline/page/3/"));
        assert!(p.pages[1].current);
        assert!(pager("/", "timeline", 1, 1).pages.is_empty());
    }
}
