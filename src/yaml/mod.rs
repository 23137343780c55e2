//! The only module that parses YAML.
//!
//! serde_yaml reports positions for syntax errors but not for values, so a
//! document is also indexed line by line: every key and list item gets its
//! `line:col`, and a serde error's path (`analyses.swot.strengths[1]`) is
//! mapped back to the real position in the file.

use crate::diagnostics::{Diagnostic, Span, suggest};
use serde::de::DeserializeOwned;
use serde_yaml::Value;
use std::collections::HashMap;

/// A YAML document with its place in a file, ready to deserialize.
pub(crate) struct YamlDoc<'a> {
    /// Path of the file, relative to the knowledge-base root.
    pub file: &'a str,
    /// Full text of the file (for source lines in diagnostics).
    pub file_text: &'a str,
    /// Number of lines of the file before the YAML text starts.
    pub line_offset: usize,
    index: PosIndex,
    value: Value,
}

/// Positions of a parsed document, kept for later diagnostics.
#[derive(Debug, Default, Clone)]
pub(crate) struct Locator {
    file: String,
    line_offset: usize,
    index: PosIndex,
}

impl Locator {
    /// The span of the value (or key) at `path`, or its closest ancestor.
    pub(crate) fn span(&self, path: &str) -> Span {
        let (line, col) = self.index.find(path);
        Span::new(&self.file, line + self.line_offset, col)
    }

    /// The span of the key at `path` (for unknown-key problems).
    pub(crate) fn key_span(&self, path: &str) -> Span {
        let (line, col) = self.index.find_key(path);
        Span::new(&self.file, line + self.line_offset, col)
    }
}

mod scan;
use scan::prescan;

impl<'a> YamlDoc<'a> {
    /// Parses `yaml` (a slice of `file_text` starting after `line_offset`
    /// lines) into a document, or a located syntax error.
    pub(crate) fn parse(
        file: &'a str,
        file_text: &'a str,
        yaml: &str,
        line_offset: usize,
    ) -> Result<Self, Diagnostic> {
        let locate_err = |line: usize, col: usize, msg: String| {
            Diagnostic::error(Span::new(file, line + line_offset, col), msg).with_source(file_text)
        };
        if let Some(refused) = prescan(yaml) {
            return Err(
                locate_err(refused.line, refused.col, refused.message).with_help(refused.help)
            );
        }
        let value: Value = match serde_yaml::from_str(yaml) {
            Ok(v) => v,
            Err(e) => {
                let message = strip_location(&e.to_string());
                // serde_yaml points a duplicate key at the start of its
                // mapping: find both occurrences instead.
                if let Some(dup) =
                    duplicate_key(&message).and_then(|key| PosIndex::build(yaml).duplicate_of(&key))
                {
                    let (line, col) = dup.second;
                    return Err(
                        locate_err(line, col, format!("duplicate key `{}`", dup.key)).with_help(
                            format!(
                                "`{}` is first given at {file}:{}:{}; keep one of the two",
                                dup.key,
                                dup.first.0 + line_offset,
                                dup.first.1
                            ),
                        ),
                    );
                }
                let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
                return Err(locate_err(line, col, message)
                    .with_help("check indentation, quotes and `key: value` syntax"));
            }
        };
        Ok(YamlDoc {
            file,
            file_text,
            line_offset,
            index: PosIndex::build(yaml),
            value,
        })
    }

    /// The parsed value, for callers that inspect keys before typing.
    pub(crate) fn value(&self) -> &Value {
        &self.value
    }

    /// The span of a value (or, failing that, its key) at `path`
    /// (`a.b[2].c`); falls back to the closest enclosing node.
    pub(crate) fn span(&self, path: &str) -> Span {
        let (line, col) = self.index.find(path);
        Span::new(self.file, line + self.line_offset, col)
    }

    /// The span of the key at `path` rather than its value.
    pub(crate) fn key_span(&self, path: &str) -> Span {
        let (line, col) = self.index.find_key(path);
        Span::new(self.file, line + self.line_offset, col)
    }

