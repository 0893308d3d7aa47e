//! Witnesses: the smallest readable description of a set of situations ("risk is
//! standard and perpetrator is yes, in hilsea or cosham"), with its exact size.
//!
//! A set is a boolean function in the engine's diagram. Its paths are disjoint cubes;
//! cubes that differ in one question only are merged (their value sets united) until
//! none can be, which turns the per-ward paths of a national diagram into a few lines.
//! Each part is then written the shortest way: a value, a list, "not" the rest, a
//! locality group, or a range of numbers.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::directory::model::Directory;
use crate::engine::{Cube, Manager, NodeId};
use crate::rules::model::{DomainKind, Question, RuleSet, ValueIx};

/// How many paths are read before merging: enough for any real area's witness, and
/// bounded so that a huge set is still described quickly (its count stays exact).
const PATHS_READ: usize = 512;
/// How many descriptions a witness shows.
pub const SHOWN: usize = 3;

/// A described set of situations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    /// The exact number of situations in the set.
    pub situations: u128,
    /// Up to [`SHOWN`] descriptions, each a conjunction in words.
    pub descriptions: Vec<String>,
    /// How many further (merged) descriptions there are beyond those shown; at least
    /// this many when the set had more paths than were read.
    pub more: usize,
}

impl Witness {
    /// "risk is high and hbv is yes; or in portsmouth; and 2 more cases".
    pub fn sentence(&self) -> String {
        if self.descriptions.is_empty() {
            return "in no situation".to_string();
        }
        let mut text = self.descriptions.join("; or ");
        if self.more > 0 {
            let others = if self.more == 1 { "case" } else { "cases" };
            text.push_str(&format!("; and {} more {others}", self.more));
        }
        text
    }

    /// "12 situations" / "1 situation".
    pub fn size(&self) -> String {
        if self.situations == 1 {
            "1 situation".to_string()
        } else {
            format!("{} situations", self.situations)
        }
    }
}

/// The questions and localities a witness is written with.
#[derive(Clone, Copy)]
pub struct Vocabulary<'a> {
    pub rules: &'a RuleSet,
    pub directory: &'a Directory,
}

impl Vocabulary<'_> {
    /// Describes the situations where boolean function `f` is true.
    pub fn witness(&self, manager: &Manager, f: NodeId) -> Witness {
        self.witness_where(manager, f, |leaf| leaf != 0)
    }

    /// Describes the situations where `f` reaches a leaf satisfying `wanted`.
    pub fn witness_where(
        &self,
        manager: &Manager,
        f: NodeId,
        wanted: impl Fn(u32) -> bool + Copy,
    ) -> Witness {
        let situations = manager.count_where(f, wanted);
        let (parts, truncated) = self.cover(manager, f, wanted, PATHS_READ);
        let descriptions: Vec<String> =
            parts.iter().take(SHOWN).map(|p| self.describe(p)).collect();
        let more = parts.len().saturating_sub(SHOWN) + usize::from(truncated);
        Witness {
            situations,
            descriptions,
            more,
        }
    }

    /// Disjoint cubes (one value set per question) covering where `f` reaches a leaf
    /// satisfying `wanted`, merged; built from at most `paths` paths, and whether there
    /// were more (then the cubes cover only part of the set).
    pub fn cover(
        &self,
        manager: &Manager,
        f: NodeId,
        wanted: impl Fn(u32) -> bool + Copy,
        paths: usize,
    ) -> (Vec<Parts>, bool) {
        let read: Vec<Cube> = manager.cubes(f, wanted).take(paths + 1).collect();
        let truncated = read.len() > paths;
        let mut parts: Vec<Parts> = read
            .into_iter()
            .take(paths)
            .map(|cube| self.parts(&cube))
            .collect();
        merge(&mut parts);
        (parts, truncated)
    }

    /// A cube as one value set per question (every value where the path does not test it).
    fn parts(&self, cube: &Cube) -> Parts {
        let mut parts: Parts = self
            .rules
            .questions
            .iter()
            .map(|q| (0..domain_len(q)).collect())
            .collect();
        for (question, values) in &cube.parts {
            if let Some(part) = parts.get_mut(*question) {
                *part = values.iter().copied().collect();
            }
        }
        parts
    }

    /// A conjunction in words; locality goes last, as "in ...".
    pub fn describe(&self, parts: &[BTreeSet<ValueIx>]) -> String {
        let mut words = Vec::new();
        let mut place = None;
        for (ix, values) in parts.iter().enumerate() {
            let Some(question) = self.rules.questions.get(ix) else {
                continue;
            };
            if values.len() == domain_len(question) as usize {
                continue;
            }
            let text = self.part(question, values);
            if question.domain.kind == DomainKind::Locality {
                place = Some(text);
            } else {
                words.push(text);
            }
        }
        let mut text = words.join(" and ");
        match (text.is_empty(), place) {
            (true, None) => "in every situation".to_string(),
            (true, Some(place)) => place,
            (false, Some(place)) => {
                text.push_str(", ");
                text.push_str(&place);
                text
            }
            (false, None) => text,
        }
    }

    fn part(&self, question: &Question, values: &BTreeSet<ValueIx>) -> String {
        let id = &question.id.value;
        match question.domain.kind {
            DomainKind::Number { .. } | DomainKind::Age => number_part(id, question, values),
            DomainKind::Locality => self.locality_part(question, values),
            _ => {
                let all = domain_len(question) as usize;
                if values.len() * 2 > all && all - values.len() < values.len() {
                    let rest: Vec<String> = (0..domain_len(question))
                        .filter(|v| !values.contains(v))
                        .map(|v| value_id(question, v))
                        .collect();
                    format!("{id} is not {}", rest.join(" or "))
                } else {
                    let list: Vec<String> = values.iter().map(|&v| value_id(question, v)).collect();
                    format!("{id} is {}", list.join(" or "))
                }
            }
        }
    }

    fn locality_part(&self, question: &Question, values: &BTreeSet<ValueIx>) -> String {
        let group = self.directory.groups.iter().find(|g| {
            let members: BTreeSet<ValueIx> = self
                .directory
                .group_members(&g.id.value)
                .into_iter()
                .filter_map(|i| ValueIx::try_from(i).ok())
                .collect();
            &members == values
        });
        if let Some(group) = group {
            return format!("in {}", group.id.value);
        }
        let all = domain_len(question);
        let rest: Vec<String> = (0..all)
            .filter(|v| !values.contains(v))
            .map(|v| value_id(question, v))
            .collect();
        if rest.len() < values.len() {
            return format!("anywhere but {}", rest.join(" or "));
        }
        let list: Vec<String> = values.iter().map(|&v| value_id(question, v)).collect();
        format!("in {}", list.join(" or "))
    }
}

