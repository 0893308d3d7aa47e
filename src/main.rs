//! The `pathways` command; everything it does lives in the library's `cli` module.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// See `Cargo.toml`: allocation dominated the site build under the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option: its number in mimalloc 3's `mimalloc.h`.
const PURGE_DELAY: mi_option_t = 15;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    pathways::cli::main()
}

/// mimalloc hands the memory it frees back to the system after a delay, so a build
/// that frees and allocates again has the kernel zero the same pages once more (a
/// sixth of a 10,000-service site build). Commands are over in seconds, and `serve`
/// needs as much again at its next rebuild: each keeps what it frees until it exits.
fn keep_freed_memory() {
    // SAFETY: sets an option of the allocator, before any other thread exists.
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libmimalloc_sys::mi_option_get;

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Its default (a second, in milliseconds) tells it from its neighbours.
        let default = unsafe { mi_option_get(PURGE_DELAY) };
        assert_eq!(
            default, 1000,
            "mimalloc's option {PURGE_DELAY} is not `purge_delay`"
        );
    }
}
