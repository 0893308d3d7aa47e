//! The symbolic diff against brute force: random pairs of small areas, every situation
//! of the unified space evaluated on each side's own compilation (over its own
//! questions), compared with the diff's sets by membership and by count, and with what
//! led to each service on each side over each set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;
use crate::directory::model::{Client, Directory, RiskLevel, Service};
use crate::engine::diagram::tests::value_at;
use crate::engine::fixtures::*;
use crate::engine::{Outcome, Referral, compile};
use crate::rules::model::{Condition, Eligibility, Question, ReferTo};
use crate::source::Sources;

struct Draw<'a> {
    data: &'a [u32],
    at: usize,
}

impl Draw<'_> {
    fn below(&mut self, n: usize) -> usize {
        let v = self.data.get(self.at).copied().unwrap_or(0) as usize;
        self.at += 1;
        if n == 0 { 0 } else { v % n }
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn subset<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        items.iter().filter(|_| self.chance(2)).cloned().collect()
    }

    /// The items in a random order.
    fn shuffled<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        let mut rest = items.to_vec();
        let mut out = Vec::new();
        while !rest.is_empty() {
            out.push(rest.remove(self.below(rest.len())));
        }
        out
    }
}

const LOCALITIES: [(&str, &[&str]); 3] =
    [("north", &["city"]), ("south", &["city"]), ("away", &[])];
const CATEGORIES: [&str; 2] = ["advocacy", "children"];

fn pool_question(d: &mut Draw, id: &str, directory: &Directory) -> Question {
    match id {
        "colour" => {
            let values = d.shuffled(&["red", "blue", "green"]);
            question(id, DomainKind::Choice, &values)
        }
        "risk" => risk(id),
        "place" => locality(id, directory),
        _ => yes_no(id),
    }
}

fn random_service(d: &mut Draw, id: &str) -> Service {
    let mut s = service(id, &d.subset(&CATEGORIES));
    s = serving(s, &d.subset(&[Client::Victims, Client::Children]));
    s = at_risk(s, &d.subset(&RiskLevel::ALL));
    if d.chance(2) {
        s = covering(s, &d.subset(&["north", "south", "away", "city"]));
    }
    let dates = [None, Some(date(2012, 1, 1)), Some(date(2013, 1, 1))];
    open_between(s, dates[d.below(3)], dates[d.below(3)])
}

fn random_condition(d: &mut Draw, questions: &[Question], depth: usize) -> Condition {
    match if depth == 0 { 0 } else { d.below(4) } {
        0 | 1 => {
            let q = &questions[d.below(questions.len())];
            let ids: Vec<&str> = q.domain.values.iter().map(|v| v.id.as_str()).collect();
            let mut values = d.subset(&ids);
            if values.is_empty() {
                values.push(ids[d.below(ids.len())]);
            }
            is(questions, &q.id.value, &values)
        }
        2 => not(random_condition(d, questions, depth - 1)),
        _ => {
            let parts = (0..2)
                .map(|_| random_condition(d, questions, depth - 1))
                .collect();
            if d.chance(2) { and(parts) } else { or(parts) }
        }
    }
}

fn random_referrals(d: &mut Draw, directory: &Directory) -> Vec<ReferTo> {
    let urgencies = [Urgency::Routine, Urgency::Urgent, Urgency::Immediate];
    (0..1 + d.below(2))
        .map(|_| {
            let urgency = urgencies[d.below(3)];
            if d.chance(2) && !directory.services.is_empty() {
                let s = &directory.services[d.below(directory.services.len())];
                to_service(&s.id, urgency)
            } else {
                to_category(CATEGORIES[d.below(2)], urgency)
            }
        })
        .collect()
}

/// One side: a directory (the base one changed a little) and rules over some of the
/// pool's questions, in a random order.
fn random_side(d: &mut Draw, base: &[Service]) -> (RuleSet, Directory) {
    let mut services = Vec::new();
    for s in base {
        match d.below(6) {
            0 => {}
            1 | 2 => services.push(random_service(d, &s.id)),
            _ => services.push(s.clone()),
        }
    }
    if d.chance(3) {
        services.push(random_service(d, "extra"));
    }
    let directory = directory(&LOCALITIES, &["city"], &CATEGORIES, services);
    let mut ids = d.subset(&["colour", "police", "risk", "place", "kids"]);
    if ids.is_empty() {
        ids.push("police");
    }
    let questions: Vec<Question> = d
        .shuffled(&ids)
        .into_iter()
        .map(|id| pool_question(d, id, &directory))
        .collect();
    let pathways = (0..1 + d.below(4))
        .map(|i| {
            let condition = random_condition(d, &questions, 2);
            pathway(&format!("p{i}"), condition, random_referrals(d, &directory))
        })
        .collect();
    let fallback = d
        .chance(2)
        .then(|| fallback(random_referrals(d, &directory)));
    let mut eligibility = Eligibility::default();
    for client in [Client::Victims, Client::Children] {
        if !d.chance(3) {
            eligibility
                .serves
                .push((at(client), random_condition(d, &questions, 1)));
        }
    }
    if d.chance(2) {
        eligibility
            .risk_levels
            .push((at(RiskLevel::High), random_condition(d, &questions, 1)));
    }
    let rules = RuleSet {
        questions,
        pathways,
        fallback,
        eligibility,
    };
    (rules, directory)
}

