//! The knowledge base in a further language: each translation
//! (`entry.ru.md`, `events.ru.yaml`, `glossary.ru.yaml`, `data/x.ru.yaml`)
//! merged over its original. Structured data always comes from the
//! original; a translation gives text, and anything else it gives must
//! equal the original's. A page without a translation is the original,
//! marked as a fallback.

use crate::diagnostics::{Diagnostic, Span, suggest};
use crate::model::lang::Locale;
use crate::model::*;
use crate::source::{Translation, page_fields, split_front_matter};
use crate::yaml::YamlDoc;
use serde_yaml::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Keys whose strings are text a translation replaces; every other value
/// is structured data.
const TEXT_KEYS: &[&str] = &[
    "title",
    "summary",
    "short_title",
    "text",
    "label",
    "description",
    "question",
    "answer",
    "objectives",
    "reading",
    "body",
    "unit",
];

/// Keys under which each entry is text: analyses (`analyses.<framework>.
/// <dimension>`) and the canvas (`business_model.<block>`).
const ENTRY_PARENTS: &[&str] = &["analyses", "business_model"];

/// What the translations are merged from, besides the default model.
pub(crate) struct Sources<'a> {
    pub translations: &'a [Translation],
    /// The content files that exist: a translation of a draft left out is
    /// not an orphan.
    pub files: &'a BTreeSet<String>,
    /// Where the originals of translated data files are read.
    pub root: &'a Path,
    /// Draft translations are merged too.
    pub drafts: bool,
}

/// The model in language `code`: `kb` with every translation into `code`
/// merged over its original, every other page marked as a fallback.
pub(crate) fn language_kb(
    kb: &Kb,
    code: &str,
    locale: Locale,
    src: &Sources<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Kb {
    let mut out = kb.clone();
    out.config = kb.config.for_language(code);
    out.locale = locale;
    for page in &mut out.pages {
        page.lang = PageLang::Fallback;
    }
    // Originals by source file, as translations name them.
    let by_file: HashMap<String, usize> = out
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source.file.clone(), i))
        .collect();
    for tr in src.translations.iter().filter(|t| t.lang == code) {
        let under = tr.original.strip_prefix("content/").unwrap_or(&tr.original);
        let is_data = under.ends_with(".yaml") || under.ends_with(".yml");
        let applied = if !is_data {
            translate_page(&mut out, &by_file, tr, src.drafts, diags)
        } else if under.starts_with("data/") {
            translate_dataset(&mut out, tr, src.root, diags)
        } else if under.starts_with("glossary.") {
            translate_glossary(&mut out, tr, diags)
        } else if under.ends_with("events.yaml") || under.ends_with("events.yml") {
            translate_events(&mut out, tr, src.root, diags)
        } else {
            diags.push(
                Diagnostic::error(
                    Span::new(&tr.file, 1, 1),
                    format!("`{under}` is not translated: the bibliography is the same in every language"),
                )
                .with_help("remove this file; translate the pages, events, glossary and datasets that cite the works instead"),
            );
            true
        };
        let exists = src.files.iter().any(|f| same_file(f, &tr.original));
        if !applied && !exists {
            diags.push(
                Diagnostic::error(
                    Span::new(&tr.file, 1, 1),
                    format!(
                        "translation without an original: `{}` does not exist",
                        tr.original
                    ),
                )
                .with_help(
                    "a translation sits beside the file it translates, with the language before the extension (`entry.md` → `entry.ru.md`); rename it, or write the original first",
                ),
            );
        }
    }
    out
}

/// Two content paths naming one file, `.yml` and `.yaml` being the same.
fn same_file(a: &str, b: &str) -> bool {
    let norm = |p: &str| match p.strip_suffix(".yml") {
        Some(stem) => format!("{stem}.yaml"),
        None => p.to_string(),
    };
    norm(a) == norm(b)
}

