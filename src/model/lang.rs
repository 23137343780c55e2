//! The language a build is written in: the theme's interface strings for
//! it (English underneath, so a missing string shows in English) and how
//! dates and numbers are written.

use crate::model::{PartialDate, Period, PeriodEnd};
use std::collections::BTreeMap;

/// One language of a build: its code and its interface strings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locale {
    /// BCP 47 code (`en`, `ru`, `zh`).
    pub code: String,
    /// Interface strings by key, English where the language has none.
    strings: BTreeMap<String, String>,
    /// Every language of the site with its own name, the default first
    /// (empty for a site of one language).
    pub languages: Vec<(String, String)>,
}

impl Locale {
    pub(crate) fn new(code: &str, strings: BTreeMap<String, String>) -> Locale {
        Locale {
            code: code.to_string(),
            strings,
            languages: Vec::new(),
        }
    }

    /// The interface string `key`, or the key itself when no string file
    /// has it (the embedded English file has every key the engine uses).
    pub(crate) fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, String::as_str)
    }

    /// Whether a string file has `key`.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.strings.contains_key(key)
    }

    /// The string `key` with each `{name}` replaced by its value.
    pub(crate) fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// `2014`, `May 2014`, `12 May 2014` in English; `май 2014`,
    /// `12 мая 2014`; `2014年5月`, `2014年5月12日`.
    pub(crate) fn date(&self, d: &PartialDate) -> String {
        let year = d.year.to_string();
        match (d.month, d.day) {
            (None, _) => year,
            (Some(m), day) => {
                let m = m.to_string();
                let month = self.t(&format!("month.{m}")).to_string();
                let month_of = self.t(&format!("month_of.{m}")).to_string();
                let day = day.map(|d| d.to_string());
                let key = if day.is_some() {
                    "date.day"
                } else {
                    "date.month"
                };
                self.fill(
                    key,
                    &[
                        ("year", &year),
                        ("month", &month),
                        ("month_of", &month_of),
                        ("m", &m),
                        ("day", day.as_deref().unwrap_or("")),
                    ],
                )
            }
        }
    }

    /// `May 2014 – present`, with the language's dates and words.
    pub(crate) fn period(&self, p: &Period) -> String {
        let to = match p.to {
            PeriodEnd::Date(d) => self.date(&d),
            PeriodEnd::Present => self.t("date.present").to_string(),
        };
        self.fill("date.period", &[("from", &self.date(&p.from)), ("to", &to)])
    }

    /// A number with the language's digit grouping and decimal mark
    /// (`12,345.5`; `12 345,5`), at most two decimals.
    pub(crate) fn number(&self, v: f64) -> String {
        let plain = if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{v:.0}")
        } else {
            let s = format!("{v:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let (sign, digits) = plain
            .strip_prefix('-')
            .map_or(("", plain.as_str()), |d| ("-", d));
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let group = self.t("number.group");
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 && int.len() > 4 {
                grouped.push_str(group);
            }
            grouped.push(c);
        }
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{}{frac}", self.t("number.decimal"))
        }
    }
}

/// `text` with each `{name}` replaced by its value from `args`.
pub(crate) fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The default theme's English strings, for tests of what pages show.
#[cfg(test)]
pub(crate) fn english() -> Locale {
    let text = include_str!("../../themes/default/strings/en.yaml");
    let strings = crate::yaml::YamlDoc::parse("en.yaml", text, text, 0)
        .ok()
        .and_then(|doc| doc.deserialize().ok())
        .unwrap_or_default();
    Locale::new("en", strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(code: &str, pairs: &[(&str, &str)]) -> Locale {
        Locale::new(
            code,
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn dates_follow_the_language() {
        let ru = locale(
            "ru",
            &[
                ("month.4", "апрель"),
                ("month_of.8", "августа"),
                ("date.month", "{month} {year}"),
                ("date.day", "{day} {month_of} {year}"),
            ],
        );
        assert_eq!(
            ru.date(&PartialDate::parse("2010-04").unwrap()),
            "апрель 2010"
        );
        assert_eq!(
            ru.date(&PartialDate::parse("2016-08-15").unwrap()),
            "15 августа 2016"
        );
        let zh = locale(
            "zh",
            &[
                ("date.month", "{year}年{m}月"),
                ("date.day", "{year}年{m}月{day}日"),
            ],
        );
        assert_eq!(
            zh.date(&PartialDate::parse("2010-04").unwrap()),
            "2010年4月"
        );
        assert_eq!(
            zh.date(&PartialDate::parse("2016-08-15").unwrap()),
            "2016年8月15日"
        );
    }

    #[test]
    fn english_dates_keep_their_precision() {
        let en = english();
        assert_eq!(en.date(&PartialDate::parse("2014").unwrap()), "2014");
        assert_eq!(en.date(&PartialDate::parse("2014-05").unwrap()), "May 2014");
        assert_eq!(
            en.date(&PartialDate::parse("2016-08-15").unwrap()),
            "15 August 2016"
        );
        let period = Period {
            from: PartialDate::parse("2010-04").unwrap(),
            to: PeriodEnd::Present,
        };
        assert_eq!(en.period(&period), "April 2010 – present");
    }

    #[test]
    fn numbers_group_digits_and_use_the_decimal_mark() {
        let ru = locale("ru", &[("number.group", "\u{a0}"), ("number.decimal", ",")]);
        assert_eq!(ru.number(12345.5), "12\u{a0}345,5");
        assert_eq!(ru.number(2014.0), "2014");
        let en = locale("en", &[("number.group", ","), ("number.decimal", ".")]);
        assert_eq!(en.number(-1234567.25), "-1,234,567.25");
        assert_eq!(en.number(0.5), "0.5");
    }
}
