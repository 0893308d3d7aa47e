//! The rule language: questions, eligibility and pathways in `rules/*.pathways`,
//! parsed (pest), then resolved against the directory into a typed [`model::RuleSet`].

pub mod model;
