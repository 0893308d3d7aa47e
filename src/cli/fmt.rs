//! `pathways fmt`: rewrites rule files in the canonical layout, or with `--check` says
//! which would change (with a diff) without touching them.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Outcome;
use super::args::{Cli, FmtArgs};
use super::output::Output;
use crate::directory::load::{Unread, read_limited};
use crate::files::write_atomically;
use crate::rules::format;
use crate::rules::load::MAX_FILE_BYTES;
use crate::source::Sources;

pub fn run(cli: &Cli, args: &FmtArgs, out: &Output) -> Outcome {
    let files = if args.files.is_empty() {
        match rule_files(&cli.root) {
            Ok(files) => files,
            Err(message) => {
                out.note(&message);
                return Outcome::Failure;
            }
        }
    } else {
        args.files.clone()
    };
    let mut outcome = Outcome::Success;
    for path in &files {
        let result = one_file(path, args.check, out);
        outcome = worse(outcome, result);
    }
    outcome
}

/// The more serious of two outcomes.
fn worse(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Failure, _) | (_, Outcome::Failure) => Outcome::Failure,
        (Outcome::Problems, _) | (_, Outcome::Problems) => Outcome::Problems,
        _ => Outcome::Success,
    }
}

/// `ROOT/rules/*.pathways`, sorted by name.
fn rule_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let folder = root.join("rules");
    if !folder.is_dir() {
        return Err(format!(
            "error: there is no `rules` folder in `{}`\nhelp: run `pathways fmt` in the area's folder, pass `--root DIR`, or name the files",
            root.display()
        ));
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&folder)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| format!("error: cannot read `{}`: {e}", folder.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "pathways")
        {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn one_file(path: &Path, check: bool, out: &Output) -> Outcome {
    let shown = path.strip_prefix(".").unwrap_or(path).display().to_string();
    let text = match read_limited(path, MAX_FILE_BYTES).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            out.note(&format!("error: `{shown}` is not text (UTF-8)"));
            return Outcome::Failure;
        }
        Err(Unread::TooLarge) => {
            out.note(&format!(
                "error: `{shown}` is larger than the {} KiB a rule file may be, so it was not formatted",
                MAX_FILE_BYTES / 1024
            ));
            return Outcome::Failure;
        }
        Err(Unread::Io(error)) => {
            out.note(&format!("error: cannot read `{shown}`: {error}"));
            return Outcome::Failure;
        }
    };
    let mut sources = Sources::new();
    let file = sources.add(&shown, text.as_str());
    let formatted = match format::format_text(file, &text) {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            out.diagnostics(&sources, &diagnostics);
            out.note(&format!(
                "error: `{shown}` has syntax errors, so it was not formatted"
            ));
            return Outcome::Problems;
        }
    };
    if formatted == text {
        return Outcome::Success;
    }
    if check {
        out.print(&diff(&shown, &text, &formatted));
        return Outcome::Problems;
    }
    match write_atomically(path, &formatted) {
        Ok(()) => {
            out.note(&format!("formatted {shown}"));
            Outcome::Success
        }
        Err(error) => {
            out.note(&format!("error: cannot write `{shown}`: {error}"));
            Outcome::Failure
        }
    }
}

/// A unified diff from the file as it is to the file as `fmt` would write it.
pub fn diff(shown: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}
