//! Compiling a rule set against the directory, for one reference date, into decision
//! diagrams: each pathway's condition, each service's eligibility, each category's
//! eligible services, and the outcome diagram whose leaves are the outcome table's rows.
//!
//! The outcome diagram is built without ever enumerating the answer space: pathway
//! conditions are folded (as a balanced tree of unions) into one diagram whose leaves
//! are sets of fired pathways; each category's eligible services likewise; the two are
//! then combined one category at a time, keeping a category's services only where a
//! fired pathway (or the fallback) can use them, so the diagram stays as small as the
//! rules allow.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::directory::model::{Client, Directory, RiskLevel, Service};
use crate::engine::diagram::{FALSE, FastMap, Manager, NodeId, TRUE};
use crate::engine::serialise::Diagram;
use crate::rules::model::{
    Condition, DomainKind, PathwayIx, QuestionIx, ReferTo, RuleSet, Target, Urgency, ValueIx,
};

/// Index of a service in [`Directory::services`] (sorted by id).
pub type ServiceIx = usize;

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
#[derive(Clone, Debug, Default)]
pub struct SetTable {
    sets: Vec<Vec<u32>>,
    ids: FastMap<Vec<u32>, u32>,
}

impl SetTable {
    fn intern(&mut self, set: Vec<u32>) -> u32 {
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        self.sets.push(set.clone());
        self.ids.insert(set, id);
        id
    }

    /// The set a leaf id stands for (empty for an unknown id).
    pub fn get(&self, id: u32) -> &[u32] {
        self.sets.get(id as usize).map_or(&[], Vec::as_slice)
    }

    fn union(&mut self, a: u32, b: u32) -> u32 {
        if a == b {
            return a;
        }
        let mut merged: Vec<u32> = self.get(a).iter().chain(self.get(b)).copied().collect();
        merged.sort_unstable();
        merged.dedup();
        self.intern(merged)
    }
}

/// The rules compiled against the directory for one reference date.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub(crate) rules: RuleSet,
    pub(crate) as_of: Date,
    /// Service ids, in directory order (sorted).
    pub(crate) services: Vec<String>,
    manager: Manager,
    conditions: Vec<NodeId>,
    eligible: Vec<NodeId>,
    eligible_anywhere: Vec<NodeId>,
    categories: BTreeMap<String, NodeId>,
    service_sets: SetTable,
    fired: NodeId,
    pathway_sets: SetTable,
    outcome_root: NodeId,
    outcomes: Vec<Outcome>,
    /// Built on first use: analyses do not need it.
    diagram: OnceLock<Diagram>,
}

/// Compiles `rules` against `directory` for the reference date `as_of`.
pub fn compile(rules: &RuleSet, directory: &Directory, as_of: Date) -> Compiled {
    let domains = rules
        .questions
        .iter()
        .map(|q| u32::try_from(q.domain.len()).unwrap_or(u32::MAX))
        .collect();
    let mut manager = Manager::new(domains);
    let conditions: Vec<NodeId> = rules
        .pathways
        .iter()
        .map(|p| condition(&mut manager, &p.condition))
        .collect();
    let lines = EligibilityLines::compile(&mut manager, rules);
    let (eligible_anywhere, eligible): (Vec<NodeId>, Vec<NodeId>) = directory
        .services
        .iter()
        .map(|s| lines.service(&mut manager, rules, directory, s, as_of))
        .unzip();
    let mut service_sets = SetTable::default();
    let categories = directory
        .categories
        .iter()
        .map(|c| {
            let members = indexed(&eligible, |s| {
                directory
                    .services
                    .get(s)
                    .is_some_and(|sv| sv.in_category(&c.id))
            });
            let root = union_all(&mut manager, &mut service_sets, &members);
            (c.id.value.clone(), root)
        })
        .collect();
    let mut pathway_sets = SetTable::default();
    let fired = union_all(
        &mut manager,
        &mut pathway_sets,
        &indexed(&conditions, |_| true),
    );
    let services: Vec<String> = directory.services.iter().map(|s| s.id.clone()).collect();
    let mut compiled = Compiled {
        rules: rules.clone(),
        as_of,
        services,
        manager,
        conditions,
        eligible,
        eligible_anywhere,
        categories,
        service_sets,
        fired,
        pathway_sets,
        outcome_root: FALSE,
        outcomes: Vec::new(),
        diagram: OnceLock::new(),
    };
    let open: Vec<bool> = directory
        .services
        .iter()
        .map(|s| s.is_open_on(as_of))
        .collect();
    compiled.build_outcomes(&open);
    compiled
}

