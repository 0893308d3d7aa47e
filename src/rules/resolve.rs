//! Resolution: the syntax trees of all rule files, checked against each other and the
//! directory, become one typed [`RuleSet`]. Every test of a question is reduced to the
//! set of its values for which the test holds.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Diagnostic;
use crate::directory::model::{Client, Directory, RiskLevel};
use crate::rules::model::{
    Condition, Domain, DomainKind, Eligibility, Fallback, Pathway, Question, ReferTo, RuleSet,
    Target, Urgency, Value, ValueIx,
};
use crate::rules::syntax::{
    Check, Choice, DomainSpec, EligibilityLine, EligibilityRule, Expr, Item, Member, OtherwiseDecl,
    PathwayDecl, QuestionDecl, Referral, RuleFile, TargetSpec, Test, UrgencyWord, Word,
};
use crate::source::{Located, Sources, Span};
use crate::suggest;

/// The most values a number question may have: beyond this, a question is not a
/// choice a practitioner makes, and the checker's work grows with every value.
pub const MAX_NUMBER_VALUES: i64 = 10_000;

/// The ages `is an age` allows.
const AGES: (i64, i64) = (0, 120);

/// Resolves the parsed files (in file order) into one rule set. Best effort: whatever
/// does not resolve is reported and left out, and the rest is kept.
pub fn resolve(
    files: &[RuleFile],
    sources: &Sources,
    directory: &Directory,
) -> (RuleSet, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        sources,
        directory,
        set: RuleSet::default(),
        diagnostics: Cell::new(Vec::new()),
        pathway_ids: BTreeMap::new(),
    };
    let items = || files.iter().flat_map(|f| f.items.iter());
    // Questions first, so that a condition may use a question declared in any file.
    for item in items() {
        if let Item::Question(question) = item {
            resolver.question(question);
        }
    }
    for item in items() {
        match item {
            Item::Question(_) => {}
            Item::Eligibility(block) => block.lines.iter().for_each(|l| resolver.eligibility(l)),
            Item::Pathway(pathway) => resolver.pathway(pathway),
            Item::Otherwise(otherwise) => resolver.otherwise(otherwise),
        }
    }
    (resolver.set, resolver.diagnostics.into_inner())
}

struct Resolver<'a> {
    sources: &'a Sources,
    directory: &'a Directory,
    set: RuleSet,
    /// Reported through a shared reference, so that a condition's question can stay
    /// borrowed from `set` while its values are checked (a national rule set tests a
    /// 343-locality question thousands of times).
    diagnostics: Cell<Vec<Diagnostic>>,
    /// Where each pathway kept so far was declared, by id: a national rule set's
    /// thousands are each checked against all before them.
    pathway_ids: BTreeMap<String, Span>,
}

