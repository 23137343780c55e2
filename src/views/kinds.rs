//! The views of the page kinds: case, stage, framework, entity, section,
//! home, teaching notes and datasets, each built from the site.

use crate::graphics::timeline;
use crate::links::page_url;
use crate::model::lang::Locale;
use crate::model::*;
use crate::site::{Prepared, applies, layout_name};
use crate::views::aggregate;
use crate::views::*;
use serde::Serialize;
use std::collections::BTreeSet;

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
    /// The type as a reader sees it (`Company`), in the page's language.
    pub type_label: String,
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

/// The period of a case or stage as the language writes it (`May 2014 –
/// present`); empty for other pages and undated ones.
pub(crate) fn period_of(locale: &Locale, p: &Page) -> String {
    let period = match &p.data {
        PageData::Case(c) => c.period,
        PageData::Stage(s) => s.fm.period,
        _ => None,
    };
    period.map(|x| locale.period(&x)).unwrap_or_default()
}

/// A case's timeline: stages as bands, events as marks linking to
/// `<prefix>#<anchor>` (empty prefix on the case page itself).
pub(crate) fn case_timeline(
    prep: &Prepared<'_>,
    id: PageId,
    prefix: &str,
) -> Option<timeline::Figure> {
    let kb = prep.kb;
    let page = &kb.pages[id];
    let bands = stage_bands(prep, &page.path);
    let marks: Vec<timeline::Mark> = kb
        .event_ids_of(Some(&page.path))
        .into_iter()
        .map(|e| &kb.events[e])
        .map(|e| timeline::Mark {
            label: e.fm.title.clone(),
            href: format!("{prefix}#{}", e.anchor),
            date: e.fm.date,
            filter: None,
        })
        .collect();
    let axis = timeline::Axis::covering([(bands.as_slice(), marks.as_slice())])?;
    Some(timeline::figure(
        &kb.locale,
        &kb.locale
            .fill("timeline.of", &[("title", page.meta.title.as_str())]),
        &bands,
        &marks,
        &axis,
    ))
}

/// A dataset as its table and chart templates show it.
pub(crate) fn dataset_view(prep: &Prepared<'_>, slug: &str, ds: &Dataset, n: usize) -> DatasetView {
    let locale = &prep.kb.locale;
    let (columns, rows) = if ds.series.is_empty() {
        (
            ds.columns.clone(),
            ds.rows
                .iter()
                .map(|r| r.iter().map(|c| c.0.clone()).collect())
                .collect(),
        )
    } else {
        (
            vec![
                locale.t("dataset.label").into(),
                ds.unit
                    .clone()
                    .unwrap_or_else(|| locale.t("dataset.value").into()),
            ],
            ds.series
                .iter()
                .map(|p| {
                    vec![
                        p.label.clone(),
                        crate::graphics::chart::display_number(locale, p.value),
                    ]
                })
                .collect(),
        )
    };
    DatasetView {
        anchor: format!("data-{slug}-{n}"),
        title: ds.title.clone(),
        summary: ds.summary.clone(),
        unit: ds.unit.clone().unwrap_or_default(),
        columns,
        rows,
        cites: crate::markdown::cite::cite_list(prep.kb, &ds.refs)
            .trim_start()
            .to_string(),
        csv_url: format!("{}data/{slug}.csv", prep.base_path),
        json_url: format!("{}data/{slug}.json", prep.base_path),
    }
}

