//! Random complete scenarios (an answer to every question), the same for both
//! engines: as our `Answers` and as the JSON object a zen decision reads.

use pathways::engine::Answers;
use pathways::rules::model::{DomainKind, RuleSet, ValueIx};
use serde_json::{Map, Value};

/// One situation: the value index answered to each question, in question order.
pub type Scenario = Vec<ValueIx>;

/// `count` scenarios drawn uniformly from the answer space, deterministically from `seed`.
pub fn draw(rules: &RuleSet, count: usize, seed: u64) -> Vec<Scenario> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            rules
                .questions
                .iter()
                .map(|q| {
                    let n = u32::try_from(q.domain.len()).unwrap_or(u32::MAX).max(1);
                    rng.u32(0..n)
                })
                .collect()
        })
        .collect()
}

pub fn answers(rules: &RuleSet, scenario: &Scenario) -> Answers {
    let mut answers = Answers::none(rules);
    for (q, v) in scenario.iter().enumerate() {
        answers.set(q, Some(*v));
    }
    answers
}

/// The zen input field of question `q` (question ids have dashes, which zen's
/// expression language reads as subtraction).
pub fn field(q: usize) -> String {
    format!("q{q}")
}

/// The scenario as zen input: numbers for numeric questions, strings otherwise.
pub fn json(rules: &RuleSet, scenario: &Scenario) -> Value {
    let mut object = Map::new();
    for (q, (question, v)) in rules.questions.iter().zip(scenario).enumerate() {
        let id = question
            .domain
            .value(*v)
            .map(|value| value.id.clone())
            .unwrap_or_default();
        object.insert(field(q), answer_value(question.domain.kind, &id));
    }
    Value::Object(object)
}

/// How a value id is written as a zen value: numeric questions take numbers.
pub fn answer_value(kind: DomainKind, id: &str) -> Value {
    match (is_numeric(kind), id.parse::<i64>()) {
        (true, Ok(n)) => Value::from(n),
        _ => Value::from(id),
    }
}

pub fn is_numeric(kind: DomainKind) -> bool {
    matches!(kind, DomainKind::Number { .. } | DomainKind::Age)
}
