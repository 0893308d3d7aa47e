//! Where each service is referred to, and how urgently, as boolean diagrams: the
//! finder's outcome semantics (see the module documentation and `outcomes`) taken one
//! service at a time, so the cost follows the rules and the directory, never the
//! number of distinct outcomes. The diagrams are built in a manager the caller gives:
//! two versions of an area compiled over the same questions can share one, where equal
//! functions are equal nodes.

use std::collections::BTreeMap;

use crate::engine::compile::{Compiled, ServiceIx};
use crate::engine::diagram::{FALSE, FastMap, Manager, NodeId, TRUE};
use crate::rules::model::{PathwayIx, ReferTo, RuleSet, Target, Urgency};

/// Every urgency, least urgent first: an [`AtLeast`] is indexed like this.
pub const URGENCIES: [Urgency; 3] = [Urgency::Routine, Urgency::Urgent, Urgency::Immediate];

/// For each urgency of [`URGENCIES`], where a service (or category) is referred to at
/// least that urgently. The first is where it is referred to at all.
pub type AtLeast = [NodeId; 3];

/// See [`Referred::ingredients`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ingredients {
    named: AtLeast,
    eligible: NodeId,
    categories: Vec<AtLeast>,
}

/// One compiled side's referrals, copied into a caller's manager.
pub struct Referred<'a> {
    compiled: &'a Compiled,
    /// Each pathway's condition.
    conditions: Vec<NodeId>,
    /// Each service's eligibility (open, taking the person, covering their locality).
    eligible: Vec<NodeId>,
    /// Where the `otherwise` block applies: nowhere without one, else wherever no
    /// pathway that applies finds a service.
    fallback: NodeId,
    /// Per category: where a pathway that applies (or the fallback) refers to it.
    categories: BTreeMap<&'a str, AtLeast>,
    /// Per open service: where a pathway that applies (or the fallback) names it.
    direct: BTreeMap<ServiceIx, AtLeast>,
    /// Each service's categories.
    member_of: Vec<Vec<&'a str>>,
    /// The sources (see [`Referred::sources`]) that name each open service, and those
    /// that refer to each category, by index: a service asks only these, not every
    /// pathway of a national rule set.
    naming: BTreeMap<ServiceIx, Vec<usize>>,
    referring: BTreeMap<&'a str, Vec<usize>>,
    /// (eligibility, where its categories are referred to) already joined: a national
    /// directory's services share both.
    joined: FastMap<(NodeId, NodeId), NodeId>,
}

impl<'a> Referred<'a> {
    /// Copies the side's diagrams into `manager` (over the same questions and domains
    /// as `compiled`'s) and builds where each category and open service is referred to.
    pub fn of(compiled: &'a Compiled, manager: &mut Manager) -> Referred<'a> {
        let whole = compiled.manager();
        let mut copy = |f: NodeId| whole.restrict_into(f, &[], manager);
        let conditions: Vec<NodeId> = compiled.conditions.iter().map(|&c| copy(c)).collect();
        let eligible: Vec<NodeId> = (0..compiled.services().len())
            .map(|s| copy(compiled.eligible(s).unwrap_or(FALSE)))
            .collect();
        let mut member_of = vec![Vec::new(); eligible.len()];
        for (category, members) in &compiled.members {
            for &s in members {
                if let Some(slot) = member_of.get_mut(s) {
                    slot.push(category.as_str());
                }
            }
        }
        let mut referred = Referred {
            compiled,
            conditions,
            eligible,
            fallback: FALSE,
            categories: BTreeMap::new(),
            direct: BTreeMap::new(),
            member_of,
            naming: BTreeMap::new(),
            referring: BTreeMap::new(),
            joined: FastMap::default(),
        };
        referred.fallback = referred.fallback_applies(manager);
        referred.thresholds(manager);
        referred
    }

    /// The rule set these referrals are from.
    pub fn rules(&self) -> &'a RuleSet {
        self.compiled.rules()
    }

    /// The open service a referral names, if it names one.
    fn open_service(&self, target: &Target) -> Option<ServiceIx> {
        match target {
            Target::Service(id) => self
                .compiled
                .services()
                .binary_search(id)
                .ok()
                .filter(|&s| self.compiled.is_open(s)),
            Target::Category(_) => None,
        }
    }

