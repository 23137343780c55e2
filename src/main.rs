use clap::Parser;

fn main() {
    let cli = casebook::Cli::parse();
    std::process::exit(casebook::run(cli));
}