pub(crate) fn case_view(
    prep: &Prepared<'_>,
    id: PageId,
    c: &CaseFm,
) -> (CaseView, BTreeSet<String>) {
    let kb = prep.kb;
    let page = &kb.pages[id];
    let stages = kb.stages_of(&page.path);
    let mut facts = Vec::new();
    for (field, slug) in [
        ("company", &c.company),
        ("parent", &c.parent),
        ("market", &c.market),
    ] {
        if let Some(slug) = slug
            && let Some(&eid) = kb.by_path.get(format!("entities/{slug}").as_str())
        {
            let link = prep.link(eid);
            facts.push(Fact {
                label: kb.locale.t(&format!("fact.{field}")).into(),
                value: link.title.clone(),
                link: Some(link),
            });
        }
    }
    let events: Vec<usize> = kb.event_ids_of(Some(&page.path));
    let timeline = case_timeline(prep, id, "");

    let mut rows: Vec<(PageId, bool)> = vec![(id, false)];
    rows.extend(stages.iter().map(|(sid, _, _)| (*sid, false)));
    let mut slugs: BTreeSet<&str> = BTreeSet::new();
    for &(rid, _) in &rows {
        for (fid, f) in kb.pages_of(Kind::Framework) {
            let _ = fid;
            if applies(&kb.pages[rid], &f.slug) {
                slugs.insert(f.slug.as_str());
            }
        }
    }
    let mut cites = BTreeSet::new();
    for &(rid, _) in &rows[1..] {
        cites.extend(prep.cites[rid].iter().cloned());
    }
    let canvas = prep.matrix(CANVAS, &rows);
    let mut matrices = Vec::new();
    let mut quadrants = Vec::new();
    for slug in slugs {
        if slug == CANVAS {
            continue;
        }
        let is_quadrant = kb
            .framework(slug)
            .is_some_and(|f| f.layout == Layout::Quadrant);
        if is_quadrant {
            for &(rid, _) in &rows {
                if applies(&kb.pages[rid], slug)
                    && let Some(mut a) = prep.analysis(rid, slug)
                {
                    if rid != id {
                        a.framework.title =
                            format!("{} — {}", a.framework.title, kb.pages[rid].meta.title);
                    }
                    quadrants.push(a);
                }
            }
            // A quadrant framework applied by several stages also gets a matrix.
            if rows
                .iter()
                .filter(|(r, _)| applies(&kb.pages[*r], slug))
                .count()
                > 1
            {
                matrices.extend(prep.matrix(slug, &rows));
            }
        } else {
            matrices.extend(prep.matrix(slug, &rows));
        }
    }
    let mut canvas = canvas;
    keep_first_anchors(
        canvas
            .iter_mut()
            .flat_map(MatrixView::items_mut)
            .chain(matrices.iter_mut().flat_map(MatrixView::items_mut))
            .chain(quadrants.iter_mut().flat_map(AnalysisView::items_mut)),
    );
    let view = CaseView {
        evolution_url: crate::views::evolution::has_evolution(prep, id)
            .then(|| page_url(&prep.base_path, &format!("{}/evolution", page.path))),
        teaching: prep.teaching(id).cloned(),
        facts,
        model: c.model.iter().map(|m| prep.term_link(m)).collect(),
        period: period_of(&kb.locale, page),
        timeline,
        events: events.iter().map(|&e| prep.event_view(e, false)).collect(),
        stages: stages
            .iter()
            .map(|(sid, sp, _)| card(prep, *sid, period_of(&kb.locale, sp)))
            .collect(),
        canvas,
        matrices,
        quadrants,
    };
    (view, cites)
}

/// Page `n` of `/teaching/`: the cases with teaching notes, in path order.
pub(crate) fn teaching_view(prep: &Prepared<'_>, n: usize) -> TeachingPage {
    let taught = prep.taught_cases();
    let total = aggregate::page_count(taught.len(), aggregate::TEACHING_CASES);
    let cases = aggregate::chunk(&taught, aggregate::TEACHING_CASES, n)
        .iter()
        .filter_map(|&id| {
            prep.teaching(id).map(|notes| TaughtCase {
                case: prep.link(id),
                notes: notes.clone(),
            })
        })
        .collect();
    TeachingPage {
        cases,
        pager: aggregate::pager(&prep.base_path, "teaching", n, total),
    }
}

