//! The built site in memory, and writing it to disk all at once: files go into a
//! temporary directory beside the output, which replaces the output only when every
//! file was written, in one atomic rename where the system has one. On any failure or
//! interruption the previous site stays exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::parallel::{Crashed, map_in_order};

/// Every file of a built site, by path relative to the site root (`/`-separated).
/// Kept in memory so links can be checked before anything is written, and so
/// `serve` can answer from it.
#[derive(Clone, Debug, Default)]
pub struct SiteFiles {
    files: BTreeMap<String, Vec<u8>>,
}

impl SiteFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. Paths are relative, `/`-separated, with no empty, `.` or `..`
    /// part; a path added twice is a build bug, reported rather than overwritten.
    pub fn add(&mut self, path: &str, content: impl Into<Vec<u8>>) -> Result<(), Box<Diagnostic>> {
        let valid = !path.is_empty()
            && path.split('/').all(|part| {
                !part.is_empty() && part != "." && part != ".." && !part.contains('\\')
            });
        if !valid {
            return Err(Box::new(
                Diagnostic::error(
                    "site-bad-path",
                    format!("the site cannot contain a file at `{path}`"),
                )
                .help("page paths are relative, `/`-separated, without `.` or `..`"),
            ));
        }
        if self
            .files
            .insert(path.to_string(), content.into())
            .is_some()
        {
            return Err(Box::new(
                Diagnostic::error(
                    "site-duplicate-path",
                    format!("two pages of the site would both be written to `{path}`"),
                )
                .help("give each service, category and locality a distinct id"),
            ));
        }
        Ok(())
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Files in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Writes the site to `out`, replacing whatever was there only once every file is
/// written: into `.NAME.building` beside `out`, then the two are exchanged in one
/// rename and the old site (now at `.NAME.building`) deleted. Where the system cannot
/// exchange, `out` is renamed to `.NAME.old` and the new directory to `out`; a run
/// interrupted between the two leaves `.NAME.old`, which the next run puts back first.
pub fn write_site(files: &SiteFiles, out: &Path) -> Result<(), Box<Diagnostic>> {
    let (building, old) = sibling_paths(out)?;
    if !out.exists() && old.is_dir() {
        fs::rename(&old, out).map_err(|e| write_failed(out, &e))?;
    }
    replaceable(files, out)?;
    remove_if_present(&building).map_err(|e| write_failed(&building, &e))?;
    if let Err(e) = write_all(files, &building) {
        // Best effort: the error that matters is the write that failed.
        let _ = fs::remove_dir_all(&building);
        return Err(e);
    }
    swap_in(&building, out, &old)
}

/// Whether `out` may be replaced whole: it is missing, an empty directory, or a previous
/// output of the same kind (it holds the new output's top-level `index.*` file). A
/// mistyped `--out rules` or `--out ~/Documents` must not delete what is there.
fn replaceable(files: &SiteFiles, out: &Path) -> Result<(), Box<Diagnostic>> {
    let refuse = |why: &str| {
        Box::new(
            Diagnostic::error(
                "site-bad-output",
                format!("`{}` {why}, so it was left as it was", out.display()),
            )
            .help("write into a new or empty folder, such as `public`, or remove this one first"),
        )
    };
    let Ok(meta) = fs::symlink_metadata(out) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            "is a symbolic link, and the output would replace the link, not its target",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse("is not a folder, and the output replaces it whole"));
    }
    let empty = fs::read_dir(out)
        .map_err(|e| write_failed(out, &e))?
        .next()
        .is_none();
    let index = files
        .iter()
        .map(|(path, _)| path)
        .find(|path| !path.contains('/') && path.starts_with("index."));
    if empty || index.is_some_and(|index| out.join(index).is_file()) {
        return Ok(());
    }
    let what = index.map_or_else(|| "an earlier output".to_string(), |i| format!("`{i}`"));
    Err(refuse(&format!(
        "holds other files but no {what} of an earlier output, and the output replaces it whole"
    )))
}

fn sibling_paths(out: &Path) -> Result<(PathBuf, PathBuf), Box<Diagnostic>> {
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        Box::new(
            Diagnostic::error(
                "site-bad-output",
                format!("`{}` cannot be the site's output directory", out.display()),
            )
            .help("name a directory, such as `public`"),
        )
    })?;
    let parent = out.parent().unwrap_or(Path::new(""));
    Ok((
        parent.join(format!(".{name}.building")),
        parent.join(format!(".{name}.old")),
    ))
}

fn write_all(files: &SiteFiles, dir: &Path) -> Result<(), Box<Diagnostic>> {
    let folders: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|(path, _)| dir.join(path).parent().map(Path::to_path_buf))
        .collect();
    fs::create_dir_all(dir).map_err(|e| write_failed(dir, &e))?;
    for folder in &folders {
        fs::create_dir_all(folder).map_err(|e| write_failed(folder, &e))?;
    }
    // Creating files is most of writing a site, and the kernel creates a folder's
    // files faster from two cores than from one. The first failure in path order is
    // reported, whichever core met it.
    let files: Vec<(&str, &[u8])> = files.iter().collect();
    let write = |&(path, content): &(&str, &[u8])| {
        let target = dir.join(path);
        fs::write(&target, content).map_err(|e| write_failed(&target, &e))
    };
    map_in_order(&files, write)
        .map_err(|Crashed| write_crashed(dir))?
        .into_iter()
        .collect()
}

/// A worker writing files stopped (a bug: writing reports its failures).
fn write_crashed(dir: &Path) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "site-write-failed",
            format!(
                "writing the site into `{}` stopped unexpectedly",
                dir.display()
            ),
        )
        .help("this is a bug in pathways; please report it; the previous site was left as it was"),
    )
}

