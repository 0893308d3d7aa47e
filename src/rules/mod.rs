//! The rule language: questions, eligibility and pathways in `rules/*.pathways`,
//! parsed (pest), then resolved against the directory into a typed [`model::RuleSet`].

mod errors;
pub mod format;
pub mod load;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod syntax;

pub use load::load;
pub use parse::parse;
pub use resolve::resolve;
