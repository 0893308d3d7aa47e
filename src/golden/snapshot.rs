//! Snapshots: each case's full result recorded in a YAML file beside its scenario file
//! (`victims.yaml` → `victims.snap.yaml`), compared on later runs with a line diff per
//! case, and rewritten by `--bless`.
//!
//! The file is written by this module alone, one block per case in the order of the
//! scenario file, starting at a `- case:` line; nothing in it depends on the date of
//! the run or on where the area is, so it can be reviewed in pull requests.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::load::SNAPSHOT_SUFFIX;
use super::run::{CaseRun, Run};
use super::scenario::{ScenarioFile, Scenarios};
// The same atomic write as `pathways fmt`: a killed `--bless` leaves each snapshot file
// as it was or wholly rewritten.
use crate::files::write_atomically;
use crate::rules::model::RuleSet;

/// One line of a diff between the recorded and the new result of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", content = "line", rename_all = "lowercase")]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// Whether to accept new results over recorded ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Compare with what is recorded; record cases that have nothing recorded yet.
    Compare,
    /// Record every case run, replacing what was recorded.
    Bless,
}

/// What a snapshot run changed on disk, for the user to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The snapshot file, as shown to users (relative to the area root).
    pub file: String,
    pub case: String,
    pub kind: ChangeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The case had no recorded result.
    Recorded,
    /// `--bless` replaced a different recorded result.
    Blessed,
    /// The case is no longer in the scenario file.
    Removed,
}

/// The snapshot file of a scenario file.
pub fn path_of(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    scenario.with_file_name(format!("{stem}{SNAPSHOT_SUFFIX}"))
}

/// Compares every case of `run` with its recorded result (setting its
/// `snapshot_diff` when they differ), and writes the snapshot files that change.
pub fn apply(
    run: &mut Run,
    scenarios: &Scenarios,
    rules: &RuleSet,
    shown: impl Fn(&ScenarioFile) -> String,
    mode: Mode,
) -> io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for file in &scenarios.files {
        let path = path_of(&file.path);
        let stored = match std::fs::read_to_string(&path) {
            Ok(text) => blocks(&text),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(error),
        };
        let name = shown(file);
        let snap = path_of(Path::new(&name))
            .to_string_lossy()
            .replace('\\', "/");
        let mut merge = Merge {
            stored,
            blocks: Vec::new(),
            changes: Vec::new(),
            file: snap,
        };
        for case in &file.cases {
            let ran = run
                .cases
                .iter_mut()
                .find(|c| c.file == file.file && std::ptr::eq(c.case, case));
            merge.case(&case.name.value, ran, rules, mode);
        }
        merge.stale(file);
        if !merge.changes.is_empty() {
            write_atomically(&path, &document(&name, &merge.blocks))?;
        }
        changes.extend(merge.changes);
    }
    Ok(changes)
}

/// The new content of one snapshot file, case by case.
struct Merge {
    stored: Vec<(String, String)>,
    blocks: Vec<String>,
    changes: Vec<Change>,
    file: String,
}

impl Merge {
    fn case(&mut self, name: &str, ran: Option<&mut CaseRun>, rules: &RuleSet, mode: Mode) {
        let stored = self
            .stored
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone());
        let Some(ran) = ran else {
            self.blocks.extend(stored);
            return;
        };
        let new = block(ran, rules);
        match stored {
            Some(old) if old == new => self.blocks.push(old),
            Some(old) if mode == Mode::Compare => {
                ran.snapshot_diff = Some(diff(&old, &new));
                self.blocks.push(old);
            }
            old => {
                let kind = if old.is_some() {
                    ChangeKind::Blessed
                } else {
                    ChangeKind::Recorded
                };
                self.note(name, kind);
                self.blocks.push(new);
            }
        }
    }

    /// Recorded cases no longer in the scenario file are dropped when the file is
    /// rewritten anyway.
    fn stale(&mut self, file: &ScenarioFile) {
        if self.changes.is_empty() {
            return;
        }
        let gone: Vec<String> = self
            .stored
            .iter()
            .filter(|(n, _)| !file.cases.iter().any(|c| &c.name.value == n))
            .map(|(n, _)| n.clone())
            .collect();
        for name in gone {
            self.note(&name, ChangeKind::Removed);
        }
    }

    fn note(&mut self, case: &str, kind: ChangeKind) {
        self.changes.push(Change {
            file: self.file.clone(),
            case: case.to_string(),
            kind,
        });
    }
}

fn document(scenario: &str, blocks: &[String]) -> String {
    let mut text = format!(
        "# The recorded results of the golden tests in {scenario}.\n\
         # Written by `pathways test --snapshot` and `--bless`: review changes here as\n\
         # changes to what practitioners are told.\n"
    );
    for block in blocks {
        text.push_str(block);
    }
    text
}

/// The recorded blocks of a snapshot file: (case name, block text), in file order.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let line = line
            .strip_suffix("\r\n")
            .map_or(line.to_string(), |l| format!("{l}\n"));
        if let Some(name) = line.strip_prefix("- case: ") {
            let name = name.trim_end();
            let name = serde_json::from_str::<String>(name).unwrap_or_else(|_| name.to_string());
            blocks.push((name, line));
        } else if let Some((_, block)) = blocks.last_mut() {
            block.push_str(&line);
        }
    }
    blocks
}

