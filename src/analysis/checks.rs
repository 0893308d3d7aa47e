//! The whole-space checks, exact over every combination of answers: coverage gaps,
//! unreachable and redundant pathways, ineligible and out-of-area referrals, service
//! gaps, orphan services and an unused fallback. Each finding is a diagnostic at the
//! pathway, service or referral concerned, with a witness of the situations.

use std::collections::{BTreeMap, BTreeSet};

use super::witness::{Vocabulary, Witness};
use crate::diagnostic::Diagnostic;
use crate::directory::model::{Directory, Service};
use crate::engine::diagram::{FALSE, Node};
use crate::engine::{Compiled, Manager, NodeId, Outcome};
use crate::rules::model::{DomainKind, Pathway, PathwayIx, RuleSet, Target, Urgency, ValueIx};

/// Runs every whole-space check on compiled rules.
pub fn check(compiled: &mut Compiled, directory: &Directory) -> Vec<Diagnostic> {
    let rules = compiled.rules().clone();
    let words = Vocabulary {
        rules: &rules,
        directory,
    };
    let mut found = coverage_gaps(compiled, &words);
    found.extend(unreachable(compiled, &rules));
    found.extend(redundant(compiled, &rules, directory));
    found.extend(ineligible(compiled, &words));
    found.extend(service_gaps(compiled, &rules, directory));
    found.extend(orphans(compiled, directory));
    found
}

/// Situations where nobody is referred anywhere: no pathway fires, or those that fire
/// resolve to no service, and there is no `otherwise`.
fn coverage_gaps(compiled: &Compiled, words: &Vocabulary) -> Vec<Diagnostic> {
    let manager = compiled.manager();
    let outcomes = compiled.outcomes();
    let root = compiled.outcome_root();
    let empty = |leaf: u32, fired: bool| {
        outcomes
            .get(leaf as usize)
            .is_some_and(|o| o.referrals.is_empty() && o.pathways.is_empty() != fired)
    };
    let anchor = words.rules.pathways.last().map(|p| p.span);
    let mut found = Vec::new();
    let no_pathway = words.witness_where(manager, root, |leaf| empty(leaf, false));
    if no_pathway.situations > 0 {
        found.push(gap(
            "no pathway applies",
            &no_pathway,
            "add a pathway for these situations, or an `otherwise` block saying where to refer when nothing else applies",
            anchor,
        ));
    }
    let no_service = words.witness_where(manager, root, |leaf| empty(leaf, true));
    if no_service.situations > 0 {
        found.push(gap(
            "pathways apply, but none of the services they name is open, eligible and local",
            &no_service,
            "widen a service's coverage or eligibility, refer to another service here, or add an `otherwise` block",
            anchor,
        ));
    }
    found
}

fn gap(
    what: &str,
    witness: &Witness,
    help: &str,
    anchor: Option<crate::source::Span>,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "coverage-gap",
        format!("{what} in {}: {}", witness.size(), witness.sentence()),
    )
    .help(help);
    if let Some(span) = anchor {
        d = d
            .at(span)
            .label("no pathway, here or above, covers those situations");
    }
    d
}

/// Pathways whose condition can never hold.
fn unreachable(compiled: &Compiled, rules: &RuleSet) -> Vec<Diagnostic> {
    rules
        .pathways
        .iter()
        .enumerate()
        .filter(|(ix, _)| compiled.pathway_condition(*ix) == Some(FALSE))
        .map(|(_, p)| {
            let at = p.condition.span().unwrap_or(p.id.span);
            Diagnostic::error(
                "unreachable-pathway",
                format!(
                    "pathway `{}` can never apply: its condition holds in no situation",
                    p.id.value
                ),
            )
            .at(at)
            .label("this never holds")
            .help(unreachable_help(p, rules))
        })
        .collect()
}

