//! `casebook schema`: JSON Schema files for every file an editor writes,
//! with the site's own frameworks in the schemas of cases and stages.

use crate::diagnostics::{Diagnostic, Span};
use crate::model::Kind;
use crate::model::schema::{FrameworkKeys, schemas};
use crate::pipeline::{BuildOptions, Failure};
use std::path::Path;

/// Writes the schemas into `out`; returns how many. The site's content is
/// loaded for its frameworks; when the configuration or the theme cannot be
/// read, the schemas are written anyway, allowing any framework.
pub(crate) fn write(root: &Path, out: &Path) -> Result<usize, Failure> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        base_url: None,
        drafts: true,
        search: false,
        index: false,
    };
    let frameworks: Option<Vec<FrameworkKeys>> = match crate::pipeline::load(&opts) {
        Ok((_, loaded, _)) => Some(frameworks_of(&loaded.kb)),
        Err(failure) => {
            for d in failure.diagnostics() {
                eprint!("{}", d.render());
            }
            eprintln!(
                "warning: the site could not be read, so the schemas of cases and stages allow any framework"
            );
            None
        }
    };
    let files = schemas(frameworks.as_deref());
    std::fs::create_dir_all(out).map_err(|e| io(out, &e))?;
    for f in &files {
        let path = out.join(&f.name);
        let mut text = serde_json::to_string_pretty(&f.schema).unwrap_or_default();
        text.push('\n');
        crate::fs::write_if_changed(&path, text.as_bytes()).map_err(|e| io(&path, &e))?;
    }
    Ok(files.len())
}

/// The site's frameworks with their dimension keys.
fn frameworks_of(kb: &crate::model::Kb) -> Vec<FrameworkKeys> {
    kb.pages_of(Kind::Framework)
        .filter_map(|(_, p)| match &p.data {
            crate::model::PageData::Framework(f) => Some(FrameworkKeys {
                slug: p.slug.clone(),
                dimensions: f.dimensions.iter().map(|d| d.key.clone()).collect(),
            }),
            _ => None,
        })
        .collect()
}

fn io(path: &Path, e: &dyn std::fmt::Display) -> Failure {
    Failure::Io(Diagnostic::error(
        Span::new(path.display().to_string(), 1, 1),
        format!("cannot write the schema: {e}"),
    ))
}
