//! The semantic diff of a change: every situation whose referrals differ between two
//! versions of an area, exact over the whole answer space, grouped by service with a
//! witness and a reason; and the pathways, questions, services and categories added,
//! removed or changed.
//!
//! Both sides are compiled over one unified question space (see [`space`]), each with
//! its own directory and reference date; their outcome diagrams are then walked
//! together (see [`product`]), so the cost follows the diagrams, never the space.

mod inventory;
mod product;
mod reasons;
mod render;
mod space;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use super::witness::{Vocabulary, Witness};
use crate::area::Area;
use crate::engine::{self, Compiled, NodeId, Outcome, Referral};
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
    let context = reasons::Context {
        old,
        new,
        inventory: &inventory,
        moved: moved_pathways(&old_compiled, &new_compiled),
    };
    let compared = Compared {
        old: &old_compiled,
        new: &new_compiled,
        words: &words,
        context: &context,
    };
    let (changed_situations, referrals) = compared.referral_changes();
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

/// Pathways on both sides (by id) whose conditions hold in different situations.
fn moved_pathways(old: &Compiled, new: &Compiled) -> BTreeSet<String> {
    old.rules()
        .pathways
        .iter()
        .enumerate()
        .filter_map(|(o, pathway)| {
            let (n, _) = new.rules().pathway(&pathway.id.value)?;
            let a = old.pathway_condition(o)?;
            let b = new.pathway_condition(n)?;
            let walked = product::product(old.manager(), a, new.manager(), b);
            walked
                .pairs
                .iter()
                .any(|&(x, y)| (x != 0) != (y != 0))
                .then(|| pathway.id.value.clone())
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
    fn of(old: Option<&Referral>, new: Option<&Referral>) -> Option<Key> {
        match (old, new) {
            (None, Some(n)) => Some(Key::Added(std::cmp::Reverse(n.urgency))),
            (Some(_), None) => Some(Key::Removed),
            (Some(o), Some(n)) if o.urgency != n.urgency => {
                Some(Key::Urgency(o.urgency, n.urgency))
            }
            _ => None,
        }
    }

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

/// The two compiled sides and how to describe and explain what differs.
struct Compared<'a> {
    old: &'a Compiled,
    new: &'a Compiled,
    words: &'a Vocabulary<'a>,
    context: &'a reasons::Context<'a>,
}

/// Where the two sides' referrals differ, as diagrams in the product's manager.
struct Sets {
    product: product::Product,
    /// Situations where any referral differs.
    any: NodeId,
    /// For each service and kind of change: its situations, and the product leaves
    /// they lead to.
    by_service: BTreeMap<String, BTreeMap<Key, (NodeId, BTreeSet<u32>)>>,
}

/// Walks the two outcome diagrams together and sorts every differing leaf pair by
/// service and kind of change. Only the product's distinct leaves are visited.
fn sets(old: &Compiled, new: &Compiled) -> Sets {
    let (old, new) = (old.outcome_table(), new.outcome_table());
    let mut product = product::product(old.manager(), old.root(), new.manager(), new.root());
    let mut changed = BTreeSet::new();
    let mut leaves: BTreeMap<String, BTreeMap<Key, BTreeSet<u32>>> = BTreeMap::new();
    for leaf in product.manager.leaves(product.root) {
        let (a, b) = product.pair(leaf).unwrap_or_default();
        let (a, b) = (old.outcome(a), new.outcome(b));
        for service in services_of(a).union(&services_of(b)) {
            if let Some(key) = Key::of(referral(a, service), referral(b, service)) {
                changed.insert(leaf);
                leaves
                    .entry((*service).to_string())
                    .or_default()
                    .entry(key)
                    .or_default()
                    .insert(leaf);
            }
        }
    }
    let any = product.select(|leaf| changed.contains(&leaf));
    let by_service = leaves
        .into_iter()
        .map(|(service, keys)| {
            let keys = keys
                .into_iter()
                .map(|(key, set)| (key, (product.select(|leaf| set.contains(&leaf)), set)))
                .collect();
            (service, keys)
        })
        .collect();
    Sets {
        product,
        any,
        by_service,
    }
}

impl Compared<'_> {
    /// The count of changed situations, and each service's changes.
    fn referral_changes(&self) -> (u128, Vec<ServiceChanges>) {
        let sets = sets(self.old, self.new);
        let count = sets.product.manager.count(sets.any);
        let services = sets
            .by_service
            .iter()
            .map(|(service, keys)| self.service_changes(&sets.product, service, keys))
            .collect();
        (count, services)
    }

    fn outcomes(&self, pair: Option<(u32, u32)>) -> (Option<&Outcome>, Option<&Outcome>) {
        pair.map_or((None, None), |(a, b)| {
            let (old, new) = (self.old.outcome_table(), self.new.outcome_table());
            (old.outcome(a), new.outcome(b))
        })
    }

    fn service_changes(
        &self,
        product: &product::Product,
        service: &str,
        keys: &BTreeMap<Key, (NodeId, BTreeSet<u32>)>,
    ) -> ServiceChanges {
        let changes: Vec<ReferralChange> = keys
            .iter()
            .map(|(&key, (set, leaves))| self.change(product, service, key, *set, leaves))
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

    fn change(
        &self,
        product: &product::Product,
        service: &str,
        key: Key,
        set: NodeId,
        leaves: &BTreeSet<u32>,
    ) -> ReferralChange {
        let mut witness = self.words.witness(&product.manager, set);
        self.say_every_locality(&product.manager, set, &mut witness);
        let pairs: Vec<(Option<&Outcome>, Option<&Outcome>)> = leaves
            .iter()
            .map(|&leaf| self.outcomes(product.pair(leaf)))
            .collect();
        let old_via = via(self.old.rules(), service, pairs.iter().map(|(o, _)| *o));
        let new_via = via(self.new.rules(), service, pairs.iter().map(|(_, n)| *n));
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

fn services_of(outcome: Option<&Outcome>) -> BTreeSet<&str> {
    outcome
        .map(|o| o.referrals.iter().map(|r| r.service.as_str()).collect())
        .unwrap_or_default()
}

fn referral<'a>(outcome: Option<&'a Outcome>, service: &str) -> Option<&'a Referral> {
    outcome.and_then(|o| o.referrals.iter().find(|r| r.service == service))
}

/// What led to `service` in any of `outcomes`.
fn via<'a>(
    rules: &RuleSet,
    service: &str,
    outcomes: impl Iterator<Item = Option<&'a Outcome>>,
) -> Via {
    let mut pathways: BTreeSet<PathwayIx> = BTreeSet::new();
    let mut fallback = false;
    for found in outcomes.filter_map(|o| referral(o, service)) {
        pathways.extend(found.pathways.iter().copied());
        fallback |= found.fallback;
    }
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
