//! The whole pipeline: one example file (directory or rules) replaced by the input,
//! then, when it loads without errors, compiled to a decision diagram and checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathways::analysis;
use pathways_fuzz::{DIRECTORY_FILES, RULE_FILES, Scratch, split};

fuzz_target!(|data: &[u8]| {
    let files: Vec<&'static str> = RULE_FILES.iter().chain(&DIRECTORY_FILES).copied().collect();
    let Some((file, text)) = split(data, &files) else {
        return;
    };
    let area = Scratch::get().load_with(file, text);
    if area.has_errors() {
        return;
    }
    let date = area.reference_date(None);
    for diagnostic in analysis::check(&area, date) {
        diagnostic.render(&area.sources, false);
    }
});