fn unreachable_help(pathway: &Pathway, rules: &RuleSet) -> String {
    let mut empty = Vec::new();
    collect_empty_atoms(&pathway.condition, &mut empty);
    if let Some(text) = empty.first() {
        return format!(
            "`{text}` matches no value (an empty locality group?); fix it or remove the pathway"
        );
    }
    let questions: Vec<&str> = rules
        .questions
        .iter()
        .map(|q| q.id.value.as_str())
        .collect();
    format!(
        "look for parts that contradict each other, such as two different answers to the same question joined by `and` (questions: {})",
        questions.join(", ")
    )
}

fn collect_empty_atoms(condition: &crate::rules::model::Condition, out: &mut Vec<String>) {
    use crate::rules::model::Condition;
    match condition {
        Condition::In { values, text, .. } if values.is_empty() => out.push(text.clone()),
        Condition::Not(inner, _) => collect_empty_atoms(inner, out),
        Condition::And(parts, _) | Condition::Or(parts, _) => {
            parts.iter().for_each(|p| collect_empty_atoms(p, out));
        }
        _ => {}
    }
}

/// Pathways that, wherever they apply, add no referral (or urgency) others do not.
fn redundant(compiled: &Compiled, rules: &RuleSet, directory: &Directory) -> Vec<Diagnostic> {
    let reachable: Vec<&Outcome> = compiled
        .manager()
        .leaves(compiled.outcome_root())
        .into_iter()
        .filter_map(|leaf| compiled.outcome(leaf))
        .collect();
    let mut found = Vec::new();
    for (ix, pathway) in rules.pathways.iter().enumerate() {
        let fired: Vec<&&Outcome> = reachable
            .iter()
            .filter(|o| o.pathways.contains(&ix))
            .collect();
        if fired.is_empty() {
            continue;
        }
        let mut covering = BTreeSet::new();
        let covered = fired
            .iter()
            .all(|o| covered_in(o, ix, rules, directory, &mut covering));
        if covered {
            let others: Vec<String> = covering
                .iter()
                .filter_map(|&q: &PathwayIx| rules.pathways.get(q))
                .map(|q| format!("`{}`", q.id.value))
                .collect();
            found.push(
                Diagnostic::warning(
                    "redundant-pathway",
                    format!(
                        "pathway `{}` adds nothing: wherever it applies, {} already refer to the same services at least as urgently",
                        pathway.id.value,
                        if others.is_empty() { "no services are available, and others".to_string() } else { others.join(", ") }
                    ),
                )
                .at(pathway.id.span)
                .label("redundant")
                .help("remove the pathway, or change what it refers to if it was meant to add something"),
            );
        }
    }
    found
}

/// Whether, in one outcome, every referral pathway `ix` makes is also made by another
/// pathway at least as urgently; collects those other pathways.
fn covered_in(
    outcome: &Outcome,
    ix: PathwayIx,
    rules: &RuleSet,
    directory: &Directory,
    covering: &mut BTreeSet<PathwayIx>,
) -> bool {
    outcome
        .referrals
        .iter()
        .filter(|r| r.pathways.contains(&ix))
        .all(|r| {
            let mine = urgency_for(rules.pathways.get(ix), &r.service, directory);
            let other = r
                .pathways
                .iter()
                .filter(|&&q| q != ix)
                .find(|&&q| urgency_for(rules.pathways.get(q), &r.service, directory) >= mine);
            if let Some(&q) = other {
                covering.insert(q);
            }
            other.is_some()
        })
}

/// The urgency with which a pathway refers to a service (directly or by category).
fn urgency_for(pathway: Option<&Pathway>, service: &str, directory: &Directory) -> Option<Urgency> {
    let in_category = |c: &str| directory.service(service).is_some_and(|s| s.in_category(c));
    pathway?
        .referrals
        .iter()
        .filter(|r| match &r.target {
            Target::Service(id) => id == service,
            Target::Category(c) => in_category(c),
        })
        .map(|r| r.urgency)
        .max()
}

