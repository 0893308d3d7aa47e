//! The resolved, typed rule set: questions with finite domains, pathways whose
//! conditions are reduced to "question's answer is in this set of values", and
//! referrals to services or categories that exist in the directory.
//!
//! This is what the engine compiles; every part keeps its [`Span`] and its source
//! text so that checks and explanations can point at it and quote it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::directory::model::{Client, RiskLevel};
use crate::source::{Located, Span};

/// Index of a question in [`RuleSet::questions`] (and so in the asking order).
pub type QuestionIx = usize;
/// Index of a value in its question's [`Domain::values`].
pub type ValueIx = u32;
/// Index of a pathway in [`RuleSet::pathways`].
pub type PathwayIx = usize;

/// Every rule file of an area, together.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    /// In the order the finder asks them (files sorted by name, then file order).
    pub questions: Vec<Question>,
    /// In declaration order.
    pub pathways: Vec<Pathway>,
    /// What applies when no pathway yields a referral.
    pub fallback: Option<Fallback>,
    /// How the directory's eligibility words read in terms of the questions.
    pub eligibility: Eligibility,
}

/// A typed question.
#[derive(Clone, Debug)]
pub struct Question {
    pub id: Located<String>,
    /// What the practitioner is asked.
    pub text: String,
    pub help: Option<String>,
    pub domain: Domain,
    /// The whole declaration.
    pub span: Span,
}

/// What kind of answer a question takes; decides how its values are written and
/// which directory field (if any) it speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum DomainKind {
    /// `is one of a "A", b "B"`.
    Choice,
    /// `is yes or no`: values `yes`, `no` in that order.
    YesNo,
    /// `is a number from MIN to MAX`: one value per whole number.
    Number { min: i64, max: i64 },
    /// `is a locality`: the directory's localities, in their order. Services'
    /// coverage is checked against this question.
    Locality,
    /// `is a risk level`: standard, medium, high. Services' `risk_levels` are checked
    /// against this question.
    RiskLevel,
    /// `is an age`: a number from 0 to 120. Services' `ages` are checked against it.
    Age,
}

/// A finite, ordered domain.
#[derive(Clone, Debug)]
pub struct Domain {
    pub kind: DomainKind,
    pub values: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// How the value is written in rules and answers (`high`, `yes`, `14`, `hilsea`).
    pub id: String,
    /// How it is shown to practitioners.
    pub label: String,
}

impl Domain {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn index_of(&self, id: &str) -> Option<ValueIx> {
        self.values
            .iter()
            .position(|v| v.id == id)
            .and_then(|i| ValueIx::try_from(i).ok())
    }

    /// [`Domain::index_of`], looking first at `at`: a locality question's answers are
    /// the directory's localities in order, so the directory's `at`th locality is
    /// found at once rather than searched for among hundreds.
    pub fn index_of_near(&self, id: &str, at: usize) -> Option<ValueIx> {
        match self.values.get(at) {
            Some(value) if value.id == id => ValueIx::try_from(at).ok(),
            _ => self.index_of(id),
        }
    }

    pub fn value(&self, index: ValueIx) -> Option<&Value> {
        self.values.get(index as usize)
    }
}

/// A condition over the answers. Every test of one question is resolved to the set
/// of its values for which the test holds, so the engine needs only one kind of atom.
#[derive(Clone, Debug)]
pub enum Condition {
    /// Always true (a pathway written without `when`).
    Always,
    /// The answer to `question` is one of `values` (sorted, de-duplicated).
    In {
        question: QuestionIx,
        values: BTreeSet<ValueIx>,
        /// The test as written, e.g. `risk is high` or `locality is in portsmouth`.
        text: String,
        span: Span,
    },
    Not(Box<Condition>, Span),
    /// At least two parts.
    And(Vec<Condition>, Span),
    /// At least two parts.
    Or(Vec<Condition>, Span),
}

impl Condition {
    pub fn span(&self) -> Option<Span> {
        match self {
            Condition::Always => None,
            Condition::In { span, .. }
            | Condition::Not(_, span)
            | Condition::And(_, span)
            | Condition::Or(_, span) => Some(*span),
        }
    }
}

/// How soon a referral should be made.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    /// No keyword.
    #[default]
    Routine,
    /// `urgently`: the same working day.
    Urgent,
    /// `immediately`: now, by phone, before the person leaves.
    Immediate,
}

impl Urgency {
    pub fn id(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Urgent => "urgent",
            Urgency::Immediate => "immediate",
        }
    }
}

/// What a pathway refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A service by id (it exists in the directory).
    Service(String),
    /// `any service in category C`: every service of the category that is open on the
    /// reference date, covers the person's locality and whose eligibility admits them.
    Category(String),
}

#[derive(Clone, Debug)]
pub struct ReferTo {
    pub target: Target,
    pub urgency: Urgency,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Pathway {
    pub id: Located<String>,
    pub title: String,
    /// Shown to practitioners as the reason a service is listed.
    pub reason: String,
    pub condition: Condition,
    pub referrals: Vec<ReferTo>,
    /// The whole declaration.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Fallback {
    pub reason: String,
    pub referrals: Vec<ReferTo>,
    pub span: Span,
}

/// The `eligibility` block: how the directory's eligibility words read in terms of
/// the questions. Only the lines written are kept here; what a missing line means:
/// - `serves C when ...`: a client group with no line is never established, so a
///   service that serves only that group is eligible nowhere;
/// - `requires R when ...`: likewise, a requirement with no line is never met (this
///   is how court-ordered programmes stay out of every pathway);
/// - `risk level L when ...`: without a line, a case counts as risk level `L` when the
///   risk-level question's answer is `L` (or always, if there is no such question).
#[derive(Clone, Debug, Default)]
pub struct Eligibility {
    pub serves: Vec<(Located<Client>, Condition)>,
    pub requires: Vec<(Located<String>, Condition)>,
    pub risk_levels: Vec<(Located<RiskLevel>, Condition)>,
}

impl RuleSet {
    pub fn question(&self, id: &str) -> Option<(QuestionIx, &Question)> {
        self.questions
            .iter()
            .enumerate()
            .find(|(_, q)| q.id.value == id)
    }

    pub fn pathway(&self, id: &str) -> Option<(PathwayIx, &Pathway)> {
        self.pathways
            .iter()
            .enumerate()
            .find(|(_, p)| p.id.value == id)
    }

    /// The question (if any) whose domain has the given kind-defining role.
    pub fn question_of_kind(&self, matches: impl Fn(DomainKind) -> bool) -> Option<QuestionIx> {
        self.questions.iter().position(|q| matches(q.domain.kind))
    }

    /// The number of situations in the whole answer space (saturating).
    pub fn space_size(&self) -> u128 {
        self.questions
            .iter()
            .fold(1u128, |n, q| n.saturating_mul(q.domain.len() as u128))
    }
}
