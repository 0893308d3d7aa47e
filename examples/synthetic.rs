//! Writes a synthetic area root for benchmarks and scale tests:
//!
//! ```text
//! cargo run --release --example synthetic -- OUT [LOCALITIES QUESTIONS SERVICES PATHWAYS [SEED]]
//! cargo run --release --example synthetic -- /tmp/national 343 20 10000 2000
//! ```
//! Without sizes it writes a national-scale area. Then run any command on it, e.g.
//! `pathways --root /tmp/national check`.

use std::process::ExitCode;

use pathways::synthetic::{self, Size};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: synthetic OUT [LOCALITIES QUESTIONS SERVICES PATHWAYS [SEED]]");
        return ExitCode::from(2);
    };
    let numbers: Result<Vec<usize>, _> = args.iter().skip(1).map(|a| a.parse()).collect();
    let size = match numbers.as_deref() {
        Ok([]) => Size::NATIONAL,
        Ok([localities, questions, services, pathways, rest @ ..]) if rest.len() <= 1 => Size {
            localities: *localities,
            questions: *questions,
            services: *services,
            pathways: *pathways,
            seed: rest.first().map_or(1, |&s| s as u64),
        },
        _ => {
            eprintln!("error: sizes must be four whole numbers (and an optional seed)");
            return ExitCode::from(2);
        }
    };
    match synthetic::generate(size).write(std::path::Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: could not write {out}: {error}");
            ExitCode::from(2)
        }
    }
}
