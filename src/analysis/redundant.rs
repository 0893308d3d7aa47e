//! Redundant pathways: those that can be removed without changing any situation's
//! referrals or their urgency, because wherever they refer to a service, another
//! pathway does too, at least as urgently.
//!
//! Asked without the outcome table. A pathway refers to a service by id wherever it
//! applies, and through a category wherever it applies and the service takes the
//! person; within the situations where the pathway applies, "another pathway refers
//! to it" is "at least two do". So for each service (or group of services with the same
//! categories) and urgency, two diagrams are folded once - where at least one, and
//! where at least two, of its referrers apply - and each pathway is then a handful of
//! intersection tests, stopping at its first uncovered service.

use std::collections::{BTreeMap, BTreeSet};

use super::reach::Reach;
use crate::diagnostic::Diagnostic;
use crate::engine::diagram::FALSE;
use crate::engine::{Compiled, Manager, NodeId, ServiceIx};
use crate::rules::model::{PathwayIx, ReferTo, RuleSet, Target, Urgency};

/// Each urgency a referral can have: covered at each means covered at least as urgently.
const LEVELS: [Urgency; 3] = [Urgency::Routine, Urgency::Urgent, Urgency::Immediate];

/// The pathways that add nothing, each as a warning naming the ones that cover it.
pub fn redundant(compiled: &mut Compiled, reach: &Reach) -> Vec<Diagnostic> {
    let rules = compiled.rules().clone();
    let mut cover = Cover::new(compiled, &rules);
    let mut found = Vec::new();
    for p in 0..rules.pathways.len() {
        if reach.yields(p) != FALSE && cover.covered(compiled, p) {
            let covering = cover.covering(compiled, p);
            found.push(redundant_pathway(&rules, p, &covering));
        }
    }
    found
}

/// What one pathway refers to at or above one urgency.
#[derive(Default)]
struct Targets {
    /// Open services, by id.
    services: BTreeSet<ServiceIx>,
    categories: BTreeSet<String>,
}

/// Services with the same referred categories: one union of eligibility serves them.
struct Group {
    categories: Vec<String>,
    services: Vec<ServiceIx>,
}

/// Where at least one and where at least two of some pathways apply.
#[derive(Clone, Copy)]
struct Counts {
    one: NodeId,
    two: NodeId,
}

/// Who refers to what, and the folded diagrams, built as the pathways ask for them.
struct Cover {
    /// `targets[level][pathway]`.
    targets: Vec<Vec<Targets>>,
    /// `direct[level]`: service -> pathways referring to it by id.
    direct: Vec<BTreeMap<ServiceIx, Vec<PathwayIx>>>,
    /// `by_category[level]`: category -> pathways referring to it.
    by_category: Vec<BTreeMap<String, Vec<PathwayIx>>>,
    groups: Vec<Group>,
    group_of: BTreeMap<ServiceIx, usize>,
    direct_counts: BTreeMap<(ServiceIx, usize), Counts>,
    category_counts: BTreeMap<(usize, usize), Counts>,
    /// Per group and level: where one of its services with no referrer by id takes
    /// the person.
    group_eligible: BTreeMap<(usize, usize), NodeId>,
}

impl Cover {
    fn new(compiled: &Compiled, rules: &RuleSet) -> Cover {
        let targets: Vec<Vec<Targets>> = LEVELS
            .iter()
            .map(|&level| {
                rules
                    .pathways
                    .iter()
                    .map(|p| targets_of(compiled, &p.referrals, level))
                    .collect()
            })
            .collect();
        let mut direct = vec![BTreeMap::<ServiceIx, Vec<PathwayIx>>::new(); LEVELS.len()];
        let mut by_category = vec![BTreeMap::<String, Vec<PathwayIx>>::new(); LEVELS.len()];
        for (level, per_pathway) in targets.iter().enumerate() {
            for (p, t) in per_pathway.iter().enumerate() {
                for &s in &t.services {
                    if let Some(map) = direct.get_mut(level) {
                        map.entry(s).or_default().push(p);
                    }
                }
                for c in &t.categories {
                    if let Some(map) = by_category.get_mut(level) {
                        map.entry(c.clone()).or_default().push(p);
                    }
                }
            }
        }
        let referred: Vec<&String> = by_category
            .first()
            .into_iter()
            .flat_map(|m| m.keys())
            .collect();
        let (groups, group_of) = groups(compiled, &referred);
        Cover {
            targets,
            direct,
            by_category,
            groups,
            group_of,
            direct_counts: BTreeMap::new(),
            category_counts: BTreeMap::new(),
            group_eligible: BTreeMap::new(),
        }
    }