fn area((rules, directory): (RuleSet, Directory)) -> Area {
    Area {
        root: "area".into(),
        sources: Sources::new(),
        directory,
        rules,
        diagnostics: Vec::new(),
    }
}

/// Every situation of a space, in order.
fn situations(questions: &[Question]) -> Vec<Vec<u32>> {
    questions.iter().fold(vec![vec![]], |all, q| {
        all.into_iter()
            .flat_map(|s| {
                (0..q.domain.len() as u32).map(move |v| {
                    let mut t = s.clone();
                    t.push(v);
                    t
                })
            })
            .collect()
    })
}

/// A side's outcome in a unified situation, from its own compilation: each of its
/// questions answered with the value of the same id.
fn outcome_at(compiled: &Compiled, space: &Space, s: &[u32]) -> Outcome {
    let own: Vec<u32> = compiled
        .rules()
        .questions
        .iter()
        .map(|q| {
            let (u, unified) = space
                .questions
                .iter()
                .enumerate()
                .find(|(_, x)| x.id.value == q.id.value)
                .unwrap();
            q.domain
                .index_of(&unified.domain.values[s[u] as usize].id)
                .unwrap()
        })
        .collect();
    let table = compiled.outcome_table();
    let leaf = value_at(table.manager(), table.root(), &own);
    table.outcome(leaf).unwrap().clone()
}

/// The pathways and whether the fallback led to a service (as `Referred::via` says).
type Led = (BTreeSet<usize>, bool);

fn services_of(outcome: &Outcome) -> BTreeSet<&str> {
    outcome
        .referrals
        .iter()
        .map(|r| r.service.as_str())
        .collect()
}

fn referral<'a>(outcome: &'a Outcome, service: &str) -> Option<&'a Referral> {
    outcome.referrals.iter().find(|r| r.service == service)
}

/// The change to one service's referral in one situation, from the two outcomes.
fn key_of(old: Option<&Referral>, new: Option<&Referral>) -> Option<Key> {
    match (old, new) {
        (None, Some(n)) => Some(Key::Added(std::cmp::Reverse(n.urgency))),
        (Some(_), None) => Some(Key::Removed),
        (Some(o), Some(n)) if o.urgency != n.urgency => Some(Key::Urgency(o.urgency, n.urgency)),
        _ => None,
    }
}

