//! Running the cases: each answer set evaluated with the rules compiled for its date,
//! the result compared with what the case expects, and coverage recorded.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::coverage::{Coverage, Tracker};
use super::scenario::{Case, Expectations, Row, Scenarios};
use crate::directory::model::Directory;
use crate::engine::{self, Compiled, Evaluation};
use crate::rules::model::{RuleSet, Urgency};
use crate::source::FileId;

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Evaluate cases without their own `as_of` on this date.
    pub as_of: Date,
    /// Run only the cases whose name contains it or that have it as a tag.
    pub filter: Option<String>,
}

/// The outcome of a run: every case run, in file and case order, and coverage.
#[derive(Clone, Debug)]
pub struct Run<'a> {
    pub cases: Vec<CaseRun<'a>>,
    pub coverage: Coverage,
}

#[derive(Clone, Debug)]
pub struct CaseRun<'a> {
    pub file: FileId,
    pub case: &'a Case,
    pub date: Date,
    pub rows: Vec<RowRun<'a>>,
    /// A difference from the recorded snapshot (only with `--snapshot`).
    pub snapshot_diff: Option<Vec<super::snapshot::DiffLine>>,
}

#[derive(Clone, Debug)]
pub struct RowRun<'a> {
    pub row: &'a Row,
    pub actual: Actual,
    pub failures: Vec<Failure>,
}

/// What the rules said for one answer set, with ids in place of indices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actual {
    /// In result order: most urgent first.
    pub referrals: Vec<ActualReferral>,
    /// The pathways that fired, in declaration order.
    pub pathways: Vec<String>,
    /// Unanswered questions that could still change the result, in asking order.
    pub questions_that_matter: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActualReferral {
    pub service: String,
    pub urgency: Urgency,
    /// The pathways that led to it (empty when only the fallback did).
    pub pathways: Vec<String>,
    pub reasons: Vec<String>,
}

/// One expectation a result did not meet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "expectation", rename_all = "snake_case")]
pub enum Failure {
    /// `refer`: the services differ.
    Refer {
        expected: Vec<String>,
        actual: Vec<String>,
    },
    /// `includes`: these were not referred to.
    Includes { missing: Vec<String> },
    /// `excludes`: these were referred to.
    Excludes { present: Vec<String> },
    /// `pathways`: the pathways that fired differ.
    Pathways {
        expected: Vec<String>,
        actual: Vec<String>,
    },
    QuestionsThatMatter {
        expected: Vec<String>,
        actual: Vec<String>,
    },
    /// `no_referral`: whether any pathway referred anywhere.
    NoReferral { expected: bool },
}

impl Failure {
    /// The expectation's name as written in scenario files.
    pub fn expectation(&self) -> &'static str {
        match self {
            Failure::Refer { .. } => "refer",
            Failure::Includes { .. } => "includes",
            Failure::Excludes { .. } => "excludes",
            Failure::Pathways { .. } => "pathways",
            Failure::QuestionsThatMatter { .. } => "questions_that_matter",
            Failure::NoReferral { .. } => "no_referral",
        }
    }
}

impl CaseRun<'_> {
    pub fn passed(&self) -> bool {
        self.rows.iter().all(|r| r.failures.is_empty()) && self.snapshot_diff.is_none()
    }
}

impl Run<'_> {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// The line CI reads: `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }
}

