//! Finds `include` / `extends` / `import` cycles among templates before
//! Tera renders them: Tera follows a self-include until the stack overflows
//! and the process aborts.

use crate::diagnostics::{Diagnostic, Span};
use std::collections::BTreeMap;

/// Template name → names it pulls in, each with the line it is named on.
fn references(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{%") {
        let Some(len) = rest[start..].find("%}") else {
            break;
        };
        let tag = rest[start + 2..start + len].trim_matches(['-', ' ', '\n', '\r', '\t']);
        let line = text[..offset + start].matches('\n').count() + 1;
        let word = tag.split_whitespace().next().unwrap_or("");
        if matches!(word, "include" | "extends" | "import") {
            // Every quoted name of the tag (`include ["a", "b"]` lists several).
            let args = &tag[word.len()..];
            let args = args.split(" as ").next().unwrap_or(args);
            let mut quoted = args.split(['"', '\'', '`']).skip(1).step_by(2);
            for name in quoted.by_ref() {
                out.push((name.to_string(), line));
            }
        }
        offset += start + len + 2;
        rest = &rest[start + len + 2..];
    }
    out
}

/// The first cycle found, reported at the template line that closes it.
/// `sources` maps a template name to (shown path, text).
pub(super) fn find_cycle(sources: &BTreeMap<String, (String, String)>) -> Option<Diagnostic> {
    let graph: BTreeMap<&str, Vec<(String, usize)>> = sources
        .iter()
        .map(|(name, (_, text))| (name.as_str(), references(text)))
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for start in graph.keys() {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        // Iterative depth-first search: (template, next edge to follow).
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let edges = &graph[node];
            if *next == edges.len() {
                state.insert(node, 2);
                path.pop();
                continue;
            }
            let (target, line) = &edges[*next];
            *next += 1;
            let Some((target, _)) = graph.get_key_value(target.as_str()) else {
                continue;
            };
            match state.get(target).copied().unwrap_or(0) {
                0 => {
                    state.insert(target, 1);
                    path.push((target, 0));
                }
                1 => {
                    let from = path.iter().position(|(n, _)| n == target).unwrap_or(0);
                    let mut chain: Vec<&str> = path[from..].iter().map(|(n, _)| *n).collect();
                    chain.push(target);
                    return Some(
                        Diagnostic::error(
                            Span::new(&sources[node].0, *line, 1),
                            format!("template include cycle: {}", chain.join(" → ")),
                        )
                        .with_help("a template may not include, extend or import itself, directly or through others"),
                    );
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(list: &[(&str, &str)]) -> BTreeMap<String, (String, String)> {
        list.iter()
            .map(|(n, t)| (n.to_string(), (format!("templates/{n}"), t.to_string())))
            .collect()
    }

    #[test]
    fn self_and_indirect_includes_are_cycles() {
        let d = find_cycle(&sources(&[("a.html", "x\n{% include \"a.html\" %}")])).unwrap();
        assert_eq!((d.span.file.as_str(), d.span.line), ("templates/a.html", 2));
        let d = find_cycle(&sources(&[
            ("a.html", "{%- include ['b.html'] -%}"),
            ("b.html", "{% extends \"c.html\" %}"),
            ("c.html", "{% import 'a.html' as m %}"),
        ]))
        .unwrap();
        assert!(
            d.message.contains("a.html → b.html → c.html → a.html"),
            "{}",
            d.message
        );
    }

    #[test]
    fn shared_includes_without_a_loop_pass() {
        let ok = sources(&[
            ("a.html", "{% include \"m.html\" %}{% include \"m.html\" %}"),
            ("b.html", "{% extends \"a.html\" %}{% include 'm.html' %}"),
            ("m.html", "{{ x }}"),
        ]);
        assert!(find_cycle(&ok).is_none());
    }
}
