//! JSON Schema of every file an editor writes, derived from the types that
//! parse them (`schemars`). The few types with hand-written deserializers
//! describe themselves here; [`schemas`] assembles one schema per file
//! kind, with the site's own frameworks and their dimensions filled in.

use super::date::{PartialDate, PeriodEnd};
use super::{CiteRef, Scalar};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

impl JsonSchema for Scalar {
    fn schema_name() -> Cow<'static, str> {
        "Scalar".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

impl JsonSchema for PartialDate {
    fn schema_name() -> Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A year, a month or a day: `2015`, `2015-03` or `2015-03-02`.",
            "type": ["string", "integer"],
            "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
            "minimum": 1000,
            "maximum": 9999
        })
    }
}

impl JsonSchema for PeriodEnd {
    fn schema_name() -> Cow<'static, str> {
        "PeriodEnd".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator.subschema_for::<PartialDate>();
        json_schema!({
            "description": "A date, or `present` (the latest date in the content).",
            "anyOf": [date, { "const": "present" }]
        })
    }
}

impl JsonSchema for CiteRef {
    fn schema_name() -> Cow<'static, str> {
        "CiteRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A key of content/references.yaml, optionally followed by a locator: `gu-2018, sec. 3.7`.",
            "type": "string",
            "minLength": 1
        })
    }
}

/// One schema file: its name (`stage.schema.json`) and content.
pub(crate) struct SchemaFile {
    pub name: String,
    pub schema: serde_json::Value,
}

/// A framework of the site, as the schemas of cases and stages offer it.
pub(crate) struct FrameworkKeys {
    pub slug: String,
    pub dimensions: Vec<String>,
}

/// Every schema, for a site with these frameworks.
pub(crate) fn schemas(frameworks: &[FrameworkKeys]) -> Vec<SchemaFile> {
    use super::config::Config;
    use super::frontmatter::*;
    let analyses = analyses_schema(frameworks);
    let canvas = frameworks
        .iter()
        .find(|f| f.slug == super::CANVAS)
        .map(|f| dimensions_schema(&f.dimensions));
    let mut case = front_matter::<CaseFm>("a case (content/cases/<case>/index.md)");
    set_property(&mut case, "analyses", analyses.clone());
    let mut stage = front_matter::<StageFm>("a stage (content/cases/<case>/<stage>.md)");
    set_property(&mut stage, "analyses", analyses);
    if let Some(canvas) = canvas {
        set_property(&mut stage, "business_model", canvas);
    }
    vec![
        file("case", case),
        file("stage", stage),
        file(
            "framework",
            front_matter::<FrameworkFm>("a framework (content/frameworks/<slug>.md)"),
        ),
        file(
            "entity",
            front_matter::<EntityFm>("an entity (content/entities/<slug>.md)"),
        ),
        file(
            "comparison",
            front_matter::<ComparisonFm>("a comparison (content/comparisons/<slug>.md)"),
        ),
        file(
            "page",
            front_matter::<PageFm>("a page, a section or the home page (_index.md)"),
        ),
        file(
            "events",
            titled(
                schemars::schema_for!(Vec<EventFm>),
                "Events: content/events.yaml (market-wide) or content/cases/<case>/events.yaml",
            ),
        ),
        file(
            "glossary",
            titled(
                schemars::schema_for!(Vec<Term>),
                "The glossary: content/glossary.yaml",
            ),
        ),
        file(
            "references",
            titled(
                schemars::schema_for!(std::collections::BTreeMap<String, Reference>),
                "The bibliography: content/references.yaml (Hayagriva YAML)",
            ),
        ),
        file(
            "dataset",
            titled(
                schemars::schema_for!(Dataset),
                "A dataset: content/data/<slug>.yaml",
            ),
        ),
        file(
            "casebook",
            titled(
                schemars::schema_for!(Config),
                "The site's configuration: casebook.yaml",
            ),
        ),
    ]
}

fn file(kind: &str, schema: serde_json::Value) -> SchemaFile {
    SchemaFile {
        name: format!("{kind}.schema.json"),
        schema,
    }
}

fn titled(schema: Schema, title: &str) -> serde_json::Value {
    let mut value = schema.to_value();
    value["title"] = title.into();
    value
}

/// The keys every page takes, merged with those of one kind into a single
/// closed object: front matter is one mapping, though it is parsed in two
/// parts.
fn front_matter<T: JsonSchema>(what: &str) -> serde_json::Value {
    let common = schemars::schema_for!(super::frontmatter::Meta).to_value();
    let mut own = schemars::schema_for!(T).to_value();
    for key in ["properties", "$defs"] {
        if let Some(extra) = common.get(key).and_then(|v| v.as_object()) {
            let target = own[key].as_object_mut();
            match target {
                Some(map) => map.extend(extra.clone()),
                None => own[key] = serde_json::Value::Object(extra.clone()),
            }
        }
    }
    let mut required: Vec<serde_json::Value> =
        own["required"].as_array().cloned().unwrap_or_default();
    required.extend(common["required"].as_array().cloned().unwrap_or_default());
    own["required"] = required.into();
    own["additionalProperties"] = false.into();
    own["title"] = format!("Front matter of {what}").into();
    own
}

fn set_property(schema: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    let description = schema["properties"][key]["description"].clone();
    schema["properties"][key] = value;
    if !description.is_null() {
        schema["properties"][key]["description"] = description;
    }
}

/// `analyses:`: the site's frameworks, each with its own dimensions.
fn analyses_schema(frameworks: &[FrameworkKeys]) -> serde_json::Value {
    let properties: serde_json::Map<String, serde_json::Value> = frameworks
        .iter()
        .map(|f| (f.slug.clone(), dimensions_schema(&f.dimensions)))
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}

/// The entries of one framework, by dimension key.
fn dimensions_schema(dimensions: &[String]) -> serde_json::Value {
    let properties: serde_json::Map<String, serde_json::Value> = dimensions
        .iter()
        .map(|d| (d.clone(), serde_json::json!({ "$ref": "#/$defs/Entry" })))
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}
