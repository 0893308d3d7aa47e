//! Syntax errors in plain words: the checks made before pest sees a block (unclosed
//! texts, bad escapes, runaway nesting) and the translation of pest's "expected rule"
//! lists into what a commissioner would write there.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::diagnostic::Diagnostic;
use crate::directory::values::invisible_name;
use crate::rules::parse::{MAX_DEPTH, Rule};
use crate::source::{FileId, Span};
use crate::suggest;

/// Words that start a block.
const BLOCK_KEYWORDS: [&str; 4] = ["question", "eligibility", "pathway", "otherwise"];

/// Words that can never be ids.
const RESERVED: [&str; 9] = [
    "and", "or", "not", "when", "refer", "because", "help", "serves", "requires",
];

/// A problem found by [`scan`], at a byte range of the block.
pub struct Problem {
    code: &'static str,
    message: String,
    label: &'static str,
    help: &'static str,
    start: usize,
    end: usize,
}

impl Problem {
    pub fn into_diagnostic(self, file: FileId, offset: usize) -> Diagnostic {
        Diagnostic::error(self.code, self.message)
            .at(Span::new(file, offset + self.start, offset + self.end))
            .label(self.label)
            .help(self.help)
    }
}

/// The longest word (an id or a number) in a rule file, in characters.
pub const MAX_WORD_CHARS: usize = 100;

/// The longest text (between quotes) in a rule file, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Finds the first unclosed or overlong text, unknown escape, overlong word or too-deep
/// nesting in a block, which pest would otherwise report far from the cause (or not at
/// all), or pass on to every later stage.
pub fn scan(source: &str) -> Option<Problem> {
    if let Some(problem) = invisible(source) {
        return Some(problem);
    }
    let mut depth = 0usize;
    let mut word = None::<(usize, usize)>;
    let mut chars = source.char_indices();
    while let Some((at, c)) = chars.next() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            if !c.is_ascii() {
                return Some(not_ascii(at, c));
            }
            let (start, length) = word.map_or((at, 1), |(start, n)| (start, n + 1));
            if length > MAX_WORD_CHARS {
                return Some(long_word(source, start));
            }
            word = Some((start, length));
            continue;
        }
        word = None;
        match c {
            '#' => {
                chars.by_ref().find(|(_, c)| *c == '\n');
            }
            '"' => {
                if let Err(problem) = scan_text(source, at, &mut chars) {
                    return Some(problem);
                }
            }
            '(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(too_deep_at(at, at + 1));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Skips a text that opened at `open`; `Err` carries what is wrong with it.
fn scan_text(
    source: &str,
    open: usize,
    chars: &mut std::str::CharIndices<'_>,
) -> Result<(), Problem> {
    let mut length = 0usize;
    while let Some((at, c)) = chars.next() {
        length += 1;
        if length > MAX_TEXT_CHARS {
            return Err(Problem {
                code: "text-too-long",
                message: "this text is longer than the 10000 characters allowed".into(),
                label: "the text starts here",
                help: "shorten it; a question, label or reason is a sentence or two",
                start: open,
                end: open + 1,
            });
        }
        match c {
            '"' => return Ok(()),
            '\\' => match chars.next() {
                Some((_, '"' | '\\')) => {}
                Some((next, c)) if c != '\n' && c != '\r' => {
                    return Err(Problem {
                        code: "bad-escape",
                        message: "this text has a backslash that is not `\\\"` or `\\\\`".into(),
                        label: "unknown escape",
                        help: "inside a text, write `\\\"` for a double quote and `\\\\` for a backslash",
                        start: at,
                        end: next + c.len_utf8(),
                    });
                }
                _ => return Err(unclosed(source, open)),
            },
            '\n' => return Err(unclosed(source, open)),
            _ => {}
        }
    }
    Err(unclosed(source, open))
}

/// The first character that cannot be seen or that reorders the text around it (a
/// "Trojan Source" bidi control), anywhere in the block: line ends and tabs aside,
/// a rule file has no use for them, and they can make a rule read other than it parses.
fn invisible(source: &str) -> Option<Problem> {
    let (at, c, name) = source.char_indices().find_map(|(at, c)| {
        let name = invisible_name(c).filter(|_| !matches!(c, '\t' | '\n' | '\r'))?;
        Some((at, c, name))
    })?;
    Some(Problem {
        code: "invisible-character",
        message: format!(
            "this line contains an invisible character (U+{:04X} {name})",
            u32::from(c)
        ),
        label: "invisible character here",
        help: "delete it: retype the word or text around it",
        start: at,
        end: at + c.len_utf8(),
    })
}

/// A letter outside a-z in a word: ids are plain letters, and letters from other
/// alphabets (Cyrillic `а`, full-width `ｈ`) can look identical to them.
fn not_ascii(at: usize, c: char) -> Problem {
    Problem {
        code: "bad-id",
        message: format!("`{c}` (U+{:04X}) is not a plain a-z letter", u32::from(c)),
        label: "not a plain letter",
        help: "ids use only a-z, 0-9 and hyphens; letters from other alphabets can look identical, so retype it",
        start: at,
        end: at + c.len_utf8(),
    }
}

fn long_word(source: &str, start: usize) -> Problem {
    let rest = source.get(start..).unwrap_or("");
    let length = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    Problem {
        code: "word-too-long",
        message: "this word is longer than the 100 characters allowed for an id".into(),
        label: "too long",
        help: "ids are short names such as `court-idva`; shorten it",
        start,
        end: start + length,
    }
}

fn unclosed(source: &str, open: usize) -> Problem {
    let rest = source.get(open..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    Problem {
        code: "unclosed-string",
        message: "this text is not closed".into(),
        label: "the text starts here but has no closing `\"` on this line",
        help: "add a `\"` at the end of the text; a text cannot run over several lines",
        start: open,
        end: open + line.len().max(1),
    }
}

fn too_deep_at(start: usize, end: usize) -> Problem {
    Problem {
        code: "too-deeply-nested",
        message: "this condition is nested too deeply".into(),
        label: "too deep",
        help: "a condition may nest parentheses and `not` at most 64 deep; write it more simply",
        start,
        end,
    }
}

/// The too-deep error for a `not` at an absolute span.
pub fn too_deep(span: Span) -> Diagnostic {
    too_deep_at(0, 0).into_diagnostic(span.file, 0).at(span)
}

/// One reading of `a and b or c`, with the operator `tighter` grouped first.
pub fn reading(texts: &[&str], connectives: &[Rule], tighter: Rule) -> String {
    let loose = if tighter == Rule::kw_and { "or" } else { "and" };
    let tight = if tighter == Rule::kw_and { "and" } else { "or" };
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut current = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        current.push(*text);
        let next = connectives.get(i);
        if next.is_none_or(|rule| *rule != tighter) {
            groups.push(std::mem::take(&mut current));
        }
    }
    groups
        .iter()
        .map(|group| match group.as_slice() {
            [single] => (*single).to_string(),
            many => format!("({})", many.join(&format!(" {tight} "))),
        })
        .collect::<Vec<_>>()
        .join(&format!(" {loose} "))
}

/// A token of a block, for naming what was found and what came before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Token<'a> {
    text: &'a str,
    start: usize,
}

