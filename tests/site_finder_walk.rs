//! The finder's JavaScript (`site/static/finder.js`), run in QuickJS over the real
//! compiled diagram, gives `Compiled::evaluate`'s referrals: for every situation of the
//! example area, and for a random sample of a large synthetic area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::path::Path;

use pathways::area::Area;
use pathways::engine::{self, Answers, Compiled};
use pathways::synthetic::{Size, generate};
use rquickjs::{Context, Runtime};

const FINDER: &str = include_str!("../site/static/finder.js");

/// Answers as finder.js reads them: question id -> value id.
fn as_js(area: &Area, answers: &Answers) -> BTreeMap<String, String> {
    area.rules
        .questions
        .iter()
        .enumerate()
        .filter_map(|(q, question)| {
            let value = question.domain.value(answers.get(q)?)?;
            Some((question.id.value.clone(), value.id.clone()))
        })
        .collect()
}

/// The outcome index `Pathways.walk` reaches for each answer set.
fn js_outcomes(compiled: &Compiled, answer_sets: &[BTreeMap<String, String>]) -> Vec<usize> {
    let runtime = Runtime::new().unwrap();
    let context = Context::full(&runtime).unwrap();
    let script = format!(
        "{FINDER}\nvar diagram = {};\nJSON.stringify(({}).map(function (a) {{ return Pathways.walk(diagram, a).outcome; }}))",
        serde_json::to_string(compiled.diagram()).unwrap(),
        serde_json::to_string(answer_sets).unwrap(),
    );
    let json: String = context.with(|ctx| ctx.eval(script)).unwrap();
    serde_json::from_str(&json).unwrap()
}

/// Compares the script's result with the engine's for each set of complete answers.
fn compare(area: &Area, compiled: &Compiled, situations: &[Answers]) {
    let js: Vec<BTreeMap<String, String>> = situations.iter().map(|a| as_js(area, a)).collect();
    let outcomes = js_outcomes(compiled, &js);
    assert_eq!(outcomes.len(), situations.len());
    for (answers, outcome) in situations.iter().zip(outcomes) {
        let found = &compiled.diagram().outcomes[outcome];
        let evaluation = compiled.evaluate(answers);
        assert_eq!(found.referrals, evaluation.referrals, "answers {answers:?}");
        assert_eq!(found.pathways, evaluation.pathways, "answers {answers:?}");
        assert_eq!(found.fallback, evaluation.fallback, "answers {answers:?}");
    }
}

fn compiled(area: &Area) -> Compiled {
    assert!(!area.has_errors(), "{:?}", area.diagnostics);
    let date = area.reference_date(None);
    engine::compile(&area.rules, &area.directory, date)
}

#[test]
fn script_agrees_with_the_engine_over_the_whole_example() {
    let area = Area::load(Path::new(env!("CARGO_MANIFEST_DIR")));
    let compiled = compiled(&area);
    let situations = area.rules.questions.iter().enumerate().fold(
        vec![Answers::none(&area.rules)],
        |acc, (q, question)| {
            acc.iter()
                .flat_map(|partial| {
                    (0..question.domain.len() as u32).map(move |v| {
                        let mut next = partial.clone();
                        next.set(q, Some(v));
                        next
                    })
                })
                .collect()
        },
    );
    assert_eq!(situations.len() as u128, area.rules.space_size());
    compare(&area, &compiled, &situations);
}

/// A synthetic area of 60 localities, 9 questions, 300 services and 60 pathways: with
/// the realistic generator its outcome table has about 16,600 outcomes, about 50 s in
/// a debug build on 2 cores (2 s in release), the most CI's budget allows for one test.
/// The table needs the whole answer space, and its time grows with the outcomes, so a
/// larger area (45 localities, 10 questions, 300 services, 200 pathways has about
/// 44,000) would take minutes. 3,000 complete answer sets drawn from a fixed seed are
/// walked by the script and compared with the engine one by one.
#[test]
fn script_agrees_with_the_engine_on_a_sample_of_a_large_synthetic_area() {
    let tmp = tempfile::tempdir().unwrap();
    generate(Size {
        localities: 60,
        questions: 9,
        services: 300,
        pathways: 60,
        seed: 7,
    })
    .write(tmp.path())
    .unwrap();
    let area = Area::load(tmp.path());
    let compiled = compiled(&area);
    let mut rng = fastrand::Rng::with_seed(7);
    let situations: Vec<Answers> = (0..3000)
        .map(|_| {
            let mut answers = Answers::none(&area.rules);
            for (q, question) in area.rules.questions.iter().enumerate() {
                answers.set(q, Some(rng.u32(0..question.domain.len() as u32)));
            }
            answers
        })
        .collect();
    println!(
        "synthetic: {} nodes, {} outcomes",
        compiled.diagram().nodes.len(),
        compiled.diagram().outcomes.len()
    );
    compare(&area, &compiled, &situations);
}
