//! The finder without JavaScript: static pages generated from the compiled diagram,
//! linked by the answers, so that following links gives the engine's answer.
//!
//! A static page cannot read what was chosen before it, so a page that shows the
//! answers (check your answers) or links back along the way it came must be one page
//! per way of reaching it. Page names, all under `finder/`:
//! - `finder.html` (the root question, also the JavaScript finder) and
//!   `finder/q-3-1-0.html`: the question asked after answering value 3 of the first
//!   question asked, value 1 of the second and value 0 of the third (value indices in
//!   the diagram's `questions[..].values`, along the path the diagram walks);
//! - `finder/check-3-1-0-2.html`: check your answers, for a complete path;
//! - `finder/result-7.html`: the results for `outcomes[7]` of the serialised diagram,
//!   shared by every path that ends there (so it has no back link and no answers).
//!
//! Numbers and ages are offered as ranges of values that lead to the same next page
//! ("15 to 17"); a step's index is then the first value of its range.
//!
//! Size: one question page per prefix of an answer path, one check page per path, one
//! result page per outcome. That is the product of the values of the questions each
//! path asks (the example: see `site/PAYLOAD.md`), so above [`MAX_PATH_PAGES`] the
//! build uses [`Journey::Nodes`] instead: one page per diagram node
//! (`finder/n-12.html`), the results pages, no check page, and a back link only on a
//! page with a single parent. That is linear in the diagram's size.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::engine::{Diagram, DiagramNode};

/// Above this many pages, the journey is one page per node instead of per path.
pub const MAX_PATH_PAGES: u128 = 10_000;

/// One way to answer a question on a static page: a value, or for numbers a range of
/// values that all lead to the same place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The first value of the range (index into the question's values).
    pub value: usize,
    /// That value's id.
    pub id: String,
    pub label: String,
    /// Where it leads: a diagram reference (node if `>= 0`, else outcome `-r - 1`).
    pub next: i64,
}

/// One step of a path: the question asked and the choice made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub question: usize,
    pub choice: Choice,
}

/// Every page of the journey.
#[derive(Clone, Debug)]
pub enum Journey {
    /// Pages by path (the full journey, with check your answers).
    Paths(Vec<PathPage>),
    /// Pages by diagram node (for diagrams with too many paths).
    Nodes {
        /// Reachable nodes (indices into `nodes`), root first then in node order.
        nodes: Vec<usize>,
        /// For each reachable node, its parents' pages when it has exactly one parent.
        parents: BTreeMap<usize, usize>,
        outcomes: BTreeSet<usize>,
    },
}

#[derive(Clone, Debug)]
pub enum PathPage {
    /// Asks `node`'s question after `steps`.
    Question {
        steps: Vec<Step>,
        node: usize,
    },
    /// Check your answers after the complete path `steps`, which ends in `outcome`.
    Check {
        steps: Vec<Step>,
        outcome: usize,
    },
    Result {
        outcome: usize,
    },
}

/// The choices a node's question offers, in value order.
pub fn choices(diagram: &Diagram, node: &DiagramNode) -> Vec<Choice> {
    let DiagramNode(question, children) = node;
    let Some(q) = diagram.questions.get(*question) else {
        return Vec::new();
    };
    let ranges = q.kind == "number" || q.kind == "age";
    let mut out: Vec<(Choice, String)> = Vec::new();
    for (value, (v, &next)) in q.values.iter().zip(children).enumerate() {
        match out.last_mut() {
            Some((choice, last)) if ranges && choice.next == next => *last = v.label.clone(),
            _ => out.push((
                Choice {
                    value,
                    id: v.id.clone(),
                    label: v.label.clone(),
                    next,
                },
                v.label.clone(),
            )),
        }
    }
    out.into_iter()
        .map(|(mut choice, last)| {
            if choice.label != last {
                choice.label = format!("{} to {last}", choice.label);
            }
            choice
        })
        .collect()
}

