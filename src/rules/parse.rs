//! Parsing a rule file into its syntax tree: the file is cut into blocks at every line
//! that starts at column 1, each block is checked for unclosed texts and runaway
//! nesting, then parsed with pest; pest's errors are put into plain words.

use pest::Parser;
use pest::iterators::Pair;

use crate::diagnostic::Diagnostic;
use crate::rules::errors;
use crate::rules::syntax::{
    Check, Choice, Comparison, DomainSpec, EligibilityBlock, EligibilityLine, EligibilityRule,
    Expr, Item, Member, OtherwiseDecl, PathwayDecl, QuestionDecl, Referral, RuleFile, TargetSpec,
    Test, UrgencyWord, Word,
};
use crate::source::{FileId, Located, Span};

/// How deeply parentheses and `not`s may nest. Far beyond any readable rule, and low
/// enough that nothing downstream can run out of stack.
pub const MAX_DEPTH: usize = 64;

/// The most choices a question, or values an `is one of` list, may have: as many as a
/// number question may have values, so no list is longer than the longest domain.
pub const MAX_LIST_VALUES: usize = 10_000;

#[derive(pest_derive::Parser)]
#[grammar = "rules/grammar.pest"]
pub(crate) struct Grammar;

/// Parses one rule file. Every block that parses is kept; every one that does not is
/// reported (one diagnostic per block), so several mistakes are reported at once.
pub fn parse(file: FileId, text: &str) -> (RuleFile, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut diagnostics = Vec::new();
    for (start, end) in blocks(text) {
        let Some(source) = text.get(start..end) else {
            continue;
        };
        let block = Block {
            file,
            offset: start,
            source,
        };
        match block.parse() {
            Ok(item) => items.push(item),
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    (RuleFile { file, items }, diagnostics)
}

/// Byte ranges of the blocks: each starts at a line whose first character is neither
/// white space nor `#`, and runs to the next such line.
fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bom = if offset == 0 && line.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let rest = line.get(bom..).unwrap_or("");
        if rest
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#')
        {
            starts.push(offset + bom);
        }
        offset += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().copied().zip(ends).collect()
}

/// A part of the tree, or the one problem that stops its block.
type Built<T> = Result<T, Box<Diagnostic>>;

/// One block of a file, parsed on its own.
struct Block<'a> {
    file: FileId,
    offset: usize,
    source: &'a str,
}

