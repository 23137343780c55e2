//! Hostile and faulty input, one test per row of tests/HOSTILE.md: each
//! builds a small site (the `minimal` fixture with one file changed) and
//! checks the error, the output, or both. Deadlines only turn a hang into
//! a failure; nothing here measures speed.

mod props;
mod serve;

use crate::harness::{Built, TestSite, copy_fixture, run_with_deadline, write};
use std::path::Path;
use std::process::Command;

/// Writes `files` over a copy of the `minimal` fixture.
fn site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let tmp = copy_fixture("minimal");
    for (rel, bytes) in files {
        write(tmp.path(), rel, bytes);
    }
    tmp
}

fn build(dir: &Path) -> Built {
    TestSite::at(dir).build()
}

const ACME: &str = "content/entities/acme.md";

/// Builds with the entity page `acme.md` replaced by `text`.
fn with_acme(text: &str) -> (tempfile::TempDir, Built) {
    let tmp = site(&[(ACME, text.as_bytes())]);
    let built = build(tmp.path());
    (tmp, built)
}

/// An entity page whose body is `body`.
fn acme_body(body: &str) -> String {
    format!("---\ntitle: Acme\nsummary: A widget maker.\ntype: company\n---\n{body}\n")
}

#[track_caller]
fn assert_error(built: &Built, location: &str, message: &str) {
    assert_reported(built, "error:", location, message);
}

#[track_caller]
fn assert_warning(built: &Built, location: &str, message: &str) {
    assert_reported(built, "warning:", location, message);
}

/// Some line of stderr is `location… severity … message`.
#[track_caller]
fn assert_reported(built: &Built, severity: &str, location: &str, message: &str) {
    let found = built
        .stderr
        .lines()
        .any(|l| l.starts_with(location) && l.contains(severity) && l.contains(message));
    assert!(
        found,
        "no {severity} `{message}` at {location}:\n{}",
        built.stderr
    );
}

/// The `<main>` of the acme page.
fn acme_main(built: &Built) -> String {
    let page = built.page("entities/acme/");
    page.select("main")[0].html()
}

// ---- YAML and front matter ----

#[test]
fn unclosed_front_matter_is_an_error() {
    let (_t, b) = with_acme("---\ntitle: Acme\ntype: company\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:1:1:",
        "front matter is not closed",
    );
}

#[test]
fn yaml_syntax_error_is_reported_at_the_file_line() {
    // Line 3 of the file is line 2 of the YAML block.
    let (_t, b) = with_acme("---\ntitle: Acme\ntype: [company\n---\nx\n");
    let b = b.fails();
    assert!(
        b.stderr.contains("content/entities/acme.md:4:")
            || b.stderr.contains("content/entities/acme.md:3:"),
        "{}",
        b.stderr
    );
    assert!(!b.stderr.contains("acme.md:2:"), "{}", b.stderr);
}

#[test]
fn tab_in_yaml_indentation_is_refused() {
    let (_t, b) = with_acme("---\ntitle: Acme\nfacts:\n\tfounded: 1999\ntype: company\n---\nx\n");
    assert_error(&b.fails(), "content/entities/acme.md:4:1:", "tab character");
}

#[test]
fn duplicate_keys_are_refused_not_overwritten() {
    let (_t, b) = with_acme("---\ntitle: Acme\ntitle: Other\ntype: company\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:3:1:",
        "duplicate key `title`",
    );
}

#[test]
fn wrong_type_names_the_key_at_its_value() {
    let (_t, b) = with_acme("---\ntitle: [1, 2]\ntype: company\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:2:8:",
        "`title`: invalid type: sequence",
    );
}

#[test]
fn null_is_not_a_string() {
    for null in ["~", "null", ""] {
        let (_t, b) = with_acme(&format!("---\ntitle: {null}\ntype: company\n---\nx\n"));
        assert_error(
            &b.fails(),
            "content/entities/acme.md:2:",
            "`title`: invalid type",
        );
    }
}

