//! Citations as the reader sees them: the in-text label in the site's
//! style, linked to the page's reference list.

use crate::diagnostics::{Diagnostic, Span, suggest};
use crate::html::html_escape;
use crate::model::{CiteRef, Kb};

/// The in-text citation of a key in the site's style (`(Gu, 2018)`).
pub(crate) fn cite_label(kb: &Kb, key: &str) -> String {
    kb.citations
        .get(key)
        .map_or_else(|| format!("({key})"), |f| f.cite.clone())
}

/// ` (Gu, 2018; Wu, 2016)` for a list of keys: one bracket around every
/// citation, each linked to the page's reference list.
pub(crate) fn cite_list<'a>(kb: &Kb, refs: impl IntoIterator<Item = &'a CiteRef>) -> String {
    let mut open = '(';
    let mut close = ')';
    let parts: Vec<String> = refs
        .into_iter()
        .filter_map(|r| {
            let k = &r.key;
            kb.references.get(k).map(|_| {
                let label = cite_label(kb, k);
                let label = match &r.locator {
                    Some(l) => crate::model::bibliography::with_locator(&label, l),
                    None => label,
                };
                let mut inner = label.as_str();
                for (o, c) in [('(', ')'), ('[', ']')] {
                    if let Some(x) = inner.strip_prefix(o).and_then(|x| x.strip_suffix(c)) {
                        inner = x;
                        (open, close) = (o, c);
                    }
                }
                // No title attribute: the reference list is on the page,
                // and the link preview shows the entry it points to.
                format!(
                    "<a href=\"#ref-{}\">{}</a>",
                    html_escape(k),
                    html_escape(inner)
                )
            })
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            " <cite class=\"cite\">{open}{}{close}</cite>",
            parts.join("; ")
        )
    }
}

/// The in-text citation of `key` in the site's style, linked to the
/// page's reference list.
///
/// No title attribute: the reference list is on the page, and the link
/// preview shows the entry it points to.
pub(crate) fn cite_html(kb: &Kb, key: &str, locator: Option<&str>) -> String {
    let label = cite_label(kb, key);
    let label = match locator {
        Some(l) => crate::model::bibliography::with_locator(&label, l),
        None => label,
    };
    format!(
        "<cite class=\"cite\"><a href=\"#ref-{}\">{}</a></cite>",
        html_escape(key),
        html_escape(&label)
    )
}

/// A citation of a key the bibliography does not have, with the nearest
/// key as a hint. Front matter `refs` and inline `[@key]` both use it.
pub(crate) fn unknown_citation(kb: &Kb, span: Span, key: &str) -> Diagnostic {
    Diagnostic::error(span, format!("unknown citation key `{key}`")).with_help(
        suggest(key, kb.references.keys().map(String::as_str))
            .unwrap_or_else(|| "add the work to content/references.yaml".into()),
    )
}
