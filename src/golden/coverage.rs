//! Pathway coverage: which pathways, and which parts of their conditions, the golden
//! tests exercised.
//!
//! What "covered" means, exactly:
//! - a **pathway** is covered when at least one answer set of some case makes it fire
//!   (for partial answers: fire whatever the unanswered questions are);
//! - a **part** of a pathway's condition is each test (`risk is high`), each `not`,
//!   and each `and`/`or` nested inside the condition (the whole condition is the
//!   pathway itself). A part is covered when at least one answer set makes the pathway
//!   fire *because of* the part: the pathway fires and the part holds (or, for a part
//!   under an odd number of `not`s, fails), again whatever the unanswered questions
//!   are. So each branch of an `or` needs a case where that branch led to the pathway.
//!
//! Holding is decided exactly, on decision diagrams of the parts, not by reading the
//! condition as text.

use serde::Serialize;

use crate::engine::Answers;
use crate::engine::Manager;
use crate::engine::describe;
use crate::engine::diagram::{FALSE, NodeId, TRUE};
use crate::rules::model::{Condition, PathwayIx, RuleSet};
use crate::source::Span;

/// Coverage of every pathway, in declaration order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    pub pathways: Vec<PathwayCoverage>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PathwayCoverage {
    pub pathway: String,
    /// Where the pathway's id is written.
    #[serde(skip)]
    pub span: Span,
    /// How many answer sets made it fire.
    pub fired: usize,
    pub parts: Vec<PartCoverage>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartCoverage {
    /// The part as written, e.g. `hbv is yes`.
    pub text: String,
    #[serde(skip)]
    pub span: Span,
    /// Under an odd number of `not`s: covered when it fails.
    pub negated: bool,
    /// How many answer sets made the pathway fire because of it.
    pub covered: usize,
}

impl Coverage {
    /// (covered, total) pathways.
    pub fn pathway_counts(&self) -> (usize, usize) {
        let covered = self.pathways.iter().filter(|p| p.fired > 0).count();
        (covered, self.pathways.len())
    }

    /// (covered, total) condition parts.
    pub fn part_counts(&self) -> (usize, usize) {
        let parts = self.pathways.iter().flat_map(|p| &p.parts);
        let (covered, total) =
            parts.fold((0, 0), |(c, t), p| (c + usize::from(p.covered > 0), t + 1));
        (covered, total)
    }

    /// Percentages of pathways and of parts covered (100 when there are none).
    pub fn percentages(&self) -> (f64, f64) {
        (percent(self.pathway_counts()), percent(self.part_counts()))
    }
}

pub fn percent((covered, total): (usize, usize)) -> f64 {
    if total == 0 {
        return 100.0;
    }
    // Counts are far below 2^52: the conversions are exact.
    #[allow(clippy::cast_precision_loss)]
    let ratio = covered as f64 / total as f64;
    ratio * 100.0
}

/// Counts, answer set by answer set, what a run exercised.
pub struct Tracker {
    manager: Manager,
    coverage: Coverage,
    /// For each pathway, its parts' diagrams (parallel to `coverage`'s parts).
    diagrams: Vec<Vec<NodeId>>,
}

impl Tracker {
    pub fn new(rules: &RuleSet) -> Tracker {
        let domains = rules
            .questions
            .iter()
            .map(|q| u32::try_from(q.domain.len()).unwrap_or(u32::MAX))
            .collect();
        let mut manager = Manager::new(domains);
        let mut coverage = Coverage::default();
        let mut diagrams = Vec::new();
        for pathway in &rules.pathways {
            let mut parts = Vec::new();
            nested_parts(&pathway.condition, false, &mut parts);
            diagrams.push(
                parts
                    .iter()
                    .map(|(c, _)| diagram(&mut manager, c))
                    .collect(),
            );
            coverage.pathways.push(PathwayCoverage {
                pathway: pathway.id.value.clone(),
                span: pathway.id.span,
                fired: 0,
                parts: parts
                    .into_iter()
                    .map(|(c, negated)| PartCoverage {
                        text: describe(c),
                        span: c.span().unwrap_or(pathway.span),
                        negated,
                        covered: 0,
                    })
                    .collect(),
            });
        }
        Tracker {
            manager,
            coverage,
            diagrams,
        }
    }