#[test]
fn a_second_yaml_document_is_refused_where_it_starts() {
    let tmp = site(&[(
        "content/cases/acme-india/events.yaml",
        b"- date: \"2015-03\"\n  title: A\n---\n- date: \"2016-03\"\n  title: B\n",
    )]);
    let b = build(tmp.path()).fails();
    assert_error(
        &b,
        "content/cases/acme-india/events.yaml:3:1:",
        "a second YAML document",
    );
    let (_t, b) = with_acme("---\ntitle: Acme\ntype: company\n...\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:4:1:",
        "a second YAML document",
    );
}

#[test]
fn billion_laughs_alias_expansion_is_refused() {
    let mut yaml = String::from("facts:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
    ] {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        yaml.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    let (_t, b) = with_acme(&format!("---\ntitle: Acme\ntype: company\n{yaml}---\nx\n"));
    assert_error(
        &b.fails(),
        "content/entities/acme.md:",
        "repetition limit exceeded",
    );
}

#[test]
fn self_referencing_alias_is_refused() {
    let (_t, b) = with_acme("---\ntitle: Acme\ntype: company\nfacts: &a { x: *a }\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:",
        "recursion limit exceeded",
    );
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    // 80 KB of `[`: serde_yaml alone takes seconds on this (quadratic).
    let deep = "[".repeat(80_000);
    let (_t, b) = with_acme(&format!(
        "---\ntitle: Acme\ntype: company\nfacts: {deep}\n---\nx\n"
    ));
    assert_error(
        &b.fails(),
        "content/entities/acme.md:4:",
        "nested deeper than 64 levels",
    );
    let mut block = String::from("facts:\n");
    for d in 1..=70 {
        block.push_str(&format!("{}k{d}:\n", "  ".repeat(d)));
    }
    let (_t, b) = with_acme(&format!("---\ntitle: Acme\ntype: company\n{block}---\nx\n"));
    assert_error(
        &b.fails(),
        "content/entities/acme.md:",
        "nested deeper than 64 levels",
    );
}

#[test]
fn merge_keys_are_refused() {
    let (_t, b) =
        with_acme("---\ntitle: Acme\ntype: company\nfacts:\n  <<: {founded: 1999}\n---\nx\n");
    assert_error(&b.fails(), "content/entities/acme.md:5:3:", "merge keys");
}

#[test]
fn yaml_tags_are_refused() {
    let (_t, b) = with_acme("---\ntitle: !!str Acme\ntype: company\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:2:8:",
        "YAML tags are not supported",
    );
    let (_t, b) = with_acme("---\ntitle: Acme\ntype: !custom company\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:3:7:",
        "YAML tags are not supported",
    );
}

#[test]
fn invalid_utf8_is_reported_at_the_byte() {
    let tmp = site(&[(
        ACME,
        b"---\ntitle: Acme\ntype: company\n---\nline\nab\xff\n",
    )]);
    assert_error(
        &build(tmp.path()).fails(),
        "content/entities/acme.md:6:3:",
        "invalid UTF-8",
    );
}

#[test]
fn byte_order_mark_and_crlf_keep_line_numbers() {
    let text = "\u{feff}---\r\ntitle: Acme\r\ntype: company\r\nsumary: x\r\n---\r\nBody\r\n";
    let (_t, b) = with_acme(text);
    assert_error(
        &b.fails(),
        "content/entities/acme.md:4:1:",
        "unknown key `sumary`",
    );
    let (_t, b) = with_acme(&text.replace("sumary: x\r\n", ""));
    assert!(acme_main(&b.ok()).contains("Body"));
}

/// Found by the `front_matter` fuzz target: YAML counts a lone CR (and
/// NEL, U+0085) as a line break, so serde_yaml's line numbers pointed past the file's end.
#[test]
fn lone_carriage_returns_are_refused_at_their_line() {
    let tmp = site(&[("content/glossary.yaml", b"?\r1\n")]);
    assert_error(
        &build(tmp.path()).fails(),
        "content/glossary.yaml:1:2:",
        "carriage return without a line feed",
    );
    let tmp = site(&[("content/glossary.yaml", "\t{\u{85}{".as_bytes())]);
    assert_error(
        &build(tmp.path()).fails(),
        "content/glossary.yaml:1:3:",
        "line separator U+0085",
    );
}

#[test]
fn utf16_files_get_a_clear_message() {
    let utf16 = |bom: &[u8]| {
        let mut bytes = bom.to_vec();
        for u in "---\ntitle: A\n---\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        bytes
    };
    for bytes in [utf16(&[0xFF, 0xFE]), utf16(&[])] {
        let tmp = site(&[(ACME, &bytes)]);
        assert_error(
            &build(tmp.path()).fails(),
            "content/entities/acme.md:1:1:",
            "UTF-16",
        );
    }
}

#[test]
fn oversized_front_matter_is_refused() {
    let long = format!("x: \"{}\"\n", "a".repeat(300 * 1024));
    let (_t, b) = with_acme(&format!("---\ntitle: Acme\ntype: company\n{long}---\nx\n"));
    assert_error(
        &b.fails(),
        "content/entities/acme.md:1:1:",
        "front matter is larger than",
    );
}

#[test]
fn oversized_files_are_refused() {
    let body = "word ".repeat(2 * 1024 * 1024);
    let (_t, b) = with_acme(&acme_body(&body));
    assert_error(
        &b.fails(),
        "content/entities/acme.md:1:1:",
        "file is larger than 8 MiB",
    );
}

// ---- Markdown ----

#[test]
fn script_urls_are_refused_in_every_link_form() {
    let forms = [
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a]( javascript:alert(1))",
        "[a](<javascript:alert(1)>)",
        "[a](&#106;avascript:alert(1))",
        "[a](&#x6A;avascript&colon;alert(1))",
        "[a](java&#x09;script:alert(1))",
        "<javascript:alert(1)>",
        "![i](javascript:alert(1))",
        "[a][r]\n\n[r]: javascript:alert(1)",
        "[a](vbscript:msgbox(1))",
        "[a](data:text/html,<script>alert(1)</script>)",
        "[a](file:///etc/passwd)",
    ];
    for form in forms {
        let (_t, b) = with_acme(&acme_body(form));
        assert_error(
            &b.fails(),
            "content/entities/acme.md:6:",
            "link target refused",
        );
    }
    // A wikilink to such a name is a page that does not exist, never a URL.
    let (_t, b) = with_acme(&acme_body("[[javascript:alert(1)]]"));
    assert_error(&b.fails(), "content/entities/acme.md:6:", "link to nothing");
}

