//! The commands: each parses its arguments and calls the pipeline.

pub(crate) mod cli;
pub(crate) mod scaffold;
pub(crate) mod schema;
pub(crate) mod serve;

use crate::diagnostics::{Diagnostic, Severity};
use crate::pipeline::{BuildOptions, Failure, build, check};
use cli::{Cli, Command, Format};
use std::time::Instant;

/// Exit codes: 0 ok, 1 content errors, 2 usage or I/O errors.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            no_search,
        } => build_command(BuildOptions {
            output: output.unwrap_or_else(|| root.join("public")),
            root,
            base_url,
            drafts,
            search: !no_search,
            index: !no_search,
        }),
        Command::Check {
            root,
            format,
            deny_warnings,
            drafts,
        } => check_command(
            &BuildOptions {
                output: root.join("public"),
                root,
                base_url: None,
                drafts,
                search: false,
                index: false,
            },
            format,
            deny_warnings,
        ),
        Command::New {
            kind,
            slug,
            case,
            lang,
            root,
        } => match scaffold::new_item(&root, kind, &slug, case.as_deref(), lang.as_deref()) {
            Ok(path) => {
                println!("created {}", path.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        },
        Command::Schema { root, out } => {
            let out = out.unwrap_or_else(|| root.join("schemas"));
            match schema::write(&root, &out) {
                Ok(n) => {
                    println!("wrote {n} schemas into {}", out.display());
                    0
                }
                Err(failure) => report(&failure),
            }
        }
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                println!(
                    "created a knowledge base in {}; try `casebook serve --root {}`",
                    dir.display(),
                    dir.display()
                );
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        },
        Command::Serve {
            root,
            bind,
            port,
            open,
            drafts,
        } => serve::serve(&root, &bind, port, open, drafts),
    }
}

/// `casebook build`: the site, then one summary line.
fn build_command(opts: BuildOptions) -> i32 {
    let start = Instant::now();
    match build(&opts) {
        Ok(summary) => {
            print_warnings(&summary.warnings);
            let kinds: Vec<String> = summary
                .pages_by_kind
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            println!(
                "built {} files ({}) into {} in {} ms",
                summary.files,
                kinds.join(", "),
                opts.output.display(),
                start.elapsed().as_millis()
            );
            for l in &summary.languages {
                println!(
                    "  /{}/: {} pages translated, {} shown in the original language",
                    l.code, l.translated, l.fallback
                );
            }
            0
        }
        Err(failure) => report(&failure),
    }
}

/// `casebook check`: every problem, as text or JSON.
fn check_command(opts: &BuildOptions, format: Format, deny_warnings: bool) -> i32 {
    let (diags, code) = match check(opts) {
        Ok(warnings) => {
            let code = i32::from(deny_warnings && !warnings.is_empty());
            (warnings, code)
        }
        Err(Failure::Content(ds)) => (ds, 1),
        Err(Failure::Io(d)) => (vec![d], 2),
    };
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&diags).unwrap_or_else(|_| "[]".into())
        ),
        Format::Human => {
            print_diagnostics(&diags);
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let warnings = diags.len() - errors;
            if code == 0 {
                println!("no errors ({warnings} warning{})", plural(warnings));
            } else {
                eprintln!(
                    "error: check found {errors} error{} and {warnings} warning{}",
                    plural(errors),
                    plural(warnings)
                );
            }
        }
    }
    code
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn print_diagnostics(ds: &[Diagnostic]) {
    for d in ds {
        eprint!("{}", d.render());
    }
}

/// Warnings a build prints in full; `check` lists every one.
const BUILD_WARNINGS_SHOWN: usize = 20;

/// A build's warnings, the first few in full, then a count: a large
/// knowledge base with many uncited entries should not bury the summary.
fn print_warnings(ds: &[Diagnostic]) {
    print_diagnostics(&ds[..ds.len().min(BUILD_WARNINGS_SHOWN)]);
    if ds.len() > BUILD_WARNINGS_SHOWN {
        eprintln!(
            "warning: {} more warnings not shown; `casebook check` lists them all",
            ds.len() - BUILD_WARNINGS_SHOWN
        );
    }
}

/// Prints the problems and returns the exit code.
pub(crate) fn report(failure: &Failure) -> i32 {
    let ds = failure.diagnostics();
    print_diagnostics(&ds);
    let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
    eprintln!(
        "error: build failed with {errors} error{}",
        if errors == 1 { "" } else { "s" }
    );
    match failure {
        Failure::Content(_) => 1,
        Failure::Io(_) => 2,
    }
}
