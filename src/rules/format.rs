//! The canonical layout of a rule file: the syntax tree printed back out, with every
//! comment and blank-line paragraph of the original put back in its place.
//!
//! Layout: each block starts at column 1 and is separated from the next by one blank
//! line; its clauses (`help`, `is`, `because`, `when`, `refer`, eligibility lines)
//! each on a line indented by two spaces; the choices of a `one of` question one to a
//! line indented by four; a condition on one line unless that line would be wider
//! than [`WIDTH`], when it is broken before each top-level `and` or `or` (indented by
//! four). Symbols are written as words (`>=` becomes `is at least`, `yes/no` becomes
//! `yes or no`) except where a word form does not exist (`>= high`).
//!
//! Comments keep to the line they were written on or before: a comment after code
//! stays after that code's line, a comment on its own line stays before the line of
//! the next token (indented like it), or, if a blank line follows it, after the line
//! before it. Runs of blank lines become one.

use crate::diagnostic::Diagnostic;
use crate::rules::parse;
use crate::rules::syntax::{
    Check, Comparison, DomainSpec, EligibilityBlock, EligibilityRule, Expr, Item, Member,
    OtherwiseDecl, PathwayDecl, QuestionDecl, Referral, RuleFile, TargetSpec, Test, UrgencyWord,
    Word,
};
use crate::source::FileId;

/// The widest a condition line may be before it is broken (in characters).
pub const WIDTH: usize = 100;

/// Formats a rule file's text; the syntax errors instead if it has any (a file that
/// does not parse cannot be printed back without losing what could not be read).
pub fn format_text(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (syntax, diagnostics) = parse::parse(file, text);
    if diagnostics.is_empty() {
        Ok(format(text, &syntax))
    } else {
        Err(diagnostics)
    }
}

/// Prints `syntax`, parsed from `text` without errors, in the canonical layout.
pub fn format(text: &str, syntax: &RuleFile) -> String {
    let mut printer = Printer {
        text,
        lines: Vec::new(),
    };
    for item in &syntax.items {
        printer.item(item);
    }
    let placed = place_comments(text, &printer.lines, comments(text));
    render(text, &printer.lines, &placed)
}

/// One output line of code.
struct Line {
    indent: usize,
    code: String,
    /// Where in the source its first token (keyword included) starts.
    anchor: usize,
    /// Where in the source its last token ends.
    end: usize,
    /// The first line of a block: a blank line goes before it (and its comments).
    starts_block: bool,
}

struct Printer<'a> {
    text: &'a str,
    lines: Vec<Line>,
}