/// `(index, diagram)` for each diagram whose index passes `keep`.
fn indexed(diagrams: &[NodeId], keep: impl Fn(usize) -> bool) -> Vec<(u32, NodeId)> {
    diagrams
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(i, &d)| (u32::try_from(i).unwrap_or(u32::MAX), d))
        .collect()
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
            manager.apply(l, r, |a, b| sets.union(a, b))
        }
    }
}

/// A condition as a boolean diagram.
pub(crate) fn condition(manager: &mut Manager, condition: &Condition) -> NodeId {
    match condition {
        Condition::Always => TRUE,
        Condition::In {
            question, values, ..
        } => manager.var_in(*question, values),
        Condition::Not(inner, _) => {
            let inner = self::condition(manager, inner);
            manager.not(inner)
        }
        Condition::And(parts, _) => {
            let parts: Vec<NodeId> = parts.iter().map(|p| self::condition(manager, p)).collect();
            manager.and_all(parts)
        }
        Condition::Or(parts, _) => {
            let parts: Vec<NodeId> = parts.iter().map(|p| self::condition(manager, p)).collect();
            manager.or_any(parts)
        }
    }
}

/// The `eligibility` block compiled: for each client group, requirement and risk level
/// with at least one line, the disjunction of its lines.
struct EligibilityLines {
    serves: BTreeMap<Client, NodeId>,
    requires: BTreeMap<String, NodeId>,
    risk_levels: BTreeMap<RiskLevel, NodeId>,
}

impl EligibilityLines {
    fn compile(manager: &mut Manager, rules: &RuleSet) -> EligibilityLines {
        let eligibility = &rules.eligibility;
        EligibilityLines {
            serves: disjoin(
                manager,
                eligibility.serves.iter().map(|(k, c)| (k.value, c)),
            ),
            requires: disjoin(
                manager,
                eligibility
                    .requires
                    .iter()
                    .map(|(k, c)| (k.value.clone(), c)),
            ),
            risk_levels: disjoin(
                manager,
                eligibility.risk_levels.iter().map(|(k, c)| (k.value, c)),
            ),
        }
    }

    /// A service's eligibility on `as_of`: without, then with, its locality coverage.
    fn service(
        &self,
        manager: &mut Manager,
        rules: &RuleSet,
        directory: &Directory,
        service: &Service,
        as_of: Date,
    ) -> (NodeId, NodeId) {
        if !service.is_open_on(as_of) {
            return (FALSE, FALSE);
        }
        let serves = manager.or_any(
            service
                .serves
                .iter()
                .map(|c| self.serves.get(&c.value).copied().unwrap_or(FALSE)),
        );
        let risk = self.risk(manager, rules, service);
        let ages = ages(manager, rules, service);
        let requires = manager.and_all(
            service
                .requires
                .iter()
                .map(|r| self.requires.get(&r.value).copied().unwrap_or(FALSE)),
        );
        let anywhere = manager.and_all([serves, risk, ages, requires]);
        let area = coverage(manager, rules, directory, service);
        (anywhere, manager.and(anywhere, area))
    }

    /// The service's risk levels: each by its eligibility line, or else by the answer
    /// to the risk-level question (any level when there is no such question).
    fn risk(&self, manager: &mut Manager, rules: &RuleSet, service: &Service) -> NodeId {
        if service.risk_levels.is_empty() {
            return TRUE;
        }
        let question = rules.question_of_kind(|k| k == DomainKind::RiskLevel);
        let levels: Vec<NodeId> = service
            .risk_levels
            .iter()
            .map(
                |level| match (self.risk_levels.get(&level.value), question) {
                    (Some(&line), _) => line,
                    (None, Some(q)) => value_test(manager, rules, q, |v| v == level.value.id()),
                    (None, None) => TRUE,
                },
            )
            .collect();
        manager.or_any(levels)
    }
}

/// For each key, the disjunction of its conditions.
fn disjoin<'a, K: Ord>(
    manager: &mut Manager,
    lines: impl Iterator<Item = (K, &'a Condition)>,
) -> BTreeMap<K, NodeId> {
    let mut map = BTreeMap::new();
    for (key, c) in lines {
        let d = condition(manager, c);
        let previous = map.get(&key).copied().unwrap_or(FALSE);
        let joined = manager.or(previous, d);
        map.insert(key, joined);
    }
    map
}

