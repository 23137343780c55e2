//! Timelines laid out at build time as a CSS grid: one track per month of
//! every year that holds something, one narrow track for each stretch of
//! empty years (a visible break on the axis), stages as bands, events as
//! marks. The theme draws the grid horizontally where the figure is wide and
//! vertically on phones, from the same positions; text is real HTML text at
//! its own size, so labels wrap inside their bands instead of shrinking.

use crate::model::PartialDate;
use crate::model::lang::Locale;
use serde::Serialize;

/// A band on the timeline (a stage or a case's period).
pub(crate) struct Band {
    pub label: String,
    /// A shorter label the band shows instead (a stage's `short_title`).
    pub short: Option<String>,
    pub url: String,
    pub from: PartialDate,
    pub to: PartialDate,
}

/// A mark on the timeline (an event).
pub(crate) struct Mark {
    pub label: String,
    /// Link target of the mark (the event's anchor).
    pub href: String,
    pub date: PartialDate,
    /// Space-separated entity slugs and tags, for in-page filters.
    pub filter: Option<(String, String)>,
}

/// Part of an axis: a run of drawn years, or a stretch of empty years drawn
/// as one narrow break.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Segment {
    Years { first: i32, count: i32 },
    Gap { first: i32, last: i32 },
}

/// A time axis shared by the lanes of one page, so they line up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    segments: Vec<Segment>,
}

/// Empty years shorter than this stay on the axis.
const MIN_GAP_YEARS: i32 = 2;

/// The narrowest a horizontal figure gets before the theme turns it
/// vertical (the theme's container query uses the same width), in rem.
const MIN_HORIZONTAL_REM: f64 = 36.0;

/// Room a year label needs on a horizontal axis, in rem.
const YEAR_LABEL_REM: f64 = 3.2;

/// Width of a break on a horizontal axis, in rem.
const GAP_REM: f64 = 1.5;

impl Axis {
    /// An axis over the years that the bands and marks of all `lanes`
    /// occupy; `None` when there is nothing to draw.
    pub(crate) fn covering<'a>(
        lanes: impl IntoIterator<Item = (&'a [Band], &'a [Mark])>,
    ) -> Option<Axis> {
        let mut spans: Vec<(f64, f64)> = Vec::new();
        for (bands, marks) in lanes {
            spans.extend(
                bands
                    .iter()
                    .map(|b| (b.from.as_year_fraction(false), b.to.as_year_fraction(true))),
            );
            spans.extend(marks.iter().map(|m| {
                let t = m.date.as_year_fraction(false);
                (t, t)
            }));
        }
        let first = spans.iter().map(|s| s.0.floor() as i32).min()?;
        let last = spans
            .iter()
            .map(|s| (s.1.ceil() as i32 - 1).max(s.0.floor() as i32))
            .max()?;
        let used = |y: i32| {
            let (lo, hi) = (f64::from(y), f64::from(y + 1));
            spans.iter().any(|&(a, b)| a < hi && (b > lo || a >= lo))
        };
        let mut segments = Vec::new();
        let mut y = first;
        while y <= last {
            let mut end = y;
            if used(y) {
                while end < last && used(end + 1) {
                    end += 1;
                }
                push_years(&mut segments, y, end - y + 1);
            } else {
                while end < last && !used(end + 1) {
                    end += 1;
                }
                if end - y + 1 >= MIN_GAP_YEARS {
                    segments.push(Segment::Gap {
                        first: y,
                        last: end,
                    });
                } else {
                    push_years(&mut segments, y, end - y + 1);
                }
            }
            y = end + 1;
        }
        Some(Axis { segments })
    }

    /// Number of grid tracks.
    fn tracks(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Years { count, .. } => *count as usize * 12,
                Segment::Gap { .. } => 1,
            })
            .sum()
    }

    /// The grid line (1-based) at time `t` (in fractional years); a time
    /// inside a break, or past the axis, maps to the break's or axis' edge.
    fn line(&self, t: f64) -> usize {
        let year = t.floor() as i32;
        let month = (((t - t.floor()) * 12.0 + 1e-6).floor() as usize).min(11);
        let mut line = 1;
        for s in &self.segments {
            match *s {
                Segment::Years { first, count } => {
                    if year < first {
                        return line;
                    }
                    if year < first + count {
                        return line + (year - first) as usize * 12 + month;
                    }
                    line += count as usize * 12;
                }
                Segment::Gap { last, .. } => {
                    if year <= last {
                        return line;
                    }
                    line += 1;
                }
            }
        }
        line
    }

    /// The track sizes: `(horizontal, vertical)`.
    fn templates(&self) -> (String, String) {
        let mut across = Vec::new();
        let mut down = Vec::new();
        for s in &self.segments {
            match s {
                Segment::Years { count, .. } => {
                    across.push(format!("repeat({}, minmax(0, 1fr))", count * 12));
                    down.push(format!("repeat({}, minmax(0.2rem, auto))", count * 12));
                }
                Segment::Gap { .. } => {
                    across.push(format!("{GAP_REM}rem"));
                    down.push("1.75rem".to_string());
                }
            }
        }
        (across.join(" "), down.join(" "))
    }

    /// Years between two labels on a horizontal axis at its narrowest.
    fn label_step(&self) -> i32 {
        let years: i32 = self
            .segments
            .iter()
            .map(|s| match s {
                Segment::Years { count, .. } => *count,
                Segment::Gap { .. } => 0,
            })
            .sum();
        let gaps = self.segments.len() as f64 * GAP_REM;
        let per_year = (MIN_HORIZONTAL_REM - gaps).max(1.0) / f64::from(years.max(1));
        (YEAR_LABEL_REM / per_year).ceil().max(1.0) as i32
    }
}

