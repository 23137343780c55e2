//! Properties over generated hostile input: front matter never panics the
//! loader, and no generated link form yields a script URL in a page.

use super::{acme_body, site};
use crate::harness::run_with_deadline;
use proptest::prelude::*;
use std::process::Command;

const PATHS: &[&str] = &[
    "content/cases/acme/index.md",
    "content/cases/acme/entry.md",
    "content/entities/acme.md",
    "content/frameworks/swot.md",
    "content/data/sales.yaml",
    "content/references.yaml",
    "content/glossary.yaml",
    "content/events.yaml",
];

/// YAML-looking text: the characters that matter to YAML, in lines.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("title: ".to_string()),
        Just("type: company\n".to_string()),
        Just("- ".to_string()),
        Just("  ".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("---\n".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("<<: ".to_string()),
        Just("!!str ".to_string()),
        Just("~".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("|\n".to_string()),
        Just(": ".to_string()),
        Just("#".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        "[a-z0-9 ,.]{0,6}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_never_panics_and_points_inside_the_file(
        yaml in yamlish(),
        body in "[a-z\\[\\]() \n]{0,20}",
        pick in 0..PATHS.len(),
    ) {
        let rel = PATHS[pick];
        let text = if rel.ends_with(".md") { format!("---\n{yaml}\n---\n{body}") } else { yaml };
        let lines = text.split('\n').count();
        for d in casebook::parse_text(rel, text.clone()) {
            prop_assert_eq!(&d.span.file, rel);
            prop_assert!(d.span.line >= 1 && d.span.line <= lines + 1, "{:?} in {:?}", d, text);
            prop_assert!(d.span.col >= 1);
        }
    }
}

/// A script-bearing scheme in one of the disguises browsers see through.
fn disguised_scheme() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("javascript"),
        Just("vbscript"),
        Just("data"),
        Just("livescript")
    ];
    (
        scheme,
        prop::collection::vec(any::<bool>(), 10),
        0usize..5,
        0usize..4,
    )
        .prop_map(|(scheme, upper, disguise, lead)| {
            let mut s: String = scheme
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, u)| if *u { c.to_ascii_uppercase() } else { c })
                .collect();
            match disguise {
                0 => s.insert_str(2, "&#x09;"),
                1 => s = format!("&#{};{}", s.as_bytes()[0], &s[1..]),
                2 => s.insert(3, '\t'),
                3 => s.insert_str(1, "&#X0A;"),
                _ => {}
            }
            let colon = if disguise == 4 { "&colon;" } else { ":" };
            format!("{}{s}{colon}alert(1)", ["", " ", "\u{1}", "&#32;"][lead])
        })
}

fn link_form() -> impl Strategy<Value = (usize, String)> {
    (0usize..6, disguised_scheme())
}

fn render_form(form: usize, url: &str) -> String {
    match form {
        0 => format!("[a]({url})"),
        1 => format!("[a][r]\n\n[r]: {url}\n"),
        2 => format!("<{url}>"),
        3 => format!("![img]({url})"),
        4 => format!("[a](<{url}>)"),
        _ => format!("[a](https://ok.example \"{url}\") [b]({url} \"t\")"),
    }
}

proptest! {
    // Each case is a build of a small site; a few dozen cover the forms.
    // One or two links a page, so inert disguises build and get inspected.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn no_generated_link_form_yields_a_script_url(forms in prop::collection::vec(link_form(), 1..3)) {
        let body: Vec<String> = forms.iter().map(|(f, u)| render_form(*f, u)).collect();
        let tmp = site(&[(super::ACME, acme_body(&body.join("\n\n")).as_bytes())]);
        let out = tmp.path().join("public");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
        cmd.args(["build", "--root"]).arg(tmp.path()).arg("--output").arg(&out);
        let code = run_with_deadline(cmd).status.code();
        prop_assert!(matches!(code, Some(0 | 1)), "exit {:?}", code);
        if code == Some(0) {
            let html = std::fs::read_to_string(out.join("entities/acme/index.html")).unwrap();
            let doc = scraper::Html::parse_document(&html);
            // Everything but the theme's icon, an inline SVG `data:` URL.
            let sel = scraper::Selector::parse("[href]:not([rel=icon]), [src]").unwrap();
            for el in doc.select(&sel) {
                for attr in ["href", "src"] {
                    if let Some(v) = el.value().attr(attr) {
                        // scraper has decoded entities, as a browser would.
                        prop_assert!(casebook::check_url(v).is_ok(), "{}={:?} from {:?}", attr, v, body);
                    }
                }
            }
        }
    }
}
