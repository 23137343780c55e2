//! How a case's business model changed from stage to stage: for each block
//! of the canvas (and each dimension of a framework applied in more than one
//! stage), the entries each stage added, kept, changed and dropped relative
//! to the stage before. Entries match by their `id`, else by their text
//! without citations and link syntax.

use crate::model::{CANVAS, PageId};
use crate::site::Prepared;
use crate::views::Link;
use pulldown_cmark::{Event, Options, Parser};
use serde::Serialize;

/// An entry of one stage, ready to compare.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    pub id: Option<&'a str>,
    /// The text a reader sees, without citations, lowercased.
    pub key: String,
    /// **HTML**, with its citations.
    pub html: &'a str,
}

/// What one stage did to a dimension, relative to the stage before.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Step<'a> {
    /// The first stage: its entries are where the case starts.
    pub first: bool,
    pub added: Vec<&'a str>,
    pub kept: Vec<&'a str>,
    pub changed: Vec<Change<'a>>,
    pub dropped: Vec<&'a str>,
    pub counts: Counts,
}

/// An entry that kept its `id` but not its text.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Change<'a> {
    pub before: &'a str,
    pub after: &'a str,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct Counts {
    pub added: usize,
    pub kept: usize,
    pub changed: usize,
    pub dropped: usize,
    /// Added, changed and dropped together.
    pub change: usize,
    /// 0–3: how large the change mark is drawn.
    pub size: usize,
}

/// Compares the entries of a dimension in two stages.
pub(crate) fn diff<'a>(before: &[Item<'a>], after: &[Item<'a>]) -> Step<'a> {
    let mut taken = vec![false; before.len()];
    let mut matched: Vec<Option<usize>> = vec![None; after.len()];
    // By id first, then by text; two entries with different ids are
    // different entries whatever their text.
    for (j, a) in after.iter().enumerate() {
        if let Some(id) = &a.id {
            matched[j] = claim(&mut taken, |i| before[i].id == Some(*id));
        }
    }
    for (j, a) in after.iter().enumerate() {
        if matched[j].is_none() {
            matched[j] = claim(&mut taken, |i| {
                before[i].key == a.key && (a.id.is_none() || before[i].id.is_none())
            });
        }
    }
    let mut step = Step::default();
    for (a, m) in after.iter().zip(&matched) {
        match m {
            Some(i) if before[*i].key == a.key => step.kept.push(a.html),
            Some(i) => step.changed.push(Change {
                before: before[*i].html,
                after: a.html,
            }),
            None => step.added.push(a.html),
        }
    }
    step.dropped = before
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(b, _)| b.html)
        .collect();
    step.counts = counts(&step);
    step
}

/// The first unclaimed index satisfying `pred`, now claimed.
fn claim(taken: &mut [bool], pred: impl Fn(usize) -> bool) -> Option<usize> {
    let i = (0..taken.len()).find(|&i| !taken[i] && pred(i))?;
    taken[i] = true;
    Some(i)
}

fn counts(step: &Step) -> Counts {
    let change = step.added.len() + step.changed.len() + step.dropped.len();
    Counts {
        added: step.added.len(),
        kept: step.kept.len(),
        changed: step.changed.len(),
        dropped: step.dropped.len(),
        change,
        size: match change {
            0 => 0,
            1 => 1,
            2 | 3 => 2,
            _ => 3,
        },
    }
}

/// The text a reader sees of an entry, for matching: wikilinks read as
/// their label (or target), citations and Markdown dropped, whitespace and
/// case folded, final punctuation ignored.
pub(crate) fn match_key(text: &str) -> String {
    let options = Options::ENABLE_WIKILINKS | Options::ENABLE_STRIKETHROUGH;
    let mut plain = String::with_capacity(text.len());
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Text(t) | Event::Code(t) => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            _ => {}
        }
    }
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain.as_str();
    while let Some(i) = rest.find("[@") {
        let Some(j) = rest[i..].find(']') else { break };
        out.push_str(&rest[..i]);
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(|c: char| matches!(c, '.' | ';' | ',' | ':') || c.is_whitespace())
        .to_lowercase()
}

/// The entries of a stage in one dimension, with their rendered HTML.
pub(crate) fn items<'a>(
    prep: &'a Prepared<'_>,
    stage: PageId,
    fw: &str,
    dim: &str,
) -> Vec<Item<'a>> {
    let page = &prep.kb.pages[stage];
    let Some((_, _, entry)) = page.entries().find(|(f, d, _)| *f == fw && *d == dim) else {
        return Vec::new();
    };
    entry
        .items()
        .into_iter()
        .zip(prep.cell_ref(stage, fw, dim))
        .map(|(it, cell)| Item {
            id: it.id,
            key: match_key(it.text),
            html: &cell.html,
        })
        .collect()
}

/// A case's evolution page.
#[derive(Debug, Serialize)]
pub(crate) struct EvolutionView<'a> {
    pub case: Link,
    pub stages: Vec<StageColumn>,
    pub frameworks: Vec<FrameworkEvolution<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct StageColumn {
    pub link: Link,
    pub period: String,
}

