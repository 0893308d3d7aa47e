//! The whole-space checks about pathways, exact over every combination of answers:
//! coverage gaps, unreachable pathways and redundant pathways (the checks about
//! referrals and services are in `referrals`). Each finding is a diagnostic at the
//! pathway concerned, with a witness of the situations and a fix.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::referrals;
use super::witness::Vocabulary;
use crate::diagnostic::Diagnostic;
use crate::directory::model::Directory;
use crate::engine::diagram::{FALSE, Node, TRUE};
use crate::engine::{Compiled, Manager, NodeId, ServiceIx};
use crate::rules::model::{Condition, PathwayIx, QuestionIx, RuleSet, Target, Urgency};
use crate::source::{Sources, Span};

/// How many pathways are tried as "the nearest" to a coverage gap. It is only a
/// hint, so it is bounded to keep the check of a national rule set fast.
const NEAREST_TRIED: usize = 256;

/// Runs every whole-space check on compiled rules.
pub fn check(compiled: &mut Compiled, directory: &Directory, sources: &Sources) -> Vec<Diagnostic> {
    let rules = compiled.rules().clone();
    let words = Vocabulary {
        rules: &rules,
        directory,
    };
    let mut found = coverage_gaps(compiled, &words);
    found.extend(unreachable(compiled, &rules, sources));
    found.extend(redundant(compiled, &rules, directory));
    found.extend(referrals::check(compiled, &words));
    found
}

/// Situations where nobody is referred anywhere: no pathway applies (and the
/// `otherwise` block, if any, finds no service), or those that apply find none.
fn coverage_gaps(compiled: &mut Compiled, words: &Vocabulary) -> Vec<Diagnostic> {
    let nobody: Vec<(bool, bool)> = compiled
        .outcomes()
        .iter()
        .map(|o| {
            let empty = o.referrals.is_empty();
            (
                empty && o.pathways.is_empty(),
                empty && !o.pathways.is_empty(),
            )
        })
        .collect();
    let flag = |leaf: u32, pick: fn((bool, bool)) -> bool| {
        u32::from(nobody.get(leaf as usize).copied().is_some_and(pick))
    };
    let root = compiled.outcome_root();
    let m = compiled.manager_mut();
    // Each is a pass over the whole outcome diagram: only made when some outcome has it.
    let mut only = |pick: fn((bool, bool)) -> bool| {
        if nobody.iter().any(|&n| pick(n)) {
            m.map_leaves(root, |o| flag(o, pick))
        } else {
            FALSE
        }
    };
    let unmatched = only(|(a, _)| a);
    let unserved = only(|(_, b)| b);
    let mut found = Vec::new();
    if unmatched != FALSE {
        found.push(no_pathway_gap(compiled, words, unmatched));
    }
    if unserved != FALSE {
        let fired = pathways_where(compiled, |o| flag(o, |(_, b)| b) != 0);
        found.push(no_service_gap(compiled, words, unserved, &fired));
    }
    found
}

fn no_pathway_gap(compiled: &mut Compiled, words: &Vocabulary, gap: NodeId) -> Diagnostic {
    let witness = words.witness(compiled.manager(), gap);
    let rules = words.rules;
    let d = Diagnostic::error(
        "coverage-gap",
        format!(
            "no pathway applies in {}, so nobody is referred anywhere: {}",
            witness.size(),
            witness.sentence()
        ),
    );
    if let Some(fallback) = &rules.fallback {
        let at = fallback.referrals.first().map_or(fallback.span, |r| r.span);
        return d
            .at(at)
            .label("`otherwise` applies there, but finds no open service that takes the person")
            .help("in the `otherwise` block, refer to a service that is open and takes everyone (a national helpline, say), or add a pathway for these situations");
    }
    let otherwise = "add a pathway for these situations, or an `otherwise` block saying where to refer when nothing else applies";
    match nearest(compiled, gap) {
        Some((p, q)) => {
            let (pathway, question) = (rules.pathways.get(p), rules.questions.get(q));
            let (Some(pathway), Some(question)) = (pathway, question) else {
                return d.help(otherwise);
            };
            d.at(pathway.id.span)
                .label(format!(
                    "the nearest pathway: it would apply to some of them with another answer to `{}`",
                    question.id.value
                ))
                .help(format!(
                    "widen the condition of `{}` if it is meant to cover them, {otherwise}",
                    pathway.id.value
                ))
        }
        None => {
            let last = rules
                .pathways
                .last()
                .map(|p| p.id.span)
                .or(rules.questions.last().map(|q| q.span));
            match last {
                Some(span) => d.at(span).label("add a pathway for these situations"),
                None => d,
            }
            .help(otherwise)
        }
    }
}