impl Printer<'_> {
    /// Adds a line whose first token is the first one after the previous line's end.
    fn push(&mut self, indent: usize, code: String, end: usize) {
        let after = self.lines.last().map_or(0, |line| line.end);
        let anchor = next_token(self.text, after).unwrap_or(after);
        self.lines.push(Line {
            indent,
            code,
            anchor,
            end,
            starts_block: false,
        });
    }

    fn item(&mut self, item: &Item) {
        let first = self.lines.len();
        match item {
            Item::Question(question) => self.question(question),
            Item::Eligibility(block) => self.eligibility(block),
            Item::Pathway(pathway) => self.pathway(pathway),
            Item::Otherwise(otherwise) => self.otherwise(otherwise),
        }
        if let Some(line) = self.lines.get_mut(first) {
            line.starts_block = true;
        }
    }

    fn question(&mut self, q: &QuestionDecl) {
        let head = format!("question {} {}", q.id.value, quote(&q.text.value));
        self.push(0, head, q.text.span.end);
        if let Some(help) = &q.help {
            self.push(2, format!("help {}", quote(&help.value)), help.span.end);
        }
        let domain = match &q.domain {
            DomainSpec::YesNo(_) => "yes or no".to_string(),
            DomainSpec::Locality(_) => "a locality".to_string(),
            DomainSpec::RiskLevel(_) => "a risk level".to_string(),
            DomainSpec::Age(_) => "an age".to_string(),
            DomainSpec::Number { min, max, .. } => {
                format!("a number from {} to {}", min.value, max.value)
            }
            DomainSpec::Choice(choices, _) => {
                // `is one of` ends where the first choice starts.
                let end = choices.first().map_or(q.span.end, |c| c.id.span.start);
                self.push(2, "is one of".to_string(), end);
                let last = choices.len().saturating_sub(1);
                for (i, choice) in choices.iter().enumerate() {
                    let comma = if i < last { "," } else { "" };
                    let code = format!("{} {}{comma}", choice.id.value, quote(&choice.label.value));
                    self.push(4, code, choice.label.span.end);
                }
                return;
            }
        };
        self.push(2, format!("is {domain}"), q.domain.span().end);
    }

    fn eligibility(&mut self, block: &EligibilityBlock) {
        self.push(
            0,
            "eligibility".to_string(),
            keyword_end(block.span.start, "eligibility"),
        );
        for line in &block.lines {
            let head = match &line.rule {
                EligibilityRule::Serves(client) => format!("serves {}", client.value),
                EligibilityRule::Requires(requirement) => format!("requires {}", requirement.value),
                EligibilityRule::RiskLevel(level) => format!("risk level {}", level.value),
            };
            self.condition(&format!("{head} when "), &line.condition);
        }
    }

    fn pathway(&mut self, p: &PathwayDecl) {
        let head = format!("pathway {} {}", p.id.value, quote(&p.title.value));
        self.push(0, head, p.title.span.end);
        self.push(
            2,
            format!("because {}", quote(&p.reason.value)),
            p.reason.span.end,
        );
        if let Some(condition) = &p.condition {
            self.condition("when ", condition);
        }
        self.refer(&p.referrals, p.span.end);
    }

    fn otherwise(&mut self, o: &OtherwiseDecl) {
        self.push(
            0,
            "otherwise".to_string(),
            keyword_end(o.span.start, "otherwise"),
        );
        self.push(
            2,
            format!("because {}", quote(&o.reason.value)),
            o.reason.span.end,
        );
        self.refer(&o.referrals, o.span.end);
    }

    fn refer(&mut self, referrals: &[Referral], end: usize) {
        let list: Vec<String> = referrals.iter().map(referral).collect();
        let end = referrals.last().map_or(end, |r| r.span.end);
        self.push(2, format!("refer {}", list.join(", ")), end);
    }

    /// `PREFIX CONDITION` at indent 2, broken before each top-level connective when
    /// the line would be too wide.
    fn condition(&mut self, prefix: &str, condition: &Expr) {
        let whole = expr(condition);
        let (parts, connective): (&[Expr], &str) = match condition {
            Expr::And(parts, _) => (parts, "and"),
            Expr::Or(parts, _) => (parts, "or"),
            _ => (&[], ""),
        };
        if 2 + prefix.chars().count() + whole.chars().count() <= WIDTH || parts.is_empty() {
            self.push(2, format!("{prefix}{whole}"), condition.span().end);
            return;
        }
        for (i, part) in parts.iter().enumerate() {
            if i == 0 {
                self.push(2, format!("{prefix}{}", expr(part)), part.span().end);
            } else {
                self.push(4, format!("{connective} {}", expr(part)), part.span().end);
            }
        }
    }
}

/// Where a block's keyword, written at `start`, ends.
fn keyword_end(start: usize, keyword: &str) -> usize {
    start + keyword.len()
}

fn referral(r: &Referral) -> String {
    let target = match &r.target {
        TargetSpec::Service(id) => id.value.clone(),
        TargetSpec::Category(id) => format!("any service in category {}", id.value),
    };
    match r.urgency.as_ref().map(|u| u.value) {
        None => target,
        Some(UrgencyWord::Urgently) => format!("{target} urgently"),
        Some(UrgencyWord::Immediately) => format!("{target} immediately"),
    }
}