    fn targets(&self, level: usize, p: PathwayIx) -> Option<&Targets> {
        self.targets.get(level)?.get(p)
    }

    /// Whether, at every urgency, every service the pathway refers to is referred to
    /// by another pathway wherever this one refers to it.
    fn covered(&mut self, compiled: &mut Compiled, p: PathwayIx) -> bool {
        let applies = compiled.pathway_condition(p).unwrap_or(FALSE);
        (0..LEVELS.len()).all(|level| {
            let Some(t) = self.targets(level, p) else {
                return true;
            };
            let (services, categories) = (t.services.clone(), t.categories.clone());
            services
                .iter()
                .all(|&s| self.direct_covered(compiled, level, p, s, applies))
                && categories
                    .iter()
                    .all(|c| self.category_covered(compiled, level, c, &services, applies))
        })
    }

    /// A service the pathway names: covered wherever the pathway applies.
    fn direct_covered(
        &mut self,
        compiled: &mut Compiled,
        level: usize,
        p: PathwayIx,
        s: ServiceIx,
        applies: NodeId,
    ) -> bool {
        let by_id = self.direct_counts(compiled, level, s).two;
        let by_category = match self.group_of.get(&s).copied() {
            Some(g) => {
                let counts = self.category_counts(compiled, level, g);
                let mine = self.refers_in_group(level, p, g);
                let others = if mine { counts.two } else { counts.one };
                let eligible = compiled.eligible(s).unwrap_or(FALSE);
                compiled.manager_mut().and(eligible, others)
            }
            None => FALSE,
        };
        let m = compiled.manager_mut();
        let cover = m.or(by_id, by_category);
        uncovered_nowhere(m, applies, cover)
    }

    /// A category the pathway refers to: each of its services covered wherever the
    /// pathway applies and the service takes the person.
    fn category_covered(
        &mut self,
        compiled: &mut Compiled,
        level: usize,
        category: &str,
        named: &BTreeSet<ServiceIx>,
        applies: NodeId,
    ) -> bool {
        let groups: Vec<usize> = (0..self.groups.len())
            .filter(|&g| {
                self.groups
                    .get(g)
                    .is_some_and(|gr| gr.categories.iter().any(|c| c == category))
            })
            .collect();
        groups.into_iter().all(|g| {
            let two = self.category_counts(compiled, level, g).two;
            let eligible = self.group_eligible(compiled, level, g);
            let m = compiled.manager_mut();
            let here = m.and(applies, eligible);
            if !uncovered_nowhere(m, here, two) {
                return false;
            }
            let named_elsewhere: Vec<ServiceIx> = self
                .named_in_group(level, g)
                .into_iter()
                .filter(|s| !named.contains(s))
                .collect();
            named_elsewhere.into_iter().all(|s| {
                let by_id = self.direct_counts(compiled, level, s).one;
                let eligible = compiled.eligible(s).unwrap_or(FALSE);
                let m = compiled.manager_mut();
                let here = m.and(applies, eligible);
                let cover = m.or(by_id, two);
                uncovered_nowhere(m, here, cover)
            })
        })
    }

    /// Whether the pathway refers, at this urgency, to a category of the group.
    fn refers_in_group(&self, level: usize, p: PathwayIx, g: usize) -> bool {
        match (self.targets(level, p), self.groups.get(g)) {
            (Some(t), Some(group)) => group.categories.iter().any(|c| t.categories.contains(c)),
            _ => false,
        }
    }

