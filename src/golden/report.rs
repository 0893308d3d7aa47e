//! The runner's output: PASS/FAIL per case with expected and actual side by side,
//! coverage with the uncovered parts at their place in the rules, and the same as JSON,
//! JUnit XML and GitHub workflow annotations.

use std::collections::BTreeMap;

use serde::Serialize;

use super::coverage::{Coverage, percent};
use super::run::{Actual, CaseRun, Failure, Run};
use super::snapshot::DiffLine;
use crate::source::{Sources, Span};

/// Lines of context around each change in a snapshot diff.
const CONTEXT: usize = 2;
/// Failing answer sets shown per case; the rest are counted.
const ROWS_SHOWN: usize = 3;

/// PASS/FAIL per case, grouped by file, with details for each failure.
pub fn text(run: &Run, sources: &Sources) -> String {
    let mut out = String::new();
    let mut current = None;
    for case in &run.cases {
        if current != Some(case.file) {
            current = Some(case.file);
            out.push_str(&format!("{}\n", shown_path(sources, case.file)));
        }
        let rows = match case.rows.len() {
            1 => String::new(),
            n => format!(" ({n} answer sets)"),
        };
        let status = if case.passed() { "PASS" } else { "FAIL" };
        out.push_str(&format!("  {status} {}{rows}\n", case.case.name.value));
        if !case.passed() {
            out.push_str(&indent(&details(case, sources), "       "));
        }
    }
    out
}

/// Why a case failed: where it is, each failing answer set's differences, and the
/// snapshot diff.
pub fn details(case: &CaseRun, sources: &Sources) -> String {
    let mut out = format!("at {}\n", place(sources, case.case.name.span));
    if let Some(description) = &case.case.description {
        out.push_str(&format!("({description})\n"));
    }
    let failing: Vec<_> = case
        .rows
        .iter()
        .filter(|r| !r.failures.is_empty())
        .collect();
    for row in failing.iter().take(ROWS_SHOWN) {
        let mut body = String::new();
        for failure in &row.failures {
            body.push_str(&failure_text(failure, &row.actual));
        }
        body.push_str(&format!(
            "pathways that fired: {}\n",
            or_none(&row.actual.pathways)
        ));
        if row.row.label.is_empty() {
            out.push_str(&body);
        } else {
            out.push_str(&format!("with {}:\n{}", row.row.label, indent(&body, "  ")));
        }
    }
    if let Some(more) = failing.len().checked_sub(ROWS_SHOWN).filter(|n| *n > 0) {
        out.push_str(&format!(
            "... and {more} more answer sets of this case failed\n"
        ));
    }
    if let Some(lines) = &case.snapshot_diff {
        out.push_str(
            "the result differs from its snapshot (`pathways test --bless` accepts it):\n",
        );
        out.push_str(&indent(&diff_text(lines), "  "));
    }
    out
}

/// One line saying what failed, e.g. `refer and pathways differ from what is expected`.
pub fn headline(case: &CaseRun) -> String {
    let mut what: Vec<&str> = Vec::new();
    for failure in case.rows.iter().flat_map(|r| &r.failures) {
        let name = failure.expectation();
        if !what.contains(&name) {
            what.push(name);
        }
    }
    if case.snapshot_diff.is_some() {
        what.push("snapshot");
    }
    let failing = case.rows.iter().filter(|r| !r.failures.is_empty()).count();
    let rows = if case.rows.len() > 1 {
        format!(" in {failing} of {} answer sets", case.rows.len())
    } else {
        String::new()
    };
    format!("not as expected: {}{rows}", what.join(", "))
}

