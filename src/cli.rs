//! Command-line interface; the doc comments are the help text.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// casebook: build business-model case-study knowledge bases into static sites.
#[derive(Debug, Parser)]
#[command(name = "casebook", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (public/ by default).
    Build {
        /// Knowledge-base root (holds casebook.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory, relative to the current directory.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override `base_url` from casebook.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Build the site and serve it over HTTP on loopback.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to bind (loopback by default).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything a build would, writing nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
    },
}
