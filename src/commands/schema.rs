//! `casebook schema`: JSON Schema files for every file an editor writes,
//! with the site's own frameworks in the schemas of cases and stages.

use crate::diagnostics::{Diagnostic, Span};
use crate::model::Kind;
use crate::model::schema::{FrameworkKeys, schemas};
use crate::pipeline::{BuildOptions, Failure};
use std::path::Path;

/// Writes the schemas into `out`; returns how many. The site's content is
/// loaded for its frameworks; problems in it do not stop the schemas.
pub(crate) fn write(root: &Path, out: &Path) -> Result<usize, Failure> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        base_url: None,
        drafts: true,
        search: false,
        index: false,
    };
    let (_, loaded, _) = crate::pipeline::load(&opts)?;
    let frameworks: Vec<FrameworkKeys> = loaded
        .kb
        .pages_of(Kind::Framework)
        .filter_map(|(_, p)| match &p.data {
            crate::model::PageData::Framework(f) => Some(FrameworkKeys {
                slug: p.slug.clone(),
                dimensions: f.dimensions.iter().map(|d| d.key.clone()).collect(),
            }),
            _ => None,
        })
        .collect();
    let files = schemas(&frameworks);
    std::fs::create_dir_all(out).map_err(|e| io(out, &e))?;
    for f in &files {
        let path = out.join(&f.name);
        let mut text = serde_json::to_string_pretty(&f.schema).unwrap_or_default();
        text.push('\n');
        crate::fs::write_if_changed(&path, text.as_bytes()).map_err(|e| io(&path, &e))?;
    }
    Ok(files.len())
}

fn io(path: &Path, e: &dyn std::fmt::Display) -> Failure {
    Failure::Io(Diagnostic::error(
        Span::new(path.display().to_string(), 1, 1),
        format!("cannot write the schema: {e}"),
    ))
}
