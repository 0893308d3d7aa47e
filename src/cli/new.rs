//! `pathways new DIR`: a new area that checks, tests and builds clean, for another
//! partnership to start from. The files are `scaffold/` of this repository compiled
//! into the binary, with the site's built-in templates and assets and the JSON
//! Schemas beside them, so a new area can restyle its site and its editor can check
//! its YAML. An existing file is never replaced.

use std::path::{Path, PathBuf};

use super::Outcome;
use super::args::NewArgs;
use super::output::Output;
use crate::files::create_atomically;
use crate::golden::schema;
use crate::site::look::Look;

macro_rules! scaffold {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_str!(concat!("../../scaffold/", $path)))),*]
    };
}

/// The files of `scaffold/`, by path in the new area.
const SCAFFOLD: [(&str, &str); 11] = scaffold!(
    ".github/workflows/pathways.yml",
    ".gitignore",
    "README.md",
    "directory/area.yaml",
    "directory/categories.yaml",
    "directory/localities.yaml",
    "directory/services/local-support.yaml",
    "directory/services/national-helpline.yaml",
    "rules/pathways.pathways",
    "rules/questions.pathways",
    "tests/golden/pathways.yaml",
);

/// Stands for the day the area is made, as each service's `reviewed` date.
const TODAY: &str = "{{today}}";

pub fn run(args: &NewArgs, out: &Output) -> Outcome {
    let files = files(&crate::area::today().to_string());
    if let Err(problem) = may_write(&args.dir, args.force, &files) {
        out.note(&problem);
        return Outcome::Failure;
    }
    let written = files.iter().try_for_each(|(path, text)| {
        write_new(&args.dir.join(path), text).map_err(|e| (path.clone(), e))
    });
    if let Err((path, error)) = written {
        out.note(&format!(
            "error: cannot write `{}`: {error}\n\
             help: the files written before it are still there: fix the problem, remove \
             them (or the folder) and run `pathways new` again",
            args.dir.join(path).display()
        ));
        return Outcome::Failure;
    }
    out.note(&next_steps(&args.dir, files.len()));
    Outcome::Success
}

/// Every file of a new area (relative path and text), sorted by path.
fn files(today: &str) -> Vec<(String, String)> {
    let scaffold = SCAFFOLD
        .iter()
        .map(|(path, text)| (path.to_string(), text.replace(TODAY, today)));
    let site = Look::builtin_files()
        .into_iter()
        .map(|(path, text)| (path, text.to_string()));
    let schemas = schema::all()
        .into_iter()
        .map(|file| (format!("schemas/{}", file.name), file.text));
    let mut files: Vec<_> = scaffold.chain(site).chain(schemas).collect();
    files.sort();
    files
}

/// Why the area may not be made in `dir`, if it may not: `dir` is not a folder, is
/// not empty (without `--force`), or already has one of the files.
fn may_write(dir: &Path, force: bool, files: &[(String, String)]) -> Result<(), String> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(format!(
            "error: `{}` is a file, not a folder\nhelp: choose a new folder for the area",
            dir.display()
        ));
    }
    let existing = already_there(dir, files);
    if !existing.is_empty() {
        return Err(format!(
            "error: `{}` already has {} of the files of a new area, and they are never replaced:\n{}\
             help: choose a new folder, or move those files away first",
            dir.display(),
            existing.len(),
            existing
                .iter()
                .map(|p| format!("  {}\n", p.display()))
                .collect::<String>()
        ));
    }
    if !force && !is_empty(dir)? {
        return Err(format!(
            "error: `{}` is not empty\n\
             help: choose a new folder, or pass `--force` to add the area's files beside what \
             is there (no file is ever replaced)",
            dir.display()
        ));
    }
    Ok(())
}

/// The files of a new area that `dir` already has (files or folders of that name).
fn already_there(dir: &Path, files: &[(String, String)]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|(path, _)| PathBuf::from(path))
        .filter(|path| dir.join(path).symlink_metadata().is_ok())
        .collect()
}

/// Empty, or holding only `.git` (a repository made for the area just before).
fn is_empty(dir: &Path) -> Result<bool, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("error: cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("error: cannot read `{}`: {e}", dir.display()))?;
        if entry.file_name() != ".git" {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes a file that must not exist yet: even a file made since the check above is
/// never replaced, and an interrupted run never leaves half a file.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    create_atomically(path, text)
}

fn next_steps(dir: &Path, count: usize) -> String {
    let shown = dir.display();
    format!(
        "made a new area in `{shown}` ({count} files)\n\
         \n\
         next, in `{shown}`:\n\
         \x20 edit directory/area.yaml, then directory/localities.yaml and directory/services/\n\
         \x20 pathways check     every problem, with where and how to fix it\n\
         \x20 pathways test      the golden tests in tests/golden/\n\
         \x20 pathways serve     preview the site at http://127.0.0.1:8000/\n\
         README.md there says what each file is for."
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// `SCAFFOLD` lists every file of `scaffold/`, so none is left out of the binary.
    #[test]
    fn the_scaffold_list_has_every_file_of_the_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scaffold");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&folder)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e.path().strip_prefix(&folder).unwrap();
                relative.to_string_lossy().replace('\\', "/")
            })
            .collect();
        let mut listed: Vec<String> = SCAFFOLD.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        on_disk.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn every_service_gets_the_day_it_was_made() {
        let files = files("2025-04-01");
        let services: Vec<_> = files
            .iter()
            .filter(|(p, _)| p.starts_with("directory/services/"))
            .collect();
        assert_eq!(services.len(), 2);
        for (path, text) in services {
            assert!(text.contains("reviewed: 2025-04-01\n"), "{path}");
        }
        assert!(files.iter().all(|(_, text)| !text.contains(TODAY)));
    }
}
