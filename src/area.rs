//! An area root: its directory and rules loaded together, with every file read and
//! every problem found on the way.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diagnostic::Diagnostic;
use crate::directory::{self, model::Directory};
use crate::rules::{self, model::RuleSet};
use crate::source::Sources;

/// Everything read from one area root (`directory/` and `rules/`).
#[derive(Clone, Debug)]
pub struct Area {
    pub root: PathBuf,
    pub sources: Sources,
    pub directory: Directory,
    pub rules: RuleSet,
    /// Problems found while loading, parsing and resolving (not yet the analyses).
    pub diagnostics: Vec<Diagnostic>,
}

impl Area {
    /// Loads the directory, then the rules against it. Never fails: whatever could
    /// not be read is reported in `diagnostics`, and the rest is kept.
    pub fn load(root: &Path) -> Area {
        let mut sources = Sources::new();
        let (directory, mut diagnostics) = directory::load(root, &mut sources);
        let (rules, rule_diagnostics) = rules::load(root, &mut sources, &directory);
        diagnostics.extend(rule_diagnostics);
        Area {
            root: root.to_path_buf(),
            sources,
            directory,
            rules,
            diagnostics,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The reference date: the given override, else the area's pinned date, else
    /// `SOURCE_DATE_EPOCH` (reproducible builds), else today.
    pub fn reference_date(&self, override_date: Option<Date>) -> Date {
        override_date
            .or(self.directory.area.as_of.as_ref().map(|d| d.value))
            .unwrap_or_else(today)
    }
}

/// The day `SOURCE_DATE_EPOCH` falls on when it is set (reproducible builds), else today.
pub fn today() -> Date {
    source_date_epoch().unwrap_or_else(|| jiff::Zoned::now().date())
}

/// The day `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) falls on, when it is set.
fn source_date_epoch() -> Option<Date> {
    let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let timestamp = jiff::Timestamp::from_second(seconds).ok()?;
    Some(timestamp.to_zoned(jiff::tz::TimeZone::UTC).date())
}