/// A condition on one line.
pub fn expr(e: &Expr) -> String {
    match e {
        Expr::Test(t) => test(t),
        Expr::Not(inner, _) => format!("not {}", expr(inner)),
        Expr::And(parts, _) => parts.iter().map(expr).collect::<Vec<_>>().join(" and "),
        Expr::Or(parts, _) => parts.iter().map(expr).collect::<Vec<_>>().join(" or "),
        Expr::Group(inner, _) => format!("({})", expr(inner)),
    }
}

fn test(t: &Test) -> String {
    let q = &t.question.value;
    let is = if t.negated { "is not" } else { "is" };
    match &t.check {
        Check::Is(word) => format!("{q} {is} {}", word.value),
        Check::InGroup(group) => format!("{q} {is} in {}", group.value),
        Check::OneOf(members) => {
            let list: Vec<String> = members
                .iter()
                .map(|m| match m {
                    Member::Value(word) => word.value.to_string(),
                    Member::InGroup(group) => format!("in {}", group.value),
                })
                .collect();
            format!("{q} {is} one of {}", list.join(", "))
        }
        Check::Between(low, high) => format!("{q} {is} between {} and {}", low.value, high.value),
        // Only numbers have a word form: `risk >= medium` stays a symbol.
        Check::Compare(comparison, word) => match &word.value {
            Word::Number(n) => format!("{q} {is} {} {n}", comparison_words(*comparison)),
            Word::Name(name) => format!("{q} {} {name}", comparison_symbol(*comparison)),
        },
    }
}

fn comparison_words(c: Comparison) -> &'static str {
    match c {
        Comparison::AtLeast => "at least",
        Comparison::AtMost => "at most",
        Comparison::MoreThan => "more than",
        Comparison::LessThan => "less than",
    }
}

fn comparison_symbol(c: Comparison) -> &'static str {
    match c {
        Comparison::AtLeast => ">=",
        Comparison::AtMost => "<=",
        Comparison::MoreThan => ">",
        Comparison::LessThan => "<",
    }
}

/// A text in quotes, with `"` and `\` escaped as the parser expects.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A `#` comment in the source.
struct Comment {
    start: usize,
    /// The end of its text, trailing white space excluded.
    end: usize,
    /// For a comment after code on the same line: where that code's last character is.
    after_code: Option<usize>,
}

impl Comment {
    fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("#")
    }
}

/// Every comment, in source order (a `#` inside a text is not one).
fn comments(text: &str) -> Vec<Comment> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut in_text = false;
    let mut last_code: Option<usize> = None;
    while let Some((at, c)) = chars.next() {
        match c {
            '\n' => last_code = None,
            '\\' if in_text => {
                chars.next();
            }
            '"' => {
                in_text = !in_text;
                last_code = Some(at);
            }
            '#' if !in_text => {
                let line_end = text
                    .get(at..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |n| at + n);
                let body = text.get(at..line_end).unwrap_or("#").trim_end();
                found.push(Comment {
                    start: at,
                    end: at + body.len(),
                    after_code: last_code,
                });
                while chars.next_if(|(i, _)| *i < line_end).is_some() {}
            }
            c if !c.is_whitespace() && c != '\u{feff}' => last_code = Some(at),
            _ => {}
        }
    }
    found
}

/// Where the next token after `from` starts, skipping white space and comments.
fn next_token(text: &str, from: usize) -> Option<usize> {
    let mut chars = text.get(from..)?.char_indices();
    while let Some((at, c)) = chars.next() {
        if c == '#' {
            chars.by_ref().find(|(_, c)| *c == '\n');
        } else if !c.is_whitespace() && c != '\u{feff}' {
            return Some(from + at);
        }
    }
    None
}

/// Whether the source between two offsets holds a blank line.
fn blank_between(text: &str, from: usize, to: usize) -> bool {
    if from >= to {
        return false;
    }
    let between = text.get(from..to).unwrap_or("");
    let segments: Vec<&str> = between.split('\n').collect();
    let inner = segments.len().saturating_sub(1);
    segments
        .iter()
        .take(inner)
        .skip(1)
        .any(|s| s.trim().is_empty())
}

