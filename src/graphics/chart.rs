//! Bar and line charts of datasets, drawn at build time as inline SVG.
//! The SVG is an image with a text summary; the dataset's table goes with
//! it as the accessible equivalent.

use crate::html::html_escape;
use crate::model::Dataset;
use crate::model::lang::Locale;
use std::fmt::Write as _;

/// One named series of (label, value) points.
pub(crate) struct Series {
    pub name: String,
    pub points: Vec<(String, f64)>,
}

/// A number written in a table cell: `1,234`, `35%`, `7.5`.
pub(crate) fn number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Every cell of column `i` holds a number.
pub(crate) fn numeric_column(d: &Dataset, i: usize) -> bool {
    !d.rows.is_empty()
        && d.rows
            .iter()
            .all(|r| r.get(i).is_some_and(|c| number(&c.0).is_some()))
}

/// Indices of the numeric columns after the first (label) column.
pub(crate) fn numeric_columns(d: &Dataset) -> Vec<usize> {
    (1..d.columns.len())
        .filter(|&i| numeric_column(d, i))
        .collect()
}

/// The series a chart of `d` draws: its `series`, or the numeric columns
/// of its table (only `column` when given) against the first column.
pub(crate) fn series_of(d: &Dataset, column: Option<&str>) -> Vec<Series> {
    if !d.series.is_empty() {
        return vec![Series {
            name: d.title.clone(),
            points: d
                .series
                .iter()
                .map(|p| (p.label.clone(), p.value))
                .collect(),
        }];
    }
    let cols: Vec<usize> = match column.and_then(|c| d.columns.iter().position(|x| x == c)) {
        Some(i) => vec![i],
        None => numeric_columns(d),
    };
    cols.into_iter()
        .map(|i| Series {
            name: d.columns[i].clone(),
            points: d
                .rows
                .iter()
                .filter_map(|r| {
                    let label = r.first().map(|c| c.0.clone()).unwrap_or_default();
                    r.get(i).and_then(|c| number(&c.0)).map(|v| (label, v))
                })
                .collect(),
        })
        .collect()
}

const W: f64 = 640.0;
const LABEL_W: f64 = 190.0;
const BAR_H: f64 = 16.0;
const GAP: f64 = 10.0;

/// A number as the downloads write it (`7.5`, `30000`).
pub(crate) fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// A number as a chart or table shows it: [`format_number`] with the
/// language's decimal mark (`7,5`). (`Locale::number` would also group the
/// digits of `30000`, which charts and tables never did.)
pub(crate) fn display_number(locale: &Locale, v: f64) -> String {
    format_number(v).replace('.', locale.t("number.decimal"))
}

/// The chart's name for screen readers: `Bar chart: Shares (%)`.
fn chart_label(locale: &Locale, key: &str, title: &str, unit: &str) -> String {
    let title = if unit.is_empty() {
        title.to_string()
    } else {
        format!("{title} ({unit})")
    };
    html_escape(&locale.fill(key, &[("title", &title)]))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max - 1).collect();
        format!("{t}…")
    }
}

