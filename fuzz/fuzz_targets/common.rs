//! A scratch knowledge base shared by the pipeline targets.

use casebook::{BuildOptions, build_in_memory};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

const FILES: &[(&str, &str)] = &[
    ("casebook.yaml", "title: Fuzz\nbase_url: https://example.org/\n"),
    (
        "content/entities/acme.md",
        "---\ntitle: Acme\ntype: company\n---\nMakes widgets.\n\n## Plants\n",
    ),
    (
        "content/references.yaml",
        "doe-2020:\n  type: article\n  title: T\n  author: Doe, Jane\n  date: 2020\n",
    ),
];

fn site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        for (rel, text) in FILES {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    })
}

/// Builds the scratch site with `rel` holding `text`; the outputs on success.
pub fn build_with(rel: &str, text: &[u8]) -> Option<BTreeMap<String, Vec<u8>>> {
    let root = site();
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let opts = BuildOptions {
        root: root.clone(),
        output: root.join("public"),
        base_url: None,
        drafts: false,
        search: false,
        index: false,
    };
    let out = build_in_memory(&opts).ok();
    std::fs::remove_file(&path).unwrap();
    out
}

/// Every `href`/`src` value of the HTML (but the theme's icon), entities decoded the way a
/// browser decodes them, must pass casebook's own URL check.
pub fn assert_no_script_urls(files: &BTreeMap<String, Vec<u8>>) {
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href=\"", "src=\""] {
            let mut parts = html.split(attr);
            let mut before = parts.next().unwrap_or("");
            for value in parts {
                // The theme's own icon is an inline SVG `data:` URL.
                let icon = before.rsplit('<').next().is_some_and(|tag| tag.contains("rel=\"icon\""));
                before = value;
                if icon {
                    continue;
                }
                let value = value.split('"').next().unwrap_or("");
                let decoded = decode_entities(value);
                assert!(
                    casebook::check_url(&decoded).is_ok(),
                    "{name}: {attr}{value}"
                );
            }
        }
        assert!(!html.contains(" onerror="), "{name}: event handler attribute");
    }
}

fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let end = tail.find(';').unwrap_or(tail.len());
        let ent = &tail[..end];
        let ch = match ent {
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            "amp" => Some('&'),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = tail.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}
