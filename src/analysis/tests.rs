//! The checks against brute-force enumeration over random small areas (the engine's
//! cross-check generator): every finding, every count and every witness must be what
//! enumerating the whole answer space gives. Witnesses are parsed back into sets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use proptest::prelude::*;

use super::checks;
use super::witness::{Parts, Vocabulary};
use crate::diagnostic::Diagnostic;
use crate::directory::model::Directory;
use crate::engine::crosscheck::{
    Draw, eligible, eligible_anywhere, holds, random_area, reference, situations,
};
use crate::engine::diagram::tests::value_at;
use crate::engine::{Compiled, NodeId, compile};
use crate::rules::model::{DomainKind, Question, ReferTo, RuleSet, Target, Urgency};
use crate::source::Sources;

type Situation = Vec<u32>;
type Set = BTreeSet<Situation>;

// ---- Parsing witnesses back into sets of situations. ----

/// The situations a sentence describes; `None` when it says there are more cases.
fn parse_sentence(words: &Vocabulary, sentence: &str, all: &[Situation]) -> Option<Set> {
    if sentence.contains(" more case") {
        return None;
    }
    let mut set = Set::new();
    if sentence == "in no situation" {
        return Some(set);
    }
    for description in sentence.split("; or ") {
        set.extend(inside(&parse_description(words, description), all));
    }
    Some(set)
}

fn inside(parts: &Parts, all: &[Situation]) -> Set {
    all.iter()
        .filter(|s| parts.iter().zip(s.iter()).all(|(p, v)| p.contains(v)))
        .cloned()
        .collect()
}

fn full(rules: &RuleSet) -> Parts {
    rules
        .questions
        .iter()
        .map(|q| (0..q.domain.len() as u32).collect())
        .collect()
}

fn parse_description(words: &Vocabulary, text: &str) -> Parts {
    let mut parts = full(words.rules);
    if text == "in every situation" {
        return parts;
    }
    let (conjunction, place) = if text.starts_with("in ") || text.starts_with("anywhere but ") {
        ("", Some(text))
    } else {
        match text.rsplit_once(", ") {
            Some((c, p)) => (c, Some(p)),
            None => (text, None),
        }
    };
    if let Some(place) = place {
        let q = words
            .rules
            .question_of_kind(|k| k == DomainKind::Locality)
            .unwrap();
        parts[q] = parse_place(words, &words.rules.questions[q], place);
    }
    if !conjunction.is_empty() {
        parse_conjunction(words.rules, conjunction, &mut parts);
    }
    parts
}

fn parse_place(words: &Vocabulary, question: &Question, text: &str) -> BTreeSet<u32> {
    let index = |id: &str| question.domain.index_of(id).unwrap();
    if let Some(rest) = text.strip_prefix("anywhere but ") {
        let out: BTreeSet<u32> = rest.split(" or ").map(index).collect();
        return (0..question.domain.len() as u32)
            .filter(|v| !out.contains(v))
            .collect();
    }
    let rest = text.strip_prefix("in ").unwrap();
    if words.directory.is_group(rest) {
        return words
            .directory
            .group_members(rest)
            .into_iter()
            .map(|i| i as u32)
            .collect();
    }
    rest.split(" or ").map(index).collect()
}

fn parse_conjunction(rules: &RuleSet, text: &str, parts: &mut Parts) {
    let t: Vec<&str> = text.split(' ').collect();
    let mut i = 0;
    while i < t.len() {
        let grouped = t[i].starts_with('(');
        let id = t[i].trim_start_matches('(');
        let (q, question) = rules.question(id).unwrap();
        assert_eq!(t[i + 1], "is", "in {text:?}");
        i += 2;
        let mut values = BTreeSet::new();
        loop {
            i = parse_values(question, &t, i, &mut values);
            if !grouped || t[i - 1].ends_with(')') {
                break;
            }
            assert_eq!((t[i], t[i + 1], t[i + 2]), ("or", id, "is"), "in {text:?}");
            i += 3;
        }
        parts[q] = values;
        if i < t.len() {
            assert_eq!(t[i], "and", "in {text:?}");
            i += 1;
        }
    }
}

