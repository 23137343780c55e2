//! Templates and static files: the embedded default theme, overridden file
//! by file by `themes/<name>/` and then by the site's own `templates/` and
//! `static/`.

mod cycles;
mod strings;

pub(crate) use strings::counted;

use crate::diagnostics::{Diagnostic, Span};
use crate::fs;
use crate::model::lang::Locale;
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "macros.html",
    "home.html",
    "case.html",
    "stage.html",
    "framework.html",
    "entity.html",
    "page.html",
    "list.html",
    "references.html",
    "glossary.html",
    "404.html",
    "timeline.html",
    "teaching.html",
    "evolution.html",
    "map.html",
    "compare.html",
    "comparison.html",
    "search.html",
    "redirect.html",
    "sitemap.xml",
    "atom.xml",
    "shortcodes/table.html",
    "shortcodes/chart.html",
    "shortcodes/timeline.html",
    "shortcodes/matrix.html",
    "shortcodes/evolution.html",
);

/// The default theme's static files.
const STATIC: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../themes/default/static/style.css"),
    ),
    (
        "filter.js",
        include_str!("../../themes/default/static/filter.js"),
    ),
    (
        "search.js",
        include_str!("../../themes/default/static/search.js"),
    ),
    (
        "preview.js",
        include_str!("../../themes/default/static/preview.js"),
    ),
];

/// The default theme's interface strings, by language.
const STRINGS: &[(&str, &str)] = &[
    ("en", include_str!("../../themes/default/strings/en.yaml")),
    ("ru", include_str!("../../themes/default/strings/ru.yaml")),
    ("zh", include_str!("../../themes/default/strings/zh.yaml")),
];

/// Interface strings by language, then key: the default theme's, with the
/// theme's `strings/<code>.yaml` and then the site's over them.
type Strings = BTreeMap<String, BTreeMap<String, String>>;

/// Templates and static files resolved for one site.
#[derive(Clone)]
pub(crate) struct Theme {
    pub tera: Tera,
    /// Names of the shortcodes the templates define (`shortcodes/<name>.html`).
    pub shortcodes: Vec<String>,
    /// Output path → source (embedded text or a file on disk).
    pub statics: BTreeMap<String, StaticFile>,
    /// Template name → (path shown in messages, text), to locate errors.
    sources: BTreeMap<String, (String, String)>,
    strings: Strings,
}

impl Theme {
    /// A rendering error placed at its template line, naming the page.
    pub(crate) fn error(&self, e: &tera::Error, page: &str) -> Diagnostic {
        let mut d = located_error(e, &self.sources);
        d.message = format!("{} (while rendering {page})", d.message);
        d
    }

