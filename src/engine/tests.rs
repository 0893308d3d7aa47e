//! Evaluation, explanation and the serialised diagram on the small hand-made area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::fixtures::{as_of, small_area};
use super::*;
use crate::rules::model::Urgency;

fn compiled() -> Compiled {
    let (rules, directory) = small_area();
    compile(&rules, &directory, as_of())
}

fn answers(compiled: &Compiled, pairs: &[(&str, &str)]) -> Answers {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(q, v)| ((*q).to_string(), (*v).to_string()))
        .collect();
    Answers::parse(compiled.rules(), &pairs).unwrap()
}

fn services(evaluation: &Evaluation) -> Vec<&str> {
    evaluation
        .referrals
        .iter()
        .map(|r| r.service.as_str())
        .collect()
}

#[test]
fn high_risk_victim_with_children_in_a_ward_without_group_work() {
    let c = compiled();
    let a = answers(
        &c,
        &[
            ("locality", "hilsea"),
            ("perpetrator", "no"),
            ("risk", "high"),
            ("children", "yes"),
        ],
    );
    let e = c.evaluate(&a);
    // Urgent first; group work runs only in fratton; the CYP IDVA has closed.
    assert_eq!(services(&e), ["marac", "idva", "think-family"]);
    assert_eq!(e.referrals[0].urgency, Urgency::Urgent);
    assert_eq!(e.referrals[2].pathways, [2]);
    assert_eq!(e.pathways, [0, 2]);
    assert!(e.questions_that_matter.is_empty());
    assert!(!e.fallback);
}

#[test]
fn category_resolves_per_locality() {
    let c = compiled();
    let a = answers(
        &c,
        &[
            ("locality", "fratton"),
            ("perpetrator", "no"),
            ("risk", "medium"),
            ("children", "yes"),
        ],
    );
    assert_eq!(
        services(&c.evaluate(&a)),
        ["advocacy-support", "childrens-groupwork", "think-family"]
    );
}

#[test]
fn fallback_applies_where_no_pathway_refers() {
    let c = compiled();
    let a = answers(
        &c,
        &[
            ("locality", "outside-area"),
            ("perpetrator", "yes"),
            ("risk", "standard"),
        ],
    );
    let e = c.evaluate(&a);
    assert_eq!(services(&e), ["national-helpline"]);
    assert!(e.fallback && e.referrals[0].fallback);
    assert!(e.referrals[0].pathways.is_empty());
    // Children does not matter: with perpetrator yes and standard risk nothing fires.
    assert!(e.questions_that_matter.is_empty());
}

#[test]
fn partial_answers_give_what_is_certain_and_what_still_matters() {
    let c = compiled();
    let e = c.evaluate(&answers(&c, &[("risk", "high"), ("perpetrator", "no")]));
    assert_eq!(services(&e), ["marac", "idva"]);
    assert_eq!(e.pathways, [0]);
    // The locality and children decide the children's services.
    assert_eq!(e.questions_that_matter, [0, 3]);
    let none = c.evaluate(&Answers::none(c.rules()));
    assert!(none.referrals.is_empty());
    assert_eq!(none.questions_that_matter, [0, 1, 2, 3]);
}

#[test]
fn parse_reports_every_problem() {
    let c = compiled();
    let pairs: Vec<(String, String)> = [
        ("risc", "high"),
        ("locality", "hilsee"),
        ("children", "yes"),
        ("children", "no"),
        ("colour", "blue"),
        ("perpetrator", "maybe"),
    ]
    .iter()
    .map(|(q, v)| ((*q).to_string(), (*v).to_string()))
    .collect();
    let problems = Answers::parse(c.rules(), &pairs).unwrap_err();
    let text: Vec<String> = problems
        .iter()
        .map(|d| {
            format!(
                "{}: {} ({})",
                d.code,
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect();
    insta::assert_snapshot!(text.join("\n"));
}

#[test]
fn explains_complete_answers() {
    let c = compiled();
    let a = answers(
        &c,
        &[
            ("locality", "hilsea"),
            ("perpetrator", "no"),
            ("risk", "medium"),
            ("children", "yes"),
        ],
    );
    insta::assert_json_snapshot!(c.explain(&a));
}

#[test]
fn explains_the_fallback() {
    let c = compiled();
    let a = answers(
        &c,
        &[
            ("locality", "outside-area"),
            ("perpetrator", "yes"),
            ("risk", "standard"),
            ("children", "no"),
        ],
    );
    insta::assert_json_snapshot!(c.explain(&a));
}

#[test]
fn explains_partial_answers() {
    let c = compiled();
    let a = answers(&c, &[("risk", "high")]);
    insta::assert_json_snapshot!(c.explain(&a));
}

#[test]
fn serialised_diagram_round_trips_and_is_stable() {
    let c = compiled();
    let json = serde_json::to_string_pretty(c.diagram()).unwrap();
    let back: Diagram = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, c.diagram());
    assert_eq!(back.format, FORMAT);
    assert_eq!(back.as_of, "2012-10-01");
    insta::assert_snapshot!(json);
}

#[test]
fn a_finder_larger_than_its_budget_fails_and_one_within_is_the_same() {
    let c = compiled();
    assert_eq!(c.diagram_within(1024), Err(TooLarge { bytes: 1024 }));
    let whole = compiled();
    assert_eq!(c.diagram_within(usize::MAX), Ok(whole.diagram()));
    assert!(c.diagram_within(1024).is_ok(), "a table once built is kept");
}

#[test]
fn the_sets_leaves_stand_for_count_against_the_budget() {
    let step = 256;
    let need = (1..)
        .map(|k| k * step)
        .find(|&bytes| compiled().diagram_within(bytes).is_ok())
        .unwrap();
    let c = compiled();
    let nodes = c.outcome_table().manager().bytes();
    // Counting only nodes, the smallest budget would be within a step of them.
    assert!(need > nodes + step, "need {need}, nodes {nodes}");
}
