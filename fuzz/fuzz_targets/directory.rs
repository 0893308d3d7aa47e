//! The directory loader on arbitrary bytes as one of the example's directory files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathways_fuzz::{DIRECTORY_FILES, Scratch, split};

fuzz_target!(|data: &[u8]| {
    let Some((file, text)) = split(data, &DIRECTORY_FILES) else {
        return;
    };
    let area = Scratch::get().load_with(file, text);
    for diagnostic in &area.diagnostics {
        diagnostic.render(&area.sources, false);
    }
});
