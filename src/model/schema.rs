//! JSON Schema of every file an editor writes, derived from the types that
//! parse them (`schemars`). The few types with hand-written deserializers
//! describe themselves here; [`schemas`] assembles one schema per file
//! kind, with the site's own frameworks and their dimensions filled in.

use super::date::{PartialDate, PeriodEnd};
use super::{CiteRef, Scalar};
use schemars::generate::SchemaSettings;
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

/// Every schema, for a site with these frameworks (`None` when they could
/// not be read: any framework and dimension is then allowed).
pub(crate) fn schemas(frameworks: Option<&[FrameworkKeys]>) -> Vec<SchemaFile> {
    use super::config::Config;
    use super::frontmatter::*;
    let analyses = frameworks.map_or_else(any_analyses, analyses_schema);
    let canvas = frameworks
        .unwrap_or_default()
        .iter()
        .find(|f| f.slug == super::CANVAS)
        .map(|f| dimensions_schema(&f.dimensions));
    let mut case = front_matter::<CaseFm>("a case (content/cases/<case>/index.md)", &["case"]);
    set_property(&mut case, "analyses", analyses.clone());
    let mut stage =
        front_matter::<StageFm>("a stage (content/cases/<case>/<stage>.md)", &["stage"]);
    set_property(&mut stage, "analyses", analyses);
    if let Some(canvas) = canvas {
        set_property(&mut stage, "business_model", canvas);
    }
    let mut files = vec![
        file("case", case),
        file("stage", stage),
        file(
            "framework",
            front_matter::<FrameworkFm>(
                "a framework (content/frameworks/<slug>.md)",
                &["framework"],
            ),
        ),
        file(
            "entity",
            front_matter::<EntityFm>("an entity (content/entities/<slug>.md)", &["entity"]),
        ),
        file(
            "comparison",
            front_matter::<ComparisonFm>(
                "a comparison (content/comparisons/<slug>.md)",
                &["comparison"],
            ),
        ),
        file(
            "page",
            front_matter::<PageFm>(
                "a page, a section or the home page (_index.md)",
                &["page", "section", "home"],
            ),
        ),
        file(
            "events",
            titled(
                root::<Vec<EventFm>>(),
                "Events: content/events.yaml (market-wide) or content/cases/<case>/events.yaml",
            ),
        ),
        file(
            "glossary",
            titled(root::<Vec<Term>>(), "The glossary: content/glossary.yaml"),
        ),
        file(
            "references",
            titled(
                root::<std::collections::BTreeMap<String, Reference>>(),
                "The bibliography: content/references.yaml (Hayagriva YAML)",
            ),
        ),
        file(
            "dataset",
            titled(root::<Dataset>(), "A dataset: content/data/<slug>.yaml"),
        ),
        file(
            "casebook",
            titled(root::<Config>(), "The site's configuration: casebook.yaml"),
        ),
    ];
    let translations: Vec<SchemaFile> = files
        .iter()
        .filter_map(|f| {
            let kind = f.name.strip_suffix(".schema.json")?;
            TRANSLATED
                .contains(&kind)
                .then(|| translation_of(kind, &f.schema))
        })
        .collect();
    files.extend(translations);
    files.push(SchemaFile {
        name: "glossary.translation.schema.json".into(),
        schema: titled(
            root::<Vec<TermTranslation>>(),
            "A translation of the glossary: content/glossary.<lang>.yaml",
        ),
    });
    files
}

/// Kinds whose files a translation mirrors (`entry.ru.md`, `events.zh.yaml`).
const TRANSLATED: &[&str] = &[
    "case",
    "stage",
    "framework",
    "entity",
    "comparison",
    "page",
    "events",
    "dataset",
];

/// The schema of a translation of a `kind` file: the same keys, none of
/// them required (`casebook check` tells text from data).
fn translation_of(kind: &str, schema: &serde_json::Value) -> SchemaFile {
    fn optional(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("required");
                map.values_mut().for_each(optional);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(optional),
            _ => {}
        }
    }
    let mut schema = schema.clone();
    optional(&mut schema);
    let title = schema["title"].as_str().unwrap_or(kind).to_string();
    schema["title"] = format!(
        "A translation of {title}: <name>.<lang>.<ext> beside the original; text keys only, data comes from the original"
    )
    .into();
    SchemaFile {
        name: format!("{kind}.translation.schema.json"),
        schema,
    }
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
    nullable_collections(&mut value);
    value
}

/// The schema of `T` as a whole file, in draft 7: the draft the YAML
/// language server supports.
fn root<T: JsonSchema>() -> Schema {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// A key written with nothing after it (`refs:`) reads as an empty list or
/// map, as the parser takes it: every list or map property also allows
/// null.
fn nullable_collections(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get_mut("properties") {
                for prop in props.values_mut() {
                    allow_null(prop);
                }
            }
            for v in map.values_mut() {
                nullable_collections(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(nullable_collections),
        _ => {}
    }
}

fn allow_null(prop: &mut serde_json::Value) {
    let Some(map) = prop.as_object_mut() else {
        return;
    };
    if let Some(t @ ("array" | "object")) = map.get("type").and_then(|t| t.as_str()) {
        let both = serde_json::json!([t, "null"]);
        map.insert("type".into(), both);
    }
}

/// The keys every page takes, merged with those of one kind into a single
/// closed object: front matter is one mapping, though it is parsed in two
/// parts.
fn front_matter<T: JsonSchema>(what: &str, kinds: &[&str]) -> serde_json::Value {
    let common = root::<super::frontmatter::Meta>().to_value();
    let mut own = root::<T>().to_value();
    for key in ["properties", "definitions"] {
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
    // `kind:` may only repeat what the folder makes the page.
    own["properties"]["kind"] = serde_json::json!({
        "description": own["properties"]["kind"]["description"].clone(),
        "enum": kinds.iter().map(|k| serde_json::json!(k)).chain([serde_json::Value::Null]).collect::<Vec<_>>(),
    });
    nullable_collections(&mut own);
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
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false
    })
}

/// `analyses:` when the site's frameworks are unknown.
fn any_analyses() -> serde_json::Value {
    serde_json::json!({
        "type": ["object", "null"],
        "additionalProperties": {
            "type": ["object", "null"],
            "additionalProperties": { "$ref": "#/definitions/Entry" }
        }
    })
}

/// The entries of one framework, by dimension key.
fn dimensions_schema(dimensions: &[String]) -> serde_json::Value {
    let properties: serde_json::Map<String, serde_json::Value> = dimensions
        .iter()
        .map(|d| {
            (
                d.clone(),
                serde_json::json!({ "$ref": "#/definitions/Entry" }),
            )
        })
        .collect();
    serde_json::json!({
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false
    })
}