/// A cube: for each question, in asking order, the values it may take.
pub type Parts = Vec<BTreeSet<ValueIx>>;

fn domain_len(question: &Question) -> u32 {
    u32::try_from(question.domain.len()).unwrap_or(u32::MAX)
}

fn value_id(question: &Question, value: ValueIx) -> String {
    question
        .domain
        .value(value)
        .map_or_else(|| value.to_string(), |v| v.id.clone())
}

/// Numbers read best as ranges: "ticks is at least 14", "age is between 13 and 17".
fn number_part(id: &str, question: &Question, values: &BTreeSet<ValueIx>) -> String {
    let number = |v: ValueIx| value_id(question, v);
    let last = domain_len(question).saturating_sub(1);
    let runs = runs(values);
    let words: Vec<String> = runs
        .iter()
        .map(|&(lo, hi)| match (lo, hi) {
            (lo, hi) if lo == hi => format!("{id} is {}", number(lo)),
            (0, hi) => format!("{id} is at most {}", number(hi)),
            (lo, hi) if hi == last => format!("{id} is at least {}", number(lo)),
            (lo, hi) => format!("{id} is between {} and {}", number(lo), number(hi)),
        })
        .collect();
    if words.len() == 1 {
        words.concat()
    } else {
        format!("({})", words.join(" or "))
    }
}

/// Consecutive runs of values, as inclusive (first, last) pairs.
fn runs(values: &BTreeSet<ValueIx>) -> Vec<(ValueIx, ValueIx)> {
    let mut runs: Vec<(ValueIx, ValueIx)> = Vec::new();
    for &v in values {
        match runs.last_mut() {
            Some((_, hi)) if hi.checked_add(1) == Some(v) => *hi = v,
            _ => runs.push((v, v)),
        }
    }
    runs
}

/// Unites cubes that differ in exactly one question, until no two do. The cubes stay
/// disjoint and cover the same situations, so the description stays exact.
fn merge(cubes: &mut Vec<Parts>) {
    let questions = cubes.first().map_or(0, Vec::len);
    let mut changed = true;
    while changed {
        changed = false;
        for question in 0..questions {
            changed |= merge_on(cubes, question);
        }
    }
}

/// One pass: cubes equal but for `question` become one, in order of first appearance.
fn merge_on(cubes: &mut Vec<Parts>, question: usize) -> bool {
    let mut merged: Vec<Parts> = Vec::with_capacity(cubes.len());
    let mut index: HashMap<Parts, usize> = HashMap::new();
    let mut changed = false;
    for cube in cubes.drain(..) {
        let mut key = cube.clone();
        if let Some(part) = key.get_mut(question) {
            part.clear();
        }
        let slot = index.get(&key).and_then(|&i| merged.get_mut(i));
        match (slot, cube.get(question)) {
            (Some(target), Some(extra)) => {
                if let Some(values) = target.get_mut(question) {
                    values.extend(extra.iter().copied());
                    changed = true;
                }
            }
            _ => {
                index.insert(key, merged.len());
                merged.push(cube);
            }
        }
    }
    *cubes = merged;
    changed
}
