//! Golden test cases resolved against the rules and the directory: answers as value
//! indices, tables expanded into rows, expectations naming services and pathways that
//! exist.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::engine::Answers;
use crate::source::{FileId, Located};

/// Every scenario file of an area, in file-name order.
#[derive(Clone, Debug, Default)]
pub struct Scenarios {
    pub files: Vec<ScenarioFile>,
}

/// One `tests/golden/*.yaml` file.
#[derive(Clone, Debug)]
pub struct ScenarioFile {
    pub file: FileId,
    /// Where it is on disk: its snapshot is written beside it.
    pub path: PathBuf,
    pub cases: Vec<Case>,
}

/// One named case: one set of expectations over one or more answer sets.
#[derive(Clone, Debug)]
pub struct Case {
    /// Where the name is written: failures are reported there.
    pub name: Located<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// The case's own reference date, if it has one.
    pub as_of: Option<Date>,
    /// At least one; more for a table.
    pub rows: Vec<Row>,
    pub expect: Expectations,
}

/// One answer set of a case.
#[derive(Clone, Debug)]
pub struct Row {
    pub answers: Answers,
    /// The same answers as `(question, value)` ids, in asking order.
    pub given: Vec<(String, String)>,
    /// The answers that vary across the table, e.g. `locality=hilsea`; empty when the
    /// case has a single answer set.
    pub label: String,
}

/// What a case requires of the result (only what is written is checked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    /// Exactly these services, in any order.
    pub refer: Option<Vec<String>>,
    /// At least these services.
    pub includes: Vec<String>,
    /// None of these services.
    pub excludes: Vec<String>,
    /// Exactly these pathways fire, in any order.
    pub pathways: Option<Vec<String>>,
    /// Exactly these unanswered questions could still change the result, in any order.
    pub questions_that_matter: Option<Vec<String>>,
    /// `Some(true)`: no pathway refers anywhere (the fallback may); `Some(false)`:
    /// some pathway does.
    pub no_referral: Option<bool>,
}

impl Expectations {
    pub fn is_empty(&self) -> bool {
        *self == Expectations::default()
    }
}

impl Case {
    /// Whether `--filter TEXT` selects the case: part of its name, or one of its tags
    /// (both ignoring case).
    pub fn matches(&self, filter: &str) -> bool {
        let filter = filter.to_lowercase();
        self.name.value.to_lowercase().contains(&filter)
            || self.tags.iter().any(|t| t.to_lowercase() == filter)
    }
}
