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
use crate::engine;

/// Every finding about a loaded area (which must have loaded without errors) on a date:
/// date problems, then the whole-space checks.
pub fn check(area: &Area, date: Date) -> Vec<Diagnostic> {
    let mut found = dates::check(&area.rules, &area.directory, date);
    let mut compiled = engine::compile(&area.rules, &area.directory, date);
    found.extend(checks::check(&mut compiled, &area.directory, &area.sources));
    found
}
