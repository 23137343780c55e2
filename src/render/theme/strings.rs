//! Interface strings in templates and views: `t(k=…)` and `t_html(k=…)`,
//! and the plural form of a counted string.

use crate::model::lang::Locale;
use std::collections::HashMap;

/// `t(k="nav.cases")` in a template: the interface string of the page's
/// language; other arguments fill its `{name}` placeholders. With `n`, a
/// key the language writes in plural forms (`timeline.events.one`, `.few`,
/// `.many`, `.other`) gives the form for that number.
///
/// `t_html(k=…)` is for strings written in HTML (links inside a sentence):
/// the string is written as it is, and its arguments are text, escaped.
pub(super) struct Translate {
    pub locale: Locale,
    pub html: bool,
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let asked = args.get("k").and_then(|v| v.as_str()).unwrap_or("");
        let key = match args.get("n").and_then(tera::Value::as_f64) {
            Some(n) if !self.locale.has(asked) => plural_key(&self.locale, asked, n),
            _ => asked.to_string(),
        };
        if !self.locale.has(&key) {
            return Err(tera::Error::msg(format!(
                "no interface string `{asked}`: add it to strings/en.yaml of the theme or the site"
            )));
        }
        let values: Vec<(String, String)> = args
            .iter()
            .filter(|(name, _)| name.as_str() != "k")
            .map(|(name, v)| {
                let text = match v {
                    tera::Value::String(s) => s.clone(),
                    tera::Value::Number(n) => n
                        .as_f64()
                        .map_or_else(|| n.to_string(), |x| self.locale.number(x)),
                    other => other.to_string(),
                };
                let text = if self.html {
                    crate::html::html_escape(&text)
                } else {
                    text
                };
                (name.clone(), text)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = values
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        Ok(tera::Value::String(self.locale.fill(&key, &pairs)))
    }

    fn is_safe(&self) -> bool {
        self.html
    }
}

/// `t_forms(k="search.results")` in a template: every plural form of a
/// counted string the language has, by CLDR category (`{"one": …,
/// "few": …, "other": …}`), for a script that counts in the browser
/// (`Intl.PluralRules` picks the category).
pub(super) struct Forms {
    pub locale: Locale,
}

impl tera::Function for Forms {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let key = args.get("k").and_then(|v| v.as_str()).unwrap_or("");
        let forms: serde_json::Map<String, tera::Value> =
            ["zero", "one", "two", "few", "many", "other"]
                .iter()
                .filter_map(|cat| {
                    let full = format!("{key}.{cat}");
                    self.locale
                        .has(&full)
                        .then(|| ((*cat).to_string(), self.locale.t(&full).into()))
                })
                .collect();
        if !forms.contains_key("other") {
            return Err(tera::Error::msg(format!(
                "no interface string `{key}.other`: a counted string needs at least its `other` form"
            )));
        }
        Ok(tera::Value::Object(forms))
    }
}

/// `{n} items` in the plural form the language uses for `n`
/// (`list.items.one`: `{n} item`, `list.items.other`: `{n} items`).
pub(crate) fn counted(locale: &Locale, key: &str, n: usize) -> String {
    let n = n as f64;
    locale.fill(&plural_key(locale, key, n), &[("n", &locale.number(n))])
}

/// The key of `key`'s plural form for `n`, falling back to `.other`.
fn plural_key(locale: &Locale, key: &str, n: f64) -> String {
    let form = format!("{key}.{}", plural_form(&locale.code, n));
    if locale.has(&form) {
        form
    } else {
        format!("{key}.other")
    }
}

/// The CLDR plural category of the number `n` in language `code`: `one`,
/// `few`, `many` or `other`, for the languages whose rules differ from
/// English's.
fn plural_form(code: &str, n: f64) -> &'static str {
    let language = code.split('-').next().unwrap_or(code);
    let whole = n.fract() == 0.0 && n >= 0.0;
    match language {
        "zh" | "ja" | "ko" | "vi" | "th" | "id" => "other",
        "ru" | "uk" | "be" if whole => {
            let (ten, hundred) = ((n % 10.0) as u8, (n % 100.0) as u8);
            match (ten, hundred) {
                (1, h) if h != 11 => "one",
                (2..=4, h) if !(12..=14).contains(&h) => "few",
                _ => "many",
            }
        }
        "ru" | "uk" | "be" => "other",
        _ if n == 1.0 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_follow_the_language() {
        let forms = |code: &str| {
            [1.0, 2.0, 5.0, 11.0, 21.0, 22.0, 112.0]
                .map(|n| plural_form(code, n))
                .join(" ")
        };
        assert_eq!(forms("en"), "one other other other other other other");
        assert_eq!(forms("ru"), "one few many many one few many");
        assert_eq!(forms("zh"), "other other other other other other other");
    }

    /// Each built-in language has every string the English file has and
    /// every one the default templates name (Chinese writes months as
    /// numbers), a counted one in each plural form the language uses.
    #[test]
    fn every_language_has_every_string() {
        use std::collections::{BTreeMap, BTreeSet};
        let parse = |text: &str| -> BTreeMap<String, String> {
            crate::yaml::YamlDoc::parse("strings", text, text, 0)
                .ok()
                .and_then(|doc| doc.deserialize().ok())
                .unwrap_or_default()
        };
        let files: BTreeMap<&str, BTreeMap<String, String>> = super::super::STRINGS
            .iter()
            .map(|(code, text)| (*code, parse(text)))
            .collect();
        let en = &files["en"];
        // A counted string has English forms `.one` and `.other`.
        let counted = |key: &str| {
            key.strip_suffix(".one")
                .or_else(|| key.strip_suffix(".other"))
                .filter(|base| en.contains_key(&format!("{base}.one")))
                .map(String::from)
        };
        let mut keys: BTreeSet<String> = en
            .keys()
            .map(|k| counted(k).unwrap_or_else(|| k.clone()))
            .collect();
        for (_, text) in super::super::TEMPLATES {
            for part in text.split("k=\"").skip(1) {
                if let Some((key, rest)) = part.split_once('"')
                    && (rest.starts_with(')') || rest.starts_with(','))
                {
                    keys.insert(key.to_string());
                }
            }
        }
        for (code, strings) in &files {
            let forms: BTreeSet<&str> = [1.0, 2.0, 5.0].map(|n| plural_form(code, n)).into();
            for key in keys
                .iter()
                .filter(|k| !(*code == "zh" && k.starts_with("month")))
            {
                let has = strings.contains_key(key)
                    || forms
                        .iter()
                        .all(|f| strings.contains_key(&format!("{key}.{f}")));
                assert!(has, "strings/{code}.yaml has no `{key}`");
            }
        }
    }

    #[test]
    fn a_missing_form_falls_back_to_other() {
        let pairs = [
            ("list.items.one", "{n} элемент"),
            ("list.items.few", "{n} элемента"),
            ("list.items.other", "{n} items"),
        ];
        let locale = Locale::new(
            "ru",
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        assert_eq!(counted(&locale, "list.items", 21), "21 элемент");
        assert_eq!(counted(&locale, "list.items", 3), "3 элемента");
        assert_eq!(counted(&locale, "list.items", 5), "5 items");
    }
}