/// Reads one test of a question's values from `t[i..]`; returns where it stopped.
fn parse_values(question: &Question, t: &[&str], mut i: usize, out: &mut BTreeSet<u32>) -> usize {
    let n = question.domain.len() as u32;
    let index = |id: &str| question.domain.index_of(id.trim_end_matches(')')).unwrap();
    let numeric = matches!(
        question.domain.kind,
        DomainKind::Number { .. } | DomainKind::Age
    );
    if numeric {
        let (lo, hi, used) = match (t[i], t.get(i + 1).copied()) {
            ("at", Some("most")) => (0, index(t[i + 2]), 3),
            ("at", Some("least")) => (index(t[i + 2]), n - 1, 3),
            ("between", _) => {
                assert_eq!(t[i + 2], "and");
                (index(t[i + 1]), index(t[i + 3]), 4)
            }
            (one, _) => (index(one), index(one), 1),
        };
        out.extend(lo..=hi);
        return i + used;
    }
    let negated = t[i] == "not";
    if negated {
        i += 1;
    }
    let mut listed = BTreeSet::from([index(t[i])]);
    i += 1;
    while i + 1 < t.len() && t[i] == "or" {
        listed.insert(index(t[i + 1]));
        i += 2;
    }
    if negated {
        out.extend((0..n).filter(|v| !listed.contains(v)));
    } else {
        out.extend(listed);
    }
    i
}

/// The number and the sentence of a message such as "... in 12 situations, ...: S".
fn count_and_sentence(d: &Diagnostic) -> (u128, String) {
    let words: Vec<&str> = d.message.split(' ').collect();
    let at = words
        .iter()
        .position(|w| w.starts_with("situation"))
        .unwrap_or_else(|| panic!("no count in {:?}", d.message));
    let count = words[at - 1].trim_start_matches('(').parse().unwrap();
    let after: String = words[at..].join(" ");
    let mut sentence = after.split_once(": ").unwrap().1.to_string();
    if d.code == "ineligible-referral" && d.is_error() {
        sentence.pop();
    }
    (count, sentence)
}

// ---- What enumeration says. ----

/// The findings of the checks, in a form both sides can produce.
#[derive(Debug, Default, PartialEq, Eq)]
struct Findings {
    /// Where no pathway applies and nobody is referred; where pathways apply but
    /// nobody is referred.
    unmatched: Set,
    unserved: Set,
    unreachable: BTreeSet<String>,
    redundant: BTreeSet<String>,
    /// (code, who, service or category, count, error?), sorted.
    referrals: Vec<(String, String, String, u128, bool)>,
    service_gaps: BTreeMap<String, String>,
    orphans: BTreeSet<String>,
}

fn referred(
    rules: &RuleSet,
    dir: &Directory,
    as_of: Date,
    s: &[u32],
) -> BTreeSet<(String, Urgency)> {
    reference(rules, dir, as_of, s)
        .referrals
        .into_iter()
        .filter(|r| !r.fallback)
        .map(|r| (r.service, r.urgency))
        .collect()
}