#[test]
fn raw_html_is_escaped_by_default() {
    let body = "<img src=x onerror=alert(1)>\n\n<div onclick=\"x()\">hi</div>\n\ntext <b onmouseover=x>b</b> <iframe src=//evil></iframe>";
    let (_t, b) = with_acme(&acme_body(body));
    let b = b.ok();
    let page = b.page("entities/acme/");
    assert!(
        page.select("main img, main iframe, main [onclick], main [onmouseover]")
            .is_empty()
    );
    assert!(acme_main(&b).contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn raw_html_is_kept_when_allowed() {
    let tmp = site(&[
        ("casebook.yaml", b"title: Minimal casebook\nbase_url: https://example.org/\nmarkdown:\n  allow_html: true\n"),
        (ACME, acme_body("<kbd>Ctrl</kbd>").as_bytes()),
    ]);
    let b = build(tmp.path()).ok();
    assert_eq!(b.page("entities/acme/").select("main kbd").len(), 1);
}

#[test]
fn heading_attributes_other_than_id_and_class_are_dropped() {
    let (_t, b) = with_acme(&acme_body(
        "## Hi {#ok .c onclick=alert(1) style=x data-x=1}",
    ));
    let b = b.ok();
    let page = b.page("entities/acme/");
    let h = page.select("main h2#ok.c");
    assert_eq!(h.len(), 1, "{}", acme_main(&b));
    assert!(h[0].value().attrs().all(|(k, _)| k == "id" || k == "class"));
}

#[test]
fn nul_bytes_become_replacement_characters() {
    let (_t, b) = with_acme(&acme_body(
        "a\0b `c\0d`\n\n```\nx\0y\n```\n\n    indented\0code",
    ));
    let b = b.ok();
    let html = std::fs::read(b.out.join("entities/acme/index.html")).unwrap();
    assert!(!html.contains(&0u8), "a NUL byte reached the page");
    let main = acme_main(&b);
    assert!(
        main.contains("a\u{FFFD}b") && main.contains("<code>c\u{FFFD}d</code>"),
        "{main}"
    );
    assert!(main.contains("indented") && main.contains("code"), "{main}");
}

/// Inputs from pulldown-cmark's issue tracker that once took quadratic time
/// or more; each must finish (the deadline only detects a hang).
#[test]
fn pathological_markdown_finishes() {
    let n = 20_000;
    let cases = [
        "[".repeat(n),
        "*a ".repeat(n),
        "_a ".repeat(n),
        "a**b".repeat(n),
        "> ".repeat(n) + "a",
        "- ".repeat(n) + "a",
        "`".repeat(n),
        "[a](".repeat(n),
        "![".repeat(n),
        "<".repeat(n),
        "a |\n".repeat(n / 4) + "- | -\n",
        "[[".repeat(n),
        "&#".repeat(n),
        "*".repeat(n) + "a" + &"_".repeat(n),
        "[x]: ".repeat(n),
        "\\[".repeat(n),
    ];
    for (i, body) in cases.iter().enumerate() {
        let tmp = site(&[(ACME, acme_body(body).as_bytes())]);
        let code = TestSite::at(tmp.path()).check().code;
        assert!(matches!(code, 0 | 1), "case {i}: exit {code}");
    }
}

#[test]
fn shortcode_looking_text_is_never_a_template() {
    let body = "{{ get_env(name=\"HOME\") }} {% include \"base.html\" %} {{ 7 * 7 }} {# c #}";
    let (_t, b) = with_acme(&acme_body(body));
    let main = acme_main(&b.ok());
    assert!(
        main.contains("{{ 7 * 7 }}") && !main.contains("49"),
        "{main}"
    );
    assert!(main.contains("get_env"), "{main}");
}

#[test]
fn link_titles_cannot_leave_their_attribute() {
    let body = "[a](https://x.org \"t\\\" onmouseover=\\\"alert(1)\") [b](/x/ \"\\\"><script>alert(1)</script>\")";
    let (_t, b) = with_acme(&acme_body(body));
    let b = b.ok();
    let page = b.page("entities/acme/");
    assert!(
        page.select("main [onmouseover], main script").is_empty(),
        "{}",
        acme_main(&b)
    );
}

// ---- Paths ----

#[test]
fn links_and_images_that_climb_out_are_refused() {
    let (_t, b) = with_acme(&acme_body(
        "[a](../../../etc/passwd.md) ![p](../../../../etc/x.png) [[../../etc/passwd]]",
    ));
    let b = b.fails();
    assert_error(&b, "content/entities/acme.md:6:", "link to nothing");
    assert_error(&b, "content/entities/acme.md:6:", "is outside content/");
}

#[test]
fn outputs_are_never_written_outside_the_staging_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let staging = casebook::Staging::new(&tmp.path().join("public")).unwrap();
    for bad in ["../x", "/etc/x", "a/../../x", "", "./../x", "a/./../../x"] {
        assert!(staging.write(bad, b"x").is_err(), "{bad}");
    }
    staging.abandon();
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn file_names_that_are_not_slugs_are_refused() {
    let page = b"---\ntitle: X\ntype: company\n---\n";
    for (name, shown) in [
        ("A B.md", "A B"),
        ("x%2e%2e.md", "x%2e%2e"),
        ("a\u{1}b.md", "a\\u{1}b"),
        ("x..y.md", "x..y"),
    ] {
        let tmp = site(&[(&format!("content/entities/{name}"), page)]);
        let b = build(tmp.path()).fails();
        assert!(
            b.stderr.contains(&format!("invalid slug `{shown}`")),
            "{name}: {}",
            b.stderr
        );
        assert!(
            !b.stderr.contains('\u{1}'),
            "a control character reached the terminal"
        );
    }
}

#[test]
fn reserved_device_names_are_refused() {
    let tmp = site(&[(
        "content/entities/con.md",
        b"---\ntitle: X\ntype: company\n---\n",
    )]);
    assert_error(
        &build(tmp.path()).fails(),
        "content/entities/con.md:1:1:",
        "reserved device name",
    );
}

#[test]
fn over_long_names_are_refused() {
    let name = format!("content/entities/{}.md", "a".repeat(150));
    let tmp = site(&[(&name, b"---\ntitle: X\ntype: company\n---\n")]);
    assert_error(
        &build(tmp.path()).fails(),
        &format!("{name}:1:1:"),
        "slugs have at most 100",
    );
}

#[test]
fn two_sources_for_one_url_are_both_named() {
    let tmp = site(&[
        ("content/about.md", b"---\ntitle: X\n---\n"),
        ("content/about/index.md", b"---\ntitle: Y\n---\n"),
    ]);
    assert_error(
        &build(tmp.path()).fails(),
        "content/about/index.md:1:1:",
        "`content/about.md` and `content/about/index.md` both map to the URL /about/",
    );
}

#[test]
fn case_only_collisions_cannot_arise() {
    // Slugs are lowercase, so `Acme.md` beside `acme.md` is refused by name.
    let tmp = site(&[(
        "content/entities/Acme.md",
        b"---\ntitle: X\ntype: company\n---\n",
    )]);
    assert_error(
        &build(tmp.path()).fails(),
        "content/entities/Acme.md:1:1:",
        "invalid slug `Acme`",
    );
}

// ---- File system ----

#[test]
#[cfg(unix)]
fn symlinks_are_never_followed_and_are_named() {
    use std::os::unix::fs::symlink;
    let tmp = copy_fixture("minimal");
    let dir = tmp.path().join("content/entities");
    symlink("/etc/passwd", dir.join("passwd.md")).unwrap();
    symlink("/etc", dir.join("etc")).unwrap();
    symlink("loop", dir.join("loop")).unwrap();
    symlink("nothing-here.md", dir.join("dangling.md")).unwrap();
    symlink(".", dir.join("self")).unwrap();
    let b = build(tmp.path()).ok();
    assert_warning(
        &b,
        "content/entities/passwd.md:1:1:",
        "symbolic link to `/etc/passwd` not followed",
    );
    assert_warning(&b, "content/entities/etc:1:1:", "symbolic link to `/etc`");
    assert_warning(&b, "content/entities/loop:1:1:", "symbolic link");
    assert_warning(&b, "content/entities/dangling.md:1:1:", "symbolic link");
    let leaked = b
        .files()
        .into_iter()
        .any(|(_, bytes)| String::from_utf8_lossy(&bytes).contains("root:x:0:0"));
    assert!(!leaked, "/etc/passwd reached the output");
    assert!(!b.out.join("entities/passwd").exists());
}

#[test]
#[cfg(unix)]
fn a_fifo_named_md_is_skipped_not_waited_on() {
    let tmp = copy_fixture("minimal");
    let fifo = tmp.path().join("content/entities/pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let b = build(tmp.path()).ok();
    assert_warning(&b, "content/entities/pipe.md:1:1:", "not a regular file");
}

#[test]
fn editor_temporary_files_are_ignored() {
    let garbage: &[u8] = b"not: [front matter";
    let tmp = site(&[
        ("content/entities/.#acme.md", garbage),
        ("content/entities/acme.md~", garbage),
        ("content/entities/#acme.md#", garbage),
        ("content/entities/.acme.md.swp", garbage),
        ("content/entities/acme.md.tmp", garbage),
        ("content/entities/4913", garbage),
        ("content/.DS_Store", garbage),
    ]);
    build(tmp.path()).ok();
}

#[test]
#[cfg(target_os = "linux")]
fn non_utf8_file_names_are_refused_clearly() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = copy_fixture("minimal");
    let name = std::ffi::OsStr::from_bytes(b"ab\xff.md");
    std::fs::write(
        tmp.path().join("content/entities").join(name),
        "---\ntitle: X\ntype: company\n---\n",
    )
    .unwrap();
    let b = build(tmp.path()).fails();
    assert!(
        b.stderr.contains("invalid slug `ab\u{FFFD}`"),
        "{}",
        b.stderr
    );
}

#[test]
fn dangerous_output_folders_are_refused() {
    let tmp = copy_fixture("minimal");
    for out in [".", "content", "..", "/", "content/entities", "templates"] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
        cmd.args(["build", "--root", ".", "--output", out])
            .current_dir(tmp.path());
        let o = run_with_deadline(cmd);
        assert_eq!(o.status.code(), Some(2), "--output {out}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("refusing to use this directory as output")
        );
    }
    assert!(tmp.path().join("content/entities/acme.md").is_file());
}

#[test]
fn a_folder_casebook_did_not_create_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("documents");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "years of work").unwrap();
    let b = TestSite::fixture("minimal").build_into(&out);
    assert_eq!(b.code, 2, "{}", b.stderr);
    assert!(
        b.stderr
            .contains("refusing to replace a folder casebook did not create")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "years of work"
    );
    // Its own output (it carries the marker) is replaced as usual.
    let public = tmp.path().join("public");
    TestSite::fixture("minimal").build_into(&public).ok();
    assert!(public.join(casebook::MARKER).is_file());
    TestSite::fixture("minimal").build_into(&public).ok();
}

