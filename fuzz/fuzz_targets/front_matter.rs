//! Any bytes as any kind of content file, parsed in memory: no panic, no
//! hang, and every problem is an error with a position inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "content/cases/acme/index.md",
    "content/cases/acme/entry.md",
    "content/entities/acme.md",
    "content/frameworks/swot.md",
    "content/comparisons/x.md",
    "content/_index.md",
    "content/about.md",
    "content/data/sales.yaml",
    "content/references.yaml",
    "content/glossary.yaml",
    "content/events.yaml",
    "content/cases/acme/events.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rel = PATHS[pick as usize % PATHS.len()];
    for d in casebook::parse_text(rel, text.to_string()) {
        assert_eq!(d.span.file, rel, "{d:?}");
        assert!(d.span.line >= 1 && d.span.col >= 1, "{d:?}");
        assert!(d.span.line <= text.lines().count().max(1) + 1, "{d:?}");
    }
});