fn key(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| s.choice.value.to_string())
        .collect::<Vec<_>>()
        .join("-")
}

/// The page asking the next question after `steps` (by path).
pub fn question_page(steps: &[Step]) -> String {
    if steps.is_empty() {
        "finder.html".to_string()
    } else {
        format!("finder/q-{}.html", key(steps))
    }
}

pub fn check_page(steps: &[Step]) -> String {
    format!("finder/check-{}.html", key(steps))
}

pub fn result_page(outcome: usize) -> String {
    format!("finder/result-{outcome}.html")
}

/// The page of a diagram node (by node); the root's is the finder page.
pub fn node_page(diagram: &Diagram, node: usize) -> String {
    if i64::try_from(node).ok() == Some(diagram.root) {
        "finder.html".to_string()
    } else {
        format!("finder/n-{node}.html")
    }
}

/// Where a choice leads on a page of the per-node journey.
pub fn node_target(diagram: &Diagram, next: i64) -> String {
    match usize::try_from(next) {
        Ok(node) => node_page(diagram, node),
        Err(_) => result_page(outcome_index(next)),
    }
}

/// The outcome index of a negative reference.
pub fn outcome_index(reference: i64) -> usize {
    usize::try_from(-reference - 1).unwrap_or(usize::MAX)
}

impl Journey {
    /// The journey for a diagram: by path when that stays under [`MAX_PATH_PAGES`].
    pub fn new(diagram: &Diagram) -> Journey {
        let mut memo = HashMap::new();
        let path_pages =
            count(diagram, diagram.root, &mut memo).saturating_add(diagram.outcomes.len() as u128);
        if path_pages <= MAX_PATH_PAGES {
            Journey::Paths(paths(diagram))
        } else {
            by_node(diagram)
        }
    }
}

/// Question and check pages below a reference, by path.
fn count(diagram: &Diagram, reference: i64, memo: &mut HashMap<i64, u128>) -> u128 {
    if let Some(&n) = memo.get(&reference) {
        return n;
    }
    let n = match node(diagram, reference) {
        None => 1,
        Some(node) => choices(diagram, node)
            .iter()
            .fold(1u128, |n, c| n.saturating_add(count(diagram, c.next, memo))),
    };
    memo.insert(reference, n);
    n
}

fn node(diagram: &Diagram, reference: i64) -> Option<&DiagramNode> {
    usize::try_from(reference)
        .ok()
        .and_then(|r| diagram.nodes.get(r))
}

fn paths(diagram: &Diagram) -> Vec<PathPage> {
    let mut pages = Vec::new();
    let mut outcomes = BTreeSet::new();
    let mut stack: Vec<(Vec<Step>, i64)> = vec![(Vec::new(), diagram.root)];
    while let Some((steps, reference)) = stack.pop() {
        let Some(found) = node(diagram, reference) else {
            let outcome = outcome_index(reference);
            outcomes.insert(outcome);
            pages.push(PathPage::Check { steps, outcome });
            continue;
        };
        for choice in choices(diagram, found).into_iter().rev() {
            let mut next = steps.clone();
            let next_ref = choice.next;
            next.push(Step {
                question: found.0,
                choice,
            });
            stack.push((next, next_ref));
        }
        let node = usize::try_from(reference).unwrap_or_default();
        pages.push(PathPage::Question { steps, node });
    }
    pages.extend(
        outcomes
            .into_iter()
            .map(|outcome| PathPage::Result { outcome }),
    );
    pages
}

