//! Front matter and data-file schemas, one struct per kind.
//!
//! Every struct denies unknown keys; optional fields say `default`, so a
//! missing required field (such as `title`) is an error.

use super::{PartialDate, Period, Scalar};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A citation in a `refs` list: a bibliography key, optionally followed by
/// a locator as in an inline citation (`gu-2018, sec. 3.7`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct CiteRef {
    pub key: String,
    pub locator: Option<String>,
}

impl CiteRef {
    /// Splits `key, locator` at the first comma.
    pub(crate) fn parse(s: &str) -> CiteRef {
        match s.split_once(',') {
            Some((k, l)) if !l.trim().is_empty() => CiteRef {
                key: k.trim().to_string(),
                locator: Some(l.trim().to_string()),
            },
            Some((k, _)) => CiteRef {
                key: k.trim().to_string(),
                locator: None,
            },
            None => CiteRef {
                key: s.trim().to_string(),
                locator: None,
            },
        }
    }
}

impl std::fmt::Display for CiteRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.locator {
            Some(l) => write!(f, "{}, {l}", self.key),
            None => f.write_str(&self.key),
        }
    }
}

impl<'de> Deserialize<'de> for CiteRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| CiteRef::parse(&s))
    }
}

impl Serialize for CiteRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Keys every page kind accepts; split off before the kind's own schema.
pub(crate) const COMMON_KEYS: &[&str] = &[
    "title",
    "summary",
    "kind",
    "tags",
    "refs",
    "draft",
    "updated",
    "redirect_from",
    "extra",
];

/// Fields shared by every page kind.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    /// Page title.
    pub title: String,
    /// One sentence for lists, cards, link previews and meta description.
    #[serde(default)]
    pub summary: Option<String>,
    /// The kind; follows from the folder, and must agree with it if given.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Citation keys in the bibliography.
    #[serde(default)]
    pub refs: Vec<CiteRef>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub updated: Option<PartialDate>,
    /// Old URLs (site paths) that redirect here.
    #[serde(default)]
    pub redirect_from: Vec<String>,
    /// Free map for theme use.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Meta {
    /// Front matter of a page that failed to parse.
    pub(crate) fn placeholder(title: &str) -> Meta {
        Meta {
            title: title.to_string(),
            summary: None,
            kind: None,
            tags: Vec::new(),
            refs: Vec::new(),
            draft: false,
            updated: None,
            redirect_from: Vec::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// framework slug → dimension key → entries.
pub(crate) type Analyses = BTreeMap<String, BTreeMap<String, Entry>>;

/// A case: one firm's business model in one market over time.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseFm {
    /// Entity slug of the company.
    #[serde(default)]
    pub company: Option<String>,
    /// Entity slug of the parent company.
    #[serde(default)]
    pub parent: Option<String>,
    /// Entity slug of the market.
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    /// Business-model taxonomy (`C2C`, `B2C`…).
    #[serde(default)]
    pub model: Vec<String>,
    /// Whole-case analyses.
    #[serde(default)]
    pub analyses: Analyses,
    /// Events, when not in `events.yaml` beside the case.
    #[serde(default)]
    pub events: Option<Vec<EventFm>>,
    /// Notes for teaching the case: objectives, questions, reading order.
    #[serde(default)]
    pub teaching: Option<Teaching>,
}

/// Teaching notes of a case (the knowledge base's own text).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Teaching {
    /// What a student should be able to do after the case (inline Markdown).
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// Suggested reading order (inline Markdown, usually a link and a note).
    #[serde(default)]
    pub reading: Vec<String>,
}

/// A discussion question.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Question {
    /// The question (inline Markdown).
    pub question: String,
    /// What it draws on, as link targets: stages, frameworks, events or
    /// analysis entries (`aliexpress-russia/entry`, `swot`,
    /// `aliexpress-russia#w-slow-delivery`).
    #[serde(default)]
    pub draws_on: Vec<String>,
    /// A suggested answer (Markdown), hidden until the reader opens it.
    #[serde(default)]
    pub answer: Option<String>,
}

