//! The view of each page as its template sees it: the page itself, its
//! breadcrumbs, backlinks, references, analysis cells, events and terms.

use super::*;
use crate::html::html_escape;
use crate::links::{Target, page_url, term_anchor};
use crate::markdown::cite::{cite_label, cite_list};
use crate::model::*;
use crate::site::{BACKLINKS_SHOWN, Prepared, applies, layout_name};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Values every page has.
#[derive(Debug, Default, Serialize)]
pub(crate) struct PageView {
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    /// Absolute URL (canonical).
    pub permalink: String,
    /// Rendered Markdown body.
    pub content: String,
    pub toc: Vec<crate::markdown::Heading>,
    pub tags: Vec<Link>,
    pub updated: Option<String>,
    pub edit_url: Option<String>,
    pub breadcrumbs: Vec<Link>,
    pub backlinks: Vec<BacklinkGroup>,
    pub references: Vec<RefView>,
    /// "Cite this page": the page as a reference in the site's style.
    pub cite: Option<CiteView>,
    /// The pages linked with this one, as a small map (cases, stages,
    /// frameworks and entities only).
    pub neighbourhood: Option<crate::views::map::Neighbourhood>,
    /// The page's `extra:` map, as written, for the theme's own use.
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
    /// The page in every language of the site (empty with one language).
    pub languages: Vec<LanguageLink>,
    /// Set when the page is shown untranslated in this language.
    pub fallback: Option<FallbackView>,
    /// Set when the page is a translation: its original.
    pub original: Option<LanguageLink>,
}

/// One language version of a page.
#[derive(Debug, Serialize, Clone, Default)]
pub(crate) struct LanguageLink {
    pub code: String,
    /// The language's own name (`Русский`).
    pub name: String,
    pub url: String,
    /// Absolute URL, for `hreflang`.
    pub permalink: String,
    /// The version the reader is on.
    pub current: bool,
    /// Written in that language (the original or a translation), not the
    /// original shown with a note.
    pub translated: bool,
}

/// A page shown in a language it has not been translated into.
#[derive(Debug, Serialize, Default)]
pub(crate) struct FallbackView {
    /// Language of the text shown (the original's).
    pub lang: String,
    /// The original page: the canonical URL of this one.
    pub original: LanguageLink,
}

#[derive(Debug, Serialize)]
pub(crate) struct CiteView {
    /// HTML, formatted by the citation style.
    pub html: String,
    pub bibtex: String,
}

/// Pages of one kind that link here.
#[derive(Debug, Serialize)]
pub(crate) struct BacklinkGroup {
    pub kind: String,
    pub items: Vec<Backlink>,
    /// Backlinks of this kind beyond those listed.
    pub more: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Backlink {
    pub title: String,
    pub url: String,
    pub context: String,
}

/// A formatted bibliography entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RefView {
    pub key: String,
    pub label: String,
    pub html: String,
    pub url: String,
    pub cited_by: Vec<Link>,
}