fn no_service_gap(
    compiled: &Compiled,
    words: &Vocabulary,
    gap: NodeId,
    fired: &BTreeSet<PathwayIx>,
) -> Diagnostic {
    let witness = words.witness(compiled.manager(), gap);
    let mut d = Diagnostic::error(
        "coverage-gap",
        format!(
            "pathways apply in {}, but every service they refer to is closed or does not take the person, so nobody is referred anywhere: {}",
            witness.size(),
            witness.sentence()
        ),
    )
    .help("refer to a service that takes these people as well, widen a service's `localities` or eligibility in the directory, or add an `otherwise` block");
    let mut spans = fired
        .iter()
        .filter_map(|&p| words.rules.pathways.get(p))
        .map(|p| p.id.span);
    if let Some(first) = spans.next() {
        d = d
            .at(first)
            .label("applies there, but finds no service that takes the person");
    }
    for other in spans.take(3) {
        d = d.related(other, "also applies there, and finds none either");
    }
    d
}

/// The pathways that fire in some outcome passing `wanted` (every outcome in the
/// table is reachable).
fn pathways_where(compiled: &Compiled, wanted: impl Fn(u32) -> bool) -> BTreeSet<PathwayIx> {
    (0..)
        .zip(compiled.outcomes())
        .filter(|&(id, _)| wanted(id))
        .flat_map(|(_, o)| o.pathways.iter().copied())
        .collect()
}

/// The pathway (and question) that would apply to the most situations of `gap` if
/// that question's answer were different: where to look first to close the gap.
fn nearest(compiled: &mut Compiled, gap: NodeId) -> Option<(PathwayIx, QuestionIx)> {
    let mut best: Option<(u128, PathwayIx, QuestionIx)> = None;
    let tried = compiled.rules().pathways.len().min(NEAREST_TRIED);
    for p in 0..tried {
        let Some(condition) = compiled.pathway_condition(p) else {
            continue;
        };
        for q in compiled.manager().support(condition) {
            let m = compiled.manager_mut();
            let relaxed = relax(m, condition, q);
            let near = m.and(relaxed, gap);
            let count = m.count(near);
            if count > 0 && best.is_none_or(|(most, _, _)| count > most) {
                best = Some((count, p, q));
            }
        }
    }
    best.map(|(_, p, q)| (p, q))
}

/// `f` with question `q` set free: true where some answer to `q` makes `f` true.
fn relax(m: &mut Manager, f: NodeId, q: QuestionIx) -> NodeId {
    relax_rec(m, f, q, &mut HashMap::new())
}

fn relax_rec(
    m: &mut Manager,
    f: NodeId,
    q: QuestionIx,
    memo: &mut HashMap<NodeId, NodeId>,
) -> NodeId {
    if let Some(&done) = memo.get(&f) {
        return done;
    }
    // Copied out of the manager: it is borrowed again to build the result.
    let branch = match m.get(f) {
        Some(Node::Branch { question, children }) => Some((question, children.to_vec())),
        _ => None,
    };
    let result = match branch {
        Some((question, children)) if question == q => m.or_any(children),
        Some((question, children)) if question < q => {
            let relaxed = children.iter().map(|&c| relax_rec(m, c, q, memo)).collect();
            m.node(question, relaxed)
        }
        _ => f,
    };
    memo.insert(f, result);
    result
}

