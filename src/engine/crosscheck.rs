//! The brute-force cross-check: random small rule sets and directories, compiled, and
//! compared in every situation of their answer space with a direct evaluator written
//! here from the semantics in the engine's module documentation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::Date;
use proptest::prelude::*;

use super::diagram::tests::value_at;
use super::diagram::{Manager, NodeId};
use super::evaluate::common;
use super::fixtures::*;
use super::outcomes::{ReferralTargets, situation_outcome};
use super::*;
use crate::directory::model::{Client, Coverage, Directory, RiskLevel, Service};
use crate::rules::model::{Condition, DomainKind, Eligibility, Question, RuleSet, Target, Urgency};

// ---- The reference semantics, one situation at a time. ----

pub(crate) fn holds(c: &Condition, s: &[u32]) -> bool {
    match c {
        Condition::Always => true,
        Condition::In {
            question, values, ..
        } => values.contains(&s[*question]),
        Condition::Not(inner, _) => !holds(inner, s),
        Condition::And(parts, _) => parts.iter().all(|p| holds(p, s)),
        Condition::Or(parts, _) => parts.iter().any(|p| holds(p, s)),
    }
}

fn answer_id<'a>(rules: &'a RuleSet, kind: DomainKind, s: &[u32]) -> Option<&'a str> {
    let q = rules.question_of_kind(|k| k == kind)?;
    Some(rules.questions[q].domain.values[s[q] as usize].id.as_str())
}

pub(crate) fn eligible(
    rules: &RuleSet,
    dir: &Directory,
    svc: &Service,
    as_of: Date,
    s: &[u32],
) -> bool {
    eligible_anywhere(rules, svc, as_of, s)
        && answer_id(rules, DomainKind::Locality, s).is_none_or(|id| {
            // Read from the YAML's words, not from `Directory::places`, which the
            // compiler uses.
            let locality = &dir.localities[dir
                .locality_index(id)
                .expect("the locality question's answers are the directory's localities")];
            match &svc.localities {
                Coverage::Anywhere(_) => true,
                Coverage::Listed(ids) => ids
                    .iter()
                    .any(|c| c.value == id || locality.groups.iter().any(|g| g.value == c.value)),
            }
        })
}

pub(crate) fn eligible_anywhere(rules: &RuleSet, svc: &Service, as_of: Date, s: &[u32]) -> bool {
    let e = &rules.eligibility;
    let serves = svc.serves.iter().any(|cl| {
        e.serves
            .iter()
            .any(|(k, c)| k.value == cl.value && holds(c, s))
    });
    let risk = svc.risk_levels.is_empty()
        || svc.risk_levels.iter().any(|level| {
            let lines: Vec<&Condition> = e
                .risk_levels
                .iter()
                .filter(|(k, _)| k.value == level.value)
                .map(|(_, c)| c)
                .collect();
            if lines.is_empty() {
                answer_id(rules, DomainKind::RiskLevel, s).is_none_or(|id| id == level.id())
            } else {
                lines.iter().any(|c| holds(c, s))
            }
        });
    let age = match (answer_id(rules, DomainKind::Age, s), svc.ages) {
        (Some(id), Some(r)) => {
            let age: u32 = id.parse().unwrap();
            r.min <= age && age <= r.max
        }
        _ => true,
    };
    let requires = svc.requires.iter().all(|r| {
        e.requires
            .iter()
            .any(|(k, c)| k.value == r.value && holds(c, s))
    });
    svc.is_open_on(as_of) && serves && risk && age && requires
}

