//! The finder's outcome table: one diagram whose leaves are whole outcomes (the
//! pathways that fire and the referrals they make, categories resolved to their
//! eligible services), and the table of those outcomes. `refer`, `explain`, `diff`
//! and the site's finder read it; the checks do not, because its size follows the
//! number of distinct outcomes the rules tell apart, not the size of the rules.
//!
//! It is built without ever enumerating the answer space: pathway conditions are
//! folded (as a balanced tree of unions) into one diagram whose leaves are sets of
//! fired pathways; each category's eligible services likewise; the two are then
//! combined one category at a time, keeping a category's services only where a fired
//! pathway (or the fallback) can use them, so the diagram stays as small as the rules
//! allow.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::engine::compile::{Compiled, ServiceIx};
use crate::engine::diagram::{FALSE, FastMap, Manager, NodeId};
use crate::engine::holding::{HOLDING_BYTES, Holding};
use crate::parallel::map_in_order;
use crate::rules::model::{PathwayIx, ReferTo, RuleSet, Target, Urgency, ValueIx};

/// One service to refer to, in one outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Referral {
    /// The service's id.
    pub service: String,
    /// The pathways that led to it, in declaration order (empty when via the fallback).
    pub pathways: Vec<PathwayIx>,
    /// The most urgent of its pathways' urgencies.
    pub urgency: Urgency,
    pub fallback: bool,
}

/// What the finder says for one set of situations: a row of the outcome table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    /// Most urgent first, then in order of first appearance; de-duplicated.
    pub referrals: Vec<Referral>,
    /// The pathways that fire, in declaration order.
    pub pathways: Vec<PathwayIx>,
    /// Whether the fallback applied (exactly when the pathways yield no referral).
    pub fallback: bool,
}

/// Interned sorted sets (or tuples) of small indices: diagram leaves carry their ids.
/// Each set is stored once; the index maps a hash of its content to the last set with
/// that hash, and `same_hash` chains the others (as the diagram's unique table does).
#[derive(Clone, Debug, Default)]
pub struct SetTable {
    sets: Vec<Vec<u32>>,
    index: FastMap<u64, u32>,
    same_hash: Vec<u32>,
    /// About how many bytes the sets and their index take.
    bytes: usize,
}

impl SetTable {
    fn intern(&mut self, set: Vec<u32>) -> u32 {
        let hash = content_hash(&set);
        let mut candidate = self.index.get(&hash).copied();
        while let Some(id) = candidate {
            if self.get(id) == set.as_slice() {
                return id;
            }
            candidate = self
                .same_hash
                .get(id as usize)
                .copied()
                .filter(|&next| next != NO_SET);
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        self.bytes += set.len() * 4 + SET_OVERHEAD;
        self.sets.push(set);
        let previous = self.index.insert(hash, id).unwrap_or(NO_SET);
        self.same_hash.push(previous);
        id
    }

    /// The set a leaf id stands for (empty for an unknown id).
    pub fn get(&self, id: u32) -> &[u32] {
        self.sets.get(id as usize).map_or(&[], Vec::as_slice)
    }

    /// The union of two sets, unless a new set would take more than `room` bytes:
    /// then `None`.
    fn union_within(&mut self, a: u32, b: u32, room: usize) -> Option<u32> {
        if a == b {
            return Some(a);
        }
        let merged = merged(self.get(a), self.get(b));
        let before = self.bytes;
        let id = self.intern(merged);
        (self.bytes - before <= room).then_some(id)
    }
}

/// The union of two sorted sets, sorted.
fn merged(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut union = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
        union.push(x.min(y));
        if x <= y {
            a.next();
        }
        if y <= x {
            b.next();
        }
    }
    union.extend(a.chain(b));
    union
}

/// What one set costs beside its elements: its `Vec`, index entry and chain link.
const SET_OVERHEAD: usize = 24 + 16 + 4;
/// Ends a chain of sets with the same hash.
const NO_SET: u32 = u32::MAX;

fn content_hash(set: &[u32]) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<crate::engine::diagram::FxHasher>::default().hash_one(set)
}

/// The diagrams an outcome table is built from, in the manager it is built in.
struct Parts {
    manager: Manager,
    conditions: Vec<NodeId>,
    eligible: Vec<NodeId>,
}

