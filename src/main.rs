use clap::Parser;

/// Builds allocate and free many short-lived strings; mimalloc reuses that memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if std::env::var_os(casebook::CHUNK_SIZE_VAR).is_none() {
        // SAFETY: no other thread exists yet, so nothing reads the
        // environment while it changes. Pagefind reads this setting only
        // from the environment.
        #[expect(
            unsafe_code,
            reason = "Pagefind's chunk size is set only through the environment"
        )]
        unsafe {
            std::env::set_var(casebook::CHUNK_SIZE_VAR, casebook::CHUNK_SIZE.to_string());
        }
    }
    let cli = casebook::Cli::parse();
    std::process::exit(casebook::run(cli));
}
