//! `pathways-peers`: the side-by-side comparisons `scripts/bench.sh` runs.
//!
//! ```text
//! pathways-peers zen AREA [SCENARIOS [ROUNDS [VERIFY]]]  # one JSON line: zen-engine vs ours
//! pathways-peers zen-table AREA                          # the generated zen decision (JDM) on stdout
//! pathways-peers hugo-site AREA OUT                      # a Hugo project of the area's service pages
//! pathways-peers service-pages AREA OUT                  # our build of only those pages
//! ```
//! Exit status: 0 done, 1 the engines disagree or the area has errors, 2 usage or I/O.

mod hugo;
mod pages;
mod rows;
mod scenarios;
mod table;
mod zen;

use std::path::Path;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: pathways-peers zen AREA [SCENARIOS [ROUNDS [VERIFY]]]
       pathways-peers zen-table AREA
       pathways-peers hugo-site AREA OUT
       pathways-peers service-pages AREA OUT";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["zen", root, numbers @ ..] => numbers_or_usage(numbers).map(|n| zen(root, &n)),
        ["zen-table", root] => Ok(zen_table(root)),
        ["hugo-site", root, out] => Ok(hugo::write(Path::new(root), Path::new(out))
            .map(|n| eprintln!("wrote a Hugo project of {n} service pages into {out}"))),
        ["service-pages", root, out] => Ok(pages::build(Path::new(root), Path::new(out))
            .map(|n| eprintln!("built {n} service pages into {out}"))),
        _ => Err(()),
    };
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(()) => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The optional numbers after `zen AREA`, with their defaults.
fn numbers_or_usage(numbers: &[&str]) -> Result<zen::Options, ()> {
    let parsed: Vec<usize> = numbers
        .iter()
        .map(|n| n.parse().map_err(|_| ()))
        .collect::<Result<_, _>>()?;
    if parsed.len() > 3 {
        return Err(());
    }
    let at = |i: usize, default: usize| parsed.get(i).copied().unwrap_or(default);
    Ok(zen::Options {
        scenarios: at(0, 1000),
        rounds: at(1, 7),
        verify: at(2, 5000),
    })
}

fn zen(root: &str, options: &zen::Options) -> Result<(), String> {
    let report = zen::compare(Path::new(root), options)?;
    println!("{report}");
    Ok(())
}

fn zen_table(root: &str) -> Result<(), String> {
    let (area, _) = pages::load(Path::new(root))?;
    let table = table::Table::new(&area.rules)?;
    println!("{:#}", table.jdm(&area.rules, true));
    Ok(())
}