    /// An owned position finder for diagnostics raised after parsing.
    pub(crate) fn locator(&self) -> Locator {
        Locator {
            file: self.file.to_string(),
            line_offset: self.line_offset,
            index: self.index.clone(),
        }
    }

    pub(crate) fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(span, message).with_source(self.file_text)
    }

    /// Deserializes the value at the root into `T`, reporting every unknown
    /// key (not just the first) and any other problem at its real position.
    pub(crate) fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>> {
        deserialize_value(self, self.value.clone(), "", &[])
    }

    /// Deserializes a sub-value found at `base` (used when a caller split a
    /// mapping into parts); `also` are keys valid beside the schema's own,
    /// offered in suggestions.
    pub(crate) fn deserialize_at<T: DeserializeOwned>(
        &self,
        value: Value,
        base: &str,
        also: &[&str],
    ) -> Result<T, Vec<Diagnostic>> {
        deserialize_value(self, value, base, also)
    }
}

fn deserialize_value<T: DeserializeOwned>(
    doc: &YamlDoc<'_>,
    mut value: Value,
    base: &str,
    also: &[&str],
) -> Result<T, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    // Each round removes one unknown key, so all of them get reported.
    for _ in 0..64 {
        let result: Result<T, _> = serde_path_to_error::deserialize(value.clone());
        let err = match result {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => return Err(errors),
            Err(e) => e,
        };
        let path = join_path(base, &path_string(err.path()));
        let message = strip_location(&err.inner().to_string());
        if let Some((key, mut expected)) = parse_unknown_field(&message) {
            // The error's path ends with the unknown key itself.
            let path = match path.strip_suffix(key.as_str()) {
                Some(p) => p.trim_end_matches('.').to_string(),
                None => path,
            };
            if path == base {
                expected.extend(also.iter().map(std::string::ToString::to_string));
            }
            let key_path = join_path(&path, &key);
            let mut d = doc.error(doc.key_span(&key_path), format!("unknown key `{key}`"));
            let help = suggest(&key, expected.iter().map(String::as_str))
                .unwrap_or_else(|| format!("valid keys here: {}", expected.join(", ")));
            d = d.with_help(help);
            errors.push(d);
            let rel = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .trim_start_matches('.');
            if remove_key(&mut value, rel, &key) {
                continue;
            }
            return Err(errors);
        }
        let message = match message.strip_prefix("missing field ") {
            Some(rest) => format!("missing required key {rest}"),
            None => message,
        };
        let span = doc.span(&path);
        let what = if path.is_empty() {
            message
        } else {
            format!("`{path}`: {message}")
        };
        errors.push(doc.error(span, what));
        return Err(errors);
    }
    Err(errors)
}

fn join_path(base: &str, rest: &str) -> String {
    match (base.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => base.to_string(),
        _ if rest.starts_with('[') => format!("{base}{rest}"),
        _ => format!("{base}.{rest}"),
    }
}

fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// Removes `key` from the mapping at `path` (relative to `value`).
fn remove_key(value: &mut Value, path: &str, key: &str) -> bool {
    let mut node = value;
    for seg in split_path(path) {
        node = match (seg, node) {
            (PathSeg::Key(k), Value::Mapping(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (PathSeg::Index(i), Value::Sequence(s)) => match s.get_mut(i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match node {
        Value::Mapping(m) => m.remove(key).is_some(),
        _ => false,
    }
}

enum PathSeg<'p> {
    Key(&'p str),
    Index(usize),
}

fn split_path(path: &str) -> Vec<PathSeg<'_>> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            segs.push(PathSeg::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                segs.push(PathSeg::Index(i));
            }
        }
    }
    segs
}

/// `unknown field `x`, expected one of `a`, `b`` → ("x", ["a", "b"]).
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, tail) = rest.split_once('`')?;
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), expected))
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The key serde_yaml names in a duplicate-key error.
fn duplicate_key(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("duplicate entry with key ")?;
    Some(rest.trim().trim_matches('"').to_string())
}

