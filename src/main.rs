use clap::Parser;

fn main() {
    let cli = casebook::commands::cli::Cli::parse();
    std::process::exit(casebook::run(cli));
}
