//! Shortcodes: `{{ name(arg="value", n=3) }}` on a line of its own, in
//! Zola's call syntax. Calls are found before Markdown rendering and
//! replaced by a placeholder of the same length (so every other position
//! in the file stays right), checked against what they name, and expanded
//! after rendering through the theme's `shortcodes/<name>.html` template.
//! Any other `{{ … }}` or `{% … %}` text is left as it is: content is never
//! evaluated as a template.

use crate::model::Kb;
use serde::Serialize;
use std::collections::BTreeMap;

/// A value passed to a shortcode.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Arg {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Arg {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Arg::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One shortcode call found in a Markdown body.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub name: String,
    pub args: BTreeMap<String, Arg>,
    /// Byte offset of the call in the text it was found in.
    pub offset: usize,
}

/// What the text looked like, with calls replaced by placeholders.
pub(crate) struct Extracted {
    pub text: String,
    pub calls: Vec<Call>,
    /// Lines that look like calls but do not parse: (offset, message).
    pub problems: Vec<(usize, String)>,
}

/// The placeholder of call `n`; Markdown renders it as `<p>…</p>`.
pub(crate) fn placeholder(n: usize) -> String {
    format!("⟦sc{n}⟧")
}

/// Finds the calls on lines of their own, outside fenced code blocks.
pub(crate) fn extract(text: &str) -> Extracted {
    let mut out = String::with_capacity(text.len());
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if let Some((ch, len)) = fence {
            let run = trimmed.chars().take_while(|&c| c == ch).count();
            if run >= len && trimmed[run * ch.len_utf8()..].trim().is_empty() {
                fence = None;
            }
        } else if let Some(ch) = ['`', '~'].into_iter().find(|c| trimmed.starts_with(*c)) {
            let run = trimmed.chars().take_while(|&c| c == ch).count();
            if run >= 3 && indent < 4 {
                fence = Some((ch, run));
            }
        } else if indent < 4 && trimmed.starts_with("{{") && trimmed.trim_end().ends_with("}}") {
            let inner = trimmed.trim_end();
            let inner = inner[2..inner.len() - 2].trim();
            if looks_like_call(inner) {
                let at = offset + indent;
                match parse_call(inner) {
                    Ok((name, args)) => {
                        let token = placeholder(calls.len());
                        if token.len() <= body.len() {
                            calls.push(Call {
                                name,
                                args,
                                offset: at,
                            });
                            out.push_str(&token);
                            out.push_str(&" ".repeat(body.len() - token.len()));
                            out.push_str(&line[body.len()..]);
                            offset += line.len();
                            continue;
                        }
                    }
                    Err(msg) => problems.push((at, msg)),
                }
            }
        }
        out.push_str(line);
        offset += line.len();
    }
    Extracted {
        text: out,
        calls,
        problems,
    }
}

/// `name(` … `)`: anything else between braces stays literal text.
fn looks_like_call(s: &str) -> bool {
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    name_len > 0 && s[name_len..].trim_start().starts_with('(') && s.ends_with(')')
}