    /// The group's services that some pathway names, at this urgency.
    fn named_in_group(&self, level: usize, g: usize) -> Vec<ServiceIx> {
        let (Some(direct), Some(group)) = (self.direct.get(level), self.groups.get(g)) else {
            return Vec::new();
        };
        group
            .services
            .iter()
            .copied()
            .filter(|s| direct.contains_key(s))
            .collect()
    }

    fn direct_counts(&mut self, compiled: &mut Compiled, level: usize, s: ServiceIx) -> Counts {
        if let Some(&done) = self.direct_counts.get(&(s, level)) {
            return done;
        }
        let pathways = self
            .direct
            .get(level)
            .and_then(|d| d.get(&s))
            .cloned()
            .unwrap_or_default();
        let counts = counts_of(compiled, &pathways);
        self.direct_counts.insert((s, level), counts);
        counts
    }

    fn category_counts(&mut self, compiled: &mut Compiled, level: usize, g: usize) -> Counts {
        if let Some(&done) = self.category_counts.get(&(g, level)) {
            return done;
        }
        let referrers: BTreeSet<PathwayIx> = match (self.groups.get(g), self.by_category.get(level))
        {
            (Some(group), Some(by_category)) => group
                .categories
                .iter()
                .filter_map(|c| by_category.get(c))
                .flatten()
                .copied()
                .collect(),
            _ => BTreeSet::new(),
        };
        let counts = counts_of(compiled, &referrers.into_iter().collect::<Vec<_>>());
        self.category_counts.insert((g, level), counts);
        counts
    }

    fn group_eligible(&mut self, compiled: &mut Compiled, level: usize, g: usize) -> NodeId {
        if let Some(&done) = self.group_eligible.get(&(g, level)) {
            return done;
        }
        let named = self.named_in_group(level, g);
        let eligible: Vec<NodeId> = self
            .groups
            .get(g)
            .map(|group| group.services.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|s| !named.contains(s))
            .filter_map(|&s| compiled.eligible(s))
            .collect();
        let union = compiled.manager_mut().or_any(eligible);
        self.group_eligible.insert((g, level), union);
        union
    }

    /// The other pathways that refer to one of the same services as `p`, in some
    /// situation where both apply: the ones that make it redundant.
    fn covering(&self, compiled: &mut Compiled, p: PathwayIx) -> BTreeSet<PathwayIx> {
        let Some(mine) = self.targets(0, p) else {
            return BTreeSet::new();
        };
        let applies = compiled.pathway_condition(p).unwrap_or(FALSE);
        let count = self.targets.first().map_or(0, Vec::len);
        (0..count)
            .filter(|&q| q != p)
            .filter(|&q| {
                let (Some(theirs), Some(condition)) =
                    (self.targets(0, q), compiled.pathway_condition(q))
                else {
                    return false;
                };
                let m = compiled.manager_mut();
                let both = m.and(applies, condition);
                both != FALSE && self.share(compiled, both, mine, theirs)
            })
            .collect()
    }

    /// Whether two referral lists refer to one service somewhere in `both`.
    fn share(
        &self,
        compiled: &mut Compiled,
        both: NodeId,
        mine: &Targets,
        theirs: &Targets,
    ) -> bool {
        if mine
            .services
            .intersection(&theirs.services)
            .next()
            .is_some()
        {
            return true;
        }
        let reaches = |t: &Targets, s: ServiceIx| {
            t.services.contains(&s)
                || t.categories
                    .iter()
                    .any(|c| compiled.category_members(c).binary_search(&s).is_ok())
        };
        let eligible: Vec<NodeId> = (0..compiled.services().len())
            .filter(|&s| compiled.is_open(s) && reaches(mine, s) && reaches(theirs, s))
            .filter_map(|s| compiled.eligible(s))
            .collect();
        let m = compiled.manager_mut();
        let somewhere = m.or_any(eligible);
        m.intersects(both, somewhere)
    }
}

