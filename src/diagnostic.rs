//! Diagnostics: what went wrong, where, and how to fix it, rendered for people
//! (with the source line marked) or as JSON for machines.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use crate::source::{Sources, Span};

/// How serious a diagnostic is: errors fail a command, warnings do not (unless denied).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case code, documented in the README (e.g. `unknown-locality`).
    pub code: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
    /// Where it is wrong; `None` only for problems with no place (e.g. a missing file).
    pub span: Option<Span>,
    /// Short text shown under the marked span.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Further places that explain the problem (e.g. the first definition of a duplicate).
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds help only when there is some (e.g. an optional "did you mean").
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders for a terminal: header, file:line:column, the source line with the span
    /// marked, and help. `color` adds ANSI colours.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        let mut out = String::new();
        let view = View::of(self, sources);
        if handler.render_report(&mut out, &view).is_err() {
            out = format!("{}[{}]: {}\n", self.severity, self.code, self.message);
        }
        out
    }

    /// The machine-readable form, with positions resolved to line and column.
    pub fn to_json(&self, sources: &Sources) -> JsonDiagnostic {
        let place = |span: Span| {
            let start = sources.line_column(span.file, span.start);
            let end = sources.line_column(span.file, span.end);
            JsonSpan {
                file: sources
                    .path(span.file)
                    .display()
                    .to_string()
                    .replace('\\', "/"),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                source_line: source_line(sources, span),
            }
        };
        JsonDiagnostic {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            location: self.span.map(place),
            label: self.label.clone(),
            help: self.help.clone(),
            related: self
                .related
                .iter()
                .map(|(span, label)| JsonRelated {
                    location: place(*span),
                    label: label.clone(),
                })
                .collect(),
        }
    }
}

/// A span as the place properties of a GitHub Actions workflow command
/// (`line=..,col=..,endLine=..,endColumn=..,`). GitHub counts columns from 1 and
/// includes the end column, so `endColumn` is the column of the span's last character
/// (line ends aside); it takes columns only within one line, so a span over several
/// lines gives lines alone.
pub fn github_place(sources: &Sources, span: Span) -> String {
    let text = sources.text(span.file);
    let start = sources.line_column(span.file, span.start);
    let marked = text.get(span.start..span.end).unwrap_or("");
    let last = marked
        .trim_end_matches(['\n', '\r'])
        .char_indices()
        .next_back()
        .map_or(span.start, |(at, _)| span.start + at);
    let end = sources.line_column(span.file, last);
    if end.line == start.line {
        format!(
            "line={},col={},endLine={},endColumn={},",
            start.line, start.column, end.line, end.column
        )
    } else {
        format!("line={},endLine={},", start.line, end.line)
    }
}

/// A diagnostic as written by `--format json`.
#[derive(Clone, Debug, Serialize)]
pub struct JsonDiagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<JsonSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonRelated>,
}

#[derive(Clone, Debug, Serialize)]
pub struct JsonSpan {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub source_line: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct JsonRelated {
    pub location: JsonSpan,
    pub label: String,
}

/// Sorts diagnostics into a stable order: by file, then position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map(|s| (s.file, s.start, s.end));
        key(a)
            .cmp(&key(b))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
}

