//! The whole-space checks about referrals and services: ineligible and out-of-area
//! referrals (from pathways and from the `otherwise` block), category referrals that
//! never find a service, service gaps by locality, and orphan services.

use std::collections::{BTreeMap, BTreeSet};

use super::dates;
use super::reach::Reach;
use super::witness::Vocabulary;
use crate::diagnostic::{Diagnostic, plural};
use crate::directory::model::{Coverage, Directory, Places, Service};
use crate::engine::diagram::{FALSE, Node};
use crate::engine::{Compiled, Manager, NodeId};
use crate::rules::model::{DomainKind, ReferTo, RuleSet, Target};
use crate::source::Span;

/// Runs every check about referrals and services.
pub fn check(compiled: &mut Compiled, reach: &Reach, words: &Vocabulary) -> Vec<Diagnostic> {
    let referrers = referrers(compiled, reach, words.rules);
    let mut found = ineligible(compiled, words, &referrers);
    found.extend(empty_categories(compiled, reach, &referrers));
    found.extend(dates::categories_closing(
        compiled, reach, words, &referrers,
    ));
    found.extend(service_gaps(compiled, words, &referrers));
    found.extend(orphans(compiled, words.directory, &referrers));
    found
}

/// A pathway or the `otherwise` block: what it refers to, and where it applies.
pub(super) struct Referrer<'a> {
    /// "pathway `high-risk`" or "the `otherwise` block".
    pub(super) name: String,
    pub(super) referrals: &'a [ReferTo],
    pub(super) applies: NodeId,
}

fn referrers<'a>(compiled: &Compiled, reach: &Reach, rules: &'a RuleSet) -> Vec<Referrer<'a>> {
    let mut list: Vec<Referrer> = rules
        .pathways
        .iter()
        .enumerate()
        .filter_map(|(ix, p)| {
            Some(Referrer {
                name: format!("pathway `{}`", p.id.value),
                referrals: &p.referrals,
                applies: compiled.pathway_condition(ix)?,
            })
        })
        .collect();
    if let Some(fallback) = &rules.fallback {
        list.push(Referrer {
            name: "the `otherwise` block".to_string(),
            referrals: &fallback.referrals,
            applies: reach.fallback,
        });
    }
    list
}

/// Direct referrals to an open service that does not take the person: never (error),
/// sometimes (warning), or not in their locality (error).
fn ineligible(
    compiled: &mut Compiled,
    words: &Vocabulary,
    referrers: &[Referrer],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for referrer in referrers.iter().filter(|r| r.applies != FALSE) {
        for referral in referrer.referrals {
            let Target::Service(id) = &referral.target else {
                continue;
            };
            let Some(service) = words.directory.service(id) else {
                continue;
            };
            let Ok(s) = compiled.services().binary_search(id) else {
                continue;
            };
            if service.is_open_on(compiled.as_of()) {
                let at = (referrer, referral.span, service);
                found.extend(referral_eligibility(compiled, words, at, s));
            }
        }
    }
    found
}

