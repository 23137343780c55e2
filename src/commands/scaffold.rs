//! `casebook new` and `casebook init`: commented skeletons that pass
//! `casebook check` as written.

use crate::commands::cli::NewKind;
use crate::model::config::is_slug;
use std::path::{Path, PathBuf};

/// A problem with the request itself (exit 2).
#[derive(Debug)]
pub(crate) struct ScaffoldError(pub String);

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Today's date (UTC), for the `updated:` line of a new page.
fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

/// `acme-india` → `Acme india`.
fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn case_text(title: &str) -> String {
    let today = today();
    format!(
        r#"---
title: {title}
summary: One sentence on whose business model, in which market, over which years.
updated: {today}            # when this page last changed: dates it in the feed and sitemap
# company: some-entity        # entity slug of the firm (content/entities/<slug>.md)
# parent: parent-entity       # entity slug of its parent company
# market: some-market         # entity slug of the market
period: {{ from: "2020", to: present }}
model: []                      # e.g. [B2C, C2C]; values link to glossary terms
tags: []
refs: []                       # citation keys from content/references.yaml
# analyses:                    # framework slug -> dimension key -> entries
#   swot:
#     strengths:
#       - text: What the firm does well.
#         refs: [some-key]
---
## Overview

Describe the case here. Link entities with `[[slug]]`, stages with `[[case/stage]]`,
and cite sources with `[@key, p. 12]`.
"#
    )
}

fn stage_text(title: &str, order: u32) -> String {
    let today = today();
    format!(
        r#"---
title: {title}
summary: One sentence on what changed in this stage.
updated: {today}            # when this page last changed: dates it in the feed and sitemap
order: {order}                       # position within the case; unique
period: {{ from: "2020", to: present }}
# business_model:               # Business Model Canvas blocks (all optional)
#   value_proposition: What customers get.
#   customer_segments: [Who buys]
#   channels: [How they are reached]
# analyses:                     # framework slug -> dimension key -> entries
#   institutional-theory:
#     regulative: Formal rules that mattered.
# metrics:
#   - {{ key: orders, label: Daily orders, unit: orders/day, start: 100, end: 500, period: "2021" }}
refs: []
---
Describe the stage: what the firm did, why, and with what result.
"#
    )
}

fn framework_text(title: &str) -> String {
    let today = today();
    format!(
        r"---
title: {title}
summary: One sentence on what this lens examines.
updated: {today}            # when this page last changed: dates it in the feed and sitemap
layout: columns                 # columns | quadrant (exactly 4 dimensions) | sequence
dimensions:                     # ordered; analyses use the keys
  - {{ key: first, label: First dimension, description: What it covers. }}
  - {{ key: second, label: Second dimension, description: What it covers. }}
refs: []
---
Explain the framework, where it comes from and how cases apply it.
"
    )
}

fn entity_text(title: &str) -> String {
    let today = today();
    format!(
        r"---
title: {title}
summary: One sentence on what it is.
updated: {today}            # when this page last changed: dates it in the feed and sitemap
type: other                     # company | platform | institution | market | person | payment | logistics | other
facts: {{}}                       # comparable attributes, e.g. {{ founded: 1999, model: B2C }}
# website: https://example.org
aliases: []                     # other names that wikilinks and search resolve
refs: []
---
What the sources say about it.
"
    )
}

/// Writes a new content file; returns its path.
pub(crate) fn new_item(
    root: &Path,
    kind: NewKind,
    slug: &str,
    case: Option<&str>,
    lang: Option<&str>,
) -> Result<PathBuf, ScaffoldError> {
    if !is_slug(slug) {
        return Err(ScaffoldError(format!(
            "invalid slug `{slug}`: use lowercase letters, digits and `-` (for example `{}`)",
            crate::source::slugify(slug)
        )));
    }
    if !root.join("casebook.yaml").is_file() {
        return Err(ScaffoldError(format!(
            "no casebook.yaml in {}: run this inside a knowledge base or pass --root",
            root.display()
        )));
    }
    let content = root.join("content");
    let title = title_of(slug);
    let (path, text) = match kind {
        NewKind::Case => (
            content.join("cases").join(slug).join("index.md"),
            case_text(&title),
        ),
        NewKind::Stage => {
            let case = case.ok_or_else(|| ScaffoldError("a stage needs --case CASE".into()))?;
            let dir = content.join("cases").join(case);
            if !dir.join("index.md").is_file() {
                return Err(ScaffoldError(format!(
                    "no case `{case}`: content/cases/{case}/index.md does not exist"
                )));
            }
            if slug == "index" || slug == "events" {
                return Err(ScaffoldError(format!(
                    "`{slug}` is reserved inside a case folder"
                )));
            }
            (
                dir.join(format!("{slug}.md")),
                stage_text(&title, next_order(&dir)),
            )
        }
        NewKind::Framework => (
            content.join("frameworks").join(format!("{slug}.md")),
            framework_text(&title),
        ),
        NewKind::Entity => (
            content.join("entities").join(format!("{slug}.md")),
            entity_text(&title),
        ),
    };
    if kind != NewKind::Stage && case.is_some() {
        return Err(ScaffoldError("--case only applies to stages".into()));
    }
    if let Some(lang) = lang {
        return new_translation(root, &path, lang);
    }
    write_new(&path, &text)?;
    Ok(path)
}