/// Whether `cover` holds wherever `here` does.
fn uncovered_nowhere(m: &mut Manager, here: NodeId, cover: NodeId) -> bool {
    let uncovered = m.not(cover);
    !m.intersects(here, uncovered)
}

/// Where at least one, and at least two, of the pathways apply: a balanced fold, so
/// each condition takes part in a logarithmic number of operations.
fn counts_of(compiled: &mut Compiled, pathways: &[PathwayIx]) -> Counts {
    match pathways {
        [] => Counts {
            one: FALSE,
            two: FALSE,
        },
        [p] => Counts {
            one: compiled.pathway_condition(*p).unwrap_or(FALSE),
            two: FALSE,
        },
        _ => {
            let (left, right) = pathways.split_at(pathways.len() / 2);
            let (l, r) = (counts_of(compiled, left), counts_of(compiled, right));
            let m = compiled.manager_mut();
            let one = m.or(l.one, r.one);
            let both = m.and(l.one, r.one);
            let two = m.or_any([l.two, r.two, both]);
            Counts { one, two }
        }
    }
}

fn targets_of(compiled: &Compiled, referrals: &[ReferTo], level: Urgency) -> Targets {
    let mut t = Targets::default();
    for r in referrals.iter().filter(|r| r.urgency >= level) {
        match &r.target {
            Target::Service(id) => {
                if let Ok(s) = compiled.services().binary_search(id)
                    && compiled.is_open(s)
                {
                    t.services.insert(s);
                }
            }
            Target::Category(c) => {
                t.categories.insert(c.clone());
            }
        }
    }
    t
}

/// Open services grouped by the referred categories they belong to.
fn groups(compiled: &Compiled, referred: &[&String]) -> (Vec<Group>, BTreeMap<ServiceIx, usize>) {
    let mut of_service: BTreeMap<ServiceIx, Vec<String>> = BTreeMap::new();
    for c in referred {
        for &s in compiled.category_members(c) {
            if compiled.is_open(s) {
                of_service.entry(s).or_default().push((*c).clone());
            }
        }
    }
    let mut grouped: BTreeMap<Vec<String>, Vec<ServiceIx>> = BTreeMap::new();
    for (s, categories) in of_service {
        grouped.entry(categories).or_default().push(s);
    }
    let mut group_of = BTreeMap::new();
    let groups = grouped
        .into_iter()
        .enumerate()
        .map(|(g, (categories, services))| {
            for &s in &services {
                group_of.insert(s, g);
            }
            Group {
                categories,
                services,
            }
        })
        .collect();
    (groups, group_of)
}

fn redundant_pathway(rules: &RuleSet, ix: PathwayIx, covering: &BTreeSet<PathwayIx>) -> Diagnostic {
    let others: Vec<_> = covering
        .iter()
        .filter_map(|&q| rules.pathways.get(q))
        .collect();
    let names: Vec<String> = others.iter().map(|q| format!("`{}`", q.id.value)).collect();
    let (list, verb) = match names.split_last() {
        Some((last, [])) => (last.clone(), "refers"),
        Some((last, rest)) => (format!("{} and {last}", rest.join(", ")), "refer"),
        None => (String::new(), "refer"),
    };
    let Some(pathway) = rules.pathways.get(ix) else {
        return Diagnostic::warning("redundant-pathway", "a pathway adds nothing");
    };
    let mut d = Diagnostic::warning(
        "redundant-pathway",
        format!(
            "pathway `{}` adds nothing: wherever it applies, {list} already {verb} to the same services, at least as urgently",
            pathway.id.value
        ),
    )
    .at(pathway.id.span)
    .label("removing it would change no referral")
    .help("remove this pathway, or change what it refers to if it was meant to add something");
    for other in others {
        d = d.related(other.id.span, "refers to the same services");
    }
    d
}