/// A key given twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Duplicate {
    key: String,
    first: (usize, usize),
    second: (usize, usize),
}

/// Positions of keys and values by path, built by scanning lines.
#[derive(Debug, Default, Clone)]
struct PosIndex {
    keys: HashMap<String, (usize, usize)>,
    values: HashMap<String, (usize, usize)>,
    /// Keys met twice at the same path, in document order.
    duplicates: Vec<Duplicate>,
}

struct Frame {
    indent: usize,
    path: String,
    item: bool,
    /// A key whose scalar value started on its line; deeper lines continue it.
    scalar: bool,
}

/// The characters that open a flow collection (`{a: 1}`, `[a, b]`).
const FLOW_START: [char; 2] = ['{', '['];

impl PosIndex {
    fn build(yaml: &str) -> Self {
        let mut idx = PosIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut counters: HashMap<String, usize> = HashMap::new();
        let mut block_indent: Option<usize> = None;
        for (n, raw) in yaml.lines().enumerate() {
            let line_no = n + 1;
            let line = raw.trim_end_matches('\r');
            let body = line.trim_start_matches(' ');
            let indent = line.len() - body.len();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            if let Some(b) = block_indent {
                if indent > b {
                    continue;
                }
                block_indent = None;
            }
            if stack.last().is_some_and(|f| f.scalar && indent > f.indent) {
                continue;
            }
            let mut col = indent;
            let mut content = body;
            while content == "-" || content.starts_with("- ") {
                while stack
                    .last()
                    .is_some_and(|f| f.indent > col || (f.indent == col && f.item))
                {
                    stack.pop();
                }
                let parent = stack.last().map(|f| f.path.clone()).unwrap_or_default();
                let count = counters.entry(parent.clone()).or_insert(0);
                let path = format!("{parent}[{count}]");
                *count += 1;
                idx.keys.insert(path.clone(), (line_no, col + 1));
                stack.push(Frame {
                    indent: col,
                    path,
                    item: true,
                    scalar: false,
                });
                let rest = content[1..].trim_start_matches(' ');
                col += content.len() - rest.len();
                content = rest;
            }
            if content.is_empty() {
                continue;
            }
            let here = stack.last().map(|f| f.path.clone()).unwrap_or_default();
            if content.starts_with(FLOW_START) {
                idx.values.insert(here.clone(), (line_no, col + 1));
                idx.flow(content, &here, line_no, col);
                continue;
            }
            match split_key(content) {
                Some((key, value_at)) => {
                    while stack.last().is_some_and(|f| f.indent >= col) {
                        stack.pop();
                    }
                    let parent = stack.last().map(|f| f.path.clone()).unwrap_or_default();
                    let path = join_path(&parent, &key);
                    idx.key(&path, &key, (line_no, col + 1));
                    let value = content[value_at..].trim_start_matches(' ');
                    let vcol = col + content.len() - value.len();
                    let mut scalar = false;
                    if value.starts_with('|') || value.starts_with('>') {
                        block_indent = Some(col);
                    } else if value.starts_with(FLOW_START) {
                        idx.values.insert(path.clone(), (line_no, vcol + 1));
                        idx.flow(value, &path, line_no, vcol);
                    } else if !value.is_empty() && !value.starts_with('#') {
                        idx.values.insert(path.clone(), (line_no, vcol + 1));
                        scalar = true;
                    }
                    stack.push(Frame {
                        indent: col,
                        path,
                        item: false,
                        scalar,
                    });
                }
                None => {
                    idx.values.insert(here, (line_no, col + 1));
                    if let Some(f) = stack.last_mut() {
                        f.scalar = true;
                    }
                }
            }
        }
        idx
    }

