//! Redundant pathways: those that can be removed without changing any situation's
//! referrals or their urgency, because wherever they refer to a service, another
//! pathway does too, at least as urgently.
//!
//! Asked without the outcome table. A pathway refers to a service by id wherever it
//! applies, and through a category wherever it applies and the service takes the
//! person; within the situations where the pathway applies, "another pathway refers
//! to it" is "at least two do". So for each service (or group of services with the same
//! categories) and urgency, where at least one and where at least two of its referrers
//! apply is built once (one diagram counting to two), and each pathway is then a
//! handful of node-free coverage questions: asked for every pathway first, then
//! answered on every core, each pathway's stopping at its first uncovered service.

use std::collections::{BTreeMap, BTreeSet};

use super::reach::Reach;
use crate::diagnostic::Diagnostic;
use crate::engine::diagram::{Coverage, FALSE, TRUE};
use crate::engine::{Compiled, Manager, NodeId, ServiceIx};
use crate::parallel::{Crashed, map_in_order};
use crate::rules::model::{PathwayIx, ReferTo, RuleSet, Target, Urgency};

/// How many of the pathways that cover a redundant one are named (a national rule set
/// can have hundreds).
const NAMED: usize = 3;

/// How many coverage questions make it worth starting threads to answer them: a
/// partnership's rules ask a few hundred, answered in less time than threads take
/// to start.
const SHARED_FROM: usize = 2048;

/// Each urgency a referral can have: covered at each means covered at least as urgently.
const LEVELS: [Urgency; 3] = [Urgency::Routine, Urgency::Urgent, Urgency::Immediate];

/// The pathways that add nothing, each as a warning naming the ones that cover it.
pub fn redundant(compiled: &mut Compiled, reach: &Reach) -> Vec<Diagnostic> {
    let rules = compiled.rules().clone();
    let mut cover = Cover::new(compiled, &rules);
    let candidates: Vec<PathwayIx> = (0..rules.pathways.len())
        .filter(|&p| reach.yields(p) != FALSE)
        .collect();
    // Asking builds diagrams, so it needs the manager alone; answering only reads
    // it, so the answers, most of the check's time, are shared out over the cores.
    let questions: Vec<Vec<Coverage>> = candidates
        .iter()
        .map(|&p| cover.questions(compiled, p))
        .collect();
    let verdicts = answer(compiled.manager(), &questions, SHARED_FROM);
    let redundant: Vec<PathwayIx> = candidates
        .iter()
        .zip(verdicts)
        .filter_map(|(&p, redundant)| redundant.then_some(p))
        .collect();
    // Naming the covering pathways only reads, once the groups' unions are built.
    for &p in &redundant {
        for g in cover.groups_referred(p).clone() {
            cover.eligible_except(compiled, g, Vec::new());
        }
    }
    let (cover, compiled) = (&cover, &*compiled);
    let covering = |&p: &PathwayIx| cover.covering(compiled, p);
    // Each redundant pathway may look at every other: as many questions at most.
    let named = if redundant.len() * rules.pathways.len() < SHARED_FROM {
        redundant.iter().map(covering).collect()
    } else {
        map_in_order(&redundant, covering)
            .unwrap_or_else(|Crashed| redundant.iter().map(covering).collect())
    };
    redundant
        .iter()
        .zip(named)
        .map(|(&p, covering)| redundant_pathway(&rules, p, &covering))
        .collect()
}

