//! The map of the knowledge base (`/map/`) and each page's neighbourhood:
//! cases, stages, frameworks and entities and the links between them, laid
//! out at build time in rings (frameworks at the centre, cases around them,
//! each case's stages beside it, entities outside, ordered by the cases
//! they belong to), so two builds draw the same map and no script is
//! needed to read it.

use crate::links::Neighbours;
use crate::model::{Kind, PageData, PageId};
use crate::site::Prepared;
use crate::views::Link;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::TAU;

/// The most nodes `/map/` draws; the rest are counted and listed by kind.
pub(crate) const MAX_NODES: usize = 150;

/// The most neighbours a page's neighbourhood figure draws.
pub(crate) const NEIGHBOURS_SHOWN: usize = 8;

/// Width of a neighbourhood drawing, and the height of one of its rows.
const FAN_WIDTH: u32 = 480;
const FAN_ROW: u32 = 30;

/// Side of the map's square drawing, in SVG units.
const SIDE: f64 = 1000.0;

/// Kinds drawn on the map, in the order of their rings (inside out).
const KINDS: [Kind; 4] = [Kind::Framework, Kind::Case, Kind::Stage, Kind::Entity];

/// A node drawn on the map.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MapNode {
    pub title: String,
    pub url: String,
    pub kind: &'static str,
    pub x: String,
    pub y: String,
    pub r: u8,
    /// Shown beside the node (on `/map/` for frameworks and cases only;
    /// every node names itself on hover and focus).
    pub labelled: bool,
    /// The visible label: a stage's short title, or the title cut at a
    /// word to at most [`LABEL_CHARS`] characters.
    pub label: String,
    /// Where the label goes, and how it is anchored (`start`, `middle`,
    /// `end`), so it reads away from the centre.
    pub lx: String,
    pub ly: String,
    pub anchor: &'static str,
}

/// The longest visible label of a node.
const LABEL_CHARS: usize = 24;

