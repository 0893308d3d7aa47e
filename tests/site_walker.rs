//! The finder's JavaScript walker, run in QuickJS, agrees with a direct walk of the
//! compiled diagram for every complete answer combination of a hand-written fixture.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use rquickjs::{Context, Runtime};
use serde::Deserialize;

#[derive(Deserialize)]
struct Diagram {
    questions: Vec<Question>,
    root: i64,
    nodes: Vec<(usize, Vec<i64>)>,
    outcomes: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Question {
    id: String,
    values: Vec<Value>,
}

#[derive(Deserialize)]
struct Value {
    id: String,
}

/// What a walk ends in: `Ask(question)` or `Outcome(index)`, and the questions answered on the way.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Ask(usize, Vec<usize>),
    Outcome(usize, Vec<usize>),
}

const DIAGRAM: &str = include_str!("fixtures/site/diagram.json");
const FINDER: &str = include_str!("../site/static/finder.js");

fn rust_walk(diagram: &Diagram, answers: &BTreeMap<String, String>) -> Step {
    let mut reference = diagram.root;
    let mut asked = Vec::new();
    while reference >= 0 {
        let (q, children) = &diagram.nodes[reference as usize];
        let question = &diagram.questions[*q];
        let value = answers
            .get(&question.id)
            .and_then(|a| question.values.iter().position(|v| &v.id == a));
        let Some(value) = value else {
            return Step::Ask(*q, asked);
        };
        asked.push(*q);
        reference = children[value];
    }
    Step::Outcome((-reference - 1) as usize, asked)
}

/// Every complete answer combination, in odometer order.
fn all_answers(diagram: &Diagram) -> Vec<BTreeMap<String, String>> {
    diagram
        .questions
        .iter()
        .fold(vec![BTreeMap::new()], |acc, q| {
            acc.iter()
                .flat_map(|partial| {
                    q.values.iter().map(move |v| {
                        let mut next = partial.clone();
                        next.insert(q.id.clone(), v.id.clone());
                        next
                    })
                })
                .collect()
        })
}

/// Runs `Pathways.walk` over each answer set in QuickJS.
fn js_walk_all(answer_sets: &[BTreeMap<String, String>]) -> Vec<Step> {
    let runtime = Runtime::new().unwrap();
    let context = Context::full(&runtime).unwrap();
    let script = format!(
        "{FINDER}\nJSON.stringify(({answers}).map(function (a) {{ return Pathways.walk({DIAGRAM}, a); }}))",
        answers = serde_json::to_string(answer_sets).unwrap(),
    );
    let json: String = context.with(|ctx| ctx.eval(script)).unwrap();
    let steps: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    steps
        .iter()
        .map(|s| {
            let asked = serde_json::from_value(s["questionsAsked"].clone()).unwrap();
            match (s.get("ask"), s.get("outcome")) {
                (Some(q), None) => Step::Ask(q.as_u64().unwrap() as usize, asked),
                (None, Some(o)) => Step::Outcome(o.as_u64().unwrap() as usize, asked),
                _ => panic!("walk returned {s}"),
            }
        })
        .collect()
}

#[test]
fn js_walker_matches_direct_walk_for_every_complete_answer_set() {
    let diagram: Diagram = serde_json::from_str(DIAGRAM).unwrap();
    let answer_sets = all_answers(&diagram);
    assert_eq!(answer_sets.len(), 3 * 2 * 3 * 4 * 2);
    let js = js_walk_all(&answer_sets);
    let mut outcomes_seen = vec![false; diagram.outcomes.len()];
    for (answers, js_step) in answer_sets.iter().zip(&js) {
        let expected = rust_walk(&diagram, answers);
        assert_eq!(js_step, &expected, "answers {answers:?}");
        if let Step::Outcome(o, _) = expected {
            outcomes_seen[o] = true;
        }
    }
    assert!(
        outcomes_seen.iter().all(|s| *s),
        "the fixture reaches every outcome"
    );
}

/// With only the first k answers of a path, the walker asks the path's next question:
/// it skips the questions the diagram does not test there.
#[test]
fn js_walker_asks_only_the_questions_that_matter() {
    let diagram: Diagram = serde_json::from_str(DIAGRAM).unwrap();
    let mut partial_sets = Vec::new();
    let mut expected = Vec::new();
    for answers in all_answers(&diagram) {
        let Step::Outcome(_, asked) = rust_walk(&diagram, &answers) else {
            panic!("complete answers end in an outcome");
        };
        for k in 0..asked.len() {
            let partial: BTreeMap<String, String> = asked[..k]
                .iter()
                .map(|q| {
                    let id = &diagram.questions[*q].id;
                    (id.clone(), answers[id].clone())
                })
                .collect();
            expected.push(Step::Ask(asked[k], asked[..k].to_vec()));
            partial_sets.push(partial);
        }
    }
    assert_eq!(js_walk_all(&partial_sets), expected);
}

#[test]
fn js_walker_treats_unknown_values_as_unanswered() {
    let answers: BTreeMap<String, String> =
        [("locality".to_string(), "atlantis".to_string())].into();
    assert_eq!(js_walk_all(&[answers]), vec![Step::Ask(0, vec![])]);
}

#[test]
fn fixture_skips_questions_on_some_paths() {
    let diagram: Diagram = serde_json::from_str(DIAGRAM).unwrap();
    let lengths: std::collections::BTreeSet<usize> = all_answers(&diagram)
        .iter()
        .map(|a| match rust_walk(&diagram, a) {
            Step::Outcome(_, asked) => asked.len(),
            Step::Ask(..) => panic!("complete answers end in an outcome"),
        })
        .collect();
    assert_eq!(lengths, [1, 2, 3, 4, 5].into());
}
