//! Dates with their precision (`2014`, `2014-05`, `2014-05-12`) and periods.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar date known to the year, month or day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid date `{s}`: expected YYYY, YYYY-MM or YYYY-MM-DD");
        let parts: Vec<&str> = s.trim().split('-').collect();
        if parts.is_empty() || parts.len() > 3 || parts[0].len() != 4 {
            return Err(bad());
        }
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        let year = num(parts[0], 4).ok_or_else(bad)? as i32;
        let month = match parts.get(1) {
            Some(m) => Some(
                num(m, 2)
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(|| format!("invalid date `{s}`: month must be 01 to 12"))?
                    as u8,
            ),
            None => None,
        };
        let day = match (parts.get(2), month) {
            (Some(d), Some(m)) => {
                let max = days_in_month(year, m as u32);
                Some(num(d, 2).filter(|d| (1..=max).contains(d)).ok_or_else(|| {
                    format!("invalid date `{s}`: day must be 01 to {max:02} in that month")
                })? as u8)
            }
            _ => None,
        };
        Ok(PartialDate { year, month, day })
    }

    /// Position on a continuous time axis, in years; `end` moves to the end
    /// of the period the precision covers (the whole year for `2014`).
    pub(crate) fn as_year_fraction(&self, end: bool) -> f64 {
        let y = self.year as f64;
        match (self.month, self.day) {
            (None, _) => y + if end { 1.0 } else { 0.0 },
            (Some(m), None) => y + (m as f64 - 1.0 + if end { 1.0 } else { 0.0 }) / 12.0,
            (Some(m), Some(d)) => {
                let dim = days_in_month(self.year, m as u32) as f64;
                y + (m as f64 - 1.0 + (d as f64 - if end { 0.0 } else { 1.0 }) / dim) / 12.0
            }
        }
    }

    /// The precision, for templates and CSS: `year`, `month` or `day`.
    pub(crate) fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (None, _) => "year",
            (Some(_), None) => "month",
            _ => "day",
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = crate::model::Scalar::deserialize(d)?;
        PartialDate::parse(&raw.0).map_err(serde::de::Error::custom)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The end of a period: a date, or `present` (the latest date in the content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PeriodEnd {
    Date(PartialDate),
    Present,
}

impl<'de> Deserialize<'de> for PeriodEnd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = crate::model::Scalar::deserialize(d)?;
        if raw.0 == "present" {
            return Ok(PeriodEnd::Present);
        }
        PartialDate::parse(&raw.0)
            .map(PeriodEnd::Date)
            .map_err(|e| serde::de::Error::custom(format!("{e}, or `present`")))
    }
}

/// A span of time: `{ from: 2010-04, to: present }`.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Period {
    pub from: PartialDate,
    #[serde(default = "present")]
    pub to: PeriodEnd,
}

fn present() -> PeriodEnd {
    PeriodEnd::Present
}

impl Period {
    /// The end as a date, with `present` taken as `latest`.
    pub(crate) fn end(&self, latest: PartialDate) -> PartialDate {
        match self.to {
            PeriodEnd::Date(d) => d,
            PeriodEnd::Present => latest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_is_kept() {
        let d = PartialDate::parse("2014-05").unwrap();
        assert_eq!(d.to_string(), "2014-05");
        assert_eq!(d.precision(), "month");
        // How each precision reads: `model::lang` (`Locale::date`).
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in ["2014-13", "2015-02-29", "14", "2014-5", "spring"] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
        assert!(PartialDate::parse("2016-02-29").is_ok());
    }

    #[test]
    fn year_fraction_orders_dates() {
        let a = PartialDate::parse("2014").unwrap().as_year_fraction(false);
        let b = PartialDate::parse("2014-07")
            .unwrap()
            .as_year_fraction(false);
        let c = PartialDate::parse("2014").unwrap().as_year_fraction(true);
        assert!(a < b && b < c);
    }
}
