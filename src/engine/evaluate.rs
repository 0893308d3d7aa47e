//! Answers (complete or partial) and their evaluation against the outcome diagram:
//! the referrals and pathways certain so far, and the questions that could still
//! change them.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::engine::compile::Compiled;
use crate::engine::outcomes::{Outcome, OutcomeTable, Referral, complete, situation_outcome};
use crate::rules::model::{DomainKind, PathwayIx, Question, QuestionIx, RuleSet, ValueIx};
use crate::suggest::did_you_mean;

/// For each question (by index), its answer if given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Answers(Vec<Option<ValueIx>>);

impl Answers {
    /// Nothing answered.
    pub fn none(rules: &RuleSet) -> Answers {
        Answers(vec![None; rules.questions.len()])
    }

    pub fn get(&self, q: QuestionIx) -> Option<ValueIx> {
        self.0.get(q).copied().flatten()
    }

    pub fn set(&mut self, q: QuestionIx, v: Option<ValueIx>) {
        if self.0.len() <= q {
            self.0.resize(q + 1, None);
        }
        if let Some(slot) = self.0.get_mut(q) {
            *slot = v;
        }
    }

    /// One entry per question, in order.
    pub fn as_slice(&self) -> &[Option<ValueIx>] {
        &self.0
    }

    /// Whether every question of `rules` is answered.
    pub fn is_complete(&self, rules: &RuleSet) -> bool {
        (0..rules.questions.len()).all(|q| self.get(q).is_some())
    }

    /// Parses `question=value` pairs (CLI `--answer`, golden files). Every unknown
    /// question or value, and every question answered twice, is reported.
    pub fn parse(rules: &RuleSet, pairs: &[(String, String)]) -> Result<Answers, Vec<Diagnostic>> {
        let mut answers = Answers::none(rules);
        let mut seen = BTreeSet::new();
        let mut problems = Vec::new();
        for (question, value) in pairs {
            let Some((q, found)) = rules.question(question) else {
                problems.push(unknown_question(rules, question));
                continue;
            };
            if !seen.insert(q) {
                problems.push(
                    Diagnostic::error(
                        "duplicate-answer",
                        format!("question `{question}` is answered more than once"),
                    )
                    .help("give each question one answer"),
                );
                continue;
            }
            match found.domain.index_of(value) {
                Some(v) => answers.set(q, Some(v)),
                None => problems.push(unknown_value(found, value)),
            }
        }
        if problems.is_empty() {
            Ok(answers)
        } else {
            Err(problems)
        }
    }
}

impl From<Vec<Option<ValueIx>>> for Answers {
    fn from(values: Vec<Option<ValueIx>>) -> Answers {
        Answers(values)
    }
}

fn unknown_question(rules: &RuleSet, question: &str) -> Diagnostic {
    let ids = rules.questions.iter().map(|q| q.id.value.as_str());
    let listed: Vec<&str> = ids.clone().collect();
    Diagnostic::error(
        "unknown-question",
        format!("there is no question `{question}`"),
    )
    .help(
        did_you_mean(question, ids)
            .unwrap_or_else(|| format!("the questions are: {}", listed.join(", "))),
    )
}

fn unknown_value(question: &Question, value: &str) -> Diagnostic {
    let id = &question.id.value;
    let ids = question.domain.values.iter().map(|v| v.id.as_str());
    let listed = match question.domain.kind {
        DomainKind::Number { min, max } => format!("a whole number from {min} to {max}"),
        DomainKind::Age => "an age in whole years".to_string(),
        _ => ids.clone().collect::<Vec<_>>().join(", "),
    };
    Diagnostic::error(
        "unknown-value",
        format!("`{value}` is not an answer to question `{id}`"),
    )
    .help(did_you_mean(value, ids).unwrap_or_else(|| format!("question `{id}` takes {listed}")))
}

/// The result of evaluating (possibly partial) answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Referrals made in every completion of the answers (all of them when complete).
    pub referrals: Vec<Referral>,
    /// Unanswered questions whose answer could still change the result, in asking order.
    pub questions_that_matter: Vec<QuestionIx>,
    /// Pathways that fire in every completion.
    pub pathways: Vec<PathwayIx>,
    /// Whether the fallback supplied the referrals.
    pub fallback: bool,
}

