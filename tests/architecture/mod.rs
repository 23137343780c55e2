//! The shape of `src/`: each top-level module (a file or a folder) imports
//! only from modules declared before it in `lib.rs`, so the declaration
//! order is the data flow and no two modules depend on each other. Every
//! `crate::<module>` path counts, inline ones and grouped `use crate::{a, b}`
//! included; comments and `#[cfg(test)]` modules do not.

use crate::harness::manifest_dir;
use std::collections::BTreeMap;
use std::path::Path;

/// Top-level modules in the order `lib.rs` declares them.
fn declared_order(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').to_string())
        })
        .collect()
}

/// The code of a file without comments and without its test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (a URL) is kept: only lines
            // whose code part is a comment are dropped.
            Some(i) if l[..i].trim().is_empty() => "",
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module a piece of code names through `crate::`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each item
            // at the group's own level.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 || c != '{' {
                    item.push(c);
                }
            }
            out.push(first_segment(&item));
        } else {
            out.push(first_segment(rest));
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

fn first_segment(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Module → (module it names → first file:line that names it).
fn imports(src: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut map: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let top = match rel.components().count() {
            1 => rel.file_stem().unwrap().to_string_lossy().into_owned(),
            _ => rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .into_owned(),
        };
        if top == "lib" || top == "main" {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        for (n, line) in code.lines().enumerate() {
            for m in crate_paths(line) {
                if m != top && m.chars().next().is_some_and(char::is_lowercase) {
                    map.entry(top.clone())
                        .or_default()
                        .entry(m)
                        .or_insert_with(|| format!("src/{}:{}", rel.display(), n + 1));
                }
            }
        }
    }
    map
}

#[test]
fn modules_import_only_from_modules_declared_before_them() {
    let src = manifest_dir().join("src");
    let order = declared_order(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    assert!(order.len() > 10, "lib.rs declares the modules: {order:?}");
    let rank = |m: &str| order.iter().position(|o| o == m);
    let mut wrong = Vec::new();
    for (module, names) in imports(&src) {
        let Some(own) = rank(&module) else {
            wrong.push(format!("src/{module} is not declared in lib.rs"));
            continue;
        };
        for (other, at) in names {
            match rank(&other) {
                Some(r) if r < own => {}
                Some(_) => wrong.push(format!(
                    "{at}: `{module}` uses `{other}`, which lib.rs declares after it"
                )),
                None => wrong.push(format!("{at}: `crate::{other}` is not a module of lib.rs")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the data flow (move the item down a stage, or the module up):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_import_scanner_sees_inline_and_grouped_paths() {
    let code = "use crate::{a, b::c, d::{e, f}};\nfn x() { crate::g::h(); }\n// crate::comment\n";
    let found = crate_paths(&code_of(code));
    assert_eq!(found, ["a", "b", "d", "g"]);
}