/// One framework across stages, dimension by dimension.
#[derive(Debug, Serialize)]
pub(crate) struct FrameworkEvolution<'a> {
    pub framework: Link,
    pub slug: String,
    pub rows: Vec<DimEvolution<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DimEvolution<'a> {
    pub key: String,
    pub label: String,
    /// One step per stage (`steps[0].first`).
    pub steps: Vec<Step<'a>>,
}

/// Frameworks a case's stages apply, the canvas first: those applied in
/// more than one stage.
fn compared_frameworks(prep: &Prepared<'_>, stages: &[PageId]) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::new();
    for &s in stages {
        for (fw, _, _) in prep.kb.pages[s].entries() {
            if !slugs.iter().any(|x| x == fw) {
                slugs.push(fw.to_string());
            }
        }
    }
    slugs.retain(|fw| {
        stages
            .iter()
            .filter(|&&s| prep.kb.pages[s].entries().any(|(f, _, _)| f == fw))
            .count()
            > 1
    });
    slugs.sort_by_key(|fw| (fw != CANVAS, fw.clone()));
    slugs
}

/// One framework's dimensions across `stages`, each compared with the one
/// before; `None` when the framework does not exist.
pub(crate) fn framework_evolution<'a>(
    prep: &'a Prepared<'_>,
    fw: &str,
    stages: &[PageId],
) -> Option<FrameworkEvolution<'a>> {
    let framework = prep.kb.framework(fw)?;
    let fid = *prep.kb.by_path.get(format!("frameworks/{fw}").as_str())?;
    let rows = framework
        .dimensions
        .iter()
        .map(|dim| {
            let per_stage: Vec<Vec<Item<'a>>> = stages
                .iter()
                .map(|&s| items(prep, s, fw, &dim.key))
                .collect();
            let steps = per_stage
                .iter()
                .enumerate()
                .map(|(i, now)| match i.checked_sub(1) {
                    None => {
                        let mut first = diff(&[], now);
                        first.first = true;
                        first
                    }
                    Some(p) => diff(&per_stage[p], now),
                })
                .collect();
            DimEvolution {
                key: dim.key.clone(),
                label: dim.label.clone(),
                steps,
            }
        })
        .collect();
    Some(FrameworkEvolution {
        framework: prep.link(fid),
        slug: fw.to_string(),
        rows,
    })
}

/// The evolution of case `id`'s business model over its stages.
pub(crate) fn view<'a>(prep: &'a Prepared<'_>, id: PageId) -> EvolutionView<'a> {
    let kb = prep.kb;
    let stages: Vec<PageId> = kb
        .stages_of(&kb.pages[id].path)
        .iter()
        .map(|(s, _, _)| *s)
        .collect();
    EvolutionView {
        case: prep.link(id),
        stages: stages
            .iter()
            .map(|&s| StageColumn {
                link: prep.link(s),
                period: crate::views::kinds::period_of(&kb.locale, &kb.pages[s]),
            })
            .collect(),
        frameworks: compared_frameworks(prep, &stages)
            .iter()
            .filter_map(|fw| framework_evolution(prep, fw, &stages))
            .collect(),
    }
}

/// Cases with an evolution page: two or more stages.
pub(crate) fn has_evolution(prep: &Prepared<'_>, case: PageId) -> bool {
    prep.kb.stages_of(&prep.kb.pages[case].path).len() > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item<'a>(id: Option<&'a str>, text: &'a str) -> Item<'a> {
        Item {
            id,
            key: match_key(text),
            html: text,
        }
    }

    #[test]
    fn entries_match_by_id_then_by_visible_text() {
        let before = [
            item(Some("vp"), "Cheap goods [@gu-2018, sec. 3.6]."),
            item(None, "Sold through [[vk|VK]]"),
            item(None, "Street markets"),
            item(Some("x"), "Same words"),
        ];
        let after = [
            item(Some("vp"), "Cheap and varied goods."),
            item(None, "Sold through [[vk|VK]] [@gu-2018, sec. 3.7]."),
            item(None, "Warehouses"),
            item(Some("y"), "Same words"),
        ];
        let step = diff(&before, &after);
        assert_eq!(step.changed.len(), 1, "same id, new text: {step:?}");
        assert_eq!(step.changed[0].before, before[0].html);
        assert_eq!(step.kept, vec![after[1].html], "citations ignored");
        // Different ids are different entries, whatever the words.
        assert_eq!(step.added, vec!["Warehouses", "Same words"]);
        assert_eq!(step.dropped, vec!["Street markets", "Same words"]);
        assert_eq!(
            (
                step.counts.added,
                step.counts.kept,
                step.counts.changed,
                step.counts.dropped
            ),
            (2, 1, 1, 2)
        );
        assert_eq!(step.counts.size, 3);
    }

    #[test]
    fn match_keys_read_as_the_reader_sees_them() {
        assert_eq!(
            match_key("Sold via [[vk|VK]] and `code` [@k, p. 2]."),
            "sold via vk and code"
        );
    }
}