/// One case's full result, as recorded: each pathway's reason once, then each answer
/// set's pathways and referrals (one line each, in result order).
fn block(ran: &CaseRun, rules: &RuleSet) -> String {
    let mut out = format!("- case: {}\n", scalar(&ran.case.name.value));
    let reasons = reasons(ran, rules);
    if !reasons.is_empty() {
        out.push_str("  reasons:\n");
    }
    for (pathway, reason) in reasons {
        out.push_str(&format!("    {}: {}\n", scalar(&pathway), scalar(&reason)));
    }
    out.push_str("  results:\n");
    for row in &ran.rows {
        let actual = &row.actual;
        out.push_str(&format!("    - answers: {}\n", answers(&row.row.given)));
        out.push_str(&format!("      pathways: {}\n", list(&actual.pathways)));
        out.push_str(&format!(
            "      referrals:{}\n",
            if actual.referrals.is_empty() {
                " []"
            } else {
                ""
            }
        ));
        for r in &actual.referrals {
            let via = if r.pathways.is_empty() {
                "fallback: true".to_string()
            } else {
                format!("pathways: {}", list(&r.pathways))
            };
            out.push_str(&format!(
                "        - {{service: {}, urgency: {}, {via}}}\n",
                scalar(&r.service),
                r.urgency.id()
            ));
        }
        if !actual.questions_that_matter.is_empty() {
            out.push_str(&format!(
                "      questions_that_matter: {}\n",
                list(&actual.questions_that_matter)
            ));
        }
    }
    out
}

/// The reason of every pathway that referred somewhere in the case (in declaration
/// order), and the fallback's as `otherwise`.
fn reasons(ran: &CaseRun, rules: &RuleSet) -> Vec<(String, String)> {
    let referrals = || ran.rows.iter().flat_map(|r| &r.actual.referrals);
    let mut reasons: Vec<(String, String)> = rules
        .pathways
        .iter()
        .filter(|p| referrals().any(|r| r.pathways.contains(&p.id.value)))
        .map(|p| (p.id.value.clone(), p.reason.clone()))
        .collect();
    if let Some(fallback) = rules
        .fallback
        .as_ref()
        .filter(|_| referrals().any(|r| r.pathways.is_empty()))
    {
        reasons.push(("otherwise".to_string(), fallback.reason.clone()));
    }
    reasons
}

/// `{locality: hilsea, risk: high}`: the answered questions in asking order.
fn answers(given: &[(String, String)]) -> String {
    let pairs: Vec<String> = given
        .iter()
        .map(|(q, v)| format!("{}: {}", scalar(q), scalar(v)))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
    format!("[{}]", items.join(", "))
}

/// Ids stay plain; anything YAML could read otherwise (`no`, `14`, text with
/// punctuation) is written as a double-quoted string.
fn scalar(text: &str) -> String {
    const WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "",
    ];
    let plain = text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !WORDS.contains(&text);
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

/// A line diff (longest common subsequence) from `old` to `new`.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // common[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, x) in a.iter().enumerate().rev() {
        for (j, y) in b.iter().enumerate().rev() {
            let value = if x == y {
                cell(&common, i + 1, j + 1) + 1
            } else {
                cell(&common, i + 1, j).max(cell(&common, i, j + 1))
            };
            if let Some(slot) = common.get_mut(i).and_then(|r| r.get_mut(j)) {
                *slot = value;
            }
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut lines = Vec::new();
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                lines.push(DiffLine::Same((*x).to_string()));
                i += 1;
                j += 1;
            }
            (Some(x), Some(_)) if cell(&common, i + 1, j) >= cell(&common, i, j + 1) => {
                lines.push(DiffLine::Removed((*x).to_string()));
                i += 1;
            }
            (_, Some(y)) => {
                lines.push(DiffLine::Added((*y).to_string()));
                j += 1;
            }
            (Some(x), None) => {
                lines.push(DiffLine::Removed((*x).to_string()));
                i += 1;
            }
            (None, None) => break,
        }
    }
    lines
}

fn cell(table: &[Vec<usize>], i: usize, j: usize) -> usize {
    table.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_that_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("hilsea"), "hilsea");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("14"), "\"14\"");
        assert_eq!(
            scalar("High risk: \"MARAC\""),
            "\"High risk: \\\"MARAC\\\"\""
        );
    }

    #[test]
    fn blocks_are_found_by_case_name() {
        let text = "# header\n- case: \"a: b\"\n  results: []\n- case: c\n  x\n";
        let found = blocks(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found.first().map(|b| b.0.as_str()), Some("a: b"));
        assert_eq!(found.get(1).map(|b| b.1.as_str()), Some("- case: c\n  x\n"));
    }

    #[test]
    fn diff_keeps_common_lines() {
        let lines = diff("a\nb\nc\n", "a\nx\nc\n");
        assert_eq!(
            lines,
            vec![
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Added("x".into()),
                DiffLine::Same("c".into()),
            ]
        );
    }
}