/// `title` cut at a word boundary to at most [`LABEL_CHARS`] characters.
fn short(title: &str) -> String {
    if title.chars().count() <= LABEL_CHARS {
        return title.to_string();
    }
    let mut out = String::new();
    for word in title.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > LABEL_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_string()
        + "…"
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MapEdge {
    pub x1: String,
    pub y1: String,
    pub x2: String,
    pub y2: String,
}

/// One kind's nodes as a list: the map's text equivalent.
#[derive(Debug, Serialize)]
pub(crate) struct MapGroup {
    pub kind: String,
    pub items: Vec<MapEntry>,
    /// Pages of this kind not drawn (beyond the cap).
    pub hidden: usize,
    /// The list page of this kind, for what is not drawn.
    pub all_url: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct MapEntry {
    pub link: Link,
    /// The drawn nodes it is linked with (the first [`LINKED_LISTED`]).
    pub linked: Vec<Link>,
    /// Drawn nodes it is linked with beyond those listed.
    pub more: usize,
}

/// The most linked pages the list names for one node.
const LINKED_LISTED: usize = 5;

/// `/map/`.
#[derive(Debug, Serialize)]
pub(crate) struct MapView {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    pub groups: Vec<MapGroup>,
    pub cap: usize,
    pub hidden: usize,
}

/// A page's neighbourhood: the page on the left, the pages it links to and
/// from fanned out on the right, one per row with its label, so the labels
/// keep their size at any width. Rows are [`FAN_ROW`] units apart; the
/// theme draws the fan from the row numbers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Neighbourhood {
    /// Size of the drawing, and where the page itself sits.
    pub width: u32,
    pub height: u32,
    pub centre_y: u32,
    pub kind: &'static str,
    pub nodes: Vec<Neighbour>,
    /// Neighbours beyond those drawn.
    pub more: usize,
}

/// A page of a neighbourhood.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Neighbour {
    pub title: String,
    /// Its short title, when shorter (a stage's `short_title`, or the title
    /// cut at a word).
    pub label: String,
    pub url: String,
    pub kind: &'static str,
    /// Centre of its row.
    pub y: u32,
    pub r: u8,
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

fn on_ring(angle: f64, radius: f64, centre: (f64, f64)) -> (f64, f64) {
    (
        centre.0 + radius * angle.cos(),
        centre.1 + radius * angle.sin(),
    )
}

fn drawn(kind: Kind) -> bool {
    KINDS.contains(&kind)
}

/// Pages linked with `id` either way, among the kinds the map draws, with
/// a stage's case counted as linked.
fn linked(prep: &Prepared<'_>, n: &Neighbours, id: PageId) -> BTreeSet<PageId> {
    let kb = prep.kb;
    let mut set: BTreeSet<PageId> = n.out[id]
        .iter()
        .chain(&n.into[id])
        .copied()
        .filter(|&o| o != id && drawn(kb.pages[o].kind))
        .collect();
    if let PageData::Stage(s) = &kb.pages[id].data
        && let Some(&case) = kb.by_path.get(s.case.as_str())
    {
        set.insert(case);
    }
    if kb.pages[id].kind == Kind::Case {
        set.extend(kb.stages_of(&kb.pages[id].path).iter().map(|(s, _, _)| *s));
    }
    set
}

/// Which pages `/map/` draws: every framework, then cases with their
/// stages, then the entities linked with most of what is drawn, up to
/// [`MAX_NODES`].
fn chosen(prep: &Prepared<'_>, n: &Neighbours) -> Vec<PageId> {
    let kb = prep.kb;
    let mut picked: Vec<PageId> = kb.pages_of(Kind::Framework).map(|(id, _)| id).collect();
    picked.truncate(MAX_NODES);
    for (case, p) in kb.pages_of(Kind::Case) {
        let stages = kb.stages_of(&p.path);
        if picked.len() + 1 + stages.len() > MAX_NODES {
            break;
        }
        picked.push(case);
        picked.extend(stages.iter().map(|(s, _, _)| *s));
    }
    let set: BTreeSet<PageId> = picked.iter().copied().collect();
    let mut entities: Vec<(usize, PageId)> = kb
        .pages_of(Kind::Entity)
        .map(|(id, _)| (linked(prep, n, id).intersection(&set).count(), id))
        .collect();
    entities.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let room = MAX_NODES.saturating_sub(picked.len());
    picked.extend(entities.into_iter().take(room).map(|(_, id)| id));
    picked
}

/// Radius of a node: the larger the kind's ring, the smaller its nodes.
fn radius(kind: Kind) -> u8 {
    match kind {
        Kind::Framework => 14,
        Kind::Case => 11,
        Kind::Stage => 6,
        _ => 5,
    }
}

fn node(prep: &Prepared<'_>, id: PageId, (x, y): (f64, f64), centre: (f64, f64)) -> MapNode {
    let p = &prep.kb.pages[id];
    let label = match &p.data {
        PageData::Stage(s) => {
            s.fm.short_title
                .clone()
                .unwrap_or_else(|| short(&p.meta.title))
        }
        _ => short(&p.meta.title),
    };
    let (dx, dy) = (x - centre.0, y - centre.1);
    let anchor = if dx.abs() < 1.0 {
        "middle"
    } else if dx > 0.0 {
        "start"
    } else {
        "end"
    };
    let gap = 16.0;
    let len = dx.hypot(dy).max(1.0);
    let (lx, ly) = if dx.abs() < 1.0 && dy.abs() < 1.0 {
        (x, y + 30.0)
    } else {
        (x + dx / len * gap, y + dy / len * gap + 5.0)
    };
    MapNode {
        label,
        lx: num(lx),
        ly: num(ly),
        anchor,
        title: p.meta.title.clone(),
        url: prep.url(id),
        kind: p.kind.name(),
        x: num(x),
        y: num(y),
        r: radius(p.kind),
        labelled: matches!(p.kind, Kind::Framework | Kind::Case),
    }
}

/// Positions of the chosen pages, ring by ring.
fn layout(prep: &Prepared<'_>, n: &Neighbours, ids: &[PageId]) -> BTreeMap<PageId, (f64, f64)> {
    let kb = prep.kb;
    let c = (SIDE / 2.0, SIDE / 2.0);
    let of = |k: Kind| ids.iter().copied().filter(move |&i| kb.pages[i].kind == k);
    let mut at: BTreeMap<PageId, (f64, f64)> = BTreeMap::new();
    let frameworks: Vec<PageId> = of(Kind::Framework).collect();
    for (i, &f) in frameworks.iter().enumerate() {
        let radius = if frameworks.len() == 1 { 0.0 } else { 95.0 };
        let angle = TAU * i as f64 / frameworks.len().max(1) as f64 - TAU / 4.0;
        at.insert(f, on_ring(angle, radius, c));
    }
    let cases: Vec<PageId> = of(Kind::Case).collect();
    let slice = TAU / cases.len().max(1) as f64;
    for (i, &case) in cases.iter().enumerate() {
        let angle = slice * i as f64 - TAU / 4.0;
        at.insert(case, on_ring(angle, 250.0, c));
        let stages = kb.stages_of(&kb.pages[case].path);
        let spread = (slice * 0.8).min(0.5);
        for (j, (s, _, _)) in stages.iter().enumerate() {
            let offset = if stages.len() > 1 {
                spread * (j as f64 / (stages.len() - 1) as f64 - 0.5)
            } else {
                0.0
            };
            at.insert(*s, on_ring(angle + offset, 335.0, c));
        }
    }
    // Entities sit in the order of the mean angle of what they link to.
    let mut entities: Vec<(f64, PageId)> = of(Kind::Entity)
        .map(|e| {
            let (sx, sy, k) = linked(prep, n, e)
                .iter()
                .filter_map(|o| at.get(o))
                .fold((0.0, 0.0, 0usize), |(sx, sy, k), &(x, y)| {
                    (sx + x - c.0, sy + y - c.1, k + 1)
                });
            let angle = if k == 0 { TAU } else { sy.atan2(sx) };
            (angle, e)
        })
        .collect();
    entities.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, (_, e)) in entities.iter().enumerate() {
        let angle = TAU * i as f64 / entities.len().max(1) as f64 - TAU / 2.0;
        at.insert(*e, on_ring(angle, 445.0, c));
    }
    at
}