impl Parts {
    /// Every condition and eligibility diagram, in a copy of the compiled rules'
    /// manager limited to `bytes`.
    fn whole(compiled: &Compiled, bytes: usize) -> Parts {
        Parts {
            manager: compiled.manager().clone().with_budget(bytes),
            conditions: compiled.conditions.clone(),
            eligible: (0..compiled.services().len())
                .map(|s| compiled.eligible(s).unwrap_or(FALSE))
                .collect(),
        }
    }
}

/// The whole space's outcome table would need more than `bytes` of diagrams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub bytes: usize,
}

/// The outcome diagram and table, in a manager of their own (a copy of the compiled
/// rules' manager, so the conditions and eligibility diagrams are shared).
#[derive(Clone, Debug)]
pub struct OutcomeTable {
    manager: Manager,
    categories: BTreeMap<String, NodeId>,
    service_sets: SetTable,
    fired: NodeId,
    pathway_sets: SetTable,
    root: NodeId,
    outcomes: Vec<Outcome>,
}

impl OutcomeTable {
    /// The table over the whole answer space.
    pub(crate) fn build(compiled: &Compiled) -> OutcomeTable {
        OutcomeTable::of(compiled, Parts::whole(compiled, usize::MAX))
    }

    /// [`OutcomeTable::build`], unless its diagrams would need more than about
    /// `bytes`: then it stops as soon as they do.
    pub(crate) fn build_within(
        compiled: &Compiled,
        bytes: usize,
    ) -> Result<OutcomeTable, TooLarge> {
        let table = OutcomeTable::of(compiled, Parts::whole(compiled, bytes));
        if table.manager.exhausted() {
            Err(TooLarge { bytes })
        } else {
            Ok(table)
        }
    }

    /// The table over the completions of some answers only: every diagram is first
    /// restricted to them, so evaluating one situation of a national rule set never
    /// builds the whole space's table.
    pub(crate) fn restricted(compiled: &Compiled, answers: &[Option<ValueIx>]) -> OutcomeTable {
        let whole = compiled.manager();
        let mut manager = whole.fresh();
        let conditions = whole.restrict_all_into(&compiled.conditions, answers, &mut manager);
        // A service no pathway that can still fire refers to is in no outcome here:
        // leaving it out keeps one evaluation of a national directory from touching
        // every service.
        let wanted = services_wanted(compiled, &conditions);
        let eligible: Vec<NodeId> = (0..compiled.services().len())
            .map(|s| match wanted.get(s) {
                Some(true) => compiled.eligible(s).unwrap_or(FALSE),
                _ => FALSE,
            })
            .collect();
        let eligible = whole.restrict_all_into(&eligible, answers, &mut manager);
        let parts = Parts {
            manager,
            conditions,
            eligible,
        };
        OutcomeTable::of(compiled, parts)
    }

    fn of(compiled: &Compiled, parts: Parts) -> OutcomeTable {
        let Parts {
            mut manager,
            conditions,
            eligible,
        } = parts;
        let mut service_sets = SetTable::default();
        let members: Vec<(&String, Vec<(u32, NodeId)>)> = compiled
            .members
            .iter()
            .map(|(category, members)| {
                let parts = members
                    .iter()
                    .filter_map(|&s| Some((u32::try_from(s).ok()?, *eligible.get(s)?)))
                    .filter(|&(_, eligible)| eligible != FALSE)
                    .collect();
                (category, parts)
            })
            .collect();
        let categories = category_unions(&mut manager, &mut service_sets, &members);
        let mut pathway_sets = SetTable::default();
        // A pathway that never fires (here) adds nothing to any set.
        let conditions: Vec<(u32, NodeId)> =
            (0..).zip(conditions).filter(|&(_, c)| c != FALSE).collect();
        let fired = union_all(&mut manager, &mut pathway_sets, &conditions);
        let mut table = OutcomeTable {
            manager,
            categories,
            service_sets,
            fired,
            pathway_sets,
            root: FALSE,
            outcomes: Vec::new(),
        };
        table.build_outcomes(compiled);
        table
    }

