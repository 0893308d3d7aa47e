//! Reading an area's rule files: every `rules/*.pathways`, in file-name order, parsed
//! and resolved together into one rule set.

use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::directory::load::{Unread, at_most_per_file, read_limited, too_large};
use crate::directory::model::Directory;
use crate::rules::model::RuleSet;
use crate::rules::{parse, resolve};
use crate::source::Sources;

/// The largest rule file read, in bytes: the example's rules are a few KiB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// The most rule files read.
pub const MAX_FILES: usize = 10_000;

/// Loads `root/rules/*.pathways` into `sources` and resolves them against the
/// directory. Never fails: every problem is reported, and what resolves is kept.
pub fn load(
    root: &Path,
    sources: &mut Sources,
    directory: &Directory,
) -> (RuleSet, Vec<Diagnostic>) {
    let folder = root.join("rules");
    let mut diagnostics = Vec::new();
    if !folder.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                "missing-rules",
                format!("there is no `rules` folder in `{}`", root.display()),
            )
            .help("put the pathway rules in `rules/*.pathways` beside `directory/`"),
        );
        return (RuleSet::default(), diagnostics);
    }
    let mut files = Vec::new();
    let mut seen = 0usize;
    for entry in WalkDir::new(&folder)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(Diagnostic::error(
                    "unreadable-file",
                    format!("cannot read the `rules` folder: {error}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "pathways") {
            continue;
        }
        let shown = format!("rules/{}", entry.file_name().to_string_lossy());
        seen += 1;
        if seen > MAX_FILES {
            diagnostics.push(
                Diagnostic::error(
                    "too-many-files",
                    format!("the `rules` folder holds more than the {MAX_FILES} rule files allowed; `{shown}` and those after it were not read"),
                )
                .help("merge rule files: an area needs a handful"),
            );
            break;
        }
        match read_limited(path, MAX_FILE_BYTES).map(String::from_utf8) {
            Ok(Ok(text)) => {
                let file = sources.add(shown, text);
                let (syntax, problems) = parse::parse(file, sources.text(file));
                files.push(syntax);
                diagnostics.extend(problems);
            }
            Ok(Err(_)) => diagnostics.push(
                Diagnostic::error("unreadable-file", format!("`{shown}` is not text (UTF-8)"))
                    .help("save the rule file as plain UTF-8 text"),
            ),
            Err(Unread::TooLarge) => {
                let file = sources.add(shown.clone(), "");
                diagnostics.push(too_large(&shown, file, MAX_FILE_BYTES));
            }
            Err(Unread::Io(error)) => diagnostics.push(Diagnostic::error(
                "unreadable-file",
                format!("cannot read `{shown}`: {error}"),
            )),
        }
    }
    if files.is_empty() && diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                "missing-rules",
                "the `rules` folder has no `.pathways` files",
            )
            .help("write the questions and pathways in files such as `rules/pathways.pathways`"),
        );
    }
    let (rules, problems) = resolve::resolve(&files, sources, directory);
    diagnostics.extend(problems);
    (rules, at_most_per_file(diagnostics, sources))
}