    /// Indexes a one-line flow collection starting at column `col0` (0-based).
    fn flow(&mut self, text: &str, base: &str, line: usize, col0: usize) {
        // (path, is_seq, item count)
        let mut stack: Vec<(String, bool, usize)> = Vec::new();
        let mut expect_item = false;
        let mut key_start: Option<usize> = None;
        let mut quote: Option<char> = None;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let col_of = |byte: usize| col0 + text[..byte].chars().count() + 1;
        for (i, &(b, ch)) in chars.iter().enumerate() {
            if let Some(q) = quote {
                if ch == q {
                    quote = None;
                }
                continue;
            }
            match ch {
                '[' | '{' => {
                    let path = match stack.last_mut() {
                        None => base.to_string(),
                        Some((p, true, n)) => {
                            let path = format!("{p}[{n}]");
                            *n += 1;
                            path
                        }
                        Some((p, false, _)) => p.clone(),
                    };
                    if !stack.is_empty() {
                        self.values.insert(path.clone(), (line, col_of(b)));
                    }
                    stack.push((path, ch == '[', 0));
                    expect_item = true;
                    key_start = None;
                }
                ']' | '}' => {
                    stack.pop();
                    expect_item = false;
                    if stack.is_empty() {
                        return;
                    }
                }
                ',' => {
                    expect_item = true;
                    key_start = None;
                }
                ':' if stack.last().is_some_and(|f| !f.1) => {
                    if let Some(s) = key_start.take() {
                        let key = text[s..b].trim().trim_matches(['"', '\'']).to_string();
                        let parent = stack.last().map(|f| f.0.clone()).unwrap_or_default();
                        let path = join_path(&parent, &key);
                        self.key(&path, &key, (line, col_of(s)));
                        if let Some(&(vb, _)) = chars[i + 1..].iter().find(|(_, c)| *c != ' ') {
                            self.values.insert(path, (line, col_of(vb)));
                        }
                    }
                }
                ' ' => {}
                _ => {
                    if ch == '"' || ch == '\'' {
                        quote = Some(ch);
                    }
                    if expect_item {
                        expect_item = false;
                        match stack.last_mut() {
                            Some((p, true, n)) => {
                                let path = format!("{p}[{n}]");
                                *n += 1;
                                self.keys.insert(path.clone(), (line, col_of(b)));
                                self.values.insert(path, (line, col_of(b)));
                            }
                            Some((_, false, _)) => key_start = Some(b),
                            None => {}
                        }
                    }
                }
            }
        }
    }

    /// Records a mapping key; a second one at the same path is a duplicate.
    fn key(&mut self, path: &str, key: &str, at: (usize, usize)) {
        if let Some(&first) = self.keys.get(path) {
            self.duplicates.push(Duplicate {
                key: key.to_string(),
                first,
                second: at,
            });
        } else {
            self.keys.insert(path.to_string(), at);
        }
    }

    /// The first duplicate of `key` in the document.
    fn duplicate_of(&self, key: &str) -> Option<Duplicate> {
        self.duplicates.iter().find(|d| d.key == key).cloned()
    }

    fn find(&self, path: &str) -> (usize, usize) {
        self.lookup(path, true)
    }

    fn find_key(&self, path: &str) -> (usize, usize) {
        self.lookup(path, false)
    }