/// Pathways whose condition can never hold, with the parts that contradict.
fn unreachable(compiled: &mut Compiled, rules: &RuleSet, sources: &Sources) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (ix, pathway) in rules.pathways.iter().enumerate() {
        if compiled.pathway_condition(ix) != Some(FALSE) {
            continue;
        }
        let (help, parts) = why_never(compiled, &pathway.condition, sources);
        let d = Diagnostic::error(
            "unreachable-pathway",
            format!(
                "pathway `{}` can never apply: no answers to the questions make its condition hold",
                pathway.id.value
            ),
        )
        .help(help);
        let whole = pathway.condition.span().unwrap_or(pathway.id.span);
        found.push(match parts.split_first() {
            Some((first, rest)) => rest.iter().fold(
                d.at(*first)
                    .label("cannot hold together with the other marked part"),
                |d, span| d.related(*span, "the other part"),
            ),
            None => d.at(whole).label("this never holds"),
        });
    }
    found
}

/// Why a condition never holds, in words, and the parts to mark.
fn why_never(
    compiled: &mut Compiled,
    condition: &Condition,
    sources: &Sources,
) -> (String, Vec<Span>) {
    match condition {
        Condition::In { values, text, .. } if values.is_empty() => (
            format!(
                "`{text}` matches no answer at all (a locality group with no members?): fix the test, or remove the pathway"
            ),
            Vec::new(),
        ),
        Condition::Not(inner, _) => (
            format!(
                "`{}` holds in every situation, so `not` of it never does: remove the `not`, or the pathway",
                quote(inner, sources)
            ),
            Vec::new(),
        ),
        Condition::And(parts, _) => match contradiction(compiled, parts).as_slice() {
            [one] => why_never(compiled, one, sources),
            core => {
                let texts: Vec<String> = core
                    .iter()
                    .map(|c| format!("`{}`", quote(c, sources)))
                    .collect();
                let all = if texts.len() == 2 { "both" } else { "all" };
                (
                    format!(
                        "{} cannot {all} hold at once (a question has one answer at a time): change one of them, or use `or` if either should do",
                        texts.join(" and ")
                    ),
                    core.iter().filter_map(|c| c.span()).collect(),
                )
            }
        },
        Condition::Or(parts, _) => match parts.first() {
            Some(first) => why_never(compiled, first, sources),
            None => (String::new(), Vec::new()),
        },
        _ => (
            "change the condition so that some answers make it hold, or remove the pathway"
                .to_string(),
            Vec::new(),
        ),
    }
}

/// The condition as written in the rule file.
fn quote(condition: &Condition, sources: &Sources) -> String {
    match condition {
        Condition::In { text, .. } => text.clone(),
        _ => condition
            .span()
            .map(|s| {
                sources
                    .slice(s)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
    }
}

/// A smallest set of `parts` that still never hold together (each is needed).
fn contradiction<'a>(compiled: &mut Compiled, parts: &'a [Condition]) -> Vec<&'a Condition> {
    let diagrams: Vec<NodeId> = parts
        .iter()
        .map(|p| compiled.condition_diagram(p))
        .collect();
    let mut keep = vec![true; parts.len()];
    for i in 0..parts.len() {
        if let Some(k) = keep.get_mut(i) {
            *k = false;
        }
        let rest: Vec<NodeId> = diagrams
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(d, _)| *d)
            .collect();
        if compiled.manager_mut().and_all(rest) != FALSE
            && let Some(k) = keep.get_mut(i)
        {
            *k = true;
        }
    }
    parts
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| p)
        .collect()
}