fn enumerate(rules: &RuleSet, dir: &Directory, as_of: Date, all: &[Situation]) -> Findings {
    let mut found = Findings::default();
    let outcomes: Vec<_> = all
        .iter()
        .map(|s| reference(rules, dir, as_of, s))
        .collect();
    for (s, o) in all.iter().zip(&outcomes) {
        if o.referrals.is_empty() {
            if o.pathways.is_empty() {
                found.unmatched.insert(s.clone());
            } else {
                found.unserved.insert(s.clone());
            }
        }
    }
    let base: Vec<_> = outcomes
        .iter()
        .map(|o| {
            o.referrals
                .iter()
                .filter(|r| !r.fallback)
                .map(|r| (r.service.clone(), r.urgency))
                .collect::<BTreeSet<_>>()
        })
        .collect();
    for (p, pathway) in rules.pathways.iter().enumerate() {
        let id = pathway.id.value.clone();
        if !all.iter().any(|s| holds(&pathway.condition, s)) {
            found.unreachable.insert(id.clone());
        }
        let gives = outcomes
            .iter()
            .any(|o| o.referrals.iter().any(|r| r.pathways.contains(&p)));
        let mut without = rules.clone();
        without.pathways.remove(p);
        let same = || {
            all.iter()
                .zip(&base)
                .all(|(s, b)| *b == referred(&without, dir, as_of, s))
        };
        if gives && same() {
            found.redundant.insert(id);
        }
    }
    let referrers: Vec<(String, &[ReferTo], Set)> = rules
        .pathways
        .iter()
        .map(|p| {
            let applies = all
                .iter()
                .filter(|s| holds(&p.condition, s))
                .cloned()
                .collect();
            (
                format!("pathway `{}`", p.id.value),
                &p.referrals[..],
                applies,
            )
        })
        .chain(rules.fallback.iter().map(|f| {
            let applies = all
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| o.fallback)
                .map(|(s, _)| s.clone())
                .collect();
            (
                "the `otherwise` block".to_string(),
                &f.referrals[..],
                applies,
            )
        }))
        .collect();
    for (who, referrals, applies) in &referrers {
        for r in referrals.iter().filter(|_| !applies.is_empty()) {
            found
                .referrals
                .extend(referral_findings(rules, dir, as_of, who, r, applies));
        }
    }
    found.referrals.sort();
    found.service_gaps = service_gaps(rules, dir, as_of, &referrers);
    for svc in &dir.services {
        let somewhere = all.iter().any(|s| eligible(rules, dir, svc, as_of, s));
        let used = outcomes
            .iter()
            .any(|o| o.referrals.iter().any(|r| r.service == svc.id));
        if somewhere && !used {
            found.orphans.insert(svc.id.clone());
        }
    }
    found
}

fn referral_findings(
    rules: &RuleSet,
    dir: &Directory,
    as_of: Date,
    who: &str,
    r: &ReferTo,
    applies: &Set,
) -> Vec<(String, String, String, u128, bool)> {
    let mut out: Vec<(&str, &str, &String, u128, bool)> = Vec::new();
    match &r.target {
        Target::Service(id) => {
            let svc = dir.service(id).unwrap();
            if !svc.is_open_on(as_of) {
                return Vec::new();
            }
            let excluded = applies
                .iter()
                .filter(|s| !eligible_anywhere(rules, svc, as_of, s))
                .count() as u128;
            if excluded > 0 {
                let always = excluded == applies.len() as u128;
                let row = ("ineligible-referral", who, id, excluded, always);
                out.push(row);
            }
            let away = applies
                .iter()
                .filter(|s| {
                    eligible_anywhere(rules, svc, as_of, s) && !eligible(rules, dir, svc, as_of, s)
                })
                .count() as u128;
            if away > 0 {
                out.push(("out-of-area-referral", who, id, away, true));
            }
        }
        Target::Category(c) => {
            let found = applies.iter().any(|s| {
                dir.services
                    .iter()
                    .any(|svc| svc.in_category(c) && eligible(rules, dir, svc, as_of, s))
            });
            if !found {
                out.push(("empty-category-referral", who, c, 0, false));
            }
            if let Some(lost) = first_loss(rules, dir, as_of, c, applies) {
                out.push(("closing-soon", who, c, lost, false));
            }
        }
    }
    out.into_iter()
        .map(|(code, who, what, n, error)| {
            (code.to_string(), who.to_string(), what.clone(), n, error)
        })
        .collect()
}