pub(crate) fn reference(rules: &RuleSet, dir: &Directory, as_of: Date, s: &[u32]) -> Outcome {
    let fired: Vec<usize> = (0..rules.pathways.len())
        .filter(|&p| holds(&rules.pathways[p].condition, s))
        .collect();
    let mut list: Vec<Referral> = Vec::new();
    let add =
        |list: &mut Vec<Referral>, refers: &[crate::rules::model::ReferTo], p: Option<usize>| {
            for r in refers {
                let services: Vec<String> = match &r.target {
                    Target::Service(id) => dir
                        .service(id)
                        .filter(|svc| svc.is_open_on(as_of))
                        .map(|svc| svc.id.clone())
                        .into_iter()
                        .collect(),
                    Target::Category(c) => dir
                        .services
                        .iter()
                        .filter(|svc| svc.in_category(c) && eligible(rules, dir, svc, as_of, s))
                        .map(|svc| svc.id.clone())
                        .collect(),
                };
                for service in services {
                    match list.iter_mut().find(|x| x.service == service) {
                        Some(x) => {
                            x.urgency = x.urgency.max(r.urgency);
                            if let Some(p) = p
                                && !x.pathways.contains(&p)
                            {
                                x.pathways.push(p);
                            }
                        }
                        None => list.push(Referral {
                            service,
                            pathways: p.into_iter().collect(),
                            urgency: r.urgency,
                            fallback: p.is_none(),
                        }),
                    }
                }
            }
        };
    for &p in &fired {
        add(&mut list, &rules.pathways[p].referrals, Some(p));
    }
    let fallback = list.is_empty() && rules.fallback.is_some();
    if let Some(f) = rules.fallback.as_ref().filter(|_| fallback) {
        add(&mut list, &f.referrals, None);
    }
    list.sort_by_key(|r| std::cmp::Reverse(r.urgency));
    Outcome {
        referrals: list,
        pathways: fired,
        fallback,
    }
}

// ---- Random small areas, drawn from a stream of numbers proptest shrinks. ----

pub(crate) struct Draw<'a> {
    pub(crate) data: &'a [u32],
    pub(crate) at: usize,
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
}

const LOCALITIES: [&str; 4] = ["north", "south", "east", "outside"];
const CATEGORIES: [&str; 3] = ["advocacy", "children", "housing"];

pub(crate) fn random_area(d: &mut Draw) -> (RuleSet, Directory, Date) {
    let localities: Vec<(&str, &[&str])> = LOCALITIES[..2 + d.below(3)]
        .iter()
        .map(|&l| (l, if d.chance(3) { &[][..] } else { &["city"][..] }))
        .collect();
    let places: Vec<&str> = localities.iter().map(|(l, _)| *l).chain(["city"]).collect();
    let services: Vec<Service> = (0..1 + d.below(6))
        .map(|i| random_service(d, i, &places))
        .collect();
    let directory = directory(&localities, &["city"], &CATEGORIES, services);
    let questions = random_questions(d, &directory);
    let service_ids: Vec<String> = directory.services.iter().map(|s| s.id.clone()).collect();
    let pathways = (0..1 + d.below(8))
        .map(|i| {
            let condition = random_condition(d, &questions, 3);
            pathway(
                &format!("p{i}"),
                condition,
                random_referrals(d, &service_ids),
            )
        })
        .collect();
    let fallback = d
        .chance(2)
        .then(|| fallback(random_referrals(d, &service_ids)));
    let eligibility = random_eligibility(d, &questions);
    let rules = RuleSet {
        questions,
        pathways,
        fallback,
        eligibility,
    };
    (rules, directory, as_of())
}

fn random_questions(d: &mut Draw, directory: &Directory) -> Vec<Question> {
    let mut used = BTreeSet::new();
    (0..2 + d.below(4))
        .map(|i| {
            let id = format!("q{i}");
            let kind = d.below(6);
            let kind = if used.insert(kind) || kind < 2 {
                kind
            } else {
                0
            };
            match kind {
                0 => {
                    let values = ["a", "b", "c", "d"];
                    question(&id, DomainKind::Choice, &values[..2 + d.below(3)])
                }
                1 => yes_no(&id),
                2 => risk(&id),
                3 => locality(&id, directory),
                4 => number(&id, DomainKind::Age, 15, 16 + d.below(3) as i64),
                // Sometimes wide enough for the diagrams' stretches of answers.
                _ => {
                    let max = if d.chance(3) { 17 } else { 2 };
                    number(&id, DomainKind::Number { min: 0, max }, 0, max)
                }
            }
        })
        .collect()
}

fn random_condition(d: &mut Draw, questions: &[Question], depth: usize) -> Condition {
    let pick = if depth == 0 { 0 } else { d.below(5) };
    match pick {
        0 | 1 => {
            let q = &questions[d.below(questions.len())];
            let ids: Vec<&str> = q.domain.values.iter().map(|v| v.id.as_str()).collect();
            let mut values = d.subset(&ids);
            if values.is_empty() && !d.chance(4) {
                values.push(ids[d.below(ids.len())]);
            }
            is(questions, &q.id.value, &values)
        }
        2 => not(random_condition(d, questions, depth - 1)),
        3 => and((0..2 + d.below(2))
            .map(|_| random_condition(d, questions, depth - 1))
            .collect()),
        _ => or((0..2 + d.below(2))
            .map(|_| random_condition(d, questions, depth - 1))
            .collect()),
    }
}

