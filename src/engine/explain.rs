//! Why the finder says what it says: for each referral, the pathways that made it and
//! the parts of their conditions that held; for each pathway that did not fire, the
//! first part of its condition that failed; with partial answers, what is still open.
//!
//! Whether a pathway fires is decided exactly, by its condition's diagram; the parts
//! quoted come from reading the condition as written, with the answers given.

use serde::Serialize;

use crate::engine::compile::Compiled;
use crate::engine::diagram::{FALSE, TRUE};
use crate::engine::evaluate::Answers;
use crate::rules::model::{Condition, Pathway, RuleSet, Target, Urgency};
use crate::source::Span;

/// The explanation of one set of answers, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The referrals made in every completion of the answers, in result order.
    pub referrals: Vec<ReferralExplanation>,
    /// Every pathway, in declaration order, with whether and why it fired.
    pub pathways: Vec<PathwayExplanation>,
    /// The fallback's reason, when the fallback supplied the referrals.
    pub fallback: Option<String>,
    /// Unanswered questions (ids) whose answer could still change the result.
    pub questions_that_matter: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReferralExplanation {
    pub service: String,
    pub urgency: Urgency,
    pub fallback: bool,
    /// The pathways that made it (empty when via the fallback).
    pub because: Vec<Because>,
}

/// One pathway behind a referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Because {
    pub pathway: String,
    pub reason: String,
    /// The parts of its condition that held.
    pub held: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PathwayExplanation {
    pub pathway: String,
    pub title: String,
    #[serde(flatten)]
    pub status: PathwayStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum PathwayStatus {
    /// It fires; these parts of its condition held.
    Fired { held: Vec<Part> },
    /// It does not fire.
    NotFired {
        /// The first part of its condition that failed.
        failed: Part,
        /// The answers that part was read against, e.g. `risk is medium`.
        answers: Vec<String>,
        /// e.g. "not referred to marac: risk is medium, pathway high-risk needs
        /// `risk is high`".
        sentence: String,
    },
    /// With these partial answers it may or may not fire.
    Undecided {
        /// The parts of its condition still unknown.
        unknown: Vec<Part>,
        /// The questions (ids) whose answers decide it, in asking order.
        questions: Vec<String>,
    },
}

/// A part of a condition, as written, and where (the span is for the CLI to turn
/// into file, line and column; it is not serialised).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    pub text: String,
    #[serde(skip)]
    pub span: Option<Span>,
}

/// Kleene's three-valued truth of a condition under partial answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Compiled {
    /// Explains complete or partial answers.
    pub fn explain(&self, answers: &Answers) -> Explanation {
        let rules = self.rules();
        let evaluation = self.evaluate(answers);
        let reading = Reading { rules, answers };
        let referrals = evaluation
            .referrals
            .iter()
            .map(|r| ReferralExplanation {
                service: r.service.clone(),
                urgency: r.urgency,
                fallback: r.fallback,
                because: r
                    .pathways
                    .iter()
                    .filter_map(|&p| rules.pathways.get(p))
                    .map(|p| Because {
                        pathway: p.id.value.clone(),
                        reason: p.reason.clone(),
                        held: reading.held(&p.condition),
                    })
                    .collect(),
            })
            .collect();
        let pathways = rules
            .pathways
            .iter()
            .enumerate()
            .map(|(i, p)| PathwayExplanation {
                pathway: p.id.value.clone(),
                title: p.title.clone(),
                status: self.status(&reading, i, p),
            })
            .collect();
        let fallback = rules
            .fallback
            .as_ref()
            .filter(|_| evaluation.fallback)
            .map(|f| f.reason.clone());
        Explanation {
            referrals,
            pathways,
            fallback,
            questions_that_matter: question_ids(rules, &evaluation.questions_that_matter),
        }
    }

    fn status(&self, reading: &Reading, index: usize, pathway: &Pathway) -> PathwayStatus {
        let mut scratch = self.manager().fresh();
        let condition = self.pathway_condition(index).unwrap_or(FALSE);
        let restricted =
            self.manager()
                .restrict_into(condition, reading.answers.as_slice(), &mut scratch);
        match restricted {
            TRUE => PathwayStatus::Fired {
                held: reading.held(&pathway.condition),
            },
            FALSE => reading.not_fired(pathway),
            _ => PathwayStatus::Undecided {
                unknown: reading.unknown(&pathway.condition),
                questions: question_ids(reading.rules, &scratch.support(restricted)),
            },
        }
    }
}

fn question_ids(rules: &RuleSet, questions: &[usize]) -> Vec<String> {
    questions
        .iter()
        .filter_map(|&q| rules.questions.get(q))
        .map(|q| q.id.value.clone())
        .collect()
}

/// A condition as text, with parentheses where a part is itself compound.
pub fn describe(condition: &Condition) -> String {
    let nested = |c: &Condition| match c {
        Condition::And(..) | Condition::Or(..) => format!("({})", describe(c)),
        _ => describe(c),
    };
    match condition {
        Condition::Always => "always".to_string(),
        Condition::In { text, .. } => text.clone(),
        Condition::Not(inner, _) => format!("not {}", nested(inner)),
        Condition::And(parts, _) => parts.iter().map(nested).collect::<Vec<_>>().join(" and "),
        Condition::Or(parts, _) => parts.iter().map(nested).collect::<Vec<_>>().join(" or "),
    }
}