pub(crate) fn stage_view(prep: &Prepared<'_>, id: PageId, s: &StageData) -> StageView {
    let kb = prep.kb;
    let stages = kb.stages_of(&s.case);
    let pos = stages.iter().position(|(sid, _, _)| *sid == id);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| stages.get(i))
            .map(|(sid, _, _)| prep.link(*sid))
    };
    let mut analyses: Vec<AnalysisView> = Vec::new();
    if s.fm.business_model.is_some() || s.fm.analyses.contains_key(CANVAS) {
        analyses.extend(prep.analysis(id, CANVAS));
    }
    for slug in s.fm.analyses.keys().filter(|k| *k != CANVAS) {
        analyses.extend(prep.analysis(id, slug));
    }
    keep_first_anchors(analyses.iter_mut().flat_map(AnalysisView::items_mut));
    let slug = kb.pages[id].slug.as_str();
    StageView {
        evolution_url: kb.by_path.get(s.case.as_str()).and_then(|&c| {
            crate::views::evolution::has_evolution(prep, c)
                .then(|| page_url(&prep.base_path, &format!("{}/evolution", s.case)))
        }),
        case: kb.by_path.get(s.case.as_str()).map_or_else(
            || Link {
                title: s.case.clone(),
                url: String::new(),
                summary: None,
            },
            |&c| prep.link(c),
        ),
        order: s.fm.order,
        period: period_of(&kb.locale, &kb.pages[id]),
        analyses,
        metrics: s.fm.metrics.iter().map(|m| metric_view(prep, m)).collect(),
        events: kb
            .event_ids_of(Some(&s.case))
            .into_iter()
            .filter(|&e| kb.events[e].fm.stage.as_deref() == Some(slug))
            .map(|e| prep.event_view(e, false))
            .collect(),
        prev: neighbour(pos.and_then(|p| p.checked_sub(1))),
        next: neighbour(pos.map(|p| p + 1)),
    }
}

/// A metric's value: whole numbers with every thousand grouped (`2,014`),
/// others with all their decimals (`0.125`), in the language's marks.
/// (`Locale::number` leaves four digits ungrouped and rounds to two
/// decimals, which would change what metrics show.)
pub(crate) fn number(locale: &Locale, v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v as i64);
        let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(locale.t("number.group"));
            }
            out.push(ch);
        }
        format!("{sign}{out}")
    } else {
        format!("{v}").replace('.', locale.t("number.decimal"))
    }
}

pub(crate) fn metric_view(prep: &Prepared<'_>, m: &Metric) -> MetricView {
    let shown = |v: f64| number(&prep.kb.locale, v);
    MetricView {
        label: m.label.clone(),
        unit: m.unit.clone().unwrap_or_default(),
        start: m.start.map(shown),
        end: m.end.map(shown),
        period: m.period.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
        cites: crate::markdown::cite::cite_list(prep.kb, &m.refs)
            .trim_start()
            .to_string(),
    }
}

/// Whether a case or any of its stages applies a framework.
pub(crate) fn framework_view(
    prep: &Prepared<'_>,
    id: PageId,
    f: &FrameworkFm,
    n: usize,
) -> (FrameworkView, BTreeSet<String>) {
    let kb = prep.kb;
    let page = &kb.pages[id];
    let slug = &page.slug;
    let cases: Vec<(PageId, &Page)> = prep
        .framework_cases(slug)
        .iter()
        .map(|&c| (c, &kb.pages[c]))
        .collect();
    let total = aggregate::page_count(cases.len(), aggregate::MATRIX_CASES);
    let mut rows = Vec::new();
    let mut cites = BTreeSet::new();
    for &(cid, case) in aggregate::chunk(&cases, aggregate::MATRIX_CASES, n) {
        rows.push((cid, true));
        for (sid, _, _) in kb.stages_of(&case.path) {
            rows.push((sid, true));
        }
    }
    rows.retain(|(r, _)| applies(&kb.pages[*r], slug));
    for (r, _) in &rows {
        cites.extend(prep.cites[*r].iter().cloned());
    }
    let mut matrix = prep.matrix(slug, &rows).unwrap_or_else(|| MatrixView {
        framework: prep.link(id),
        slug: slug.clone(),
        layout: layout_name(f.layout).into(),
        dimensions: prep.dims(f),
        rows: Vec::new(),
    });
    keep_first_anchors(matrix.items_mut());
    (
        FrameworkView {
            layout: layout_name(f.layout).into(),
            dimensions: prep.dims(f),
            matrix,
            pager: aggregate::pager(&prep.base_path, &page.path, n, total),
        },
        cites,
    )
}