/// A period of a case.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StageFm {
    /// Position within the case; unique; previous/next follow it.
    pub order: u32,
    /// A shorter name for tight places (timeline bands), e.g. `Entry`.
    #[serde(default)]
    pub short_title: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
    /// Shorthand for `analyses.business-model-canvas`.
    #[serde(default)]
    pub business_model: Option<BTreeMap<String, Entry>>,
    #[serde(default)]
    pub analyses: Analyses,
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// A measured quantity of a stage.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Metric {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub start: Option<f64>,
    #[serde(default)]
    pub end: Option<f64>,
    #[serde(default)]
    pub period: Option<Scalar>,
    #[serde(default)]
    pub refs: Vec<CiteRef>,
}

/// How a framework's dimensions are laid out.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Layout {
    #[default]
    Columns,
    /// A 2×2 grid (SWOT); needs exactly four dimensions.
    Quadrant,
    /// An ordered process.
    Sequence,
}

/// An analytic lens, defined as data.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrameworkFm {
    pub dimensions: Vec<Dimension>,
    #[serde(default)]
    pub layout: Layout,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dimension {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum EntityType {
    Company,
    Platform,
    Institution,
    Market,
    Person,
    Payment,
    Logistics,
    Other,
}

/// A company, platform, institution, market or person.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntityFm {
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// Comparable attributes (`entered_russia: 2010`).
    #[serde(default)]
    pub facts: BTreeMap<String, Scalar>,
    #[serde(default)]
    pub website: Option<String>,
    /// Other names that wikilinks and search resolve.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A hand-declared comparison table.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComparisonFm {
    /// Entity or case slugs.
    pub subjects: Vec<String>,
    pub attributes: Vec<Attribute>,
    /// subject → attribute key → value, overriding facts.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, Scalar>>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Attribute {
    pub key: String,
    pub label: String,
}

/// A plain page.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageFm {
    #[serde(default)]
    pub date: Option<PartialDate>,
    #[serde(default)]
    pub weight: Option<i64>,
}

/// A dated fact on a timeline.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventFm {
    pub date: PartialDate,
    pub title: String,
    /// Anchor slug; derived from date and title when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// A stage slug of the same case.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub entities: Vec<String>,
    #[serde(default)]
    pub refs: Vec<CiteRef>,
    /// Markdown.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One analysis cell: a string, or a list of strings or `{text, refs}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(
    untagged,
    expecting = "a string, or a list of strings or `{text, refs}` items"
)]
pub(crate) enum Entry {
    One(String),
    Many(Vec<Item>),
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged, expecting = "a string or a `{text, refs}` item")]
pub(crate) enum Item {
    Text(String),
    Cited(CitedText),
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CitedText {
    /// Stable id: the entry's anchor on every page that shows it, and how
    /// views match it across stages.
    #[serde(default)]
    pub id: Option<String>,
    pub text: String,
    #[serde(default)]
    pub refs: Vec<CiteRef>,
}

/// One item of an analysis entry, wherever it was written.
pub(crate) struct EntryItem<'a> {
    pub text: &'a str,
    pub refs: &'a [CiteRef],
    pub id: Option<&'a str>,
    /// YAML path of the item below its dimension (`[1]`), empty for a
    /// one-string entry.
    pub item: String,
    /// YAML path of its text below the dimension (`[1].text`).
    pub text_path: String,
}

impl Entry {
    /// The entry's items, in order.
    pub(crate) fn items(&self) -> Vec<EntryItem<'_>> {
        match self {
            Entry::One(s) => vec![EntryItem {
                text: s,
                refs: &[],
                id: None,
                item: String::new(),
                text_path: String::new(),
            }],
            Entry::Many(items) => items
                .iter()
                .enumerate()
                .map(|(i, it)| match it {
                    Item::Text(s) => EntryItem {
                        text: s,
                        refs: &[],
                        id: None,
                        item: format!("[{i}]"),
                        text_path: format!("[{i}]"),
                    },
                    Item::Cited(c) => EntryItem {
                        text: &c.text,
                        refs: &c.refs,
                        id: c.id.as_deref(),
                        item: format!("[{i}]"),
                        text_path: format!("[{i}].text"),
                    },
                })
                .collect(),
        }
    }
}