#[test]
fn two_builds_of_one_output_at_once_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let lock = std::fs::File::create(tmp.path().join(".public.lock")).unwrap();
    lock.try_lock().unwrap();
    let b = TestSite::fixture("minimal").build_into(&out);
    assert_eq!(b.code, 2, "{}", b.stderr);
    assert!(
        b.stderr
            .contains("another casebook build is writing this output"),
        "{}",
        b.stderr
    );
    assert!(!out.exists());
    drop(lock);
    TestSite::fixture("minimal").build_into(&out).ok();
}

#[test]
fn a_build_killed_midway_leaves_the_old_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let before = TestSite::fixture("minimal").build_into(&out).ok().files();
    for delay_ms in [5, 40, 150] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(["build", "--root"])
            .arg(crate::harness::manifest_dir())
            .arg("--output")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            break; // finished before the kill: the new site is complete
        }
        assert_eq!(
            crate::harness::files_under(&out),
            before,
            "public/ changed after a killed build ({delay_ms} ms)"
        );
    }
    // The next build cleans what the killed one left.
    TestSite::fixture("minimal").build_into(&out).ok();
    let stray: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

// ---- Templates ----

fn with_template(name: &str, text: &str) -> Built {
    let tmp = site(&[(&format!("templates/{name}"), text.as_bytes())]);
    let b = build(tmp.path());
    drop(tmp);
    b
}