/// Writes the skeleton of a translation of the existing page `original`
/// into `lang`: its text to translate, its body to rewrite.
fn new_translation(root: &Path, original: &Path, lang: &str) -> Result<PathBuf, ScaffoldError> {
    let config_text = std::fs::read_to_string(root.join("casebook.yaml"))
        .map_err(|e| ScaffoldError(format!("cannot read casebook.yaml: {e}")))?;
    let config = crate::model::config::Config::parse("casebook.yaml", &config_text)
        .map_err(|ds| ScaffoldError(format!("casebook.yaml: {}", ds[0].message)))?;
    if !config.languages.contains_key(lang) {
        let known: Vec<&str> = config.languages.keys().map(String::as_str).collect();
        return Err(ScaffoldError(format!(
            "`{lang}` is not a language of this site (configured: {}); add it under `languages:` in casebook.yaml",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    let shown = crate::source::display_path(root, original);
    let text = std::fs::read_to_string(original).map_err(|_| {
        ScaffoldError(format!(
            "no page to translate: {shown} does not exist (write the original first)"
        ))
    })?;
    let (yaml, body_start) = crate::source::split_front_matter(&shown, &text)
        .map_err(|d| ScaffoldError(format!("{shown}: {}", d.message)))?;
    let doc = crate::yaml::YamlDoc::parse(&shown, &text, yaml, 1)
        .map_err(|d| ScaffoldError(format!("{shown}: {}", d.message)))?;
    let front = crate::translate::skeleton(doc.value(), false, "")
        .map(|v| serde_yaml::to_string(&v).unwrap_or_default())
        .unwrap_or_default();
    let name = original
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or("index");
    let path = original.with_file_name(format!("{name}.{lang}.md"));
    let skeleton = format!(
        "---\n# Translation into `{lang}` of {shown}: replace the text below with its\n# translation. Dates, order, tags, refs and other data come from the original.\n# Keep every heading (in order), citation and link target of the body.\n{front}---\n{}",
        &text[body_start..]
    );
    write_new(&path, &skeleton)?;
    Ok(path)
}

/// One more than the largest `order:` among the case's stages.
fn next_order(dir: &Path) -> u32 {
    let mut max = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines().take_while(|l| !l.is_empty()) {
            if let Some(n) = line
                .strip_prefix("order:")
                .and_then(|r| r.split('#').next())
                .and_then(|r| r.trim().parse::<u32>().ok())
            {
                max = max.max(n);
            }
        }
    }
    max + 1
}

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if path.exists() {
        return Err(ScaffoldError(format!(
            "{} already exists; not overwriting it",
            path.display()
        )));
    }
    crate::fs::write(path, text.as_bytes()).map_err(|e| ScaffoldError(e.to_string()))
}

/// The bibliography `init` starts with: one work, cited by the example stage.
const REFERENCES: &str = r"# yaml-language-server: $schema=../schemas/references.schema.json
# The works the knowledge base cites, in Hayagriva YAML, keyed by citation key.
# Cite one inline with [@example-source] or [@example-source, p. 12], or list it
# under `refs:` in front matter. Replace this entry with your own sources.
example-source:
  type: report
  title: Replace this with the source your analysis draws on
  author: Surname, Given
";

/// Creates a minimal knowledge base in `dir`.
pub(crate) fn init(dir: &Path) -> Result<(), ScaffoldError> {
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(ScaffoldError(format!(
            "{} exists and is not empty",
            dir.display()
        )));
    }
    let files: [(&str, String); 7] = [
        (
            "casebook.yaml",
            "# yaml-language-server: $schema=schemas/casebook.schema.json\ntitle: My casebook\ndescription: Case studies of business models over time.\nbase_url: \"http://127.0.0.1:1111/\"\nlanguage: en\ntheme: default\nmarkdown:\n  allow_html: false\n".into(),
        ),
        (
            "content/_index.md",
            "---\ntitle: My casebook\nsummary: Case studies of how business models change.\n---\nStart with [[example-case]].\n".into(),
        ),
        ("content/cases/example-case/index.md", case_text("Example case").replace("# company: some-entity ", "company: example-company")),
        ("content/cases/example-case/first-stage.md", stage_text("First stage", 1).replace("# analyses:", "analyses:").replace("#   institutional-theory:\n#     regulative: Formal rules that mattered.", "  example-framework:\n    first: \"Formal rules that mattered [@example-source].\"")),
        ("content/frameworks/example-framework.md", framework_text("Example framework")),
        ("content/entities/example-company.md", entity_text("Example company").replace("type: other  ", "type: company")),
        ("content/references.yaml", REFERENCES.into()),
    ];
    for (rel, text) in files {
        write_new(&dir.join(rel), &text)?;
    }
    // The YAML files above name these schemas in their first line.
    super::schema::write(dir, &dir.join("schemas")).map_err(|f| {
        let why: Vec<String> = f.diagnostics().into_iter().map(|d| d.message).collect();
        ScaffoldError(format!("cannot write the schemas: {}", why.join("; ")))
    })?;
    Ok(())
}
