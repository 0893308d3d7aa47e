//! Reading `tests/golden/*.yaml` and resolving each case against the rules and the
//! directory, reporting every unknown question, value, service or pathway, and every
//! repeated case name, at its line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::raw::{self, Entries, Text};
use super::scenario::{Case, Expectations, Row, ScenarioFile, Scenarios};
use crate::diagnostic::{self, Diagnostic};
use crate::directory::load::{Unread, read_limited, too_large};
use crate::directory::model::Directory;
use crate::directory::yaml;
use crate::engine::Answers;
use crate::rules::load::MAX_FILE_BYTES;
use crate::rules::model::{DomainKind, Question, QuestionIx, RuleSet, Target, ValueIx};
use crate::source::{FileId, Located, Sources, Span};
use crate::suggest::did_you_mean;

/// Where an area keeps its scenario files, relative to its root.
pub const FOLDER: &str = "tests/golden";
/// How a snapshot file's name ends (`victims.yaml` is recorded in `victims.snap.yaml`).
pub const SNAPSHOT_SUFFIX: &str = ".snap.yaml";
/// A table expands to at most this many answer sets.
const MAX_ROWS: usize = 10_000;

/// Loads every `root/tests/golden/*.yaml` (not the `*.snap.yaml` snapshots), in
/// file-name order, and resolves them. Never fails: whatever cannot be read or
/// resolved is reported, and the rest is kept.
pub fn load(
    root: &Path,
    sources: &mut Sources,
    rules: &RuleSet,
    directory: &Directory,
) -> (Scenarios, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    for path in scenario_paths(&root.join(FOLDER), &mut diagnostics) {
        let shown = match path.file_name() {
            Some(name) => format!("{FOLDER}/{}", name.to_string_lossy()),
            None => continue,
        };
        match read_limited(&path, MAX_FILE_BYTES).map(String::from_utf8) {
            Ok(Ok(text)) => files.push((sources.add(shown, text), path)),
            Err(Unread::TooLarge) => {
                let file = sources.add(shown.clone(), "");
                diagnostics.push(too_large(&shown, file, MAX_FILE_BYTES));
            }
            Ok(Err(_)) => diagnostics.push(
                Diagnostic::error("unreadable-file", format!("`{shown}` is not text (UTF-8)"))
                    .help("save the scenario file as plain UTF-8 text"),
            ),
            Err(Unread::Io(error)) => diagnostics.push(Diagnostic::error(
                "unreadable-file",
                format!("cannot read `{shown}`: {error}"),
            )),
        }
    }
    let (scenarios, problems) = resolve(sources, &files, rules, directory);
    diagnostics.extend(problems);
    diagnostic::sort(&mut diagnostics);
    (scenarios, diagnostics)
}

fn scenario_paths(folder: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    if !folder.is_dir() {
        return Vec::new();
    }
    let mut paths = Vec::new();
    for entry in WalkDir::new(folder)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_file()
                    && name.ends_with(".yaml")
                    && !name.ends_with(SNAPSHOT_SUFFIX)
                    && !name.starts_with('.')
                {
                    paths.push(entry.path().to_path_buf());
                }
            }
            Err(error) => diagnostics.push(Diagnostic::error(
                "unreadable-file",
                format!("cannot read the `{FOLDER}` folder: {error}"),
            )),
        }
    }
    paths
}

/// Resolves scenario files already in `sources` (with where each is on disk): each
/// case against the rules and directory, and case names across all of them.
pub fn resolve(
    sources: &Sources,
    files: &[(FileId, PathBuf)],
    rules: &RuleSet,
    directory: &Directory,
) -> (Scenarios, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut scenarios = Scenarios::default();
    for (file, path) in files {
        let cases = match yaml::parse::<raw::ScenarioFile>(sources, *file) {
            Ok(raw) => {
                let mut resolver = Resolver {
                    sources,
                    file: *file,
                    rules,
                    directory,
                    diagnostics: &mut diagnostics,
                };
                raw.cases
                    .into_iter()
                    .filter_map(|c| resolver.case(c))
                    .collect()
            }
            Err(problem) => {
                diagnostics.push(for_scenarios(*problem));
                Vec::new()
            }
        };
        scenarios.files.push(ScenarioFile {
            file: *file,
            path: path.clone(),
            cases,
        });
    }
    diagnostics.extend(repeated_names(&scenarios));
    diagnostic::sort(&mut diagnostics);
    (scenarios, diagnostics)
}

