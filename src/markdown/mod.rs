//! Markdown to HTML: the single pulldown-cmark options set and one event pass
//! for links, citations, heading ids, raw HTML and code.

pub(crate) mod cite;
pub(crate) mod highlight;
mod pass;
pub(crate) mod shortcodes;
pub(crate) mod snippet;

use crate::diagnostics::{Diagnostic, Span};
use crate::links::{LinkSite, Resolved, Resolver};
use crate::source::slugify;
use crate::{html::html_escape, markdown::highlight::code_block};
use pass::Pass;
use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use std::collections::HashSet;

/// Ids the templates give to generated parts of a page (`ref-<key>`,
/// `analysis-<framework>`…); headings never take them.
pub(crate) const GENERATED_ID_PREFIXES: &[&str] = &["ref-", "analysis-", "matrix-", "term-"];

/// Ids of the default theme's own landmarks and sections.
pub(crate) const TEMPLATE_IDS: &[&str] = &[
    "main",
    "timeline",
    "timeline-heading",
    "teaching",
    "teaching-heading",
    "stages-heading",
    "canvas-heading",
    "metrics-heading",
    "events-heading",
    "dimensions-heading",
    "applications-heading",
    "backlinks-heading",
    "references-heading",
    "cases-heading",
    "frameworks-heading",
    "latest-heading",
];

/// Prefix of the fake URL given to `[@key]` citations by the parser.
const CITE: &str = "casebook-cite:";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Where a piece of Markdown came from, to map offsets to `line:col`.
#[derive(Clone, Copy)]
pub(crate) enum Origin {
    /// The text starts at this byte offset of the file.
    Body(usize),
    /// Inline text of a YAML value that starts at this line and column.
    Yaml(usize, usize),
}

/// The file a piece of Markdown belongs to.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    /// Content-relative path of the file (for relative links).
    pub content_path: &'a str,
    /// Root-relative path of the file (for diagnostics).
    pub file: &'a str,
    pub file_text: &'a str,
    pub origin: Origin,
    /// Ids the headings take, in order, where they have none of their own:
    /// a translation's headings keep the original's anchors.
    pub headings: &'a [String],
}

/// A heading of the page, for tables of contents and `[[x#h]]` checks.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The result of rendering one piece of Markdown.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<(Resolved, LinkSite)>,
    /// Citation keys in order of first use.
    pub cites: Vec<String>,
    /// Every citation as written (`key` or `key, locator`), in order.
    pub cite_list: Vec<String>,
    /// Inline citations given without a locator, where they are.
    pub bare_cites: Vec<(String, Span)>,
    /// Content-relative paths of images used.
    pub assets: Vec<String>,
}

pub(crate) struct Renderer<'r> {
    pub resolver: &'r Resolver<'r>,
    pub allow_html: bool,
}

/// Links being rendered: plain ones keep their inner events, citations
/// and unlabelled wikilinks replace them.
enum Open {
    Plain,
    Cite,
    Wiki,
}

impl Renderer<'_> {
    /// Renders `text`; `inline` drops the paragraph wrapper of a one-paragraph
    /// text (analysis entries, summaries).
    pub(crate) fn render(
        &self,
        text: &str,
        src: Source<'_>,
        inline: bool,
        taken: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) -> Rendered {
        let mut callback = |link: BrokenLink<'_>| {
            let r = link.reference.trim();
            r.starts_with('@')
                .then(|| (CowStr::from(format!("{CITE}{}", &r[1..])), CowStr::from("")))
        };
        let parser = Parser::new_with_broken_link_callback(text, options(), Some(&mut callback));
        let lines = match src.origin {
            Origin::Body(_) => Positioner::new(src.file_text),
            Origin::Yaml(..) => Positioner::new(text),
        };
        let mut pass = Pass {
            md: self,
            src,
            lines,
            taken,
            diags,
            base: self.resolver.kb().config.base_path(),
            root: self.resolver.kb().config.root_path(),
            out: Rendered::default(),
            events: Vec::new(),
            stack: Vec::new(),
            skipping: 0,
            code: None,
            heading: None,
            image_alt: None,
            ids: taken.iter().map(std::string::ToString::to_string).collect(),
            local_fragments: Vec::new(),
            visible: Visible::default(),
        };
        for (event, range) in parser.into_offset_iter() {
            pass.event(event, range.start);
        }
        let mut out = pass.finish(inline);
        // Kept until the page is written: drop the slack of its growth.
        out.html.shrink_to_fit();
        out
    }

    /// The content-relative path of a local image, if the file exists.
    fn local_asset(&self, from: &str, dest: &str) -> Result<String, String> {
        let dest = dest.split(['?', '#']).next().unwrap_or("");
        let joined = match dest.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => {
                let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
                format!("{dir}/{dest}")
            }
        };
        let mut parts: Vec<&str> = Vec::new();
        for seg in joined.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts
                        .pop()
                        .ok_or_else(|| format!("image `{dest}` is outside content/"))?;
                }
                s => parts.push(s),
            }
        }
        let rel = parts.join("/");
        if self.resolver.assets().contains(&rel) {
            Ok(rel)
        } else {
            Err(format!("image not found: `{dest}` (content/{rel})"))
        }
    }
}