    /// Where no pathway that applies finds a service, when there is a fallback.
    fn fallback_applies(&self, manager: &mut Manager) -> NodeId {
        if self.rules().fallback.is_none() {
            return FALSE;
        }
        let some: BTreeMap<&str, NodeId> = self
            .compiled
            .members
            .iter()
            .map(|(category, members)| {
                let eligible = members
                    .iter()
                    .filter_map(|&s| self.eligible.get(s).copied());
                (category.as_str(), manager.or_any(eligible))
            })
            .collect();
        let served: Vec<NodeId> = self
            .rules()
            .pathways
            .iter()
            .zip(&self.conditions)
            .map(|(pathway, &applies)| {
                let finds: Vec<NodeId> = pathway
                    .referrals
                    .iter()
                    .map(|r| match &r.target {
                        Target::Service(_) if self.open_service(&r.target).is_some() => TRUE,
                        Target::Service(_) => FALSE,
                        Target::Category(c) => some.get(c.as_str()).copied().unwrap_or(FALSE),
                    })
                    .collect();
                let finds = manager.or_any(finds);
                manager.and(applies, finds)
            })
            .collect();
        let served = manager.or_any(served);
        manager.not(served)
    }

    /// Where each category and open service is referred to, at each urgency or more.
    fn thresholds(&mut self, manager: &mut Manager) {
        let mut categories: BTreeMap<&'a str, [Vec<NodeId>; 3]> = BTreeMap::new();
        let mut direct: BTreeMap<ServiceIx, [Vec<NodeId>; 3]> = BTreeMap::new();
        let mut naming: BTreeMap<ServiceIx, Vec<usize>> = BTreeMap::new();
        let mut referring: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        for (source, (referrals, applies)) in self.sources().enumerate() {
            for r in referrals {
                let (lists, sources) = match (&r.target, self.open_service(&r.target)) {
                    (Target::Category(c), _) => (
                        categories.entry(c.as_str()).or_default(),
                        referring.entry(c.as_str()).or_default(),
                    ),
                    (Target::Service(_), Some(s)) => {
                        (direct.entry(s).or_default(), naming.entry(s).or_default())
                    }
                    (Target::Service(_), None) => continue,
                };
                if sources.last() != Some(&source) {
                    sources.push(source);
                }
                for (list, u) in lists.iter_mut().zip(URGENCIES) {
                    if r.urgency >= u {
                        list.push(applies);
                    }
                }
            }
        }
        let mut join = |lists: [Vec<NodeId>; 3]| lists.map(|list| manager.or_any(list));
        self.categories = categories.into_iter().map(|(c, l)| (c, join(l))).collect();
        self.direct = direct.into_iter().map(|(s, l)| (s, join(l))).collect();
        self.naming = naming;
        self.referring = referring;
    }

