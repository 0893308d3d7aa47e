//! The `pathways` command; everything it does lives in the library's `cli` module.

/// See `Cargo.toml`: allocation dominated the site build under the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pathways::cli::main()
}