/// The model in every further language, each translation merged; every
/// model (`kb` too) learns which pages exist in which language.
pub(crate) fn all_languages(
    kb: &mut Kb,
    locale: impl Fn(&str) -> Locale,
    src: &Sources<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Kb> {
    let codes: Vec<String> = kb.config.languages.keys().cloned().collect();
    let mut others: Vec<Kb> = codes
        .iter()
        .map(|code| language_kb(kb, code, locale(code), src, diags))
        .collect();
    let mut translated: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (code, other) in codes.iter().zip(&others) {
        for p in &other.pages {
            if matches!(p.lang, PageLang::Translated(_)) {
                translated
                    .entry(p.path.clone())
                    .or_default()
                    .insert(code.clone());
            }
        }
    }
    let translated = std::sync::Arc::new(translated);
    kb.translated = std::sync::Arc::clone(&translated);
    for other in &mut others {
        other.translated = std::sync::Arc::clone(&translated);
    }
    others
}

/// Gives each translated page of `kb` the signature of its original's
/// body (`signature` of its id), which its own must match.
pub(crate) fn expect_bodies(kb: &mut Kb, signature: impl Fn(PageId) -> Option<Signature>) {
    for (i, page) in kb.pages.iter_mut().enumerate() {
        if let PageLang::Translated(o) = &mut page.lang {
            o.body = signature(PageId::new(i));
        }
    }
}

/// Merges a page translation over its original page; `false` when the
/// original is not a page of this build.
fn translate_page(
    kb: &mut Kb,
    by_file: &HashMap<String, usize>,
    tr: &Translation,
    drafts: bool,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let Some(&i) = by_file.get(&tr.original) else {
        return false;
    };
    match page_translation(&kb.pages[i], tr, drafts) {
        Ok(Some(page)) => {
            // Events written in the case's front matter are translated with it.
            let inline = crate::source::inline_events(std::slice::from_ref(&page));
            for ev in kb.events.iter_mut().filter(|e| e.file == tr.original) {
                if let Some(new) = inline.iter().find(|n| n.anchor == ev.anchor) {
                    *ev = new.clone();
                }
            }
            kb.pages[i] = page;
        }
        Ok(None) => {}
        Err(ds) => diags.extend(ds),
    }
    true
}

/// The page `original` as translation `tr` writes it; `None` when there is
/// nothing to show but the original (it failed to load, or the translation
/// is a draft left out).
pub(crate) fn page_translation(
    original: &Page,
    tr: &Translation,
    drafts: bool,
) -> Result<Option<Page>, Vec<Diagnostic>> {
    if original.broken {
        return Ok(None);
    }
    let (yaml, body_start) = split_front_matter(&tr.file, &tr.text).map_err(|d| vec![d])?;
    let doc = YamlDoc::parse(&tr.file, &tr.text, yaml, 1).map_err(|d| vec![d])?;
    let front = front_matter(original)?;
    // A translation may be a draft of its own, left out until ready.
    let mut own = doc.value().clone();
    let draft = own
        .as_mapping_mut()
        .and_then(|m| m.remove("draft"))
        .is_some_and(|d| d.as_bool() == Some(true));
    let mut errors = Vec::new();
    let merged = merge(&front, &own, "", false, &doc, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let (meta, data) = page_fields(&doc, merged, original.kind, &original.path)?;
    if draft && !drafts {
        return Ok(None);
    }
    Ok(Some(Page {
        kind: original.kind,
        path: original.path.clone(),
        slug: original.slug.clone(),
        source: Source {
            file: tr.file.clone(),
            text: tr.text.clone(),
            body_start,
        },
        meta,
        data,
        positions: doc.locator(),
        broken: false,
        lang: PageLang::Translated(Box::new(Original {
            file: original.source.file.clone(),
            body: None,
        })),
    }))
}

/// The front matter of a loaded page, parsed again as YAML.
fn front_matter(page: &Page) -> Result<Value, Vec<Diagnostic>> {
    let (yaml, _) =
        split_front_matter(&page.source.file, &page.source.text).map_err(|d| vec![d])?;
    let doc = YamlDoc::parse(&page.source.file, &page.source.text, yaml, 1).map_err(|d| vec![d])?;
    Ok(doc.value().clone())
}

/// `translation` over `original` at `path`: strings in text positions come
/// from the translation, everything else must equal the original (and is
/// taken from it when left out). Lists keep their length; their items
/// pair by `id` where the original's have one, else by position.
fn merge(
    original: &Value,
    translation: &Value,
    path: &str,
    text: bool,
    doc: &YamlDoc<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Value {
    match (original, translation) {
        (Value::Mapping(o), Value::Mapping(t)) => {
            let mut out = o.clone();
            for (k, tv) in t {
                let key = k.as_str().unwrap_or_default();
                let at = join(path, key);
                let Some(ov) = o.get(k) else {
                    let keys: Vec<&str> = o.keys().filter_map(Value::as_str).collect();
                    let mut d = doc.error(
                        doc.key_span(&at),
                        format!("`{key}` is not in the original, and a translation gives only text of its original"),
                    );
                    d = d.with_help(suggest(key, keys.iter().copied()).unwrap_or_else(|| {
                        "remove it here, or add it to the original first".into()
                    }));
                    errors.push(d);
                    continue;
                };
                let child_text = TEXT_KEYS.contains(&key) || entry_position(&at);
                let merged = merge(ov, tv, &at, child_text, doc, errors);
                out.insert(k.clone(), merged);
            }
            Value::Mapping(out)
        }
        (Value::Sequence(o), Value::Sequence(t)) => {
            if o.len() != t.len() {
                errors.push(
                    doc.error(
                        doc.span(path),
                        format!(
                            "the original has {} entries here and this translation {}",
                            o.len(),
                            t.len()
                        ),
                    )
                    .with_help("translate every entry of the original, in its order, or leave the whole list out to show the original's"),
                );
                return Value::Sequence(o.clone());
            }
            let paired = pair_items(o, t, path, doc, errors);
            Value::Sequence(
                o.iter()
                    .zip(paired)
                    .enumerate()
                    .map(|(i, (ov, tv))| match tv {
                        Some(tv) => merge(ov, tv, &format!("{path}[{i}]"), text, doc, errors),
                        None => ov.clone(),
                    })
                    .collect(),
            )
        }
        (Value::String(_), Value::String(t)) if text => Value::String(t.clone()),
        (o, t) if same_scalar(o, t) => o.clone(),
        (o, t) => {
            errors.push(
                doc.error(
                    doc.span(path),
                    format!(
                        "this translation contradicts its original at `{path}`: the original has {}, the translation {}",
                        shown(o),
                        shown(t)
                    ),
                )
                .with_help(format!(
                    "structured data comes from the original: leave `{}` out of the translation, or change it in the original",
                    path.rsplit('.').next().unwrap_or(path)
                )),
            );
            o.clone()
        }
    }
}

/// The translation's item for each of the original's: by `id` when the
/// original's items have one, else by position.
fn pair_items<'t>(
    original: &[Value],
    translation: &'t [Value],
    path: &str,
    doc: &YamlDoc<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Option<&'t Value>> {
    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_string);
    if original.iter().all(|v| id(v).is_none()) {
        return translation.iter().map(Some).collect();
    }
    let ids: Vec<Option<String>> = original.iter().map(id).collect();
    let mut paired = vec![None; original.len()];
    for (i, t) in translation.iter().enumerate() {
        let at = format!("{path}[{i}]");
        match id(t) {
            Some(tid) => match ids.iter().position(|o| o.as_deref() == Some(tid.as_str())) {
                Some(j) if paired[j].is_some() => errors.push(doc.error(
                    doc.span(&format!("{at}.id")),
                    format!("the entry `{tid}` is translated twice"),
                )),
                Some(j) => paired[j] = Some(t),
                None => errors.push(
                    doc.error(
                        doc.span(&format!("{at}.id")),
                        format!("no entry of the original here has the id `{tid}`"),
                    )
                    .with_help(
                        suggest(&tid, ids.iter().flatten().map(String::as_str))
                            .unwrap_or_else(|| "use the ids of the original's entries".into()),
                    ),
                ),
            },
            None if ids[i].is_none() => paired[i] = Some(t),
            None => errors.push(
                doc.error(
                    doc.span(&at),
                    "this entry has no `id`, and the original's entries here are matched by id",
                )
                .with_help(format!(
                    "add `id: {}` (the original's entry at this position)",
                    ids[i].as_deref().unwrap_or_default()
                )),
            ),
        }
    }
    paired
}

/// The value at `path` is an analysis or canvas entry (`analyses.swot.
/// strengths`, `business_model.channels`), whose strings are text.
fn entry_position(path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    matches!(
        parts.as_slice(),
        [p, _, _] if *p == ENTRY_PARENTS[0]
    ) || matches!(parts.as_slice(), [p, _] if *p == ENTRY_PARENTS[1])
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Two scalars that mean the same (`2014` and `"2014"`).
fn same_scalar(a: &Value, b: &Value) -> bool {
    a == b || matches!((scalar(a), scalar(b)), (Some(x), Some(y)) if x == y)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a message shows it.
fn shown(v: &Value) -> String {
    match scalar(v) {
        Some(s) => format!("`{s}`"),
        None => match v {
            Value::Sequence(s) => format!("a list of {}", s.len()),
            Value::Mapping(_) => "a mapping".into(),
            _ => "nothing".into(),
        },
    }
}

/// Reads the original of a data file's translation, as YAML.
fn original_yaml(tr: &Translation, root: &Path) -> Result<(String, Value), Vec<Diagnostic>> {
    let other = match tr.original.strip_suffix(".yaml") {
        Some(stem) => format!("{stem}.yml"),
        None => tr.original.replace(".yml", ".yaml"),
    };
    let rel = if root.join(&tr.original).is_file() {
        &tr.original
    } else {
        &other
    };
    let text = crate::fs::read_text(&root.join(rel), rel).map_err(|d| vec![d])?;
    let value = YamlDoc::parse(rel, &text, &text, 0)
        .map_err(|d| vec![d])?
        .value()
        .clone();
    Ok((text, value))
}

/// A data file's translation as YAML, or its syntax error reported.
fn parse_data<'t>(tr: &'t Translation, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc<'t>> {
    YamlDoc::parse(&tr.file, &tr.text, &tr.text, 0)
        .map_err(|d| diags.push(d))
        .ok()
}

/// A translated data file merged over its original (read from `root`).
fn merged_data<'t>(
    tr: &'t Translation,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<(YamlDoc<'t>, Value)> {
    let parsed = YamlDoc::parse(&tr.file, &tr.text, &tr.text, 0).map_err(|d| vec![d]);
    let (doc, (_, original)) = match parsed.and_then(|doc| Ok((doc, original_yaml(tr, root)?))) {
        Ok(x) => x,
        Err(ds) => {
            diags.extend(ds);
            return None;
        }
    };
    let mut errors = Vec::new();
    let merged = merge(&original, doc.value(), "", false, &doc, &mut errors);
    if errors.is_empty() {
        Some((doc, merged))
    } else {
        diags.extend(errors);
        None
    }
}

/// `events.ru.yaml`: each entry names the original event by `id`; its
/// `title` and `body` replace the original's.
fn translate_events(
    kb: &mut Kb,
    tr: &Translation,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let originals: Vec<usize> = (0..kb.events.len())
        .filter(|&i| same_file(&kb.events[i].file, &tr.original))
        .collect();
    if originals.is_empty() {
        return false;
    }
    let Some(doc) = parse_data(tr, diags) else {
        return true;
    };
    let Value::Sequence(items) = doc.value() else {
        diags.push(
            doc.error(doc.span(""), "an events translation is a list of events")
                .with_help("write `- id: <the original's id>` then `title:` and `body:`"),
        );
        return true;
    };
    let (_, original) = match original_yaml(tr, root) {
        Ok(x) => x,
        Err(ds) => {
            diags.extend(ds);
            return true;
        }
    };
    let original = original.as_sequence().cloned().unwrap_or_default();
    let locator = std::sync::Arc::new(doc.locator());
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("[{i}]");
        let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
        if !seen.insert(id) {
            diags.push(doc.error(
                doc.span(&format!("{at}.id")),
                format!("the event `{id}` is translated twice"),
            ));
            continue;
        }
        let Some(j) = original
            .iter()
            .position(|o| o.get("id").and_then(Value::as_str) == Some(id))
        else {
            let ids = original.iter().filter_map(|o| o.get("id")?.as_str());
            diags.push(
                doc.error(
                    doc.span(&format!("{at}.id")),
                    format!("no event of `{}` has the id `{id}`", tr.original),
                )
                .with_help(suggest(id, ids).unwrap_or_else(|| {
                    "give each translated event the `id` of its original (add ids to the original's events first)".into()
                })),
            );
            continue;
        };
        let mut errors = Vec::new();
        let merged = merge(&original[j], item, &at, false, &doc, &mut errors);
        let fm: Result<EventFm, _> = if errors.is_empty() {
            doc.deserialize_at(merged, &at, &[])
        } else {
            Err(errors)
        };
        match fm {
            Ok(fm) => {
                if let Some(ev) = kb
                    .events
                    .iter_mut()
                    .find(|e| same_file(&e.file, &tr.original) && e.fm.id.as_deref() == Some(id))
                {
                    let span = locator.span(&at);
                    ev.fm.title = fm.title;
                    ev.fm.body = fm.body;
                    ev.file.clone_from(&tr.file);
                    ev.yaml_path = at;
                    ev.line = span.line;
                    ev.col = span.col;
                    ev.locator = std::sync::Arc::clone(&locator);
                }
            }
            Err(ds) => diags.extend(ds),
        }
    }
    true
}