impl Resolver<'_> {
    fn report(&self, diagnostic: Diagnostic) {
        let mut diagnostics = self.diagnostics.take();
        diagnostics.push(diagnostic);
        self.diagnostics.set(diagnostics);
    }

    fn question(&mut self, decl: &QuestionDecl) {
        if let Some((_, first)) = self.set.question(&decl.id) {
            let first = first.id.span;
            self.report(
                Diagnostic::error(
                    "duplicate-question",
                    format!("there are two questions with the id `{}`", decl.id.value),
                )
                .at(decl.id.span)
                .label("declared again here")
                .related(first, "first declared here")
                .help("give each question its own id, or remove one of them"),
            );
            return;
        }
        let Some(domain) = self.domain(&decl.domain) else {
            return;
        };
        self.set.questions.push(Question {
            id: decl.id.clone(),
            text: decl.text.value.clone(),
            help: decl.help.as_ref().map(|h| h.value.clone()),
            domain,
            span: decl.span,
        });
    }

    fn domain(&mut self, spec: &DomainSpec) -> Option<Domain> {
        let span = spec.span();
        let (kind, values) = match spec {
            DomainSpec::Choice(choices, _) => (DomainKind::Choice, self.choices(choices)),
            DomainSpec::YesNo(_) => (
                DomainKind::YesNo,
                vec![value("yes", "Yes"), value("no", "No")],
            ),
            DomainSpec::Number { min, max, .. } => {
                let values = self.number_values(min, max)?;
                let kind = DomainKind::Number {
                    min: min.value,
                    max: max.value,
                };
                (kind, values)
            }
            DomainSpec::Locality(_) => (DomainKind::Locality, self.localities(span)?),
            DomainSpec::RiskLevel(_) => (
                DomainKind::RiskLevel,
                RiskLevel::ALL
                    .iter()
                    .map(|l| value(l.id(), l.label()))
                    .collect(),
            ),
            DomainSpec::Age(_) => (DomainKind::Age, numbers(AGES.0, AGES.1)),
        };
        self.unique_kind(kind, span)?;
        Some(Domain { kind, values })
    }

    /// At most one question may speak for each of the directory's fields.
    fn unique_kind(&mut self, kind: DomainKind, span: Span) -> Option<()> {
        let role = match kind {
            DomainKind::Locality => "locality",
            DomainKind::RiskLevel => "risk level",
            DomainKind::Age => "age",
            _ => return Some(()),
        };
        let Some(first) = self.set.question_of_kind(|k| k == kind) else {
            return Some(());
        };
        let first = self
            .set
            .questions
            .get(first)
            .map(|q| (q.id.value.clone(), q.span));
        let mut diagnostic = Diagnostic::error(
            "bad-domain",
            format!("there can be only one {role} question"),
        )
        .at(span)
        .label(format!("a second {role} question"))
        .help(format!(
            "services' {role} eligibility is checked against one question; remove this one"
        ));
        if let Some((id, first)) = first {
            diagnostic = diagnostic.related(first, format!("`{id}` is already a {role} question"));
        }
        self.report(diagnostic);
        None
    }

    fn choices(&mut self, choices: &[Choice]) -> Vec<Value> {
        let mut values: Vec<Value> = Vec::new();
        let mut seen: Vec<&Located<String>> = Vec::new();
        for choice in choices {
            if let Some(first) = seen.iter().find(|s| s.value == choice.id.value) {
                let first = first.span;
                self.report(
                    Diagnostic::error(
                        "duplicate-value",
                        format!("the value `{}` is listed twice", choice.id.value),
                    )
                    .at(choice.id.span)
                    .label("listed again here")
                    .related(first, "first listed here")
                    .help("remove one of them"),
                );
                continue;
            }
            seen.push(&choice.id);
            values.push(value(&choice.id.value, &choice.label.value));
        }
        values
    }

    fn number_values(&mut self, min: &Located<i64>, max: &Located<i64>) -> Option<Vec<Value>> {
        let span = min.span.to(max.span);
        if min.value > max.value {
            self.report(
                Diagnostic::error(
                    "bad-domain",
                    format!("this range goes down, from {} to {}", min.value, max.value),
                )
                .at(span)
                .label("the first number is larger than the second")
                .help(format!("write `from {} to {}`", max.value, min.value)),
            );
            return None;
        }
        let count = i128::from(max.value) - i128::from(min.value) + 1;
        if count > i128::from(MAX_NUMBER_VALUES) {
            self.report(
                Diagnostic::error(
                    "bad-domain",
                    format!("this range has {count} numbers, more than the {MAX_NUMBER_VALUES} allowed"),
                )
                .at(span)
                .label("too many numbers")
                .help("a number question is for small counts such as risk checklist ticks; use a smaller range"),
            );
            return None;
        }
        Some(numbers(min.value, max.value))
    }

    fn localities(&mut self, span: Span) -> Option<Vec<Value>> {
        let values: Vec<Value> = self
            .directory
            .localities
            .iter()
            .map(|l| value(&l.id.value, &l.name))
            .collect();
        if values.is_empty() {
            self.report(
                Diagnostic::error("bad-domain", "the directory lists no localities")
                    .at(span)
                    .label("a locality question needs localities")
                    .help("list the area's localities in `directory/localities.yaml`"),
            );
            return None;
        }
        Some(values)
    }

    fn eligibility(&mut self, line: &EligibilityLine) {
        let condition = self.condition(&line.condition);
        match &line.rule {
            EligibilityRule::Serves(word) => {
                let client = self.client(word);
                if let (Some(client), Some(condition)) = (client, condition) {
                    self.set.eligibility.serves.push((client, condition));
                }
            }
            EligibilityRule::Requires(word) => {
                if let Some(condition) = condition {
                    self.set
                        .eligibility
                        .requires
                        .push((word.clone(), condition));
                }
            }
            EligibilityRule::RiskLevel(word) => {
                let level = self.risk_level(word);
                if let (Some(level), Some(condition)) = (level, condition) {
                    self.set.eligibility.risk_levels.push((level, condition));
                }
            }
        }
        self.duplicate_eligibility(line);
    }

    /// Two lines for the same word would leave unclear whether both or either must hold.
    fn duplicate_eligibility(&mut self, line: &EligibilityLine) {
        let Eligibility {
            serves,
            requires,
            risk_levels,
        } = &self.set.eligibility;
        let spans: Vec<(String, Span)> = serves
            .iter()
            .map(|(c, _)| (format!("serves {}", c.value.id()), c.span))
            .chain(
                requires
                    .iter()
                    .map(|(r, _)| (format!("requires {}", r.value), r.span)),
            )
            .chain(
                risk_levels
                    .iter()
                    .map(|(l, _)| (format!("risk level {}", l.value.id()), l.span)),
            )
            .collect();
        let (word, this) = match &line.rule {
            EligibilityRule::Serves(w) => (format!("serves {}", w.value), w.span),
            EligibilityRule::Requires(w) => (format!("requires {}", w.value), w.span),
            EligibilityRule::RiskLevel(w) => (format!("risk level {}", w.value), w.span),
        };
        let first = spans.iter().find(|(w, _)| *w == word).map(|(_, s)| *s);
        if let Some(first) = first.filter(|first| *first != this) {
            self.report(
                Diagnostic::error(
                    "duplicate-eligibility",
                    format!("there are two `{word}` lines"),
                )
                .at(this)
                .label("written again here")
                .related(first, "first written here")
                .help("join the two conditions into one line with `or` (or `and`)"),
            );
        }
    }

    fn client(&mut self, word: &Located<String>) -> Option<Located<Client>> {
        if let Some(client) = Client::ALL.into_iter().find(|c| c.id() == word.value) {
            return Some(Located::new(client, word.span));
        }
        let ids = Client::ALL.map(Client::id);
        self.report(
            Diagnostic::error(
                "unknown-client",
                format!("`{}` is not a kind of client", word.value),
            )
            .at(word.span)
            .label("unknown client")
            .help(
                suggest::did_you_mean(&word.value, ids)
                    .unwrap_or_else(|| format!("write one of: {}", ids.join(", "))),
            ),
        );
        None
    }

    fn risk_level(&mut self, word: &Located<String>) -> Option<Located<RiskLevel>> {
        if let Some(level) = RiskLevel::ALL.into_iter().find(|l| l.id() == word.value) {
            return Some(Located::new(level, word.span));
        }
        let ids = RiskLevel::ALL.map(RiskLevel::id);
        self.report(
            Diagnostic::error(
                "unknown-value",
                format!("`{}` is not a risk level", word.value),
            )
            .at(word.span)
            .label("unknown risk level")
            .help(
                suggest::did_you_mean(&word.value, ids)
                    .unwrap_or_else(|| "write standard, medium or high".to_string()),
            ),
        );
        None
    }

    fn pathway(&mut self, decl: &PathwayDecl) {
        let duplicate = self.pathway_ids.get(&decl.id.value).copied();
        let condition = decl.condition.as_ref().map(|c| self.condition(c));
        let referrals = self.referrals(&decl.referrals);
        if let Some(first) = duplicate {
            self.report(
                Diagnostic::error(
                    "duplicate-pathway",
                    format!("there are two pathways with the id `{}`", decl.id.value),
                )
                .at(decl.id.span)
                .label("declared again here")
                .related(first, "first declared here")
                .help("give each pathway its own id"),
            );
            return;
        }
        let condition = match condition {
            None => Condition::Always,
            Some(Some(condition)) => condition,
            Some(None) => return,
        };
        self.pathway_ids.insert(decl.id.value.clone(), decl.id.span);
        self.set.pathways.push(Pathway {
            id: decl.id.clone(),
            title: decl.title.value.clone(),
            reason: decl.reason.value.clone(),
            condition,
            referrals,
            span: decl.span,
        });
    }

    fn otherwise(&mut self, decl: &OtherwiseDecl) {
        let referrals = self.referrals(&decl.referrals);
        if let Some(first) = &self.set.fallback {
            let first = first.span;
            self.report(
                Diagnostic::error("duplicate-fallback", "there are two `otherwise` blocks")
                    .at(decl.span)
                    .label("a second `otherwise`")
                    .related(first, "the first `otherwise`")
                    .help("keep one `otherwise` for the whole rule set"),
            );
            return;
        }
        self.set.fallback = Some(Fallback {
            reason: decl.reason.value.clone(),
            referrals,
            span: decl.span,
        });
    }

    fn referrals(&mut self, referrals: &[Referral]) -> Vec<ReferTo> {
        let mut resolved: Vec<ReferTo> = Vec::new();
        for referral in referrals {
            let Some(target) = self.target(&referral.target) else {
                continue;
            };
            if let Some(first) = resolved.iter().find(|r| r.target == target) {
                let first = first.span;
                self.report(
                    Diagnostic::warning("duplicate-referral", "this referral is listed twice")
                        .at(referral.span)
                        .label("listed again here")
                        .related(first, "first listed here")
                        .help("remove one of them"),
                );
                continue;
            }
            let urgency = match referral.urgency.as_ref().map(|u| u.value) {
                None => Urgency::Routine,
                Some(UrgencyWord::Urgently) => Urgency::Urgent,
                Some(UrgencyWord::Immediately) => Urgency::Immediate,
            };
            resolved.push(ReferTo {
                target,
                urgency,
                span: referral.span,
            });
        }
        resolved
    }

    fn target(&mut self, target: &TargetSpec) -> Option<Target> {
        let directory = self.directory;
        let categories = || directory.categories.iter().map(|c| c.id.value.as_str());
        match target {
            TargetSpec::Service(id) => {
                if directory.service(&id.value).is_some() {
                    return Some(Target::Service(id.value.clone()));
                }
                let help = if categories().any(|c| c == id.value) {
                    Some(format!(
                        "`{0}` is a category: write `any service in category {0}`",
                        id.value
                    ))
                } else {
                    suggest::did_you_mean(
                        &id.value,
                        directory.services.iter().map(|s| s.id.as_str()),
                    )
                };
                self.report(
                    Diagnostic::error(
                        "unknown-service",
                        format!("there is no service `{}` in the directory", id.value),
                    )
                    .at(id.span)
                    .label("unknown service")
                    .maybe_help(help),
                );
                None
            }
            TargetSpec::Category(id) => {
                if categories().any(|c| c == id.value) {
                    return Some(Target::Category(id.value.clone()));
                }
                let help = suggest::did_you_mean(&id.value, categories()).unwrap_or_else(|| {
                    format!(
                        "the categories are: {}",
                        categories().collect::<Vec<_>>().join(", ")
                    )
                });
                self.report(
                    Diagnostic::error(
                        "unknown-category",
                        format!("there is no category `{}` in the directory", id.value),
                    )
                    .at(id.span)
                    .label("unknown category")
                    .help(help),
                );
                None
            }
        }
    }

    /// Resolves every part (so that every problem is reported); `None` if any failed.
    fn condition(&mut self, expr: &Expr) -> Option<Condition> {
        match expr {
            Expr::Test(test) => self.test(test),
            Expr::Group(inner, _) => self.condition(inner),
            Expr::Not(inner, span) => Some(Condition::Not(Box::new(self.condition(inner)?), *span)),
            Expr::And(parts, span) => {
                let parts = self.parts(parts, |c| match c {
                    Condition::And(nested, _) => Ok(nested),
                    other => Err(other),
                })?;
                Some(Condition::And(parts, *span))
            }
            Expr::Or(parts, span) => {
                let parts = self.parts(parts, |c| match c {
                    Condition::Or(nested, _) => Ok(nested),
                    other => Err(other),
                })?;
                Some(Condition::Or(parts, *span))
            }
        }
    }

    /// The parts of an `and` or `or`, with nested parts of the same operator flattened.
    fn parts(
        &mut self,
        parts: &[Expr],
        same: impl Fn(Condition) -> Result<Vec<Condition>, Condition>,
    ) -> Option<Vec<Condition>> {
        let resolved: Vec<Option<Condition>> = parts.iter().map(|p| self.condition(p)).collect();
        let mut flat = Vec::new();
        for part in resolved {
            match same(part?) {
                Ok(nested) => flat.extend(nested),
                Err(single) => flat.push(single),
            }
        }
        Some(flat)
    }

    fn test(&mut self, test: &Test) -> Option<Condition> {
        let Some((index, question)) = self.set.question(&test.question) else {
            self.unknown_question(&test.question);
            return None;
        };
        let holds = self.check(question, &test.check)?;
        let values = if test.negated {
            (0..question.domain.len())
                .filter_map(|v| ValueIx::try_from(v).ok())
                .filter(|v| !holds.contains(v))
                .collect()
        } else {
            holds
        };
        let text = self.sources.slice(test.span);
        Some(Condition::In {
            question: index,
            values,
            text: text.split_whitespace().collect::<Vec<_>>().join(" "),
            span: test.span,
        })
    }

    fn unknown_question(&mut self, id: &Located<String>) {
        let ids: Vec<&str> = self
            .set
            .questions
            .iter()
            .map(|q| q.id.value.as_str())
            .collect();
        let help = suggest::did_you_mean(&id.value, ids.iter().copied()).or_else(|| {
            (!ids.is_empty()).then(|| format!("the questions are: {}", ids.join(", ")))
        });
        self.report(
            Diagnostic::error(
                "unknown-question",
                format!("there is no question `{}`", id.value),
            )
            .at(id.span)
            .label("unknown question")
            .maybe_help(help),
        );
    }

    /// The values of `question` for which the check holds.
    fn check(&self, question: &Question, check: &Check) -> Option<BTreeSet<ValueIx>> {
        match check {
            Check::Is(word) => self.value(question, word),
            Check::InGroup(group) => self.group(question, group),
            Check::OneOf(members) => {
                let sets: Vec<Option<BTreeSet<ValueIx>>> = members
                    .iter()
                    .map(|member| match member {
                        Member::Value(word) => self.value(question, word),
                        Member::InGroup(group) => self.group(question, group),
                    })
                    .collect();
                sets.into_iter()
                    .try_fold(BTreeSet::new(), |all, set| Some(&all | &set?))
            }
            Check::Compare(comparison, bound) => {
                let (min, max) = self.numeric(question, bound.span)?;
                let bound = self.number_in_range(question, bound, min, max)?;
                Some(indices(min, max, |n| comparison.holds(n, bound)))
            }
            Check::Between(low, high) => {
                let (min, max) = self.numeric(question, low.span.to(high.span))?;
                let as_word = |n: &Located<i64>| Located::new(Word::Number(n.value), n.span);
                let low_ok = self.number_in_range(question, &as_word(low), min, max);
                let high_ok = self.number_in_range(question, &as_word(high), min, max);
                let (low_value, high_value) = (low_ok?, high_ok?);
                if low_value > high_value {
                    self.report(
                        Diagnostic::error(
                            "empty-range",
                            format!("no number is between {low_value} and {high_value}"),
                        )
                        .at(low.span.to(high.span))
                        .label("the first number is larger than the second")
                        .help(format!("write `between {high_value} and {low_value}`")),
                    );
                    return None;
                }
                Some(indices(min, max, |n| (low_value..=high_value).contains(&n)))
            }
        }
    }

    /// The range of a number or age question; a type mismatch for any other.
    fn numeric(&self, question: &Question, span: Span) -> Option<(i64, i64)> {
        match numbers_of(question.domain.kind) {
            Some(range) => Some(range),
            None => {
                self.report(
                    Diagnostic::error(
                        "type-mismatch",
                        format!(
                            "`{}` is not a number question, so it cannot be compared with a number",
                            question.id.value
                        ),
                    )
                    .at(span)
                    .label("a number comparison")
                    .help(format!(
                        "`{}` is answered with {}",
                        question.id.value,
                        answers(question)
                    )),
                );
                None
            }
        }
    }

    fn number_in_range(
        &self,
        question: &Question,
        word: &Located<Word>,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let Word::Number(n) = word.value else {
            self.report(
                Diagnostic::error(
                    "type-mismatch",
                    format!(
                        "`{}` is a number question, but `{}` is not a number",
                        question.id.value, word.value
                    ),
                )
                .at(word.span)
                .label("not a number")
                .help(format!("write a whole number from {min} to {max}")),
            );
            return None;
        };
        if (min..=max).contains(&n) {
            return Some(n);
        }
        self.report(
            Diagnostic::error(
                "value-out-of-range",
                format!(
                    "`{}` is a number from {min} to {max}, so it is never {n}",
                    question.id.value
                ),
            )
            .at(word.span)
            .label("out of range")
            .help(format!("use a number from {min} to {max}")),
        );
        None
    }

    /// `Q is V`: the value's index, or a group's members for a locality question.
    fn value(&self, question: &Question, word: &Located<Word>) -> Option<BTreeSet<ValueIx>> {
        if let Some((min, max)) = numbers_of(question.domain.kind) {
            let n = self.number_in_range(question, word, min, max)?;
            return Some(indices(min, max, |v| v == n));
        }
        let name = match &word.value {
            Word::Name(name) => name,
            Word::Number(n) => {
                self.report(
                    Diagnostic::error(
                        "type-mismatch",
                        format!(
                            "`{}` is not a number question, but {n} is a number",
                            question.id.value
                        ),
                    )
                    .at(word.span)
                    .label("a number")
                    .help(format!(
                        "`{}` is answered with {}",
                        question.id.value,
                        answers(question)
                    )),
                );
                return None;
            }
        };
        if let Some(index) = question.domain.index_of(name) {
            return Some(BTreeSet::from([index]));
        }
        if question.domain.kind == DomainKind::Locality && self.directory.is_group(name) {
            return Some(self.members(question, name));
        }
        self.unknown_value(question, name, word.span);
        None
    }

    fn unknown_value(&self, question: &Question, name: &str, span: Span) {
        let id = &question.id.value;
        if question.domain.kind == DomainKind::Choice && (name == "yes" || name == "no") {
            self.report(
                Diagnostic::error(
                    "type-mismatch",
                    format!("`{id}` is not a yes-or-no question"),
                )
                .at(span)
                .label(format!("`{id}` has no value `{name}`"))
                .help(format!("`{id}` is answered with {}", answers(question))),
            );
            return;
        }
        let ids = question.domain.values.iter().map(|v| v.id.as_str());
        let groups = self.directory.groups.iter().map(|g| g.id.value.as_str());
        let help = if question.domain.kind == DomainKind::Locality {
            suggest::did_you_mean(name, ids.chain(groups))
        } else {
            suggest::did_you_mean(name, ids)
        };
        self.report(
            Diagnostic::error(
                "unknown-value",
                format!("`{name}` is not an answer to `{id}`"),
            )
            .at(span)
            .label("unknown value")
            .help(help.unwrap_or_else(|| format!("`{id}` is answered with {}", answers(question)))),
        );
    }

    /// `Q is in G`.
    fn group(&self, question: &Question, group: &Located<String>) -> Option<BTreeSet<ValueIx>> {
        let id = &question.id.value;
        if question.domain.kind != DomainKind::Locality {
            self.report(
                Diagnostic::error(
                    "type-mismatch",
                    format!("`{id}` is not a locality question, so it cannot be in a group"),
                )
                .at(group.span)
                .label("a locality group")
                .help(format!("`{id}` is answered with {}", answers(question))),
            );
            return None;
        }
        if self.directory.is_group(&group.value) {
            return Some(self.members(question, &group.value));
        }
        let name = &group.value;
        let help = if self.directory.locality_index(name).is_some() {
            Some(format!(
                "`{name}` is a locality, not a group: write `{id} is {name}`"
            ))
        } else {
            let groups = self.directory.groups.iter().map(|g| g.id.value.as_str());
            suggest::did_you_mean(name, groups).or_else(|| {
                let all: Vec<&str> = self
                    .directory
                    .groups
                    .iter()
                    .map(|g| g.id.value.as_str())
                    .collect();
                (!all.is_empty()).then(|| format!("the locality groups are: {}", all.join(", ")))
            })
        };
        self.report(
            Diagnostic::error(
                "unknown-group",
                format!("there is no locality group `{name}` in the directory"),
            )
            .at(group.span)
            .label("unknown group")
            .maybe_help(help),
        );
        None
    }

    /// The values of a locality question that belong to a group.
    fn members(&self, question: &Question, group: &str) -> BTreeSet<ValueIx> {
        self.directory
            .group_members(group)
            .into_iter()
            .filter_map(|i| {
                let locality = self.directory.localities.get(i)?;
                question.domain.index_of_near(&locality.id.value, i)
            })
            .collect()
    }
}