    /// The interface strings of language `code`, English underneath.
    pub(crate) fn locale(&self, code: &str) -> Locale {
        let mut strings = self.strings.get("en").cloned().unwrap_or_default();
        if let Some(own) = self.strings.get(code) {
            strings.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Locale::new(code, strings)
    }

    /// The string `key` of language `code` itself, without the English
    /// underneath (`None` when no strings file of `code` has it).
    pub(crate) fn own_string(&self, code: &str, key: &str) -> Option<&str> {
        self.strings.get(code)?.get(key).map(String::as_str)
    }

    /// This theme with templates that write `locale`'s strings: `t(k=…)`,
    /// `t_html(k=…)` for strings written in HTML, and `t_forms(k=…)` for
    /// the plural forms a script chooses from.
    pub(crate) fn localized(&self, locale: &Locale) -> Theme {
        let mut theme = self.clone();
        for (name, html) in [("t", false), ("t_html", true)] {
            let locale = locale.clone();
            theme
                .tera
                .register_function(name, strings::Translate { locale, html });
        }
        theme.tera.register_function(
            "t_forms",
            strings::Forms {
                locale: locale.clone(),
            },
        );
        theme
    }
}

/// Reads the interface strings of the default theme, the theme `dir` and
/// the site `root` (`strings/<code>.yaml`), later layers winning.
fn load_strings(root: &Path, theme_dir: &Path, errors: &mut Vec<Diagnostic>) -> Strings {
    let mut strings = Strings::new();
    let add = |strings: &mut Strings,
               errors: &mut Vec<Diagnostic>,
               code: &str,
               file: &str,
               text: &str| {
        let parsed = crate::yaml::YamlDoc::parse(file, text, text, 0)
            .map_err(|d| vec![d])
            .and_then(|doc| doc.deserialize::<BTreeMap<String, String>>());
        match parsed {
            Ok(map) => strings.entry(code.to_string()).or_default().extend(map),
            Err(ds) => errors.extend(ds),
        }
    };
    for (code, text) in STRINGS {
        let file = format!("(default theme)/strings/{code}.yaml");
        add(&mut strings, errors, code, &file, text);
    }
    for dir in [theme_dir.join("strings"), root.join("strings")] {
        for rel in fs::list_files(&dir) {
            let Some(code) = rel.strip_suffix(".yaml") else {
                continue;
            };
            let shown = crate::source::display_path(root, &dir.join(&rel));
            match fs::read_text(&dir.join(&rel), &shown) {
                Ok(text) => add(&mut strings, errors, code, &shown, &text),
                Err(d) => errors.push(d),
            }
        }
    }
    strings
}

#[derive(Clone)]
pub(crate) enum StaticFile {
    Embedded(&'static str),
    Disk(std::path::PathBuf),
}

/// Loads the theme `name` for the site at `root`.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                (format!("(default theme)/{n}"), t.to_string()),
            )
        })
        .collect();
    let theme_dir = root.join("themes").join(name);
    if name != "default" && !theme_dir.is_dir() {
        return Err(vec![
            Diagnostic::error(
                Span::new("casebook.yaml", 1, 1),
                format!("theme `{name}` not found"),
            )
            .with_help(format!(
                "create themes/{name}/templates/ or use `theme: default`"
            )),
        ]);
    }
    let mut errors = Vec::new();
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for rel in fs::list_files(&dir) {
            let shown = crate::source::display_path(root, &dir.join(&rel));
            match fs::read_text(&dir.join(&rel), &shown) {
                Ok(text) => {
                    sources.insert(rel, (shown, text));
                }
                Err(d) => errors.push(d),
            }
        }
    }
    let strings = load_strings(root, &theme_dir, &mut errors);
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's own escaping also turns every `/` into `&#x2F;`, which bloats
    // pages full of URLs; escaping & < > " ' is what HTML needs.
    tera.set_escape_fn(escape_html);
    tera.register_function("get_env", get_env);
    tera.register_filter("json_encode", json_encode);
    tera.register_filter("xml", xml_filter);
    if let Some(d) = cycles::find_cycle(&sources) {
        return Err(vec![d]);
    }
    let list: Vec<(String, String)> = sources
        .iter()
        .map(|(n, (_, t))| (n.clone(), t.clone()))
        .collect();
    if let Err(e) = tera.add_raw_templates(list) {
        errors.push(located_error(&e, &sources));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut statics: BTreeMap<String, StaticFile> = STATIC
        .iter()
        .map(|(n, t)| (n.to_string(), StaticFile::Embedded(t)))
        .collect();
    for dir in [theme_dir.join("static"), root.join("static")] {
        for rel in fs::list_files(&dir) {
            statics.insert(rel.clone(), StaticFile::Disk(dir.join(rel)));
        }
    }
    let shortcodes = sources
        .keys()
        .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
        .map(String::from)
        .collect();
    Ok(Theme {
        tera,
        shortcodes,
        statics,
        sources,
        strings,
    })
}

/// Environment variables templates may read: the build machine's other
/// variables (tokens, paths, user names) never reach a page.
const ENV_PREFIX: &str = "CASEBOOK_";

