//! The whole-space checks about pathways, exact over every combination of answers:
//! coverage gaps, unreachable pathways and redundant pathways (the checks about
//! referrals and services are in `referrals`). Each finding is a diagnostic at the
//! pathway concerned, with a witness of the situations and a fix.

use std::collections::{BTreeSet, HashMap};

use super::reach::Reach;
use super::witness::Vocabulary;
use super::{redundant, referrals};
use crate::diagnostic::Diagnostic;
use crate::directory::model::Directory;
use crate::engine::diagram::{FALSE, Node};
use crate::engine::{Compiled, Manager, NodeId};
use crate::rules::model::{Condition, PathwayIx, QuestionIx, RuleSet};
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
    let reach = Reach::of(compiled);
    let mut found = coverage_gaps(compiled, &reach, &words);
    found.extend(unreachable(compiled, &rules, sources));
    found.extend(redundant::redundant(compiled, &reach));
    found.extend(referrals::check(compiled, &reach, &words));
    found
}

/// Situations where nobody is referred anywhere: no pathway applies (and the
/// `otherwise` block, if any, finds no service), or those that apply find none.
fn coverage_gaps(compiled: &mut Compiled, reach: &Reach, words: &Vocabulary) -> Vec<Diagnostic> {
    let m = compiled.manager_mut();
    let unmatched_anywhere = m.not(reach.matched);
    let unmatched = m.and(unmatched_anywhere, reach.nobody);
    let unserved = m.and(reach.matched, reach.nobody);
    let mut found = Vec::new();
    if unmatched != FALSE {
        found.push(no_pathway_gap(compiled, words, unmatched));
    }
    if unserved != FALSE {
        let fired: BTreeSet<PathwayIx> = (0..words.rules.pathways.len())
            .filter(|&p| {
                compiled
                    .pathway_condition(p)
                    .is_some_and(|c| compiled.manager().intersects(c, unserved))
            })
            .collect();
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
        Some(Node::Branch { question, children }) => Some((question, children.copied())),
        _ => None,
    };
    let result = match branch {
        Some((question, children)) if question == q => m.or_any(children.targets),
        Some((question, mut children)) if question < q => {
            for child in &mut children.targets {
                *child = relax_rec(m, *child, q, memo);
            }
            m.rebuild(question, children)
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