/// Counts of errors and warnings, for summary lines.
pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// "1 error", "2 errors": counts in messages.
pub fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("1 {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}

/// Adapter that lets miette draw one of our diagnostics against its file. Related places
/// in the same file become extra labels; those in other files, nested notes.
struct View {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Shown>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

impl View {
    fn of(diagnostic: &Diagnostic, sources: &Sources) -> View {
        let severity = match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut view = View {
            message: format!(
                "{}[{}]: {}",
                diagnostic.severity,
                diagnostic.code,
                escaped(&diagnostic.message)
            ),
            severity,
            help: diagnostic.help.as_deref().map(escaped),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(span) = diagnostic.span else {
            return view;
        };
        let label = diagnostic.label.as_deref().map(escaped);
        // Related places drawn on the same excerpt: in the same file, on ordinary lines,
        // a few lines apart (every line between is drawn: one far away gets its own).
        let line = |at: Span| sources.line_column(at.file, at.start).line;
        let (nearby, apart): (Vec<_>, Vec<_>) =
            diagnostic.related.iter().partition(|(other, _)| {
                other.file == span.file
                    && line(*other).abs_diff(line(span)) <= NEARBY_LINES
                    && window(sources, span).is_none()
                    && window(sources, *other).is_none()
            });
        let spans: Vec<Span> = std::iter::once(span)
            .chain(nearby.iter().map(|(other, _)| *other))
            .collect();
        if let Some((source, at)) = Shown::of(sources, &spans) {
            view.source = Some(source);
            let mut at = at.into_iter();
            view.labels.extend(
                at.next()
                    .map(|a| LabeledSpan::new_primary_with_span(label, a)),
            );
            for ((_, text), a) in nearby.iter().zip(at) {
                view.labels
                    .push(LabeledSpan::new_with_span(Some(escaped(text)), a));
            }
        }
        for (other, text) in apart {
            let shown = Shown::of(sources, &[*other]);
            view.related.push(View {
                message: escaped(text),
                severity: miette::Severity::Advice,
                help: None,
                labels: shown
                    .iter()
                    .flat_map(|(_, at)| at.iter())
                    .map(|a| LabeledSpan::new_primary_with_span(None, *a))
                    .collect(),
                source: shown.map(|(source, _)| source),
                related: Vec::new(),
            });
        }
        view
    }
}

/// Lines longer than this many bytes are shown only around the marked span: a line can
/// hold a megabyte, and each of a hundred reports would print it whole.
const LONGEST_LINE_SHOWN: usize = 300;
/// How many lines apart a related place may be and still share the main excerpt.
const NEARBY_LINES: usize = 12;
/// Bytes shown either side of a span on such a line, and at most of the span itself.
const AROUND: usize = 60;
const LONGEST_SPAN_SHOWN: usize = 160;

/// The part of a very long line shown for a span on it: byte range `from..to` in the
/// file, where the shown span ends, and whether text was cut before and after. `None`
/// for a span on a line short enough to show whole, or over several lines.
struct Window {
    from: usize,
    to: usize,
    span_end: usize,
    cut_before: bool,
    cut_after: bool,
}

fn window(sources: &Sources, span: Span) -> Option<Window> {
    let text = sources.text(span.file);
    let line = sources.line_text(span.file, span.start);
    if line.len() <= LONGEST_LINE_SHOWN || text.get(span.start..span.end)?.contains('\n') {
        return None;
    }
    let line_start = line_start(sources, span.file, span.start);
    let line_end = line_start + line.len();
    let floor = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let from = floor(span.start.saturating_sub(AROUND).max(line_start));
    let span_end = floor(span.end.min(span.start + LONGEST_SPAN_SHOWN)).max(span.start);
    let to = floor((span_end + AROUND).min(line_end)).max(span_end);
    Some(Window {
        from,
        to,
        span_end,
        cut_before: from > line_start,
        cut_after: to < line_end,
    })
}

/// Where the line holding `offset` starts.
fn line_start(sources: &Sources, file: crate::source::FileId, offset: usize) -> usize {
    sources.offset_of(file, sources.line_column(file, offset).line, 1)
}

/// The line of a span for JSON: whole, or around the span with `…` where it was cut.
fn source_line(sources: &Sources, span: Span) -> String {
    let Some(w) = window(sources, span) else {
        return sources.line_text(span.file, span.start).to_string();
    };
    let shown = sources.text(span.file).get(w.from..w.to).unwrap_or("");
    let (before, after) = (ellipsis(w.cut_before), ellipsis(w.cut_after));
    format!("{before}{shown}{after}")
}

fn ellipsis(cut: bool) -> &'static str {
    if cut { "…" } else { "" }
}

/// What miette is shown of a file, made inert: the lines around some spans (not the
/// whole file, which each of a hundred reports would copy), or for a span on a very
/// long line only a window of that line; numbered as in the file either way.
struct Shown {
    name: String,
    text: String,
    /// The file's 0-based line where `text` starts.
    line: usize,
    /// For a window: the span's 0-based column in the file, in characters.
    column: Option<usize>,
}

impl Shown {
    /// The excerpt of one file for `spans` (a window when the first is on a very long
    /// line, then only it is shown), and where each shown span is within it.
    fn of(sources: &Sources, spans: &[Span]) -> Option<(Shown, Vec<SourceSpan>)> {
        let first = spans.first()?;
        let file = sources.get(first.file)?;
        let name = file.path.display().to_string().replace('\\', "/");
        let text = &file.text;
        if let Some(w) = window(sources, *first) {
            let at = sources.line_column(first.file, first.start);
            let before = ellipsis(w.cut_before);
            let shown = Shown {
                name,
                text: format!(
                    "{before}{}{}",
                    inert(text.get(w.from..w.to)?),
                    ellipsis(w.cut_after)
                ),
                line: at.line - 1,
                column: Some(at.column - 1),
            };
            let start = before.len() + first.start - w.from;
            let span = SourceSpan::new(start.into(), w.span_end - first.start);
            return Some((shown, vec![span]));
        }
        // One line of context either side, as miette shows; a long line without a span
        // (context, or between two spans) is cut short.
        let low = spans.iter().map(|s| s.start).min()?;
        let high = spans.iter().map(|s| s.end).max()?;
        let top = sources
            .line_column(first.file, low)
            .line
            .saturating_sub(1)
            .max(1);
        let bottom = sources.line_column(first.file, high).line + 1;
        let mut shown = String::new();
        let mut starts = Vec::new();
        for n in top..=bottom {
            let (from, to) = (
                sources.offset_of(first.file, n, 1),
                sources.offset_of(first.file, n + 1, 1),
            );
            let line = text.get(from..to)?;
            starts.push((from, shown.len()));
            let marked = spans
                .iter()
                .any(|s| s.start < to && s.end > from || s.start == from);
            if line.len() > LONGEST_LINE_SHOWN && !marked {
                let mut cut = AROUND;
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                shown.push_str(&inert(line.get(..cut)?));
                shown.push_str("…\n");
            } else {
                shown.push_str(&inert(line));
            }
        }
        let at = spans
            .iter()
            .map(|s| {
                let (line, excerpt) = starts
                    .iter()
                    .rev()
                    .find(|(line, _)| *line <= s.start)
                    .copied()
                    .unwrap_or_default();
                SourceSpan::new(
                    (excerpt + s.start - line).into(),
                    s.end.saturating_sub(s.start),
                )
            })
            .collect();
        let shown = Shown {
            name,
            text: shown,
            line: top - 1,
            column: None,
        };
        Some((shown, at))
    }
}

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_bytes().read_span(span, before, after)?;
        // The header's column is read with no lines before; a window's is the file's.
        let column = match self.column {
            Some(column) if before == 0 => column,
            _ => inner.column(),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line,
            column,
            // Counted from the file's start, as miette does when merging nearby labels.
            inner.line_count() + self.line,
        )))
    }
}

