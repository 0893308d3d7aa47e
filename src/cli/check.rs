//! `pathways check`: load, resolve and analyse; report every problem.

use super::args::{CheckArgs, CheckFormat, Cli};
use super::output::Output;
use super::{Outcome, load_area};
use crate::analysis;
use crate::diagnostic;
use crate::progress::Progress;

pub fn run(cli: &Cli, args: &CheckArgs, out: &Output) -> Outcome {
    out.progress(args.format == CheckFormat::Text);
    out.phase("loading the directory and rules");
    let Some(area) = load_area(cli, out) else {
        return Outcome::Failure;
    };
    let date = area.reference_date(args.date.as_of);
    let mut diagnostics = area.diagnostics.clone();
    if !area.has_errors() {
        out.phase("checking every combination of answers");
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
