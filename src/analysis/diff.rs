//! The semantic diff of a change: every situation whose referrals differ between two
//! versions of an area, exact over the whole answer space, grouped by service with a
//! witness and a reason; and the pathways, questions, services and categories added,
//! removed or changed.
//!
//! Both sides are compiled over one unified question space (see [`space`]), each with
//! its own directory and reference date, and their referrals are built, one service
//! at a time, into one manager (see [`crate::engine::referred`]): where a service is
//! referred to, and how urgently, on each side. The changes are boolean combinations
//! of those, so the cost follows the rules and the directory, never the space nor the
//! number of distinct outcomes.

mod inventory;
mod reasons;
mod render;
mod space;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use super::witness::{Vocabulary, Witness};
use crate::area::Area;
use crate::engine::diagram::FALSE;
use crate::engine::referred::{AtLeast, Referred, URGENCIES};
use crate::engine::{self, Compiled, Manager, NodeId};
use crate::rules::model::{DomainKind, PathwayIx, RuleSet, Urgency};

pub use inventory::{Changes, Inventory, Item};
pub use render::{markdown, text};
pub use space::{Placement, Space};

/// One version of the area, as compared.
pub struct Side<'a> {
    /// How the version is named in the report (a folder, a revision, "working tree").
    pub label: String,
    /// The loaded area (it must have loaded without errors).
    pub area: &'a Area,
    /// The date its services' contracts are read on.
    pub as_of: Date,
}

/// The whole diff; its JSON form is the `--format json` output.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub old: Version,
    pub new: Version,
    /// Situations in the unified answer space.
    pub situations: u128,
    /// Situations in which some service is referred to on one side and not the other,
    /// or with another urgency.
    pub changed_situations: u128,
    /// Services whose referrals change, by service id.
    pub referrals: Vec<ServiceChanges>,
    #[serde(flatten)]
    pub inventory: Inventory,
}

/// A compared version.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    pub label: String,
    /// The reference date, YYYY-MM-DD.
    pub as_of: String,
}

/// How the referrals to one service change.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceChanges {
    pub service: String,
    /// Its name (NEW's, when it is in both directories).
    pub name: String,
    /// Situations in which it is newly referred to.
    pub added: u128,
    /// Situations in which it is no longer referred to.
    pub removed: u128,
    /// Situations in which it is referred to with another urgency.
    pub urgency_changed: u128,
    pub changes: Vec<ReferralChange>,
}

/// One kind of change to a service's referrals, over an exact set of situations.
#[derive(Clone, Debug, Serialize)]
pub struct ReferralChange {
    pub kind: ChangeKind,
    /// NEW's urgency (for `added` and `urgency`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// OLD's urgency (for `urgency`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was_urgency: Option<Urgency>,
    /// The situations: exact count and descriptions.
    #[serde(flatten)]
    pub witness: Witness,
    /// Why, where it can be determined (e.g. "service closed (available until 2012-03-31)").
    pub reasons: Vec<String>,
    /// What referred to the service on OLD's side in these situations.
    pub old_via: Via,
    /// What refers to it on NEW's side.
    pub new_via: Via,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Newly referred to.
    Added,
    /// No longer referred to.
    Removed,
    /// Referred to with another urgency.
    Urgency,
}

/// The pathways (ids, in declaration order) and whether the `otherwise` block led to
/// a service, in some of the situations of a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Via {
    pub pathways: Vec<String>,
    pub fallback: bool,
}

impl Report {
    /// Whether anything at all differs (referrals or any item).
    pub fn has_changes(&self) -> bool {
        !self.referrals.is_empty() || !self.inventory.is_empty()
    }
}