/// Where each comment goes, relative to the lines.
#[derive(Default)]
struct Placed {
    /// Own-line comments printed before line `i`, indented like it.
    before: Vec<Vec<Comment>>,
    /// Comments after the code of line `i`: the last stays on the line, any others
    /// (when several source lines became one) go on their own lines before it.
    trailing: Vec<Vec<Comment>>,
    /// Comment paragraphs printed after line `i` (a blank line followed them).
    after: Vec<Vec<Comment>>,
    /// Comments in a file with no code.
    alone: Vec<Comment>,
}

/// The line whose source covers `offset`: the last one starting at or before it.
fn line_at(lines: &[Line], offset: usize) -> Option<usize> {
    lines.iter().rposition(|line| line.anchor <= offset)
}

fn place_comments(text: &str, lines: &[Line], comments: Vec<Comment>) -> Placed {
    let mut placed = Placed {
        before: lines.iter().map(|_| Vec::new()).collect(),
        trailing: lines.iter().map(|_| Vec::new()).collect(),
        after: lines.iter().map(|_| Vec::new()).collect(),
        alone: Vec::new(),
    };
    for comment in comments {
        if let Some(i) = comment.after_code.and_then(|code| line_at(lines, code)) {
            push_to(&mut placed.trailing, i, comment);
            continue;
        }
        let next = next_token(text, comment.end);
        let previous = line_at(lines, comment.start);
        let paragraph_ends = next.is_none_or(|n| blank_between(text, comment.end, n));
        match (previous, next) {
            (Some(i), _) if paragraph_ends => push_to(&mut placed.after, i, comment),
            (_, Some(n)) if !lines.is_empty() => {
                let i = line_at(lines, n).unwrap_or(0);
                push_to(&mut placed.before, i, comment);
            }
            _ => placed.alone.push(comment),
        }
    }
    placed
}

fn push_to(slots: &mut [Vec<Comment>], i: usize, comment: Comment) {
    if let Some(slot) = slots.get_mut(i) {
        slot.push(comment);
    }
}

/// The output being assembled, with where the last piece came from in the source.
struct Output<'a> {
    text: &'a str,
    out: String,
    /// Source end of the last piece printed; `None` before the first.
    last_end: Option<usize>,
}

impl Output<'_> {
    /// Prints one line whose source runs from `start` to `end`, after a blank line if
    /// there was one in the source (or `blank` asks for one).
    fn line(&mut self, indent: usize, content: &str, start: usize, end: usize, blank: bool) {
        if let Some(last) = self.last_end
            && (blank || blank_between(self.text, last, start))
        {
            self.out.push('\n');
        }
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(content);
        self.out.push('\n');
        self.last_end = Some(end);
    }

    fn comment(&mut self, indent: usize, comment: &Comment, blank: bool) {
        let text = comment.text(self.text);
        self.line(indent, text, comment.start, comment.end, blank);
    }
}

fn render(text: &str, lines: &[Line], placed: &Placed) -> String {
    let mut out = Output {
        text,
        out: String::new(),
        last_end: None,
    };
    for comment in &placed.alone {
        out.comment(0, comment, false);
    }
    let empty = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let before = placed.before.get(i).unwrap_or(&empty);
        let trailing = placed.trailing.get(i).unwrap_or(&empty);
        let (kept, moved) = match trailing.split_last() {
            Some((kept, moved)) => (Some(kept), moved),
            None => (None, &[][..]),
        };
        let mut blank = line.starts_block;
        for comment in before.iter().chain(moved) {
            out.comment(line.indent, comment, blank);
            blank = false;
        }
        let mut code = line.code.clone();
        let mut end = line.end;
        if let Some(comment) = kept {
            code.push(' ');
            code.push_str(comment.text(text));
            end = comment.end;
        }
        out.line(line.indent, &code, line.anchor, end, blank);
        let indent = lines.get(i + 1).map_or(0, |next| next.indent);
        for comment in placed.after.get(i).unwrap_or(&empty) {
            out.comment(indent, comment, false);
        }
    }
    out.out
}