/// Direct referrals to a service that does not take the person: never (error),
/// sometimes (warning), or out of its area (error).
fn ineligible(compiled: &mut Compiled, words: &Vocabulary) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (ix, pathway) in words.rules.pathways.iter().enumerate() {
        let Some(condition) = compiled.pathway_condition(ix) else {
            continue;
        };
        for referral in &pathway.referrals {
            let Target::Service(id) = &referral.target else {
                continue;
            };
            let Some(service) = words.directory.service(id) else {
                continue;
            };
            if !service.is_open_on(compiled.as_of()) || condition == FALSE {
                continue;
            }
            let Some(s) = compiled.services().iter().position(|x| x == id) else {
                continue;
            };
            found.extend(referral_eligibility(
                compiled,
                words,
                pathway,
                referral.span,
                service,
                s,
                condition,
            ));
        }
    }
    found
}

fn referral_eligibility(
    compiled: &mut Compiled,
    words: &Vocabulary,
    pathway: &Pathway,
    at: crate::source::Span,
    service: &Service,
    s: usize,
    condition: NodeId,
) -> Vec<Diagnostic> {
    let (Some(anywhere), Some(local)) = (compiled.eligible_anywhere(s), compiled.eligible(s))
    else {
        return Vec::new();
    };
    let m = compiled.manager_mut();
    let not_eligible = m.not(anywhere);
    let excluded = m.and(condition, not_eligible);
    let not_local = m.not(local);
    let eligible_here = m.and(condition, anywhere);
    let out_of_area = m.and(eligible_here, not_local);
    let m = compiled.manager();
    let mut found = Vec::new();
    let name = &pathway.id.value;
    if excluded != FALSE {
        let always = excluded == condition;
        let witness = words.witness(m, excluded);
        let (make, when): (fn(&'static str, String) -> Diagnostic, &str) = if always {
            (Diagnostic::error, "in every situation where it applies")
        } else {
            (Diagnostic::warning, "in some situations where it applies")
        };
        found.push(
            make(
                "ineligible-referral",
                format!(
                    "pathway `{name}` refers to `{}`, which does not take the person {when}: {} ({})",
                    service.id,
                    witness.sentence(),
                    witness.size()
                ),
            )
            .at(at)
            .label(format!("`{}` {}", service.id, eligibility_summary(service)))
            .related(service.name.span, "the service's entry")
            .help(if always {
                "refer to a service that takes these people, or change the pathway's condition"
            } else {
                "narrow the pathway's condition, or split it so the service is only named where it applies"
            }),
        );
    }
    if out_of_area != FALSE {
        let witness = words.witness(m, out_of_area);
        found.push(
            Diagnostic::error(
                "out-of-area-referral",
                format!(
                    "pathway `{name}` refers to `{}` for people it does not cover: {} ({})",
                    service.id,
                    witness.sentence(),
                    witness.size()
                ),
            )
            .at(at)
            .label(format!("`{}` does not cover these localities", service.id))
            .related(service.name.span, "the service's entry")
            .help(format!(
                "add a locality condition to the pathway, widen `localities` in `{}`'s entry, or use `any service in category ...` so a local service is chosen",
                service.id
            )),
        );
    }
    found
}

/// "serves victims, at risk levels high" - what the directory says a service takes.
fn eligibility_summary(service: &Service) -> String {
    let serves: Vec<&str> = service.serves.iter().map(|c| c.value.id()).collect();
    let mut text = format!(
        "serves {}",
        if serves.is_empty() {
            "nobody".to_string()
        } else {
            serves.join(", ")
        }
    );
    if !service.risk_levels.is_empty() {
        let levels: Vec<&str> = service.risk_levels.iter().map(|r| r.value.id()).collect();
        text.push_str(&format!(" at {} risk", levels.join(" or ")));
    }
    if let Some(ages) = &service.ages {
        text.push_str(&format!(", ages {} to {}", ages.min, ages.max));
    }
    if !service.requires.is_empty() {
        let needs: Vec<&str> = service.requires.iter().map(|r| r.value.as_str()).collect();
        text.push_str(&format!(", requires {}", needs.join(", ")));
    }
    text
}

/// For each category named by a pathway: the localities where it may be needed but no
/// open service of the category covers them (the commissioner's gap analysis).
fn service_gaps(compiled: &Compiled, rules: &RuleSet, directory: &Directory) -> Vec<Diagnostic> {
    let Some(locality) = rules.question_of_kind(|k| k == DomainKind::Locality) else {
        return Vec::new();
    };
    let mut needed: BTreeMap<&str, (crate::source::Span, BTreeSet<ValueIx>)> = BTreeMap::new();
    for (ix, pathway) in rules.pathways.iter().enumerate() {
        let Some(condition) = compiled.pathway_condition(ix) else {
            continue;
        };
        for referral in &pathway.referrals {
            if let Target::Category(category) = &referral.target {
                let places = localities_where(compiled.manager(), condition, locality);
                let entry = needed
                    .entry(category.as_str())
                    .or_insert((referral.span, BTreeSet::new()));
                entry.1.extend(places);
            }
        }
    }
    needed
        .into_iter()
        .filter_map(|(category, (span, places))| {
            let covered: BTreeSet<usize> = directory
                .services
                .iter()
                .filter(|s| s.in_category(category) && s.is_open_on(compiled.as_of()))
                .flat_map(|s| directory.covered_localities(s))
                .collect();
            let missing: Vec<&str> = places
                .iter()
                .filter(|&&v| !covered.contains(&(v as usize)))
                .filter_map(|&v| directory.localities.get(v as usize))
                .map(|l| l.id.value.as_str())
                .collect();
            (!missing.is_empty()).then(|| {
                Diagnostic::warning(
                    "service-gap",
                    format!(
                        "no open service in category `{category}` covers {}: {}",
                        crate::diagnostic::plural(missing.len(), "locality"),
                        missing.join(", ")
                    ),
                )
                .at(span)
                .label("needed here")
                .help(format!(
                    "commission a `{category}` service for these localities, widen an existing one's `localities`, or refer elsewhere there"
                ))
            })
        })
        .collect()
}

/// The values of the locality question for which `f` can be true.
fn localities_where(manager: &Manager, f: NodeId, locality: usize) -> BTreeSet<ValueIx> {
    let all = || (0..manager.domain_size(locality)).collect::<BTreeSet<_>>();
    let mut seen = BTreeSet::new();
    let mut stack = vec![f];
    let mut places = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if id == FALSE || !seen.insert(id) {
            continue;
        }
        match manager.get(id) {
            Some(Node::Branch { question, children }) if question < locality => {
                stack.extend(children.iter().copied());
            }
            Some(Node::Branch { question, children }) if question == locality => {
                places.extend(
                    children
                        .iter()
                        .zip(0..)
                        .filter(|(c, _)| **c != FALSE)
                        .map(|(_, v)| v),
                );
            }
            _ => return all(),
        }
    }
    places
}

/// Open services that some situation could take, but that no pathway ever reaches.
fn orphans(compiled: &Compiled, directory: &Directory) -> Vec<Diagnostic> {
    let manager = compiled.manager();
    let referred: BTreeSet<&str> = manager
        .leaves(compiled.outcome_root())
        .into_iter()
        .filter_map(|leaf| compiled.outcome(leaf))
        .flat_map(|o| o.referrals.iter().map(|r| r.service.as_str()))
        .collect();
    directory
        .services
        .iter()
        .enumerate()
        .filter(|(s, service)| {
            !referred.contains(service.id.as_str())
                && service.is_open_on(compiled.as_of())
                && compiled.eligible(*s).is_some_and(|e| e != FALSE)
        })
        .map(|(_, service)| {
            Diagnostic::warning(
                "orphan-service",
                format!("no pathway ever refers to `{}`", service.id),
            )
            .at(service.name.span)
            .label("never referred to")
            .help("refer to it from a pathway (by id or by one of its categories), or remove the entry if the service is no longer commissioned")
        })
        .collect()
}
