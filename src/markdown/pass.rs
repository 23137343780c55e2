//! One pass over the events of a piece of Markdown: each concern (links,
//! citations, headings, images, code, tables) has its own handler, and the
//! pass carries what they share (the output, the positions, open links).

use super::*;

/// The state of one [`Renderer::render`] call.
pub(super) struct Pass<'a, 'r> {
    pub(super) md: &'a Renderer<'r>,
    pub(super) src: Source<'a>,
    pub(super) lines: Positioner<'a>,
    pub(super) taken: &'a [&'a str],
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) base: String,
    /// Where assets are published, whatever the language.
    pub(super) root: String,
    pub(super) out: Rendered,
    pub(super) events: Vec<Event<'a>>,
    pub(super) stack: Vec<Open>,
    /// Depth of link events being dropped (inside a citation or an
    /// unlabelled wikilink, whose text casebook writes itself).
    pub(super) skipping: usize,
    /// Language and text of the code block being read.
    pub(super) code: Option<(String, String)>,
    /// Index in `events` of the open heading, and its text so far.
    pub(super) heading: Option<(usize, String)>,
    /// The open image: its index in `events`, its alt text, where it is.
    pub(super) image_alt: Option<(usize, String, Span)>,
    /// Ids taken on the page: the template's and the headings' so far.
    pub(super) ids: HashSet<String>,
    /// `[[#heading]]` links, checked when every heading is known.
    pub(super) local_fragments: Vec<(String, Span)>,
    pub(super) visible: Visible,
}