    /// The manager owning the outcome diagram (for the whole space's table, node ids
    /// of the compiled rules' manager mean the same here).
    pub fn manager(&self) -> &Manager {
        &self.manager
    }

    /// The outcome diagram: its leaves are indices into [`OutcomeTable::outcomes`].
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The outcome table, in order of creation.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    pub fn outcome(&self, id: u32) -> Option<&Outcome> {
        self.outcomes.get(id as usize)
    }

    /// For a category, the diagram whose leaf in each situation is the id of the set
    /// of its eligible services (see [`OutcomeTable::service_set`]).
    pub fn category_services(&self, category: &str) -> Option<NodeId> {
        self.categories.get(category).copied()
    }

    /// The services (indices, sorted) of a leaf of a category diagram.
    pub fn service_set(&self, leaf: u32) -> Vec<ServiceIx> {
        self.service_sets
            .get(leaf)
            .iter()
            .map(|&s| s as usize)
            .collect()
    }

    /// The diagram whose leaf in each situation is the id of the set of pathways that
    /// fire (see [`OutcomeTable::pathway_set`]).
    pub fn fired_pathways(&self) -> NodeId {
        self.fired
    }

    /// The pathways (sorted) of a leaf of [`OutcomeTable::fired_pathways`].
    pub fn pathway_set(&self, leaf: u32) -> Vec<PathwayIx> {
        self.pathway_sets
            .get(leaf)
            .iter()
            .map(|&p| p as usize)
            .collect()
    }
}

/// The diagram whose leaf, in each situation, is the set of indices whose boolean
/// diagram holds there. A balanced tree of unions keeps the intermediate diagrams
/// small (each condition takes part in a logarithmic number of merges).
fn union_all(manager: &mut Manager, sets: &mut SetTable, parts: &[(u32, NodeId)]) -> NodeId {
    match parts {
        [] => {
            let empty = sets.intern(Vec::new());
            manager.leaf(empty)
        }
        [(index, condition)] => {
            let (empty, single) = (sets.intern(Vec::new()), sets.intern(vec![*index]));
            manager.map_leaves(*condition, |v| if v == 0 { empty } else { single })
        }
        _ => {
            let (left, right) = parts.split_at(parts.len() / 2);
            let l = union_all(manager, sets, left);
            let r = union_all(manager, sets, right);
            // The sets count against the manager's budget: once they would pass what
            // is left, no new set is made (the leaves then mean nothing) and spending
            // them exhausts the manager.
            let (before, room) = (sets.bytes, manager.room());
            let union = manager.apply(l, r, |a, b| {
                let left = room.saturating_sub(sets.bytes - before);
                sets.union_within(a, b, left).unwrap_or(a)
            });
            manager.spend_beside(sets.bytes - before);
            union
        }
    }
}

/// How many categories' unions are worked out at once, each on a core of its own:
/// fixed, not the machine's core count, so that whether a finder fits its budget (which
/// they share) does not depend on the machine, and at most two scratch managers are held.
const UNIONS_AT_ONCE: usize = 2;

/// For each category, the diagram whose leaf in each situation is the set of its
/// eligible services. Each category's balanced union is worked out in a manager and a
/// set table of its own, [`UNIONS_AT_ONCE`] categories at a time: of the unions of
/// halves along the way (in an area of 10,000 services, 1.3 million nodes and 614,000
/// sets, 160 MB, where the finished diagrams had a few thousand sets) only the
/// finished diagram and its sets are copied into `manager` and `sets`, in category
/// order, so the result does not depend on how the work was shared.
fn category_unions(
    manager: &mut Manager,
    sets: &mut SetTable,
    categories: &[(&String, Vec<(u32, NodeId)>)],
) -> BTreeMap<String, NodeId> {
    let mut unions = BTreeMap::new();
    for batch in categories.chunks(UNIONS_AT_ONCE) {
        // The scratch managers share what the budget leaves, so that together with
        // the diagrams kept so far they stay within it.
        let share = manager.room() / UNIONS_AT_ONCE;
        let base: &Manager = manager;
        // A worker stops early only on a bug: the table is then refused as too large
        // rather than built wrong.
        let Ok(done) = map_in_order(batch, |(_, parts)| category_union(base, parts, share)) else {
            manager.exhaust();
            return unions;
        };
        for ((category, _), (scratch, scratch_sets, union)) in batch.iter().zip(done) {
            if scratch.exhausted() || manager.exhausted() {
                manager.exhaust();
                return unions;
            }
            let before = sets.bytes;
            let root = scratch.copy_into(union, manager, |leaf| {
                sets.intern(scratch_sets.get(leaf).to_vec())
            });
            // The scratch work counts as spent, as it did when it was done in
            // `manager`: the budget bounds the work of a finder that will not fit,
            // not only what is kept.
            let scratch_bytes = scratch.bytes() + scratch_sets.bytes;
            manager.spend_beside(sets.bytes - before + scratch_bytes);
            unions.insert((*category).clone(), root);
        }
    }
    unions
}