/// Compares two loaded areas.
pub fn diff(old: &Side, new: &Side) -> Report {
    let space = Space::unify(&old.area.rules, &new.area.rules);
    let old_rules = space.place(&old.area.rules, &space.placement(&old.area.rules));
    let new_rules = space.place(&new.area.rules, &space.placement(&new.area.rules));
    let old_compiled = engine::compile(&old_rules, &old.area.directory, old.as_of);
    let new_compiled = engine::compile(&new_rules, &new.area.directory, new.as_of);
    let inventory = inventory::compare(
        (&old.area.rules, &old.area.directory),
        (&new.area.rules, &new.area.directory),
    );
    let unified = space.rules();
    let words = Vocabulary {
        rules: &unified,
        directory: &new.area.directory,
    };
    let sets = sets(&old_compiled, &new_compiled);
    let context = reasons::Context {
        old,
        new,
        inventory: &inventory,
        moved: moved_pathways(&sets),
    };
    let compared = Compared {
        words: &words,
        context: &context,
    };
    let (changed_situations, referrals) = compared.referral_changes(&sets);
    Report {
        old: version(old),
        new: version(new),
        situations: unified.space_size(),
        changed_situations,
        referrals,
        inventory,
    }
}

fn version(side: &Side) -> Version {
    Version {
        label: side.label.clone(),
        as_of: side.as_of.to_string(),
    }
}

/// Pathways on both sides (by id) whose conditions hold in different situations: in
/// the shared manager, different nodes.
fn moved_pathways(sets: &Sets) -> BTreeSet<String> {
    // Looked up by id in a map: a national rule set's thousands of pathways, each
    // searched for among the other side's, was quadratic.
    let new_ids: BTreeMap<&str, usize> = (sets.new.rules().pathways.iter())
        .enumerate()
        .map(|(n, pathway)| (pathway.id.value.as_str(), n))
        .collect();
    sets.old
        .rules()
        .pathways
        .iter()
        .enumerate()
        .filter_map(|(o, pathway)| {
            let n = *new_ids.get(pathway.id.value.as_str())?;
            (sets.old.condition(o)? != sets.new.condition(n)?).then(|| pathway.id.value.clone())
        })
        .collect()
}

/// A change to one service's referrals, before it is described.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Added(std::cmp::Reverse<Urgency>),
    Removed,
    Urgency(Urgency, Urgency),
}

impl Key {
    fn kind(self) -> ChangeKind {
        match self {
            Key::Added(_) => ChangeKind::Added,
            Key::Removed => ChangeKind::Removed,
            Key::Urgency(..) => ChangeKind::Urgency,
        }
    }

    /// (NEW's urgency, OLD's urgency) as reported.
    fn urgencies(self) -> (Option<Urgency>, Option<Urgency>) {
        match self {
            Key::Added(std::cmp::Reverse(u)) => (Some(u), None),
            Key::Removed => (None, None),
            Key::Urgency(was, now) => (Some(now), Some(was)),
        }
    }
}

/// How to describe and explain what differs.
struct Compared<'a> {
    words: &'a Vocabulary<'a>,
    context: &'a reasons::Context<'a>,
}

/// Where the two sides' referrals differ, as diagrams in one manager.
struct Sets<'a> {
    manager: Manager,
    old: Referred<'a>,
    new: Referred<'a>,
    /// Situations where any referral differs.
    any: NodeId,
    /// For each service and kind of change: its situations (never empty).
    by_service: BTreeMap<String, BTreeMap<Key, NodeId>>,
}

/// Builds both sides' referrals into one manager, service by service, and keeps the
/// services whose referrals differ (in one manager, as different nodes); a service
/// whose ingredients are the same nodes on both sides is not built at all.
fn sets<'a>(old: &'a Compiled, new: &'a Compiled) -> Sets<'a> {
    let mut manager = new.manager().fresh();
    let mut old_side = Referred::of(old, &mut manager);
    let mut new_side = Referred::of(new, &mut manager);
    let services: BTreeSet<&str> = old
        .services()
        .iter()
        .chain(new.services())
        .map(String::as_str)
        .collect();
    let mut by_service = BTreeMap::new();
    for service in services {
        let (was, now) = (old_side.ingredients(service), new_side.ingredients(service));
        if was == now {
            continue;
        }
        let was = old_side.at_least(&mut manager, &was);
        let now = new_side.at_least(&mut manager, &now);
        if was != now {
            by_service.insert(service.to_string(), changes(&mut manager, was, now));
        }
    }
    let every: Vec<NodeId> = by_service
        .values()
        .flat_map(|keys| keys.values().copied())
        .collect();
    let any = manager.or_any(every);
    Sets {
        manager,
        old: old_side,
        new: new_side,
        any,
        by_service,
    }
}

