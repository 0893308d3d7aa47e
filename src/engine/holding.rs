//! Which of many boolean diagrams (the pathways' conditions, the services'
//! eligibility) hold in one complete situation.
//!
//! Walking thousands of diagrams per evaluation was most of its cost at national
//! scale. Instead each diagram's paths to `true` become rows, and for each question
//! and answer a bit set says which rows admit it; a situation is then one AND of a
//! bit set per question (packet classifiers match rules with bit vectors the same
//! way). A diagram's paths are disjoint, so at most one row of each holds. Paths can
//! multiply for contrived conditions, so past a budget the diagrams are walked.

use fixedbitset::FixedBitSet;

use crate::engine::diagram::{Cube, Manager, NodeId, TRUE};
use crate::rules::model::{QuestionIx, ValueIx};

/// The most bytes the bit sets of one [`Holding`] may take.
pub(crate) const HOLDING_BYTES: usize = 32 << 20;

/// Diagrams prepared for asking which of them hold.
#[derive(Clone, Debug)]
pub(crate) enum Holding {
    Indexed(RowIndex),
    /// Past the budget: each diagram is walked.
    Walked(Vec<NodeId>),
}

/// The diagrams' paths to `true` as rows, indexed by question and answer.
#[derive(Clone, Debug)]
pub(crate) struct RowIndex {
    /// For each question some row tests: per value, the rows that admit it.
    tests: Vec<(QuestionIx, Vec<FixedBitSet>)>,
    /// The diagram each row is a path of.
    owners: Vec<usize>,
    diagrams: usize,
}

impl Holding {
    /// Rows for `diagrams` if their bit sets fit `budget` bytes, else a walk of each.
    pub(crate) fn of(m: &Manager, diagrams: Vec<NodeId>, budget: usize) -> Holding {
        match RowIndex::of(m, &diagrams, budget) {
            Some(index) => Holding::Indexed(index),
            None => Holding::Walked(diagrams),
        }
    }

    /// The diagrams (by position) that hold where each question is answered as in
    /// `answers`, which must answer every question within its domain.
    pub(crate) fn holding(&self, m: &Manager, answers: &[Option<ValueIx>]) -> FixedBitSet {
        match self {
            Holding::Indexed(index) => index.holding(answers),
            Holding::Walked(diagrams) => {
                let mut held = FixedBitSet::with_capacity(diagrams.len());
                for (i, &f) in diagrams.iter().enumerate() {
                    held.set(i, matches!(m.leaf_at(f, answers), Some(v) if v != 0));
                }
                held
            }
        }
    }
}

impl RowIndex {
    fn of(m: &Manager, diagrams: &[NodeId], budget: usize) -> Option<RowIndex> {
        // Each row costs a bit per value of every question: stop listing rows as soon
        // as their bit sets would pass the budget.
        let values: usize = (0..m.questions()).map(|q| m.domain_size(q) as usize).sum();
        let most_rows = budget.saturating_mul(8) / values.max(1);
        let mut rows: Vec<(usize, Cube)> = Vec::new();
        for (owner, &f) in diagrams.iter().enumerate() {
            for cube in m.cubes(f, |v| v == TRUE) {
                if rows.len() >= most_rows {
                    return None;
                }
                rows.push((owner, cube));
            }
        }
        let mut tests: Vec<(QuestionIx, Vec<FixedBitSet>)> = Vec::new();
        for q in 0..m.questions() {
            let mut admits = vec![full(rows.len()); m.domain_size(q) as usize];
            let mut tested = false;
            for (row, (_, cube)) in rows.iter().enumerate() {
                let Some((_, values)) = cube.parts.iter().find(|(question, _)| *question == q)
                else {
                    continue;
                };
                tested = true;
                for (v, set) in (0..).zip(admits.iter_mut()) {
                    set.set(row, values.binary_search(&v).is_ok());
                }
            }
            if tested {
                tests.push((q, admits));
            }
        }
        Some(RowIndex {
            tests,
            owners: rows.into_iter().map(|(owner, _)| owner).collect(),
            diagrams: diagrams.len(),
        })
    }

    fn holding(&self, answers: &[Option<ValueIx>]) -> FixedBitSet {
        let mut rows = full(self.owners.len());
        for (q, admits) in &self.tests {
            let answer = answers.get(*q).copied().flatten();
            match answer.and_then(|v| admits.get(v as usize)) {
                Some(admitted) => rows.intersect_with(admitted),
                None => rows.clear(),
            }
        }
        let mut held = FixedBitSet::with_capacity(self.diagrams);
        for row in rows.ones() {
            if let Some(&owner) = self.owners.get(row) {
                held.insert(owner);
            }
        }
        held
    }
}

/// A set of `len` bits, all set.
fn full(len: usize) -> FixedBitSet {
    let mut set = FixedBitSet::with_capacity(len);
    set.insert_range(..);
    set
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::engine::diagram::tests::{manager, situations, some_functions, value_at};

    /// Every situation: the rows and the walk agree with each diagram's value.
    #[test]
    fn rows_and_walks_agree_with_every_diagram() {
        let mut m = manager();
        let functions = some_functions(&mut m);
        let indexed = Holding::of(&m, functions.clone(), HOLDING_BYTES);
        let walked = Holding::of(&m, functions.clone(), 0);
        assert!(matches!(indexed, Holding::Indexed(_)));
        assert!(matches!(walked, Holding::Walked(_)));
        for s in situations(&m) {
            let answers: Vec<Option<ValueIx>> = s.iter().map(|&v| Some(v)).collect();
            let expected: Vec<usize> = (0..functions.len())
                .filter(|&i| value_at(&m, functions[i], &s) == TRUE)
                .collect();
            for holding in [&indexed, &walked] {
                let held: Vec<usize> = holding.holding(&m, &answers).ones().collect();
                assert_eq!(held, expected, "situation {s:?}");
            }
        }
    }
}