fn random_referrals(d: &mut Draw, services: &[String]) -> Vec<crate::rules::model::ReferTo> {
    let urgencies = [Urgency::Routine, Urgency::Urgent, Urgency::Immediate];
    (0..1 + d.below(3))
        .map(|_| {
            let urgency = urgencies[d.below(3)];
            if d.chance(2) {
                to_service(&services[d.below(services.len())], urgency)
            } else {
                to_category(CATEGORIES[d.below(CATEGORIES.len())], urgency)
            }
        })
        .collect()
}

fn random_service(d: &mut Draw, i: usize, places: &[&str]) -> Service {
    let mut s = service(&format!("s{i}"), &d.subset(&CATEGORIES));
    s = serving(s, &d.subset(&Client::ALL));
    s = at_risk(s, &d.subset(&RiskLevel::ALL));
    if d.chance(3) {
        let min = 15 + d.below(3) as u32;
        s = aged(s, min, min + d.below(2) as u32);
    }
    if d.chance(2) {
        s = covering(s, &d.subset(places));
    }
    // Closed, opening or closing within 90 days of the reference date, and later.
    let dates = [
        None,
        Some(jiff::civil::date(2012, 1, 1)),
        Some(jiff::civil::date(2012, 11, 15)),
        Some(jiff::civil::date(2013, 1, 1)),
    ];
    s = open_between(s, dates[d.below(4)], dates[d.below(4)]);
    if d.chance(4) {
        s = requiring(s, &[["court-order", "referral"][d.below(2)]]);
    }
    s
}

fn random_eligibility(d: &mut Draw, questions: &[Question]) -> Eligibility {
    let mut e = Eligibility::default();
    for client in Client::ALL {
        for _ in 0..d.below(3) {
            e.serves
                .push((at(client), random_condition(d, questions, 2)));
        }
    }
    if d.chance(2) {
        e.requires.push((
            at("court-order".to_string()),
            random_condition(d, questions, 1),
        ));
    }
    for level in RiskLevel::ALL {
        if d.chance(3) {
            e.risk_levels
                .push((at(level), random_condition(d, questions, 1)));
        }
    }
    e
}

// ---- The checks. ----

pub(crate) fn situations(rules: &RuleSet) -> Vec<Vec<u32>> {
    let mut all = vec![vec![]];
    for q in &rules.questions {
        let n = q.domain.len() as u32;
        all = all
            .into_iter()
            .flat_map(|s| {
                (0..n).map(move |v| {
                    let mut t = s.clone();
                    t.push(v);
                    t
                })
            })
            .collect();
    }
    all
}

/// Follows `root` through `nodes` as the site's script does.
fn walk<'a>(diagram: &'a Diagram, s: &[u32]) -> &'a Outcome {
    let mut r = diagram.root;
    while r >= 0 {
        let DiagramNode(q, children) = &diagram.nodes[r as usize];
        r = children[s[*q] as usize];
    }
    &diagram.outcomes[(-r - 1) as usize]
}

fn check_diagram_shape(diagram: &Diagram) {
    let mut seen = BTreeSet::new();
    for (i, DiagramNode(q, children)) in diagram.nodes.iter().enumerate() {
        assert!(
            children.iter().any(|&c| c != children[0]),
            "node {i} is redundant"
        );
        assert!(
            seen.insert((q, children.clone())),
            "node {i} is a duplicate"
        );
        for &c in children {
            assert!(c < i as i64, "children come before parents");
            if c >= 0 {
                assert!(diagram.nodes[c as usize].0 > *q, "questions increase");
            }
        }
    }
}

