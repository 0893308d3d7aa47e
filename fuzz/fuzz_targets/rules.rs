//! The rule parser and resolver on arbitrary text, against the example directory.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathways::directory::{self, model::Directory};
use pathways::rules;
use pathways::source::Sources;

fn example() -> &'static (Directory, Sources) {
    static EXAMPLE: OnceLock<(Directory, Sources)> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        let mut sources = Sources::new();
        let (directory, _) = directory::load(pathways_fuzz::example(), &mut sources);
        (directory, sources)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (directory, sources) = example();
    let mut sources = sources.clone();
    let file = sources.add("rules/fuzz.pathways", text);
    let (syntax, diagnostics) = rules::parse(file, sources.text(file));
    let (_, more) = rules::resolve(&[syntax], &sources, directory);
    for diagnostic in diagnostics.iter().chain(&more) {
        diagnostic.render(&sources, false);
    }
});