    /// Each pathway's referrals with where it applies, then the fallback's.
    fn sources(&self) -> impl Iterator<Item = (&'a [ReferTo], NodeId)> + '_ {
        let rules = self.rules();
        let pathways = rules
            .pathways
            .iter()
            .zip(&self.conditions)
            .map(|(p, &applies)| (p.referrals.as_slice(), applies));
        let fallback = rules
            .fallback
            .iter()
            .map(|f| (f.referrals.as_slice(), self.fallback));
        pathways.chain(fallback)
    }

    /// What a service's referrals are built from: where a pathway (or the fallback)
    /// names it, its eligibility, and where each of its categories is referred to.
    /// Equal ingredients (in one manager) give equal referrals, so comparing them
    /// spares building the referrals of a service a change does not touch.
    pub fn ingredients(&self, service: &str) -> Ingredients {
        let Ok(s) = self
            .compiled
            .services()
            .binary_search_by(|id| id.as_str().cmp(service))
        else {
            return Ingredients::default();
        };
        Ingredients {
            named: self.direct.get(&s).copied().unwrap_or([FALSE; 3]),
            eligible: self.eligible.get(s).copied().unwrap_or(FALSE),
            categories: self
                .member_of
                .get(s)
                .into_iter()
                .flatten()
                .filter_map(|c| self.categories.get(c).copied())
                .collect(),
        }
    }

    /// Where the service is referred to, at each urgency or more: named by a pathway
    /// that applies (or the fallback) while open, or eligible and in a category one
    /// refers to. Nowhere for a service not in this side's directory.
    pub fn at_least(&mut self, manager: &mut Manager, ingredients: &Ingredients) -> AtLeast {
        let mut at_least = [FALSE; 3];
        for (k, slot) in at_least.iter_mut().enumerate() {
            let by_categories = manager.or_any(
                ingredients
                    .categories
                    .iter()
                    .filter_map(|c| c.get(k).copied()),
            );
            let by_category = self.join(manager, ingredients.eligible, by_categories);
            let named = ingredients.named.get(k).copied().unwrap_or(FALSE);
            *slot = manager.or(named, by_category);
        }
        at_least
    }

    fn join(&mut self, manager: &mut Manager, eligible: NodeId, referred: NodeId) -> NodeId {
        *self
            .joined
            .entry((eligible, referred))
            .or_insert_with(|| manager.and(eligible, referred))
    }

    /// The pathways (in declaration order) and whether the fallback refer to the
    /// service somewhere in `within`.
    pub fn via(&self, manager: &Manager, service: &str, within: NodeId) -> (Vec<PathwayIx>, bool) {
        let Ok(s) = self
            .compiled
            .services()
            .binary_search_by(|id| id.as_str().cmp(service))
        else {
            return (Vec::new(), false);
        };
        // Where each source that can refer to the service reaches it: anywhere it
        // applies when it names the service, else where the service is eligible.
        let eligible = self.eligible.get(s).copied().unwrap_or(FALSE);
        let named = self.naming.get(&s).into_iter().flatten();
        let mut reach: Vec<(usize, bool, NodeId)> = named.map(|&i| (i, false, TRUE)).collect();
        for category in self.member_of.get(s).into_iter().flatten() {
            let sources = self.referring.get(category).into_iter().flatten();
            reach.extend(sources.map(|&i| (i, true, eligible)));
        }
        // Naming sorts first (`false`), so a source that both names the service and
        // refers to one of its categories reaches it anywhere it applies.
        reach.sort_unstable();
        reach.dedup_by_key(|(i, _, _)| *i);
        let mut pathways = Vec::new();
        let mut fallback = false;
        for (source, _, reach) in reach {
            let applies = self
                .conditions
                .get(source)
                .copied()
                .unwrap_or(self.fallback);
            if !manager.meet([within, applies, reach]) {
                continue;
            }
            if source < self.conditions.len() {
                pathways.push(source);
            } else {
                fallback = true;
            }
        }
        (pathways, fallback)
    }

    /// A pathway's condition, in the caller's manager.
    pub fn condition(&self, pathway: PathwayIx) -> Option<NodeId> {
        self.conditions.get(pathway).copied()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;
    use crate::engine::compile;
    use crate::engine::crosscheck::{Draw, random_area, reference, situations};
    use crate::engine::diagram::tests::value_at;

    /// The situation `s` alone, as a diagram.
    fn point(m: &mut Manager, s: &[u32]) -> NodeId {
        let tests: Vec<NodeId> = (0..)
            .zip(s)
            .map(|(q, &v)| m.var_in(q, &BTreeSet::from([v])))
            .collect();
        m.and_all(tests)
    }

    /// Each service's thresholds, and what refers to it, against the reference
    /// evaluator in every situation.
    fn check_area(data: &[u32]) {
        let (rules, directory, as_of) = random_area(&mut Draw { data, at: 0 });
        let compiled = compile(&rules, &directory, as_of);
        let mut manager = compiled.manager().fresh();
        let mut referred = Referred::of(&compiled, &mut manager);
        let all = situations(&rules);
        let outcomes: Vec<_> = all
            .iter()
            .map(|s| reference(&rules, &directory, as_of, s))
            .collect();
        for service in compiled.services() {
            let ingredients = referred.ingredients(service);
            let at_least = referred.at_least(&mut manager, &ingredients);
            let mut anywhere = (BTreeSet::new(), false);
            for (s, outcome) in all.iter().zip(&outcomes) {
                let found = outcome.referrals.iter().find(|r| &r.service == service);
                for (&set, u) in at_least.iter().zip(URGENCIES) {
                    let expected = found.is_some_and(|r| r.urgency >= u);
                    assert_eq!(
                        value_at(&manager, set, s) != 0,
                        expected,
                        "{service} {u:?} {s:?}"
                    );
                }
                let here = point(&mut manager, s);
                let expected = found.map_or((vec![], false), |r| (r.pathways.clone(), r.fallback));
                assert_eq!(
                    referred.via(&manager, service, here),
                    expected,
                    "{service} {s:?}"
                );
                anywhere.0.extend(expected.0);
                anywhere.1 |= expected.1;
            }
            let (pathways, fallback) = referred.via(&manager, service, TRUE);
            assert_eq!((pathways.into_iter().collect(), fallback), anywhere);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        #[test]
        fn referrals_agree_with_direct_evaluation(data in proptest::collection::vec(any::<u32>(), 300)) {
            check_area(&data);
        }
    }
}