/// One category's union (see [`category_unions`]), in a scratch manager holding
/// copies of its services' eligibility diagrams and limited to `budget` bytes.
fn category_union(
    base: &Manager,
    parts: &[(u32, NodeId)],
    budget: usize,
) -> (Manager, SetTable, NodeId) {
    let mut scratch = base.fresh().with_budget(budget);
    let eligible: Vec<NodeId> = parts.iter().map(|&(_, eligible)| eligible).collect();
    let copies = base.restrict_all_into(&eligible, &[], &mut scratch);
    let parts: Vec<(u32, NodeId)> = parts.iter().map(|&(s, _)| s).zip(copies).collect();
    let mut sets = SetTable::default();
    let union = union_all(&mut scratch, &mut sets, &parts);
    (scratch, sets, union)
}

/// Which services some referral can reach: named by, or in a category referred to by,
/// a pathway whose condition is not `FALSE`, or the fallback.
fn services_wanted(compiled: &Compiled, conditions: &[NodeId]) -> Vec<bool> {
    let rules = compiled.rules();
    let mut wanted = vec![false; compiled.services().len()];
    let live = rules
        .pathways
        .iter()
        .zip(conditions)
        .filter(|&(_, &c)| c != FALSE)
        .map(|(p, _)| &p.referrals);
    for referral in live
        .chain(rules.fallback.iter().map(|f| &f.referrals))
        .flatten()
    {
        let reached: &[ServiceIx] = match &referral.target {
            Target::Service(id) => match service_ix(compiled.services(), id) {
                Some(s) => &[s][..],
                None => &[],
            },
            Target::Category(c) => compiled.category_members(c),
        };
        for &s in reached {
            if let Some(slot) = wanted.get_mut(s) {
                *slot = true;
            }
        }
    }
    wanted
}

/// What a pathway's (or the fallback's) referrals need, to build outcomes.
struct Uses {
    /// Categories referred to.
    categories: BTreeSet<String>,
    /// Whether some direct referral is to an open service (so it always yields one).
    direct_open: bool,
}

impl Uses {
    fn of(referrals: &[ReferTo], services: &[String], open: &[bool]) -> Uses {
        let categories = referrals
            .iter()
            .filter_map(|r| match &r.target {
                Target::Category(c) => Some(c.clone()),
                Target::Service(_) => None,
            })
            .collect();
        let direct_open = referrals.iter().any(|r| match &r.target {
            Target::Service(id) => service_ix(services, id).is_some_and(|s| open_at(open, s)),
            Target::Category(_) => false,
        });
        Uses {
            categories,
            direct_open,
        }
    }
}

fn service_ix(services: &[String], id: &str) -> Option<ServiceIx> {
    services.binary_search_by(|s| s.as_str().cmp(id)).ok()
}

fn open_at(open: &[bool], service: ServiceIx) -> bool {
    open.get(service).copied().unwrap_or(false)
}