/// Words for the terminal, with control, invisible and bidi characters (which input
/// values quoted in a message may hold) written as `\u{..}` escapes.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && (c.is_control() || crate::directory::values::invisible_name(c).is_some()) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The text with every control, invisible or bidi character (other than line ends and
/// tabs) replaced by a visible one of the same UTF-8 length, so spans still line up and
/// a quoted line can neither hide nor reorder text, nor send escapes to the terminal.
fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() || crate::directory::values::invisible_name(c).is_some() => {
                match c.len_utf8() {
                    1 => '?',
                    2 => '\u{00BF}',
                    _ => '\u{FFFD}',
                }
            }
            c => c,
        })
        .collect()
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl miette::Diagnostic for View {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn github_columns_are_one_based_and_inclusive() {
        let mut sources = Sources::new();
        let file = sources.add("a.yaml", "id: hilsae\nname: é x\n");
        let place = |start, end| github_place(&sources, Span::new(file, start, end));
        // `hilsae`: columns 5 to 10.
        assert_eq!(place(4, 10), "line=1,col=5,endLine=1,endColumn=10,");
        // One character, and an empty span: start and end columns are the same.
        assert_eq!(place(4, 5), "line=1,col=5,endLine=1,endColumn=5,");
        assert_eq!(place(4, 4), "line=1,col=5,endLine=1,endColumn=5,");
        // Characters, not bytes; the line end is not a column.
        assert_eq!(place(17, 21), "line=2,col=7,endLine=2,endColumn=9,");
        assert_eq!(place(0, 11), "line=1,col=1,endLine=1,endColumn=10,");
        // Over two lines: lines alone.
        assert_eq!(place(4, 15), "line=1,endLine=2,");
    }

    #[test]
    fn renders_file_line_column_source_and_help() {
        let mut sources = Sources::new();
        let f = sources.add(
            "directory/services/x.yaml",
            "name: X\nlocalities: [hilsee]\n",
        );
        let start = sources.text(f).find("hilsee").unwrap();
        let d = Diagnostic::error("unknown-locality", "unknown locality `hilsee`")
            .at(Span::new(f, start, start + 6))
            .label("not a locality of this area")
            .help("did you mean `hilsea`?");
        let text = d.render(&sources, false);
        assert!(text.contains("directory/services/x.yaml:2:14"), "{text}");
        assert!(text.contains("localities: [hilsee]"), "{text}");
        assert!(text.contains("did you mean `hilsea`?"), "{text}");
        let json = d.to_json(&sources);
        assert_eq!(
            (
                json.location.as_ref().unwrap().line,
                json.location.unwrap().column
            ),
            (2, 14)
        );
    }

    /// A span on a line of a megabyte is shown in a window of that line, at the file's
    /// line and column, and the JSON quotes the same window: a hundred reports of such a
    /// line print kilobytes, not a hundred megabytes.
    #[test]
    fn a_very_long_line_is_shown_around_the_span_only() {
        let mut sources = Sources::new();
        let line = format!(
            "localities: [{}hilsee, {}]",
            "é, ".repeat(50_000),
            "x, ".repeat(50_000)
        );
        let f = sources.add("a.yaml", format!("name: X\n{line}\nnext: y\n"));
        let start = sources.text(f).find("hilsee").unwrap();
        let d = Diagnostic::error("unknown-locality", "unknown locality `hilsee`")
            .at(Span::new(f, start, start + 6))
            .label("not a locality")
            .related(Span::new(f, 0, 4), "the service");
        let text = d.render(&sources, false);
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(text.contains("[a.yaml:2:150014]"), "{text}");
        assert!(text.contains("│ …é, é, é,"), "{text}");
        assert!(text.contains("é, é, hilsee, x, x,") && text.contains("x, x…\n"));
        assert!(
            text.contains("│ localities: [é, é, é,"),
            "context is cut short"
        );
        assert!(text.contains("not a locality") && text.contains("the service"));
        let json = d.to_json(&sources).location.unwrap();
        assert_eq!((json.line, json.column), (2, 150_014));
        assert!(json.source_line.starts_with('…') && json.source_line.ends_with('…'));
        assert!(json.source_line.len() < 200);
    }

    /// Labels far apart in one file are still drawn, each at its own line.
    #[test]
    fn labels_far_apart_in_a_file_are_each_drawn() {
        let mut sources = Sources::new();
        let text: String = (1..=500).map(|n| format!("line {n}\n")).collect();
        let f = sources.add("b.pathways", text.as_str());
        let at = |s: &str| text.find(s).unwrap();
        let d = Diagnostic::warning("redundant-pathway", "adds nothing")
            .at(Span::new(f, at("line 400\n"), at("line 400\n") + 8))
            .label("this one")
            .related(Span::new(f, at("line 3\n"), at("line 3\n") + 6), "that one");
        let shown = d.render(&sources, false);
        assert!(shown.contains("[b.pathways:400:1]"), "{shown}");
        for line in [
            " 2 │ line 2",
            " 3 │ line 3",
            " 4 │ line 4",
            " 400 │ line 400",
            " 401 │ line 401",
        ] {
            assert!(shown.contains(line), "{line}: {shown}");
        }
    }
}
