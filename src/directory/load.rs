//! Loading `directory/` from an area root: every file read, checked and cross-referenced,
//! with every problem reported rather than the first.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use walkdir::WalkDir;

use super::check::Checker;
use super::model::{AreaSettings, Directory, Service};
use super::service::{self, Known};
use super::{places, raw, settings, values, yaml};
use crate::diagnostic::{self, Diagnostic};
use crate::parallel::map_in_order;
use crate::source::{FileId, Sources, Span};
use crate::suggest::did_you_mean;

const FOLDER: &str = "directory";
const AREA: &str = "area.yaml";
const LOCALITIES: &str = "localities.yaml";
const CATEGORIES: &str = "categories.yaml";
const SERVICES: &str = "services";

/// The largest directory file read, in bytes: a service entry is a page of text, so a
/// larger file is a mistake (or an attack) and is refused before it is read whole.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The most service files read: far beyond any area, small enough to check in minutes.
pub const MAX_SERVICE_FILES: usize = 100_000;

/// The most problems reported in one file: beyond this, the rest are counted in one
/// more error. Each report quotes its file, so a file built to hold a million problems
/// would otherwise cost a million copies of itself to print.
pub const MAX_PROBLEMS_PER_FILE: usize = 100;

/// Loads `root/directory/`: `area.yaml`, `localities.yaml`, `categories.yaml` and every
/// `services/*.yaml` (in file-name order), adding each file read to `sources` under its
/// path relative to `root`. Never fails; it does its best and reports what it could not do:
///
/// - a missing file is an error (`missing-file`) and its part of the directory is empty;
/// - a file that is not valid YAML of the expected shape (syntax, unknown or missing
///   fields, wrong types) is reported once and left out: a service file then adds no service;
/// - a value that parses but is wrong (a bad date, phone, link or id, an unknown category
///   or locality) is reported at the value and dropped, and the rest of the file is kept;
///   a service without a readable `reviewed` date is left out;
/// - any other file in `directory/` or `directory/services/` is a warning
///   (`unexpected-file`); hidden files (starting with `.`) are ignored.
///
/// Services are sorted by id; diagnostics are in a stable order.
pub fn load(root: &Path, sources: &mut Sources) -> (Directory, Vec<Diagnostic>) {
    let mut loader = Loader {
        root,
        sources,
        diagnostics: Vec::new(),
    };
    let directory = loader.directory();
    let mut diagnostics = loader.diagnostics;
    diagnostic::sort(&mut diagnostics);
    let mut diagnostics = at_most_per_file(diagnostics, sources);
    diagnostic::sort(&mut diagnostics);
    (directory, diagnostics)
}

struct Loader<'a> {
    root: &'a Path,
    sources: &'a mut Sources,
    diagnostics: Vec<Diagnostic>,
}