fn parse_call(s: &str) -> Result<(String, BTreeMap<String, Arg>), String> {
    let open = s.find('(').unwrap_or(s.len());
    let name = s[..open].trim().to_string();
    let mut rest = s[open + 1..s.len() - 1].trim();
    let mut args = BTreeMap::new();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("expected `name=value` in the arguments, found `{rest}`"))?;
        let key = rest[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{key}` is not an argument name"));
        }
        let after = rest[eq + 1..].trim_start();
        let (value, len) = parse_value(after)?;
        if args.insert(key.to_string(), value).is_some() {
            return Err(format!("argument `{key}` is given twice"));
        }
        rest = after[len..].trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        } else if !rest.is_empty() {
            return Err(format!("expected `,` between arguments, found `{rest}`"));
        }
    }
    Ok((name, args))
}

/// A quoted string, number or boolean at the start of `s`, and its length.
fn parse_value(s: &str) -> Result<(Arg, usize), String> {
    if let Some(q) = s.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
        let end = s[1..]
            .find(q)
            .ok_or_else(|| format!("unclosed string: {s}"))?;
        return Ok((Arg::Str(s[1..1 + end].to_string()), end + 2));
    }
    let len = s.find([',', ' ']).unwrap_or(s.len());
    let word = &s[..len];
    match word {
        "true" => Ok((Arg::Bool(true), len)),
        "false" => Ok((Arg::Bool(false), len)),
        _ => word
            .parse::<f64>()
            .map(|n| (Arg::Num(n), len))
            .map_err(|_| format!("`{word}` is not a quoted string, a number or true/false")),
    }
}

/// The shortcodes casebook defines, with their arguments (required first).
pub(crate) const BUILTIN: &[(&str, &[&str], &[&str])] = &[
    ("table", &["data"], &[]),
    ("chart", &["data"], &["kind", "column"]),
    ("timeline", &["case"], &[]),
    ("matrix", &["framework"], &["case"]),
    ("evolution", &["from", "to"], &["framework"]),
];

/// Checks a call against the built-in shortcodes, the theme's own and the
/// knowledge base. Returns the problem and a hint.
pub(crate) fn check(call: &Call, kb: &Kb, theme_shortcodes: &[String]) -> Result<(), CallProblem> {
    let Some((_, required, optional)) = BUILTIN.iter().find(|(n, _, _)| *n == call.name) else {
        if theme_shortcodes.contains(&call.name) {
            return Ok(());
        }
        let mut names: Vec<&str> = BUILTIN.iter().map(|b| b.0).collect();
        names.extend(theme_shortcodes.iter().map(String::as_str));
        let hint =
            crate::diagnostics::suggest(&call.name, names.iter().copied()).unwrap_or_else(|| {
                format!(
                    "shortcodes are {}, and any templates/shortcodes/<name>.html",
                    names.join(", ")
                )
            });
        return Err(problem(format!("unknown shortcode `{}`", call.name), hint));
    };
    check_args(call, required, optional)?;
    check_targets(call, kb)?;
    if call.name == "chart" {
        check_chart(call, kb)?;
    }
    Ok(())
}

/// Every argument is known, and every required one is given.
fn check_args(call: &Call, required: &[&str], optional: &[&str]) -> Result<(), CallProblem> {
    for key in call.args.keys() {
        if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
            let all: Vec<&str> = required.iter().chain(optional.iter()).copied().collect();
            let hint = crate::diagnostics::suggest(key, all.iter().copied())
                .unwrap_or_else(|| format!("`{}` takes {}", call.name, all.join(", ")));
            return Err(problem(
                format!("`{}` has no argument `{key}`", call.name),
                hint,
            ));
        }
    }
    for key in required {
        if call.args.get(*key).and_then(Arg::as_str).is_none() {
            return Err(problem(
                format!("`{}` needs `{key}=\"…\"`", call.name),
                format!("e.g. {{{{ {}({key}=\"slug\") }}}}", call.name),
            ));
        }
    }
    Ok(())
}

