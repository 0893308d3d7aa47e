//! Pathway conditions as decision-table rows: each condition in disjunctive normal
//! form, one row per conjunct, each row a value set per question (a question absent
//! from a row is a blank cell: any answer).

use std::collections::{BTreeMap, BTreeSet};

use pathways::rules::model::{Condition, QuestionIx, RuleSet, ValueIx};

/// One row: for each question it constrains, the answers it accepts.
pub type Row = BTreeMap<QuestionIx, BTreeSet<ValueIx>>;

/// Rows one condition expands to; past this the table would not be one a person
/// could read, and the comparison says so rather than build it.
const MAX_ROWS_PER_CONDITION: usize = 4096;

/// The rows whose union is exactly where `condition` holds, or `None` when the
/// condition expands to more than [`MAX_ROWS_PER_CONDITION`] rows.
pub fn rows(rules: &RuleSet, condition: &Condition) -> Option<Vec<Row>> {
    dnf(rules, condition, false)
}

fn dnf(rules: &RuleSet, condition: &Condition, negated: bool) -> Option<Vec<Row>> {
    match (condition, negated) {
        (Condition::Always, false) => Some(vec![Row::new()]),
        (Condition::Always, true) => Some(Vec::new()),
        (
            Condition::In {
                question, values, ..
            },
            _,
        ) => {
            let accepted: BTreeSet<ValueIx> = if negated {
                domain(rules, *question)
                    .filter(|v| !values.contains(v))
                    .collect()
            } else {
                values.clone()
            };
            Some(atom(*question, accepted).into_iter().collect())
        }
        (Condition::Not(inner, _), _) => dnf(rules, inner, !negated),
        (Condition::And(parts, _), false) | (Condition::Or(parts, _), true) => {
            parts.iter().try_fold(vec![Row::new()], |acc, part| {
                let next = dnf(rules, part, negated)?;
                conjoin(&acc, &next)
            })
        }
        (Condition::Or(parts, _), false) | (Condition::And(parts, _), true) => {
            let mut all = Vec::new();
            for part in parts {
                all.extend(dnf(rules, part, negated)?);
                if all.len() > MAX_ROWS_PER_CONDITION {
                    return None;
                }
            }
            Some(all)
        }
    }
}

/// A row constraining one question, or none when no answer is accepted.
fn atom(question: QuestionIx, accepted: BTreeSet<ValueIx>) -> Option<Row> {
    (!accepted.is_empty()).then(|| Row::from([(question, accepted)]))
}

fn domain(rules: &RuleSet, question: QuestionIx) -> impl Iterator<Item = ValueIx> {
    let len = rules.questions.get(question).map_or(0, |q| q.domain.len());
    (0..len).filter_map(|v| ValueIx::try_from(v).ok())
}

/// Every pairwise conjunction of two row lists, dropping contradictions.
fn conjoin(left: &[Row], right: &[Row]) -> Option<Vec<Row>> {
    let mut out = Vec::new();
    for a in left {
        for b in right {
            if let Some(row) = meet(a, b) {
                out.push(row);
                if out.len() > MAX_ROWS_PER_CONDITION {
                    return None;
                }
            }
        }
    }
    Some(out)
}

fn meet(a: &Row, b: &Row) -> Option<Row> {
    let mut row = a.clone();
    for (question, values) in b {
        let merged: BTreeSet<ValueIx> = match row.get(question) {
            Some(existing) => existing.intersection(values).copied().collect(),
            None => values.clone(),
        };
        if merged.is_empty() {
            return None;
        }
        row.insert(*question, merged);
    }
    Some(row)
}

/// Whether complete answers (one value per question) satisfy a row.
pub fn matches(row: &Row, answers: &[ValueIx]) -> bool {
    row.iter()
        .all(|(q, values)| answers.get(*q).is_some_and(|v| values.contains(v)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::Path;

    use pathways::area::Area;
    use pathways::engine;
    use pathways::synthetic::{self, Size};

    use super::{matches, rows};
    use crate::scenarios::{answers, draw};

    /// The rows of every pathway match exactly the scenarios in which our evaluator
    /// fires it (the table is the rules, before zen is involved).
    fn rows_agree_with_the_evaluator(root: &Path) {
        let area = Area::load(root);
        assert!(!area.has_errors());
        let compiled = engine::compile(&area.rules, &area.directory, area.reference_date(None));
        let table: Vec<_> = area
            .rules
            .pathways
            .iter()
            .map(|p| rows(&area.rules, &p.condition).unwrap())
            .collect();
        for scenario in draw(&area.rules, 3000, 7) {
            let fired = compiled.evaluate(&answers(&area.rules, &scenario)).pathways;
            for (p, pathway_rows) in table.iter().enumerate() {
                let matched = pathway_rows.iter().any(|row| matches(row, &scenario));
                assert_eq!(matched, fired.contains(&p), "pathway {p} on {scenario:?}");
            }
        }
    }

    #[test]
    fn the_example_rules_as_rows() {
        rows_agree_with_the_evaluator(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap());
    }

    #[test]
    fn synthetic_rules_as_rows() {
        let dir = tempfile::tempdir().unwrap();
        synthetic::generate(Size {
            pathways: 60,
            ..Size::SMALL
        })
        .write(dir.path())
        .unwrap();
        rows_agree_with_the_evaluator(dir.path());
    }
}