/// Each kind of change between a service's referrals on the two sides, where it
/// happens; only the kinds that happen somewhere.
fn changes(manager: &mut Manager, was: AtLeast, now: AtLeast) -> BTreeMap<Key, NodeId> {
    let (old_exactly, new_exactly) = (exactly(manager, was), exactly(manager, now));
    let (old_none, new_none) = (manager.not(was[0]), manager.not(now[0]));
    let mut keys = BTreeMap::new();
    for (urgency, &set) in URGENCIES.iter().zip(&new_exactly) {
        let added = manager.and(old_none, set);
        keys.insert(Key::Added(std::cmp::Reverse(*urgency)), added);
    }
    keys.insert(Key::Removed, manager.and(was[0], new_none));
    for (&from, &old_set) in URGENCIES.iter().zip(&old_exactly) {
        for (&to, &new_set) in URGENCIES.iter().zip(&new_exactly) {
            if from != to {
                keys.insert(Key::Urgency(from, to), manager.and(old_set, new_set));
            }
        }
    }
    keys.retain(|_, set| *set != FALSE);
    keys
}

/// Where the service is referred to with each urgency exactly.
fn exactly(manager: &mut Manager, at_least: AtLeast) -> AtLeast {
    let mut exactly = at_least;
    for (slot, &more) in exactly.iter_mut().zip(at_least.iter().skip(1)) {
        let less = manager.not(more);
        *slot = manager.and(*slot, less);
    }
    exactly
}

impl Compared<'_> {
    /// The count of changed situations, and each service's changes.
    fn referral_changes(&self, sets: &Sets) -> (u128, Vec<ServiceChanges>) {
        let count = sets.manager.count(sets.any);
        let services = sets
            .by_service
            .iter()
            .map(|(service, keys)| self.service_changes(sets, service, keys))
            .collect();
        (count, services)
    }

    fn service_changes(
        &self,
        sets: &Sets,
        service: &str,
        keys: &BTreeMap<Key, NodeId>,
    ) -> ServiceChanges {
        let changes: Vec<ReferralChange> = keys
            .iter()
            .map(|(&key, &set)| self.change(sets, service, key, set))
            .collect();
        let total = |kind: ChangeKind| {
            changes
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.witness.situations)
                .sum()
        };
        ServiceChanges {
            service: service.to_string(),
            name: self.context.service_name(service),
            added: total(ChangeKind::Added),
            removed: total(ChangeKind::Removed),
            urgency_changed: total(ChangeKind::Urgency),
            changes,
        }
    }

    fn change(&self, sets: &Sets, service: &str, key: Key, set: NodeId) -> ReferralChange {
        let mut witness = self.words.witness(&sets.manager, set);
        self.say_every_locality(&sets.manager, set, &mut witness);
        let old_via = via(sets.old.rules(), sets.old.via(&sets.manager, service, set));
        let new_via = via(sets.new.rules(), sets.new.via(&sets.manager, service, set));
        let (urgency, was_urgency) = key.urgencies();
        ReferralChange {
            kind: key.kind(),
            urgency,
            was_urgency,
            reasons: self.context.reasons(service, &old_via, &new_via),
            witness,
            old_via,
            new_via,
        }
    }

    /// "..., in every locality" when the set does not depend on where the person lives
    /// (the witness leaves out questions that do not matter).
    fn say_every_locality(&self, manager: &engine::Manager, set: NodeId, witness: &mut Witness) {
        let Some(q) = self
            .words
            .rules
            .question_of_kind(|k| k == DomainKind::Locality)
        else {
            return;
        };
        let support = manager.support(set);
        if support.is_empty() || support.contains(&q) {
            return;
        }
        for description in &mut witness.descriptions {
            description.push_str(", in every locality");
        }
    }
}

/// The pathways (by index, in declaration order) and fallback as reported.
fn via(rules: &RuleSet, (pathways, fallback): (Vec<PathwayIx>, bool)) -> Via {
    Via {
        pathways: pathways
            .into_iter()
            .filter_map(|p| rules.pathways.get(p))
            .map(|p| p.id.value.clone())
            .collect(),
        fallback,
    }
}

#[cfg(test)]
mod tests;
