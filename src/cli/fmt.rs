//! `pathways fmt`: rewrites rule files in the canonical layout, or with `--check` says
//! which would change (with a diff) without touching them.

use std::io::Write;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Outcome;
use super::args::{Cli, FmtArgs};
use super::output::Output;
use crate::directory::load::{Unread, read_limited};
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

/// Writes a temporary file beside `path`, then renames it over `path`, so that an
/// interrupted run leaves either the old file or the new one, never half of one. The
/// temporary file is hidden and named after its file (`.NAME.XXXXXX.tmp`), so one left
/// by a killed run is plainly not an area file and is never read as one.
pub fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    // Through a symbolic link to the file it names: the link stays a link.
    let resolved = std::fs::canonicalize(path);
    let path = resolved.as_deref().unwrap_or(path);
    let temporary = written_beside(path, content)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(temporary.path(), metadata.permissions())?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// [`write_atomically`] for a file that must not exist yet: one made meanwhile is
/// never replaced (the rename fails instead).
pub fn create_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    written_beside(path, content)?
        .persist_noclobber(path)
        .map_err(|error| error.error)?;
    Ok(())
}

/// `content` in a hidden temporary file in `path`'s folder, written to the disk.
fn written_beside(path: &Path, content: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the usual permissions (the umask applies), not a temporary
    // file's owner-only ones.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temporary = builder.tempfile_in(folder)?;
    temporary.write_all(content.as_bytes())?;
    temporary.as_file().sync_all()?;
    Ok(temporary)
}