fn push_years(segments: &mut Vec<Segment>, first: i32, count: i32) {
    if let Some(Segment::Years { first: f, count: c }) = segments.last_mut()
        && *f + *c == first
    {
        *c += count;
        return;
    }
    segments.push(Segment::Years { first, count });
}

/// A timeline ready for the theme's `timeline` macro. Positions are grid
/// lines: `a`/`b` along time, `h` the row of the horizontal layout and `v`
/// the column of the vertical one.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Figure {
    /// Accessible name of the figure.
    pub label: String,
    /// Track sizes of the horizontal and the vertical layout.
    pub across: String,
    pub down: String,
    /// Rows of the horizontal layout and columns of the vertical one.
    pub rows: String,
    pub columns: String,
    pub bands: Vec<BandView>,
    pub marks: Vec<MarkView>,
    pub years: Vec<YearView>,
    pub gaps: Vec<GapView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Place {
    pub a: usize,
    pub b: usize,
    pub h: usize,
    pub v: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BandView {
    /// What the band shows: the short label if there is one.
    pub text: String,
    /// The full label (the link's title when `text` is shorter).
    pub title: String,
    pub url: String,
    /// Colour of the band, cycling through the theme's four.
    pub shade: usize,
    pub at: Place,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MarkView {
    /// "Dec 2012: The official VK account opens".
    pub label: String,
    pub href: String,
    pub entities: Option<String>,
    pub tags: Option<String>,
    pub at: Place,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct YearView {
    pub year: i32,
    /// Shown on the horizontal axis too (else only in the vertical layout).
    pub major: bool,
    /// Horizontal span (several years when labels are spaced out).
    pub at: Place,
    /// Vertical span (always the year itself).
    pub down: Place,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct GapView {
    /// "1998–2009".
    pub years: String,
    pub at: Place,
}

/// Lays out one lane of bands and marks on `axis`; marks are labelled
/// with their dates in `locale`'s words.
pub(crate) fn figure(
    locale: &Locale,
    label: &str,
    bands: &[Band],
    marks: &[Mark],
    axis: &Axis,
) -> Figure {
    let (across, down) = axis.templates();
    let band_rows = place_bands(bands, axis);
    let rows_used = band_rows.iter().map(|(_, _, r)| r + 1).max().unwrap_or(0);
    let band_views = bands
        .iter()
        .zip(&band_rows)
        .enumerate()
        .map(|(i, (b, &(a, end, row)))| BandView {
            text: b.short.clone().unwrap_or_else(|| b.label.clone()),
            title: b.label.clone(),
            url: b.url.clone(),
            shade: i % 4,
            at: Place {
                a,
                b: end,
                h: row + 1,
                v: row + 2,
            },
        })
        .collect();
    let lanes = place_marks(marks, axis);
    let lane_count = lanes.iter().map(|l| l + 1).max().unwrap_or(0);
    let mark_views = marks
        .iter()
        .zip(&lanes)
        .map(|(m, &lane)| {
            let a = axis.line(m.date.as_year_fraction(false));
            MarkView {
                label: locale.fill(
                    "timeline.mark",
                    &[("date", &locale.date(&m.date)), ("title", &m.label)],
                ),
                href: m.href.clone(),
                entities: m.filter.as_ref().map(|f| f.0.clone()),
                tags: m.filter.as_ref().map(|f| f.1.clone()),
                at: Place {
                    a,
                    b: a + 1,
                    h: rows_used + lane + 1,
                    v: rows_used + lane + 2,
                },
            }
        })
        .collect();
    let axis_row = rows_used + lane_count + 1;
    let (years, gaps) = axis_labels(axis, axis_row);
    Figure {
        label: label.to_string(),
        across,
        down,
        rows: format!(
            "{}{}auto",
            repeat(rows_used, "auto"),
            repeat(lane_count, "1.1rem")
        ),
        columns: format!(
            "3.5rem {}{}",
            repeat(rows_used, "minmax(6rem, 1fr)"),
            repeat(lane_count, "1.1rem")
        )
        .trim_end()
        .to_string(),
        bands: band_views,
        marks: mark_views,
        years,
        gaps,
    }
}

fn repeat(n: usize, size: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("repeat({n}, {size}) ")
    }
}

/// Grid lines and row of each band. Consecutive stages that share a
/// boundary year ("2010–2013", "2013–2015") meet in the middle of it; bands
/// that still overlap go to the next free row.
fn place_bands(bands: &[Band], axis: &Axis) -> Vec<(usize, usize, usize)> {
    let mut spans: Vec<(usize, usize)> = bands
        .iter()
        .map(|b| {
            let a = axis.line(b.from.as_year_fraction(false));
            let end = axis.line(b.to.as_year_fraction(true)).max(a + 1);
            (a, end)
        })
        .collect();
    let mut order: Vec<usize> = (0..bands.len()).collect();
    order.sort_by_key(|&i| spans[i]);
    for pair in order.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let ((a0, b0), (a1, b1)) = (spans[i], spans[j]);
        if a1 < b0 && a0 < a1 && b0 <= b1 && b0 - a1 <= 12 {
            let mid = (a1 + b0) / 2;
            if mid > a0 && mid < b1 {
                spans[i].1 = mid;
                spans[j].0 = mid;
            }
        }
    }
    let mut row_ends: Vec<usize> = Vec::new();
    let mut rows = vec![0; bands.len()];
    for &i in &order {
        let (a, _) = spans[i];
        let row = row_ends
            .iter()
            .position(|&end| end <= a)
            .unwrap_or(row_ends.len());
        if row == row_ends.len() {
            row_ends.push(spans[i].1);
        } else {
            row_ends[row] = spans[i].1;
        }
        rows[i] = row;
    }
    spans
        .into_iter()
        .zip(rows)
        .map(|((a, b), r)| (a, b, r))
        .collect()
}

/// Lane of each mark: marks closer than a dot's width on the narrowest
/// horizontal axis go to the next lane.
fn place_marks(marks: &[Mark], axis: &Axis) -> Vec<usize> {
    let gap = axis.tracks().div_ceil(40).max(1);
    let mut last: Vec<usize> = Vec::new();
    marks
        .iter()
        .map(|m| {
            let at = axis.line(m.date.as_year_fraction(false));
            let lane = last
                .iter()
                .position(|&l| at >= l + gap)
                .unwrap_or(last.len());
            if lane == last.len() {
                last.push(at);
            } else {
                last[lane] = at;
            }
            lane
        })
        .collect()
}

/// Year labels (every year in the vertical layout, every `step` years on
/// the horizontal axis) and breaks, in `row` of the horizontal layout.
fn axis_labels(axis: &Axis, row: usize) -> (Vec<YearView>, Vec<GapView>) {
    let step = axis.label_step();
    let mut years = Vec::new();
    let mut gaps = Vec::new();
    let mut line = 1;
    for s in &axis.segments {
        match *s {
            Segment::Years { first, count } => {
                for k in 0..count {
                    let start = line + k as usize * 12;
                    let span = step.min(count - k) as usize * 12;
                    years.push(YearView {
                        year: first + k,
                        major: k % step == 0,
                        at: Place {
                            a: start,
                            b: start + span,
                            h: row,
                            v: 1,
                        },
                        down: Place {
                            a: start,
                            b: start + 12,
                            h: row,
                            v: 1,
                        },
                    });
                }
                line += count as usize * 12;
            }
            Segment::Gap { first, last } => {
                gaps.push(GapView {
                    years: format!("{first}–{last}"),
                    at: Place {
                        a: line,
                        b: line + 1,
                        h: row,
                        v: 1,
                    },
                });
                line += 1;
            }
        }
    }
    (years, gaps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lang::english;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    fn band(label: &str, from: &str, to: &str) -> Band {
        Band {
            label: label.into(),
            short: None,
            url: format!("/{label}/"),
            from: d(from),
            to: d(to),
        }
    }

    fn mark(date: &str) -> Mark {
        Mark {
            label: date.into(),
            href: format!("#{date}"),
            date: d(date),
            filter: None,
        }
    }

    #[test]
    fn empty_stretches_of_years_become_one_break() {
        let bands = [band("a", "2010", "2013")];
        let marks = [mark("1997"), mark("2012-05")];
        let axis = Axis::covering([(&bands[..], &marks[..])]).unwrap();
        assert_eq!(
            axis.segments,
            vec![
                Segment::Years {
                    first: 1997,
                    count: 1
                },
                Segment::Gap {
                    first: 1998,
                    last: 2009
                },
                Segment::Years {
                    first: 2010,
                    count: 4
                },
            ]
        );
        // 1997 takes 12 tracks, the break one, then 2010 starts.
        assert_eq!(axis.line(2010.0), 14);
        assert_eq!(axis.line(2005.5), 13);
        assert_eq!(axis.tracks(), 12 + 1 + 48);
        let fig = figure(&english(), "t", &bands, &marks, &axis);
        assert_eq!(fig.gaps[0].years, "1998–2009");
        assert_eq!(fig.marks[1].at.a, 14 + 2 * 12 + 4);
    }

    #[test]
    fn stages_sharing_a_boundary_year_meet_in_its_middle() {
        let bands = [
            band("entry", "2010", "2013"),
            band("integration", "2013", "2015"),
        ];
        let axis = Axis::covering([(&bands[..], &[][..])]).unwrap();
        let fig = figure(&english(), "t", &bands, &[], &axis);
        let (e, i) = (&fig.bands[0].at, &fig.bands[1].at);
        assert_eq!(e.b, i.a, "they meet");
        assert_eq!(e.b, 1 + 3 * 12 + 6, "in the middle of 2013");
        assert_eq!((e.h, i.h), (1, 1), "on one row");
    }

    #[test]
    fn close_marks_take_separate_lanes_and_short_labels_are_shown() {
        let mut bands = [band("Entry — flow expansion", "2010", "2011")];
        bands[0].short = Some("Entry".into());
        let marks = [mark("2010-03"), mark("2010-03"), mark("2011-06")];
        let axis = Axis::covering([(&bands[..], &marks[..])]).unwrap();
        let fig = figure(&english(), "t", &bands, &marks, &axis);
        assert_eq!(fig.bands[0].text, "Entry");
        assert_eq!(fig.bands[0].title, "Entry — flow expansion");
        let rows: Vec<usize> = fig.marks.iter().map(|m| m.at.h).collect();
        assert_eq!(rows, vec![2, 3, 2]);
        assert_eq!(fig.marks[0].label, "March 2010: 2010-03");
    }
}
