//! Timelines drawn at build time as inline SVG, with a text list beside them.

use crate::highlight::html_escape;
use crate::model::PartialDate;
use std::fmt::Write as _;

/// A band on the timeline (a stage or a case's period).
pub struct Band {
    pub label: String,
    pub url: String,
    pub from: PartialDate,
    pub to: PartialDate,
}

/// A mark on the timeline (an event).
pub struct Mark {
    pub label: String,
    /// Link target of the mark (the event's anchor).
    pub href: String,
    pub date: PartialDate,
    /// Space-separated entity slugs and tags, for in-page filters.
    pub filter: Option<(String, String)>,
}

const WIDTH: f64 = 960.0;
const PAD: f64 = 24.0;
const BAND_Y: f64 = 8.0;
const BAND_H: f64 = 34.0;
const MARK_Y: f64 = 64.0;
const LANE_H: f64 = 16.0;
const MIN_GAP: f64 = 14.0;

/// One case's timeline: stages as bands, events as marks, years on an axis.
/// Marks are links, so they are reachable by keyboard.
pub fn timeline(title: &str, bands: &[Band], marks: &[Mark]) -> String {
    match domain(bands, marks) {
        Some(d) => timeline_in(title, bands, marks, d),
        None => String::new(),
    }
}

/// The whole years spanned by bands and marks, for a shared axis.
pub fn domain(bands: &[Band], marks: &[Mark]) -> Option<(f64, f64)> {
    let starts = bands
        .iter()
        .map(|b| b.from.as_year_fraction(false))
        .chain(marks.iter().map(|m| m.date.as_year_fraction(false)));
    let ends = bands
        .iter()
        .map(|b| b.to.as_year_fraction(true))
        .chain(marks.iter().map(|m| m.date.as_year_fraction(true)));
    let (min, max) = (starts.fold(None, fmin)?, ends.fold(None, fmax)?);
    Some((min.floor(), max.ceil().max(min.floor() + 1.0)))
}

/// Joins two domains.
pub fn union(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> Option<(f64, f64)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    }
}

/// A timeline drawn on a given axis (`domain` from [`domain`]), so several
/// lanes line up.
pub fn timeline_in(title: &str, bands: &[Band], marks: &[Mark], domain: (f64, f64)) -> String {
    let (min, max) = domain;
    let x = |t: f64| PAD + (t - min) / (max - min) * (WIDTH - 2.0 * PAD);

    // Greedy lanes so that close marks do not overlap.
    let mut lanes: Vec<f64> = Vec::new();
    let placed: Vec<(f64, usize)> = marks
        .iter()
        .map(|m| {
            let mx = x(m.date.as_year_fraction(false));
            let lane = lanes
                .iter()
                .position(|&last| mx - last >= MIN_GAP)
                .unwrap_or(lanes.len());
            if lane == lanes.len() {
                lanes.push(mx);
            } else {
                lanes[lane] = mx;
            }
            (mx, lane)
        })
        .collect();
    let axis_y = MARK_Y + lanes.len().max(1) as f64 * LANE_H + 8.0;
    let height = axis_y + 24.0;

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"timeline-svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"group\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">",
        html_escape(title)
    );
    for (i, b) in bands.iter().enumerate() {
        let (x0, x1) = (
            x(b.from.as_year_fraction(false)),
            x(b.to.as_year_fraction(true)),
        );
        let _ = write!(
            s,
            "<a href=\"{}\" class=\"band band-{}\"><title>{}</title><rect x=\"{x0:.1}\" y=\"{BAND_Y}\" width=\"{:.1}\" height=\"{BAND_H}\" rx=\"4\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text></a>",
            html_escape(&b.url),
            i % 4,
            html_escape(&b.label),
            (x1 - x0).max(2.0),
            x0 + 6.0,
            BAND_Y + 22.0,
            html_escape(&truncate(&b.label, ((x1 - x0) / 7.5) as usize)),
        );
    }
    for (m, (mx, lane)) in marks.iter().zip(&placed) {
        let cy = MARK_Y + *lane as f64 * LANE_H;
        let _ = write!(
            s,
            "<a href=\"{}\" class=\"mark\"{} aria-label=\"{}: {}\"><title>{}: {}</title><line x1=\"{mx:.1}\" x2=\"{mx:.1}\" y1=\"{:.1}\" y2=\"{cy:.1}\"/><circle cx=\"{mx:.1}\" cy=\"{cy:.1}\" r=\"5\"/></a>",
            html_escape(&m.href),
            m.filter
                .as_ref()
                .map(|(e, t)| format!(
                    " data-entities=\"{}\" data-tags=\"{}\"",
                    html_escape(e),
                    html_escape(t)
                ))
                .unwrap_or_default(),
            m.date.human(),
            html_escape(&m.label),
            m.date.human(),
            html_escape(&m.label),
            BAND_Y + BAND_H,
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{PAD}\" x2=\"{:.1}\" y1=\"{axis_y}\" y2=\"{axis_y}\"/>",
        WIDTH - PAD
    );
    let years = (max - min) as i64;
    let step = ((years as f64) / 12.0).ceil().max(1.0) as i64;
    for k in (0..=years).step_by(step as usize) {
        let t = min + k as f64;
        let _ = write!(
            s,
            "<line class=\"tick\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{axis_y}\" y2=\"{1}\"/><text class=\"year\" x=\"{0:.1}\" y=\"{2}\">{3}</text>",
            x(t),
            axis_y + 5.0,
            axis_y + 18.0,
            t as i64
        );
    }
    s.push_str("</svg>");
    s
}

fn fmin(acc: Option<f64>, v: f64) -> Option<f64> {
    Some(acc.map_or(v, |a| a.min(v)))
}

fn fmax(acc: Option<f64>, v: f64) -> Option<f64> {
    Some(acc.map_or(v, |a| a.max(v)))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn bands_and_marks_are_drawn_as_links() {
        let svg = timeline(
            "T",
            &[Band {
                label: "Entry".into(),
                url: "/e/".into(),
                from: d("2010"),
                to: d("2013"),
            }],
            &[
                Mark {
                    label: "Launch".into(),
                    href: "#launch".into(),
                    date: d("2010-04"),
                    filter: None,
                },
                Mark {
                    label: "Same month".into(),
                    href: "#x".into(),
                    date: d("2010-04"),
                    filter: None,
                },
            ],
        );
        assert!(svg.contains("<a href=\"/e/\" class=\"band band-0\">"));
        assert!(svg.contains("href=\"#launch\""));
        assert!(svg.contains(">2013</text>"));
        // Two marks on one date go to different lanes.
        assert!(
            svg.contains(&format!("cy=\"{MARK_Y:.1}\""))
                && svg.contains(&format!("cy=\"{:.1}\"", MARK_Y + LANE_H))
        );
    }

    #[test]
    fn empty_timeline_draws_nothing() {
        assert_eq!(timeline("T", &[], &[]), "");
    }
}