impl Loader<'_> {
    fn directory(&mut self) -> Directory {
        if !self.root.join(FOLDER).is_dir() {
            self.diagnostics.push(
                Diagnostic::error(
                    "missing-file",
                    format!(
                        "there is no `{FOLDER}/` folder in `{}`",
                        self.root.display()
                    ),
                )
                .help("run the command from the area's root folder, or pass `--root`"),
            );
            return self.empty();
        }
        self.stray_files();
        let area = self.area();
        let places = self
            .parse::<raw::Localities>(LOCALITIES)
            .map(|(raw, file)| places::localities(raw, &mut self.checker(file)));
        let categories = self
            .parse::<Vec<raw::Category>>(CATEGORIES)
            .map(|(raw, file)| places::categories(raw, &mut self.checker(file)));
        let (localities_read, categories_read) = (places.is_some(), categories.is_some());
        let (localities, groups) = places.unwrap_or_default();
        let categories = categories.unwrap_or_default();
        let known = Known {
            localities: localities.iter().map(|l| l.id.value.clone()).collect(),
            groups: groups.iter().map(|g| g.id.value.clone()).collect(),
            categories: categories.iter().map(|c| c.id.value.clone()).collect(),
            localities_read,
            categories_read,
        };
        let mut services = self.services(&known);
        services.sort_by(|a, b| a.id.cmp(&b.id));
        Directory {
            area,
            localities,
            groups,
            categories,
            services,
        }
    }

    fn empty(&mut self) -> Directory {
        Directory {
            area: self.fallback_area(),
            localities: Vec::new(),
            groups: Vec::new(),
            categories: Vec::new(),
            services: Vec::new(),
        }
    }

    /// Settings for a missing `area.yaml`, pointing at an empty stand-in for the file so
    /// that later problems with the area still name it.
    fn fallback_area(&mut self) -> AreaSettings {
        let file = self.sources.add(format!("{FOLDER}/{AREA}"), "");
        settings::fallback(Span::new(file, 0, 0))
    }

    fn area(&mut self) -> AreaSettings {
        match self.parse::<raw::Area>(AREA) {
            Some((raw, file)) => settings::check(raw, &mut self.checker(file)),
            None => self.fallback_area(),
        }
    }

    fn checker(&mut self, file: FileId) -> Checker<'_> {
        Checker {
            sources: self.sources,
            file,
            diagnostics: &mut self.diagnostics,
        }
    }

    /// Reads and parses `directory/<name>`; reports a missing or broken file.
    fn parse<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Option<(T, FileId)> {
        let relative = format!("{FOLDER}/{name}");
        if !self.root.join(&relative).is_file() {
            self.diagnostics.push(
                Diagnostic::error("missing-file", format!("`{relative}` is missing")).help(
                    format!("create `{relative}`; the README describes what it holds"),
                ),
            );
            return None;
        }
        let file = self.read(&relative)?;
        self.parse_file(file).map(|raw| (raw, file))
    }

    fn parse_file<T: serde::de::DeserializeOwned>(&mut self, file: FileId) -> Option<T> {
        yaml::parse(self.sources, file)
            .map_err(|d| self.diagnostics.push(*d))
            .ok()
    }

    /// Reads a file into `sources`; reports unreadable, oversized and non-UTF-8 files.
    fn read(&mut self, relative: &str) -> Option<FileId> {
        let read = read_limited(&self.root.join(relative), MAX_FILE_BYTES);
        self.accept(relative, read)
    }

    /// A file's bytes, as read, into `sources`; reports why it could not be read, or
    /// that it is not UTF-8.
    fn accept(&mut self, relative: &str, read: Result<Vec<u8>, Unread>) -> Option<FileId> {
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(Unread::TooLarge) => {
                let file = self.sources.add(relative, "");
                self.diagnostics
                    .push(too_large(relative, file, MAX_FILE_BYTES));
                return None;
            }
            Err(Unread::Io(error)) => {
                self.diagnostics.push(Diagnostic::error(
                    "unreadable-file",
                    format!("`{relative}` cannot be read: {error}"),
                ));
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Some(self.sources.add(relative, text)),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                let end = text
                    .get(at..)
                    .and_then(|r| r.chars().next())
                    .map_or(at, |c| at + c.len_utf8());
                let file = self.sources.add(relative, text);
                self.diagnostics.push(
                    Diagnostic::error("not-utf8", format!("`{relative}` is not UTF-8 text"))
                        .at(Span::new(file, at, end))
                        .label("not a UTF-8 character")
                        .help("save the file as UTF-8 text"),
                );
                None
            }
        }
    }

    /// Warns about files in `directory/` that the loader does not read.
    fn stray_files(&mut self) {
        let expected = [AREA, LOCALITIES, CATEGORIES, SERVICES];
        for (name, is_dir) in self.entries(FOLDER) {
            if expected.contains(&name.as_str()) && (is_dir == (name == SERVICES)) {
                continue;
            }
            let help = did_you_mean(&name, expected).map_or_else(
                || "move or delete it: `directory/` holds only area.yaml, localities.yaml, categories.yaml and services/".to_string(),
                |h| format!("{h} (rename it)"),
            );
            self.diagnostics.push(
                Diagnostic::warning(
                    "unexpected-file",
                    format!("`{FOLDER}/{name}` is not a directory file and is ignored"),
                )
                .help(help),
            );
        }
    }

    /// Names of the entries of a folder under the root, sorted, without hidden ones.
    fn entries(&mut self, relative: &str) -> Vec<(String, bool)> {
        let mut entries = Vec::new();
        for entry in WalkDir::new(self.root.join(relative))
            .min_depth(1)
            .max_depth(1)
        {
            match entry {
                Ok(entry) => {
                    entries.push((entry.file_name().to_owned(), entry.file_type().is_dir()))
                }
                Err(error) => self.diagnostics.push(Diagnostic::error(
                    "unreadable-file",
                    format!("`{relative}` cannot be read: {error}"),
                )),
            }
        }
        // Sorted here rather than by walkdir, whose comparisons find each entry's name
        // in its path again (a national directory's 10,000 files, a dozen times each).
        entries.sort_unstable();
        entries
            .into_iter()
            .map(|(name, is_dir)| (name.to_string_lossy().into_owned(), is_dir))
            .filter(|(name, _)| !name.starts_with('.'))
            .collect()
    }

    fn services(&mut self, known: &Known) -> Vec<Service> {
        let folder = format!("{FOLDER}/{SERVICES}");
        if !self.root.join(&folder).is_dir() {
            self.diagnostics.push(
                Diagnostic::error("missing-file", format!("the folder `{folder}/` is missing"))
                    .help(format!(
                        "create `{folder}/` with one `<id>.yaml` file per service"
                    )),
            );
            return Vec::new();
        }
        let entries = self.entries(&folder);
        if entries.len() > MAX_SERVICE_FILES {
            self.diagnostics.push(
                Diagnostic::error(
                    "too-many-files",
                    format!(
                        "`{folder}/` holds {} entries, more than the {MAX_SERVICE_FILES} allowed; no service was read",
                        entries.len()
                    ),
                )
                .help("keep only the area's service files there"),
            );
            return Vec::new();
        }
        let mut named = Vec::new();
        for (name, is_dir) in entries {
            let relative = format!("{folder}/{name}");
            match name.strip_suffix(".yaml").filter(|_| !is_dir) {
                Some(id) => named.push((id.to_string(), relative)),
                None => self.unexpected_service_file(&relative, &name, is_dir),
            }
        }
        // Reading, parsing and checking 10,000 files is most of loading a national
        // directory, and each file is taken on its own: on every core, then in order.
        let root = self.root;
        let Ok(contents) = map_in_order(&named, |(_, relative)| {
            read_limited(&root.join(relative), MAX_FILE_BYTES)
        }) else {
            self.diagnostics.push(crashed());
            return Vec::new();
        };
        let mut read = Vec::new();
        for ((id, relative), content) in named.into_iter().zip(contents) {
            read.extend(self.accept(&relative, content).map(|f| (id, relative, f)));
        }
        let sources: &Sources = self.sources;
        let Ok(checked) = map_in_order(&read, |(id, relative, file)| {
            let mut diagnostics = Vec::new();
            let service = match yaml::parse::<raw::Service>(sources, *file) {
                Ok(raw) => {
                    let mut checker = Checker {
                        sources,
                        file: *file,
                        diagnostics: &mut diagnostics,
                    };
                    checked_service((id, relative), raw, known, &mut checker)
                }
                Err(problem) => {
                    diagnostics.push(*problem);
                    None
                }
            };
            (service, diagnostics)
        }) else {
            self.diagnostics.push(crashed());
            return Vec::new();
        };
        let mut services = Vec::with_capacity(checked.len());
        for (service, diagnostics) in checked {
            services.extend(service);
            self.diagnostics.extend(diagnostics);
        }
        services
    }

    fn unexpected_service_file(&mut self, relative: &str, name: &str, is_dir: bool) {
        let help = match name.strip_suffix(".yml") {
            Some(stem) if !is_dir => {
                format!("service files end in `.yaml`: rename it to `{stem}.yaml`")
            }
            _ => "only `<id>.yaml` service files belong here; move or delete it".to_string(),
        };
        let what = if is_dir { "folder" } else { "file" };
        self.diagnostics.push(
            Diagnostic::warning(
                "unexpected-file",
                format!("the {what} `{relative}` is not a service file and is ignored"),
            )
            .help(help),
        );
    }
}