/// Tera's `get_env`, limited to variables named `CASEBOOK_*`.
fn get_env(args: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let name = args.get("name").and_then(|v| v.as_str()).unwrap_or("");
    if !name.starts_with(ENV_PREFIX) {
        return Err(tera::Error::msg(format!(
            "get_env(name=\"{name}\") refused: templates may read only {ENV_PREFIX}* variables"
        )));
    }
    match (std::env::var(name), args.get("default")) {
        (Ok(v), _) => Ok(tera::Value::String(v)),
        (Err(_), Some(d)) => Ok(d.clone()),
        (Err(_), None) => Err(tera::Error::msg(format!(
            "environment variable {name} is not set"
        ))),
    }
}

/// Tera's `json_encode` with `<`, `>` and `&` written as `\u003c`…, so
/// JSON placed in a `<script>` cannot close it (`</script>`) or open a
/// comment, whatever the content says.
fn json_encode(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let pretty = args
        .get("pretty")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(|e| tera::Error::msg(e.to_string()))?;
    let safe = text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Ok(tera::Value::String(safe))
}

/// HTML escaping of & < > " ', also dropping control characters (other than tab
/// and newlines), which HTML and XML do not allow.
/// `{{ text | xml | safe }}`: text escaped for XML, without the control
/// characters XML 1.0 forbids.
fn xml_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(crate::render::feeds::xml_text(&text)))
}

fn escape_html(s: &str) -> String {
    // html_escape drops control characters too.
    crate::html::html_escape(s)
}

/// A Tera error with its whole cause chain in one message.
pub(crate) fn template_error(e: &tera::Error) -> Diagnostic {
    located_error(e, &BTreeMap::new())
}

/// [`template_error`] at the template file and line it concerns: Tera
/// gives `--> line:col` for syntax errors and only the name of a missing
/// variable otherwise, which is then looked up in the template text.
fn located_error(e: &tera::Error, sources: &BTreeMap<String, (String, String)>) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    // The innermost template named is the one at fault.
    let named = msg
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter_map(|n| sources.get(n))
        .last();
    let span = match named {
        Some((shown, text)) => {
            let (line, col) = error_line(&msg, text);
            Span::new(shown, line, col)
        }
        None => Span::new("templates", 1, 1),
    };
    let mut d = Diagnostic::error(span, format!("template error: {msg}"))
        .with_help("fix the template named in the message");
    if let Some((_, text)) = named {
        d = d.with_source(text);
    }
    d
}

fn error_line(msg: &str, text: &str) -> (usize, usize) {
    if let Some(at) = msg.split("--> ").nth(1) {
        let mut nums = at
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        if let (Some(Ok(l)), Some(Ok(c))) =
            (nums.next().map(str::parse), nums.next().map(str::parse))
        {
            return (l, c);
        }
    }
    let var = msg
        .split("Variable `")
        .nth(1)
        .and_then(|r| r.split('`').next());
    if let Some(var) = var {
        for (i, line) in text.lines().enumerate() {
            if let Some(c) = line.find(var) {
                return (i + 1, line[..c].chars().count() + 1);
            }
        }
    }
    (1, 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_escape_markup_but_leave_slashes() {
        let root = std::env::temp_dir().join("casebook-theme-escape-test-no-such-site");
        let Ok(mut theme) = super::load(&root, "default") else {
            panic!("the embedded theme does not load");
        };
        theme
            .tera
            .add_raw_template("escape-test.html", "<a href=\"{{ u }}\">{{ t }}</a>")
            .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("u", "/cases/a/?x=1&y=2");
        ctx.insert("t", "<b>\"Tom's\"</b>");
        let html = theme.tera.render("escape-test.html", &ctx).unwrap();
        assert_eq!(
            html,
            "<a href=\"/cases/a/?x=1&amp;y=2\">&lt;b&gt;&quot;Tom&#39;s&quot;&lt;/b&gt;</a>"
        );
    }
}