/// `glossary.ru.yaml`: entries matched to the original's by `term`.
fn translate_glossary(kb: &mut Kb, tr: &Translation, diags: &mut Vec<Diagnostic>) -> bool {
    if kb.terms.is_empty() {
        return false;
    }
    let Some(doc) = parse_data(tr, diags) else {
        return true;
    };
    let entries: Vec<TermTranslation> = match doc.deserialize() {
        Ok(e) => e,
        Err(ds) => {
            diags.extend(ds);
            return true;
        }
    };
    let mut seen = BTreeSet::new();
    for (i, e) in entries.into_iter().enumerate() {
        let Some(term) = kb.terms.iter_mut().find(|t| t.term == e.term) else {
            let names: Vec<String> = kb.terms.iter().map(|t| t.term.clone()).collect();
            diags.push(
                doc.error(
                    doc.span(&format!("[{i}].term")),
                    format!("the glossary has no term `{}` to translate", e.term),
                )
                .with_help(
                    suggest(&e.term, names.iter().map(String::as_str)).unwrap_or_else(|| {
                        "`term` names the original's term, as written in glossary.yaml".into()
                    }),
                ),
            );
            continue;
        };
        if !seen.insert(e.term.clone()) {
            diags.push(doc.error(
                doc.span(&format!("[{i}].term")),
                format!("`{}` is translated twice", e.term),
            ));
            continue;
        }
        term.translated = Some(TranslatedTerm {
            term: e.translation,
            aliases: e.aliases,
            at: e
                .definition
                .is_some()
                .then(|| doc.span(&format!("[{i}].definition"))),
        });
        if let Some(d) = e.definition {
            term.definition = d;
        }
    }
    true
}