/// Checks one parsed service file, and that its name is a service id.
fn checked_service(
    (id, relative): (&str, &str),
    raw: raw::Service,
    known: &Known,
    checker: &mut Checker<'_>,
) -> Option<Service> {
    let service = service::check(id.to_string(), raw, known, checker)?;
    if let Err(problem) = values::id(id) {
        let help = values::suggested_id(id).map_or_else(
            || "rename the file: service ids use lowercase letters, digits and hyphens".to_string(),
            |fixed| format!("rename it to `{fixed}.yaml`"),
        );
        checker.push(
            Diagnostic::error(
                "bad-id",
                format!(
                    "the file name of `{relative}` is not a valid service id: {}",
                    problem.message
                ),
            )
            .help(help),
        );
        return None;
    }
    Some(service)
}

/// The first [`MAX_PROBLEMS_PER_FILE`] diagnostics of each file, in the order given, and
/// for each file with more, one `too-many-problems` error counting the rest.
pub(crate) fn at_most_per_file(diagnostics: Vec<Diagnostic>, sources: &Sources) -> Vec<Diagnostic> {
    let mut counts: BTreeMap<FileId, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for diagnostic in diagnostics {
        let Some(file) = diagnostic.span.map(|s| s.file) else {
            kept.push(diagnostic);
            continue;
        };
        let count = counts.entry(file).or_default();
        *count += 1;
        if *count <= MAX_PROBLEMS_PER_FILE {
            kept.push(diagnostic);
        }
    }
    for (file, count) in counts {
        if let Some(more) = count.checked_sub(MAX_PROBLEMS_PER_FILE).filter(|m| *m > 0) {
            kept.push(
                Diagnostic::error(
                    "too-many-problems",
                    format!(
                        "`{}` has {more} more problems than the {MAX_PROBLEMS_PER_FILE} shown",
                        sources.path(file).display()
                    ),
                )
                .at(Span::new(file, 0, 0))
                .label("this file")
                .help("fix the problems shown, then check again"),
            );
        }
    }
    kept
}