/// Horizontal bars, one group per label, one bar per series.
pub(crate) fn bar(locale: &Locale, title: &str, unit: &str, series: &[Series]) -> String {
    let number = |v: f64| display_number(locale, v);
    let labels: Vec<&str> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.0.as_str()).collect())
        .unwrap_or_default();
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::max);
    let min = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::min);
    let span = (max - min).max(f64::EPSILON);
    let plot = W - LABEL_W - 70.0;
    let x = |v: f64| LABEL_W + (v - min) / span * plot;
    let group_h = BAR_H * series.len() as f64 + GAP;
    let legend_h = if series.len() > 1 {
        18.0 * series.len() as f64 + 8.0
    } else {
        0.0
    };
    let height = legend_h + group_h * labels.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart chart-bar\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">",
        chart_label(locale, "chart.bar", title, unit)
    );
    for (k, ser) in series.iter().enumerate().filter(|_| series.len() > 1) {
        let y = 4.0 + 18.0 * k as f64;
        let _ = write!(
            s,
            "<rect class=\"series-{}\" x=\"{LABEL_W}\" y=\"{y}\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>",
            k % 6,
            LABEL_W + 18.0,
            y + 10.5,
            html_escape(&truncate(&ser.name, 60))
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let top = legend_h + group_h * i as f64;
        let _ = write!(
            s,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 8.0,
            top + (BAR_H * series.len() as f64) / 2.0 + 4.0,
            html_escape(&truncate(label, 28))
        );
        for (k, ser) in series.iter().enumerate() {
            let Some(&(_, v)) = ser.points.get(i) else {
                continue;
            };
            let y = top + BAR_H * k as f64;
            let (x0, x1) = (x(0.0_f64.max(min)), x(v));
            let (left, width) = if x1 >= x0 {
                (x0, x1 - x0)
            } else {
                (x1, x0 - x1)
            };
            let _ = write!(
                s,
                "<rect class=\"bar series-{}\" x=\"{left:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{}\"><title>{}: {}{}</title></rect><text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                k % 6,
                width.max(1.0),
                BAR_H - 3.0,
                html_escape(label),
                number(v),
                if series.len() > 1 {
                    format!(" ({})", html_escape(&ser.name))
                } else {
                    String::new()
                },
                left + width.max(1.0) + 4.0,
                y + BAR_H - 5.0,
                number(v)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// One polyline per series over the labels, left to right.
pub(crate) fn line(locale: &Locale, title: &str, unit: &str, series: &[Series]) -> String {
    let number = |v: f64| display_number(locale, v);
    let labels: Vec<&str> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.0.as_str()).collect())
        .unwrap_or_default();
    let values = || series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let max = values().fold(f64::MIN, f64::max);
    let min = values().fold(f64::MAX, f64::min).min(0.0);
    let span = (max - min).max(f64::EPSILON);
    let (left, right, top, bottom) = (48.0, W - 16.0, 12.0, 230.0);
    let legend_h = if series.len() > 1 {
        18.0 * series.len() as f64 + 8.0
    } else {
        0.0
    };
    let height = bottom + 40.0 + legend_h;
    let n = labels.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + (right - left) * i as f64 / n;
    let y = |v: f64| bottom - (v - min) / span * (bottom - top);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart chart-line\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">",
        chart_label(locale, "chart.line", title, unit)
    );
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{right}\" y1=\"{bottom}\" y2=\"{bottom}\"/><text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        left - 6.0,
        top + 4.0,
        number(max),
        left - 6.0,
        bottom,
        number(min)
    );
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            s,
            "<text class=\"label\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(i),
            bottom + 18.0,
            html_escape(&truncate(label, 14))
        );
    }
    for (k, ser) in series.iter().enumerate() {
        let pts: Vec<String> = ser
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"line series-{}\" points=\"{}\"/>",
            k % 6,
            pts.join(" ")
        );
        for (i, p) in ser.points.iter().enumerate() {
            let _ = write!(
                s,
                "<circle class=\"point series-{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\"><title>{}: {}</title></circle>",
                k % 6,
                x(i),
                y(p.1),
                html_escape(&p.0),
                number(p.1)
            );
        }
        if series.len() > 1 {
            let ly = bottom + 36.0 + 18.0 * k as f64;
            let _ = write!(
                s,
                "<rect class=\"series-{}\" x=\"{left}\" y=\"{ly}\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>",
                k % 6,
                left + 18.0,
                ly + 10.5,
                html_escape(&truncate(&ser.name, 60))
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lang::english;

    fn series() -> Vec<Series> {
        vec![Series {
            name: "Share".into(),
            points: vec![("AliExpress".into(), 35.0), ("Amazon".into(), 7.5)],
        }]
    }

    #[test]
    fn numbers_in_cells_parse_with_separators_and_percent() {
        assert_eq!(number("1,234"), Some(1234.0));
        assert_eq!(number(" 35% "), Some(35.0));
        assert_eq!(number("n/a"), None);
    }

    #[test]
    fn bars_are_proportional_to_their_values() {
        let svg = bar(&english(), "Shares", "%", &series());
        let widths: Vec<f64> = svg
            .match_indices("class=\"bar series-0\"")
            .map(|(i, _)| {
                let w = &svg[i..];
                let w = &w[w.find("width=\"").unwrap() + 7..];
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!(
            (widths[0] / widths[1] - 35.0 / 7.5).abs() < 0.05,
            "{widths:?}"
        );
        assert!(svg.contains("aria-label=\"Bar chart: Shares (%)\""));
        assert!(svg.contains("<title>Amazon: 7.5</title>"));
    }

    #[test]
    fn lines_have_a_point_per_value() {
        let svg = line(&english(), "Shares", "", &series());
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<polyline"));
    }
}
