//! Our compiled rules as a zen decision (JDM): an input node, one decision table with
//! the `collect` hit policy (a column per question, a row per conjunct of each
//! pathway's condition, the pathway's id as the output) and an output node.
//!
//! What it decides is which pathways fire. Our evaluator also resolves every
//! "any service in category C" referral to the eligible services (coverage, client
//! group, risk, age, contract dates) and merges urgencies; that part is not in the
//! table (see `zen`'s report), so zen is timed on less work than we are.

use pathways::rules::model::{Domain, RuleSet, ValueIx};
use serde_json::{Map, Value, json};

use crate::rows::{Row, rows};
use crate::scenarios::{answer_value, field, is_numeric};

/// The table's rows: the pathway each row stands for, and its cells.
pub struct Table {
    pub rows: Vec<(usize, Row)>,
}

impl Table {
    /// Expands every pathway's condition; `Err` names a pathway whose condition
    /// expands past the row limit.
    pub fn new(rules: &RuleSet) -> Result<Table, String> {
        let mut all = Vec::new();
        for (p, pathway) in rules.pathways.iter().enumerate() {
            let expanded = rows(rules, &pathway.condition).ok_or_else(|| {
                format!("pathway `{}` expands to too many rows", pathway.id.value)
            })?;
            all.extend(expanded.into_iter().map(|row| (p, row)));
        }
        Ok(Table { rows: all })
    }

    /// The JDM graph; with `schema`, the input node declares every question's domain
    /// (zen's table analysis needs it; evaluation does not, and validating inputs
    /// against it would only slow zen down).
    pub fn jdm(&self, rules: &RuleSet, schema: bool) -> Value {
        let inputs: Vec<Value> = rules
            .questions
            .iter()
            .enumerate()
            .map(|(q, question)| {
                json!({"id": column(q), "name": question.id.value, "field": field(q)})
            })
            .collect();
        let table_rows: Vec<Value> = self
            .rows
            .iter()
            .enumerate()
            .map(|(n, (p, row))| table_row(rules, n, *p, row))
            .collect();
        let content = if schema {
            json!({"schema": input_schema(rules).to_string()})
        } else {
            json!({})
        };
        json!({
            "nodes": [
                {"id": "in", "name": "request", "type": "inputNode", "content": content},
                {"id": "dt", "name": "pathways", "type": "decisionTableNode", "content": {
                    "hitPolicy": "collect",
                    "inputs": inputs,
                    "outputs": [{"id": "out", "name": "Pathway", "field": "pathway"}],
                    "rules": table_rows,
                    "passThrough": false,
                }},
                {"id": "out", "name": "response", "type": "outputNode", "content": {}},
            ],
            "edges": [
                {"id": "e1", "sourceId": "in", "targetId": "dt"},
                {"id": "e2", "sourceId": "dt", "targetId": "out"},
            ],
        })
    }
}

fn column(q: usize) -> String {
    format!("c{q}")
}

fn table_row(rules: &RuleSet, n: usize, pathway: usize, row: &Row) -> Value {
    let mut object = Map::new();
    object.insert("_id".into(), Value::from(format!("r{n}")));
    for (q, values) in row {
        let Some(question) = rules.questions.get(*q) else {
            continue;
        };
        if let Some(text) = cell(&question.domain, values) {
            object.insert(column(*q), Value::from(text));
        }
    }
    let id = rules
        .pathways
        .get(pathway)
        .map(|p| p.id.value.as_str())
        .unwrap_or_default();
    object.insert("out".into(), Value::from(format!("'{id}'")));
    Value::Object(object)
}

/// A cell as a person would write it in zen's editor: blank for any answer, ranges
/// of whole numbers, a list of values, or `not in [...]` when that list is shorter.
fn cell(domain: &Domain, values: &std::collections::BTreeSet<ValueIx>) -> Option<String> {
    if values.len() >= domain.len() {
        return None;
    }
    let id = |v: &ValueIx| {
        domain
            .value(*v)
            .map(|value| value.id.clone())
            .unwrap_or_default()
    };
    if is_numeric(domain.kind) {
        let numbers: Vec<i64> = values.iter().filter_map(|v| id(v).parse().ok()).collect();
        return Some(ranges(&numbers).join(", "));
    }
    let quoted = |v: &ValueIx| format!("'{}'", id(v));
    if values.len() * 2 <= domain.len() {
        Some(values.iter().map(quoted).collect::<Vec<_>>().join(", "))
    } else {
        let others: Vec<String> = (0..domain.len())
            .filter_map(|v| ValueIx::try_from(v).ok())
            .filter(|v| !values.contains(v))
            .map(|v| quoted(&v))
            .collect();
        Some(format!("not in [{}]", others.join(", ")))
    }
}

/// Sorted whole numbers as closed ranges: `[13..24]`, or `7` alone.
fn ranges(numbers: &[i64]) -> Vec<String> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &n in numbers {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => out.push((n, n)),
        }
    }
    out.into_iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("[{a}..{b}]")
            }
        })
        .collect()
}

/// A JSON schema of the questions: whole-number ranges and enumerations.
fn input_schema(rules: &RuleSet) -> Value {
    let mut properties = Map::new();
    for (q, question) in rules.questions.iter().enumerate() {
        let domain = &question.domain;
        let ids: Vec<Value> = domain
            .values
            .iter()
            .map(|v| answer_value(domain.kind, &v.id))
            .collect();
        let property = if is_numeric(domain.kind) {
            json!({"type": "integer", "minimum": ids.first(), "maximum": ids.last()})
        } else {
            json!({"type": "string", "enum": ids})
        };
        properties.insert(field(q), property);
    }
    let required: Vec<String> = (0..rules.questions.len()).map(field).collect();
    json!({"type": "object", "properties": properties, "required": required})
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn ranges_join_consecutive_numbers() {
        assert_eq!(ranges(&[1, 2, 3, 7, 9, 10]), ["[1..3]", "7", "[9..10]"]);
        assert!(ranges(&[]).is_empty());
    }
}