/// Why a file was not read.
pub(crate) enum Unread {
    TooLarge,
    Io(std::io::Error),
}

/// A worker reading the service files stopped (a bug: reading and parsing never panic).
fn crashed() -> Diagnostic {
    Diagnostic::error(
        "load-crashed",
        "reading the service files stopped unexpectedly",
    )
    .help("this is a bug in pathways; please report it with the directory that shows it")
}

/// Reads a regular file of at most `max` bytes. Reading stops after `max + 1` bytes, so a
/// huge or endless file (a link to a device) costs no more than that; a FIFO or device
/// is refused before it is opened, so reading never blocks.
pub(crate) fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, Unread> {
    let metadata = std::fs::metadata(path).map_err(Unread::Io)?;
    if !metadata.is_file() {
        return Err(Unread::Io(std::io::Error::other(
            "it is not a regular file",
        )));
    }
    if metadata.len() > max {
        return Err(Unread::TooLarge);
    }
    // Room for the whole file and the read that finds its end: two reads, where a
    // growing buffer took six (60,000 system calls for a national directory).
    let expected = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    std::fs::File::open(path)
        .and_then(|file| file.take(max.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(Unread::Io)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        return Err(Unread::TooLarge);
    }
    Ok(bytes)
}

/// The error for a file over the size limit, at the start of the file.
pub(crate) fn too_large(relative: &str, file: FileId, max: u64) -> Diagnostic {
    Diagnostic::error(
        "file-too-large",
        format!(
            "`{relative}` is larger than the {} KiB allowed and was not read",
            max / 1024
        ),
    )
    .at(Span::new(file, 0, 0))
    .label("this file")
    .help("split it, or remove what does not belong in it")
}