/// On the first day within 90 days when some of `applies`, served by the category
/// today, are served by none of its services: how many they are.
fn first_loss(
    rules: &RuleSet,
    dir: &Directory,
    as_of: Date,
    c: &str,
    applies: &Set,
) -> Option<u128> {
    let soon = as_of.checked_add(jiff::ToSpan::days(90)).unwrap();
    let members: Vec<_> = dir.services.iter().filter(|s| s.in_category(c)).collect();
    let days: BTreeSet<Date> = members
        .iter()
        .flat_map(|s| {
            let from = s.available_from.as_ref().map(|d| d.value);
            let after = s
                .available_until
                .as_ref()
                .map(|d| d.value.tomorrow().unwrap());
            from.into_iter().chain(after)
        })
        .filter(|&day| as_of < day && day <= soon)
        .collect();
    let served = |s: &Situation, on: Date| members.iter().any(|m| eligible(rules, dir, m, on, s));
    days.into_iter().find_map(|day| {
        let lost = applies
            .iter()
            .filter(|s| served(s, as_of) && !served(s, day))
            .count() as u128;
        (lost > 0).then_some(lost)
    })
}

fn service_gaps(
    rules: &RuleSet,
    dir: &Directory,
    as_of: Date,
    referrers: &[(String, &[ReferTo], Set)],
) -> BTreeMap<String, String> {
    let Some(q) = rules.question_of_kind(|k| k == DomainKind::Locality) else {
        return BTreeMap::new();
    };
    let mut needed: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for (_, referrals, applies) in referrers {
        for r in referrals.iter() {
            if let Target::Category(c) = &r.target {
                needed
                    .entry(c.clone())
                    .or_default()
                    .extend(applies.iter().map(|s| s[q]));
            }
        }
    }
    needed
        .into_iter()
        .filter_map(|(c, places)| {
            let missing: Vec<&str> = places
                .iter()
                .map(|&v| &dir.localities[v as usize])
                .filter(|l| {
                    let i = dir.locality_index(&l.id.value).unwrap();
                    !dir.services.iter().any(|svc| {
                        svc.in_category(&c)
                            && svc.is_open_on(as_of)
                            && dir.covered_localities(svc).contains(&i)
                    })
                })
                .map(|l| l.id.value.as_str())
                .collect();
            (!missing.is_empty()).then(|| (c, missing.join(", ")))
        })
        .collect()
}

// ---- What the checks say, read back from their diagnostics. ----

fn between_backticks(text: &str, n: usize) -> String {
    text.split('`').nth(2 * n + 1).unwrap().to_string()
}

fn reported(words: &Vocabulary, diagnostics: &[Diagnostic], all: &[Situation]) -> Findings {
    let mut found = Findings::default();
    for d in diagnostics {
        let m = &d.message;
        match d.code {
            "coverage-gap" => {
                let (count, sentence) = count_and_sentence(d);
                let target = if m.starts_with("no pathway") {
                    &mut found.unmatched
                } else {
                    &mut found.unserved
                };
                match parse_sentence(words, &sentence, all) {
                    Some(set) => {
                        assert_eq!(set.len() as u128, count, "{m}");
                        *target = set;
                    }
                    // Too many cases to show: the count must still be right, so
                    // stand in the right number of placeholder situations.
                    None => target.extend((0..count).map(|i| vec![u32::MAX, i as u32])),
                }
            }
            "unreachable-pathway" => {
                found.unreachable.insert(between_backticks(m, 0));
            }
            "redundant-pathway" => {
                found.redundant.insert(between_backticks(m, 0));
            }
            "ineligible-referral" | "out-of-area-referral" => {
                let (count, sentence) = count_and_sentence(d);
                if let Some(set) = parse_sentence(words, &sentence, all) {
                    assert_eq!(set.len() as u128, count, "{m}");
                }
                let (who, _) = m.split_once(" refers to ").unwrap();
                let service = between_backticks(m.split_once(" refers to ").unwrap().1, 0);
                let error = d.is_error();
                let row = (d.code.to_string(), who.to_string(), service, count, error);
                found.referrals.push(row);
            }
            "closing-soon" => {
                let (count, sentence) = count_and_sentence(d);
                if let Some(set) = parse_sentence(words, &sentence, all) {
                    assert_eq!(set.len() as u128, count, "{m}");
                }
                let (who, rest) = m.split_once(" refers to ").unwrap();
                let row = (
                    d.code.to_string(),
                    who.to_string(),
                    between_backticks(rest, 0),
                    count,
                    d.is_error(),
                );
                found.referrals.push(row);
            }
            "empty-category-referral" => {
                let (who, rest) = m.split_once(" refers to ").unwrap();
                let row = (
                    d.code.to_string(),
                    who.to_string(),
                    between_backticks(rest, 0),
                    0,
                    false,
                );
                found.referrals.push(row);
            }
            "service-gap" => {
                let (_, list) = m.split_once(": ").unwrap();
                found
                    .service_gaps
                    .insert(between_backticks(m, 0), list.to_string());
            }
            "orphan-service" => {
                found.orphans.insert(between_backticks(m, 0));
            }
            other => panic!("unexpected diagnostic {other}: {m}"),
        }
    }
    found.referrals.sort();
    found
}