/// `data/<slug>.ru.yaml`: the dataset's title, summary, unit and labels.
fn translate_dataset(
    kb: &mut Kb,
    tr: &Translation,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let name = tr.original.rsplit('/').next().unwrap_or_default();
    let slug = name.rsplit_once('.').map_or(name, |(s, _)| s);
    if !kb.datasets.contains_key(slug) {
        return false;
    }
    if let Some((doc, merged)) = merged_data(tr, root, diags) {
        match doc.deserialize_at::<Dataset>(merged, "", &[]) {
            Ok(d) => {
                kb.datasets.insert(slug.to_string(), d);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    true
}

/// The front matter a translation of `original` starts from: only the
/// text it can translate, with the ids and keys that match list entries.
pub(crate) fn skeleton(original: &Value, text: bool, path: &str) -> Option<Value> {
    match original {
        Value::Mapping(m) => {
            let mut out = serde_yaml::Mapping::new();
            for (k, v) in m {
                let key = k.as_str().unwrap_or_default();
                let at = join(path, key);
                let child_text = TEXT_KEYS.contains(&key) || entry_position(&at);
                let keep = match v {
                    Value::Mapping(_) | Value::Sequence(_) => skeleton(v, child_text, &at),
                    _ if child_text => Some(v.clone()),
                    _ => None,
                };
                if let Some(kept) = keep {
                    out.insert(k.clone(), kept);
                }
            }
            let matches_by = ["id", "key"]
                .iter()
                .find_map(|k| m.get(*k).map(|v| (*k, v)));
            match matches_by {
                Some((k, v)) if !out.is_empty() => {
                    let mut with_key = serde_yaml::Mapping::new();
                    with_key.insert(Value::from(k), v.clone());
                    with_key.extend(out);
                    Some(Value::Mapping(with_key))
                }
                _ => (!out.is_empty()).then_some(Value::Mapping(out)),
            }
        }
        Value::Sequence(items) => {
            let kept: Vec<Value> = items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::String(_) if text => Some(v.clone()),
                    _ => skeleton(v, text, &format!("{path}[{i}]")),
                })
                .collect();
            (kept.len() == items.len()).then_some(Value::Sequence(kept))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(original: &str, translation: &str) -> Result<Value, Vec<String>> {
        let o = YamlDoc::parse("o.yaml", original, original, 0).unwrap();
        let t = YamlDoc::parse("t.yaml", translation, translation, 0).unwrap();
        let mut errors = Vec::new();
        let v = merge(o.value(), t.value(), "", false, &t, &mut errors);
        if errors.is_empty() {
            Ok(v)
        } else {
            Err(errors
                .iter()
                .map(|d| format!("{}:{}: {}", d.span.line, d.span.col, d.message))
                .collect())
        }
    }

    #[test]
    fn a_skeleton_keeps_text_and_the_ids_that_match_entries() {
        let o = "title: A\norder: 2\nperiod: { from: \"2010\" }\ntags: [x]\nanalyses:\n  swot:\n    strengths:\n      - id: s1\n        text: Strong\n        refs: [x]\n      - Cheap\ndimensions:\n  - key: a\n    label: A\n";
        let doc = YamlDoc::parse("o.yaml", o, o, 0).unwrap();
        let v = skeleton(doc.value(), false, "").unwrap();
        let text = serde_yaml::to_string(&v).unwrap();
        assert_eq!(
            text,
            "title: A\nanalyses:\n  swot:\n    strengths:\n    - id: s1\n      text: Strong\n    - Cheap\ndimensions:\n- key: a\n  label: A\n"
        );
        // What the skeleton keeps merges back without a problem.
        assert!(merged(o, &text).is_ok());
    }

    #[test]
    fn text_comes_from_the_translation_and_data_from_the_original() {
        let v = merged(
            "title: A\norder: 2\nanalyses:\n  swot:\n    strengths:\n      - id: s1\n        text: Strong\n        refs: [x]\n      - id: s2\n        text: Cheap\n",
            "title: Б\nanalyses:\n  swot:\n    strengths:\n      - id: s2\n        text: Дёшево\n      - id: s1\n        text: Сильно\n",
        )
        .unwrap();
        assert_eq!(v["title"], Value::from("Б"));
        assert_eq!(v["order"], Value::from(2));
        let s = &v["analyses"]["swot"]["strengths"];
        assert_eq!(s[0]["text"], Value::from("Сильно"));
        assert_eq!(s[0]["refs"][0], Value::from("x"));
        assert_eq!(s[1]["text"], Value::from("Дёшево"));
    }

    #[test]
    fn contradictions_counts_and_unknown_ids_are_positioned() {
        let e = merged(
            "order: 2\nperiod: { from: \"2010\" }\nanalyses:\n  swot:\n    strengths: [a, b]\n",
            "order: 3\nperiod: { from: 2010 }\nanalyses:\n  swot:\n    strengths: [x]\n",
        )
        .unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("1:8: this translation contradicts its original at `order`"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("5:16: the original has 2 entries here and this translation 1"),
            "{e:?}"
        );
        let e = merged(
            "dimensions:\n  - id: a\n    text: A\n",
            "dimensions:\n  - id: b\n    text: B\n",
        )
        .unwrap_err();
        assert!(
            e[0].contains("no entry of the original here has the id `b`"),
            "{e:?}"
        );
        let e = merged("title: A\n", "titel: B\n").unwrap_err();
        assert!(
            e[0].starts_with("1:1: `titel` is not in the original"),
            "{e:?}"
        );
    }
}
