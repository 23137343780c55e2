//! `casebook.yaml`: typed site configuration.

use crate::diagnostics::{Diagnostic, Span};
use crate::yaml::YamlDoc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Site configuration, read from `casebook.yaml` at the knowledge-base root.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// Site title, shown in the header and in `<title>`.
    pub title: String,
    /// One sentence describing the site (meta description of the home page).
    #[serde(default)]
    pub description: Option<String>,
    /// Absolute URL the site is deployed under, e.g. `https://example.org/kb/`.
    /// Its path (`/kb/`) prefixes every internal link.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Language of the content, as a BCP 47 tag (`<html lang>`): the
    /// default language, published at the root of the site.
    #[serde(default = "default_language")]
    pub language: String,
    /// Further languages, by code (`ru`, `zh`): each is published under
    /// `/<code>/`, from translations written beside their originals
    /// (`entry.ru.md`).
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// Theme name: templates come from `themes/<theme>/templates/`, then
    /// the embedded default theme; the site's `templates/` overrides both.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Markdown options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Prefix for "edit this page" links; the source path is appended
    /// (e.g. `https://github.com/org/kb/edit/main/`).
    #[serde(default)]
    pub edit_url: Option<String>,
    /// Citation style of references and citations.
    #[serde(default)]
    pub bibliography: BibliographyConfig,
    /// Build a client-side search index and the /search/ page.
    #[serde(default = "default_true")]
    pub search: bool,
    /// Date pages without `updated` (or a plain page's `date`) by the last
    /// git commit that changed their file, as Hugo's `enableGitInfo` does;
    /// for the feed, the sitemap and "Updated". Needs `git` and a
    /// repository; two builds of one commit stay identical.
    #[serde(default)]
    pub dates_from_git: bool,
    /// A warning when `base_url` names this machine; see
    /// [`Config::loopback_warning`].
    #[serde(skip)]
    pub local_base_url: Option<Diagnostic>,
    /// `base_url` of the default language; a further language's build has
    /// its own `base_url` (`…/ru/`), and static files stay here.
    #[serde(skip)]
    pub root_url: String,
}

/// A further language of the site.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LanguageConfig {
    /// Site title in this language.
    pub title: String,
    /// One sentence describing the site, in this language.
    #[serde(default)]
    pub description: Option<String>,
    /// Labels of the header's navigation in this language, by entry
    /// (`cases`, `frameworks`, `entities`, `timeline`, `compare`, `map`,
    /// `teaching`, `glossary`, `references`), overriding the theme's.
    #[serde(default)]
    pub menu: BTreeMap<String, String>,
}

/// Options of the Markdown renderer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkdownConfig {
    /// Pass raw HTML in Markdown through instead of escaping it.
    #[serde(default)]
    pub allow_html: bool,
}

/// How citations and reference lists are formatted.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BibliographyConfig {
    /// A CSL style bundled with Hayagriva, by name: `apa` (default),
    /// `chicago-author-date`, `ieee`, `gb-7714-2015-numeric`…
    #[serde(default = "default_style")]
    pub style: String,
    /// Warn about an analysis entry that cites a work without a locator
    /// (`[@gu-2018]` instead of `[@gu-2018, sec. 3.7]`).
    #[serde(default)]
    pub require_locators: bool,
}

impl Default for BibliographyConfig {
    fn default() -> Self {
        BibliographyConfig {
            style: default_style(),
            require_locators: false,
        }
    }
}

fn default_style() -> String {
    "apa".into()
}

fn default_base_url() -> String {
    "http://127.0.0.1:1111/".into()
}
fn default_true() -> bool {
    true
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}