fn part(condition: &Condition) -> Part {
    Part {
        text: describe(condition),
        span: condition.span(),
    }
}

/// Conditions read against (possibly partial) answers.
struct Reading<'a> {
    rules: &'a RuleSet,
    answers: &'a Answers,
}

impl Reading<'_> {
    fn truth(&self, condition: &Condition) -> Truth {
        match condition {
            Condition::Always => Truth::True,
            Condition::In {
                question, values, ..
            } => match self.answers.get(*question) {
                Some(v) if values.contains(&v) => Truth::True,
                Some(_) => Truth::False,
                None if values.is_empty() => Truth::False,
                None if self.domain_len(*question) <= values.len() => Truth::True,
                None => Truth::Unknown,
            },
            Condition::Not(inner, _) => match self.truth(inner) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                Truth::Unknown => Truth::Unknown,
            },
            Condition::And(parts, _) => self.combine(parts, Truth::False),
            Condition::Or(parts, _) => self.combine(parts, Truth::True),
        }
    }

    /// `decisive` (false for `and`, true for `or`) if any part is; else unknown if
    /// any part is; else the other value.
    fn combine(&self, parts: &[Condition], decisive: Truth) -> Truth {
        let truths: Vec<Truth> = parts.iter().map(|p| self.truth(p)).collect();
        if truths.contains(&decisive) {
            decisive
        } else if truths.contains(&Truth::Unknown) {
            Truth::Unknown
        } else if decisive == Truth::True {
            Truth::False
        } else {
            Truth::True
        }
    }

    fn domain_len(&self, question: usize) -> usize {
        self.rules
            .questions
            .get(question)
            .map_or(0, |q| q.domain.len())
    }

    /// The parts that held: every part of an `and`, the first true part of an `or`.
    fn held(&self, condition: &Condition) -> Vec<Part> {
        match condition {
            Condition::Always => Vec::new(),
            Condition::And(parts, _) => parts.iter().flat_map(|p| self.held(p)).collect(),
            Condition::Or(parts, _) => parts
                .iter()
                .find(|p| self.truth(p) == Truth::True)
                .map(|p| self.held(p))
                .unwrap_or_default(),
            Condition::In { .. } | Condition::Not(..) => match self.truth(condition) {
                Truth::True => vec![part(condition)],
                _ => Vec::new(),
            },
        }
    }

    /// The first part that failed: into the first false part of an `and`; an `or`,
    /// a `not` or a test as a whole.
    fn first_failed<'c>(&self, condition: &'c Condition) -> &'c Condition {
        match condition {
            Condition::And(parts, _) => parts
                .iter()
                .find(|p| self.truth(p) == Truth::False)
                .map_or(condition, |p| self.first_failed(p)),
            _ => condition,
        }
    }

    /// The parts still unknown: unknown tests and negations, looking into `and` and `or`.
    fn unknown(&self, condition: &Condition) -> Vec<Part> {
        if self.truth(condition) != Truth::Unknown {
            return Vec::new();
        }
        match condition {
            Condition::And(parts, _) | Condition::Or(parts, _) => {
                parts.iter().flat_map(|p| self.unknown(p)).collect()
            }
            _ => vec![part(condition)],
        }
    }

    /// The answers given to the questions a condition tests, as `question is value`.
    fn answers_to(&self, condition: &Condition) -> Vec<String> {
        let mut questions = Vec::new();
        collect_questions(condition, &mut questions);
        questions.sort_unstable();
        questions.dedup();
        questions
            .into_iter()
            .filter_map(|q| {
                let question = self.rules.questions.get(q)?;
                let value = question.domain.value(self.answers.get(q)?)?;
                Some(format!("{} is {}", question.id.value, value.id))
            })
            .collect()
    }

    fn not_fired(&self, pathway: &Pathway) -> PathwayStatus {
        let failed = self.first_failed(&pathway.condition);
        let answers = self.answers_to(failed);
        let failed = part(failed);
        let targets: Vec<String> = pathway
            .referrals
            .iter()
            .map(|r| match &r.target {
                Target::Service(id) => id.clone(),
                Target::Category(c) => format!("any service in category {c}"),
            })
            .collect();
        let id = &pathway.id.value;
        let needs = if answers.is_empty() {
            format!(
                "pathway {id} needs `{}`, which cannot hold here",
                failed.text
            )
        } else {
            format!(
                "{}, pathway {id} needs `{}`",
                answers.join(", "),
                failed.text
            )
        };
        let sentence = if targets.is_empty() {
            format!("pathway {id} does not apply: {needs}")
        } else {
            format!("not referred to {}: {needs}", targets.join(", "))
        };
        PathwayStatus::NotFired {
            failed,
            answers,
            sentence,
        }
    }
}

fn collect_questions(condition: &Condition, into: &mut Vec<usize>) {
    match condition {
        Condition::Always => {}
        Condition::In { question, .. } => into.push(*question),
        Condition::Not(inner, _) => collect_questions(inner, into),
        Condition::And(parts, _) | Condition::Or(parts, _) => {
            for p in parts {
                collect_questions(p, into);
            }
        }
    }
}
