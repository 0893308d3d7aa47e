//! `pathways`: a service directory, a rule language for referral pathways, an exact
//! checker over every combination of answers, golden tests and a static site.
//!
//! The modules follow the data: [`directory`] (services and localities) → [`rules`]
//! (questions and pathways) → [`engine`] (the compiled decision diagram, evaluation
//! and explanation) → [`analysis`] (whole-space checks and diff) → [`site`] and
//! [`cli`]. [`area`] loads a whole area root; [`synthetic`] generates large ones.

pub mod analysis;
pub mod area;
pub mod cli;
pub mod diagnostic;
pub mod directory;
pub mod engine;
pub mod export;
pub mod files;
pub mod golden;
pub mod parallel;
pub mod progress;
pub mod rules;
pub mod site;
pub mod source;
pub mod suggest;
pub mod synthetic;