    fn lookup(&self, path: &str, prefer_value: bool) -> (usize, usize) {
        let mut p = path;
        loop {
            let hit = if prefer_value {
                self.values.get(p).or_else(|| self.keys.get(p))
            } else {
                self.keys.get(p).or_else(|| self.values.get(p))
            };
            if let Some(&pos) = hit {
                return pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

/// `key: value` → (key, byte index after the colon). Quoted keys allowed.
fn split_key(content: &str) -> Option<(String, usize)> {
    let (key, after) = if let Some(q @ ('"' | '\'')) = content.chars().next() {
        let end = content[1..].find(q)? + 1;
        (content[1..end].to_string(), end + 1)
    } else {
        let mut end = None;
        for (i, ch) in content.char_indices() {
            if ch == ':' {
                let next = content[i + 1..].chars().next();
                if next.is_none() || next == Some(' ') {
                    end = Some(i);
                    break;
                }
            }
            if ch == '#' && i > 0 && content.as_bytes()[i - 1] == b' ' {
                return None;
            }
        }
        let end = end?;
        (content[..end].trim_end().to_string(), end)
    };
    let rest = &content[after..];
    let rest_trim = rest.trim_start_matches(' ');
    if !rest_trim.starts_with(':') && !rest.starts_with(':') {
        return None;
    }
    let colon = after + rest.find(':')?;
    Some((key, colon + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: A\nperiod: { from: \"2010\", to: present }\nanalyses:\n  swot:\n    strengths:\n      - text: one\n        refs: [gu-2018, x]\n      - two\nmodel: [C2C, B2C]\n";

    #[test]
    fn index_finds_block_and_flow_positions() {
        let idx = PosIndex::build(DOC);
        assert_eq!(idx.find_key("title"), (1, 1));
        assert_eq!(idx.find("title"), (1, 8));
        assert_eq!(idx.find_key("period.to"), (2, 25));
        assert_eq!(idx.find("period.from"), (2, 17));
        assert_eq!(idx.find_key("analyses.swot.strengths[0].text"), (6, 9));
        assert_eq!(idx.find("analyses.swot.strengths[0].refs[1]"), (7, 25));
        assert_eq!(idx.find("analyses.swot.strengths[1]"), (8, 9));
        assert_eq!(idx.find("model[1]"), (9, 14));
        // Unknown paths fall back to the closest known ancestor.
        assert_eq!(idx.find_key("analyses.swot.nothing"), (4, 3));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        #[serde(default)]
        order: u32,
    }

    #[test]
    fn every_unknown_key_is_reported_with_real_line() {
        let file = "---\ntitel: a\norder: 2\nordr: 3\n---\n";
        let doc = YamlDoc::parse("x.md", file, "titel: a\norder: 2\nordr: 3\n", 1).unwrap();
        let errs = doc.deserialize::<T>().unwrap_err();
        let found: Vec<_> = errs
            .iter()
            .map(|d| (d.span.line, d.message.as_str(), d.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, "unknown key `titel`", Some("did you mean `title`?")),
                (4, "unknown key `ordr`", Some("did you mean `order`?")),
                (2, "missing required key `title`", None),
            ]
        );
    }

    #[test]
    fn type_errors_point_at_the_value() {
        let doc =
            YamlDoc::parse("x.md", "title: a\norder: x\n", "title: a\norder: x\n", 0).unwrap();
        let errs = doc.deserialize::<T>().unwrap_err();
        assert_eq!((errs[0].span.line, errs[0].span.col), (2, 8));
        assert!(errs[0].message.contains("order"), "{}", errs[0].message);
    }

    #[test]
    fn duplicate_keys_point_at_the_second_occurrence() {
        let file = "---\ntitle: A\nsummary: one\ntype: company\nsummary: two\n---\n";
        let yaml = "title: A\nsummary: one\ntype: company\nsummary: two\n";
        let e = YamlDoc::parse("dup.md", file, yaml, 1).err().unwrap();
        assert_eq!((e.span.line, e.span.col), (5, 1), "{e:?}");
        assert_eq!(e.message, "duplicate key `summary`");
        assert!(e.help.unwrap().contains("dup.md:3:1"));
        let events = "- date: 2014\n  title: A\n  title: B\n- date: 2015\n  title: C\n";
        let e = YamlDoc::parse("events.yaml", events, events, 0)
            .err()
            .unwrap();
        assert_eq!((e.span.line, e.span.col), (3, 3), "{e:?}");
        let flow = "a: 1\nperiod: { from: 2010, from: 2012 }\n";
        let e = YamlDoc::parse("f.yaml", flow, flow, 0).err().unwrap();
        assert_eq!((e.span.line, e.span.col), (2, 23), "{e:?}");
    }

    #[test]
    fn syntax_errors_and_tabs_are_located() {
        let e = YamlDoc::parse("x.md", "", "a: [1, 2\nb: 1\n", 3)
            .err()
            .unwrap();
        assert!(e.span.line > 3, "{e:?}");
        let e = YamlDoc::parse("x.md", "", "a:\n\tb: 1\n", 0).err().unwrap();
        assert_eq!((e.span.line, e.span.col), (2, 1));
    }
}
