//! Shared by the fuzz targets: a private copy of the example area in which one file at
//! a time is replaced by the fuzzer's input, then restored.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pathways::area::Area;

/// The files a fuzz input may replace; the input's first byte picks one (modulo the
/// count), the rest is the file's new text. `scripts/fuzz.sh` seeds the corpora the
/// same way, from the example area and the test fixtures.
pub const DIRECTORY_FILES: [&str; 4] = [
    "directory/area.yaml",
    "directory/localities.yaml",
    "directory/categories.yaml",
    "directory/services/fuzz.yaml",
];

pub const RULE_FILES: [&str; 3] = [
    "rules/questions.pathways",
    "rules/victims.pathways",
    "rules/perpetrators.pathways",
];

/// The repository root, where the example area lives.
pub fn example() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A copy of the example area, made once per fuzzing process.
pub struct Scratch {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Scratch {
    pub fn get() -> &'static Scratch {
        static SCRATCH: OnceLock<Scratch> = OnceLock::new();
        SCRATCH.get_or_init(Scratch::new)
    }

    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().to_path_buf();
        for folder in ["directory", "directory/services", "rules"] {
            std::fs::create_dir_all(root.join(folder)).expect("create folder");
            for entry in std::fs::read_dir(example().join(folder)).expect("read example") {
                let path = entry.expect("entry").path();
                if path.is_file() {
                    let name = path.file_name().expect("file name");
                    std::fs::copy(&path, root.join(folder).join(name)).expect("copy");
                }
            }
        }
        Scratch { _dir: dir, root }
    }

    /// Loads the area with `relative` holding `text`, then puts the file back as it was.
    pub fn load_with(&self, relative: &str, text: &[u8]) -> Area {
        let path = self.root.join(relative);
        let before = std::fs::read(&path).ok();
        std::fs::write(&path, text).expect("write the input");
        let area = Area::load(&self.root);
        match before {
            Some(bytes) => std::fs::write(&path, bytes).expect("restore"),
            None => std::fs::remove_file(&path).expect("remove"),
        }
        area
    }
}

/// The file an input replaces, and its text.
pub fn split<'a>(data: &'a [u8], files: &[&'static str]) -> Option<(&'static str, &'a [u8])> {
    let (first, rest) = data.split_first()?;
    let file = files.get(usize::from(*first) % files.len())?;
    Some((file, rest))
}
