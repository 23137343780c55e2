use clap::Parser;

fn main() {
    let cli = casebook::cli::Cli::parse();
    std::process::exit(casebook::run(cli));
}
