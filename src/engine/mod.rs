//! The engine: the rules compiled against the directory, for one reference date, into
//! a reduced, ordered multi-valued decision diagram over the questions; exact
//! evaluation of complete or partial answers; explanations; and the serialised diagram
//! the site's finder walks.
//!
//! Semantics (what the brute-force cross-check in the tests holds the diagram to), for
//! one situation (an answer to every question):
//! - a pathway fires when its condition holds;
//! - a referral to a service by id refers to it if it is open on the reference date;
//! - a referral to a category refers to each of its services that is eligible: open on
//!   the date, serving one of the person's client groups (the `serves` lines), at one of
//!   its risk levels, ages and requirements, and covering the person's locality;
//! - referrals are merged by service (pathways in declaration order, the most urgent
//!   urgency) and ordered most urgent first, then by first appearance;
//! - the fallback applies exactly where the fired pathways yield no referral.

mod compile;
pub mod diagram;
mod evaluate;
mod explain;
mod holding;
mod outcomes;
pub mod referred;
mod serialise;

#[cfg(test)]
pub(crate) mod crosscheck;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

pub use compile::{Compiled, ServiceIx, compile};
pub use diagram::{Cube, Manager, NodeId};
pub use evaluate::{Answers, Evaluation};
pub use explain::{
    Because, Explanation, Part, PathwayExplanation, PathwayStatus, ReferralExplanation, describe,
};
pub use outcomes::{Outcome, OutcomeTable, Referral, SetTable, TooLarge};
pub use serialise::{
    Diagram, DiagramNode, DiagramPathway, DiagramQuestion, DiagramValue, FORMAT, kind_id,
};