impl Token<'_> {
    fn end(self) -> usize {
        self.start + self.text.len()
    }

    fn is_text(self) -> bool {
        self.text.starts_with('"')
    }

    /// How the token is named in a message.
    fn shown(self) -> String {
        if self.is_text() {
            "the text".to_string()
        } else {
            format!("`{}`", self.text)
        }
    }
}

/// Splits a block into tokens (words, numbers, texts, symbols), skipping comments.
fn tokens(source: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(rest) = source.get(at..) {
        let Some(c) = rest.chars().next() else { break };
        let len = if c.is_whitespace() {
            c.len_utf8()
        } else if c == '#' {
            rest.find('\n').unwrap_or(rest.len())
        } else {
            let len = token_len(rest, c);
            if let Some(text) = rest.get(..len) {
                tokens.push(Token { text, start: at });
            }
            len
        };
        at += len.max(1);
    }
    tokens
}

fn token_len(rest: &str, first: char) -> usize {
    let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    if first == '"' {
        let line = rest.find('\n').unwrap_or(rest.len());
        let mut escaped = false;
        for (i, c) in rest.char_indices().skip(1) {
            match c {
                '"' if !escaped => return i + 1,
                '\\' => escaped = !escaped,
                _ => escaped = false,
            }
        }
        line
    } else if word(first) {
        rest.find(|c: char| !word(c)).unwrap_or(rest.len())
    } else if ["<=", ">=", "!="].iter().any(|s| rest.starts_with(s)) {
        2
    } else {
        first.len_utf8()
    }
}