/// With placeholders standing for sets too large to show, compares counts only.
fn same_sets(expected: &Set, got: &Set) -> bool {
    if got.iter().any(|s| s.first() == Some(&u32::MAX)) {
        expected.len() == got.len()
    } else {
        expected == got
    }
}

// ---- Witnesses of any diagram describe exactly its set. ----

fn check_witness(words: &Vocabulary, compiled: &Compiled, f: NodeId, all: &[Situation]) {
    let m = compiled.manager();
    let set: Set = all
        .iter()
        .filter(|s| value_at(compiled.manager(), f, s) != 0)
        .cloned()
        .collect();
    let (cubes, truncated) = words.cover(m, f, |v| v != 0, 1 << 20);
    assert!(!truncated);
    let mut covered = Set::new();
    let mut total = 0;
    for cube in &cubes {
        let described = words.describe(cube);
        let inside_cube = inside(cube, all);
        assert_eq!(
            inside(&parse_description(words, &described), all),
            inside_cube,
            "{described}"
        );
        total += inside_cube.len();
        covered.extend(inside_cube);
    }
    assert_eq!(covered, set, "the cubes cover the set");
    assert_eq!(total, set.len(), "the cubes are disjoint");
    let witness = words.witness(m, f);
    assert_eq!(witness.situations, set.len() as u128);
    if let Some(parsed) = parse_sentence(words, &witness.sentence(), all) {
        assert_eq!(parsed, set, "{}", witness.sentence());
    }
}

fn check_area(data: &[u32]) {
    let (rules, dir, as_of) = random_area(&mut Draw { data, at: 0 });
    let all = situations(&rules);
    let mut compiled = compile(&rules, &dir, as_of);
    let words = Vocabulary {
        rules: &rules,
        directory: &dir,
    };
    let diagnostics = checks::check(&mut compiled, &dir, &Sources::new());
    let expected = enumerate(&rules, &dir, as_of, &all);
    let got = reported(&words, &diagnostics, &all);
    assert!(same_sets(&expected.unmatched, &got.unmatched), "unmatched");
    assert!(same_sets(&expected.unserved, &got.unserved), "unserved");
    assert_eq!(expected.unreachable, got.unreachable, "unreachable");
    assert_eq!(expected.redundant, got.redundant, "redundant");
    assert_eq!(expected.referrals, got.referrals, "referrals");
    assert_eq!(expected.service_gaps, got.service_gaps, "service gaps");
    assert_eq!(expected.orphans, got.orphans, "orphans");
    for p in 0..rules.pathways.len() {
        let f = compiled.pathway_condition(p).unwrap();
        check_witness(&words, &compiled, f, &all);
    }
    for s in 0..dir.services.len() {
        let f = compiled.eligible(s).unwrap();
        check_witness(&words, &compiled, f, &all);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn checks_agree_with_enumeration(data in proptest::collection::vec(any::<u32>(), 300)) {
        check_area(&data);
    }
}
