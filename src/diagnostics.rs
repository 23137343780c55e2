//! Problems found in a knowledge base, each pointing at `file:line:col`.
//!
//! Every stage of the pipeline reports through [`Diagnostic`]; they are
//! collected and printed together so an editor sees all mistakes at once.

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// Path relative to the knowledge-base root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl Span {
    pub fn new(file: impl Into<String>, line: usize, col: usize) -> Self {
        Span {
            file: file.into(),
            line: line.max(1),
            col: col.max(1),
        }
    }
}

/// One problem with its location, message and an optional hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    #[serde(flatten)]
    pub span: Span,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The text of the line the span points at, for display.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the source line from the full text of the file. Control
    /// characters and line separators are shown as U+FFFD: they would move
    /// the caret, break the snippet renderer or drive the terminal.
    pub fn with_source(mut self, text: &str) -> Self {
        self.source_line = text.lines().nth(self.span.line.saturating_sub(1)).map(|l| {
            l.trim_end_matches('\r')
                .chars()
                .map(|c| match c {
                    '\t' => c,
                    c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => '\u{FFFD}',
                    c => c,
                })
                .collect()
        });
        self
    }

    /// Renders the diagnostic: a `file:line:col: error: message` line,
    /// then the source line with the span underlined and the hint.
    pub fn render(&self) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let (kind, level) = match self.severity {
            Severity::Error => ("error", Level::ERROR),
            Severity::Warning => ("warning", Level::WARNING),
        };
        let Span { file, line, col } = &self.span;
        let mut out = format!("{file}:{line}:{col}: {kind}: {}\n", self.message);
        let help = self.help.as_deref().map(|h| Level::HELP.message(h));
        let group = match &self.source_line {
            Some(src) => {
                let start = src
                    .char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(src.len(), |(i, _)| i);
                let first = src[start..].chars().next().map_or(0, char::len_utf8);
                let len = src[start..]
                    .char_indices()
                    .find(|(_, c)| {
                        c.is_whitespace() || matches!(c, ',' | ':' | ']' | '}' | ')' | '"' | '\'')
                    })
                    .map_or(src.len() - start, |(i, _)| i)
                    .max(first);
                let end = (start + len).min(src.len());
                let snippet = Snippet::source(src.as_str())
                    .line_start(*line)
                    .path(file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end));
                Some(Group::with_level(level.clone()).element(snippet))
            }
            None => None,
        };
        let group = match (group, help) {
            (Some(g), Some(h)) => Some(g.element(h)),
            (Some(g), None) => Some(g),
            (None, Some(h)) => Some(Group::with_level(level).element(h)),
            (None, None) => None,
        };
        if let Some(g) = group {
            out.push_str(&Renderer::plain().render(&[g]));
            out.push('\n');
        }
        // Messages quote content (keys, names): keep its control characters
        // away from the terminal.
        if out
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            out = out
                .chars()
                .map(|c| {
                    if c.is_control() && !matches!(c, '\n' | '\t') {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect();
        }
        out
    }
}

/// A bag of diagnostics collected across the pipeline.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorted by file and position, so output is stable.
    pub(crate) fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| a.span.cmp(&b.span));
        self.items.dedup();
        self.items
    }
}

/// The closest candidate to `name`, when it is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// A help text of the form "did you mean `x`?" when a near miss exists.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested_and_far_ones_are_not() {
        let keys = ["regulative", "normative", "cultural-cognitive"];
        assert_eq!(
            did_you_mean("cultural-cognitve", keys),
            Some("cultural-cognitive")
        );
        assert_eq!(did_you_mean("economic", keys), None);
    }

    #[test]
    fn source_lines_cannot_drive_the_terminal() {
        // NEL (U+0085) once made the snippet renderer panic.
        let d = Diagnostic::error(Span::new("a.yaml", 1, 3), "bad \x1b]0;x\x07")
            .with_source("\t{\u{85}{\x1b[2J");
        let shown = d.render();
        assert!(
            !shown.contains('\u{85}') && !shown.contains('\x1b'),
            "{shown:?}"
        );
        // A caret on a multi-byte space (NBSP) stays on a char boundary.
        let d = Diagnostic::error(Span::new("a.md", 1, 2), "bad").with_source("a\u{a0}b");
        assert!(d.render().contains('^'));
    }

    #[test]
    fn render_puts_caret_under_column() {
        let d = Diagnostic::error(Span::new("a.md", 2, 5), "bad")
            .with_source("x\nabc def\n")
            .with_help("fix it");
        let text = d.render();
        assert!(text.starts_with("a.md:2:5: error: bad\n"), "{text}");
        assert!(
            text.contains("2 | abc def\n  |     ^^^\n"),
            "the word at the column is underlined:\n{text}"
        );
        assert!(text.contains("= help: fix it"));
    }
}