/// The dataset, case, stage or framework a call names exists.
fn check_targets(call: &Call, kb: &Kb) -> Result<(), CallProblem> {
    let arg = |k: &str| call.args.get(k).and_then(Arg::as_str).unwrap_or("");
    let exists = |what: &str, slug: &str, known: Vec<&str>| -> Result<(), CallProblem> {
        if known.contains(&slug) {
            Ok(())
        } else {
            let hint = crate::diagnostics::suggest(slug, known.iter().copied())
                .unwrap_or_else(|| format!("known {what}s: {}", known.join(", ")));
            Err(problem(format!("unknown {what} `{slug}`"), hint))
        }
    };
    match call.name.as_str() {
        "table" | "chart" => {
            let known: Vec<&str> = kb.datasets.keys().map(String::as_str).collect();
            exists("dataset", arg("data"), known)?;
        }
        "timeline" => exists("case", arg("case"), case_slugs(kb))?,
        "evolution" => {
            let stages: Vec<&str> = kb
                .pages_of(crate::model::Kind::Stage)
                .map(|(_, p)| p.path.strip_prefix("cases/").unwrap_or(&p.path))
                .collect();
            exists("stage", arg("from"), stages.clone())?;
            exists("stage", arg("to"), stages)?;
            if call.args.contains_key("framework") {
                let fws: Vec<&str> = kb
                    .pages_of(crate::model::Kind::Framework)
                    .map(|(_, p)| p.slug.as_str())
                    .collect();
                exists("framework", arg("framework"), fws)?;
            }
        }
        "matrix" => {
            let fws: Vec<&str> = kb
                .pages_of(crate::model::Kind::Framework)
                .map(|(_, p)| p.slug.as_str())
                .collect();
            exists("framework", arg("framework"), fws)?;
            if call.args.contains_key("case") {
                exists("case", arg("case"), case_slugs(kb))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A chart's kind, and a numeric column to draw.
fn check_chart(call: &Call, kb: &Kb) -> Result<(), CallProblem> {
    let arg = |k: &str| call.args.get(k).and_then(Arg::as_str).unwrap_or("");
    if let Some(kind) = call.args.get("kind")
        && !matches!(kind.as_str(), Some("bar" | "line"))
    {
        return Err(problem(
            "`kind` of a chart is \"bar\" or \"line\"",
            "write kind=\"bar\" or kind=\"line\"",
        ));
    }
    let data = &kb.datasets[arg("data")];
    if let Some(col) = call.args.get("column") {
        let col = col.as_str().unwrap_or("");
        match data.columns.iter().position(|c| c == col) {
            Some(i) if i > 0 && crate::graphics::chart::numeric_column(data, i) => {}
            Some(_) => {
                return Err(problem(
                    format!("column `{col}` of `{}` is not numeric", arg("data")),
                    "a chart draws a column of numbers against the first column's labels",
                ));
            }
            None => {
                let hint =
                    crate::diagnostics::suggest(col, data.columns.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("columns: {}", data.columns.join(", ")));
                return Err(problem(
                    format!("dataset `{}` has no column `{col}`", arg("data")),
                    hint,
                ));
            }
        }
    } else if data.series.is_empty() && crate::graphics::chart::numeric_columns(data).is_empty() {
        return Err(problem(
            format!("dataset `{}` has no numeric column to chart", arg("data")),
            "use the table shortcode for it instead",
        ));
    }
    Ok(())
}

/// What is wrong with a shortcode call, and how to fix it.
#[derive(Debug)]
pub(crate) struct CallProblem {
    pub message: String,
    pub hint: String,
}

fn problem(message: impl Into<String>, hint: impl Into<String>) -> CallProblem {
    CallProblem {
        message: message.into(),
        hint: hint.into(),
    }
}

fn case_slugs(kb: &Kb) -> Vec<&str> {
    kb.pages_of(crate::model::Kind::Case)
        .map(|(_, p)| p.slug.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_on_their_own_line_become_placeholders_of_equal_length() {
        let text = "Intro {{ x }}\n\n{{ table(data=\"russia-top-sites\") }}\n\n```\n{{ chart(data=\"a\") }}\n```\n{% raw %}\n";
        let e = extract(text);
        assert_eq!(e.calls.len(), 1);
        assert_eq!(e.calls[0].name, "table");
        assert_eq!(e.calls[0].args["data"], Arg::Str("russia-top-sites".into()));
        assert_eq!(e.calls[0].offset, text.find("{{ table").unwrap());
        assert_eq!(e.text.len(), text.len());
        assert!(e.text.contains("⟦sc0⟧"));
        // Inside a fence and in running text, braces stay literal.
        assert!(e.text.contains("{{ chart(data=\"a\") }}") && e.text.contains("Intro {{ x }}"));
        assert!(e.text.contains("{% raw %}"));
    }

    #[test]
    fn arguments_are_strings_numbers_and_booleans() {
        let e = extract("{{ chart(data='a', kind=\"line\", width=3.5, legend=true) }}\n");
        let a = &e.calls[0].args;
        assert_eq!(a["data"], Arg::Str("a".into()));
        assert_eq!(a["width"], Arg::Num(3.5));
        assert_eq!(a["legend"], Arg::Bool(true));
    }

    #[test]
    fn malformed_arguments_are_reported() {
        for bad in [
            "{{ table(data=) }}",
            "{{ table(data=\"x) }}",
            "{{ table(data=\"x\" kind=\"y\") }}",
            "{{ table(data=\"x\", data=\"y\") }}",
            "{{ table(\"x\") }}",
        ] {
            let e = extract(bad);
            assert!(e.calls.is_empty() && e.problems.len() == 1, "{bad}");
        }
    }
}