fn check_area(data: &[u32]) {
    let (rules, dir, as_of) = random_area(&mut Draw { data, at: 0 });
    let compiled = compile(&rules, &dir, as_of);
    // Evaluates through tables of the answers' completions: it never builds the
    // whole space's table (which `diagram` below builds for `compiled`).
    let on_demand = compile(&rules, &dir, as_of);
    let m = compiled.manager();
    let diagram = compiled.diagram();
    check_diagram_shape(diagram);
    let all = situations(&rules);
    // Rules whose bit sets do not fit are walked instead.
    let walked = ReferralTargets::within(&on_demand, 0);
    let mut outcome_of: HashMap<Vec<u32>, Outcome> = HashMap::new();
    for s in &all {
        let expected = reference(&rules, &dir, as_of, s);
        let answers = Answers::from(s.iter().map(|&v| Some(v)).collect::<Vec<_>>());
        assert_eq!(
            compiled.evaluate(&answers),
            common(&[&expected]),
            "situation {s:?}"
        );
        assert_eq!(
            on_demand.evaluate_restricted(&answers),
            common(&[&expected]),
            "situation {s:?}, restricted table"
        );
        // Without the whole table, complete answers are read from the conditions
        // and eligibility diagrams.
        assert_eq!(
            on_demand.evaluate(&answers),
            common(&[&expected]),
            "situation {s:?}, read without the table"
        );
        assert_eq!(
            situation_outcome(&on_demand, &walked, answers.as_slice()).as_ref(),
            Some(&expected),
            "situation {s:?}, each diagram walked"
        );
        assert_eq!(on_demand.fired(&answers), Some(expected.pathways.clone()));
        assert_eq!(walk(diagram, s), &expected, "diagram walk, situation {s:?}");
        for (i, svc) in dir.services.iter().enumerate() {
            let here = value_at(m, compiled.eligible(i).unwrap(), s) != 0;
            assert_eq!(here, eligible(&rules, &dir, svc, as_of, s));
            let anywhere = value_at(m, compiled.eligible_anywhere(i).unwrap(), s) != 0;
            assert_eq!(anywhere, eligible_anywhere(&rules, svc, as_of, s));
        }
        for c in CATEGORIES {
            let table = compiled.outcome_table();
            let leaf = value_at(table.manager(), table.category_services(c).unwrap(), s);
            let expected: Vec<usize> = (0..dir.services.len())
                .filter(|&i| {
                    let svc = &dir.services[i];
                    svc.in_category(c) && eligible(&rules, &dir, svc, as_of, s)
                })
                .collect();
            assert_eq!(table.service_set(leaf), expected);
        }
        let table = compiled.outcome_table();
        let fired = table.pathway_set(value_at(table.manager(), table.fired_pathways(), s));
        assert_eq!(fired, expected.pathways);
        outcome_of.insert(s.clone(), expected);
    }
    for p in 0..rules.pathways.len() {
        check_counts(m, compiled.pathway_condition(p).unwrap(), &rules, p, &all);
    }
    let mut d = Draw {
        data,
        at: data.len() / 2,
    };
    for _ in 0..6 {
        let partial: Vec<Option<u32>> = rules
            .questions
            .iter()
            .map(|q| (!d.chance(2)).then(|| d.below(q.domain.len()) as u32))
            .collect();
        check_partial(&compiled, &outcome_of, &all, &partial);
        let answers = Answers::from(partial);
        assert_eq!(
            on_demand.evaluate_restricted(&answers),
            compiled.evaluate(&answers)
        );
    }
    assert!(on_demand.built_outcome_table().is_none());
}

/// Counting, witnesses and cubes agree with enumeration.
fn check_counts(m: &Manager, f: NodeId, rules: &RuleSet, p: usize, all: &[Vec<u32>]) {
    let condition = &rules.pathways[p].condition;
    let count = all.iter().filter(|s| holds(condition, s)).count() as u128;
    assert_eq!(m.count(f), count);
    match m.any_path(f, |v| v != 0) {
        Some(path) => {
            let s = all
                .iter()
                .find(|s| path.iter().all(|&(q, v)| s[q] == v))
                .unwrap();
            assert!(holds(condition, s));
        }
        None => assert_eq!(count, 0),
    }
    let mut covered = 0u128;
    for cube in m.cubes(f, |v| v != 0) {
        let inside: Vec<&Vec<u32>> = all
            .iter()
            .filter(|s| cube.parts.iter().all(|(q, vs)| vs.contains(&s[*q])))
            .collect();
        assert!(inside.iter().all(|s| holds(condition, s)));
        covered += inside.len() as u128;
    }
    assert_eq!(covered, count, "cubes are disjoint and cover the condition");
}