pub(crate) fn entity_view(locale: &Locale, e: &EntityFm) -> EntityView {
    let type_name = serde_json::to_value(e.entity_type)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    EntityView {
        type_label: locale.t(&format!("entity_type.{type_name}")).into(),
        entity_type: type_name,
        facts: e
            .facts
            .iter()
            .map(|(k, v)| Fact {
                label: humanize(k),
                value: v.0.clone(),
                link: None,
            })
            .collect(),
        website: e.website.clone(),
        aliases: e.aliases.clone(),
    }
}

/// `entered_russia` → `Entered russia`.
pub(crate) fn humanize(key: &str) -> String {
    let s = key.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[derive(Serialize)]
pub(crate) struct HomeView {
    cases: Vec<Card>,
    frameworks: Vec<Card>,
    latest: Vec<Card>,
    /// How many cases and frameworks there are, and their list pages, for
    /// an "all …" link when the home page shows only the first few.
    cases_total: usize,
    cases_url: String,
    frameworks_total: usize,
    frameworks_url: String,
}

/// Cards of each kind on the home page; the list pages have the rest.
const HOME_CARDS: usize = 12;

pub(crate) fn home_view(prep: &Prepared<'_>) -> HomeView {
    let kb = prep.kb;
    let cases = kb
        .pages_of(Kind::Case)
        .take(HOME_CARDS)
        .map(|(id, p)| card(prep, id, period_of(&kb.locale, p)))
        .collect();
    let frameworks = kb
        .pages_of(Kind::Framework)
        .take(HOME_CARDS)
        .map(|(id, _)| card(prep, id, String::new()))
        .collect();
    let mut dated: Vec<(PartialDate, PageId)> = kb
        .pages_with_ids()
        .filter_map(|(id, _)| kb.page_date(id).map(|d| (d, id)))
        .collect();
    dated.sort_by(|a, b| b.cmp(a));
    let latest = dated
        .into_iter()
        .take(8)
        .map(|(d, id)| card(prep, id, kb.locale.date(&d)))
        .collect();
    HomeView {
        cases,
        frameworks,
        latest,
        cases_total: kb.pages_of(Kind::Case).count(),
        cases_url: page_url(&prep.base_path, "cases"),
        frameworks_total: kb.pages_of(Kind::Framework).count(),
        frameworks_url: page_url(&prep.base_path, "frameworks"),
    }
}

/// A plain section lists its pages by weight, then date, then title.
pub(crate) fn section_view(prep: &Prepared<'_>, path: &str) -> ListView {
    let kb = prep.kb;
    let prefix = format!("{path}/");
    let mut pages: Vec<(Option<i64>, Option<PartialDate>, &str, PageId)> = kb
        .pages_with_ids()
        .filter(|(_, p)| {
            p.kind == Kind::Page
                && p.path
                    .strip_prefix(&prefix)
                    .is_some_and(|r| !r.contains('/'))
        })
        .map(|(id, p)| match &p.data {
            PageData::Page(pf) => (pf.weight, pf.date, p.meta.title.as_str(), id),
            _ => (None, None, p.meta.title.as_str(), id),
        })
        .collect();
    pages.sort_by(|a, b| (a.0.is_none(), a.0, a.1, a.2).cmp(&(b.0.is_none(), b.0, b.1, b.2)));
    let cards = pages
        .into_iter()
        .map(|(_, d, _, id)| {
            let date = d.map(|d| kb.locale.date(&d)).unwrap_or_default();
            card(prep, id, date)
        })
        .collect();
    ListView {
        groups: vec![CardGroup {
            title: String::new(),
            cards,
        }],
        pager: Default::default(),
        events: Vec::new(),
    }
}

/// The dated stages of the case at `case_path`, as timeline bands.
pub(crate) fn stage_bands(prep: &Prepared<'_>, case_path: &str) -> Vec<timeline::Band> {
    let kb = prep.kb;
    kb.stages_of(case_path)
        .iter()
        .filter_map(|(sid, sp, s)| {
            s.period.map(|per| timeline::Band {
                label: sp.meta.title.clone(),
                short: s.short_title.clone(),
                url: prep.url(*sid),
                from: per.from,
                to: per.end(kb.latest),
            })
        })
        .collect()
}
