//! `pathways test`: run the golden tests, compare snapshots, report coverage.

use super::args::{CheckFormat, Cli, TestArgs, TestFormat};
use super::output::Output;
use super::{Outcome, load_clean_area};
use crate::area::Area;
use crate::diagnostic::Diagnostic;
use crate::golden::snapshot::{self, Change, ChangeKind, Mode};
use crate::golden::{self, Options, Run, report};
use crate::progress::Progress;
use crate::source::Sources;

pub fn run(cli: &Cli, args: &TestArgs, out: &Output) -> Outcome {
    out.progress(args.format == TestFormat::Text);
    out.phase("loading the directory and rules");
    let area = match load_clean_area(cli, out) {
        Ok(area) => area,
        Err(outcome) => return outcome,
    };
    let mut sources = area.sources.clone();
    out.phase("loading the golden tests");
    let (scenarios, diagnostics) =
        golden::load(&area.root, &mut sources, &area.rules, &area.directory);
    if !diagnostics.is_empty() {
        out.report(diagnostic_format(args.format), &sources, &diagnostics);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Outcome::Problems;
    }
    let options = Options {
        as_of: area.reference_date(args.date.as_of),
        filter: args.filter.clone(),
    };
    out.phase("running the golden tests");
    let mut run = golden::run(&area.rules, &area.directory, &scenarios, &options);
    if run.cases.is_empty() {
        out.note(&nothing_ran(&area, args));
        return Outcome::Problems;
    }
    let changes = if args.snapshot || args.bless {
        out.phase("comparing the snapshots");
        let mode = if args.bless {
            Mode::Bless
        } else {
            Mode::Compare
        };
        let shown = |f: &golden::ScenarioFile| sources.path(f.file).display().to_string();
        match snapshot::apply(&mut run, &scenarios, &area.rules, shown, mode) {
            Ok(changes) => changes,
            Err(error) => {
                out.note(&format!("error: cannot write a snapshot file: {error}"));
                return Outcome::Failure;
            }
        }
    } else {
        Vec::new()
    };
    let below = args.min_coverage.and_then(|p| below_minimum(&run, p));
    print(args, out, &run, &sources, &changes, below.as_deref());
    if run.failed() > 0 || below.is_some() {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}

/// Problems in scenario files are shown like `check` shows them; JUnit has no place
/// for them, so they go to standard error as text.
fn diagnostic_format(format: TestFormat) -> CheckFormat {
    match format {
        TestFormat::Text | TestFormat::Junit => CheckFormat::Text,
        TestFormat::Json => CheckFormat::Json,
        TestFormat::Github => CheckFormat::Github,
    }
}

fn nothing_ran(area: &Area, args: &TestArgs) -> String {
    match &args.filter {
        Some(filter) => format!("error: no case has `{filter}` in its name or as a tag"),
        None => format!(
            "error: no golden test cases in `{}`\n\
             help: write cases in `{}/*.yaml` (see \"Golden tests\" in the README)",
            area.root.join(golden::load::FOLDER).display(),
            golden::load::FOLDER
        ),
    }
}

/// Why coverage is below `minimum` percent, if it is.
fn below_minimum(run: &Run, minimum: f64) -> Option<String> {
    let (pathways, parts) = run.coverage.percentages();
    (pathways < minimum || parts < minimum).then(|| {
        format!(
            "coverage is below {minimum}%: {pathways:.1}% of pathways, {parts:.1}% of condition parts"
        )
    })
}

fn print(
    args: &TestArgs,
    out: &Output,
    run: &Run,
    sources: &Sources,
    changes: &[Change],
    below: Option<&str>,
) {
    let summary = run.summary();
    match args.format {
        TestFormat::Text => {
            let mut text = report::text(run, sources);
            text.push_str(&changes_text(changes));
            if args.coverage || below.is_some() {
                text.push_str(&report::coverage_text(&run.coverage, sources));
            }
            if let Some(below) = below {
                text.push_str(&format!("{below}\n"));
            }
            out.print(&format!("{text}{summary}\n"));
        }
        TestFormat::Json => {
            out.json(&report::json(run, sources));
            note_all(out, changes, below, &summary);
        }
        TestFormat::Junit => {
            out.print(&report::junit(run, sources));
            note_all(out, changes, below, &summary);
        }
        TestFormat::Github => {
            let mut text = report::github(run, sources);
            if args.coverage || below.is_some() {
                text.push_str(&report::github_coverage(&run.coverage, sources));
            }
            if let Some(below) = below {
                text.push_str(&format!("::error title=coverage::{below}\n"));
            }
            out.print(&format!("{text}{summary}\n"));
        }
    }
}

/// For machine formats, what people need goes to standard error.
fn note_all(out: &Output, changes: &[Change], below: Option<&str>, summary: &str) {
    let changes = changes_text(changes);
    if !changes.is_empty() {
        out.note(changes.trim_end());
    }
    if let Some(below) = below {
        out.note(below);
    }
    out.note(summary);
}

fn changes_text(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            let what = match c.kind {
                ChangeKind::Recorded => "recorded the result of",
                ChangeKind::Blessed => "accepted the new result of",
                ChangeKind::Removed => "removed the result of the deleted case",
            };
            format!("{}: {what} `{}`\n", c.file, c.case)
        })
        .collect()
}