fn resolved_internal(href: &str, base: &str) -> bool {
    href.starts_with(base) && href != "#"
}

/// The opening tag of a link. `preview` (the target's summary) becomes the
/// title, shown on hover without JavaScript; the theme's preview.js shows
/// it with `preview_title` (or the link text) on hover and keyboard focus.
fn open_link(
    href: &str,
    preview: Option<&str>,
    preview_title: Option<&str>,
    internal: bool,
) -> String {
    let mut s = format!("<a href=\"{}\"", html_escape(href));
    if internal {
        s.push_str(" class=\"internal\"");
    }
    if let Some(t) = preview_title {
        s.push_str(&format!(" data-preview-title=\"{}\"", html_escape(t)));
    }
    if let Some(p) = preview {
        s.push_str(&format!(" title=\"{}\"", html_escape(p)));
    }
    s.push('>');
    s
}

/// Keeps the preview [`open_link`] writes (the target's title and summary)
/// on the first link to each target of a page only: a page linking one
/// target many times would otherwise carry its summary every time.
/// preview.js finds a repeated link's preview on the first one.
pub(crate) fn dedupe_previews(html: String) -> String {
    const OPEN: &str = "<a href=\"";
    const INTERNAL: &str = " class=\"internal\"";
    const PREVIEW: [&str; 2] = [" data-preview-title=\"", " title=\""];
    let mut seen = HashSet::new();
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i + OPEN.len()]);
        rest = &rest[i + OPEN.len()..];
        // Attribute values are escaped: the href ends at the next quote and
        // the tag at the next `>`. open_link writes the class, then the
        // preview, right after the href.
        let Some(q) = rest.find('"') else { break };
        let href = &rest[..q];
        let after = &rest[q + 1..];
        if let Some(attrs) = after.strip_prefix(INTERNAL)
            && PREVIEW.iter().any(|p| attrs.starts_with(p))
            && !seen.insert(href)
            && let Some(end) = attrs.find('>')
        {
            out.push_str(&rest[..q + 1 + INTERNAL.len()]);
            rest = &attrs[end..];
        }
    }
    out.push_str(rest);
    out
}

fn unsafe_link(span: Span, msg: String, text: &str) -> Diagnostic {
    Diagnostic::error(span, msg)
        .with_source(text)
        .with_help("only http(s), mailto, relative and #anchor links are allowed")
}

fn is_md_link(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    !is_external(dest) && path.ends_with(".md")
}

fn is_external(dest: &str) -> bool {
    scheme(dest).is_some()
}

/// The URL scheme, normalised the way browsers read it.
fn scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| !matches!(c, '/' | '?' | '#'))
        .collect();
    let (s, _) = cleaned.split_once(':')?;
    (s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| s.to_ascii_lowercase())
}

/// URL schemes a link may use; any other (`javascript:`, `vbscript:`,
/// `data:`, `file:`, unknown ones) is refused.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Lets through relative URLs and the [`ALLOWED_SCHEMES`] only.
pub fn check_url(dest: &str) -> Result<(), String> {
    match scheme(dest) {
        Some(s) if !ALLOWED_SCHEMES.contains(&s.as_str()) => {
            Err(format!("`{s}:` link target refused"))
        }
        _ => Ok(()),
    }
}

