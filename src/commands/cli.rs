//! Command-line interface; the doc comments are the help text.

use clap::{Parser, Subcommand, ValueEnum};
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
        /// Skip the search index (also `search: false` in casebook.yaml).
        #[arg(long)]
        no_search: bool,
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
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything a build would, writing nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        #[arg(long)]
        drafts: bool,
    },
    /// Write a commented skeleton for a new case, stage, framework or entity.
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: NewKind,
        /// Slug of the new item (lowercase letters, digits, `-`).
        slug: String,
        /// The case a new stage belongs to.
        #[arg(long)]
        case: Option<String>,
        /// Write a translation skeleton of the existing page into this
        /// language (`ru` writes `<slug>.ru.md` beside it).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write JSON Schema files for front matter, data files and casebook.yaml,
    /// with the site's own frameworks, for editors' completion and checks.
    Schema {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder for the schema files (default: ROOT/schemas).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create a minimal knowledge base in DIR that builds at once.
    Init {
        /// Directory to create (must be empty or absent).
        dir: PathBuf,
    },
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line:col: error: message`, the source line, a caret and a hint.
    Human,
    /// A JSON array of diagnostics.
    Json,
}

/// What `casebook new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Case,
    Stage,
    Framework,
    Entity,
}
