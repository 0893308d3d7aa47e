//! `pathways check`: load, resolve and analyse; report every problem.

use super::args::{CheckArgs, Cli};
use super::output::Output;
use super::{Outcome, load_area};
use crate::analysis;
use crate::diagnostic;

pub fn run(cli: &Cli, args: &CheckArgs, out: &Output) -> Outcome {
    let Some(area) = load_area(cli, out) else {
        return Outcome::Failure;
    };
    let date = area.reference_date(args.date.as_of);
    let mut diagnostics = area.diagnostics.clone();
    if !area.has_errors() {
        diagnostics.extend(analysis::check(&area, date));
    }
    diagnostic::sort(&mut diagnostics);
    out.report(args.format, &area.sources, &diagnostics);
    let (errors, warnings) = diagnostic::summary(&diagnostics);
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}