fn by_node(diagram: &Diagram) -> Journey {
    let mut parents: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut outcomes = BTreeSet::new();
    let mut stack = vec![diagram.root];
    while let Some(reference) = stack.pop() {
        let Some(found) = node(diagram, reference) else {
            outcomes.insert(outcome_index(reference));
            continue;
        };
        let Ok(index) = usize::try_from(reference) else {
            continue;
        };
        if !seen.insert(index) {
            continue;
        }
        for choice in choices(diagram, found) {
            if let Ok(child) = usize::try_from(choice.next) {
                parents.entry(child).or_default().insert(index);
            }
            stack.push(choice.next);
        }
    }
    let root = usize::try_from(diagram.root).ok();
    let mut nodes: Vec<usize> = root.into_iter().collect();
    nodes.extend(seen.into_iter().filter(|&n| Some(n) != root));
    let parents = parents
        .into_iter()
        .filter_map(
            |(child, set)| match set.into_iter().collect::<Vec<_>>()[..] {
                [only] => Some((child, only)),
                _ => None,
            },
        )
        .collect();
    Journey::Nodes {
        nodes,
        parents,
        outcomes,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::engine::{DiagramQuestion, DiagramValue};

    fn diagram(kind: &str, values: usize, nodes: Vec<DiagramNode>, root: i64) -> Diagram {
        Diagram {
            questions: vec![DiagramQuestion {
                id: "age".into(),
                text: "How old?".into(),
                help: None,
                kind: kind.into(),
                values: (0..values)
                    .map(|v| DiagramValue {
                        id: v.to_string(),
                        label: v.to_string(),
                    })
                    .collect(),
            }],
            root,
            nodes,
            outcomes: vec![Default::default(); 3],
            ..Diagram::default()
        }
    }

    #[test]
    fn numbers_are_offered_as_ranges_leading_to_one_place() {
        let d = diagram(
            "age",
            6,
            vec![DiagramNode(0, vec![-1, -1, -2, -2, -2, -1])],
            0,
        );
        let labels: Vec<(String, usize, i64)> = choices(&d, &d.nodes[0])
            .into_iter()
            .map(|c| (c.label, c.value, c.next))
            .collect();
        assert_eq!(
            labels,
            [
                ("0 to 1".to_string(), 0, -1),
                ("2 to 4".to_string(), 2, -2),
                ("5".to_string(), 5, -1)
            ]
        );
    }

    #[test]
    fn choices_are_one_per_value_otherwise() {
        let d = diagram("choice", 3, vec![DiagramNode(0, vec![-1, -1, -2])], 0);
        assert_eq!(choices(&d, &d.nodes[0]).len(), 3);
    }

    #[test]
    fn path_pages_name_the_values_chosen() {
        let d = diagram("choice", 2, vec![DiagramNode(0, vec![-1, -2])], 0);
        let Journey::Paths(pages) = Journey::new(&d) else {
            panic!("small diagrams get the full journey");
        };
        let names: Vec<String> = pages
            .iter()
            .map(|p| match p {
                PathPage::Question { steps, .. } => question_page(steps),
                PathPage::Check { steps, .. } => check_page(steps),
                PathPage::Result { outcome } => result_page(*outcome),
            })
            .collect();
        assert_eq!(
            names,
            [
                "finder.html",
                "finder/check-0.html",
                "finder/check-1.html",
                "finder/result-0.html",
                "finder/result-1.html"
            ]
        );
    }

    /// The per-node journey: one page per reachable node, root first; a back link
    /// only for a node with one parent.
    #[test]
    fn node_pages_are_one_per_reachable_node() {
        let mut d = diagram("choice", 3, vec![], 1);
        d.questions.push(d.questions[0].clone());
        d.questions[1].id = "second".into();
        d.nodes = vec![
            DiagramNode(1, vec![-1, -2, -1]),
            DiagramNode(0, vec![0, -3, 0]),
        ];
        let Journey::Nodes {
            nodes,
            parents,
            outcomes,
        } = by_node(&d)
        else {
            panic!("by_node gives the per-node journey");
        };
        assert_eq!(nodes, [1, 0]);
        assert_eq!(parents, [(0, 1)].into());
        assert_eq!(outcomes, [0, 1, 2].into());
        assert_eq!(node_page(&d, 1), "finder.html");
        assert_eq!(node_target(&d, 0), "finder/n-0.html");
        assert_eq!(node_target(&d, -3), "finder/result-2.html");
    }
}
