//! Two diagrams over the same questions walked together: the product diagram whose
//! leaf, in each situation, stands for the pair of the two sides' leaves.
//!
//! The sides live in different managers (each compiled on its own), so this cannot be
//! the manager's `apply`; it is the same Shannon expansion, memoised on node pairs,
//! building into a fresh manager. Its cost follows the sizes of the two diagrams,
//! never the size of the answer space.

use std::collections::HashMap;

use crate::engine::{Manager, NodeId};
use crate::rules::model::{QuestionIx, ValueIx};

/// The product of two diagrams: `manager` holds `root`, whose leaves index `pairs`.
#[derive(Clone, Debug)]
pub struct Product {
    pub manager: Manager,
    pub root: NodeId,
    /// (old leaf, new leaf) for each leaf value of the product, in order of creation.
    pub pairs: Vec<(u32, u32)>,
}

/// Walks `old` (in `old_manager`) and `new` (in `new_manager`) together. Both managers
/// must be over the same questions and domains.
pub fn product(old_manager: &Manager, old: NodeId, new_manager: &Manager, new: NodeId) -> Product {
    let mut walk = Walk {
        old: old_manager,
        new: new_manager,
        target: old_manager.fresh(),
        pairs: Vec::new(),
        pair_ids: HashMap::new(),
        memo: HashMap::new(),
    };
    let root = walk.node(old, new);
    Product {
        manager: walk.target,
        root,
        pairs: walk.pairs,
    }
}

impl Product {
    /// The pair a leaf value of the product stands for.
    pub fn pair(&self, leaf: u32) -> Option<(u32, u32)> {
        self.pairs.get(leaf as usize).copied()
    }

    /// The boolean diagram of the situations whose leaf satisfies `wanted`.
    pub fn select(&mut self, wanted: impl Fn(u32) -> bool) -> NodeId {
        self.manager
            .map_leaves(self.root, |leaf| u32::from(wanted(leaf)))
    }
}

struct Walk<'a> {
    old: &'a Manager,
    new: &'a Manager,
    target: Manager,
    pairs: Vec<(u32, u32)>,
    pair_ids: HashMap<(u32, u32), u32>,
    memo: HashMap<(NodeId, NodeId), NodeId>,
}

impl Walk<'_> {
    fn node(&mut self, old: NodeId, new: NodeId) -> NodeId {
        if let Some(&done) = self.memo.get(&(old, new)) {
            return done;
        }
        let result = match (self.old.leaf_value(old), self.new.leaf_value(new)) {
            (Some(a), Some(b)) => {
                let id = self.pair_id((a, b));
                self.target.leaf(id)
            }
            _ => {
                let question = level(self.old, old).min(level(self.new, new));
                let children = (0..self.target.domain_size(question))
                    .map(|v| {
                        let a = cofactor(self.old, old, question, v);
                        let b = cofactor(self.new, new, question, v);
                        self.node(a, b)
                    })
                    .collect();
                self.target.node(question, children)
            }
        };
        self.memo.insert((old, new), result);
        result
    }

    fn pair_id(&mut self, pair: (u32, u32)) -> u32 {
        if let Some(&id) = self.pair_ids.get(&pair) {
            return id;
        }
        let id = u32::try_from(self.pairs.len()).unwrap_or(u32::MAX);
        self.pairs.push(pair);
        self.pair_ids.insert(pair, id);
        id
    }
}

/// A node's question, or past every question for a leaf.
fn level(manager: &Manager, id: NodeId) -> QuestionIx {
    manager.question_of(id).unwrap_or(usize::MAX)
}

/// The child followed when `question` has `value` (the node itself when it tests a
/// later question).
fn cofactor(manager: &Manager, id: NodeId, question: QuestionIx, value: ValueIx) -> NodeId {
    if manager.question_of(id) == Some(question) {
        manager
            .children(id)
            .get(value as usize)
            .copied()
            .unwrap_or(id)
    } else {
        id
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn value_at(m: &Manager, mut id: NodeId, s: &[u32]) -> u32 {
        while let Some(q) = m.question_of(id) {
            id = m.children(id)[s[q] as usize];
        }
        m.leaf_value(id).unwrap()
    }

    #[test]
    fn pairs_the_leaves_of_two_managers_in_every_situation() {
        let domains = vec![3, 2, 4];
        let mut a = Manager::new(domains.clone());
        let mut b = Manager::new(domains);
        let x = a.var_in(0, &BTreeSet::from([1, 2]));
        let y = a.var_in(2, &BTreeSet::from([3]));
        let f = a.apply(x, y, |p, q| p * 2 + q);
        let g = b.var_in(1, &BTreeSet::from([0]));
        let mut product = product(&a, f, &b, g);
        for s0 in 0..3 {
            for s1 in 0..2 {
                for s2 in 0..4 {
                    let s = [s0, s1, s2];
                    let leaf = value_at(&product.manager, product.root, &s);
                    assert_eq!(
                        product.pair(leaf),
                        Some((value_at(&a, f, &s), value_at(&b, g, &s)))
                    );
                }
            }
        }
        let pairs = product.pairs.clone();
        let differ = product.select(|leaf| pairs[leaf as usize].0 != pairs[leaf as usize].1);
        let expected = (0..24)
            .filter(|n| {
                let s = [n / 8, (n / 4) % 2, n % 4];
                value_at(&a, f, &s) != value_at(&b, g, &s)
            })
            .count();
        assert_eq!(product.manager.count(differ), expected as u128);
    }
}
