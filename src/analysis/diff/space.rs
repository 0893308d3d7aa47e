//! The unified question space of two rule sets, and each side's rules placed on it.
//!
//! Both sides must be compiled over the same questions, in the same order, with the
//! same domains, so that their outcome diagrams can be walked together. The unified
//! space has NEW's questions in order, then those only OLD has; each question's domain
//! is the union of both sides' values, NEW's order first. A side's rules are then
//! re-indexed onto it: a question the side does not have is simply never tested there.

use std::collections::BTreeSet;

use crate::rules::model::{Condition, Domain, DomainKind, Question, QuestionIx, RuleSet, ValueIx};

/// The questions both sides are compiled over.
#[derive(Clone, Debug)]
pub struct Space {
    pub questions: Vec<Question>,
}

/// Where one side's questions and values sit in the unified space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// For each of the side's questions, its index in the unified space.
    questions: Vec<QuestionIx>,
    /// For each of the side's questions, for each of its values, the unified value.
    values: Vec<Vec<ValueIx>>,
}

impl Space {
    /// The space of NEW's questions, then OLD-only ones, each with every value of both.
    pub fn unify(old: &RuleSet, new: &RuleSet) -> Space {
        let mut questions = new.questions.clone();
        for question in &old.questions {
            match questions
                .iter_mut()
                .find(|q| q.id.value == question.id.value)
            {
                Some(unified) => {
                    let missing: Vec<_> = question
                        .domain
                        .values
                        .iter()
                        .filter(|v| unified.domain.index_of(&v.id).is_none())
                        .cloned()
                        .collect();
                    unified.domain.values.extend(missing);
                }
                None => questions.push(question.clone()),
            }
        }
        Space { questions }
    }

    /// How `rules` (one of the two sides unified) sits in this space; by id, so every
    /// question and value of the side is found.
    pub fn placement(&self, rules: &RuleSet) -> Placement {
        let mut placement = Placement {
            questions: Vec::new(),
            values: Vec::new(),
        };
        for question in &rules.questions {
            let found = self
                .questions
                .iter()
                .enumerate()
                .find(|(_, q)| q.id.value == question.id.value);
            let (index, unified) = match found {
                Some((index, unified)) => (index, Some(unified)),
                None => (self.questions.len(), None),
            };
            placement.questions.push(index);
            placement.values.push(
                question
                    .domain
                    .values
                    .iter()
                    .map(|v| {
                        unified
                            .and_then(|u| u.domain.index_of(&v.id))
                            .unwrap_or(ValueIx::MAX)
                    })
                    .collect(),
            );
        }
        placement
    }

    /// The side's rules re-indexed onto this space. The side keeps its own questions'
    /// kinds; a question it does not have becomes a plain choice that nothing tests,
    /// so it can never stand for the side's locality, risk level or age.
    pub fn place(&self, rules: &RuleSet, placement: &Placement) -> RuleSet {
        let questions = self
            .questions
            .iter()
            .enumerate()
            .map(|(ix, unified)| {
                let own = placement
                    .questions
                    .iter()
                    .position(|&q| q == ix)
                    .and_then(|side| rules.questions.get(side));
                let mut question = own.unwrap_or(unified).clone();
                question.domain = Domain {
                    kind: own.map_or(DomainKind::Choice, |q| q.domain.kind),
                    values: unified.domain.values.clone(),
                };
                question
            })
            .collect();
        let mut placed = rules.clone();
        placed.questions = questions;
        for pathway in &mut placed.pathways {
            pathway.condition = placement.condition(&pathway.condition);
        }
        let eligibility = &mut placed.eligibility;
        for (_, condition) in &mut eligibility.serves {
            *condition = placement.condition(condition);
        }
        for (_, condition) in &mut eligibility.requires {
            *condition = placement.condition(condition);
        }
        for (_, condition) in &mut eligibility.risk_levels {
            *condition = placement.condition(condition);
        }
        placed
    }

    /// The unified questions as a rule set (for describing situations).
    pub fn rules(&self) -> RuleSet {
        RuleSet {
            questions: self.questions.clone(),
            ..RuleSet::default()
        }
    }
}