/// True when question `q`'s answer has an id for which `wanted` holds.
fn value_test(
    manager: &mut Manager,
    rules: &RuleSet,
    q: QuestionIx,
    wanted: impl Fn(&str) -> bool,
) -> NodeId {
    let values: BTreeSet<ValueIx> = rules
        .questions
        .get(q)
        .map(|question| {
            (0..)
                .zip(&question.domain.values)
                .filter(|(_, v)| wanted(&v.id))
                .map(|(i, _)| i)
                .collect()
        })
        .unwrap_or_default();
    manager.var_in(q, &values)
}

/// The service's age range, against the age question (if there is one).
fn ages(manager: &mut Manager, rules: &RuleSet, service: &Service) -> NodeId {
    match (
        rules.question_of_kind(|k| k == DomainKind::Age),
        service.ages,
    ) {
        (Some(q), Some(range)) => value_test(manager, rules, q, |id| {
            id.parse::<i64>()
                .is_ok_and(|age| i64::from(range.min) <= age && age <= i64::from(range.max))
        }),
        _ => TRUE,
    }
}

/// The localities the service covers, against the locality question (if there is one).
fn coverage(
    manager: &mut Manager,
    rules: &RuleSet,
    directory: &Directory,
    service: &Service,
) -> NodeId {
    let Some(q) = rules.question_of_kind(|k| k == DomainKind::Locality) else {
        return TRUE;
    };
    let covered: BTreeSet<&str> = directory
        .covered_localities(service)
        .into_iter()
        .filter_map(|i| directory.localities.get(i))
        .map(|l| l.id.value.as_str())
        .collect();
    value_test(manager, rules, q, |id| covered.contains(id))
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

impl Compiled {
    /// Builds the outcome diagram and table from the fired-pathways and category
    /// diagrams. Leaves pass through tuples `[fired set, services of each category
    /// used]`, where a category's services are kept only where they can matter.
    fn build_outcomes(&mut self, open: &[bool]) {
        let uses: Vec<Uses> = self
            .rules
            .pathways
            .iter()
            .map(|p| Uses::of(&p.referrals, &self.services, open))
            .collect();
        let fallback_uses = self
            .rules
            .fallback
            .as_ref()
            .map(|f| Uses::of(&f.referrals, &self.services, open));
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
        let targets = Targets::of(&self.rules, &self.services, open, &used);
        let mut table: FastMap<Draft, u32> = FastMap::default();
        let mut outcomes = Vec::new();
        let mut outcome_ids: FastMap<u32, u32> = FastMap::default();
        for t in self.manager.leaves(root) {
            let draft = self.draft(tuples.get(t), &targets);
            let id = match table.get(&draft) {
                Some(&id) => id,
                None => {
                    outcomes.push(self.finish(&draft));
                    let id = u32::try_from(outcomes.len() - 1).unwrap_or(u32::MAX);
                    table.insert(draft, id);
                    id
                }
            };
            outcome_ids.insert(t, id);
        }
        self.outcome_root = self
            .manager
            .map_leaves(root, |t| outcome_ids.get(&t).copied().unwrap_or(0));
        self.outcomes = outcomes;
    }

    /// The outcome for one leaf tuple of [`Compiled::build_outcomes`], with services
    /// as indices.
    fn draft(&self, tuple: &[u32], targets: &Targets) -> Draft {
        let pathways: Vec<u32> = tuple
            .first()
            .map(|&f| self.pathway_sets.get(f).to_vec())
            .unwrap_or_default();
        let mut list = ReferralList::default();
        let add = |list: &mut ReferralList, resolved: &[(Resolved, Urgency)], by| {
            for (target, urgency) in resolved {
                let services = match target {
                    Resolved::Service(s) => std::slice::from_ref(s),
                    Resolved::Category(k) => tuple
                        .get(k + 1)
                        .map_or(&[][..], |&set| self.service_sets.get(set)),
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
        let fallback = self.rules.fallback.is_some() && list.referrals.is_empty();
        if fallback {
            add(&mut list, &targets.fallback, None);
        }
        Draft {
            referrals: list.finish(),
            pathways,
            fallback,
        }
    }

    /// The outcome a draft stands for, with service ids.
    fn finish(&self, draft: &Draft) -> Outcome {
        Outcome {
            referrals: draft
                .referrals
                .iter()
                .map(|r| Referral {
                    service: self
                        .services
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
/// in the outcome tuples.
#[derive(Clone, Copy, Debug)]
enum Resolved {
    Service(u32),
    Category(usize),
    /// A closed or unknown service, or a category no tuple carries.
    Nothing,
}

/// Every pathway's targets (and the fallback's), resolved.
struct Targets {
    pathways: Vec<Vec<(Resolved, Urgency)>>,
    fallback: Vec<(Resolved, Urgency)>,
}

impl Targets {
    fn of(
        rules: &RuleSet,
        services: &[String],
        open: &[bool],
        used: &[(String, NodeId)],
    ) -> Targets {
        let resolve = |referrals: &[ReferTo]| -> Vec<(Resolved, Urgency)> {
            referrals
                .iter()
                .map(|r| {
                    let target = match &r.target {
                        Target::Service(id) => service_ix(services, id)
                            .filter(|&s| open_at(open, s))
                            .and_then(|s| u32::try_from(s).ok())
                            .map_or(Resolved::Nothing, Resolved::Service),
                        Target::Category(c) => used
                            .iter()
                            .position(|(u, _)| u == c)
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
    /// Position of each service in `referrals`.
    index: FastMap<u32, usize>,
}

impl ReferralList {
    /// Adds `service` as referred by `pathway` (`None`: by the fallback).
    fn add(&mut self, service: u32, pathway: Option<u32>, urgency: Urgency) {
        match self
            .index
            .get(&service)
            .and_then(|&i| self.referrals.get_mut(i))
        {
            Some(r) => {
                r.urgency = r.urgency.max(urgency);
                if let Some(p) = pathway
                    && r.pathways.last() != Some(&p)
                {
                    r.pathways.push(p);
                }
            }
            None => {
                self.index.insert(service, self.referrals.len());
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

impl Compiled {
    /// The manager owning every diagram below. Analyses may build more diagrams in
    /// it (node ids never change), through [`Compiled::manager_mut`].
    pub fn manager(&self) -> &Manager {
        &self.manager
    }

    pub fn manager_mut(&mut self) -> &mut Manager {
        &mut self.manager
    }

    /// The rule set this was compiled from.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The reference date services' contracts were checked against.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// Service ids in directory order: a [`ServiceIx`] indexes this.
    pub fn services(&self) -> &[String] {
        &self.services
    }

    /// Any condition as a boolean diagram in this manager (analyses use it for the
    /// parts of a pathway's condition).
    pub fn condition_diagram(&mut self, condition: &Condition) -> NodeId {
        self::condition(&mut self.manager, condition)
    }

    /// A pathway's condition as a boolean diagram.
    pub fn pathway_condition(&self, pathway: PathwayIx) -> Option<NodeId> {
        self.conditions.get(pathway).copied()
    }

    /// Where a service would take the person: open on the date, serving their client
    /// group, risk level, age and requirements, and covering their locality.
    pub fn eligible(&self, service: ServiceIx) -> Option<NodeId> {
        self.eligible.get(service).copied()
    }

    /// [`Compiled::eligible`] without the locality part: where this holds but
    /// `eligible` does not, the person is out of the service's area.
    pub fn eligible_anywhere(&self, service: ServiceIx) -> Option<NodeId> {
        self.eligible_anywhere.get(service).copied()
    }

    /// For a category, the diagram whose leaf in each situation is the id of the set
    /// of its eligible services (see [`Compiled::service_set`]).
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
    /// fire (see [`Compiled::pathway_set`]).
    pub fn fired_pathways(&self) -> NodeId {
        self.fired
    }

    /// The pathways (sorted) of a leaf of [`Compiled::fired_pathways`].
    pub fn pathway_set(&self, leaf: u32) -> Vec<PathwayIx> {
        self.pathway_sets
            .get(leaf)
            .iter()
            .map(|&p| p as usize)
            .collect()
    }

    /// The outcome diagram: its leaves are indices into [`Compiled::outcomes`].
    pub fn outcome_root(&self) -> NodeId {
        self.outcome_root
    }

    /// The outcome table, in order of creation.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    pub fn outcome(&self, id: u32) -> Option<&Outcome> {
        self.outcomes.get(id as usize)
    }

    /// The stable serialisation the site's finder walks.
    pub fn diagram(&self) -> &Diagram {
        self.diagram.get_or_init(|| Diagram::build(self))
    }
}