fn edge((x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> MapEdge {
    MapEdge {
        x1: num(x1),
        y1: num(y1),
        x2: num(x2),
        y2: num(y2),
    }
}

/// `/map/`: the drawn nodes and edges, and the grouped list.
pub(crate) fn view(prep: &Prepared<'_>) -> MapView {
    let kb = prep.kb;
    let n = prep.neighbours();
    let ids = chosen(prep, n);
    let at = layout(prep, n, &ids);
    let mut edges = Vec::new();
    let mut groups = Vec::new();
    for kind in KINDS {
        let mut items = Vec::new();
        for &id in ids.iter().filter(|&&i| kb.pages[i].kind == kind) {
            let others = linked(prep, n, id);
            for &o in others.iter().filter(|&&o| o > id) {
                if let (Some(&a), Some(&b)) = (at.get(&id), at.get(&o)) {
                    edges.push(edge(a, b));
                }
            }
            let drawn_others: Vec<PageId> = others
                .iter()
                .copied()
                .filter(|o| at.contains_key(o))
                .collect();
            items.push(MapEntry {
                link: prep.link(id),
                linked: drawn_others
                    .iter()
                    .take(LINKED_LISTED)
                    .map(|&o| prep.link(o))
                    .collect(),
                more: drawn_others.len().saturating_sub(LINKED_LISTED),
            });
        }
        let total = kb.pages_of(kind).count();
        groups.push(MapGroup {
            kind: crate::views::plural(&kb.locale, kind),
            hidden: total - items.len(),
            items,
            all_url: crate::links::page_url(
                &prep.base_path,
                match kind {
                    Kind::Stage | Kind::Case => "cases",
                    Kind::Framework => "frameworks",
                    _ => "entities",
                },
            ),
        });
    }
    let centre = (SIDE / 2.0, SIDE / 2.0);
    let nodes = ids
        .iter()
        .map(|&id| node(prep, id, at[&id], centre))
        .collect();
    let hidden = groups.iter().map(|g| g.hidden).sum();
    MapView {
        nodes,
        edges,
        groups,
        cap: MAX_NODES,
        hidden,
    }
}

/// The neighbourhood of page `id`, or `None` for kinds the map does not
/// draw and pages linked with nothing.
pub(crate) fn neighbourhood(prep: &Prepared<'_>, id: PageId) -> Option<Neighbourhood> {
    let kind = prep.kb.pages[id].kind;
    if !drawn(kind) {
        return None;
    }
    let others = linked(prep, prep.neighbours(), id);
    if others.is_empty() {
        return None;
    }
    let nodes: Vec<Neighbour> = others
        .iter()
        .take(NEIGHBOURS_SHOWN)
        .enumerate()
        .map(|(i, &o)| {
            let p = &prep.kb.pages[o];
            let label = match &p.data {
                PageData::Stage(s) => s.fm.short_title.clone(),
                _ => None,
            }
            .unwrap_or_else(|| short(&p.meta.title));
            Neighbour {
                title: p.meta.title.clone(),
                label,
                url: prep.url(o),
                kind: p.kind.name(),
                y: FAN_ROW * i as u32 + 20,
                r: radius(p.kind),
            }
        })
        .collect();
    let height = FAN_ROW * nodes.len() as u32 + 10;
    Some(Neighbourhood {
        width: FAN_WIDTH,
        height,
        centre_y: height / 2,
        kind: kind.name(),
        more: others.len() - nodes.len(),
        nodes,
    })
}
