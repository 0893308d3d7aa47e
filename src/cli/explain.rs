//! `pathways explain`: why each service is (or is not) referred to, for some answers.

use super::args::{Cli, Format, ReferArgs};
use super::output::Output;
use super::{Outcome, situation};
use crate::engine::{Explanation, PathwayStatus};

pub fn run(cli: &Cli, args: &ReferArgs, out: &Output) -> Outcome {
    let s = match situation(cli, args, out) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    let explanation = s.compiled.explain(&s.answers);
    match args.format {
        Format::Json => out.json(&explanation),
        Format::Text => out.print(&text(&explanation)),
    }
    Outcome::Success
}

/// The explanation for people: referrals with their reasons, then every pathway.
pub fn text(explanation: &Explanation) -> String {
    let mut text = String::new();
    if explanation.referrals.is_empty() {
        text.push_str("No referral for these answers.\n");
    }
    for referral in &explanation.referrals {
        text.push_str(&format!(
            "Referred to {} [{}]\n",
            referral.service,
            referral.urgency.id()
        ));
        for because in &referral.because {
            let held: Vec<&str> = because.held.iter().map(|p| p.text.as_str()).collect();
            text.push_str(&format!(
                "  by pathway {}: {}\n",
                because.pathway, because.reason
            ));
            if !held.is_empty() {
                text.push_str(&format!("    because {}\n", held.join(" and ")));
            }
        }
        if let Some(reason) = explanation.fallback.as_ref().filter(|_| referral.fallback) {
            text.push_str(&format!("  by `otherwise`: {reason}\n"));
        }
    }
    text.push_str("\nPathways:\n");
    for pathway in &explanation.pathways {
        let line = match &pathway.status {
            PathwayStatus::Fired { held } => {
                let held: Vec<&str> = held.iter().map(|p| p.text.as_str()).collect();
                format!("  + {} applies: {}\n", pathway.pathway, held.join(" and "))
            }
            PathwayStatus::NotFired { sentence, .. } => {
                format!("  - {} does not apply: {sentence}\n", pathway.pathway)
            }
            PathwayStatus::Undecided { questions, .. } => format!(
                "  ? {} depends on {}\n",
                pathway.pathway,
                questions.join(", ")
            ),
        };
        text.push_str(&line);
    }
    if !explanation.questions_that_matter.is_empty() {
        text.push_str(&format!(
            "\nNot yet answered, and could still change this: {}\n",
            explanation.questions_that_matter.join(", ")
        ));
    }
    text
}