fn check_partial(
    compiled: &Compiled,
    outcome_of: &HashMap<Vec<u32>, Outcome>,
    all: &[Vec<u32>],
    partial: &[Option<u32>],
) {
    let completes = |s: &Vec<u32>| {
        partial
            .iter()
            .zip(s)
            .all(|(a, v)| a.is_none_or(|a| a == *v))
    };
    let completions: Vec<&Vec<u32>> = all.iter().filter(|s| completes(s)).collect();
    let outcomes: Vec<&Outcome> = completions.iter().map(|s| &outcome_of[*s]).collect();
    let matter: Vec<usize> = (0..partial.len())
        .filter(|&q| partial[q].is_none())
        .filter(|&q| {
            completions.iter().any(|s| {
                all.iter().any(|t| {
                    (0..s.len()).all(|i| i == q || s[i] == t[i]) && outcome_of[t] != outcome_of[*s]
                })
            })
        })
        .collect();
    let evaluation = compiled.evaluate(&Answers::from(partial.to_vec()));
    let expected = Evaluation {
        questions_that_matter: matter,
        ..common(&outcomes)
    };
    assert_eq!(evaluation, expected, "partial answers {partial:?}");
    let table = compiled.outcome_table();
    let mut scratch = table.manager().fresh();
    let root = table
        .manager()
        .restrict_into(table.root(), partial, &mut scratch);
    let reachable: HashSet<&Outcome> = scratch
        .leaves(root)
        .into_iter()
        .map(|id| table.outcome(id).unwrap())
        .collect();
    let enumerated: HashSet<&Outcome> = outcomes.into_iter().collect();
    assert_eq!(reachable, enumerated, "outcomes reachable from {partial:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn diagram_agrees_with_direct_evaluation(data in proptest::collection::vec(any::<u32>(), 300)) {
        check_area(&data);
    }
}

#[test]
fn common_referrals_keep_what_every_outcome_shares() {
    let referral = |service: &str, pathways: Vec<usize>, urgency| Referral {
        service: service.to_string(),
        pathways,
        urgency,
        fallback: false,
    };
    let a = Outcome {
        referrals: vec![
            referral("marac", vec![0, 2], Urgency::Immediate),
            referral("idva", vec![0], Urgency::Urgent),
            referral("refuge", vec![1], Urgency::Routine),
        ],
        pathways: vec![0, 1, 2],
        fallback: false,
    };
    let b = Outcome {
        referrals: vec![
            referral("idva", vec![0], Urgency::Urgent),
            referral("marac", vec![0], Urgency::Urgent),
        ],
        pathways: vec![0],
        fallback: false,
    };
    let both = common(&[&a, &b]);
    assert_eq!(
        both.referrals,
        vec![
            referral("idva", vec![0], Urgency::Urgent),
            referral("marac", vec![0], Urgency::Urgent),
        ]
    );
    assert_eq!(both.pathways, vec![0]);
    assert_eq!(common(&[&b, &a]), both);
}

/// A moderately large synthetic area compiles, and sampled situations agree with
/// the direct evaluator. (Not timed: the size and time are printed for the record.)
#[test]
fn compiles_a_moderately_large_area() {
    let scale = Scale {
        localities: 100,
        questions: 12,
        pathways: 300,
        services: 1_000,
    };
    let (rules, dir) = synthetic(&scale, 7);
    let started = std::time::Instant::now();
    let compiled = compile(&rules, &dir, as_of());
    let m = compiled.manager();
    eprintln!(
        "compiled in {:?}: {} nodes in all, {} in the outcome diagram, {} outcomes",
        started.elapsed(),
        m.len(),
        compiled.diagram().nodes.len(),
        compiled.outcome_table().outcomes().len()
    );
    let mut rng = super::fixtures::Rng::new(11);
    for _ in 0..300 {
        let s: Vec<u32> = rules
            .questions
            .iter()
            .map(|q| rng.below(q.domain.len()) as u32)
            .collect();
        let expected = reference(&rules, &dir, as_of(), &s);
        let answers = Answers::from(s.iter().map(|&v| Some(v)).collect::<Vec<_>>());
        assert_eq!(compiled.evaluate(&answers), common(&[&expected]));
        assert_eq!(walk(compiled.diagram(), &s), &expected);
    }
}
