//! Any bytes as one file of a knowledge base (front matter, body or data
//! file, chosen by the first byte), through load → render → output in
//! memory: no panic, no hang, no script URL in any page.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const PATHS: &[&str] = &[
    "content/_index.md",
    "content/cases/acme-india/index.md",
    "content/cases/acme-india/entry.md",
    "content/entities/other.md",
    "content/frameworks/swot.md",
    "content/data/sales.yaml",
    "content/glossary.yaml",
    "content/events.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let rel = PATHS[pick as usize % PATHS.len()];
    if let Some(files) = common::build_with(rel, rest) {
        common::assert_no_script_urls(&files);
    }
});