impl<'a> Pass<'a, '_> {
    fn span_at(&self, offset: usize) -> Span {
        let (line, col) = match self.src.origin {
            Origin::Body(start) => self.lines.line_col(start + offset),
            Origin::Yaml(line, col) => {
                let (l, c) = self.lines.line_col(offset);
                if l == 1 {
                    (line, col + c - 1)
                } else {
                    (line + l - 1, c)
                }
            }
        };
        Span::new(self.src.file, line, col)
    }

    /// Takes one parser event; `at` is its byte offset in the text.
    pub(super) fn event(&mut self, event: Event<'a>, at: usize) {
        if self.skipping > 0 {
            self.skip(&event);
            return;
        }
        if let Some((_, buf)) = self.code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, body) = self.code.take().unwrap_or_default();
                    self.events
                        .push(Event::Html(code_block(&lang, &body).into()));
                }
                _ => {}
            }
            return;
        }
        if let Event::Text(s) | Event::Code(s) = &event {
            if let Some((_, t)) = self.heading.as_mut() {
                t.push_str(s);
            }
            if let Some((_, alt, _)) = self.image_alt.as_mut() {
                alt.push_str(s);
            }
        }
        if self.image_alt.is_none() {
            self.visible.see(&event, &mut self.out.links);
        }
        match event {
            Event::Start(Tag::Table(align)) => self.table_start(align),
            Event::End(TagEnd::Table) => {
                self.events.push(Event::End(TagEnd::Table));
                self.events.push(Event::Html("</div>".into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.heading = Some((self.events.len(), String::new()));
                self.events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => self.heading_end(level),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => self.link_start(link_type, dest_url, title, at),
            Event::End(TagEnd::Link) => {
                self.stack.pop();
                self.visible.close();
                self.events.push(Event::InlineHtml("</a>".into()));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.image_start(link_type, dest_url, title, id, at),
            Event::End(TagEnd::Image) => self.image_end(),
            other => self.other(other, at),
        }
    }

    /// Inside a citation or an unlabelled wikilink: drop events until its end.
    fn skip(&mut self, event: &Event<'a>) {
        match event {
            Event::Start(Tag::Link { .. }) => self.skipping += 1,
            Event::End(TagEnd::Link) => self.skipping -= 1,
            _ => {}
        }
        if self.skipping == 0
            && let Some(Open::Wiki) = self.stack.pop()
        {
            self.events.push(Event::InlineHtml("</a>".into()));
        }
    }

    /// A table scrolls in its own box, which keyboard users can focus,
    /// instead of pushing the page sideways.
    fn table_start(&mut self, align: Vec<pulldown_cmark::Alignment>) {
        let locale = &self.md.resolver.kb().locale;
        let label = self.out.headings.last().map_or_else(
            || locale.t("table.label").to_string(),
            |h| locale.fill("table.label_under", &[("heading", &h.text)]),
        );
        self.events.push(Event::Html(
            format!(
                "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
                html_escape(&label)
            )
            .into(),
        ));
        self.events.push(Event::Start(Tag::Table(align)));
    }

    /// Gives the heading a unique id (its own or a slug of its text).
    fn heading_end(&mut self, level: pulldown_cmark::HeadingLevel) {
        if let Some((at, text)) = self.heading.take()
            && let Event::Start(Tag::Heading { id, .. }) = &mut self.events[at]
        {
            let given = self.src.headings.get(self.out.headings.len());
            // A translation's headings take the original's ids, whatever
            // they say themselves, so anchors are the same in every language.
            let mut wanted = match (given, id.as_ref()) {
                (Some(g), _) => g.clone(),
                (None, Some(id)) => id.to_string(),
                (None, None) => slugify(&text),
            };
            if GENERATED_ID_PREFIXES.iter().any(|p| wanted.starts_with(p)) {
                wanted = format!("h-{wanted}");
            }
            let mut unique = wanted.clone();
            let mut n = 1;
            while !self.ids.insert(unique.clone()) {
                unique = format!("{wanted}-{n}");
                n += 1;
            }
            *id = Some(unique.clone().into());
            self.out.headings.push(Heading {
                level: level as u8,
                id: unique,
                text,
            });
        }
        self.events.push(Event::End(TagEnd::Heading(level)));
    }

    fn link_start(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        at: usize,
    ) {
        let span = self.span_at(at);
        if let Some(key) = dest_url.strip_prefix(CITE) {
            self.cite(key, span);
            return;
        }
        let is_wiki = matches!(link_type, LinkType::WikiLink { .. });
        // Inside a table the label's `|` is written `\|`; the backslash is
        // not part of the target.
        if is_wiki && let Some(frag) = dest_url.trim_end_matches('\\').strip_prefix('#') {
            self.local_fragments.push((frag.to_string(), span));
            self.events.push(Event::InlineHtml(
                open_link(&format!("#{frag}"), None, None, false).into(),
            ));
            self.stack.push(Open::Plain);
            return;
        }
        let resolver = self.md.resolver;
        let resolved = if is_wiki {
            Some(resolver.wikilink(&dest_url))
        } else if is_md_link(&dest_url) {
            Some(resolver.md_link(self.src.content_path, &dest_url))
        } else {
            None
        };
        // The preview title is the target's title, given when the link
        // text may differ from it.
        let (href, preview, preview_title) = match resolved {
            Some(Ok(r)) => {
                let href = resolver.url(&r);
                let preview = resolver.summary(&r);
                let label = resolver.title(&r);
                let site = LinkSite {
                    file: self.src.file.to_string(),
                    line: span.line,
                    col: span.col,
                    context: String::new(),
                };
                self.visible.open(Some(self.out.links.len()));
                self.out.links.push((r, site));
                if let LinkType::WikiLink { has_pothole: false } = link_type {
                    self.unlabelled_wikilink(&href, preview.as_deref(), label);
                    return;
                }
                (href, preview, Some(label))
            }
            // An unknown name may be a term of a glossary that failed to load.
            Some(Err(_)) if is_wiki && resolver.kb().incomplete.glossary => {
                ("#".to_string(), None, None)
            }
            Some(Err(e)) => {
                let mut d = Diagnostic::error(span, e.message).with_source(self.src.file_text);
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                self.diags.push(d);
                ("#".to_string(), None, None)
            }
            None if link_type == LinkType::Email => (format!("mailto:{dest_url}"), None, None),
            None => match check_url(&dest_url) {
                Ok(()) => (
                    self.file_link(&dest_url),
                    (!title.is_empty()).then(|| title.to_string()),
                    None,
                ),
                Err(msg) => {
                    self.diags.push(unsafe_link(span, msg, self.src.file_text));
                    ("#".to_string(), None, None)
                }
            },
        };
        if !self.visible.is_open() {
            self.visible.open(None);
        }
        self.events.push(Event::InlineHtml(
            open_link(
                &href,
                preview.as_deref(),
                preview_title.as_deref(),
                resolved_internal(&href, &self.base),
            )
            .into(),
        ));
        self.stack.push(Open::Plain);
    }

    /// A link that is neither a page nor a wikilink. A file of content/
    /// (`kit.pdf`) is published once, at the root: a further language's
    /// page links it there, not under `/ru/`.
    fn file_link(&self, dest: &str) -> String {
        if self.root != self.base
            && !is_external(dest)
            && let Ok(rel) = self.md.local_asset(self.src.content_path, dest)
        {
            let suffix = dest.find(['?', '#']).map_or("", |i| &dest[i..]);
            return format!("{}{rel}{suffix}", self.root);
        }
        rebase(dest, &self.base)
    }

    /// `[[target]]`: the link text is the target's title.
    fn unlabelled_wikilink(&mut self, href: &str, preview: Option<&str>, label: String) {
        self.visible.text.push_str(&label);
        self.visible.close();
        self.events.push(Event::InlineHtml(
            open_link(href, preview, None, true).into(),
        ));
        if let Some((_, t)) = self.heading.as_mut() {
            t.push_str(&label);
        }
        self.events.push(Event::Text(label.into()));
        self.stack.push(Open::Wiki);
        self.skipping = 1;
    }

    /// `[@key]` or `[@key, locator]`: the citation in the site's style.
    fn cite(&mut self, key: &str, span: Span) {
        let kb = self.md.resolver.kb();
        let (key, locator) = match key.split_once(',') {
            Some((k, l)) => (k.trim(), Some(l.trim())),
            None => (key.trim(), None),
        };
        match kb.references.get(key) {
            Some(_) => {
                self.out.cite_list.push(match locator {
                    Some(l) if !l.is_empty() => format!("{key}, {l}"),
                    _ => key.to_string(),
                });
                if !self.out.cites.iter().any(|c| c == key) {
                    self.out.cites.push(key.to_string());
                }
                if locator.is_none_or(str::is_empty) {
                    self.out.bare_cites.push((key.to_string(), span.clone()));
                }
                self.events
                    .push(Event::InlineHtml(cite::cite_html(kb, key, locator).into()));
            }
            None if kb.incomplete.references => {}
            None => self
                .diags
                .push(cite::unknown_citation(kb, span, key).with_source(self.src.file_text)),
        }
        // Contexts leave citations out, and the space before them.
        let kept = self.visible.text.trim_end().len();
        self.visible.text.truncate(kept);
        self.stack.push(Open::Cite);
        self.skipping = 1;
    }

    fn image_start(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        at: usize,
    ) {
        let span = self.span_at(at);
        let dest = match check_url(&dest_url) {
            Err(msg) => {
                self.diags
                    .push(unsafe_link(span.clone(), msg, self.src.file_text));
                CowStr::from("")
            }
            Ok(()) if is_external(&dest_url) => dest_url,
            Ok(()) => match self.md.local_asset(self.src.content_path, &dest_url) {
                Ok(rel) => {
                    let url = format!("{}{rel}", self.root);
                    self.out.assets.push(rel);
                    url.into()
                }
                Err(msg) => {
                    self.diags.push(
                        Diagnostic::error(span.clone(), msg)
                            .with_source(self.src.file_text)
                            .with_help("put the image beside the Markdown file that uses it"),
                    );
                    CowStr::from("")
                }
            },
        };
        self.image_alt = Some((self.events.len(), String::new(), span));
        self.events.push(Event::Start(Tag::Image {
            link_type,
            dest_url: dest,
            title,
            id,
        }));
    }

    fn image_end(&mut self) {
        if let Some((_, alt, span)) = self.image_alt.take()
            && alt.trim().is_empty()
        {
            self.diags.push(
                Diagnostic::error(span, "image without alt text")
                    .with_source(self.src.file_text)
                    .with_help("describe the image: `![what it shows](file.png)`"),
            );
        }
        self.events.push(Event::End(TagEnd::Image));
    }

    /// Raw HTML (as text unless allowed), NUL characters, a stray `[[`.
    fn other(&mut self, event: Event<'a>, at: usize) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) if !self.md.allow_html => {
                self.events.push(Event::Text(h));
            }
            Event::Text(t) if t.contains('\0') => self
                .events
                .push(Event::Text(t.replace('\0', "\u{FFFD}").into())),
            Event::Code(t) if t.contains('\0') => self
                .events
                .push(Event::Code(t.replace('\0', "\u{FFFD}").into())),
            Event::Text(t) if t.contains("[[") => {
                let at = at + t.find("[[").unwrap_or(0);
                self.diags.push(
                    Diagnostic::warning(self.span_at(at), "`[[` does not start a link here")
                        .with_source(self.src.file_text)
                        .with_help(
                            "close the wikilink with `]]`; inside a table write `[[page\\|label]]`",
                        ),
                );
                self.events.push(Event::Text(t));
            }
            other => self.events.push(other),
        }
    }

    /// Checks `[[#fragment]]` links against the headings and writes the HTML.
    pub(super) fn finish(mut self, inline: bool) -> Rendered {
        self.visible.flush(&mut self.out.links);
        let mut out = self.out;
        for (frag, span) in self.local_fragments {
            if !out.headings.iter().any(|h| h.id == frag) && !self.taken.contains(&frag.as_str()) {
                let ids: Vec<&str> = out.headings.iter().map(|h| h.id.as_str()).collect();
                let help = crate::diagnostics::suggest(&frag, ids.iter().copied())
                    .unwrap_or_else(|| format!("headings here: {}", ids.join(", ")));
                self.diags.push(
                    Diagnostic::error(span, format!("this page has no heading `#{frag}`"))
                        .with_help(help)
                        .with_source(self.src.file_text),
                );
            }
        }
        pulldown_cmark::html::push_html(&mut out.html, self.events.into_iter());
        // CommonMark replaces NUL with U+FFFD; code blocks and raw HTML
        // bypass the text events, so do it once on the result.
        if out.html.contains('\0') {
            out.html = out.html.replace('\0', "\u{FFFD}");
        }
        if inline {
            let trimmed = out.html.trim_end();
            if let Some(inner) = trimmed
                .strip_prefix("<p>")
                .and_then(|s| s.strip_suffix("</p>"))
                && !inner.contains("<p>")
            {
                out.html = inner.to_string();
            }
        }
        out
    }
}