impl OutcomeTable {
    /// Builds the outcome diagram and table from the fired-pathways and category
    /// diagrams. Leaves pass through tuples `[fired set, services of each category
    /// used]`, where a category's services are kept only where they can matter.
    fn build_outcomes(&mut self, compiled: &Compiled) {
        let (rules, services, open) = (compiled.rules(), compiled.services(), &compiled.open);
        let uses: Vec<Uses> = rules
            .pathways
            .iter()
            .map(|p| Uses::of(&p.referrals, services, open))
            .collect();
        let fallback_uses = rules
            .fallback
            .as_ref()
            .map(|f| Uses::of(&f.referrals, services, open));
        let used: Vec<(String, NodeId)> = self
            .categories
            .iter()
            .filter(|(c, _)| {
                uses.iter()
                    .chain(&fallback_uses)
                    .any(|u| u.categories.contains(*c))
            })
            .map(|(c, &root)| (c.clone(), root))
            .collect();
        let mut tuples = SetTable::default();
        let mut root = self
            .manager
            .map_leaves(self.fired, |f| tuples.intern(vec![f]));
        let empty_services = self.service_sets.intern(Vec::new());
        for (category, services) in &used {
            let needs = |tuple: &[u32]| {
                let fired = tuple.first().map_or(&[][..], |&f| self.pathway_sets.get(f));
                let by_pathway = fired.iter().any(|&p| {
                    uses.get(p as usize)
                        .is_some_and(|u| u.categories.contains(category))
                });
                let by_fallback = fallback_uses.as_ref().is_some_and(|u| {
                    u.categories.contains(category)
                        && !fired
                            .iter()
                            .any(|&p| uses.get(p as usize).is_some_and(|u| u.direct_open))
                });
                by_pathway || by_fallback
            };
            root = self.manager.apply(root, *services, |t, s| {
                let mut tuple = tuples.get(t).to_vec();
                tuple.push(if needs(&tuple) { s } else { empty_services });
                tuples.intern(tuple)
            });
        }
        let names: Vec<&str> = used.iter().map(|(c, _)| c.as_str()).collect();
        let targets = Targets::of(rules, services, open, &names);
        let mut table: FastMap<Draft, u32> = FastMap::default();
        let mut outcomes = Vec::new();
        let mut outcome_ids: FastMap<u32, u32> = FastMap::default();
        for t in self.manager.leaves(root) {
            let tuple = tuples.get(t);
            let pathways = tuple
                .first()
                .map(|&f| self.pathway_sets.get(f).to_vec())
                .unwrap_or_default();
            let category = |k: usize| {
                tuple
                    .get(k + 1)
                    .map_or(&[][..], |&set| self.service_sets.get(set))
            };
            let draft = draft(rules, pathways, &targets, category);
            let id = match table.get(&draft) {
                Some(&id) => id,
                None => {
                    outcomes.push(finish(services, &draft));
                    let id = u32::try_from(outcomes.len() - 1).unwrap_or(u32::MAX);
                    table.insert(draft, id);
                    id
                }
            };
            outcome_ids.insert(t, id);
        }
        self.root = self
            .manager
            .map_leaves(root, |t| outcome_ids.get(&t).copied().unwrap_or(0));
        self.outcomes = outcomes;
    }
}

/// The outcome when `pathways` fire, with services as indices; `category(k)` gives
/// the services (sorted) that take the person of the `k`th category of `targets`.
fn draft<'a>(
    rules: &RuleSet,
    pathways: Vec<u32>,
    targets: &Targets,
    category: impl Fn(usize) -> &'a [u32],
) -> Draft {
    let mut list = ReferralList::default();
    let add = |list: &mut ReferralList, resolved: &[(Resolved, Urgency)], by| {
        for (target, urgency) in resolved {
            let services = match target {
                Resolved::Service(s) => std::slice::from_ref(s),
                Resolved::Category(k) => category(*k),
                Resolved::Nothing => &[],
            };
            for &s in services {
                list.add(s, by, *urgency);
            }
        }
    };
    for &p in &pathways {
        add(&mut list, targets.pathway(p), Some(p));
    }
    let fallback = rules.fallback.is_some() && list.referrals.is_empty();
    if fallback {
        add(&mut list, &targets.fallback, None);
    }
    Draft {
        referrals: list.finish(),
        pathways,
        fallback,
    }
}

/// Every pathway's referrals (and the fallback's) resolved once, with each
/// category's services, for reading outcomes straight from the compiled rules.
#[derive(Clone, Debug)]
pub(crate) struct ReferralTargets {
    targets: Targets,
    /// By category, in the order of [`Compiled::members`].
    members: Vec<Vec<u32>>,
    /// Which pathways' conditions hold in a situation.
    conditions: Holding,
    /// Which services take the person.
    eligibility: Holding,
}