#[test]
fn template_syntax_errors_name_the_file_and_line() {
    let b = with_template("404.html", "a\nb\n{{ x \n").fails();
    assert_error(&b, "templates/404.html:4:1:", "Failed to parse '404.html'");
}

#[test]
fn undefined_variables_name_the_template_line_and_page() {
    let text =
        "{% extends \"base.html\" %}\n{% block content %}\nhello\n{{ nope.x }}\n{% endblock %}\n";
    let b = with_template("entity.html", text).fails();
    assert_error(
        &b,
        "templates/entity.html:4:4:",
        "Variable `nope.x` not found",
    );
    assert_error(
        &b,
        "templates/entity.html:4:4:",
        "(while rendering /entities/acme/)",
    );
}

#[test]
fn include_cycles_are_errors_not_crashes() {
    let b = with_template("404.html", "x\n{% include \"404.html\" %}\n").fails();
    assert_error(
        &b,
        "templates/404.html:2:1:",
        "template include cycle: 404.html → 404.html",
    );
}

#[test]
fn get_env_reads_only_casebook_variables() {
    let b = with_template("404.html", "{{ get_env(name=\"HOME\") }}").fails();
    assert_error(
        &b,
        "templates/404.html:1:1:",
        "templates may read only CASEBOOK_* variables",
    );
    let tmp = site(&[(
        "templates/404.html",
        b"[{{ get_env(name=\"CASEBOOK_FLAVOUR\") }}]",
    )]);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
    let out = tmp.path().join("public");
    cmd.args(["build", "--root"])
        .arg(tmp.path())
        .arg("--output")
        .arg(&out);
    cmd.env("CASEBOOK_FLAVOUR", "plain");
    assert_eq!(run_with_deadline(cmd).status.code(), Some(0));
    assert!(
        std::fs::read_to_string(out.join("404.html"))
            .unwrap()
            .contains("[plain]")
    );
}