fn failure_text(failure: &Failure, actual: &Actual) -> String {
    match failure {
        Failure::Refer { expected, actual } => side_by_side("refer", expected, actual),
        Failure::Includes { missing } => {
            format!("includes: not referred to: {}\n", missing.join(", "))
        }
        Failure::Excludes { present } => {
            let by: Vec<String> = present
                .iter()
                .map(|s| {
                    let via = actual.referrals.iter().find(|r| &r.service == s);
                    let pathways = via.map(|r| r.pathways.join(", ")).unwrap_or_default();
                    if pathways.is_empty() {
                        s.clone()
                    } else {
                        format!("{s} (by {pathways})")
                    }
                })
                .collect();
            format!("excludes: referred to all the same: {}\n", by.join("; "))
        }
        Failure::Pathways { expected, actual } => side_by_side("pathways", expected, actual),
        Failure::QuestionsThatMatter { expected, actual } => {
            side_by_side("questions_that_matter", expected, actual)
        }
        Failure::NoReferral { expected: true } => format!(
            "no_referral: expected no referral, but pathways referred to: {}\n",
            actual.services().join(", ")
        ),
        Failure::NoReferral { expected: false } => {
            "no_referral: expected a referral, but no pathway referred anywhere\n".to_string()
        }
    }
}

/// The expected and actual lists in two columns, matching items on one line.
fn side_by_side(what: &str, expected: &[String], actual: &[String]) -> String {
    let mut rows: Vec<(&str, &str, &str)> = expected
        .iter()
        .map(|e| {
            if actual.contains(e) {
                (e.as_str(), e.as_str(), "")
            } else {
                (e.as_str(), "-", "  <- missing")
            }
        })
        .collect();
    rows.extend(
        actual
            .iter()
            .filter(|a| !expected.contains(a))
            .map(|a| ("-", a.as_str(), "  <- not expected")),
    );
    let width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max("expected".len())
        + 4;
    let mut out = format!("{what}:\n  {:<width$}actual\n", "expected");
    for (e, a, note) in rows {
        out.push_str(&format!("  {e:<width$}{a}{note}\n"));
    }
    if expected.is_empty() && actual.is_empty() {
        out.push_str("  (none)\n");
    }
    out
}

/// The changed lines of a snapshot diff with a little context; gaps as `...`.
fn diff_text(lines: &[DiffLine]) -> String {
    let changed: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, DiffLine::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= CONTEXT);
    let mut out = String::new();
    let mut skipped = false;
    for (i, line) in lines.iter().enumerate() {
        if !near(i) {
            skipped = true;
            continue;
        }
        if skipped || (i > 0 && out.is_empty()) {
            out.push_str("...\n");
        }
        skipped = false;
        match line {
            DiffLine::Same(l) => out.push_str(&format!("  {l}\n")),
            DiffLine::Removed(l) => out.push_str(&format!("- {l}\n")),
            DiffLine::Added(l) => out.push_str(&format!("+ {l}\n")),
        }
    }
    if skipped {
        out.push_str("...\n");
    }
    out
}

/// Coverage: the totals, then every uncovered pathway and part at its place.
pub fn coverage_text(coverage: &Coverage, sources: &Sources) -> String {
    let (pathways, parts) = (coverage.pathway_counts(), coverage.part_counts());
    let mut out = format!(
        "coverage: {} of {} pathways ({:.1}%), {} of {} condition parts ({:.1}%)\n",
        pathways.0,
        pathways.1,
        percent(pathways),
        parts.0,
        parts.1,
        percent(parts)
    );
    for pathway in &coverage.pathways {
        if pathway.fired == 0 {
            out.push_str(&format!(
                "not covered: pathway {}: no case makes it fire\n",
                pathway.pathway
            ));
            out.push_str(&quote(sources, pathway.span));
            continue;
        }
        for part in pathway.parts.iter().filter(|p| p.covered == 0) {
            let how = if part.negated { "fails" } else { "holds" };
            out.push_str(&format!(
                "not covered: pathway {}: no case makes it fire while `{}` {how}\n",
                pathway.pathway, part.text
            ));
            out.push_str(&quote(sources, part.span));
        }
    }
    out
}