/// The YAML reader's help speaks of the directory; here it is a scenario file.
fn for_scenarios(mut problem: Diagnostic) -> Diagnostic {
    if matches!(problem.code, "wrong-type" | "too-complex") {
        problem.help = Some("see the golden test format in the README".to_string());
    }
    problem
}

fn repeated_names(scenarios: &Scenarios) -> Vec<Diagnostic> {
    let mut first: BTreeMap<&str, Span> = BTreeMap::new();
    let mut problems = Vec::new();
    for case in scenarios.files.iter().flat_map(|f| &f.cases) {
        let name = &case.name;
        match first.get(name.value.as_str()) {
            Some(&earlier) => problems.push(
                Diagnostic::error(
                    "duplicate-case",
                    format!("there is already a case named `{}`", name.value),
                )
                .at(name.span)
                .label("named again here")
                .related(earlier, "first named here")
                .help("give each case its own name: failures and snapshots are reported by name"),
            ),
            None => {
                first.insert(&name.value, name.span);
            }
        }
    }
    problems
}

/// Resolves the cases of one file.
struct Resolver<'a> {
    sources: &'a Sources,
    file: FileId,
    rules: &'a RuleSet,
    directory: &'a Directory,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// An answer written in a case: the question, the value(s) it stands for, and where
/// the question was written.
struct Answer {
    question: QuestionIx,
    values: Vec<ValueIx>,
    span: Span,
}

impl<'a> Resolver<'a> {
    fn span<T>(&self, value: &serde_saphyr::Spanned<T>) -> Span {
        yaml::span(self.sources, self.file, value)
    }

