//! casebook: a static site generator for business-model evolution knowledge
//! bases. The pipeline: config → load → model → links → markdown → render → output.

pub mod aggregate;
pub mod bibliography;
pub mod chart;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod evolution;
pub mod feeds;
pub mod fs;
pub mod highlight;
pub mod incremental;
pub mod links;
pub mod load;
pub mod map;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pages;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shortcodes;
pub mod snippet;
pub mod theme;
pub mod timeline;
pub mod validate;
pub mod views;
pub mod yaml;

pub use pipeline::{BuildOptions, run};