/// `file:line:col`, then the source line with the span underlined.
fn quote(sources: &Sources, span: Span) -> String {
    let start = sources.line_column(span.file, span.start);
    let line = sources.line_text(span.file, span.start);
    let end = sources.line_column(span.file, span.end);
    let length = if end.line == start.line {
        end.column.saturating_sub(start.column)
    } else {
        line.chars().count() + 1 - start.column
    };
    let number = start.line.to_string();
    let gutter = " ".repeat(number.len());
    format!(
        "  --> {}\n  {gutter} |\n  {number} | {line}\n  {gutter} | {}{}\n",
        place(sources, span),
        " ".repeat(start.column.saturating_sub(1)),
        "^".repeat(length.max(1))
    )
}

pub fn place(sources: &Sources, span: Span) -> String {
    let at = sources.line_column(span.file, span.start);
    format!(
        "{}:{}:{}",
        shown_path(sources, span.file),
        at.line,
        at.column
    )
}

fn shown_path(sources: &Sources, file: crate::source::FileId) -> String {
    sources.path(file).display().to_string().replace('\\', "/")
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{prefix}{l}\n")
            }
        })
        .collect()
}

/// The whole run as `--format json` writes it.
#[derive(Serialize)]
pub struct JsonRun<'a> {
    pub passed: usize,
    pub failed: usize,
    pub cases: Vec<JsonCase<'a>>,
    pub coverage: JsonCoverage<'a>,
}

#[derive(Serialize)]
pub struct JsonCase<'a> {
    pub name: &'a str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub tags: &'a [String],
    /// The reference date the case was evaluated on.
    pub as_of: String,
    pub passed: bool,
    pub results: Vec<JsonRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_diff: Option<&'a [DiffLine]>,
}

#[derive(Serialize)]
pub struct JsonRow<'a> {
    /// Every answer given, question by question.
    pub answers: BTreeMap<&'a str, &'a str>,
    pub failures: &'a [Failure],
    pub actual: &'a Actual,
}

#[derive(Serialize)]
pub struct JsonCoverage<'a> {
    pub pathways_covered: usize,
    pub pathways_total: usize,
    pub parts_covered: usize,
    pub parts_total: usize,
    pub pathways: &'a [super::coverage::PathwayCoverage],
    pub uncovered: Vec<JsonUncovered>,
}

#[derive(Serialize)]
pub struct JsonUncovered {
    pub pathway: String,
    /// The part as written; absent when the pathway itself never fired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    pub location: String,
    #[serde(skip)]
    pub span: Span,
}

pub fn json<'a>(run: &'a Run, sources: &Sources) -> JsonRun<'a> {
    let cases = run
        .cases
        .iter()
        .map(|c| {
            let at = sources.line_column(c.case.name.span.file, c.case.name.span.start);
            JsonCase {
                name: &c.case.name.value,
                file: shown_path(sources, c.file),
                line: at.line,
                column: at.column,
                description: c.case.description.as_deref(),
                tags: &c.case.tags,
                as_of: c.date.to_string(),
                passed: c.passed(),
                results: c
                    .rows
                    .iter()
                    .map(|r| JsonRow {
                        answers: r
                            .row
                            .given
                            .iter()
                            .map(|(q, v)| (q.as_str(), v.as_str()))
                            .collect(),
                        failures: &r.failures,
                        actual: &r.actual,
                    })
                    .collect(),
                snapshot_diff: c.snapshot_diff.as_deref(),
            }
        })
        .collect();
    JsonRun {
        passed: run.passed(),
        failed: run.failed(),
        cases,
        coverage: json_coverage(&run.coverage, sources),
    }
}