/// Turns a pest error in a block at `offset` of `file` into a diagnostic in plain words.
pub fn from_pest(error: &Error<Rule>, file: FileId, offset: usize, source: &str) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((start, _)) => start,
    };
    let ErrorVariant::ParsingError { positives, .. } = &error.variant else {
        return too_deep(Span::new(file, offset, offset + source.len()));
    };
    let tokens = tokens(source);
    let found = tokens.iter().copied().find(|t| t.end() > at);
    let previous = tokens.iter().copied().take_while(|t| t.end() <= at).last();
    let block = tokens.first().map_or("", |t| t.text);
    let span = |t: Token| Span::new(file, offset + t.start, offset + t.end());
    let expected = Expected::of(positives);

    if let (Some(found), None) = (found, previous) {
        return unknown_block(found.text).at(span(found));
    }
    let after = previous.map_or(String::new(), |p| format!(" after {}", p.shown()));
    let kind = if BLOCK_KEYWORDS.contains(&block) {
        block
    } else {
        "block"
    };
    let diagnostic = match found {
        Some(found) if expected.rules == [Rule::EOI] => Diagnostic::error(
            "unexpected-text",
            format!(
                "{} does not belong here: the {kind} is complete{after}",
                found.shown()
            ),
        )
        .at(span(found))
        .label("unexpected"),
        Some(found) if expected.wants_id() && RESERVED.contains(&found.text) => Diagnostic::error(
            "reserved-word",
            format!(
                "`{}` is a keyword, so it cannot be used as an id",
                found.text
            ),
        )
        .at(span(found))
        .label("a keyword, not an id")
        .help("choose another id"),
        Some(found) => Diagnostic::error(
            expected.code(),
            format!(
                "expected {}{after}, found {}",
                expected.phrase(),
                found.shown()
            ),
        )
        .at(span(found))
        .label(format!("expected {} here", expected.short_phrase())),
        None => {
            let place = previous.map_or(Span::new(file, offset, offset), span);
            Diagnostic::error(
                expected.code(),
                format!(
                    "expected {}{after}, but the {kind} ends here",
                    expected.phrase()
                ),
            )
            .at(place)
            .label(format!("expected {} after this", expected.short_phrase()))
        }
    };
    let previous = previous.map_or("", |p| p.text);
    diagnostic.maybe_help(expected.help(block, previous, found.map(|f| f.text)))
}

/// Words that continue a block, so a line starting with one was not indented.
const CONTINUING: [&str; 9] = [
    "help", "is", "because", "when", "refer", "serves", "requires", "and", "or",
];

fn unknown_block(word: &str) -> Diagnostic {
    let continuing = CONTINUING
        .contains(&word)
        .then(|| format!("`{word}` continues the block above: indent the line with spaces"));
    let help = continuing
        .or_else(|| suggest::did_you_mean(word, BLOCK_KEYWORDS))
        .unwrap_or_else(|| {
            "a line that continues the block above must be indented; a new block starts with \
         `question`, `eligibility`, `pathway` or `otherwise`"
                .to_string()
        });
    Diagnostic::error(
        "unknown-block",
        format!(
            "`{word}` cannot start a block: a line that starts at the left margin must begin \
             with `question`, `eligibility`, `pathway` or `otherwise`"
        ),
    )
    .label("not a block keyword")
    .help(help)
}

/// What pest expected at the point it failed, in the order it tried.
struct Expected {
    rules: Vec<Rule>,
}

impl Expected {
    fn of(positives: &[Rule]) -> Expected {
        let mut rules: Vec<Rule> = Vec::new();
        for rule in positives {
            if !rules.contains(rule) {
                rules.push(*rule);
            }
        }
        Expected { rules }
    }

    fn has(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }

    fn wants_condition(&self) -> bool {
        [Rule::condition, Rule::unary, Rule::test, Rule::question_ref]
            .iter()
            .any(|r| self.has(*r))
    }