impl ReferralTargets {
    pub(crate) fn of(compiled: &Compiled) -> ReferralTargets {
        ReferralTargets::within(compiled, HOLDING_BYTES)
    }

    /// With `budget` bytes for each [`Holding`]'s bit sets.
    pub(crate) fn within(compiled: &Compiled, budget: usize) -> ReferralTargets {
        let names: Vec<&str> = compiled.members.keys().map(String::as_str).collect();
        let targets = Targets::of(
            compiled.rules(),
            compiled.services(),
            &compiled.open,
            &names,
        );
        let members = compiled
            .members
            .values()
            .map(|m| m.iter().filter_map(|&s| u32::try_from(s).ok()).collect())
            .collect();
        let m = compiled.manager();
        let eligible = (0..compiled.services.len())
            .map(|s| compiled.eligible(s).unwrap_or(FALSE))
            .collect();
        ReferralTargets {
            targets,
            members,
            conditions: Holding::of(m, compiled.conditions.clone(), budget),
            eligibility: Holding::of(m, eligible, budget),
        }
    }

    /// The pathways whose conditions hold in a complete situation, in order.
    pub(crate) fn fired(&self, m: &Manager, answers: &[Option<ValueIx>]) -> Vec<u32> {
        let held = self.conditions.holding(m, answers);
        held.ones().filter_map(|p| u32::try_from(p).ok()).collect()
    }
}

/// The outcome of one complete situation, read straight from the compiled rules: the
/// pathways whose conditions hold there, and the services of each category they use
/// that take the person. Its cost follows the number of pathways and services, not
/// of outcomes, so it needs no table. `None` unless every question is answered
/// within its domain.
pub(crate) fn situation_outcome(
    compiled: &Compiled,
    resolved: &ReferralTargets,
    answers: &[Option<ValueIx>],
) -> Option<Outcome> {
    let m = compiled.manager();
    if !complete(m, answers) {
        return None;
    }
    let pathways = resolved.fired(m, answers);
    let mut used = vec![false; resolved.members.len()];
    let referred = pathways
        .iter()
        .flat_map(|&p| resolved.targets.pathway(p))
        .chain(&resolved.targets.fallback);
    for (target, _) in referred {
        if let Resolved::Category(k) = target
            && let Some(slot) = used.get_mut(*k)
        {
            *slot = true;
        }
    }
    let eligible = resolved.eligibility.holding(m, answers);
    let taking: Vec<Vec<u32>> = resolved
        .members
        .iter()
        .zip(used)
        .map(|(members, used)| {
            let takes = |s: &&u32| eligible.contains(**s as usize);
            let found = members.iter().filter(takes).copied();
            if used { found.collect() } else { Vec::new() }
        })
        .collect();
    let category = |k: usize| taking.get(k).map_or(&[][..], Vec::as_slice);
    let draft = draft(compiled.rules(), pathways, &resolved.targets, category);
    Some(finish(compiled.services(), &draft))
}

/// Whether every question is answered, within its domain.
pub(crate) fn complete(m: &Manager, answers: &[Option<ValueIx>]) -> bool {
    (0..m.questions()).all(|q| {
        answers
            .get(q)
            .copied()
            .flatten()
            .is_some_and(|v| v < m.domain_size(q))
    })
}

/// The outcome a draft stands for, with service ids.
fn finish(services: &[String], draft: &Draft) -> Outcome {
    Outcome {
        referrals: draft
            .referrals
            .iter()
            .map(|r| Referral {
                service: services
                    .get(r.service as usize)
                    .cloned()
                    .unwrap_or_default(),
                pathways: r.pathways.iter().map(|&p| p as usize).collect(),
                urgency: r.urgency,
                fallback: r.fallback,
            })
            .collect(),
        pathways: draft.pathways.iter().map(|&p| p as usize).collect(),
        fallback: draft.fallback,
    }
}

/// An outcome with services and pathways as indices: cheap to build, hash and compare.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Draft {
    referrals: Vec<DraftReferral>,
    pathways: Vec<u32>,
    fallback: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct DraftReferral {
    service: u32,
    pathways: Vec<u32>,
    urgency: Urgency,
    fallback: bool,
}