impl Config {
    /// Parses configuration text; `file` names it in diagnostics.
    pub(crate) fn parse(file: &str, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let doc = YamlDoc::parse(file, text, text, 0).map_err(|d| vec![d])?;
        let mut config: Config = doc.deserialize()?;
        let problem = if !(config.base_url.starts_with("http://")
            || config.base_url.starts_with("https://"))
        {
            Some("`base_url` must be an absolute http(s) URL")
        } else if !is_slug(&config.theme) {
            Some("`theme` must be a folder name (lowercase letters, digits, `-`)")
        } else {
            None
        };
        if let Some(msg) = problem {
            return Err(vec![doc.error(
                doc.span(if msg.contains("theme") {
                    "theme"
                } else {
                    "base_url"
                }),
                msg,
            )]);
        }
        if !crate::model::bibliography::style_exists(&config.bibliography.style) {
            let names = crate::model::bibliography::SUGGESTED.join(", ");
            return Err(vec![
                doc.error(
                    doc.span("bibliography.style"),
                    format!("unknown citation style `{}`", config.bibliography.style),
                )
                .with_help(format!(
                    "use the name of a CSL style bundled with Hayagriva, such as {names}"
                )),
            ]);
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        config.root_url = config.base_url.clone();
        config.check_languages(&doc)?;
        let at = doc
            .value()
            .get("base_url")
            .map(|_| doc.key_span("base_url"));
        config.local_base_url = config.loopback_warning(at).map(|d| d.with_source(text));
        Ok(config)
    }

    /// A warning when `base_url` names this machine (a loopback or
    /// unspecified host): the sitemap, feed, canonical links and citations
    /// of a published build would point at the author's own computer.
    fn loopback_warning(&self, at: Option<Span>) -> Option<Diagnostic> {
        if !is_local_host(&self.base_url) {
            return None;
        }
        let (span, said) = match at {
            Some(at) => (at, "`base_url`"),
            None => (
                Span::new("casebook.yaml", 1, 1),
                "`base_url` is not set, so its default",
            ),
        };
        Some(
            Diagnostic::warning(
                span,
                format!(
                    "{said} {} names this machine: the sitemap, the feed, canonical links and \
                     citations of this build point at it",
                    self.base_url
                ),
            )
            .with_help(
                "set `base_url: https://your.domain/` in casebook.yaml to the address the site \
                 is published at, or build with `--base-url https://your.domain/`",
            ),
        )
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub(crate) fn base_path(&self) -> String {
        url_path(&self.base_url)
    }

    /// The path part of `root_url`: where static files and assets live,
    /// whatever the language.
    pub(crate) fn root_path(&self) -> String {
        url_path(&self.root_url)
    }

    /// Every language of the site, the default first.
    pub(crate) fn all_languages(&self) -> Vec<String> {
        std::iter::once(self.language.clone())
            .chain(self.languages.keys().cloned())
            .collect()
    }

    /// The configuration a further language's build reads: its own title,
    /// description, language and `base_url` under `/<code>/`.
    pub(crate) fn for_language(&self, code: &str) -> Config {
        let mut c = self.clone();
        if let Some(l) = self.languages.get(code) {
            c.title.clone_from(&l.title);
            c.description.clone_from(&l.description);
            c.language = code.to_string();
            c.base_url = format!("{}{code}/", self.root_url);
        }
        c
    }

    /// Language codes are lowercase letters (`ru`, `zh`, `pt-br`), and a
    /// further language is not the default one.
    fn check_languages(&self, doc: &YamlDoc<'_>) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        for code in self.languages.keys() {
            let problem = if !is_language_code(code) {
                Some(format!(
                    "`{code}` is not a language code: use a lowercase ISO 639 code such as `ru` or `zh`, optionally with a region (`pt-br`)"
                ))
            } else if *code == self.language {
                Some(format!(
                    "`{code}` is the default language (`language: {code}`), so it cannot also be a further one"
                ))
            } else {
                None
            };
            if let Some(msg) = problem {
                errors.push(
                    doc.error(doc.key_span(&format!("languages.{code}")), msg)
                        .with_help("list only the further languages under `languages:`"),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The path part of an absolute URL, starting and ending with `/`.
fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or("", |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".into(),
    }
}

/// A language code as translations name it (`entry.ru.md`): two or three
/// lowercase letters, optionally `-` and a region or script.
pub(crate) fn is_language_code(s: &str) -> bool {
    let (lang, region) = s.split_once('-').unwrap_or((s, ""));
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && (s.len() == lang.len()
            || ((2..=4).contains(&region.len())
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())))
}

/// Whether the host of `url` is localhost, a loopback address
/// (127.0.0.0/8, ::1) or an unspecified one (0.0.0.0, ::).
fn is_local_host(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

/// Lowercase ASCII letters, digits and `-`, not starting or ending with `-`.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_comes_from_base_url() {
        let c = Config::parse("casebook.yaml", "title: T\nbase_url: https://x.org/kb\n").unwrap();
        assert_eq!(c.base_path(), "/kb/");
        assert_eq!(c.base_url, "https://x.org/kb/");
    }

    #[test]
    fn local_hosts_are_recognised() {
        for local in [
            "http://127.0.0.1:1111/",
            "http://127.8.9.10/",
            "http://localhost/kb/",
            "http://LOCALHOST:80",
            "http://[::1]:8080/",
            "http://0.0.0.0/",
            "http://[::]/",
            "http://user@localhost/",
        ] {
            assert!(is_local_host(local), "{local}");
        }
        for public in [
            "https://example.org/",
            "https://128.0.0.1/",
            "https://localhost.example.org/",
            "https://[2001:db8::1]/",
        ] {
            assert!(!is_local_host(public), "{public}");
        }
    }

    #[test]
    fn unknown_config_key_is_an_error() {
        let e = Config::parse("casebook.yaml", "title: T\nbase_ulr: x\n").unwrap_err();
        assert_eq!(e[0].span.line, 2);
        assert_eq!(e[0].help.as_deref(), Some("did you mean `base_url`?"));
    }
}
