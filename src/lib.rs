//! casebook: a static site generator for business-model evolution knowledge
//! bases. Modules are listed in the order data flows through them; each
//! imports only from those above it (a test checks this).
//! `docs/ARCHITECTURE.md` is the map.

// Shared leaves: positioned problems, and escaping for HTML.
mod diagnostics;
mod html;
// YAML with positions for every value.
mod yaml;
// The model: knowledge base, pages, dates, configuration, bibliography.
mod model;
// Reading and writing files, with errors as diagnostics.
mod fs;
// content/ and data files → model::Kb.
mod source;
// Translations merged over their originals: the model in each language.
mod translate;
// The link resolver and the graph of links.
mod links;
// Timeline and chart figures (SVG).
mod graphics;
// Markdown bodies → HTML, links, citations, headings; shortcodes.
mod markdown;
// Cross-checks of the model → diagnostics.
mod checks;
// The site: rendered bodies and indexes, read-only from here on.
mod site;
// Typed template contexts, built from the site.
mod views;
// Output files, staging and the swap into place.
mod output;
// The search index.
mod search;
// Jobs, templates, feeds, the theme.
mod render;
// load → analyse → emit: the one place that orders the stages.
mod pipeline;
// build, check, new, init, serve.
mod commands;

// What the binary, the tests and the fuzz targets use.
pub use commands::cli::Cli;
pub use commands::run;
pub use commands::serve::session::{Outcome, Session};
pub use markdown::check_url;
pub use output::{MARKER, Staging};
pub use pipeline::{BuildOptions, Failure, build_in_memory};
pub use search::{CHUNK_SIZE, CHUNK_SIZE_VAR};
pub use source::parse_text;
