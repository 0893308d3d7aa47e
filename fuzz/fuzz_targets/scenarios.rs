//! Golden scenario files: arbitrary text as a scenario file, resolved against the
//! example's rules and directory and, when it resolves, run and reported.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathways::area::Area;
use pathways::golden::{self, Options, report};

fn example() -> &'static Area {
    static EXAMPLE: OnceLock<Area> = OnceLock::new();
    EXAMPLE.get_or_init(|| Area::load(pathways_fuzz::example()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let area = example();
    let mut sources = area.sources.clone();
    let file = sources.add("tests/golden/fuzz.yaml", text);
    let files = [(file, PathBuf::from("tests/golden/fuzz.yaml"))];
    let (scenarios, diagnostics) = golden::resolve(&sources, &files, &area.rules, &area.directory);
    for diagnostic in &diagnostics {
        diagnostic.render(&sources, false);
    }
    if diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let options = Options {
        as_of: area.reference_date(None),
        filter: None,
    };
    let run = golden::run(&area.rules, &area.directory, &scenarios, &options);
    report::text(&run, &sources);
    report::github(&run, &sources);
});
