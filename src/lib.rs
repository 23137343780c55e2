//! casebook: a static site generator for business-model evolution knowledge
//! bases. Modules are listed in the order data flows through them; each
//! imports only from those above it. `docs/ARCHITECTURE.md` is the map.

// Shared leaves.
pub mod diagnostics;
pub mod html;
// Stages, in data-flow order.
pub mod checks;
pub mod commands;
pub mod fs;
pub mod graphics;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod site;
pub mod source;
pub mod views;
pub mod yaml;

pub use pipeline::{BuildOptions, run};