/// A referral target resolved once: an open service, or a category by its position
/// in the list of categories it was resolved against.
#[derive(Clone, Copy, Debug)]
enum Resolved {
    Service(u32),
    Category(usize),
    /// A closed or unknown service, or a category no tuple carries.
    Nothing,
}

/// Every pathway's targets (and the fallback's), resolved.
#[derive(Clone, Debug)]
struct Targets {
    pathways: Vec<Vec<(Resolved, Urgency)>>,
    fallback: Vec<(Resolved, Urgency)>,
}

impl Targets {
    fn of(rules: &RuleSet, services: &[String], open: &[bool], categories: &[&str]) -> Targets {
        let resolve = |referrals: &[ReferTo]| -> Vec<(Resolved, Urgency)> {
            referrals
                .iter()
                .map(|r| {
                    let target = match &r.target {
                        Target::Service(id) => service_ix(services, id)
                            .filter(|&s| open_at(open, s))
                            .and_then(|s| u32::try_from(s).ok())
                            .map_or(Resolved::Nothing, Resolved::Service),
                        Target::Category(c) => categories
                            .iter()
                            .position(|u| u == c)
                            .map_or(Resolved::Nothing, Resolved::Category),
                    };
                    (target, r.urgency)
                })
                .collect()
        };
        Targets {
            pathways: rules
                .pathways
                .iter()
                .map(|p| resolve(&p.referrals))
                .collect(),
            fallback: rules
                .fallback
                .as_ref()
                .map(|f| resolve(&f.referrals))
                .unwrap_or_default(),
        }
    }

    fn pathway(&self, p: u32) -> &[(Resolved, Urgency)] {
        self.pathways.get(p as usize).map_or(&[], Vec::as_slice)
    }
}

/// Referrals in order of first appearance, merged by service.
#[derive(Default)]
struct ReferralList {
    referrals: Vec<DraftReferral>,
    /// Position of each service in `referrals` ([`UNLISTED`] if absent), by service:
    /// a national answer merges thousands of additions, where hashing was most of
    /// the cost.
    index: Vec<u32>,
}

/// A service not yet in a [`ReferralList`].
const UNLISTED: u32 = u32::MAX;

impl ReferralList {
    /// Adds `service` as referred by `pathway` (`None`: by the fallback).
    fn add(&mut self, service: u32, pathway: Option<u32>, urgency: Urgency) {
        let at = service as usize;
        if self.index.len() <= at {
            self.index.resize(at + 1, UNLISTED);
        }
        let listed = self.index.get(at).copied().unwrap_or(UNLISTED);
        match self.referrals.get_mut(listed as usize) {
            Some(r) => {
                r.urgency = r.urgency.max(urgency);
                if let Some(p) = pathway
                    && r.pathways.last() != Some(&p)
                {
                    r.pathways.push(p);
                }
            }
            None => {
                if let (Some(slot), Ok(position)) =
                    (self.index.get_mut(at), u32::try_from(self.referrals.len()))
                {
                    *slot = position;
                }
                self.referrals.push(DraftReferral {
                    service,
                    pathways: pathway.into_iter().collect(),
                    urgency,
                    fallback: pathway.is_none(),
                });
            }
        }
    }

    /// Most urgent first; the sort is stable, so first appearance breaks ties.
    fn finish(mut self) -> Vec<DraftReferral> {
        self.referrals.sort_by_key(|r| std::cmp::Reverse(r.urgency));
        self.referrals
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::merged;

    proptest! {
        #[test]
        fn merging_two_sorted_sets_is_their_sorted_union(
            a in proptest::collection::btree_set(0u32..64, 0..20),
            b in proptest::collection::btree_set(0u32..64, 0..20),
        ) {
            let (a, b): (Vec<u32>, Vec<u32>) = (a.into_iter().collect(), b.into_iter().collect());
            let mut expected: Vec<u32> = a.iter().chain(&b).copied().collect();
            expected.sort_unstable();
            expected.dedup();
            prop_assert_eq!(merged(&a, &b), expected);
        }
    }
}