impl Block<'_> {
    fn parse(&self) -> Built<Item> {
        if let Some(problem) = errors::scan(self.source) {
            return Err(Box::new(problem.into_diagnostic(self.file, self.offset)));
        }
        let mut pairs = Grammar::parse(Rule::block, self.source).map_err(|error| {
            Box::new(errors::from_pest(
                &error,
                self.file,
                self.offset,
                self.source,
            ))
        })?;
        let pair = self.required(pairs.next())?;
        match pair.as_rule() {
            Rule::question => self.question(pair).map(Item::Question),
            Rule::eligibility => self.eligibility(pair).map(Item::Eligibility),
            Rule::pathway => self.pathway(pair).map(Item::Pathway),
            _ => self.otherwise(pair).map(Item::Otherwise),
        }
    }

    /// The pair's place, without the whitespace pest's implicit skipping may have
    /// swallowed after it (an optional part that did not match leaves it behind).
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let start = self.offset + pair.as_span().start();
        Span::new(self.file, start, start + pair.as_str().trim_end().len())
    }

    fn located(&self, pair: &Pair<Rule>) -> Located<String> {
        Located::new(pair.as_str().to_string(), self.span(pair))
    }

    /// A part the grammar guarantees; missing only if grammar and builder disagree.
    fn required<T>(&self, part: Option<T>) -> Built<T> {
        part.ok_or_else(|| {
            Box::new(
                Diagnostic::error(
                    "internal-error",
                    "this block could not be read (a fault in pathways, please report it)",
                )
                .at(Span::new(
                    self.file,
                    self.offset,
                    self.offset + self.source.len(),
                )),
            )
        })
    }

    /// The text inside the quotes, with `\"` and `\\` unescaped.
    fn text(&self, pair: &Pair<Rule>) -> Located<String> {
        let raw = pair.as_str();
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.extend(chars.next()),
                c => value.push(c),
            }
        }
        Located::new(value, self.span(pair))
    }

    fn number(&self, pair: &Pair<Rule>) -> Built<Located<i64>> {
        let span = self.span(pair);
        pair.as_str()
            .parse::<i64>()
            .map(|n| Located::new(n, span))
            .map_err(|_| {
                Box::new(
                    Diagnostic::error("bad-number", "this number is too large")
                        .at(span)
                        .label("too large")
                        .help("whole numbers in rules must be smaller than a billion billion"),
                )
            })
    }

    fn word(&self, pair: &Pair<Rule>) -> Built<Located<Word>> {
        let text = pair.as_str();
        if text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            let n = self.number(pair)?;
            Ok(Located::new(Word::Number(n.value), n.span))
        } else {
            Ok(Located::new(Word::Name(text.to_string()), self.span(pair)))
        }
    }

    fn question(&self, pair: Pair<Rule>) -> Built<QuestionDecl> {
        let span = self.span(&pair);
        let (mut id, mut text, mut help, mut domain) = (None, None, None, None);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::question_id => id = Some(self.located(&part)),
                Rule::text => text = Some(self.text(&part)),
                Rule::help => help = part.into_inner().last().map(|t| self.text(&t)),
                Rule::kw_question | Rule::kw_is => {}
                _ => domain = Some(self.domain(part)?),
            }
        }
        Ok(QuestionDecl {
            id: self.required(id)?,
            text: self.required(text)?,
            help,
            domain: self.required(domain)?,
            span,
        })
    }

    fn domain(&self, pair: Pair<Rule>) -> Built<DomainSpec> {
        let span = self.span(&pair);
        Ok(match pair.as_rule() {
            Rule::yes_no => DomainSpec::YesNo(span),
            Rule::locality_domain => DomainSpec::Locality(span),
            Rule::risk_domain => DomainSpec::RiskLevel(span),
            Rule::age_domain => DomainSpec::Age(span),
            Rule::number_domain => {
                let mut numbers = pair.into_inner().filter(|p| p.as_rule() == Rule::number);
                let min = self.number(&self.required(numbers.next())?)?;
                let max = self.number(&self.required(numbers.next())?)?;
                DomainSpec::Number { min, max, span }
            }
            _ => {
                let choices = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::choice)
                    .map(|choice| self.choice(choice))
                    .collect::<Built<Vec<_>>>()?;
                DomainSpec::Choice(self.bounded(choices, span, "choices")?, span)
            }
        })
    }

    fn choice(&self, pair: Pair<Rule>) -> Built<Choice> {
        let mut parts = pair.into_inner();
        let id = self.located(&self.required(parts.next())?);
        let label = self.text(&self.required(parts.next())?);
        Ok(Choice { id, label })
    }

    fn eligibility(&self, pair: Pair<Rule>) -> Built<EligibilityBlock> {
        let span = self.span(&pair);
        let lines = pair
            .into_inner()
            .filter(|p| p.as_rule() != Rule::kw_eligibility)
            .map(|line| self.eligibility_line(line))
            .collect::<Built<Vec<_>>>()?;
        Ok(EligibilityBlock { lines, span })
    }

    fn eligibility_line(&self, pair: Pair<Rule>) -> Built<EligibilityLine> {
        let span = self.span(&pair);
        let kind = pair.as_rule();
        let (mut word, mut condition) = (None, None);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::client | Rule::requirement | Rule::level => word = Some(self.located(&part)),
                Rule::condition => condition = Some(self.condition(part, 0)?),
                _ => {}
            }
        }
        let word = self.required(word)?;
        let rule = match kind {
            Rule::serves_line => EligibilityRule::Serves(word),
            Rule::requires_line => EligibilityRule::Requires(word),
            _ => EligibilityRule::RiskLevel(word),
        };
        Ok(EligibilityLine {
            rule,
            condition: self.required(condition)?,
            span,
        })
    }

    fn pathway(&self, pair: Pair<Rule>) -> Built<PathwayDecl> {
        let span = self.span(&pair);
        let (mut id, mut title, mut reason, mut condition) = (None, None, None, None);
        let mut referrals = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::pathway_id => id = Some(self.located(&part)),
                Rule::text => title = Some(self.text(&part)),
                Rule::because => reason = self.because(part),
                Rule::when => {
                    let inner = self.required(part.into_inner().last())?;
                    condition = Some(self.condition(inner, 0)?);
                }
                Rule::refer => referrals = Some(self.refer(part)?),
                _ => {}
            }
        }
        Ok(PathwayDecl {
            id: self.required(id)?,
            title: self.required(title)?,
            reason: self.required(reason)?,
            condition,
            referrals: self.required(referrals)?,
            span,
        })
    }

    fn otherwise(&self, pair: Pair<Rule>) -> Built<OtherwiseDecl> {
        let span = self.span(&pair);
        let (mut reason, mut referrals) = (None, None);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::because => reason = self.because(part),
                Rule::refer => referrals = Some(self.refer(part)?),
                _ => {}
            }
        }
        Ok(OtherwiseDecl {
            reason: self.required(reason)?,
            referrals: self.required(referrals)?,
            span,
        })
    }

    fn because(&self, pair: Pair<Rule>) -> Option<Located<String>> {
        pair.into_inner().last().map(|t| self.text(&t))
    }

    fn refer(&self, pair: Pair<Rule>) -> Built<Vec<Referral>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::referral)
            .map(|referral| self.referral(referral))
            .collect()
    }

    fn referral(&self, pair: Pair<Rule>) -> Built<Referral> {
        let span = self.span(&pair);
        let (mut target, mut urgency) = (None, None);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::service_id => target = Some(TargetSpec::Service(self.located(&part))),
                Rule::category_target => {
                    let id = self.required(part.into_inner().last())?;
                    target = Some(TargetSpec::Category(self.located(&id)));
                }
                _ => {
                    let word = match part.as_str() {
                        "immediately" => UrgencyWord::Immediately,
                        _ => UrgencyWord::Urgently,
                    };
                    urgency = Some(Located::new(word, self.span(&part)));
                }
            }
        }
        Ok(Referral {
            target: self.required(target)?,
            urgency,
            span,
        })
    }

    /// `A and B and C` or `A or B or C`; mixing the two without parentheses is refused.
    fn condition(&self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        let span = self.span(&pair);
        let mut parts = Vec::new();
        let mut connectives = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::unary => parts.push(self.unary(part, depth)?),
                rule => connectives.push(rule),
            }
        }
        let ands = connectives.iter().filter(|r| **r == Rule::kw_and).count();
        match (ands, connectives.len() - ands) {
            (0, 0) => self.required(parts.pop()),
            (_, 0) => Ok(Expr::And(parts, span)),
            (0, _) => Ok(Expr::Or(parts, span)),
            _ => Err(Box::new(self.ambiguous(&parts, &connectives, span))),
        }
    }

    fn ambiguous(&self, parts: &[Expr], connectives: &[Rule], span: Span) -> Diagnostic {
        let texts: Vec<&str> = parts
            .iter()
            .map(|p| {
                let s = p.span();
                self.source
                    .get(s.start.saturating_sub(self.offset)..s.end.saturating_sub(self.offset))
                    .unwrap_or("")
            })
            .collect();
        let and_first = errors::reading(&texts, connectives, Rule::kw_and);
        let or_first = errors::reading(&texts, connectives, Rule::kw_or);
        Diagnostic::error(
            "ambiguous-and-or",
            "this condition mixes `and` with `or`, so it can be read two ways",
        )
        .at(span)
        .label("`and` and `or` at the same level")
        .help(format!(
            "add parentheses to say which you mean: `{and_first}`, or `{or_first}`"
        ))
    }

    fn unary(&self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        let mut nots = Vec::new();
        let mut inner = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_not => nots.push(self.span(&part)),
                _ => inner = Some(part),
            }
        }
        if let Some(too_deep) = nots.get(MAX_DEPTH.saturating_sub(depth)) {
            return Err(Box::new(errors::too_deep(*too_deep)));
        }
        let inner = self.required(inner)?;
        let mut expr = match inner.as_rule() {
            Rule::group => {
                let span = self.span(&inner);
                let condition = self.required(inner.into_inner().next())?;
                let nested = self.condition(condition, depth + nots.len() + 1)?;
                Expr::Group(Box::new(nested), span)
            }
            _ => Expr::Test(self.test(inner)?),
        };
        for not in nots.into_iter().rev() {
            let span = not.to(expr.span());
            expr = Expr::Not(Box::new(expr), span);
        }
        Ok(expr)
    }

    fn test(&self, pair: Pair<Rule>) -> Built<Test> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let question = self.located(&self.required(parts.next())?);
        let how = self.required(parts.next())?;
        let (negated, check) = match how.as_rule() {
            Rule::symbol_test => self.symbol_test(how)?,
            _ => self.is_test(how)?,
        };
        Ok(Test {
            question,
            negated,
            check,
            span,
        })
    }

    fn symbol_test(&self, pair: Pair<Rule>) -> Built<(bool, Check)> {
        let mut parts = pair.into_inner();
        let symbol = self.required(parts.next())?.as_str();
        let value = self.word(&self.required(parts.next())?)?;
        let comparison = match symbol {
            ">=" => Comparison::AtLeast,
            "<=" => Comparison::AtMost,
            ">" => Comparison::MoreThan,
            "<" => Comparison::LessThan,
            _ => return Ok((symbol == "!=", Check::Is(value))),
        };
        Ok((false, Check::Compare(comparison, value)))
    }

    fn is_test(&self, pair: Pair<Rule>) -> Built<(bool, Check)> {
        let mut negated = false;
        let mut check = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_is => {}
                Rule::kw_not => negated = true,
                _ => check = Some(self.check(part)?),
            }
        }
        Ok((negated, self.required(check)?))
    }

    fn check(&self, pair: Pair<Rule>) -> Built<Check> {
        let rule = pair.as_rule();
        let comparison = match rule {
            Rule::value => return Ok(Check::Is(self.word(&pair)?)),
            Rule::in_group => return Ok(Check::InGroup(self.group(pair)?)),
            Rule::one_of => return self.one_of(pair),
            Rule::at_least => Comparison::AtLeast,
            Rule::at_most => Comparison::AtMost,
            Rule::more_than => Comparison::MoreThan,
            Rule::less_than => Comparison::LessThan,
            _ => {
                let mut numbers = pair.into_inner().filter(|p| p.as_rule() == Rule::number);
                let low = self.number(&self.required(numbers.next())?)?;
                let high = self.number(&self.required(numbers.next())?)?;
                return Ok(Check::Between(low, high));
            }
        };
        let number = self.required(pair.into_inner().last())?;
        Ok(Check::Compare(comparison, self.word(&number)?))
    }

    fn group(&self, pair: Pair<Rule>) -> Built<Located<String>> {
        Ok(self.located(&self.required(pair.into_inner().last())?))
    }

    fn one_of(&self, pair: Pair<Rule>) -> Built<Check> {
        let span = self.span(&pair);
        let mut members = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::value => members.push(Member::Value(self.word(&part)?)),
                Rule::in_group => members.push(Member::InGroup(self.group(part)?)),
                _ => {}
            }
        }
        Ok(Check::OneOf(self.bounded(members, span, "values")?))
    }

    /// Refuses a list longer than [`MAX_LIST_VALUES`].
    fn bounded<T>(&self, list: Vec<T>, span: Span, what: &str) -> Built<Vec<T>> {
        if list.len() <= MAX_LIST_VALUES {
            return Ok(list);
        }
        Err(Box::new(
            Diagnostic::error(
                "too-many-values",
                format!(
                    "this list has {} {what}, more than the {MAX_LIST_VALUES} allowed",
                    list.len()
                ),
            )
            .at(span)
            .label("too long")
            .help(
                "a question is for a handful of answers; group the values or ask another question",
            ),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<Item> {
        let (file, diagnostics) = parse(FileId(0), text);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        file.items
    }

    fn one(text: &str) -> Item {
        let mut items = items(text);
        assert_eq!(items.len(), 1);
        items.remove(0)
    }

    fn codes(text: &str) -> Vec<&'static str> {
        parse(FileId(0), text).1.iter().map(|d| d.code).collect()
    }

    fn question(text: &str) -> QuestionDecl {
        match one(text) {
            Item::Question(q) => q,
            other => panic!("{other:?}"),
        }
    }

    /// The condition of `pathway p "t" because "r" when CONDITION refer x`.
    fn condition(condition: &str) -> Expr {
        let text = format!("pathway p \"t\" because \"r\" when {condition} refer x");
        match one(&text) {
            Item::Pathway(p) => p.condition.unwrap(),
            other => panic!("{other:?}"),
        }
    }

    fn check(condition_text: &str) -> (bool, Check) {
        match condition(condition_text) {
            Expr::Test(test) => (test.negated, test.check),
            other => panic!("{other:?}"),
        }
    }

    fn name(n: &str) -> Word {
        Word::Name(n.to_string())
    }

    #[test]
    fn question_with_help_and_every_domain() {
        let q = question(
            "question risk \"What is the risk?\"\n  help \"From DASH.\"\n  is a risk level\n",
        );
        assert_eq!(q.id.value, "risk");
        assert_eq!(q.text.value, "What is the risk?");
        assert_eq!(q.help.unwrap().value, "From DASH.");
        assert!(matches!(q.domain, DomainSpec::RiskLevel(_)));
        let domain = |d: &str| question(&format!("question q \"Q\" is {d}")).domain;
        assert!(matches!(domain("yes or no"), DomainSpec::YesNo(_)));
        assert!(matches!(domain("yes/no"), DomainSpec::YesNo(_)));
        assert!(matches!(domain("a locality"), DomainSpec::Locality(_)));
        assert!(matches!(domain("an age"), DomainSpec::Age(_)));
        let DomainSpec::Number { min, max, .. } = domain("a number from 0 to 27") else {
            panic!()
        };
        assert_eq!((min.value, max.value), (0, 27));
        let DomainSpec::Choice(choices, _) =
            domain("one of\n  home \"At home\"\n  clinic \"In a clinic\", gp \"At the GP's\"")
        else {
            panic!()
        };
        let ids: Vec<_> = choices.iter().map(|c| c.id.value.as_str()).collect();
        assert_eq!(ids, ["home", "clinic", "gp"]);
        assert_eq!(choices[1].label.value, "In a clinic");
    }

    #[test]
    fn texts_unescape_quotes_and_backslashes() {
        let q = question(r#"question q "Say \"no\" \\ yes" is yes or no"#);
        assert_eq!(q.text.value, r#"Say "no" \ yes"#);
    }

    #[test]
    fn spans_are_absolute_in_the_file() {
        let text = "# comment\n\nquestion risk \"R\" is a risk level\n";
        let q = question(text);
        assert_eq!(&text[q.id.span.start..q.id.span.end], "risk");
        assert_eq!(q.span.start, text.find("question").unwrap());
    }

    #[test]
    fn eligibility_lines() {
        let Item::Eligibility(block) = one(
            "eligibility\n  serves victims when perpetrator is no\n  requires court-order when court is yes\n  risk level high when risk is high or hbv is yes\n",
        ) else {
            panic!()
        };
        let rules: Vec<_> = block.lines.iter().map(|l| l.rule.clone()).collect();
        assert!(matches!(&rules[0], EligibilityRule::Serves(w) if w.value == "victims"));
        assert!(matches!(&rules[1], EligibilityRule::Requires(w) if w.value == "court-order"));
        assert!(matches!(&rules[2], EligibilityRule::RiskLevel(w) if w.value == "high"));
        assert!(matches!(block.lines[2].condition, Expr::Or(ref parts, _) if parts.len() == 2));
    }

    #[test]
    fn pathway_without_when_and_referrals_with_urgency() {
        let Item::Pathway(p) = one(
            "pathway p \"Title\"\n  because \"Reason\"\n  refer marac urgently, idva immediately, any service in category refuge, sarc\n",
        ) else {
            panic!()
        };
        assert_eq!(p.title.value, "Title");
        assert_eq!(p.reason.value, "Reason");
        assert!(p.condition.is_none());
        let targets: Vec<_> = p
            .referrals
            .iter()
            .map(|r| (r.target.clone(), r.urgency.as_ref().map(|u| u.value)))
            .collect();
        assert!(
            matches!(&targets[0], (TargetSpec::Service(s), Some(UrgencyWord::Urgently)) if s.value == "marac")
        );
        assert!(matches!(
            &targets[1],
            (TargetSpec::Service(_), Some(UrgencyWord::Immediately))
        ));
        assert!(matches!(&targets[2], (TargetSpec::Category(c), None) if c.value == "refuge"));
        assert!(matches!(&targets[3], (TargetSpec::Service(s), None) if s.value == "sarc"));
    }

    #[test]
    fn otherwise_block() {
        let Item::Otherwise(o) =
            one("otherwise\n  because \"Nothing else fits.\"\n  refer national-helpline\n")
        else {
            panic!()
        };
        assert_eq!(o.reason.value, "Nothing else fits.");
        assert_eq!(o.referrals.len(), 1);
    }

    #[test]
    fn every_kind_of_test() {
        assert!(matches!(check("risk is high"), (false, Check::Is(w)) if w.value == name("high")));
        assert!(matches!(check("risk is not high"), (true, Check::Is(_))));
        assert!(
            matches!(check("ticks is 14"), (false, Check::Is(w)) if w.value == Word::Number(14))
        );
        assert!(
            matches!(check("risk is one of medium, high"), (false, Check::OneOf(m)) if m.len() == 2)
        );
        assert!(matches!(
            check("risk is not one of medium, high"),
            (true, Check::OneOf(_))
        ));
        assert!(
            matches!(check("locality is in portsmouth"), (false, Check::InGroup(g)) if g.value == "portsmouth")
        );
        assert!(matches!(
            check("locality is not in portsmouth"),
            (true, Check::InGroup(_))
        ));
        let (_, Check::OneOf(members)) = check("locality is one of hilsea, in portsmouth") else {
            panic!()
        };
        assert!(matches!(&members[1], Member::InGroup(g) if g.value == "portsmouth"));
        let compare = |text: &str| match check(text) {
            (false, Check::Compare(c, w)) => (c, w.value),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            compare("ticks is at least 14"),
            (Comparison::AtLeast, Word::Number(14))
        );
        assert_eq!(
            compare("ticks is at most 3"),
            (Comparison::AtMost, Word::Number(3))
        );
        assert_eq!(
            compare("ticks is more than 3"),
            (Comparison::MoreThan, Word::Number(3))
        );
        assert_eq!(
            compare("ticks is less than 3"),
            (Comparison::LessThan, Word::Number(3))
        );
        assert_eq!(
            compare("ticks >= 14"),
            (Comparison::AtLeast, Word::Number(14))
        );
        assert_eq!(
            compare("ticks <= 14"),
            (Comparison::AtMost, Word::Number(14))
        );
        assert_eq!(
            compare("ticks > 14"),
            (Comparison::MoreThan, Word::Number(14))
        );
        assert_eq!(
            compare("ticks < 14"),
            (Comparison::LessThan, Word::Number(14))
        );
        assert!(matches!(check("ticks = 3"), (false, Check::Is(_))));
        assert!(matches!(check("risk != high"), (true, Check::Is(_))));
        assert!(
            matches!(check("ticks is between 5 and 13"), (false, Check::Between(a, b)) if (a.value, b.value) == (5, 13))
        );
    }

    #[test]
    fn not_and_or_and_parentheses() {
        let Expr::Not(inner, _) = condition("not risk is high") else {
            panic!()
        };
        assert!(matches!(*inner, Expr::Test(_)));
        let Expr::And(parts, _) = condition("a is x and (b is y or c is z)\n   and not d is w")
        else {
            panic!()
        };
        assert_eq!(parts.len(), 3);
        assert!(
            matches!(&parts[1], Expr::Group(g, _) if matches!(**g, Expr::Or(ref o, _) if o.len() == 2))
        );
        assert!(matches!(parts[2], Expr::Not(..)));
        assert!(matches!(condition("a is x or b is y or c is z"), Expr::Or(p, _) if p.len() == 3));
        assert!(
            matches!(condition("not not a is x"), Expr::Not(n, _) if matches!(*n, Expr::Not(..)))
        );
    }

    #[test]
    fn comments_and_blank_lines_are_ignored() {
        let items =
            items("# top\n\nquestion a \"A\" # after\n  # between\n  is yes or no\n\n# end\n");
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn mixing_and_with_or_is_ambiguous() {
        assert_eq!(
            codes("pathway p \"t\" because \"r\" when a is x and b is y or c is z refer x"),
            ["ambiguous-and-or"]
        );
    }

    #[test]
    fn one_error_per_block_and_the_rest_kept() {
        let text = "question a \"A\" is maybe\nquestion b \"B\" is yes or no\npathway \"x\"\n  because \"r\" refer x\nquestion c \"C\n";
        let (file, diagnostics) = parse(FileId(0), text);
        assert_eq!(file.items.len(), 1);
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["expected-answer-kind", "expected-id", "unclosed-string"]
        );
    }

    #[test]
    fn reserved_words_are_not_ids() {
        assert_eq!(codes("question and \"A\" is yes or no"), ["reserved-word"]);
        assert_eq!(
            codes("pathway not \"A\" because \"r\" refer x"),
            ["reserved-word"]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            "pathway p \"t\" because \"r\" when {}a is x{} refer x",
            "(".repeat(100),
            ")".repeat(100)
        );
        assert_eq!(codes(&deep), ["too-deeply-nested"]);
        let nots = format!(
            "pathway p \"t\" because \"r\" when {}a is x refer x",
            "not ".repeat(100)
        );
        assert_eq!(codes(&nots), ["too-deeply-nested"]);
        let fine = format!(
            "pathway p \"t\" because \"r\" when {}a is x{} refer x",
            "(".repeat(30),
            ")".repeat(30)
        );
        assert!(codes(&fine).is_empty());
    }

    #[test]
    fn numbers_too_large_are_reported() {
        assert_eq!(
            codes("question q \"Q\" is a number from 0 to 99999999999999999999"),
            ["bad-number"]
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(items("\u{feff}question a \"A\" is yes or no\n").len(), 1);
    }
}