/// Root-relative links get the site's base path.
fn rebase(dest: &str, base: &str) -> String {
    match dest.strip_prefix('/') {
        Some(rest) if !dest.starts_with("//") => format!("{base}{rest}"),
        _ => dest.to_string(),
    }
}

/// The text a reader sees of the current block (paragraph, list item,
/// table cell, heading) and the links in it, whose contexts are cut from
/// that text when the block ends.
#[derive(Default)]
struct Visible {
    text: String,
    /// Label ranges in `text`, with the index in `Rendered::links` of the
    /// links whose context is wanted; the last may still be open.
    labels: Vec<(Option<usize>, usize, Option<usize>)>,
}

impl Visible {
    /// Follows one event of the pass: text, breaks and block boundaries.
    fn see(&mut self, event: &Event<'_>, links: &mut [(Resolved, LinkSite)]) {
        match event {
            Event::Text(t) | Event::Code(t) => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::Start(tag) if !is_inline(tag) => self.flush(links),
            Event::End(tag) if !is_inline_end(*tag) => self.flush(links),
            _ => {}
        }
    }

    fn is_open(&self) -> bool {
        matches!(self.labels.last(), Some((_, _, None)))
    }

    /// A link label starts here; `link` is its index in `Rendered::links`.
    fn open(&mut self, link: Option<usize>) {
        self.labels.push((link, self.text.len(), None));
    }

    fn close(&mut self) {
        if let Some((_, _, end @ None)) = self.labels.last_mut() {
            *end = Some(self.text.len());
        }
    }

    /// Gives each link of the block its context and starts the next block.
    fn flush(&mut self, links: &mut [(Resolved, LinkSite)]) {
        let len = self.text.len();
        let ranges: Vec<std::ops::Range<usize>> = self
            .labels
            .iter()
            .map(|&(_, s, e)| s.min(len)..e.unwrap_or(len).min(len))
            .collect();
        if self.labels.iter().any(|(link, _, _)| link.is_some()) {
            let contexts = crate::markdown::snippet::contexts(&self.text, &ranges);
            for (&(link, _, _), context) in self.labels.iter().zip(contexts) {
                if let Some(site) = link.and_then(|i| links.get_mut(i)) {
                    site.1.context = context;
                }
            }
        }
        self.text.clear();
        self.labels.clear();
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offsets to `line:col` in time linear in the text: line starts are
/// indexed once, and columns advance from the previous lookup when offsets
/// come in order on one line (a long line with many links stays linear).
struct Positioner<'t> {
    text: &'t str,
    starts: Vec<usize>,
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'t> Positioner<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Positioner {
            text,
            starts,
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[line - 1];
        let (last_off, last_line, last_col) = self.last.get();
        let col = if last_line == line && last_off <= offset && last_off >= line_start {
            last_col + self.text[last_off..offset].chars().count()
        } else {
            self.text[line_start..offset].chars().count() + 1
        };
        self.last.set((offset, line, col));
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_are_refused_in_any_disguise() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            " javascript:x",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "livescript:x",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        for ok in [
            "https://x.org",
            "mailto:a@b.c",
            "#top",
            "../a",
            "/x/",
            "10:30",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn only_the_first_link_to_a_target_keeps_its_preview() {
        let a = open_link("/x/", Some("About x"), Some("X"), true);
        let b = open_link("/y/", Some("About y"), None, true);
        let html =
            format!("{a}one</a> {b}two</a> {a}three</a> <a href=\"/x/\" title=\"t\">ext</a>");
        assert_eq!(
            dedupe_previews(html),
            "<a href=\"/x/\" class=\"internal\" data-preview-title=\"X\" title=\"About x\">one</a> \
             <a href=\"/y/\" class=\"internal\" title=\"About y\">two</a> \
             <a href=\"/x/\" class=\"internal\">three</a> <a href=\"/x/\" title=\"t\">ext</a>"
        );
    }

    #[test]
    fn root_relative_links_get_base_path() {
        assert_eq!(rebase("/timeline/", "/kb/"), "/kb/timeline/");
        assert_eq!(rebase("https://x.org/", "/kb/"), "https://x.org/");
    }
}