#[test]
fn urls_from_front_matter_go_through_the_scheme_allow_list() {
    let (_t, b) =
        with_acme("---\ntitle: Acme\ntype: company\nwebsite: javascript:alert(1)\n---\nx\n");
    assert_error(
        &b.fails(),
        "content/entities/acme.md:4:",
        "`website` must be an http(s) URL",
    );
    let tmp = copy_fixture("minimal");
    crate::harness::edit(
        tmp.path(),
        "content/references.yaml",
        "doe-2020:",
        "bad:\n  type: web\n  title: T\n  url: JAVASCRIPT:alert(1)\ndoe-2020:",
    );
    assert_error(
        &build(tmp.path()).fails(),
        "content/references.yaml:4:",
        "link target refused",
    );
}

#[test]
fn json_in_script_cannot_close_the_script() {
    let tmp = site(&[
        (
            "templates/404.html",
            b"<script>const s = {{ site | json_encode | safe }};</script>",
        ),
        (
            "casebook.yaml",
            b"title: \"</script><script>alert(1)</script>\"\nbase_url: https://example.org/\n",
        ),
    ]);
    let b = build(tmp.path()).ok();
    let page = b.page("404.html");
    assert_eq!(page.select("script").len(), 1, "{}", page.text);
    assert!(page.text.contains("\\u003c/script\\u003e"), "{}", page.text);
}

#[test]
fn feeds_and_sitemap_stay_well_formed_with_control_characters() {
    let tmp = copy_fixture("minimal");
    crate::harness::edit(
        tmp.path(),
        "content/cases/acme-india/index.md",
        "title: Acme in India\nsummary: A made-up case.",
        "title: \"Acme \\x01\\x0b\\x1f <b> & ]]> in India\"\nsummary: \"\\x02 made up\"\nupdated: \"2020-01-01\"",
    );
    let b = build(tmp.path()).ok();
    let files = b.files();
    for name in ["atom.xml", "sitemap.xml"] {
        let xml = String::from_utf8(files[name].clone()).unwrap();
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let atom = String::from_utf8(files["atom.xml"].clone()).unwrap();
    assert!(atom.contains("in India"), "the case is in the feed");
    let html = String::from_utf8(files["cases/acme-india/index.html"].clone()).unwrap();
    assert!(
        !html.contains('\u{1}') && !html.contains('\u{b}'),
        "control characters in HTML"
    );
}