fn swap_in(building: &Path, out: &Path, old: &Path) -> Result<(), Box<Diagnostic>> {
    remove_if_present(old).map_err(|e| write_failed(old, &e))?;
    let had_old = out.exists();
    if had_old && exchange(building, out).is_ok() {
        // The previous site is now at `building`; a copy left by an interruption here
        // is removed by the next run.
        let _ = remove_if_present(building);
        return Ok(());
    }
    if had_old {
        fs::rename(out, old).map_err(|e| {
            let _ = fs::remove_dir_all(building);
            write_failed(out, &e)
        })?;
    }
    if let Err(e) = fs::rename(building, out) {
        if had_old {
            // Put the previous site back; the new one is discarded.
            let _ = fs::rename(old, out);
        }
        let _ = fs::remove_dir_all(building);
        return Err(write_failed(out, &e));
    }
    // The new site is in place; a stale `.old` left behind is harmless and removed next time.
    let _ = remove_if_present(old);
    Ok(())
}

/// Swaps two paths in one step (Linux `RENAME_EXCHANGE`, macOS `RENAME_SWAP`).
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// No atomic exchange here: the caller falls back to two renames.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn write_failed(path: &Path, error: &io::Error) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "site-write-failed",
            format!("could not write `{}`: {error}", path.display()),
        )
        .help("check the output directory is writable; the previous site was left as it was"),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> SiteFiles {
        let mut files = SiteFiles::new();
        for (path, content) in pages {
            files.add(path, content.as_bytes()).unwrap();
        }
        files
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_a_new_site_and_replaces_an_old_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(
            &site(&[("index.html", "one"), ("old/gone.html", "x")]),
            &out,
        )
        .unwrap();
        write_site(
            &site(&[("index.html", "two"), ("services/a.html", "a")]),
            &out,
        )
        .unwrap();
        assert_eq!(listing(&out), ["index.html", "services/a.html"]);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        let siblings: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            siblings,
            ["public"],
            "no temporary directory is left behind"
        );
    }

    /// A file that cannot be written (here: `a` is a file, so `a/b.html` cannot be)
    /// fails the build after other files were written; the old site is untouched.
    #[test]
    fn a_failed_write_leaves_the_old_site_intact() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "old")]), &out).unwrap();
        let failing = site(&[("a", "file"), ("a/b.html", "page"), ("index.html", "new")]);
        let error = write_site(&failing, &out).unwrap_err();
        assert_eq!(error.code, "site-write-failed");
        assert_eq!(listing(&out), ["index.html"]);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let siblings: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(siblings, ["public"], "the partial build is removed");
    }

    #[test]
    fn a_failed_first_build_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert!(write_site(&site(&[("a", "file"), ("a/b.html", "page")]), &out).is_err());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn leftovers_of_an_interrupted_build_are_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(tmp.path().join(".public.building/stale")).unwrap();
        fs::create_dir_all(tmp.path().join(".public.old")).unwrap();
        write_site(&site(&[("index.html", "new")]), &out).unwrap();
        assert_eq!(listing(&out), ["index.html"]);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    /// Killed between the fallback's two renames: the site is at `.public.old` and
    /// `public` is missing; the next run puts it back before building.
    #[test]
    fn a_site_left_at_old_is_put_back_first() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "old")]), &out).unwrap();
        fs::rename(&out, tmp.path().join(".public.old")).unwrap();
        let failing = site(&[("a", "file"), ("a/b.html", "page")]);
        assert!(write_site(&failing, &out).is_err());
        assert_eq!(listing(&out), ["index.html"]);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[cfg(any(target_os = "linux", target_os = "macos"))]
    #[test]
    fn exchange_swaps_two_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir_all(a.join("from-a")).unwrap();
        fs::create_dir_all(b.join("from-b")).unwrap();
        exchange(&a, &b).unwrap();
        assert!(a.join("from-b").is_dir() && b.join("from-a").is_dir());
    }

    #[test]
    fn only_an_empty_folder_or_an_earlier_output_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let new = site(&[("index.html", "new")]);
        let rules = tmp.path().join("rules");
        fs::create_dir_all(&rules).unwrap();
        fs::write(rules.join("area.pathways"), "rules").unwrap();
        let file = tmp.path().join("notes.txt");
        fs::write(&file, "notes").unwrap();
        for (out, why) in [(&rules, "no `index.html`"), (&file, "is not a folder")] {
            let error = write_site(&new, out).unwrap_err();
            assert_eq!(error.code, "site-bad-output");
            assert!(error.message.contains(why), "{}", error.message);
        }
        assert_eq!(listing(&rules), ["area.pathways"]);
        assert_eq!(fs::read_to_string(&file).unwrap(), "notes");

        let empty = tmp.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        write_site(&new, &empty).unwrap();
        fs::write(empty.join("extra.html"), "x").unwrap();
        write_site(&site(&[("index.html", "newer")]), &empty).unwrap();
        assert_eq!(listing(&empty), ["index.html"]);
    }

    #[test]
    fn paths_escaping_the_site_are_refused() {
        let mut files = SiteFiles::new();
        for bad in ["", "../x.html", "/etc/x", "a//b", "a/./b", "a\\b"] {
            assert_eq!(
                files.add(bad, "x").unwrap_err().code,
                "site-bad-path",
                "{bad}"
            );
        }
        files.add("a.html", "x").unwrap();
        assert_eq!(
            files.add("a.html", "y").unwrap_err().code,
            "site-duplicate-path"
        );
    }
}