fn value(id: &str, label: &str) -> Value {
    Value {
        id: id.to_string(),
        label: label.to_string(),
    }
}

fn numbers(min: i64, max: i64) -> Vec<Value> {
    (min..=max)
        .map(|n| value(&n.to_string(), &n.to_string()))
        .collect()
}

fn numbers_of(kind: DomainKind) -> Option<(i64, i64)> {
    match kind {
        DomainKind::Number { min, max } => Some((min, max)),
        DomainKind::Age => Some(AGES),
        _ => None,
    }
}

/// The indices of the numbers from `min` to `max` that pass `keep`.
fn indices(min: i64, max: i64, keep: impl Fn(i64) -> bool) -> BTreeSet<ValueIx> {
    (min..=max)
        .zip(0..)
        .filter(|(n, _)| keep(*n))
        .map(|(_, index)| index)
        .collect()
}

/// "yes or no", "standard, medium or high", "a number from 0 to 27", ...
fn answers(question: &Question) -> String {
    if let Some((min, max)) = numbers_of(question.domain.kind) {
        return format!("a number from {min} to {max}");
    }
    let ids: Vec<String> = question
        .domain
        .values
        .iter()
        .map(|v| format!("`{}`", v.id))
        .collect();
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() && ids.len() <= 12 => {
            format!("{} or {last}", rest.join(", "))
        }
        Some((last, [])) => last.clone(),
        _ => format!("one of its {} values", ids.len()),
    }
}