/// A bibliography entry (the Hayagriva YAML fields casebook reads).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Reference {
    #[serde(rename = "type", default)]
    pub entry_type: Option<String>,
    pub title: String,
    #[serde(default)]
    pub author: Option<Authors>,
    #[serde(default)]
    pub editor: Option<Authors>,
    #[serde(default)]
    pub date: Option<Scalar>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub page_range: Option<Scalar>,
    #[serde(default)]
    pub volume: Option<Scalar>,
    #[serde(default)]
    pub issue: Option<Scalar>,
    #[serde(default)]
    pub parent: Option<Box<Reference>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub serial_number: Option<BTreeMap<String, Scalar>>,
    /// Kind of work within its type (`Master's thesis`).
    #[serde(default)]
    pub genre: Option<String>,
    #[serde(default)]
    pub edition: Option<Scalar>,
    #[serde(default)]
    pub page_total: Option<Scalar>,
    #[serde(default)]
    pub volume_total: Option<Scalar>,
    #[serde(default, rename = "abstract")]
    pub summary: Option<String>,
    #[serde(default)]
    pub archive: Option<String>,
    #[serde(default)]
    pub archive_location: Option<String>,
    #[serde(default)]
    pub call_number: Option<Scalar>,
    #[serde(default)]
    pub runtime: Option<Scalar>,
    #[serde(default)]
    pub time_range: Option<Scalar>,
}

impl Reference {
    /// The fields casebook itself reads, from an entry of a BibTeX file.
    pub(crate) fn from_entry(e: &hayagriva::Entry) -> Reference {
        Reference {
            entry_type: Some(format!("{:?}", e.entry_type()).to_lowercase()),
            title: e
                .title()
                .map_or_else(|| e.key().to_string(), |t| t.value.to_string()),
            author: e.authors().map(|a| {
                Authors::Many(
                    a.iter()
                        .map(|p| {
                            format!("{}, {}", p.name, p.given_name.clone().unwrap_or_default())
                        })
                        .collect(),
                )
            }),
            editor: None,
            date: e.date().map(|d| Scalar(d.year.to_string())),
            publisher: None,
            organization: None,
            location: None,
            url: e.url().map(|u| u.value.to_string()),
            page_range: None,
            volume: None,
            issue: None,
            parent: None,
            note: None,
            language: None,
            serial_number: None,
            genre: None,
            edition: None,
            page_total: None,
            volume_total: None,
            summary: None,
            archive: None,
            archive_location: None,
            call_number: None,
            runtime: None,
            time_range: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(crate) enum Authors {
    One(String),
    Many(Vec<String>),
}

impl Authors {}

/// A glossary term.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Term {
    pub term: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub definition: String,
    #[serde(default)]
    pub refs: Vec<CiteRef>,
    /// The term as a further language writes it (`glossary.ru.yaml`); links
    /// still name the original term.
    #[serde(skip)]
    #[schemars(skip)]
    pub translated: Option<TranslatedTerm>,
}

/// An entry of a glossary translation (`glossary.ru.yaml`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TermTranslation {
    /// The term it translates, as the original glossary writes it.
    pub term: String,
    /// The term in this language.
    pub translation: String,
    /// The definition in this language (the original's when left out).
    #[serde(default)]
    pub definition: Option<String>,
    /// Other names in this language.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A glossary term in a further language.
#[derive(Debug, Clone, Default)]
pub(crate) struct TranslatedTerm {
    pub term: String,
    pub aliases: Vec<String>,
    /// Where the translated definition is written, when it is.
    pub at: Option<crate::diagnostics::Span>,
}

/// A dataset: a table (`columns` + `rows`) or a `series`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dataset {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub refs: Vec<CiteRef>,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub rows: Vec<Vec<Scalar>>,
    #[serde(default)]
    pub series: Vec<Point>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Point {
    pub label: String,
    pub value: f64,
    #[serde(default)]
    pub entity: Option<String>,
}
