//! The compiled outcome diagram as a stable, self-contained document: the contract
//! with the site's finder (JavaScript walks it in the page; the no-JavaScript pages
//! are generated from its nodes).
//!
//! Format `pathways-diagram/1`, as JSON:
//! ```json
//! {
//!   "format": "pathways-diagram/1",
//!   "as_of": "2012-10-01",
//!   "questions": [{"id": "risk", "text": "...", "help": null, "kind": "risk-level",
//!                  "values": [{"id": "standard", "label": "Standard"}]}],
//!   "pathways": [{"id": "high-risk", "title": "...", "reason": "..."}],
//!   "root": 7,
//!   "nodes": [[0, [3, 3, -1]]],
//!   "outcomes": [{"referrals": [{"service": "marac", "pathways": [0],
//!                                "urgency": "urgent", "fallback": false}],
//!                 "pathways": [0], "fallback": false}]
//! }
//! ```
//! - A reference `r` is a node when `r >= 0` (`nodes[r]`) and an outcome when `r < 0`
//!   (`outcomes[-r - 1]`). `root` is a reference.
//! - `nodes[i] = [question index, [child reference for each value, in value order]]`.
//! - Reduced and ordered: along any path question indices strictly increase, no node
//!   has all children equal, and no two nodes are identical. A question skipped along
//!   a path does not matter there: the finder never asks it.
//! - Pathway indices (in outcomes) index `pathways`; referrals are most urgent first
//!   (`immediate`, `urgent`, `routine`), then in order of first appearance.
//! - `kind` is one of `choice`, `yes-no`, `number`, `locality`, `risk-level`, `age`.
//! - Order is deterministic: nodes children before parents and outcomes in order of
//!   first visit, both from a depth-first walk from the root taking values in order.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::compile::Compiled;
use crate::engine::diagram::{Node, NodeId};
use crate::engine::outcomes::{Outcome, OutcomeTable};
use crate::rules::model::{DomainKind, Question};

/// The format id written in every diagram.
pub const FORMAT: &str = "pathways-diagram/1";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagram {
    pub format: String,
    /// The reference date, `YYYY-MM-DD`.
    pub as_of: String,
    pub questions: Vec<DiagramQuestion>,
    pub pathways: Vec<DiagramPathway>,
    pub root: i64,
    pub nodes: Vec<DiagramNode>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagramQuestion {
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub kind: String,
    pub values: Vec<DiagramValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagramValue {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagramPathway {
    pub id: String,
    pub title: String,
    pub reason: String,
}

/// `[question index, child references]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagramNode(pub usize, pub Vec<i64>);

/// The `kind` word of a question's domain.
pub fn kind_id(kind: DomainKind) -> &'static str {
    match kind {
        DomainKind::Choice => "choice",
        DomainKind::YesNo => "yes-no",
        DomainKind::Number { .. } => "number",
        DomainKind::Locality => "locality",
        DomainKind::RiskLevel => "risk-level",
        DomainKind::Age => "age",
    }
}

impl DiagramQuestion {
    fn of(question: &Question) -> DiagramQuestion {
        DiagramQuestion {
            id: question.id.value.clone(),
            text: question.text.clone(),
            help: question.help.clone(),
            kind: kind_id(question.domain.kind).to_string(),
            values: question
                .domain
                .values
                .iter()
                .map(|v| DiagramValue {
                    id: v.id.clone(),
                    label: v.label.clone(),
                })
                .collect(),
        }
    }
}

impl Diagram {
    /// Serialises a compiled rule set's outcome diagram.
    pub(crate) fn build(compiled: &Compiled) -> Diagram {
        let rules = compiled.rules();
        let mut diagram = Diagram {
            format: FORMAT.to_string(),
            as_of: compiled.as_of().to_string(),
            questions: rules.questions.iter().map(DiagramQuestion::of).collect(),
            pathways: rules
                .pathways
                .iter()
                .map(|p| DiagramPathway {
                    id: p.id.value.clone(),
                    title: p.title.clone(),
                    reason: p.reason.clone(),
                })
                .collect(),
            ..Diagram::default()
        };
        let table = compiled.outcome_table();
        let mut walk = Walk {
            table,
            diagram: &mut diagram,
            refs: HashMap::new(),
        };
        let root = walk.visit(table.root());
        diagram.root = root;
        diagram
    }
}

/// A depth-first walk numbering nodes (children first) and outcomes.
struct Walk<'a> {
    table: &'a OutcomeTable,
    diagram: &'a mut Diagram,
    refs: HashMap<NodeId, i64>,
}

impl Walk<'_> {
    fn visit(&mut self, id: NodeId) -> i64 {
        if let Some(&r) = self.refs.get(&id) {
            return r;
        }
        let r = match self.table.manager().get(id) {
            Some(Node::Branch { question, children }) => {
                let children = children.iter().map(|c| self.visit(c)).collect();
                self.diagram.nodes.push(DiagramNode(question, children));
                count(self.diagram.nodes.len()) - 1
            }
            Some(Node::Leaf(outcome)) => {
                let outcome = self.table.outcome(outcome).cloned().unwrap_or_default();
                self.diagram.outcomes.push(outcome);
                -count(self.diagram.outcomes.len())
            }
            None => -1,
        };
        self.refs.insert(id, r);
        r
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
