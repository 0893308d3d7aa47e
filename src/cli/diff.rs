//! `pathways diff OLD [NEW]`: what a change does to practitioners' results. Each side
//! is an area root folder or a git revision of the repository holding `--root`.

mod revision;

use std::path::{Path, PathBuf};

use super::Outcome;
use super::args::{Cli, DiffArgs, DiffFormat};
use super::output::{self, Output};
use crate::analysis::diff::{self, Side};
use crate::area::Area;
use crate::diagnostic;
use crate::progress::Progress;
use crate::source::{FileId, Sources};

pub fn run(cli: &Cli, args: &DiffArgs, out: &Output) -> Outcome {
    out.progress(args.format == DiffFormat::Text);
    out.phase(&format!("loading `{}`", args.old));
    let old = open(cli, Some(&args.old));
    out.phase(&format!(
        "loading `{}`",
        args.new.as_deref().unwrap_or("the working tree")
    ));
    let new = open(cli, args.new.as_deref());
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(message), _) | (_, Err(message)) => {
            out.note(&message);
            return Outcome::Failure;
        }
    };
    let mut clean = true;
    for version in [&old, &new] {
        clean &= report_problems(version, out);
    }
    if !clean {
        return Outcome::Problems;
    }
    out.phase("comparing every situation");
    let report = diff::diff(&old.side(args.date.as_of), &new.side(args.date.as_of));
    match args.format {
        DiffFormat::Text => out.print(&diff::text(&report)),
        DiffFormat::Markdown => out.print(&diff::markdown(&report)),
        DiffFormat::Json => out.json(&report),
    }
    if args.exit_code && report.has_changes() {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}

/// One side, loaded; a revision's temporary checkout lives as long as it does.
struct Version {
    label: String,
    area: Area,
    _checkout: Option<revision::Checkout>,
}

impl Version {
    /// The side as compared: contracts read as of `as_of`, else its pinned date.
    fn side(&self, as_of: Option<jiff::civil::Date>) -> Side<'_> {
        Side {
            label: self.label.clone(),
            area: &self.area,
            as_of: self.area.reference_date(as_of),
        }
    }
}

/// Opens a side: an existing folder is an area root, anything else a git revision
/// (`None`: the working tree at `--root`).
fn open(cli: &Cli, given: Option<&str>) -> Result<Version, String> {
    let Some(given) = given else {
        return Ok(Version {
            label: "the working tree".to_string(),
            area: Area::load(&area_root(&cli.root)?),
            _checkout: None,
        });
    };
    let path = Path::new(given);
    if path.is_dir() {
        let mut area = Area::load(&area_root(path)?);
        area.sources = relabelled(&area.sources, &format!("{}/", given.trim_end_matches('/')));
        return Ok(Version {
            label: given.to_string(),
            area,
            _checkout: None,
        });
    }
    if !revision::exists(&cli.root, given) {
        return Err(format!(
            "error: `{given}` is neither a folder nor a git revision of the repository holding `{}`\n\
             help: give an area root folder, or a commit, branch or tag (e.g. `HEAD~1`, `main`)",
            cli.root.display()
        ));
    }
    let checkout = revision::checkout(&cli.root, given)
        .map_err(|e| format!("error: could not read revision `{given}`: {e}"))?;
    let mut area = Area::load(&checkout.root);
    area.sources = relabelled(&area.sources, &format!("{given}:{}", checkout.prefix));
    Ok(Version {
        label: given.to_string(),
        area,
        _checkout: Some(checkout),
    })
}

/// The folder itself, when it holds `directory/` or `rules/`.
fn area_root(path: &Path) -> Result<PathBuf, String> {
    if path.join("directory").is_dir() || path.join("rules").is_dir() {
        Ok(path.to_path_buf())
    } else {
        Err(format!(
            "error: `{}` is not an area root: it has neither a `directory/` nor a `rules/` folder\n\
             help: give the area's folder, or a git revision",
            path.display()
        ))
    }
}

/// The same files (so the same ids), each path shown as `REV:path` or `folder/path`,
/// so that problems on either side say which side.
fn relabelled(sources: &Sources, prefix: &str) -> Sources {
    let mut renamed = Sources::new();
    let mut id = 0;
    while let Some(file) = sources.get(FileId(id)) {
        renamed.add(
            format!("{prefix}{}", file.path.display()),
            file.text.clone(),
        );
        id += 1;
    }
    renamed
}

/// Prints a side's loading problems; whether it loaded cleanly.
fn report_problems(version: &Version, out: &Output) -> bool {
    if !version.area.has_errors() {
        return true;
    }
    let mut diagnostics = version.area.diagnostics.clone();
    diagnostic::sort(&mut diagnostics);
    out.diagnostics(&version.area.sources, &diagnostics);
    out.note(&format!(
        "{} in `{}`: fix them before comparing (`pathways check` gives the details)",
        output::summary_line(&diagnostics),
        version.label
    ));
    false
}