fn check_pair(data: &[u32]) {
    let d = &mut Draw { data, at: 0 };
    let base: Vec<Service> = (0..1 + d.below(3))
        .map(|i| random_service(d, &format!("s{i}")))
        .collect();
    let (old, new) = (area(random_side(d, &base)), area(random_side(d, &base)));
    let dates = [date(2012, 10, 1), date(2013, 6, 1)];
    let (old_date, new_date): (Date, Date) = (dates[d.below(2)], dates[d.below(2)]);
    let old_own = compile(&old.rules, &old.directory, old_date);
    let new_own = compile(&new.rules, &new.directory, new_date);

    let space = Space::unify(&old.rules, &new.rules);
    let placed_old = space.place(&old.rules, &space.placement(&old.rules));
    let placed_new = space.place(&new.rules, &space.placement(&new.rules));
    let (placed_old, placed_new) = (
        compile(&placed_old, &old.directory, old_date),
        compile(&placed_new, &new.directory, new_date),
    );
    let sets = sets(&placed_old, &placed_new);
    let m = &sets.manager;

    let mut expected: BTreeMap<(String, Key), u128> = BTreeMap::new();
    let mut expected_via: BTreeMap<(String, Key), [Led; 2]> = BTreeMap::new();
    let mut changed = 0u128;
    for s in situations(&space.questions) {
        let (a, b) = (
            outcome_at(&old_own, &space, &s),
            outcome_at(&new_own, &space, &s),
        );
        let mut differs = false;
        let services: BTreeSet<&str> = services_of(&a).union(&services_of(&b)).copied().collect();
        for service in services {
            let (was, now) = (referral(&a, service), referral(&b, service));
            let key = key_of(was, now);
            let keys = sets.by_service.get(service);
            for (k, set) in keys.into_iter().flatten() {
                let inside = value_at(m, *set, &s) != 0;
                assert_eq!(inside, key == Some(*k), "{service} {k:?} at {s:?}");
            }
            if let Some(key) = key {
                differs = true;
                assert!(
                    keys.is_some_and(|k| k.contains_key(&key)),
                    "{service} {key:?} missing"
                );
                *expected.entry((service.to_string(), key)).or_default() += 1;
                let vias = expected_via.entry((service.to_string(), key)).or_default();
                for (via, found) in vias.iter_mut().zip([was, now]) {
                    if let Some(r) = found {
                        via.0.extend(r.pathways.iter().copied());
                        via.1 |= r.fallback;
                    }
                }
            }
        }
        assert_eq!(
            value_at(m, sets.any, &s) != 0,
            differs,
            "any change at {s:?}"
        );
        changed += u128::from(differs);
    }
    assert_eq!(m.count(sets.any), changed);
    let counted: BTreeMap<(String, Key), u128> = sets
        .by_service
        .iter()
        .flat_map(|(service, keys)| {
            keys.iter()
                .map(move |(k, set)| ((service.clone(), *k), m.count(*set)))
        })
        .collect();
    assert_eq!(counted, expected);
    for ((service, key), [was, now]) in &expected_via {
        let set = sets.by_service[service][key];
        let (old_via, new_via) = (sets.old.via(m, service, set), sets.new.via(m, service, set));
        let own =
            |(pathways, fallback): (Vec<usize>, bool)| (pathways.into_iter().collect(), fallback);
        assert_eq!(&own(old_via), was, "{service} {key:?} on OLD's side");
        assert_eq!(&own(new_via), now, "{service} {key:?} on NEW's side");
    }

    let report = diff(
        &Side {
            label: "old".into(),
            area: &old,
            as_of: old_date,
        },
        &Side {
            label: "new".into(),
            area: &new,
            as_of: new_date,
        },
    );
    assert_eq!(report.changed_situations, changed);
    assert_eq!(
        report.situations,
        situations(&space.questions).len() as u128
    );
    for service in &report.referrals {
        let total = |kind: ChangeKind| -> u128 {
            expected
                .iter()
                .filter(|((s, k), _)| s == &service.service && k.kind() == kind)
                .map(|(_, n)| n)
                .sum()
        };
        assert_eq!(service.added, total(ChangeKind::Added));
        assert_eq!(service.removed, total(ChangeKind::Removed));
        assert_eq!(service.urgency_changed, total(ChangeKind::Urgency));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn symbolic_diff_equals_enumeration(data in proptest::collection::vec(any::<u32>(), 250)) {
        check_pair(&data);
    }
}

/// The small area against itself with the children's IDVA still open, then with a
/// pathway widened: exact sets, reasons and the pathways on each side.
#[test]
fn reports_a_closed_service_and_a_widened_pathway() {
    let (rules, directory) = small_area();
    let mut open = directory.clone();
    for s in &mut open.services {
        if s.id == "cyp-idva" {
            s.available_until = None;
        }
    }
    let old = area((rules.clone(), open));
    let mut widened = rules.clone();
    let q = &rules.questions;
    widened.pathways[1].condition = and(vec![
        is(q, "risk", &["standard", "medium", "high"]),
        is(q, "perpetrator", &["no"]),
    ]);
    let new = area((widened, directory));
    let report = diff(
        &Side {
            label: "old".into(),
            area: &old,
            as_of: as_of(),
        },
        &Side {
            label: "new".into(),
            area: &new,
            as_of: as_of(),
        },
    );
    let by_id = |id: &str| report.referrals.iter().find(|s| s.service == id).unwrap();
    let cyp = by_id("cyp-idva");
    assert_eq!(cyp.changes.len(), 1);
    let change = &cyp.changes[0];
    assert_eq!(change.kind, ChangeKind::Removed);
    assert!(
        change
            .reasons
            .iter()
            .any(|r| r == "service closed (available until 2012-03-31)"),
        "{:?}",
        change.reasons
    );
    assert_eq!(change.old_via.pathways, vec!["children"]);
    assert!(change.new_via.pathways.is_empty());
    let support = by_id("advocacy-support");
    assert_eq!(support.changes[0].kind, ChangeKind::Added);
    // Newly referred: high risk victims anywhere (4 localities x 2 children) and
    // standard or medium risk victims outside the area (2 x 2).
    assert_eq!(support.added, 8 + 4);
    assert_eq!(
        support.changes[0].reasons,
        vec!["pathway `support` changed (when)"]
    );
    assert_eq!(report.inventory.pathways.changed[0].id, "support");
}