    /// Records one answer set and the pathways that fired for it.
    pub fn record(&mut self, answers: &Answers, fired: &[PathwayIx]) {
        for &p in fired {
            let (Some(pathway), Some(diagrams)) =
                (self.coverage.pathways.get_mut(p), self.diagrams.get(p))
            else {
                continue;
            };
            pathway.fired += 1;
            for (part, &node) in pathway.parts.iter_mut().zip(diagrams) {
                let wanted = if part.negated { FALSE } else { TRUE };
                if self.manager.restrict(node, answers.as_slice()) == wanted {
                    part.covered += 1;
                }
            }
        }
    }

    pub fn finish(self) -> Coverage {
        self.coverage
    }
}

/// Every part nested inside a condition (not the condition itself), with whether it
/// sits under an odd number of `not`s, in the order written.
fn nested_parts<'c>(
    condition: &'c Condition,
    negated: bool,
    into: &mut Vec<(&'c Condition, bool)>,
) {
    let children: Vec<(&Condition, bool)> = match condition {
        Condition::Always | Condition::In { .. } => Vec::new(),
        Condition::Not(inner, _) => vec![(inner.as_ref(), !negated)],
        Condition::And(parts, _) | Condition::Or(parts, _) => {
            parts.iter().map(|p| (p, negated)).collect()
        }
    };
    for (child, polarity) in children {
        into.push((child, polarity));
        nested_parts(child, polarity, into);
    }
}

/// The decision diagram of a condition.
fn diagram(manager: &mut Manager, condition: &Condition) -> NodeId {
    match condition {
        Condition::Always => TRUE,
        Condition::In {
            question, values, ..
        } => manager.var_in(*question, values),
        Condition::Not(inner, _) => {
            let inner = diagram(manager, inner);
            manager.not(inner)
        }
        Condition::And(parts, _) => {
            let parts: Vec<NodeId> = parts.iter().map(|p| diagram(manager, p)).collect();
            manager.and_all(parts)
        }
        Condition::Or(parts, _) => {
            let parts: Vec<NodeId> = parts.iter().map(|p| diagram(manager, p)).collect();
            manager.or_any(parts)
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::engine::fixtures::{and, is, not, or, pathway, yes_no};

    /// `a is yes and not (b is yes or c is yes)` and answers for `a`, `b`, `c`.
    fn tracked(cases: &[[Option<u32>; 3]]) -> Coverage {
        let questions = vec![yes_no("a"), yes_no("b"), yes_no("c")];
        let condition = and(vec![
            is(&questions, "a", &["yes"]),
            not(or(vec![
                is(&questions, "b", &["yes"]),
                is(&questions, "c", &["yes"]),
            ])),
        ]);
        let rules = RuleSet {
            questions,
            pathways: vec![pathway("p", condition, Vec::new())],
            ..RuleSet::default()
        };
        let mut tracker = Tracker::new(&rules);
        for answers in cases {
            let answers = Answers::from(answers.to_vec());
            // The pathway fires exactly when a = yes and b = c = no.
            let fires = answers.as_slice() == [Some(0), Some(1), Some(1)];
            tracker.record(&answers, if fires { &[0] } else { &[] });
        }
        tracker.finish()
    }

    #[test]
    fn parts_under_not_are_covered_when_they_fail_while_the_pathway_fires() {
        let coverage = tracked(&[[Some(0), Some(1), Some(1)]]);
        let parts: Vec<(&str, bool, usize)> = coverage.pathways[0]
            .parts
            .iter()
            .map(|p| (p.text.as_str(), p.negated, p.covered))
            .collect();
        assert_eq!(
            parts,
            vec![
                ("a is yes", false, 1),
                ("not (b is yes or c is yes)", false, 1),
                ("b is yes or c is yes", true, 1),
                ("b is yes", true, 1),
                ("c is yes", true, 1),
            ]
        );
        assert_eq!(coverage.percentages(), (100.0, 100.0));
    }

    #[test]
    fn a_part_holding_in_a_case_where_the_pathway_does_not_fire_is_not_covered() {
        let coverage = tracked(&[[Some(0), Some(0), None], [Some(1), Some(1), Some(1)]]);
        assert_eq!(coverage.pathway_counts(), (0, 1));
        assert_eq!(coverage.part_counts(), (0, 5));
        assert_eq!(coverage.percentages(), (0.0, 0.0));
    }
}
