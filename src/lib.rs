//! casebook: a static site generator for business-model evolution knowledge
//! bases. Modules are listed in the order data flows through them; each
//! imports only from those above it (a test checks this).
//! `docs/ARCHITECTURE.md` is the map.

// Shared leaves: positioned problems, and escaping for HTML and XML.
pub mod diagnostics;
pub mod html;
// YAML with positions for every value.
pub mod yaml;
// The model: knowledge base, pages, dates, configuration, bibliography.
pub mod model;
// Reading and writing files, with errors as diagnostics.
pub mod fs;
// content/ and data files → model::Kb.
pub mod source;
// The link resolver and the graph of links.
pub mod links;
// Timeline and chart figures (SVG).
pub mod graphics;
// Markdown bodies → HTML, links, citations, headings; shortcodes.
pub mod markdown;
// Cross-checks of the model → diagnostics.
pub mod checks;
// The site: rendered bodies and indexes, read-only from here on.
pub mod site;
// Typed template contexts, built from the site.
pub mod views;
// Output files, staging and the swap into place.
pub mod output;
// The search index.
pub mod search;
// Jobs, templates, feeds, the theme.
pub mod render;
// load → analyse → emit: the one place that orders the stages.
pub mod pipeline;
// build, check, new, init, serve.
pub mod commands;

pub use commands::run;
pub use pipeline::BuildOptions;
