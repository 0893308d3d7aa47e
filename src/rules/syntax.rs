//! The syntax tree of a rule file: what was written, with a span for every part,
//! before any name is looked up (so a formatter can print it back).

use crate::source::{FileId, Located, Span};

/// One `rules/*.pathways` file: its blocks in file order (those that parsed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFile {
    pub file: FileId,
    pub items: Vec<Item>,
}

/// A top-level block, starting at column 1 with its keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Question(QuestionDecl),
    Eligibility(EligibilityBlock),
    Pathway(PathwayDecl),
    Otherwise(OtherwiseDecl),
}

/// `question ID "TEXT" [help "HELP"] is DOMAIN`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionDecl {
    pub id: Located<String>,
    pub text: Located<String>,
    pub help: Option<Located<String>>,
    pub domain: DomainSpec,
    pub span: Span,
}

/// What follows `is` in a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainSpec {
    /// `one of ID "LABEL", ...`
    Choice(Vec<Choice>, Span),
    /// `yes or no`
    YesNo(Span),
    /// `a number from MIN to MAX`
    Number {
        min: Located<i64>,
        max: Located<i64>,
        span: Span,
    },
    /// `a locality`
    Locality(Span),
    /// `a risk level`
    RiskLevel(Span),
    /// `an age`
    Age(Span),
}

impl DomainSpec {
    pub fn span(&self) -> Span {
        match self {
            DomainSpec::Choice(_, span)
            | DomainSpec::YesNo(span)
            | DomainSpec::Number { span, .. }
            | DomainSpec::Locality(span)
            | DomainSpec::RiskLevel(span)
            | DomainSpec::Age(span) => *span,
        }
    }
}

/// One named value of a `one of` question: `home "At home"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub id: Located<String>,
    pub label: Located<String>,
}

/// `eligibility` followed by its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityBlock {
    pub lines: Vec<EligibilityLine>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityLine {
    pub rule: EligibilityRule,
    pub condition: Expr,
    pub span: Span,
}

/// What an eligibility line establishes (the words are checked on resolution).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EligibilityRule {
    /// `serves CLIENT when ...`
    Serves(Located<String>),
    /// `requires REQUIREMENT when ...`
    Requires(Located<String>),
    /// `risk level LEVEL when ...`
    RiskLevel(Located<String>),
}

/// `pathway ID "TITLE" because "REASON" [when CONDITION] refer REFERRALS`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathwayDecl {
    pub id: Located<String>,
    pub title: Located<String>,
    pub reason: Located<String>,
    /// `None`: the pathway always applies.
    pub condition: Option<Expr>,
    pub referrals: Vec<Referral>,
    pub span: Span,
}

/// `otherwise because "REASON" refer REFERRALS`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherwiseDecl {
    pub reason: Located<String>,
    pub referrals: Vec<Referral>,
    pub span: Span,
}

/// One item of a `refer` list: `idva urgently`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referral {
    pub target: TargetSpec,
    pub urgency: Option<Located<UrgencyWord>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetSpec {
    /// A service id.
    Service(Located<String>),
    /// `any service in category ID`
    Category(Located<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrgencyWord {
    Urgently,
    Immediately,
}

/// A condition as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Test(Test),
    /// `not C`
    Not(Box<Expr>, Span),
    /// `C and C and ...` (at least two parts)
    And(Vec<Expr>, Span),
    /// `C or C or ...` (at least two parts)
    Or(Vec<Expr>, Span),
    /// `( C )`
    Group(Box<Expr>, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Test(test) => test.span,
            Expr::Not(_, span) | Expr::And(_, span) | Expr::Or(_, span) | Expr::Group(_, span) => {
                *span
            }
        }
    }
}

/// One test of one question: `risk is not one of medium, high`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    pub question: Located<String>,
    /// `is not ...` or `!=`.
    pub negated: bool,
    pub check: Check,
    pub span: Span,
}

/// What a test checks the answer against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// `is V` or `= V`
    Is(Located<Word>),
    /// `is one of V, W, in G`
    OneOf(Vec<Member>),
    /// `is in G`
    InGroup(Located<String>),
    /// `is at least N`, `>= N` and the like.
    Compare(Comparison, Located<Word>),
    /// `is between N and M` (inclusive)
    Between(Located<i64>, Located<i64>),
}

/// An item of a `one of` list in a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    Value(Located<Word>),
    InGroup(Located<String>),
}

/// A value as written: a name or a whole number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Word {
    Name(String),
    Number(i64),
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Word::Name(name) => f.write_str(name),
            Word::Number(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    AtMost,
    MoreThan,
    LessThan,
}

impl Comparison {
    /// Whether `n` passes the comparison with `bound`.
    pub fn holds(self, n: i64, bound: i64) -> bool {
        match self {
            Comparison::AtLeast => n >= bound,
            Comparison::AtMost => n <= bound,
            Comparison::MoreThan => n > bound,
            Comparison::LessThan => n < bound,
        }
    }
}
