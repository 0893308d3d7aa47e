//! Analyses of compiled rules against the directory, exact over every combination of
//! answers: the checks behind `pathways check` and the semantic diff of a change.

mod checks;
mod dates;
pub mod diff;
mod reach;
mod redundant;
mod referrals;
pub mod witness;

#[cfg(test)]
mod tests;

use jiff::civil::Date;

use crate::area::Area;
use crate::diagnostic::Diagnostic;
use crate::engine::{self, Compiled};

/// Every finding about a loaded area (which must have loaded without errors) on a date:
/// date problems, then the whole-space checks.
pub fn check(area: &Area, date: Date) -> Vec<Diagnostic> {
    check_compiled(area, engine::compile(&area.rules, &area.directory, date))
}

/// [`check`] of the area's rules already compiled (for the date they were compiled
/// for); the checks add diagrams of their own to `compiled`.
pub fn check_compiled(area: &Area, mut compiled: Compiled) -> Vec<Diagnostic> {
    let mut found = dates::check(&area.rules, &area.directory, compiled.as_of());
    found.extend(checks::check(&mut compiled, &area.directory, &area.sources));
    found
}
