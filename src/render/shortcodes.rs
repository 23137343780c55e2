//! Shortcode calls in page bodies, filled with their templates
//! (`shortcodes/<name>.html`) where the Markdown left their placeholders.

use super::{aggregate, insert};
use crate::diagnostics::Diagnostic;
use crate::markdown::shortcodes::Call;
use crate::model::{Kind, PageId};
use crate::render::theme::{Theme, template_error};
use crate::site::{Prepared, applies};
use crate::views::kinds::{case_timeline, dataset_view};
use std::collections::BTreeSet;
use tera::Context;

/// Replaces the shortcode placeholders of page `id` with their templates'
/// output; returns the citation keys the expanded parts show.
pub(super) fn expand_shortcodes(
    prep: &Prepared<'_>,
    theme: &Theme,
    id: PageId,
    html: &mut String,
) -> Result<BTreeSet<String>, Diagnostic> {
    let kb = prep.kb;
    let page = &kb.pages[id];
    let mut cites = BTreeSet::new();
    for (n, call) in prep.shortcodes[id].iter().enumerate() {
        let token = crate::markdown::shortcodes::placeholder(n);
        let block = format!("<p>{token}</p>");
        let at = || {
            let (line, col) = page.source.line_col(page.source.body_start + call.offset);
            crate::diagnostics::Span::new(&page.source.file, line, col)
        };
        if !html.contains(&block) {
            if html.contains(&token) {
                return Err(Diagnostic::error(
                    at(),
                    format!(
                        "the `{}` shortcode must stand in a paragraph of its own",
                        call.name
                    ),
                )
                .with_source(&page.source.text)
                .with_help("leave a blank line before and after the call"));
            }
            continue;
        }
        let mut ctx = Context::new();
        ctx.insert("args", &call.args);
        ctx.insert("page_url", &prep.url(id));
        let filled = match call.name.as_str() {
            "table" | "chart" => dataset_shortcode(prep, call, n, &mut ctx, &mut cites),
            "timeline" => timeline_shortcode(prep, call, &mut ctx),
            "evolution" => evolution_shortcode(prep, call, &mut ctx, &mut cites),
            "matrix" => matrix_shortcode(prep, call, &mut ctx, &mut cites),
            _ => Some(()),
        };
        if filled.is_none() {
            continue;
        }
        let out = theme
            .tera
            .render(&format!("shortcodes/{}.html", call.name), &ctx)
            .map_err(|e| {
                let mut d = template_error(&e);
                d.message = format!(
                    "{} (in the `{}` shortcode at {}:{}:{})",
                    d.message,
                    call.name,
                    page.source.file,
                    at().line,
                    at().col
                );
                d
            })?;
        *html = html.replacen(&block, out.trim(), 1);
    }
    Ok(cites)
}

/// `table` and `chart`: a dataset, and for a chart its SVG.
fn dataset_shortcode(
    prep: &Prepared<'_>,
    call: &Call,
    n: usize,
    ctx: &mut Context,
    cites: &mut BTreeSet<String>,
) -> Option<()> {
    let kb = prep.kb;
    let arg = |k: &str| arg(call, k);
    let ds = kb.datasets.get(arg("data"))?;
    cites.extend(ds.refs.iter().map(|c| c.key.clone()));
    insert(ctx, "dataset", &dataset_view(prep, arg("data"), ds, n));
    if call.name == "chart" {
        let series =
            crate::graphics::chart::series_of(ds, call.args.get("column").and_then(|a| a.as_str()));
        let unit = ds.unit.as_deref().unwrap_or("");
        let svg = if arg("kind") == "line" {
            crate::graphics::chart::line(&kb.locale, &ds.title, unit, &series)
        } else {
            crate::graphics::chart::bar(&kb.locale, &ds.title, unit, &series)
        };
        ctx.insert("chart", &svg);
    }
    Some(())
}

/// `timeline`: a case's timeline figure.
fn timeline_shortcode(prep: &Prepared<'_>, call: &Call, ctx: &mut Context) -> Option<()> {
    let kb = prep.kb;
    let arg = |k: &str| arg(call, k);
    let &cid = kb.by_path.get(format!("cases/{}", arg("case")).as_str())?;
    ctx.insert("timeline", &case_timeline(prep, cid, &prep.url(cid)));
    insert(ctx, "case", &prep.link(cid));
    Some(())
}

/// `evolution`: what changed between two stages in one framework.
fn evolution_shortcode(
    prep: &Prepared<'_>,
    call: &Call,
    ctx: &mut Context,
    cites: &mut BTreeSet<String>,
) -> Option<()> {
    let kb = prep.kb;
    let arg = |k: &str| arg(call, k);
    let stage = |k: &str| {
        kb.by_path
            .get(format!("cases/{}", arg(k)).as_str())
            .copied()
    };
    let (Some(from), Some(to)) = (stage("from"), stage("to")) else {
        return None;
    };
    let fw = call
        .args
        .get("framework")
        .and_then(|a| a.as_str())
        .unwrap_or(crate::model::CANVAS);
    cites.extend(prep.cites[from].iter().cloned());
    cites.extend(prep.cites[to].iter().cloned());
    insert(
        ctx,
        "evolution",
        &crate::views::evolution::framework_evolution(prep, fw, &[from, to]),
    );
    insert(ctx, "from", &prep.link(from));
    insert(ctx, "to", &prep.link(to));
    Some(())
}

/// `matrix`: a framework's entries for a case (or the first cases).
fn matrix_shortcode(
    prep: &Prepared<'_>,
    call: &Call,
    ctx: &mut Context,
    cites: &mut BTreeSet<String>,
) -> Option<()> {
    let kb = prep.kb;
    let arg = |k: &str| arg(call, k);
    let &fid = kb
        .by_path
        .get(format!("frameworks/{}", arg("framework")).as_str())?;
    let mut rows = Vec::new();
    let cases: Vec<PageId> = match kb.by_path.get(format!("cases/{}", arg("case")).as_str()) {
        Some(&cid) => vec![cid],
        None => kb
            .pages_of(Kind::Case)
            .map(|(c, _)| c)
            .take(aggregate::MATRIX_CASES)
            .collect(),
    };
    for cid in cases {
        rows.push((cid, call.args.contains_key("case")));
        rows.extend(
            kb.stages_of(&kb.pages[cid].path)
                .iter()
                .map(|(s, _, _)| (*s, !call.args.contains_key("case"))),
        );
    }
    rows.retain(|(r, _)| applies(&kb.pages[*r], arg("framework")));
    for (r, _) in &rows {
        cites.extend(prep.cites[*r].iter().cloned());
    }
    let fw = prep.link(fid);
    let caption = match kb.by_path.get(format!("cases/{}", arg("case")).as_str()) {
        Some(&cid) => format!("{} — {}", fw.title, kb.pages[cid].meta.title),
        None => fw.title.clone(),
    };
    ctx.insert("caption", &caption);
    insert(ctx, "framework", &fw);
    ctx.insert("matrix", &prep.matrix(arg("framework"), &rows));
    Some(())
}

/// The text of a call's argument, or "" when it is absent.
fn arg<'c>(call: &'c Call, key: &str) -> &'c str {
    call.args.get(key).and_then(|a| a.as_str()).unwrap_or("")
}
