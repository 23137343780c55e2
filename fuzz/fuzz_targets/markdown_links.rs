//! Any text as the body of a page with links around it: the build never
//! panics and no page gets a script URL in an `href` or `src`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let page = format!(
        "---\ntitle: Page\n---\nSee [[acme]], [x](entities/acme.md) and [@doe-2020].\n\n{body}\n"
    );
    if let Some(files) = common::build_with("content/page.md", page.as_bytes()) {
        common::assert_no_script_urls(&files);
    }
});