impl Placement {
    /// A condition of the side, with its questions and values re-indexed.
    pub fn condition(&self, condition: &Condition) -> Condition {
        match condition {
            Condition::Always => Condition::Always,
            Condition::In {
                question,
                values,
                text,
                span,
            } => {
                let unified = self.values.get(*question);
                let values: BTreeSet<ValueIx> = values
                    .iter()
                    .filter_map(|&v| unified.and_then(|u| u.get(v as usize)).copied())
                    .collect();
                Condition::In {
                    question: self.questions.get(*question).copied().unwrap_or(*question),
                    values,
                    text: text.clone(),
                    span: *span,
                }
            }
            Condition::Not(inner, span) => Condition::Not(Box::new(self.condition(inner)), *span),
            Condition::And(parts, span) => {
                Condition::And(parts.iter().map(|p| self.condition(p)).collect(), *span)
            }
            Condition::Or(parts, span) => {
                Condition::Or(parts.iter().map(|p| self.condition(p)).collect(), *span)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::engine::fixtures::*;
    use crate::rules::model::DomainKind;

    fn ids(question: &Question) -> Vec<&str> {
        question
            .domain
            .values
            .iter()
            .map(|v| v.id.as_str())
            .collect()
    }

    fn rules(questions: Vec<Question>) -> RuleSet {
        RuleSet {
            questions,
            ..RuleSet::default()
        }
    }

    #[test]
    fn new_questions_first_then_old_only_with_every_value() {
        let old = rules(vec![
            question("colour", DomainKind::Choice, &["red", "blue", "green"]),
            yes_no("police"),
            yes_no("court"),
        ]);
        let new = rules(vec![
            risk("risk"),
            question("colour", DomainKind::Choice, &["blue", "amber", "red"]),
            yes_no("police"),
        ]);
        let space = Space::unify(&old, &new);
        let order: Vec<&str> = space
            .questions
            .iter()
            .map(|q| q.id.value.as_str())
            .collect();
        assert_eq!(order, ["risk", "colour", "police", "court"]);
        assert_eq!(ids(&space.questions[1]), ["blue", "amber", "red", "green"]);
        assert_eq!(
            space.placement(&old),
            Placement {
                questions: vec![1, 2, 3],
                values: vec![vec![2, 0, 3], vec![0, 1], vec![0, 1]],
            }
        );
        assert_eq!(
            space.placement(&new),
            Placement {
                questions: vec![0, 1, 2],
                values: vec![vec![0, 1, 2], vec![0, 1, 2], vec![0, 1]],
            }
        );
    }

    #[test]
    fn placing_reindexes_conditions_and_keeps_the_sides_kinds() {
        let old_questions = vec![
            question("colour", DomainKind::Choice, &["red", "blue", "green"]),
            risk("risk"),
        ];
        let mut old = rules(old_questions.clone());
        old.pathways.push(pathway(
            "p",
            and(vec![
                is(&old_questions, "colour", &["red", "green"]),
                not(is(&old_questions, "risk", &["high"])),
            ]),
            vec![],
        ));
        old.eligibility.requires.push((
            at("court-order".to_string()),
            is(&old_questions, "colour", &["blue"]),
        ));
        let new = rules(vec![
            yes_no("police"),
            question("colour", DomainKind::Choice, &["green", "red"]),
        ]);
        let space = Space::unify(&old, &new);
        let placed = space.place(&old, &space.placement(&old));
        let kinds: Vec<DomainKind> = placed.questions.iter().map(|q| q.domain.kind).collect();
        assert_eq!(
            kinds,
            [
                DomainKind::Choice,
                DomainKind::Choice,
                DomainKind::RiskLevel
            ]
        );
        assert_eq!(ids(&placed.questions[1]), ["green", "red", "blue"]);
        let Condition::And(parts, _) = &placed.pathways[0].condition else {
            panic!("not an and");
        };
        let Condition::In {
            question, values, ..
        } = &parts[0]
        else {
            panic!("not a test");
        };
        assert_eq!(
            (*question, values.iter().copied().collect::<Vec<_>>()),
            (1, vec![0, 1])
        );
        let Condition::Not(inner, _) = &parts[1] else {
            panic!("not a negation");
        };
        let Condition::In {
            question, values, ..
        } = inner.as_ref()
        else {
            panic!("not a test");
        };
        assert_eq!(
            (*question, values.iter().copied().collect::<Vec<_>>()),
            (2, vec![2])
        );
        let Condition::In {
            question, values, ..
        } = &placed.eligibility.requires[0].1
        else {
            panic!("not a test");
        };
        assert_eq!(
            (*question, values.iter().copied().collect::<Vec<_>>()),
            (1, vec![2])
        );
        let placed_new = space.place(&new, &space.placement(&new));
        assert_eq!(placed_new.questions[2].domain.kind, DomainKind::Choice);
        assert_eq!(placed_new.questions[0].domain.kind, DomainKind::YesNo);
    }
}