fn referral_eligibility(
    compiled: &mut Compiled,
    words: &Vocabulary,
    (referrer, at, service): (&Referrer, Span, &Service),
    s: usize,
) -> Vec<Diagnostic> {
    let (Some(anywhere), Some(local)) = (compiled.eligible_anywhere(s), compiled.eligible(s))
    else {
        return Vec::new();
    };
    let applies = referrer.applies;
    let m = compiled.manager_mut();
    let not_eligible = m.not(anywhere);
    let excluded = m.and(applies, not_eligible);
    let not_local = m.not(local);
    let eligible_here = m.and(applies, anywhere);
    let out_of_area = m.and(eligible_here, not_local);
    let m = compiled.manager();
    let (who, id) = (&referrer.name, &service.id);
    let mut found = Vec::new();
    if excluded != FALSE {
        let witness = words.witness(m, excluded);
        let always = excluded == applies;
        let (make, message, help): (fn(&'static str, String) -> Diagnostic, _, _) = if always {
            (
                Diagnostic::error,
                format!(
                    "{who} refers to `{id}`, which takes none of the people it applies to ({}: {})",
                    witness.size(),
                    witness.sentence()
                ),
                "refer to a service that takes these people, or change the condition",
            )
        } else {
            (
                Diagnostic::warning,
                format!(
                    "{who} refers to `{id}`, which does not take the person in {} where it applies: {}",
                    witness.size(),
                    witness.sentence()
                ),
                "narrow the condition, or move this referral to a pathway that applies only where the service takes the person",
            )
        };
        found.push(
            make("ineligible-referral", message)
                .at(at)
                .label(format!("`{id}` {}", eligibility_summary(service)))
                .related(service.name.span, "the service's entry")
                .help(help),
        );
    }
    if out_of_area != FALSE {
        let witness = words.witness(m, out_of_area);
        found.push(
            Diagnostic::error(
                "out-of-area-referral",
                format!(
                    "{who} refers to `{id}`, which does not cover the person's locality in {} where it applies: {}",
                    witness.size(),
                    witness.sentence()
                ),
            )
            .at(at)
            .label(format!("`{id}` does not cover these localities"))
            .related(service.name.span, "the service's entry")
            .help(format!(
                "add a locality test to the condition, widen `localities` in `{id}`'s entry, or refer to `any service in category ...` so that a local service is chosen"
            )),
        );
    }
    found
}

/// "serves victims at high risk": what the directory says a service takes.
fn eligibility_summary(service: &Service) -> String {
    let serves: Vec<&str> = service.serves.iter().map(|c| c.value.id()).collect();
    let mut text = format!(
        "serves {}",
        if serves.is_empty() {
            "nobody".to_string()
        } else {
            serves.join(" and ")
        }
    );
    if !service.risk_levels.is_empty() {
        let levels: Vec<&str> = service.risk_levels.iter().map(|r| r.value.id()).collect();
        text.push_str(&format!(" at {} risk", levels.join(" or ")));
    }
    if let Some(ages) = &service.ages {
        text.push_str(&format!(", aged {} to {}", ages.min, ages.max));
    }
    if !service.requires.is_empty() {
        let needs: Vec<&str> = service.requires.iter().map(|r| r.value.as_str()).collect();
        text.push_str(&format!(", and requires {}", needs.join(" and ")));
    }
    text
}

/// Category referrals that, wherever their pathway applies, find no service at all.
fn empty_categories(compiled: &Compiled, reach: &Reach, referrers: &[Referrer]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for referrer in referrers.iter().filter(|r| r.applies != FALSE) {
        for referral in referrer.referrals {
            let Target::Category(category) = &referral.target else {
                continue;
            };
            let some = reach.some_service(category);
            if !compiled.manager().intersects(referrer.applies, some) {
                found.push(Diagnostic::warning(
                    "empty-category-referral",
                    format!(
                        "{} refers to any service in category `{category}`, but no service in it is open and takes the people it applies to",
                        referrer.name
                    ),
                )
                .at(referral.span)
                .label("never finds a service")
                .help(format!(
                    "add a `{category}` service, or widen one's `serves`, `risk_levels`, `ages`, `localities` or dates; or refer to a service by its id"
                )));
            }
        }
    }
    found
}

/// For each category referred to: the localities where a referral to it may apply
/// but no open service of the category covers them (the commissioner's gap
/// analysis), once per category, at its first referral.
fn service_gaps(
    compiled: &Compiled,
    words: &Vocabulary,
    referrers: &[Referrer],
) -> Vec<Diagnostic> {
    let (rules, directory) = (words.rules, words.directory);
    let Some(locality) = rules.question_of_kind(|k| k == DomainKind::Locality) else {
        return Vec::new();
    };
    // Per category: where it is referred to, and at which localities (by index).
    let mut needed: BTreeMap<&str, (Vec<Span>, Vec<bool>)> = BTreeMap::new();
    for referrer in referrers {
        let mut places = None;
        for referral in referrer.referrals {
            if let Target::Category(category) = &referral.target {
                let places = places.get_or_insert_with(|| {
                    localities_where(compiled.manager(), referrer.applies, locality)
                });
                let entry = needed.entry(category.as_str()).or_default();
                entry.0.push(referral.span);
                entry.1.resize(places.len().max(entry.1.len()), false);
                for (needed, &there) in entry.1.iter_mut().zip(places.iter()) {
                    *needed |= there;
                }
            }
        }
    }
    let index = directory.places();
    needed
        .into_iter()
        .filter_map(|(category, (spans, places))| {
            let missing = uncovered(compiled, directory, &index, category, &places);
            (!missing.is_empty()).then(|| service_gap(category, &spans, &missing))
        })
        .collect()
}

/// The localities among `places` (by index) that no open service of the category
/// covers.
fn uncovered<'a>(
    compiled: &Compiled,
    directory: &'a Directory,
    index: &Places,
    category: &str,
    places: &[bool],
) -> Vec<&'a str> {
    let mut missing = places.to_vec();
    let mut left = missing.iter().filter(|&&m| m).count();
    let open = compiled
        .category_members(category)
        .iter()
        .filter(|&&s| compiled.is_open(s))
        .filter_map(|&s| directory.services.get(s));
    for service in open {
        if left == 0 {
            break;
        }
        if matches!(service.localities, Coverage::Anywhere(_)) {
            missing.fill(false);
            left = 0;
        } else {
            for covered in index.covered(service) {
                if let Some(place) = missing.get_mut(covered).filter(|m| **m) {
                    *place = false;
                    left -= 1;
                }
            }
        }
    }
    directory
        .localities
        .iter()
        .zip(missing)
        .filter(|&(_, missing)| missing)
        .map(|(l, _)| l.id.value.as_str())
        .collect()
}

