//! Syntax highlighting of fenced code as CSS classes (syntect), loaded once
//! and only when a page has a fenced code block with a language.

use crate::html::html_escape;

use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Class prefix of highlighted tokens, matched by the theme's CSS.
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// `<pre><code>` for a code block; unknown languages are escaped plainly.
pub(crate) fn code_block(lang: &str, code: &str) -> String {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    let escaped_lang = html_escape(lang);
    if lang.is_empty() {
        return format!("<pre><code>{}</code></pre>\n", html_escape(code));
    }
    let set = syntaxes();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return format!(
            "<pre><code class=\"language-{escaped_lang}\">{}</code></pre>\n",
            html_escape(code)
        );
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!("<pre><code>{}</code></pre>\n", html_escape(code));
        }
    }
    format!(
        "<pre class=\"hl\"><code class=\"language-{escaped_lang}\">{}</code></pre>\n",
        generator.finalize()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_language_gets_classes_and_unknown_is_escaped() {
        let html = super::code_block("rust", "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        let plain = super::code_block("nosuchlang", "<b>\n");
        assert!(plain.contains("&lt;b&gt;") && !plain.contains("hl-"));
    }
}