/// For each pathway's questions, whether every one is covered; on every core when
/// there are at least `shared_from` questions.
fn answer(m: &Manager, questions: &[Vec<Coverage>], shared_from: usize) -> Vec<bool> {
    let covered = |asked: &Vec<Coverage>| asked.iter().all(|q| m.is_covered(q));
    let asked: usize = questions.iter().map(Vec::len).sum();
    if asked < shared_from {
        return questions.iter().map(covered).collect();
    }
    map_in_order(questions, covered)
        .unwrap_or_else(|Crashed| questions.iter().map(covered).collect())
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

/// Where at least one and where at least two of some pathways apply, and the count up
/// to two they are read from (to which more pathways can be added).
#[derive(Clone, Copy)]
struct Counts {
    one: NodeId,
    two: NodeId,
    count: NodeId,
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
    /// Category -> the groups whose services belong to it.
    groups_of: BTreeMap<String, Vec<usize>>,
    /// Per pathway: the groups of the categories it refers to, at any urgency.
    referred_groups: Vec<BTreeSet<usize>>,
    direct_counts: BTreeMap<(ServiceIx, usize), Counts>,
    category_counts: BTreeMap<(String, usize), Counts>,
    negations: BTreeMap<NodeId, NodeId>,
    /// Per group and level: where one of its services takes the person and no other
    /// pathway names it.
    group_needs: BTreeMap<(usize, usize), NodeId>,
    /// Per group and services left out: where one of the others takes the person.
    eligible_except: BTreeMap<(usize, Vec<ServiceIx>), NodeId>,
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
        let mut groups_of: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (g, group) in groups.iter().enumerate() {
            for c in &group.categories {
                groups_of.entry(c.clone()).or_default().push(g);
            }
        }
        let referred_groups = targets
            .first()
            .into_iter()
            .flatten()
            .map(|t| {
                t.categories
                    .iter()
                    .flat_map(|c| groups_of.get(c).into_iter().flatten())
                    .copied()
                    .collect()
            })
            .collect();
        Cover {
            targets,
            direct,
            by_category,
            groups,
            group_of,
            groups_of,
            referred_groups,
            direct_counts: BTreeMap::new(),
            category_counts: BTreeMap::new(),
            negations: BTreeMap::new(),
            group_needs: BTreeMap::new(),
            eligible_except: BTreeMap::new(),
        }
    }

    fn targets(&self, level: usize, p: PathwayIx) -> Option<&Targets> {
        self.targets.get(level)?.get(p)
    }

    /// What to ask to know whether, at every urgency, every service the pathway
    /// refers to is referred to by another pathway wherever this one refers to it.
    fn questions(&mut self, compiled: &mut Compiled, p: PathwayIx) -> Vec<Coverage> {
        let applies = compiled.pathway_condition(p).unwrap_or(FALSE);
        let mut asked = Vec::new();
        // Covered at one urgency means covered at every lower one (more pathways
        // cover there, and fewer situations need them), so each service and group is
        // asked about once, at the most urgent level the pathway refers to it.
        for level in 0..LEVELS.len() {
            let (services, groups) = self.tested_at(level, p);
            for s in services {
                asked.extend(self.direct_questions(compiled, level, p, s, applies));
            }
            for g in groups {
                let others = self.others_in_group(compiled, level, p, g);
                let needs = self.group_needs(compiled, level, g);
                asked.push(compiled.manager_mut().coverage([applies, needs], &others));
            }
        }
        asked
    }

    /// The services the pathway names, and the groups of the categories it refers
    /// to, at this urgency and not above it.
    fn tested_at(&self, level: usize, p: PathwayIx) -> (Vec<ServiceIx>, BTreeSet<usize>) {
        let groups = |level: usize| -> BTreeSet<usize> {
            self.targets(level, p)
                .map(|t| &t.categories)
                .into_iter()
                .flatten()
                .flat_map(|c| self.groups_of_category(c))
                .copied()
                .collect()
        };
        let above = self.targets(level + 1, p);
        let services = self
            .targets(level, p)
            .map(|t| &t.services)
            .into_iter()
            .flatten()
            .filter(|s| !above.is_some_and(|a| a.services.contains(s)))
            .copied()
            .collect();
        let groups_above = groups(level + 1);
        let groups = groups(level).difference(&groups_above).copied().collect();
        (services, groups)
    }

    /// A service the pathway names: covered wherever the pathway applies.
    fn direct_questions(
        &mut self,
        compiled: &mut Compiled,
        level: usize,
        p: PathwayIx,
        s: ServiceIx,
        applies: NodeId,
    ) -> Vec<Coverage> {
        let by_id = self.direct_counts(compiled, level, s).two;
        let Some(g) = self.group_of.get(&s).copied() else {
            return vec![compiled.manager_mut().coverage([applies, TRUE], &[by_id])];
        };
        // Where the service does not take the person, only a referral by id covers;
        // where it does, a referral through one of its categories covers too.
        let mut cover = self.others_in_group(compiled, level, p, g);
        let eligible = compiled.eligible(s).unwrap_or(FALSE);
        let ineligible = self.not(compiled, eligible);
        let m = compiled.manager_mut();
        cover.push(by_id);
        vec![
            m.coverage([applies, ineligible], &[by_id]),
            m.coverage([applies, eligible], &cover),
        ]
    }

    fn not(&mut self, compiled: &mut Compiled, f: NodeId) -> NodeId {
        if let Some(&done) = self.negations.get(&f) {
            return done;
        }
        let negation = compiled.manager_mut().not(f);
        self.negations.insert(f, negation);
        negation
    }

    /// Where some service of the group takes the person and no other pathway names
    /// it at this urgency: for a service nobody names, wherever it takes the person.
    fn group_needs(&mut self, compiled: &mut Compiled, level: usize, g: usize) -> NodeId {
        if let Some(&done) = self.group_needs.get(&(g, level)) {
            return done;
        }
        let named = self.named_in_group(level, g);
        let mut needs = vec![self.eligible_except(compiled, g, named.clone())];
        for s in named {
            let named_here = self.direct_counts(compiled, level, s).one;
            let eligible = compiled.eligible(s).unwrap_or(FALSE);
            let unnamed_here = self.not(compiled, named_here);
            needs.push(compiled.manager_mut().and(eligible, unnamed_here));
        }
        let union = compiled.manager_mut().or_any(needs);
        self.group_needs.insert((g, level), union);
        union
    }

    fn groups_of_category(&self, category: &str) -> &[usize] {
        self.groups_of.get(category).map_or(&[], Vec::as_slice)
    }

    /// Where, among the situations where pathway `p` applies, another pathway refers
    /// to one of the group's categories at this urgency: for each category, where at
    /// least two of its referrers apply if `p` is one of them, else where one does.
    fn others_in_group(
        &mut self,
        compiled: &mut Compiled,
        level: usize,
        p: PathwayIx,
        g: usize,
    ) -> Vec<NodeId> {
        let categories = self
            .groups
            .get(g)
            .map(|group| group.categories.clone())
            .unwrap_or_default();
        categories
            .iter()
            .map(|c| {
                let counts = self.category_counts(compiled, level, c);
                let mine = self
                    .targets(level, p)
                    .is_some_and(|t| t.categories.contains(c));
                if mine { counts.two } else { counts.one }
            })
            .collect()
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

    fn category_counts(&mut self, compiled: &mut Compiled, level: usize, category: &str) -> Counts {
        let key = (category.to_string(), level);
        if let Some(&done) = self.category_counts.get(&key) {
            return done;
        }
        let referrers = |level: usize| {
            self.by_category
                .get(level)
                .and_then(|by_category| by_category.get(category))
                .map_or(&[][..], Vec::as_slice)
        };
        // A category's referrers at one urgency are those at the next, which are
        // counted already, and those that refer to it at exactly this one.
        let counts = if level + 1 < LEVELS.len() {
            let (here, above) = (referrers(level), referrers(level + 1));
            let only_here: Vec<PathwayIx> = here
                .iter()
                .copied()
                .filter(|p| above.binary_search(p).is_err())
                .collect();
            let above = self.category_counts(compiled, level + 1, category);
            let only_here = conditions(compiled, &only_here);
            let m = compiled.manager_mut();
            let here = m.count_to_two(&only_here);
            let count = m.add_to_two(above.count, here);
            counts_from(compiled, count)
        } else {
            let referrers = referrers(level).to_vec();
            counts_of(compiled, &referrers)
        };
        self.category_counts.insert(key, counts);
        counts
    }

    /// The first of the other pathways that refer to one of the same services as
    /// `p`, in some situation where both apply (the ones that make it redundant), up
    /// to [`NAMED`] and one more (to know there are others).
    fn covering(&self, compiled: &Compiled, p: PathwayIx) -> Vec<PathwayIx> {
        let m = compiled.manager();
        let applies = compiled.pathway_condition(p).unwrap_or(FALSE);
        let count = self.targets.first().map_or(0, Vec::len);
        (0..count)
            .filter(|&q| q != p)
            .filter(|&q| {
                let Some(condition) = compiled.pathway_condition(q) else {
                    return false;
                };
                m.intersects(applies, condition)
                    && self
                        .shared_places(compiled, p, q)
                        .into_iter()
                        .any(|place| m.meet([applies, condition, place]))
            })
            .take(NAMED + 1)
            .collect()
    }

    /// The groups of the categories the pathway refers to, at any urgency.
    fn groups_referred(&self, p: PathwayIx) -> &BTreeSet<usize> {
        static NONE: BTreeSet<usize> = BTreeSet::new();
        self.referred_groups.get(p).unwrap_or(&NONE)
    }

    /// Where some service that both pathways refer to (at any urgency) takes the
    /// person, as diagrams to take together: everywhere when both name it.
    fn shared_places(&self, compiled: &Compiled, p: PathwayIx, q: PathwayIx) -> Vec<NodeId> {
        let (Some(mine), Some(theirs)) = (self.targets(0, p), self.targets(0, q)) else {
            return Vec::new();
        };
        if mine
            .services
            .intersection(&theirs.services)
            .next()
            .is_some()
        {
            return vec![TRUE];
        }
        let through = |named: &Targets, other: &Targets| -> Vec<ServiceIx> {
            named
                .services
                .iter()
                .copied()
                .filter(|&s| {
                    other
                        .categories
                        .iter()
                        .any(|c| compiled.category_members(c).binary_search(&s).is_ok())
                })
                .collect()
        };
        let mut services = through(mine, theirs);
        services.extend(through(theirs, mine));
        let groups = self
            .groups_referred(p)
            .intersection(self.groups_referred(q));
        services
            .iter()
            .filter_map(|&s| compiled.eligible(s))
            .chain(groups.filter_map(|&g| self.eligible_except.get(&(g, Vec::new())).copied()))
            .collect()
    }

    /// Where one of the group's services other than `except` takes the person
    /// (the same union serves every urgency at which the same services are named).
    fn eligible_except(
        &mut self,
        compiled: &mut Compiled,
        g: usize,
        except: Vec<ServiceIx>,
    ) -> NodeId {
        let key = (g, except);
        if let Some(&done) = self.eligible_except.get(&key) {
            return done;
        }
        let eligible: Vec<NodeId> = self
            .groups
            .get(g)
            .map(|group| group.services.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|s| !key.1.contains(s))
            .filter_map(|&s| compiled.eligible(s))
            .collect();
        let union = compiled.manager_mut().or_any(eligible);
        self.eligible_except.insert(key, union);
        union
    }
}

/// Where at least one, and at least two, of the pathways apply: a balanced fold, so
/// each condition takes part in a logarithmic number of operations.
fn counts_of(compiled: &mut Compiled, pathways: &[PathwayIx]) -> Counts {
    let conditions = conditions(compiled, pathways);
    let count = compiled.manager_mut().count_to_two(&conditions);
    counts_from(compiled, count)
}

fn counts_from(compiled: &mut Compiled, count: NodeId) -> Counts {
    let (one, two) = compiled.manager_mut().one_and_two_of(count);
    Counts { one, two, count }
}

fn conditions(compiled: &Compiled, pathways: &[PathwayIx]) -> Vec<NodeId> {
    pathways
        .iter()
        .filter_map(|&p| compiled.pathway_condition(p))
        .collect()
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

fn redundant_pathway(rules: &RuleSet, ix: PathwayIx, covering: &[PathwayIx]) -> Diagnostic {
    let others: Vec<_> = covering
        .iter()
        .take(NAMED)
        .filter_map(|&q| rules.pathways.get(q))
        .collect();
    let names: Vec<String> = others.iter().map(|q| format!("`{}`", q.id.value)).collect();
    let (list, verb) = match names.split_last() {
        _ if covering.len() > NAMED => (format!("{} and others", names.join(", ")), "refer"),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::area::Area;
    use crate::synthetic::{Size, generate};

    /// Answered on several threads or on one, the same pathways are covered.
    #[test]
    fn shared_answers_are_the_answers() {
        let root = tempfile::tempdir().unwrap();
        let size = Size {
            localities: 15,
            questions: 7,
            services: 100,
            pathways: 200,
            seed: 3,
        };
        generate(size).write(root.path()).unwrap();
        let area = Area::load(root.path());
        assert!(!area.has_errors());
        let date = area.reference_date(None);
        let mut compiled = crate::engine::compile(&area.rules, &area.directory, date);
        let rules = compiled.rules().clone();
        let mut cover = Cover::new(&compiled, &rules);
        let questions: Vec<Vec<Coverage>> = (0..rules.pathways.len())
            .map(|p| cover.questions(&mut compiled, p))
            .collect();
        let shared = answer(compiled.manager(), &questions, 0);
        assert_eq!(shared, answer(compiled.manager(), &questions, usize::MAX));
        assert!(shared.contains(&true) && shared.contains(&false));
    }
}