fn json_coverage<'a>(coverage: &'a Coverage, sources: &Sources) -> JsonCoverage<'a> {
    let (pathways, parts) = (coverage.pathway_counts(), coverage.part_counts());
    let mut uncovered = Vec::new();
    for p in &coverage.pathways {
        if p.fired == 0 {
            uncovered.push(JsonUncovered {
                pathway: p.pathway.clone(),
                part: None,
                location: place(sources, p.span),
                span: p.span,
            });
            continue;
        }
        for part in p.parts.iter().filter(|x| x.covered == 0) {
            uncovered.push(JsonUncovered {
                pathway: p.pathway.clone(),
                part: Some(part.text.clone()),
                location: place(sources, part.span),
                span: part.span,
            });
        }
    }
    JsonCoverage {
        pathways_covered: pathways.0,
        pathways_total: pathways.1,
        parts_covered: parts.0,
        parts_total: parts.1,
        pathways: &coverage.pathways,
        uncovered,
    }
}

/// JUnit XML: one test suite per scenario file, one test case per case.
pub fn junit(run: &Run, sources: &Sources) -> String {
    let mut suites = String::new();
    let mut files: Vec<crate::source::FileId> = run.cases.iter().map(|c| c.file).collect();
    files.dedup();
    for file in files {
        let cases: Vec<&CaseRun> = run.cases.iter().filter(|c| c.file == file).collect();
        let failures = cases.iter().filter(|c| !c.passed()).count();
        let path = shown_path(sources, file);
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
            xml(&path),
            cases.len()
        ));
        for case in cases {
            suites.push_str(&junit_case(case, &path, sources));
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pathways golden tests\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n{suites}</testsuites>\n",
        run.cases.len(),
        run.failed()
    )
}

fn junit_case(case: &CaseRun, path: &str, sources: &Sources) -> String {
    let line = sources
        .line_column(case.file, case.case.name.span.start)
        .line;
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
        xml(&case.case.name.value),
        xml(path),
        xml(path)
    );
    if case.passed() {
        return format!("{open}/>\n");
    }
    format!(
        "{open}>\n      <failure message=\"{}\" type=\"golden\">{}</failure>\n    </testcase>\n",
        xml(&headline(case)),
        xml(&details(case, sources))
    )
}

/// Text escaped for XML content and attributes; characters XML 1.0 cannot hold are
/// replaced.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// GitHub Actions annotations: one error on each failing case's name.
pub fn github(run: &Run, sources: &Sources) -> String {
    let mut out = String::new();
    for case in run.cases.iter().filter(|c| !c.passed()) {
        out.push_str(&format!(
            "::error file={},{}title={}::{}\n",
            property(&shown_path(sources, case.file)),
            crate::diagnostic::github_place(sources, case.case.name.span),
            property(&format!("golden test failed: {}", case.case.name.value)),
            data(&details(case, sources))
        ));
    }
    out
}

/// GitHub Actions annotations: a warning on each pathway or part no case exercised.
pub fn github_coverage(coverage: &Coverage, sources: &Sources) -> String {
    let json = json_coverage(coverage, sources);
    let mut out = String::new();
    for u in json.uncovered {
        let what = match &u.part {
            None => format!("no case makes pathway {} fire", u.pathway),
            Some(part) => format!("pathway {}: no case exercises `{part}`", u.pathway),
        };
        let at = sources.line_column(u.span.file, u.span.start);
        out.push_str(&format!(
            "::warning file={},line={},col={},title=not covered::{}\n",
            property(&shown_path(sources, u.span.file)),
            at.line,
            at.column,
            data(&what)
        ));
    }
    out
}

// GitHub's workflow-command escaping: data escapes %, CR, LF; properties also : and ,.
fn data(text: &str) -> String {
    text.trim_end()
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_control_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}"
        );
    }

    #[test]
    fn side_by_side_marks_missing_and_unexpected() {
        let text = side_by_side(
            "refer",
            &["a".into(), "b".into()],
            &["a".into(), "c".into()],
        );
        assert_eq!(
            text,
            "refer:\n  expected    actual\n  a           a\n  b           -  <- missing\n  -           c  <- not expected\n"
        );
    }
}
