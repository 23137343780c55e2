//! `casebook schema` on the shipped knowledge base, checked with an
//! independent JSON Schema validator (the `jsonschema` crate): every content
//! file, casebook.yaml and the data files pass; a planted unknown key and a
//! bad date fail in the validator as they fail in `casebook check`.

use crate::harness::{TestSite, casebook, copy_fixture, manifest_dir, write};
use serde_json::Value;
use std::path::Path;

/// Runs `casebook schema` for the site at `root`, into `out`.
fn write_schemas(root: &Path, out: &Path) {
    let run = casebook(
        [
            "schema".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        root,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn validator(dir: &Path, kind: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(dir.join(format!("{kind}.schema.json"))).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

/// The schema a content file follows, by where it is (as docs/editing.md
/// describes the folders).
fn kind_of(rel: &str) -> Option<String> {
    // A translation (`entry.ru.md`) has its kind's translation schema.
    let (dir, name) = rel.rsplit_once('/').map_or(("", rel), |(d, n)| (d, n));
    let parts: Vec<&str> = name.split('.').collect();
    if let [stem, lang, ext] = parts.as_slice()
        && lang.len() == 2
    {
        let original = if dir.is_empty() {
            format!("{stem}.{ext}")
        } else {
            format!("{dir}/{stem}.{ext}")
        };
        return kind_of_original(&original).map(|k| format!("{k}.translation"));
    }
    kind_of_original(rel).map(str::to_string)
}

fn kind_of_original(rel: &str) -> Option<&'static str> {
    if !(rel.ends_with(".md") || rel.ends_with(".yaml")) {
        return None;
    }
    let parts: Vec<&str> = rel.split('/').collect();
    Some(match parts.as_slice() {
        [.., "events.yaml"] => "events",
        ["glossary.yaml"] => "glossary",
        ["references.yaml"] => "references",
        ["data", _] if rel.ends_with(".yaml") => "dataset",
        [.., name] if name.ends_with(".yaml") => return None,
        [.., "_index.md"] => "page",
        ["cases", _, "index.md"] => "case",
        ["cases", _, _] => "stage",
        ["frameworks", _] => "framework",
        ["entities", _] => "entity",
        ["comparisons", _] => "comparison",
        [name] if name.ends_with(".md") => "page",
        _ => return None,
    })
}

/// The YAML of a file (its front matter for Markdown), as JSON.
fn yaml_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml = if path.extension().is_some_and(|e| e == "md") {
        text.strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---"))
            .map_or("", |(fm, _)| fm)
            .to_string()
    } else {
        text
    };
    let value: serde_yaml::Value =
        serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(value).unwrap()
}

/// Problems the validator finds in the file at `rel` under `content`.
fn problems(schemas: &Path, content: &Path, rel: &str) -> Vec<String> {
    let kind = kind_of(rel).unwrap_or_else(|| panic!("no schema for {rel}"));
    let value = yaml_of(&content.join(rel));
    validator(schemas, &kind)
        .iter_errors(&value)
        .map(|e| format!("{rel} ({kind}): {e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn every_shipped_file_passes_the_schemas_in_an_independent_validator() {
    let tmp = tempfile::tempdir().unwrap();
    let root = manifest_dir();
    write_schemas(&root, tmp.path());
    let content = root.join("content");
    let mut checked = 0;
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&content).into_iter().flatten() {
        let rel = entry.path().strip_prefix(&content).unwrap();
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !entry.file_type().is_file() || kind_of(&rel).is_none() {
            continue;
        }
        found.extend(problems(tmp.path(), &content, &rel));
        checked += 1;
    }
    assert!(checked > 50, "only {checked} files checked");
    let config = serde_json::to_value(
        serde_yaml::from_str::<serde_yaml::Value>(
            &std::fs::read_to_string(root.join("casebook.yaml")).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    found.extend(
        validator(tmp.path(), "casebook")
            .iter_errors(&config)
            .map(|e| format!("casebook.yaml: {e}")),
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_site_frameworks_and_their_dimensions_are_in_the_stage_schema() {
    let tmp = tempfile::tempdir().unwrap();
    write_schemas(&manifest_dir(), tmp.path());
    let text = std::fs::read_to_string(tmp.path().join("stage.schema.json")).unwrap();
    let stage: Value = serde_json::from_str(&text).unwrap();
    let swot = &stage["properties"]["analyses"]["properties"]["swot"]["properties"];
    for dim in ["strengths", "weaknesses", "opportunities", "threats"] {
        assert!(swot.get(dim).is_some(), "no swot.{dim} in {swot}");
    }
}

#[test]
fn an_unknown_key_and_a_bad_date_fail_in_the_validator_as_in_check() {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    let stage = "cases/acme-india/entry.md";
    let text = std::fs::read_to_string(root.join("content").join(stage)).unwrap();
    let schemas = tempfile::tempdir().unwrap();
    write_schemas(root, schemas.path());
    let content = root.join("content");
    assert_eq!(
        problems(schemas.path(), &content, stage),
        Vec::<String>::new()
    );

    let planted = [
        ("colour: red\n", "colour"),
        ("updated: 2016-13\n", "updated"),
        ("kind: case\n", "kind"),
    ];
    for (line, key) in planted {
        write(
            root,
            &format!("content/{stage}"),
            text.replacen("---\n", &format!("---\n{line}"), 1),
        );
        let found = problems(schemas.path(), &content, stage);
        assert!(!found.is_empty(), "the validator accepts `{}`", line.trim());
        let checked = TestSite::at(root).check();
        assert_eq!(checked.code, 1, "check accepts `{}`", line.trim());
        assert!(
            checked.stderr.contains(key),
            "check does not name `{key}`:\n{}",
            checked.stderr
        );
    }
}

#[test]
fn init_writes_the_schemas_its_yaml_files_name_in_their_modelines() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    let run = casebook(["init".as_ref(), kb.as_os_str()], tmp.path());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (file, kind) in [
        ("casebook.yaml", "casebook"),
        ("content/references.yaml", "references"),
    ] {
        let path = kb.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap();
        let schema = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{file} starts without a modeline: {first}"));
        let named = path.parent().unwrap().join(schema);
        assert!(
            named.is_file(),
            "{file} names {} which does not exist",
            named.display()
        );
        assert!(schema.ends_with(&format!("{kind}.schema.json")), "{schema}");
        let value = yaml_of(&path);
        let errors: Vec<String> = validator(&kb.join("schemas"), kind)
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}

#[test]
fn a_key_left_empty_passes_the_validator_as_it_passes_check() {
    let tmp = copy_fixture("minimal");
    let root = tmp.path();
    let stage = "cases/acme-india/entry.md";
    let text = std::fs::read_to_string(root.join("content").join(stage)).unwrap();
    write(
        root,
        &format!("content/{stage}"),
        text.replacen("---\n", "---\ntags:\nredirect_from:\n", 1),
    );
    let schemas = tempfile::tempdir().unwrap();
    write_schemas(root, schemas.path());
    assert_eq!(TestSite::at(root).check().code, 0);
    assert_eq!(
        problems(schemas.path(), &root.join("content"), stage),
        Vec::<String>::new()
    );
}