    fn wants_id(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(category(*r), Category::Id))
    }

    /// The answer kinds of a question, which pest lists as their first keywords.
    fn wants_answer_kind(&self) -> bool {
        (self.has(Rule::kw_yes) && self.has(Rule::kw_one))
            || (self.has(Rule::kw_number) && self.has(Rule::kw_locality))
    }

    /// The kinds of test after `is`, listed as their first words.
    fn wants_test(&self) -> bool {
        self.has(Rule::kw_between)
    }

    fn code(&self) -> &'static str {
        if self.wants_answer_kind() {
            return "expected-answer-kind";
        }
        if self.wants_condition() {
            return "expected-condition";
        }
        if self.wants_test() {
            return "expected-value";
        }
        let categories: Vec<Category> = self.rules.iter().map(|r| category(*r)).collect();
        [
            (Category::Text, "expected-text"),
            (Category::Number, "expected-number"),
            (Category::Value, "expected-value"),
            (Category::Referral, "expected-referral"),
            (Category::Id, "expected-id"),
            (Category::Keyword, "expected-keyword"),
        ]
        .into_iter()
        .find(|(c, _)| categories.contains(c))
        .map_or("unexpected-text", |(_, code)| code)
    }

    fn phrase(&self) -> String {
        if self.wants_answer_kind() {
            return "the kind of answer (`yes or no`, `one of`, `a number`, `a locality`, \
                    `a risk level` or `an age`)"
                .to_string();
        }
        if self.wants_condition() {
            return "a condition".to_string();
        }
        if self.wants_test() {
            return "a value".to_string();
        }
        if self.has(Rule::kw_is) && self.has(Rule::comparator) {
            return "`is`".to_string();
        }
        let mut phrases: Vec<&str> = Vec::new();
        let only_end = self.rules == [Rule::EOI];
        for rule in self.rules.iter().filter(|r| only_end || **r != Rule::EOI) {
            let phrase = describe(*rule);
            if !phrases.contains(&phrase) {
                phrases.push(phrase);
            }
        }
        match phrases.split_last() {
            None => "something else".to_string(),
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }

    /// The phrase for a label, where the full list would not fit.
    fn short_phrase(&self) -> String {
        if self.wants_answer_kind() {
            "the kind of answer".to_string()
        } else {
            self.phrase()
        }
    }

    /// "Did you mean" for a misspelt keyword.
    fn misspelt_keyword(&self, found: &str) -> Option<String> {
        let words = self.rules.iter().filter_map(|rule| {
            let word = keyword(*rule).strip_prefix('`')?.split(['`', ' ']).next()?;
            (word.len() >= 3).then_some(word)
        });
        let words: Vec<&str> = words.collect();
        (found.len() >= 3 && !words.contains(&found))
            .then(|| suggest::did_you_mean(found, words))
            .flatten()
    }

    /// A worked example for the common mistakes.
    fn help(&self, block: &str, previous: &str, found: Option<&str>) -> Option<String> {
        if let Some(misspelt) = found.and_then(|f| self.misspelt_keyword(f)) {
            return Some(misspelt);
        }
        let lowercase =
            "ids are written in lowercase letters, digits and hyphens, e.g. `high-risk`";
        let help = match previous {
            _ if self.wants_answer_kind() => {
                "write `is yes or no`, `is one of` with values and labels, \
                 `is a number from 0 to 27`, `is a locality`, `is a risk level` or `is an age`"
            }
            _ if self.wants_id()
                && found.is_some_and(|f| {
                    !f.starts_with('"') && f.chars().any(|c| c.is_uppercase() || c == '_')
                }) =>
            {
                lowercase
            }
            "question" => {
                "a question starts with its id, e.g. `question risk \"What is the DASH risk level?\"`"
            }
            "pathway" => {
                "a pathway starts with its id, e.g. `pathway high-risk \"High risk: MARAC and an IDVA\"`"
            }
            "when" if self.wants_condition() => {
                "`when` needs a condition, e.g. `when risk is high`"
            }
            "and" | "or" | "not" | "(" if self.wants_condition() => {
                "a condition reads like `risk is high`, `not hbv is yes` or `(risk is high or hbv is yes)`"
            }
            "is" if self.wants_test() => {
                "a test reads like `risk is high`, `risk is not high`, `risk is one of medium, high`, \
                 `locality is in portsmouth`, `ticks is at least 14` or `ticks is between 5 and 13`"
            }
            "refer" | "," if self.has(Rule::referral) => {
                "name a service, e.g. `refer idva urgently`, or a category, \
                 e.g. `refer any service in category refuge`"
            }
            _ if self.has(Rule::kw_is) && block != "question" => {
                "a test starts with a question id and `is`, e.g. `risk is high`; \
                 `and` and `or` join two tests"
            }
            _ if self.has(Rule::text) => {
                "write it in double quotes, e.g. \"Where does the person live?\""
            }
            _ if self.has(Rule::kw_because) => {
                "a pathway reads: `pathway ID \"TITLE\"`, then `because \"REASON\"`, \
                 an optional `when CONDITION`, then `refer SERVICES`"
            }
            _ if self.has(Rule::kw_refer) || self.has(Rule::refer) => {
                "end the block with the services to refer to, e.g. `refer idva urgently`"
            }
            _ if self.has(Rule::kw_serves) => {
                "an eligibility line reads `serves victims when ...`, `requires court-order when ...` \
                 or `risk level high when ...`"
            }
            _ if self.rules == [Rule::EOI] => {
                "remove it, or if it starts a new block, begin the line at the left margin with \
                 `question`, `eligibility`, `pathway` or `otherwise`"
            }
            _ => return None,
        };
        Some(help.to_string())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    Text,
    Number,
    Value,
    Referral,
    Id,
    Keyword,
    End,
}

fn category(rule: Rule) -> Category {
    match rule {
        Rule::text | Rule::text_inner | Rule::help | Rule::because => Category::Text,
        Rule::number => Category::Number,
        Rule::value | Rule::one_of | Rule::in_group => Category::Value,
        Rule::referral | Rule::refer | Rule::category_target | Rule::service_id => {
            Category::Referral
        }
        Rule::question_id
        | Rule::question_ref
        | Rule::pathway_id
        | Rule::value_id
        | Rule::choice
        | Rule::category_id
        | Rule::group_id
        | Rule::client
        | Rule::requirement
        | Rule::level => Category::Id,
        Rule::EOI => Category::End,
        _ => Category::Keyword,
    }
}

/// How a grammar rule is named to users.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::question_id | Rule::question_ref => "a question id",
        Rule::pathway_id => "a pathway id",
        Rule::value_id | Rule::choice => "a value id and its label",
        Rule::service_id | Rule::referral | Rule::refer | Rule::category_target => {
            "a service to refer to"
        }
        Rule::category_id => "a category id",
        Rule::group_id => "a locality group id",
        Rule::client => "who is served (victims, perpetrators, children, young-people or families)",
        Rule::requirement => "a requirement, e.g. `court-order`",
        Rule::level => "a risk level (standard, medium or high)",
        Rule::text | Rule::text_inner => "a text in double quotes",
        Rule::help => "`help`",
        Rule::because => "`because`",
        Rule::when => "`when`",
        Rule::number => "a whole number",
        Rule::value | Rule::one_of | Rule::in_group => "a value",
        Rule::comparator | Rule::symbol_test => "a comparison such as `>=`",
        Rule::is_test => "`is`",
        Rule::urgency => "`urgently` or `immediately`",
        Rule::EOI => "the end of the block",
        rule => keyword(rule),
    }
}