    fn located(&self, text: &Text) -> Located<String> {
        Located::new(text.value.clone(), self.span(text))
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The whole case, or `None` (after reporting why) when it cannot run.
    fn case(&mut self, raw: raw::Case) -> Option<Case> {
        let name = self.located(&raw.name);
        let before = self.diagnostics.len();
        let as_of = raw.as_of.as_ref().and_then(|d| self.date(d));
        let fixed = self.answers(&raw.answers);
        let rows = self.rows(&raw, &fixed);
        let expect = self.expectations(&raw);
        if expect.is_empty() {
            self.error(
                Diagnostic::warning(
                    "nothing-expected",
                    format!("case `{}` expects nothing, so it can never fail", name.value),
                )
                .at(name.span)
                .label("no expectations")
                .help("add `refer`, `includes`, `excludes`, `pathways`, `questions_that_matter` or `no_referral`"),
            );
        }
        let failed = self
            .diagnostics
            .get(before..)
            .is_some_and(|new| new.iter().any(Diagnostic::is_error));
        (!failed).then(|| Case {
            name,
            description: raw.description.map(|d| d.value),
            tags: raw.tags.into_iter().map(|t| t.value).collect(),
            as_of,
            rows,
            expect,
        })
    }

    fn date(&mut self, text: &Text) -> Option<jiff::civil::Date> {
        match text.value.parse() {
            Ok(date) => Some(date),
            Err(_) => {
                let span = self.span(text);
                self.error(
                    Diagnostic::error(
                        "bad-date",
                        format!("`{}` is not a date", yaml::printable(&text.value)),
                    )
                    .at(span)
                    .label("not a date")
                    .help("write it as YYYY-MM-DD, e.g. 2012-10-01"),
                );
                None
            }
        }
    }

    /// `question: value` lines, one value each.
    fn answers(&mut self, entries: &Entries<Text>) -> Vec<Answer> {
        let mut answers: Vec<Answer> = Vec::new();
        for (key, value) in &entries.0 {
            let Some((question, found)) = self.question(key) else {
                continue;
            };
            if let Some(value) = self.value(found, value, false) {
                answers.push(Answer {
                    question,
                    values: value,
                    span: self.span(key),
                });
            }
        }
        answers
    }

    fn question(&mut self, key: &Text) -> Option<(QuestionIx, &'a Question)> {
        let rules = self.rules;
        if let Some(found) = rules.question(&key.value) {
            return Some(found);
        }
        let span = self.span(key);
        let ids = rules.questions.iter().map(|q| q.id.value.as_str());
        let listed: Vec<&str> = ids.clone().collect();
        self.error(
            Diagnostic::error(
                "unknown-question",
                format!("there is no question `{}`", yaml::printable(&key.value)),
            )
            .at(span)
            .label("not a question of the rules")
            .help(
                did_you_mean(&key.value, ids)
                    .unwrap_or_else(|| format!("the questions are: {}", listed.join(", "))),
            ),
        );
        None
    }

    /// The value indices a written value stands for: one, or a group's localities
    /// when `group_allowed`.
    fn value(
        &mut self,
        question: &Question,
        value: &Text,
        group_allowed: bool,
    ) -> Option<Vec<ValueIx>> {
        if let Some(v) = question.domain.index_of(&value.value) {
            return Some(vec![v]);
        }
        let span = self.span(value);
        let is_locality = question.domain.kind == DomainKind::Locality;
        if is_locality && self.directory.is_group(&value.value) {
            if group_allowed {
                return Some(self.group(question, &value.value));
            }
            self.error(
                Diagnostic::error(
                    "group-as-answer",
                    format!("`{}` is a group of localities, not one answer", value.value),
                )
                .at(span)
                .label("a group")
                .help(format!(
                    "to run the case in each of its localities, write `each: {{{}: [{}]}}`",
                    question.id.value, value.value
                )),
            );
            return None;
        }
        self.error(unknown_value(
            question,
            value,
            span,
            self.directory,
            is_locality && group_allowed,
        ));
        None
    }

    /// The answer sets of a case: the fixed answers alone, or with each row of its table.
    fn rows(&mut self, raw: &raw::Case, fixed: &[Answer]) -> Vec<Row> {
        match (&raw.each, &raw.rows) {
            (Some(_), Some(rows)) => {
                let span = self.span(rows);
                self.error(
                    Diagnostic::error(
                        "table-conflict",
                        "a case has either `each` or `rows`, not both",
                    )
                    .at(span)
                    .label("second table")
                    .help("split it into two cases, or list every answer set under `rows`"),
                );
                Vec::new()
            }
            (Some(each), None) => self.each(each, fixed),
            (None, Some(rows)) => self.listed(rows, fixed),
            (None, None) => vec![self.row(fixed, &[], String::new())],
        }
    }

    /// `each: {question: [value, ...]}`: every combination of the listed values.
    fn each(
        &mut self,
        each: &serde_saphyr::Spanned<Entries<Vec<Text>>>,
        fixed: &[Answer],
    ) -> Vec<Row> {
        let mut columns: Vec<Answer> = Vec::new();
        for (key, values) in &each.value.0 {
            let Some((question, found)) = self.question(key) else {
                continue;
            };
            let span = self.span(key);
            let mut listed: Vec<ValueIx> = Vec::new();
            for value in values {
                for v in self.value(found, value, true).unwrap_or_default() {
                    if !listed.contains(&v) {
                        listed.push(v);
                    }
                }
            }
            if values.is_empty() {
                self.error(empty_table(span, "this question has no values to run over"));
            }
            columns.push(Answer {
                question,
                values: listed,
                span,
            });
        }
        self.twice(fixed, &columns);
        let size = columns
            .iter()
            .try_fold(1usize, |n, c| n.checked_mul(c.values.len()));
        if size.is_none_or(|n| n > MAX_ROWS) {
            let span = self.span(each);
            self.error(
                Diagnostic::error(
                    "table-too-large",
                    format!("the table has more than {MAX_ROWS} answer sets"),
                )
                .at(span)
                .label("too many combinations")
                .help("split the case, or list fewer values"),
            );
            return Vec::new();
        }
        product(&columns)
            .into_iter()
            .map(|chosen| self.row(fixed, &chosen, self.label(&chosen)))
            .collect()
    }

    /// `rows: [{question: value, ...}, ...]`: each row added to the fixed answers.
    fn listed(
        &mut self,
        rows: &serde_saphyr::Spanned<Vec<Entries<Text>>>,
        fixed: &[Answer],
    ) -> Vec<Row> {
        if rows.value.is_empty() {
            let span = self.span(rows);
            self.error(empty_table(span, "no rows"));
        }
        rows.value
            .iter()
            .map(|entries| {
                let row = self.answers(entries);
                self.twice(fixed, &row);
                let chosen: Vec<(QuestionIx, ValueIx)> = row
                    .iter()
                    .filter_map(|a| Some((a.question, *a.values.first()?)))
                    .collect();
                self.row(fixed, &chosen, self.label(&chosen))
            })
            .collect()
    }

    /// Reports each question of `table` already answered in the fixed answers.
    fn twice(&mut self, fixed: &[Answer], table: &[Answer]) {
        for answer in table {
            if let Some(first) = fixed.iter().find(|f| f.question == answer.question) {
                let id = self
                    .rules
                    .questions
                    .get(answer.question)
                    .map_or("", |q| q.id.value.as_str());
                self.error(
                    Diagnostic::error(
                        "answered-twice",
                        format!("question `{id}` is answered twice"),
                    )
                    .at(answer.span)
                    .label("answered again here")
                    .related(first.span, "first answered here")
                    .help("answer it either under `answers` or in the table, not both"),
                );
            }
        }
    }

    /// The fixed answers with one row's answers added.
    fn row(&self, fixed: &[Answer], chosen: &[(QuestionIx, ValueIx)], label: String) -> Row {
        let mut answers = Answers::none(self.rules);
        let fixed = fixed
            .iter()
            .filter_map(|a| Some((a.question, *a.values.first()?)));
        for (q, v) in fixed.chain(chosen.iter().copied()) {
            answers.set(q, Some(v));
        }
        let given = self
            .rules
            .questions
            .iter()
            .enumerate()
            .filter_map(|(q, question)| {
                let value = question.domain.value(answers.get(q)?)?;
                Some((question.id.value.clone(), value.id.clone()))
            })
            .collect();
        Row {
            answers,
            given,
            label,
        }
    }

    /// `locality=hilsea, risk=high`: how a row is named in reports.
    fn label(&self, chosen: &[(QuestionIx, ValueIx)]) -> String {
        chosen
            .iter()
            .filter_map(|&(q, v)| {
                let question = self.rules.questions.get(q)?;
                Some(format!(
                    "{}={}",
                    question.id.value,
                    question.domain.value(v)?.id
                ))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn expectations(&mut self, raw: &raw::Case) -> Expectations {
        let refer = raw.refer.as_ref().map(|r| self.services(&r.value));
        let includes = self.services(&raw.includes);
        let excludes = self.services(&raw.excludes);
        for excluded in &raw.excludes {
            let named = |list: &[String]| list.contains(&excluded.value);
            if named(&includes) || refer.as_deref().is_some_and(named) {
                let span = self.span(excluded);
                self.error(conflict(
                    span,
                    format!("`{}` is both expected and excluded", excluded.value),
                ));
            }
        }
        let no_referral = raw.no_referral.as_ref().map(|n| n.value);
        // With no pathway referring, only the `otherwise` block can refer anywhere.
        if let Some(flag) = raw.no_referral.as_ref().filter(|n| n.value)
            && let Some(service) = refer
                .iter()
                .flatten()
                .chain(&includes)
                .find(|id| !self.fallback_may_refer(id))
        {
            let span = self.span(flag);
            let why = if self.rules.fallback.is_some() {
                "which the `otherwise` block never refers to"
            } else {
                "and there is no `otherwise` block to refer to it"
            };
            self.error(conflict(
                span,
                format!(
                    "`no_referral: true` says no pathway refers, but `{service}` is expected, {why}"
                ),
            ));
        }
        Expectations {
            refer,
            includes,
            excludes,
            pathways: raw.pathways.as_ref().map(|p| self.pathways(&p.value)),
            questions_that_matter: raw.questions_that_matter.as_ref().map(|q| {
                q.value
                    .iter()
                    .filter_map(|id| self.question(id).map(|(_, found)| found.id.value.clone()))
                    .collect()
            }),
            no_referral,
        }
    }

    /// Whether the `otherwise` block names `service`, directly or by a category of it.
    fn fallback_may_refer(&self, service: &str) -> bool {
        let Some(fallback) = &self.rules.fallback else {
            return false;
        };
        let entry = self.directory.service(service);
        fallback.referrals.iter().any(|r| match &r.target {
            Target::Service(id) => id == service,
            Target::Category(c) => entry.is_some_and(|s| s.in_category(c)),
        })
    }

    fn services(&mut self, ids: &[Text]) -> Vec<String> {
        let mut known = Vec::new();
        for id in ids {
            if self.directory.service(&id.value).is_some() {
                known.push(id.value.clone());
                continue;
            }
            let span = self.span(id);
            let names = self.directory.services.iter().map(|s| s.id.as_str());
            self.error(
                Diagnostic::error(
                    "unknown-service",
                    format!("there is no service `{}`", yaml::printable(&id.value)),
                )
                .at(span)
                .label("not a service of the directory")
                .help(did_you_mean(&id.value, names).unwrap_or_else(|| {
                    "services are named by their file in `directory/services/`, without `.yaml`"
                        .to_string()
                })),
            );
        }
        known
    }

    fn pathways(&mut self, ids: &[Text]) -> Vec<String> {
        let mut known = Vec::new();
        for id in ids {
            if self.rules.pathway(&id.value).is_some() {
                known.push(id.value.clone());
                continue;
            }
            let span = self.span(id);
            let names = self.rules.pathways.iter().map(|p| p.id.value.as_str());
            let listed: Vec<&str> = names.clone().collect();
            self.error(
                Diagnostic::error(
                    "unknown-pathway",
                    format!("there is no pathway `{}`", yaml::printable(&id.value)),
                )
                .at(span)
                .label("not a pathway of the rules")
                .help(
                    did_you_mean(&id.value, names)
                        .unwrap_or_else(|| format!("the pathways are: {}", listed.join(", "))),
                ),
            );
        }
        known
    }

    fn group(&self, question: &Question, group: &str) -> Vec<ValueIx> {
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

fn unknown_value(
    question: &Question,
    value: &Text,
    span: Span,
    directory: &Directory,
    groups: bool,
) -> Diagnostic {
    let id = &question.id.value;
    let mut names: Vec<&str> = question
        .domain
        .values
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    if groups {
        names.extend(directory.groups.iter().map(|g| g.id.value.as_str()));
    }
    let takes = match question.domain.kind {
        DomainKind::Number { min, max } => format!("a whole number from {min} to {max}"),
        DomainKind::Age => "an age in whole years".to_string(),
        _ => names.join(", "),
    };
    Diagnostic::error(
        "unknown-value",
        format!(
            "`{}` is not an answer to question `{id}`",
            yaml::printable(&value.value)
        ),
    )
    .at(span)
    .label(format!("not an answer to `{id}`"))
    .help(
        did_you_mean(&value.value, names)
            .unwrap_or_else(|| format!("question `{id}` takes {takes}")),
    )
}

fn empty_table(span: Span, label: &str) -> Diagnostic {
    Diagnostic::error(
        "empty-table",
        "the table has no answer sets, so the case would check nothing",
    )
    .at(span)
    .label(label)
    .help("list at least one value, or remove the table")
}

fn conflict(span: Span, message: String) -> Diagnostic {
    Diagnostic::error("conflicting-expectations", message)
        .at(span)
        .label("cannot hold together with the other expectations")
        .help("no result could pass this case: remove one of the two")
}

/// Every combination of one value from each column, the first column varying slowest.
fn product(columns: &[Answer]) -> Vec<Vec<(QuestionIx, ValueIx)>> {
    columns.iter().fold(vec![Vec::new()], |rows, column| {
        rows.iter()
            .flat_map(|row| {
                column.values.iter().map(move |&v| {
                    let mut row = row.clone();
                    row.push((column.question, v));
                    row
                })
            })
            .collect()
    })
}