/// For one pathway, each service it refers to somewhere, with the other pathways that
/// also refer to it wherever this one does (`None`: somewhere only this one does).
type Shares = BTreeMap<ServiceIx, Option<BTreeSet<PathwayIx>>>;

fn shares(compiled: &Compiled) -> Vec<Shares> {
    let mut shares = vec![Shares::new(); compiled.rules().pathways.len()];
    let services = compiled.services();
    // Many outcomes share a referral's list of pathways: each distinct one is enough.
    let lists: HashSet<(ServiceIx, &[PathwayIx])> = compiled
        .outcomes()
        .iter()
        .flat_map(|o| &o.referrals)
        .filter_map(|r| Some((services.binary_search(&r.service).ok()?, &r.pathways[..])))
        .collect();
    for (service, pathways) in lists {
        for &p in pathways {
            let Some(services) = shares.get_mut(p) else {
                continue;
            };
            let slot = services
                .entry(service)
                .or_insert_with(|| Some(BTreeSet::new()));
            if pathways.len() < 2 {
                *slot = None;
            } else if let Some(set) = slot {
                set.extend(pathways.iter().copied().filter(|&q| q != p));
            }
        }
    }
    shares
}

/// Pathways that can be removed without changing any situation's referrals (or their
/// urgency): wherever they refer to a service, another pathway does, at least as
/// urgently. Pathways that never find a service are left to other checks.
fn redundant(compiled: &mut Compiled, rules: &RuleSet, directory: &Directory) -> Vec<Diagnostic> {
    let shares = shares(compiled);
    let mut found = Vec::new();
    for (ix, services) in shares.iter().enumerate() {
        let Some(shared) = services
            .iter()
            .map(|(&s, others)| Some((s, others.as_ref()?)))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        if shared.is_empty()
            || !shared
                .iter()
                .all(|&(s, others)| as_urgent(compiled, directory, ix, s, others))
        {
            continue;
        }
        let covering: BTreeSet<PathwayIx> =
            shared.iter().flat_map(|(_, o)| o.iter().copied()).collect();
        found.push(redundant_pathway(rules, ix, &covering));
    }
    found
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

/// Whether, wherever pathway `p` refers to `service` urgently (or immediately), one
/// of `others` refers to it at least as urgently.
fn as_urgent(
    compiled: &mut Compiled,
    directory: &Directory,
    p: PathwayIx,
    service: ServiceIx,
    others: &BTreeSet<PathwayIx>,
) -> bool {
    [Urgency::Urgent, Urgency::Immediate]
        .into_iter()
        .all(|at_least| {
            let mine = gives(compiled, directory, p, service, at_least);
            let theirs: Vec<NodeId> = others
                .iter()
                .map(|&q| gives(compiled, directory, q, service, at_least))
                .collect();
            let m = compiled.manager_mut();
            let theirs = m.or_any(theirs);
            let missing = m.not(theirs);
            m.and(mine, missing) == FALSE
        })
}

/// Where pathway `p` refers to `service` with at least the given urgency.
fn gives(
    compiled: &mut Compiled,
    directory: &Directory,
    p: PathwayIx,
    service: ServiceIx,
    at_least: Urgency,
) -> NodeId {
    let (Some(pathway), Some(condition), Some(entry)) = (
        compiled.rules().pathways.get(p),
        compiled.pathway_condition(p),
        directory.services.get(service),
    ) else {
        return FALSE;
    };
    let open = entry.is_open_on(compiled.as_of());
    let eligible = compiled.eligible(service).unwrap_or(FALSE);
    let targets: Vec<NodeId> = pathway
        .referrals
        .iter()
        .filter(|r| r.urgency >= at_least)
        .map(|r| match &r.target {
            Target::Service(id) if *id == entry.id && open => TRUE,
            Target::Category(c) if entry.in_category(c) => eligible,
            _ => FALSE,
        })
        .collect();
    let m = compiled.manager_mut();
    let any = m.or_any(targets);
    m.and(condition, any)
}