fn service_gap(category: &str, spans: &[Span], missing: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::warning(
        "service-gap",
        format!(
            "no open service in category `{category}` covers {}: {}",
            plural(missing.len(), "locality"),
            missing.join(", ")
        ),
    )
    .help(format!(
        "commission a `{category}` service there, widen an existing one's `localities`, or refer people there to another kind of service"
    ));
    if let Some((first, rest)) = spans.split_first() {
        d = d
            .at(*first)
            .label("people in those localities get no service from this referral");
        for span in rest.iter().take(3) {
            d = d.related(*span, "and from this one");
        }
    }
    d
}

/// For each value of the locality question, whether `f` can be true there.
fn localities_where(manager: &Manager, f: NodeId, locality: usize) -> Vec<bool> {
    let size = manager.domain_size(locality) as usize;
    let mut seen = BTreeSet::new();
    let mut stack = vec![f];
    let mut places = vec![false; size];
    while let Some(id) = stack.pop() {
        if id == FALSE || !seen.insert(id) {
            continue;
        }
        match manager.get(id) {
            Some(Node::Branch { question, children }) if question < locality => {
                stack.extend(children.targets());
            }
            Some(Node::Branch { question, children }) if question == locality => {
                for (values, _) in children.runs().filter(|&(_, c)| c != FALSE) {
                    if let Some(there) = places.get_mut(values.start as usize..values.end as usize)
                    {
                        there.fill(true);
                    }
                }
            }
            _ => return vec![true; size],
        }
    }
    places
}

/// Open services that some situation could take, but that no pathway (nor the
/// `otherwise` block) ever refers to: not named by one that applies somewhere, and
/// not taking the person anywhere one of its categories is referred to.
fn orphans(
    compiled: &mut Compiled,
    directory: &Directory,
    referrers: &[Referrer],
) -> Vec<Diagnostic> {
    let mut named = BTreeSet::new();
    let mut by_category: BTreeMap<&str, Vec<NodeId>> = BTreeMap::new();
    for referrer in referrers.iter().filter(|r| r.applies != FALSE) {
        for referral in referrer.referrals {
            match &referral.target {
                Target::Service(id) => {
                    named.insert(id.as_str());
                }
                Target::Category(c) => by_category.entry(c).or_default().push(referrer.applies),
            }
        }
    }
    let referred: Vec<(&str, NodeId)> = by_category
        .into_iter()
        .map(|(c, applies)| (c, compiled.manager_mut().or_any(applies)))
        .collect();
    directory
        .services
        .iter()
        .enumerate()
        .filter(|(s, service)| {
            let eligible = compiled.eligible(*s).unwrap_or(FALSE);
            eligible != FALSE
                && !named.contains(service.id.as_str())
                && !referred.iter().any(|&(c, applies)| {
                    service.in_category(c) && compiled.manager().intersects(applies, eligible)
                })
        })
        .map(|(_, service)| {
            Diagnostic::warning(
                "orphan-service",
                format!("no pathway ever refers to `{}`, so practitioners will never be sent there", service.id),
            )
            .at(service.name.span)
            .label("never referred to")
            .help("refer to it from a pathway (by its id, or by one of its categories), or remove the entry if the service is no longer commissioned")
        })
        .collect()
}