fn keyword(rule: Rule) -> &'static str {
    match rule {
        Rule::kw_question => "`question`",
        Rule::kw_help => "`help`",
        Rule::kw_is => "`is`",
        Rule::kw_yes => "`yes`",
        Rule::kw_no => "`no`",
        Rule::kw_a => "`a`",
        Rule::kw_an => "`an`",
        Rule::kw_number => "`number`",
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_locality => "`locality`",
        Rule::kw_risk => "`risk level`",
        Rule::kw_level => "`level`",
        Rule::kw_age => "`age`",
        Rule::kw_one => "`one of`",
        Rule::kw_of => "`of`",
        Rule::kw_eligibility => "`eligibility`",
        Rule::kw_serves => "`serves`",
        Rule::kw_requires => "`requires`",
        Rule::kw_when => "`when`",
        Rule::kw_pathway => "`pathway`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_because => "`because`",
        Rule::kw_refer => "`refer`",
        Rule::kw_any => "`any service in category`",
        Rule::kw_service => "`service`",
        Rule::kw_in => "`in`",
        Rule::kw_category => "`category`",
        Rule::kw_urgently => "`urgently`",
        Rule::kw_immediately => "`immediately`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_at => "`at`",
        Rule::kw_least => "`least`",
        Rule::kw_most => "`most`",
        Rule::kw_more => "`more`",
        Rule::kw_less => "`less`",
        Rule::kw_than => "`than`",
        Rule::kw_between => "`between`",
        _ => "a part of a rule",
    }
}