/// Runs every selected case. The rules are compiled once per distinct date.
pub fn run<'a>(
    rules: &RuleSet,
    directory: &Directory,
    scenarios: &'a Scenarios,
    options: &Options,
) -> Run<'a> {
    let mut compiled: BTreeMap<Date, Compiled> = BTreeMap::new();
    let mut tracker = Tracker::new(rules);
    let mut cases = Vec::new();
    for file in &scenarios.files {
        for case in &file.cases {
            if options.filter.as_deref().is_some_and(|f| !case.matches(f)) {
                continue;
            }
            let date = case.as_of.unwrap_or(options.as_of);
            let rules_then = compiled
                .entry(date)
                .or_insert_with(|| engine::compile(rules, directory, date));
            let rows = case
                .rows
                .iter()
                .map(|row| {
                    let evaluation = rules_then.evaluate(&row.answers);
                    tracker.record(&row.answers, &evaluation.pathways);
                    let actual = Actual::new(rules, &evaluation);
                    let failures = check(&case.expect, &actual);
                    RowRun {
                        row,
                        actual,
                        failures,
                    }
                })
                .collect();
            cases.push(CaseRun {
                file: file.file,
                case,
                date,
                rows,
                snapshot_diff: None,
            });
        }
    }
    Run {
        cases,
        coverage: tracker.finish(),
    }
}

impl Actual {
    fn new(rules: &RuleSet, evaluation: &Evaluation) -> Actual {
        let pathway = |p: &usize| rules.pathways.get(*p);
        let referrals = evaluation
            .referrals
            .iter()
            .map(|r| {
                let via: Vec<_> = r.pathways.iter().filter_map(pathway).collect();
                let mut reasons: Vec<String> = via.iter().map(|p| p.reason.clone()).collect();
                if r.fallback {
                    reasons.extend(rules.fallback.as_ref().map(|f| f.reason.clone()));
                }
                ActualReferral {
                    service: r.service.clone(),
                    urgency: r.urgency,
                    pathways: via.iter().map(|p| p.id.value.clone()).collect(),
                    reasons,
                }
            })
            .collect();
        Actual {
            referrals,
            pathways: evaluation
                .pathways
                .iter()
                .filter_map(pathway)
                .map(|p| p.id.value.clone())
                .collect(),
            questions_that_matter: evaluation
                .questions_that_matter
                .iter()
                .filter_map(|q| rules.questions.get(*q))
                .map(|q| q.id.value.clone())
                .collect(),
        }
    }

    pub fn services(&self) -> Vec<String> {
        self.referrals.iter().map(|r| r.service.clone()).collect()
    }

    /// Whether no pathway referred anywhere (the fallback may have).
    pub fn no_referral(&self) -> bool {
        self.referrals.iter().all(|r| r.pathways.is_empty())
    }
}

/// Every expectation the result does not meet, in the order they are documented.
fn check(expect: &Expectations, actual: &Actual) -> Vec<Failure> {
    let services = actual.services();
    let mut failures = Vec::new();
    if let Some(expected) = &expect.refer
        && !same(expected, &services)
    {
        failures.push(Failure::Refer {
            expected: expected.clone(),
            actual: services.clone(),
        });
    }
    let missing = unlisted(&expect.includes, &services);
    if !missing.is_empty() {
        failures.push(Failure::Includes { missing });
    }
    let present: Vec<String> = expect
        .excludes
        .iter()
        .filter(|s| services.contains(s))
        .cloned()
        .collect();
    if !present.is_empty() {
        failures.push(Failure::Excludes { present });
    }
    if let Some(expected) = &expect.pathways
        && !same(expected, &actual.pathways)
    {
        failures.push(Failure::Pathways {
            expected: expected.clone(),
            actual: actual.pathways.clone(),
        });
    }
    if let Some(expected) = &expect.questions_that_matter
        && !same(expected, &actual.questions_that_matter)
    {
        failures.push(Failure::QuestionsThatMatter {
            expected: expected.clone(),
            actual: actual.questions_that_matter.clone(),
        });
    }
    if let Some(expected) = expect.no_referral
        && expected != actual.no_referral()
    {
        failures.push(Failure::NoReferral { expected });
    }
    failures
}

/// Equal as sets.
fn same(a: &[String], b: &[String]) -> bool {
    unlisted(a, b).is_empty() && unlisted(b, a).is_empty()
}

/// The items of `wanted` missing from `have`.
fn unlisted(wanted: &[String], have: &[String]) -> Vec<String> {
    wanted
        .iter()
        .filter(|s| !have.contains(s))
        .cloned()
        .collect()
}