impl Compiled {
    /// Evaluates answers exactly; partial answers are allowed. Complete answers are
    /// read straight from the compiled rules (or the outcome table, once built). The
    /// first partial evaluation builds the whole space's outcome table if it fits
    /// [`QUICK_TABLE_BYTES`] (an area of a partnership's size does, in milliseconds),
    /// and later ones walk it; past that, each builds a table of its answers'
    /// completions only.
    pub fn evaluate(&self, answers: &Answers) -> Evaluation {
        if let Some(outcome) = self.complete_outcome(answers) {
            return Evaluation {
                referrals: outcome.referrals,
                questions_that_matter: Vec::new(),
                pathways: outcome.pathways,
                fallback: outcome.fallback,
            };
        }
        match self.outcome_table_within(QUICK_TABLE_BYTES) {
            Some(table) => evaluate_in(table, answers),
            None => self.evaluate_restricted(answers),
        }
    }

    /// Which pathways fire where every question is answered as in `answers`, in
    /// declaration order, without resolving what they refer to (the decision a rules
    /// engine's table makes); `None` unless the answers are complete.
    pub fn fired(&self, answers: &Answers) -> Option<Vec<PathwayIx>> {
        let (m, answers) = (self.manager(), answers.as_slice());
        let fired = complete(m, answers).then(|| self.referral_targets().fired(m, answers))?;
        Some(fired.into_iter().map(|p| p as usize).collect())
    }

    /// The outcome of complete answers: a walk of the outcome table when it is
    /// already built, otherwise read from the pathways' and services' diagrams.
    fn complete_outcome(&self, answers: &Answers) -> Option<Outcome> {
        if !answers.is_complete(&self.rules) {
            return None;
        }
        match self.built_outcome_table() {
            Some(table) => {
                let leaf = table.manager().leaf_at(table.root(), answers.as_slice())?;
                table.outcome(leaf).cloned()
            }
            None => situation_outcome(self, self.referral_targets(), answers.as_slice()),
        }
    }

    /// [`Compiled::evaluate`] through a table of the answers' completions only.
    pub(crate) fn evaluate_restricted(&self, answers: &Answers) -> Evaluation {
        let table = OutcomeTable::restricted(self, answers.as_slice());
        evaluate_in(&table, &Answers::from(Vec::new()))
    }
}

/// The most the first evaluation spends trying to build the whole outcome table.
pub const QUICK_TABLE_BYTES: usize = 16 << 20;

fn evaluate_in(table: &OutcomeTable, answers: &Answers) -> Evaluation {
    let mut scratch = table.manager().fresh();
    let root = table
        .manager()
        .restrict_into(table.root(), answers.as_slice(), &mut scratch);
    let outcomes: Vec<&Outcome> = scratch
        .leaves(root)
        .into_iter()
        .filter_map(|id| table.outcome(id))
        .collect();
    Evaluation {
        questions_that_matter: scratch.support(root),
        ..common(&outcomes)
    }
}

/// What every one of `outcomes` agrees on (the outcome itself when there is one).
/// A referral common to all keeps the pathways that lead to it in all of them and the
/// least of its urgencies; referrals are ordered most urgent first, then by their
/// earliest position in any of the outcomes, then by service id.
pub(crate) fn common(outcomes: &[&Outcome]) -> Evaluation {
    let Some((first, rest)) = outcomes.split_first() else {
        return Evaluation::default();
    };
    let mut ranked: Vec<(usize, Referral)> = first
        .referrals
        .iter()
        .filter_map(|r| {
            rest.iter()
                .try_fold((position(first, r), r.clone()), |(rank, acc), o| {
                    let (at, other) = o
                        .referrals
                        .iter()
                        .enumerate()
                        .find(|(_, x)| x.service == acc.service)?;
                    Some((rank.min(at), meet(acc, other)))
                })
        })
        .collect();
    ranked.sort_by(|(ra, a), (rb, b)| {
        b.urgency
            .cmp(&a.urgency)
            .then(ra.cmp(rb))
            .then(a.service.cmp(&b.service))
    });
    Evaluation {
        referrals: ranked.into_iter().map(|(_, r)| r).collect(),
        questions_that_matter: Vec::new(),
        pathways: first
            .pathways
            .iter()
            .copied()
            .filter(|p| rest.iter().all(|o| o.pathways.contains(p)))
            .collect(),
        fallback: outcomes.iter().all(|o| o.fallback),
    }
}

fn position(outcome: &Outcome, referral: &Referral) -> usize {
    outcome
        .referrals
        .iter()
        .position(|x| x.service == referral.service)
        .unwrap_or(usize::MAX)
}

/// The part of two referrals to one service that both share.
fn meet(a: Referral, b: &Referral) -> Referral {
    Referral {
        pathways: a
            .pathways
            .into_iter()
            .filter(|p| b.pathways.contains(p))
            .collect(),
        urgency: a.urgency.min(b.urgency),
        fallback: a.fallback && b.fallback,
        service: a.service,
    }
}