/// A framework applied across rows (stages, cases) and its dimensions.
#[derive(Debug, Serialize)]
pub(crate) struct MatrixView {
    pub framework: Link,
    pub slug: String,
    pub layout: String,
    pub dimensions: Vec<DimView>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct DimView {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MatrixRow {
    pub label: String,
    pub url: String,
    /// Period or case name under the label.
    pub note: String,
    pub whole_case: bool,
    pub cells: Vec<Vec<CellItem>>,
}

/// A framework's dimensions with the entries one page gives them.
#[derive(Debug, Serialize)]
pub(crate) struct AnalysisView {
    pub framework: Link,
    pub slug: String,
    /// Id of the section, unique on pages that show several analyses.
    pub anchor: String,
    pub layout: String,
    pub dims: Vec<DimCell>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DimCell {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub items: Vec<CellItem>,
}

#[derive(Debug, Serialize)]
pub(crate) struct EventView {
    pub anchor: String,
    pub date: String,
    pub date_human: String,
    pub precision: String,
    pub title: String,
    pub body: String,
    pub case: Option<Link>,
    pub stage: Option<Link>,
    pub entities: Vec<Link>,
    pub cites: String,
    /// Space-separated entity slugs and tag slugs, for in-page filters.
    pub filter_entities: String,
    pub filter_tags: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct TermView {
    pub anchor: String,
    pub term: String,
    /// The term in the default language, when this one is a translation.
    pub original: Option<String>,
    pub aliases: Vec<String>,
    pub definition: String,
    pub used_by: Vec<Link>,
    pub cites: String,
}

impl MatrixView {
    pub(crate) fn items_mut(&mut self) -> impl Iterator<Item = &mut CellItem> {
        self.rows
            .iter_mut()
            .flat_map(|r| r.cells.iter_mut().flatten())
    }
}

impl AnalysisView {
    pub(crate) fn items_mut(&mut self) -> impl Iterator<Item = &mut CellItem> {
        self.dims.iter_mut().flat_map(|d| d.items.iter_mut())
    }
}

impl Prepared<'_> {
    /// The common part of every page's context.
    pub(crate) fn page_view(&self, id: PageId) -> PageView {
        let p = &self.kb.pages[id];
        let body = &self.bodies[id];
        PageView {
            kind: p.kind.name().into(),
            title: p.meta.title.clone(),
            summary: p.meta.summary.clone(),
            url: self.url(id),
            permalink: format!(
                "{}{}",
                self.kb.config.base_url,
                page_url("", &p.path).trim_start_matches('/')
            ),
            content: body.html.clone(),
            toc: body.headings.clone(),
            tags: self.tag_links(&p.meta.tags),
            updated: p
                .meta
                .updated
                .or_else(|| self.kb.file_dates.get(&p.source.file).copied())
                .map(|d| self.kb.locale.date(&d)),
            edit_url: self
                .kb
                .config
                .edit_url
                .as_ref()
                .map(|e| format!("{e}{}", p.source.file)),
            breadcrumbs: self.breadcrumbs(id),
            backlinks: self.backlinks_of(&Target::Page(id)),
            references: self.references(&self.cites[id]),
            neighbourhood: crate::views::map::neighbourhood(self, id),
            cite: self.cite_this(id),
            extra: p.meta.extra.clone(),
            languages: Vec::new(),
            fallback: None,
            original: None,
        }
    }

    /// The page as a reference: formatted in the site's style, and BibTeX.
    fn cite_this(&self, id: PageId) -> Option<CiteView> {
        let p = &self.kb.pages[id];
        if matches!(p.kind, Kind::Home | Kind::Section) {
            return None;
        }
        let url = format!(
            "{}{}",
            self.kb.config.base_url,
            page_url("", &p.path).trim_start_matches('/')
        );
        let page = crate::model::bibliography::PageRef {
            title: &p.meta.title,
            site: &self.kb.config.title,
            url: &url,
            date: self.kb.page_date(id).map(|d| d.to_string()),
        };
        let date = self.kb.page_date(id).map(|d| (d.year, d.month, d.day));
        let html = match self.page_citer.as_ref()?.cite(&p.meta.title, &url, date) {
            Some(html) => html,
            None => self.kb.style.as_ref()?.format_page(&page)?,
        };
        Some(CiteView {
            html,
            bibtex: page.bibtex(&crate::source::slugify(&p.path.replace('/', "-"))),
        })
    }

    /// Tags as links to their tag pages.
    pub(crate) fn tag_links(&self, tags: &[String]) -> Vec<Link> {
        tags.iter()
            .map(|t| Link {
                title: t.clone(),
                url: page_url(
                    &self.base_path,
                    &format!("tags/{}", crate::source::slugify(t)),
                ),
                summary: None,
            })
            .collect()
    }

    fn breadcrumbs(&self, id: PageId) -> Vec<Link> {
        let p = &self.kb.pages[id];
        let mut crumbs = Vec::new();
        // A list page, named as the navigation names it (`nav.<path>`).
        let section = |path: &str| Link {
            title: self.kb.locale.t(&format!("nav.{path}")).into(),
            url: page_url(&self.base_path, path),
            summary: None,
        };
        match p.kind {
            Kind::Case => crumbs.push(section("cases")),
            Kind::Stage => {
                crumbs.push(section("cases"));
                if let PageData::Stage(s) = &p.data {
                    crumbs.extend(self.link_path(&s.case));
                }
            }
            Kind::Framework => crumbs.push(section("frameworks")),
            Kind::Entity => crumbs.push(section("entities")),
            Kind::Comparison => crumbs.push(section("compare")),
            Kind::Page | Kind::Section => {
                let mut prefix = String::new();
                let parts: Vec<&str> = p.path.split('/').collect();
                for part in &parts[..parts.len().saturating_sub(1)] {
                    prefix = if prefix.is_empty() {
                        part.to_string()
                    } else {
                        format!("{prefix}/{part}")
                    };
                    crumbs.extend(self.link_path(&prefix));
                }
            }
            _ => {}
        }
        crumbs
    }

    pub(crate) fn backlinks_of(&self, target: &Target) -> Vec<BacklinkGroup> {
        let mut groups: BTreeMap<Kind, BacklinkGroup> = BTreeMap::new();
        for (from, edge) in self.backlinks.get(target).into_iter().flatten() {
            let p = &self.kb.pages[*from];
            let site = &self.graph.edges[*edge].2;
            let group = groups.entry(p.kind).or_insert_with(|| BacklinkGroup {
                kind: plural(&self.kb.locale, p.kind),
                items: Vec::new(),
                more: 0,
            });
            if group.items.len() < BACKLINKS_SHOWN {
                group.items.push(Backlink {
                    title: p.meta.title.clone(),
                    url: self.url(*from),
                    context: site.context.clone(),
                });
            } else {
                group.more += 1;
            }
        }
        groups.into_values().collect()
    }

    /// Reference list for a set of citation keys.
    pub(crate) fn references(&self, keys: &BTreeSet<String>) -> Vec<RefView> {
        let mut refs = keys
            .iter()
            .filter(|k| self.kb.references.contains_key(*k))
            .map(|k| {
                let f = self.kb.citations.get(k).cloned().unwrap_or_default();
                (
                    f.order,
                    RefView {
                        key: k.clone(),
                        label: cite_label(self.kb, k),
                        html: if f.html.is_empty() {
                            html_escape(k)
                        } else {
                            f.html
                        },
                        url: format!("{}references/#ref-{k}", self.base_path),
                        cited_by: Vec::new(),
                    },
                )
            })
            .collect::<Vec<(usize, RefView)>>();
        // The style's bibliography order (alphabetical or by number).
        refs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.key.cmp(&b.1.key)));
        refs.into_iter().map(|(_, r)| r).collect()
    }

    pub(crate) fn dims(&self, fw: &FrameworkFm) -> Vec<DimView> {
        fw.dimensions
            .iter()
            .map(|d| DimView {
                key: d.key.clone(),
                label: d.label.clone(),
                description: d.description.clone(),
            })
            .collect()
    }

    /// Pages (whole case first, then its stages) that apply `fw`, as rows.
    pub(crate) fn matrix(&self, slug: &str, rows: &[(PageId, bool)]) -> Option<MatrixView> {
        let fw = self.kb.framework(slug)?;
        let fw_id = self.kb.by_path[&format!("frameworks/{slug}")];
        let rows = rows
            .iter()
            .filter(|(id, _)| applies(&self.kb.pages[*id], slug))
            .map(|&(id, with_case)| {
                let p = &self.kb.pages[id];
                let period = crate::views::kinds::period_of(&self.kb.locale, p);
                let (whole_case, note) = match &p.data {
                    PageData::Case(_) => (true, period),
                    PageData::Stage(s) => {
                        let case = self
                            .kb
                            .page(&s.case)
                            .map(|c| c.meta.title.clone())
                            .unwrap_or_default();
                        (
                            false,
                            if with_case {
                                format!("{case} · {period}")
                            } else {
                                period
                            },
                        )
                    }
                    _ => (false, String::new()),
                };
                let label = if whole_case && !with_case {
                    self.kb.locale.t("matrix.whole_case").to_string()
                } else {
                    p.meta.title.clone()
                };
                MatrixRow {
                    label,
                    url: self.url(id),
                    note,
                    whole_case,
                    cells: fw
                        .dimensions
                        .iter()
                        .map(|d| self.cell(id, slug, &d.key))
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        (!rows.is_empty()).then(|| MatrixView {
            framework: self.link(fw_id),
            slug: slug.to_string(),
            layout: layout_name(fw.layout).into(),
            dimensions: self.dims(fw),
            rows,
        })
    }

    /// One page's analysis under one framework, dimension by dimension.
    pub(crate) fn analysis(&self, id: PageId, slug: &str) -> Option<AnalysisView> {
        let fw = self.kb.framework(slug)?;
        let fw_id = self.kb.by_path[&format!("frameworks/{slug}")];
        let page = &self.kb.pages[id];
        let anchor = match page.kind {
            Kind::Stage => format!("analysis-{slug}-{}", page.slug),
            _ => format!("analysis-{slug}"),
        };
        Some(AnalysisView {
            framework: self.link(fw_id),
            slug: slug.to_string(),
            anchor,
            layout: layout_name(fw.layout).into(),
            dims: fw
                .dimensions
                .iter()
                .map(|d| DimCell {
                    key: d.key.clone(),
                    label: d.label.clone(),
                    description: d.description.clone(),
                    items: self.cell(id, slug, &d.key),
                })
                .collect(),
        })
    }

    pub(crate) fn event_view(&self, index: usize, with_case: bool) -> EventView {
        let ev = &self.kb.events[index];
        let case = ev.case.as_deref();
        EventView {
            anchor: ev.anchor.clone(),
            date: ev.fm.date.to_string(),
            date_human: self.kb.locale.date(&ev.fm.date),
            precision: ev.fm.date.precision().into(),
            title: ev.fm.title.clone(),
            body: self.event_html[index].html.clone(),
            case: if with_case {
                case.and_then(|c| self.link_path(c))
            } else {
                None
            },
            stage: ev
                .fm
                .stage
                .as_ref()
                .and_then(|s| self.link_path(&format!("{}/{s}", case.unwrap_or("")))),
            entities: ev
                .fm
                .entities
                .iter()
                .filter_map(|e| self.link_path(&format!("entities/{e}")))
                .collect(),
            cites: cite_list(self.kb, &self.event_html[index].uncited),
            filter_entities: ev.fm.entities.join(" "),
            filter_tags: ev
                .fm
                .tags
                .iter()
                .map(|t| crate::source::slugify(t))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    pub(crate) fn term_view(&self, i: usize) -> TermView {
        let t = &self.kb.terms[i];
        let (term, aliases, original) = match &t.translated {
            Some(x) => (x.term.clone(), x.aliases.clone(), Some(t.term.clone())),
            None => (t.term.clone(), t.aliases.clone(), None),
        };
        TermView {
            anchor: term_anchor(&t.term),
            term,
            original,
            aliases,
            definition: self.term_html[i].clone(),
            used_by: self
                .backlinks
                .get(&Target::Term(i))
                .into_iter()
                .flatten()
                .map(|(id, _)| self.link(*id))
                .collect(),
            cites: cite_list(self.kb, &t.refs),
        }
    }

    /// A glossary link for a model value (`B2C`) when a term exists.
    pub(crate) fn term_link(&self, name: &str) -> Link {
        let lower = name.to_lowercase();
        let found = self.kb.terms.iter().find(|t| {
            t.term.to_lowercase() == lower || t.aliases.iter().any(|a| a.to_lowercase() == lower)
        });
        Link {
            title: name.to_string(),
            url: found
                .map(|t| format!("{}glossary/#{}", self.base_path, term_anchor(&t.term)))
                .unwrap_or_default(),
            summary: found.map(|t| t.definition.clone()),
        }
    }
}
