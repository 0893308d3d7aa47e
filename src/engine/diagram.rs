//! A small reduced, ordered multi-valued decision diagram (MDD) over the questions.
//!
//! Variable `i` is question `i` (the asking order); a branch node has one child per
//! value of its question's domain; terminals ("leaves") carry a `u32`: 0 or 1 for a
//! boolean function, or an id into some table (a set of pathways, an outcome).
//!
//! Why our own and not a crate: oxidd and biodivine-lib-bdd are binary BDD libraries.
//! A question with 343 localities would need a binary encoding of 9 bits with 169
//! invalid codes to mask out of every count, witness and path, and leaves carrying a
//! set of pathways or an outcome need multi-terminal support those libraries do not
//! give. A multi-valued diagram with `u32` leaves gives both directly, in a few hundred
//! lines that the tests below and the engine's brute-force cross-check pin down.
//!
//! Invariants (so that equal functions have equal ids, which every analysis relies on):
//! - ordered: a child's question is always after its parent's;
//! - reduced: no branch has all children equal, and no two nodes are equal (a unique
//!   table hash-conses every node);
//! - nodes are never freed or changed, so a [`NodeId`] stays valid for the life of
//!   the [`Manager`], and ids are assigned in creation order (deterministic).
//!
//! Storage is flat, for national-scale diagrams of millions of nodes: a node is a
//! (question, offset) pair, all children live in one arena, and the unique table maps
//! a hash of a node's content to node ids rather than holding copies of it. A node of
//! a wide question (hundreds of localities) keeps its children as runs of answers
//! leading to the same child, so it takes a few words rather than hundreds, and
//! operations visit each run once.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::rules::model::{QuestionIx, ValueIx};

/// A node of the diagram: a branch or a leaf.
pub type NodeId = u32;

/// The leaf 0: "false" for a boolean function.
pub const FALSE: NodeId = 0;
/// The leaf 1: "true" for a boolean function.
pub const TRUE: NodeId = 1;

/// A node as seen from outside: a leaf, or a branch with its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node<'a> {
    Leaf(u32),
    Branch {
        question: QuestionIx,
        children: Children<'a>,
    },
}

/// A branch's children: one per value of its question, in value order. A wide
/// question's are kept as runs of values leading to the same child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Children<'a> {
    Each(&'a [NodeId]),
    Runs {
        /// The first value of each run, ascending from 0.
        starts: &'a [ValueIx],
        /// Each run's child.
        targets: &'a [NodeId],
        domain: ValueIx,
    },
}

impl<'a> Children<'a> {
    /// The child for `value`; `None` when the question has no such value.
    pub fn get(&self, value: ValueIx) -> Option<NodeId> {
        match *self {
            Children::Each(each) => each.get(value as usize).copied(),
            Children::Runs {
                starts,
                targets,
                domain,
            } => {
                let run = starts.partition_point(|&s| s <= value).checked_sub(1)?;
                (value < domain).then(|| targets.get(run).copied())?
            }
        }
    }

    /// Each value's child, in value order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + 'a {
        self.runs()
            .flat_map(|(values, child)| values.map(move |_| child))
    }

    /// The values leading to each child, in value order: runs of a wide question,
    /// each value alone otherwise.
    pub fn runs(&self) -> ChildRuns<'a> {
        ChildRuns {
            children: *self,
            next: 0,
        }
    }

    /// Every child at least once, in the order of its first value (with repeats).
    pub fn targets(&self) -> &'a [NodeId] {
        match *self {
            Children::Each(each) => each,
            Children::Runs { targets, .. } => targets,
        }
    }

    /// The children copied out of the manager, to be mapped while the manager builds
    /// the new node (see [`Manager::rebuild`]).
    pub fn copied(&self) -> Copied {
        let starts = match *self {
            Children::Each(_) => None,
            Children::Runs { starts, .. } => Some(starts.to_vec()),
        };
        Copied {
            starts,
            targets: self.targets().to_vec(),
        }
    }
}

/// The runs of [`Children::runs`].
pub struct ChildRuns<'a> {
    children: Children<'a>,
    next: usize,
}

impl Iterator for ChildRuns<'_> {
    type Item = (Range<ValueIx>, NodeId);

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.next;
        self.next += 1;
        match self.children {
            Children::Each(each) => {
                let value = ValueIx::try_from(i).ok()?;
                Some((value..value + 1, *each.get(i)?))
            }
            Children::Runs {
                starts,
                targets,
                domain,
            } => {
                let end = starts.get(i + 1).copied().unwrap_or(domain);
                Some((*starts.get(i)?..end, *targets.get(i)?))
            }
        }
    }
}

/// A branch's children outside the manager: see [`Children::copied`].
#[derive(Clone, Debug)]
pub struct Copied {
    /// Where each run starts, for a wide question's; `None` when one per value.
    starts: Option<Vec<ValueIx>>,
    /// One child per value, or per run.
    pub targets: Vec<NodeId>,
}

/// A node's content as [`Manager::intern`] stores it.
#[derive(Clone, Copy)]
enum Content<'a> {
    Leaf(u32),
    /// One child per value.
    Each(&'a [NodeId]),
    /// A wide question's runs: each one's first value and child.
    Runs(&'a [(ValueIx, NodeId)]),
}

impl<'a> Content<'a> {
    /// How many words it takes: see [`Content::words`].
    fn len(self) -> usize {
        match self {
            Content::Leaf(_) => 1,
            Content::Each(each) => each.len(),
            Content::Runs(runs) => 1 + 2 * runs.len(),
        }
    }

    /// The words stored for it: a leaf's value; each child; or the number of runs,
    /// where each starts, and each one's child.
    fn words(self) -> impl Iterator<Item = u32> + 'a {
        let (one, each, runs): (Option<u32>, &[NodeId], &[(ValueIx, NodeId)]) = match self {
            Content::Leaf(value) => (Some(value), &[], &[]),
            Content::Each(each) => (None, each, &[]),
            Content::Runs(runs) => (u32::try_from(runs.len()).ok(), &[], runs),
        };
        one.into_iter()
            .chain(each.iter().copied())
            .chain(runs.iter().map(|&(start, _)| start))
            .chain(runs.iter().map(|&(_, child)| child))
    }
}

/// Marks a leaf in [`Manager::nodes`].
const LEAF: u32 = u32::MAX;
/// The end of a chain of nodes with the same hash.
const NONE: NodeId = NodeId::MAX;

/// A path of a diagram as a readable description of situations: for each question on
/// the path, the values that lead along it (questions not listed may take any value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cube {
    pub parts: Vec<(QuestionIx, Vec<ValueIx>)>,
    pub leaf: u32,
}

/// Whether, wherever the first two diagrams hold, one of the others does: see
/// [`Manager::coverage`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage([NodeId; 2 + COVERS]);

/// How many covers a [`Coverage`] holds before joining the rest into one.
pub const COVERS: usize = 6;

/// A question with at least this many answers is wide: its nodes keep their children
/// as runs of answers leading to the same child, and operations take each stretch of
/// answers over which none of their operands changes child once (a locality question
/// has hundreds of answers, in a few dozen districts; an age question a hundred, in a
/// few bands).
const WIDE: u32 = 16;

/// For [`Manager::is_covered`]: whether the first two diagrams surely hold somewhere none
/// of the others does, surely do not, or it is not yet known.
fn uncovered(nodes: [NodeId; 2 + COVERS]) -> Option<bool> {
    let ([a, b], cover) = nodes.split_at(2) else {
        return None;
    };
    // Nothing to cover, already covered, or covered wherever `a` or `b` holds.
    if *a == FALSE || *b == FALSE || cover.contains(&TRUE) || cover.contains(a) || cover.contains(b)
    {
        Some(false)
    } else if cover.iter().all(|&c| c == FALSE) {
        both_somewhere(*a, *b)
    } else {
        None
    }
}

/// For two boolean diagrams, whether they surely hold together somewhere, surely do
/// not, or it is not yet known.
fn both_somewhere(a: NodeId, b: NodeId) -> Option<bool> {
    match (a, b) {
        (FALSE, _) | (_, FALSE) => Some(false),
        // A reduced diagram other than FALSE is true somewhere.
        (TRUE, _) | (_, TRUE) => Some(true),
        _ if a == b => Some(true),
        _ => None,
    }
}

/// Owns every node; all operations go through it.
#[derive(Clone, Debug)]
pub struct Manager {
    /// The size of each question's domain.
    domains: Vec<u32>,
    /// Per node: its question (or [`LEAF`]) and where its children start in `arena`
    /// (for a leaf, its value).
    nodes: Vec<(u32, u32)>,
    /// Every branch's children, one after another: one per value, or for a wide
    /// question the number of runs, where each starts and each one's child.
    arena: Vec<NodeId>,
    /// The unique table: a hash of a node's content to the last node created with
    /// that hash; `same_hash` chains the others. Keeping only ids (not copies of the
    /// children) halves the memory of large diagrams.
    unique: FastMap<u64, NodeId>,
    same_hash: Vec<NodeId>,
    /// The most bytes of nodes this manager may hold (see [`Manager::with_budget`]).
    budget: usize,
    /// Bytes of the caller's own tables built alongside (the sets leaves stand for),
    /// counted against the same budget.
    beside: usize,
    /// Set when a new node would pass the budget: every operation then stops at once
    /// and its results mean nothing.
    exhausted: bool,
}

type Memo = FastMap<(NodeId, NodeId), NodeId>;

/// A hash map keyed by small integers (node ids, leaf values, sets of them).
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The multiply-and-rotate hash rustc uses ("FxHash"): several times faster than the
/// default SipHash on the unique and memo tables, which dominated compile profiles.
/// Its keys are node ids and leaf values we create, never user input, so resistance
/// to collision attacks is not needed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let word = chunk
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            self.add(word);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Manager {
    /// A manager for questions with these domain sizes, holding the leaves 0 and 1.
    pub fn new(domains: Vec<u32>) -> Manager {
        let mut manager = Manager {
            domains,
            nodes: Vec::new(),
            arena: Vec::new(),
            unique: FastMap::default(),
            same_hash: Vec::new(),
            budget: usize::MAX,
            beside: 0,
            exhausted: false,
        };
        manager.leaf(0);
        manager.leaf(1);
        manager
    }

    /// This manager, limited to holding about `bytes` of nodes: past it, operations
    /// stop early and [`Manager::exhausted`] says so, so that a diagram too large for
    /// the machine fails cleanly instead of taking all its memory.
    pub fn with_budget(mut self, bytes: usize) -> Manager {
        self.budget = bytes;
        self
    }

    /// Whether an operation stopped at the budget (its result is then meaningless).
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// How many more bytes the budget allows, nodes and tables beside them together.
    pub(crate) fn room(&self) -> usize {
        self.budget
            .saturating_sub(self.bytes())
            .saturating_sub(self.beside)
    }

    /// Counts `bytes` more of the caller's tables against the budget; past it, this
    /// manager is exhausted as if a node had passed it.
    pub(crate) fn spend_beside(&mut self, bytes: usize) {
        self.beside = self.beside.saturating_add(bytes);
        if self.bytes().saturating_add(self.beside) > self.budget {
            self.exhausted = true;
        }
    }

    /// Marks this manager exhausted, as when a scratch manager its results were to
    /// come from passed its share of the budget.
    pub(crate) fn exhaust(&mut self) {
        self.exhausted = true;
    }

    /// About how many bytes the nodes take: each node's entry, its children, and
    /// its place in the unique table.
    pub fn bytes(&self) -> usize {
        self.nodes.len() * 32 + self.arena.len() * 4
    }

    /// The number of questions.
    pub fn questions(&self) -> usize {
        self.domains.len()
    }

    /// The size of a question's domain (0 for an unknown question).
    pub fn domain_size(&self, question: QuestionIx) -> u32 {
        self.domains.get(question).copied().unwrap_or(0)
    }

    /// How many nodes exist (all diagrams together).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: the two constant leaves exist from the start.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn get(&self, id: NodeId) -> Option<Node<'_>> {
        let &(question, start) = self.nodes.get(id as usize)?;
        if question == LEAF {
            return Some(Node::Leaf(start));
        }
        let question = question as usize;
        let domain = self.domain_size(question);
        let start = start as usize;
        let children = if domain >= WIDE {
            let runs = *self.arena.get(start)? as usize;
            Children::Runs {
                starts: self.arena.get(start + 1..start + 1 + runs)?,
                targets: self.arena.get(start + 1 + runs..start + 1 + 2 * runs)?,
                domain,
            }
        } else {
            Children::Each(self.each_from(start, domain)?)
        };
        Some(Node::Branch { question, children })
    }

    /// A narrow branch's children, one per answer, from `start` in the arena.
    fn each_from(&self, start: usize, domain: u32) -> Option<&[NodeId]> {
        self.arena.get(start..start + domain as usize)
    }

    /// The value of a leaf, or `None` for a branch.
    pub fn leaf_value(&self, id: NodeId) -> Option<u32> {
        match self.nodes.get(id as usize) {
            Some(&(LEAF, value)) => Some(value),
            _ => None,
        }
    }

    /// The leaf `f` reaches when each question is answered as in `answers`: the
    /// value of `f` at that situation. `None` when a question `f` asks is unanswered
    /// or answered out of range.
    pub fn leaf_at(&self, mut f: NodeId, answers: &[Option<ValueIx>]) -> Option<u32> {
        loop {
            match self.get(f)? {
                Node::Leaf(value) => return Some(value),
                Node::Branch { question, children } => {
                    f = children.get((*answers.get(question)?)?)?;
                }
            }
        }
    }

    /// The question a branch tests, or `None` for a leaf.
    pub fn question_of(&self, id: NodeId) -> Option<QuestionIx> {
        match self.nodes.get(id as usize) {
            Some(&(question, _)) if question != LEAF => Some(question as usize),
            _ => None,
        }
    }

    /// The children of a branch (none for a leaf).
    pub fn children(&self, id: NodeId) -> Children<'_> {
        match self.get(id) {
            Some(Node::Branch { children, .. }) => children,
            _ => Children::Each(&[]),
        }
    }

    /// Where a node sits in the order: its question, or past the last for a leaf.
    fn level(&self, id: NodeId) -> usize {
        self.level_of(self.nodes.get(id as usize).copied())
    }

    /// The level of a node's entry in the node table (see [`Manager::level`]).
    fn level_of(&self, entry: Option<(u32, u32)>) -> usize {
        match entry {
            Some((question, _)) if question != LEAF => question as usize,
            _ => self.domains.len(),
        }
    }

    /// The node reached from `id` when `question` has `value` (itself when the node
    /// tests a later question, so the answer does not matter here).
    fn cofactor(&self, id: NodeId, question: QuestionIx, value: ValueIx) -> NodeId {
        match self.get(id) {
            Some(Node::Branch {
                question: q,
                children,
            }) if q == question => children.get(value).unwrap_or(FALSE),
            _ => id,
        }
    }

    /// The node with this content: the existing one, or a new one.
    fn intern(&mut self, question: u32, content: Content<'_>) -> NodeId {
        let mut hasher = FxHasher::default();
        hasher.add(u64::from(question));
        content.words().for_each(|word| hasher.add(u64::from(word)));
        let hash = hasher.finish();
        let mut candidate = self.unique.get(&hash).copied().unwrap_or(NONE);
        while candidate != NONE {
            if self.has_content(candidate, question, content) {
                return candidate;
            }
            candidate = self
                .same_hash
                .get(candidate as usize)
                .copied()
                .unwrap_or(NONE);
        }
        if self.bytes() + self.beside + content.len() * 4 > self.budget {
            self.exhausted = true;
            return FALSE;
        }
        let id = NodeId::try_from(self.nodes.len()).unwrap_or(NONE);
        let slot = match content {
            Content::Leaf(value) => value,
            Content::Each(_) | Content::Runs(_) => {
                let start = u32::try_from(self.arena.len()).unwrap_or(u32::MAX);
                self.arena.extend(content.words());
                start
            }
        };
        self.nodes.push((question, slot));
        self.same_hash
            .push(self.unique.insert(hash, id).unwrap_or(NONE));
        id
    }

    fn has_content(&self, id: NodeId, question: u32, content: Content<'_>) -> bool {
        match (self.get(id), content) {
            (Some(Node::Leaf(value)), Content::Leaf(wanted)) => value == wanted,
            (
                Some(Node::Branch {
                    question: q,
                    children,
                }),
                _,
            ) if q == question as usize => match (children, content) {
                (Children::Each(each), Content::Each(wanted)) => each == wanted,
                (
                    Children::Runs {
                        starts, targets, ..
                    },
                    Content::Runs(wanted),
                ) => {
                    starts.len() == wanted.len()
                        && starts
                            .iter()
                            .zip(targets)
                            .map(|(&s, &t)| (s, t))
                            .eq(wanted.iter().copied())
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The leaf carrying `value`.
    pub fn leaf(&mut self, value: u32) -> NodeId {
        self.intern(LEAF, Content::Leaf(value))
    }

    pub fn constant(&mut self, value: bool) -> NodeId {
        if value { TRUE } else { FALSE }
    }

    /// The node testing `question` with these children, reduced: when every child is
    /// the same, that child. `children` must have one entry per value, each for a
    /// later question; a question without values has no situations, so gives false.
    pub fn node(&mut self, question: QuestionIx, children: Vec<NodeId>) -> NodeId {
        if self.domain_size(question) >= WIDE {
            return self.node_in_runs(question, (0..).zip(children).collect());
        }
        let Some(&first) = children.first() else {
            return FALSE;
        };
        if children.iter().all(|&c| c == first) {
            return first;
        }
        let question = u32::try_from(question).unwrap_or(LEAF);
        self.intern(question, Content::Each(&children))
    }

    /// The node testing `question` with these runs (each run's first value, ascending
    /// from 0, and its child), reduced like [`Manager::node`].
    fn node_in_runs(&mut self, question: QuestionIx, mut runs: Vec<(ValueIx, NodeId)>) -> NodeId {
        // Neighbouring runs with the same child are one run.
        runs.dedup_by_key(|&mut (_, child)| child);
        let domain = self.domain_size(question);
        match runs.as_slice() {
            [] => FALSE,
            [(_, only)] => *only,
            _ if domain < WIDE => {
                let (starts, targets): (Vec<ValueIx>, Vec<NodeId>) = runs.into_iter().unzip();
                let runs = Children::Runs {
                    starts: &starts,
                    targets: &targets,
                    domain,
                };
                self.node(question, runs.iter().collect())
            }
            _ => {
                let question = u32::try_from(question).unwrap_or(LEAF);
                self.intern(question, Content::Runs(&runs))
            }
        }
    }

    /// A branch built again from its children copied out and mapped (see
    /// [`Children::copied`]).
    pub fn rebuild(&mut self, question: QuestionIx, copied: Copied) -> NodeId {
        match copied.starts {
            Some(starts) => {
                self.node_in_runs(question, starts.into_iter().zip(copied.targets).collect())
            }
            None => self.node(question, copied.targets),
        }
    }

    /// True exactly when the answer to `question` is one of `values`.
    ///
    /// Built from the runs of consecutive values, not by asking of every answer
    /// whether it is one of them: a national directory's services each cover a few
    /// districts of a 343-locality question.
    pub fn var_in(&mut self, question: QuestionIx, values: &BTreeSet<ValueIx>) -> NodeId {
        let domain = self.domain_size(question);
        // Each value starts a true run (or turns the false one starting there true)
        // and a false one after it; neighbouring runs alike are joined as the node is
        // made.
        let mut runs = vec![(0, FALSE)];
        for &v in values.range(..domain) {
            match runs.last_mut() {
                Some(run) if run.0 == v => run.1 = TRUE,
                _ => runs.push((v, TRUE)),
            }
            if v + 1 < domain {
                runs.push((v + 1, FALSE));
            }
        }
        self.node_in_runs(question, runs)
    }

    /// Boolean negation (any non-zero leaf counts as true).
    pub fn not(&mut self, f: NodeId) -> NodeId {
        self.map_leaves(f, |v| u32::from(v == 0))
    }

    pub fn and(&mut self, f: NodeId, g: NodeId) -> NodeId {
        let mut op = |m: &mut Manager, a: NodeId, b: NodeId| {
            if a == FALSE || b == FALSE {
                Some(FALSE)
            } else if a == TRUE || a == b {
                Some(b)
            } else if b == TRUE {
                Some(a)
            } else {
                m.leaf_pair(a, b, |x, y| u32::from(x != 0 && y != 0))
            }
        };
        self.apply_rec(f.min(g), f.max(g), &mut Memo::default(), &mut op)
    }

    pub fn or(&mut self, f: NodeId, g: NodeId) -> NodeId {
        let mut op = |m: &mut Manager, a: NodeId, b: NodeId| {
            if a == TRUE || b == TRUE {
                Some(TRUE)
            } else if a == FALSE || a == b {
                Some(b)
            } else if b == FALSE {
                Some(a)
            } else {
                m.leaf_pair(a, b, |x, y| u32::from(x != 0 || y != 0))
            }
        };
        self.apply_rec(f.min(g), f.max(g), &mut Memo::default(), &mut op)
    }

    /// How many of the boolean diagrams hold, up to two: a diagram whose leaves are
    /// 0, 1 or 2, from which where one and where two hold are read (see
    /// [`Manager::one_and_two_of`]). A fold of counts is one operation a step where a
    /// fold of the two answers would be four.
    pub fn count_to_two(&mut self, fs: &[NodeId]) -> NodeId {
        self.balanced(fs, FALSE, Manager::add_to_two)
    }

    /// Where a count up to two (see [`Manager::count_to_two`]) is at least one, and
    /// where it is two.
    pub fn one_and_two_of(&mut self, count: NodeId) -> (NodeId, NodeId) {
        let one = self.map_leaves(count, |n| u32::from(n >= 1));
        let two = self.map_leaves(count, |n| u32::from(n >= 2));
        (one, two)
    }

    /// The sum of two counts (boolean diagrams count 0 or 1), up to two.
    pub fn add_to_two(&mut self, f: NodeId, g: NodeId) -> NodeId {
        let mut op = |m: &mut Manager, a: NodeId, b: NodeId| {
            if a == FALSE {
                Some(b)
            } else if b == FALSE {
                Some(a)
            } else {
                m.leaf_pair(a, b, |x, y| x.saturating_add(y).min(2))
            }
        };
        self.apply_rec(f.min(g), f.max(g), &mut Memo::default(), &mut op)
    }

    /// Conjunction of many (true for none).
    pub fn and_all(&mut self, fs: impl IntoIterator<Item = NodeId>) -> NodeId {
        let fs: Vec<NodeId> = fs.into_iter().collect();
        self.balanced(&fs, TRUE, Manager::and)
    }

    /// Disjunction of many (false for none).
    pub fn or_any(&mut self, fs: impl IntoIterator<Item = NodeId>) -> NodeId {
        let fs: Vec<NodeId> = fs.into_iter().collect();
        self.balanced(&fs, FALSE, Manager::or)
    }

    /// `op` over many, as a balanced tree: with thousands of operands (a national
    /// rule set's pathways), each takes part in a logarithmic number of operations
    /// on small intermediate diagrams rather than one ever-growing accumulator.
    fn balanced(
        &mut self,
        fs: &[NodeId],
        unit: NodeId,
        op: fn(&mut Manager, NodeId, NodeId) -> NodeId,
    ) -> NodeId {
        match fs {
            [] => unit,
            [one] => *one,
            _ => {
                let (left, right) = fs.split_at(fs.len() / 2);
                let l = self.balanced(left, unit, op);
                let r = self.balanced(right, unit, op);
                op(self, l, r)
            }
        }
    }

    /// Whether two boolean diagrams hold together somewhere. Builds no node, and stops
    /// at the first situation found.
    pub fn intersects(&self, f: NodeId, g: NodeId) -> bool {
        self.exists([f.min(g), f.max(g)], &mut FastSet::default(), &|[a, b]| {
            both_somewhere(a, b)
        })
    }

    /// Whether three boolean diagrams hold together somewhere. Builds no node.
    pub fn meet(&self, nodes: [NodeId; 3]) -> bool {
        self.exists(nodes, &mut FastSet::default(), &|[a, b, c]| {
            // TRUE and repeats add nothing: decide on what is left.
            match (
                a == TRUE || a == b || a == c,
                b == TRUE || b == c,
                c == TRUE,
            ) {
                _ if a == FALSE || b == FALSE || c == FALSE => Some(false),
                (true, true, _) => Some(true),
                (true, false, true) | (false, true, true) => Some(true),
                (true, false, false) => both_somewhere(b, c),
                (false, true, false) => both_somewhere(a, c),
                (false, false, true) => both_somewhere(a, b),
                (false, false, false) => None,
            }
        })
    }

    /// Whether, wherever both boolean diagrams of `within` hold, one of `cover` does,
    /// as a question for [`Manager::is_covered`]: covers past [`COVERS`] are joined
    /// into the last (the only nodes it builds).
    pub fn coverage(&mut self, within: [NodeId; 2], cover: &[NodeId]) -> Coverage {
        let (direct, rest) = cover.split_at(cover.len().min(COVERS - 1));
        let joined = self.or_any(rest.iter().copied());
        let mut nodes = [FALSE; 2 + COVERS];
        let slots = within.iter().chain(direct).chain([&joined]);
        for (slot, &node) in nodes.iter_mut().zip(slots) {
            *slot = node;
        }
        Coverage(nodes)
    }

    /// The answer to a [`Coverage`] question. Builds no node, so questions can be
    /// answered on several threads at once: the checks ask this of many pathways
    /// against the same covers, and building each conjunction or union would cost
    /// more than the question.
    pub fn is_covered(&self, question: &Coverage) -> bool {
        !self.exists(question.0, &mut FastSet::default(), &uncovered)
    }

    /// Whether some situation leads the diagrams where `decide` says so, expanding on
    /// the earliest question until it can; tuples known to lead nowhere are kept.
    fn exists<const N: usize>(
        &self,
        nodes: [NodeId; N],
        refuted: &mut FastSet<[NodeId; N]>,
        decide: &impl Fn([NodeId; N]) -> Option<bool>,
    ) -> bool {
        if let Some(known) = decide(nodes) {
            return known;
        }
        if refuted.contains(&nodes) {
            return false;
        }
        // Each node's question and children, looked up once: the search visits
        // millions of tuples in a national check.
        let entries = nodes.map(|n| self.nodes.get(n as usize).copied());
        let levels = entries.map(|e| self.level_of(e));
        let Some(&question) = levels.iter().min() else {
            return false;
        };
        let domain = self.domain_size(question);
        if domain >= WIDE {
            return self.exists_wide(nodes, question, refuted, decide);
        }
        // The children of the nodes that test this question (one per answer, as the
        // question is narrow); the others stay as they are whatever the answer.
        let mut children: [Option<&[NodeId]>; N] = [None; N];
        for ((slot, entry), &level) in children.iter_mut().zip(entries).zip(&levels) {
            if let Some((_, start)) = entry.filter(|_| level == question) {
                *slot = self.each_from(start as usize, domain);
            }
        }
        let mut previous = None;
        let found = (0..domain as usize).any(|v| {
            let mut next = nodes;
            for (slot, children) in next.iter_mut().zip(&children) {
                if let Some(children) = children {
                    *slot = children.get(v).copied().unwrap_or(FALSE);
                }
            }
            // Neighbouring answers often lead to the same place (localities of one
            // district); one that was just refuted need not be looked up again.
            if previous == Some(next) {
                return false;
            }
            previous = Some(next);
            self.exists(next, refuted, decide)
        });
        if !found {
            refuted.insert(nodes);
        }
        found
    }

    /// [`Manager::exists`] on a wide question: each stretch of answers over which
    /// none of the nodes changes child is searched once.
    fn exists_wide<const N: usize>(
        &self,
        nodes: [NodeId; N],
        question: QuestionIx,
        refuted: &mut FastSet<[NodeId; N]>,
        decide: &impl Fn([NodeId; N]) -> Option<bool>,
    ) -> bool {
        let found = self
            .stretches(nodes, question)
            .any(|(_, next)| self.exists(next, refuted, decide));
        if !found {
            refuted.insert(nodes);
        }
        found
    }

    /// The stretches of a wide question's answers over which none of `nodes` changes
    /// child (the nodes that test a later question never do): where each starts, and
    /// the nodes' children there.
    fn stretches<const N: usize>(
        &self,
        nodes: [NodeId; N],
        question: QuestionIx,
    ) -> Stretches<'_, N> {
        let runs = nodes.map(|n| match self.get(n) {
            Some(Node::Branch {
                question: q,
                children: Children::Runs {
                    starts, targets, ..
                },
            }) if q == question => Some((starts, targets)),
            _ => None,
        });
        Stretches {
            nodes,
            runs,
            run: [0; N],
            start: Some(0),
        }
    }

    /// Both leaves combined, when both are leaves.
    fn leaf_pair(
        &mut self,
        a: NodeId,
        b: NodeId,
        combine: impl FnOnce(u32, u32) -> u32,
    ) -> Option<NodeId> {
        let (x, y) = (self.leaf_value(a)?, self.leaf_value(b)?);
        Some(self.leaf(combine(x, y)))
    }

    /// The pointwise combination of two diagrams: at every situation, `combine` of
    /// their two leaves. Memoised for the duration of the call.
    pub fn apply(
        &mut self,
        f: NodeId,
        g: NodeId,
        mut combine: impl FnMut(u32, u32) -> u32,
    ) -> NodeId {
        // `combine` is called once per pair of leaf values (the finder's combines sets
        // of services).
        let mut combined: FastMap<(u32, u32), NodeId> = FastMap::default();
        let mut op = |m: &mut Manager, a: NodeId, b: NodeId| {
            let pair = (m.leaf_value(a)?, m.leaf_value(b)?);
            if let Some(&done) = combined.get(&pair) {
                return Some(done);
            }
            let leaf = m.leaf(combine(pair.0, pair.1));
            combined.insert(pair, leaf);
            Some(leaf)
        };
        self.apply_rec(f, g, &mut Memo::default(), &mut op)
    }

    /// `op` of two diagrams: decided by `op` where it can, else by expanding.
    fn apply_rec<F>(&mut self, f: NodeId, g: NodeId, memo: &mut Memo, op: &mut F) -> NodeId
    where
        F: FnMut(&mut Manager, NodeId, NodeId) -> Option<NodeId>,
    {
        if self.exhausted {
            return FALSE;
        }
        // Pairs `op` decides at once are cheaper to decide again than to remember.
        if let Some(decided) = op(self, f, g) {
            return decided;
        }
        if let Some(&done) = memo.get(&(f, g)) {
            return done;
        }
        let result = self.expand(f, g, memo, op);
        memo.insert((f, g), result);
        result
    }

    /// [`Manager::apply_rec`] past what `op` decides: Shannon expansion on the earlier
    /// of the two questions.
    fn expand<F>(&mut self, f: NodeId, g: NodeId, memo: &mut Memo, op: &mut F) -> NodeId
    where
        F: FnMut(&mut Manager, NodeId, NodeId) -> Option<NodeId>,
    {
        let question = self.level(f).min(self.level(g));
        let domain = self.domain_size(question);
        if domain >= WIDE {
            return self.apply_wide(f, g, question, memo, op);
        }
        let children = (0..domain)
            .map(|v| {
                let (a, b) = (self.cofactor(f, question, v), self.cofactor(g, question, v));
                self.apply_rec(a, b, memo, op)
            })
            .collect();
        self.node(question, children)
    }

    /// [`Manager::apply_rec`] on a wide question: each stretch's child, found once,
    /// is the child of a run.
    fn apply_wide<F>(
        &mut self,
        f: NodeId,
        g: NodeId,
        question: QuestionIx,
        memo: &mut Memo,
        op: &mut F,
    ) -> NodeId
    where
        F: FnMut(&mut Manager, NodeId, NodeId) -> Option<NodeId>,
    {
        let steps: Vec<(ValueIx, [NodeId; 2])> = self.stretches([f, g], question).collect();
        let runs = steps
            .into_iter()
            .map(|(v, [a, b])| (v, self.apply_rec(a, b, memo, op)))
            .collect();
        self.node_in_runs(question, runs)
    }

    /// The same function with every leaf value `v` replaced by `map(v)`.
    pub fn map_leaves(&mut self, f: NodeId, mut map: impl FnMut(u32) -> u32) -> NodeId {
        self.map_rec(f, &mut FastMap::default(), &mut map)
    }

    fn map_rec<F: FnMut(u32) -> u32>(
        &mut self,
        f: NodeId,
        memo: &mut FastMap<NodeId, NodeId>,
        map: &mut F,
    ) -> NodeId {
        if self.exhausted {
            return FALSE;
        }
        if let Some(&done) = memo.get(&f) {
            return done;
        }
        let result = match self.get(f) {
            Some(Node::Branch { question, children }) => {
                // Copied: mapping the children adds nodes, which may move the arena.
                let mut children = children.copied();
                for child in &mut children.targets {
                    *child = self.map_rec(*child, memo, map);
                }
                self.rebuild(question, children)
            }
            Some(Node::Leaf(value)) => self.leaf(map(value)),
            None => f,
        };
        memo.insert(f, result);
        result
    }

    /// The function with the answered questions fixed: `answers[q]` is the answer to
    /// question `q`, or `None` when it is still open.
    pub fn restrict(&mut self, f: NodeId, answers: &[Option<ValueIx>]) -> NodeId {
        self.restrict_rec(f, answers, &mut FastMap::default())
    }

    fn restrict_rec(
        &mut self,
        f: NodeId,
        answers: &[Option<ValueIx>],
        memo: &mut FastMap<NodeId, NodeId>,
    ) -> NodeId {
        if let Some(&done) = memo.get(&f) {
            return done;
        }
        let Some(Node::Branch { question, children }) = self.get(f) else {
            return f;
        };
        let result = match answers.get(question).copied().flatten() {
            Some(value) => {
                let child = children.get(value).unwrap_or(FALSE);
                self.restrict_rec(child, answers, memo)
            }
            None => {
                let mut children = children.copied();
                for child in &mut children.targets {
                    *child = self.restrict_rec(*child, answers, memo);
                }
                self.rebuild(question, children)
            }
        };
        memo.insert(f, result);
        result
    }

    /// Like [`Manager::restrict`], but builds the result in `target` (a manager for
    /// the same questions) and leaves this one untouched: evaluation works on a shared
    /// compiled diagram.
    pub fn restrict_into(
        &self,
        f: NodeId,
        answers: &[Option<ValueIx>],
        target: &mut Manager,
    ) -> NodeId {
        self.restrict_into_rec(f, answers, target, &mut FastMap::default(), &mut |v| v)
    }

    /// `f` copied into `target`, each leaf value `v` becoming `leaf(v)`.
    pub fn copy_into(
        &self,
        f: NodeId,
        target: &mut Manager,
        mut leaf: impl FnMut(u32) -> u32,
    ) -> NodeId {
        self.restrict_into_rec(f, &[], target, &mut FastMap::default(), &mut leaf)
    }

    /// [`Manager::restrict_into`] of many diagrams, sharing the work on the nodes
    /// they have in common (one memo for all).
    pub fn restrict_all_into(
        &self,
        fs: &[NodeId],
        answers: &[Option<ValueIx>],
        target: &mut Manager,
    ) -> Vec<NodeId> {
        let mut memo = FastMap::default();
        fs.iter()
            .map(|&f| self.restrict_into_rec(f, answers, target, &mut memo, &mut |v| v))
            .collect()
    }

    fn restrict_into_rec<L: FnMut(u32) -> u32>(
        &self,
        f: NodeId,
        answers: &[Option<ValueIx>],
        target: &mut Manager,
        memo: &mut FastMap<NodeId, NodeId>,
        leaf: &mut L,
    ) -> NodeId {
        if let Some(&done) = memo.get(&f) {
            return done;
        }
        let result = match self.get(f) {
            Some(Node::Leaf(value)) => target.leaf(leaf(value)),
            Some(Node::Branch { question, children }) => {
                match answers.get(question).copied().flatten() {
                    Some(value) => {
                        let child = children.get(value).unwrap_or(FALSE);
                        self.restrict_into_rec(child, answers, target, memo, leaf)
                    }
                    None => {
                        let mut children = children.copied();
                        for child in &mut children.targets {
                            *child = self.restrict_into_rec(*child, answers, target, memo, leaf);
                        }
                        target.rebuild(question, children)
                    }
                }
            }
            None => FALSE,
        };
        memo.insert(f, result);
        result
    }

    /// An empty manager for the same questions (for scratch work).
    pub fn fresh(&self) -> Manager {
        Manager::new(self.domains.clone())
    }

    /// Every node reachable from `f` (itself included), each once, parents first.
    pub fn reachable(&self, f: NodeId) -> Vec<NodeId> {
        let mut seen: HashSet<NodeId, BuildHasherDefault<FxHasher>> = HashSet::default();
        let mut stack = vec![f];
        let mut order = Vec::new();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                order.push(id);
                stack.extend(self.children(id).targets().iter().rev());
            }
        }
        order
    }

    /// The questions `f` depends on, in asking order. The diagram is reduced, so each
    /// of them changes the result in at least one situation.
    pub fn support(&self, f: NodeId) -> Vec<QuestionIx> {
        let questions: BTreeSet<QuestionIx> = self
            .reachable(f)
            .into_iter()
            .filter_map(|id| self.question_of(id))
            .collect();
        questions.into_iter().collect()
    }

    /// The distinct leaf values reachable from `f`, sorted.
    pub fn leaves(&self, f: NodeId) -> Vec<u32> {
        let values: BTreeSet<u32> = self
            .reachable(f)
            .into_iter()
            .filter_map(|id| self.leaf_value(id))
            .collect();
        values.into_iter().collect()
    }

    pub fn is_false(&self, f: NodeId) -> bool {
        f == FALSE
    }

    /// The number of situations (over every question) in which `f` is true, i.e. its
    /// leaf is not 0. Saturates at `u128::MAX`.
    pub fn count(&self, f: NodeId) -> u128 {
        self.count_where(f, |v| v != 0)
    }

    /// The number of situations in which `f`'s leaf satisfies `wanted` (saturating).
    pub fn count_where(&self, f: NodeId, wanted: impl Fn(u32) -> bool) -> u128 {
        let mut memo = FastMap::default();
        let below = self.count_rec(f, &wanted, &mut memo);
        below.saturating_mul(self.free_between(0, self.level(f)))
    }

    /// Situations of the questions from `f`'s own question onward.
    fn count_rec(
        &self,
        f: NodeId,
        wanted: &dyn Fn(u32) -> bool,
        memo: &mut FastMap<NodeId, u128>,
    ) -> u128 {
        if let Some(&done) = memo.get(&f) {
            return done;
        }
        let result = match self.get(f) {
            Some(Node::Leaf(value)) => u128::from(wanted(value)),
            Some(Node::Branch { question, children }) => {
                children.runs().fold(0u128, |total, (values, c)| {
                    let free = self.free_between(question + 1, self.level(c));
                    let below = self.count_rec(c, wanted, memo).saturating_mul(free);
                    total
                        .saturating_add(below.saturating_mul(u128::from(values.end - values.start)))
                })
            }
            None => 0,
        };
        memo.insert(f, result);
        result
    }

    /// The number of combinations of answers to questions `from..to`.
    fn free_between(&self, from: usize, to: usize) -> u128 {
        self.domains
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .fold(1u128, |n, &d| n.saturating_mul(u128::from(d)))
    }

    /// One path to a leaf satisfying `wanted`, as (question, value) steps; questions
    /// not on the path may take any value. `None` when there is none.
    pub fn any_path(
        &self,
        f: NodeId,
        wanted: impl Fn(u32) -> bool,
    ) -> Option<Vec<(QuestionIx, ValueIx)>> {
        let mut dead = HashSet::default();
        let mut path = Vec::new();
        self.path_rec(f, &wanted, &mut dead, &mut path)
            .then_some(path)
    }

    fn path_rec(
        &self,
        f: NodeId,
        wanted: &dyn Fn(u32) -> bool,
        dead: &mut HashSet<NodeId, BuildHasherDefault<FxHasher>>,
        path: &mut Vec<(QuestionIx, ValueIx)>,
    ) -> bool {
        if dead.contains(&f) {
            return false;
        }
        let found = match self.get(f) {
            Some(Node::Leaf(value)) => wanted(value),
            Some(Node::Branch { question, children }) => children.runs().any(|(values, c)| {
                path.push((question, values.start));
                let found = self.path_rec(c, wanted, dead, path);
                if !found {
                    path.pop();
                }
                found
            }),
            None => false,
        };
        if !found {
            dead.insert(f);
        }
        found
    }

    /// Every path from `f` to a leaf satisfying `wanted`, as cubes, in value order.
    /// Values of a question that lead to the same child share one cube, so the cubes
    /// are disjoint and together cover exactly the situations wanted.
    pub fn cubes<P: Fn(u32) -> bool>(&self, f: NodeId, wanted: P) -> Cubes<'_, P> {
        Cubes {
            manager: self,
            wanted,
            start: Some(f),
            stack: Vec::new(),
            path: Vec::new(),
        }
    }

    /// A branch's children grouped by target: (child, the values leading to it), in
    /// order of each child's first value.
    fn grouped_children(&self, id: NodeId) -> Vec<(NodeId, Vec<ValueIx>)> {
        let mut groups: Vec<(NodeId, Vec<ValueIx>)> = Vec::new();
        for (run, child) in self.children(id).runs() {
            match groups.iter_mut().find(|(c, _)| *c == child) {
                Some((_, values)) => values.extend(run),
                None => groups.push((child, run.collect())),
            }
        }
        groups
    }
}

/// A depth-first walk over a diagram's paths: see [`Manager::cubes`].
pub struct Cubes<'a, P> {
    manager: &'a Manager,
    wanted: P,
    start: Option<NodeId>,
    stack: Vec<Frame>,
    path: Vec<(QuestionIx, Vec<ValueIx>)>,
}

struct Frame {
    question: QuestionIx,
    groups: Vec<(NodeId, Vec<ValueIx>)>,
    next: usize,
}

impl<P: Fn(u32) -> bool> Cubes<'_, P> {
    /// Steps into `id`: a leaf gives a cube (if wanted), a branch a new frame.
    fn enter(&mut self, id: NodeId) -> Option<Cube> {
        match self.manager.get(id) {
            Some(Node::Leaf(value)) => (self.wanted)(value).then(|| Cube {
                parts: self.path.clone(),
                leaf: value,
            }),
            Some(Node::Branch { question, .. }) => {
                self.stack.push(Frame {
                    question,
                    groups: self.manager.grouped_children(id),
                    next: 0,
                });
                None
            }
            None => None,
        }
    }
}

impl<P: Fn(u32) -> bool> Iterator for Cubes<'_, P> {
    type Item = Cube;

    fn next(&mut self) -> Option<Cube> {
        if let Some(start) = self.start.take()
            && let Some(cube) = self.enter(start)
        {
            return Some(cube);
        }
        loop {
            let depth = self.stack.len().checked_sub(1)?;
            let frame = self.stack.last_mut()?;
            let Some((child, values)) = frame.groups.get(frame.next).cloned() else {
                self.stack.pop();
                continue;
            };
            frame.next += 1;
            let question = frame.question;
            self.path.truncate(depth);
            self.path.push((question, values));
            if let Some(cube) = self.enter(child) {
                return Some(cube);
            }
        }
    }
}

/// The walk of [`Manager::stretches`]: each node's run is followed as the stretches
/// pass its starts.
struct Stretches<'a, const N: usize> {
    nodes: [NodeId; N],
    /// The starts and children of the runs of each node that tests the question.
    runs: [Option<(&'a [ValueIx], &'a [NodeId])>; N],
    /// The run of each node the last stretch fell in.
    run: [usize; N],
    /// Where the next stretch starts: the first start of a run after the last stretch's
    /// (the runs' starts merged as they are passed, with nothing allocated).
    start: Option<ValueIx>,
}

impl<const N: usize> Iterator for Stretches<'_, N> {
    type Item = (ValueIx, [NodeId; N]);

    fn next(&mut self) -> Option<Self::Item> {
        let v = self.start?;
        let mut children = self.nodes;
        let mut following: Option<ValueIx> = None;
        for ((child, runs), run) in children.iter_mut().zip(&self.runs).zip(&mut self.run) {
            if let Some((starts, targets)) = runs {
                while starts.get(*run + 1).is_some_and(|&s| s <= v) {
                    *run += 1;
                }
                *child = targets.get(*run).copied().unwrap_or(FALSE);
                if let Some(&after) = starts.get(*run + 1) {
                    following = Some(following.map_or(after, |f| f.min(after)));
                }
            }
        }
        self.start = following;
        Some((v, children))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use super::*;

    fn set(values: &[ValueIx]) -> BTreeSet<ValueIx> {
        values.iter().copied().collect()
    }

    /// Three questions with 3, 2 and 4 values.
    pub(crate) fn manager() -> Manager {
        Manager::new(vec![3, 2, 4])
    }

    /// Every situation of the manager's space, in order.
    pub(crate) fn situations(m: &Manager) -> Vec<Vec<ValueIx>> {
        let mut all = vec![vec![]];
        for q in 0..m.questions() {
            all = all
                .into_iter()
                .flat_map(|s| {
                    (0..m.domain_size(q)).map(move |v| {
                        let mut t = s.clone();
                        t.push(v);
                        t
                    })
                })
                .collect();
        }
        all
    }

    /// Whether, wherever both of `within` hold, one of `cover` does.
    fn covers(m: &mut Manager, within: [NodeId; 2], cover: &[NodeId]) -> bool {
        let question = m.coverage(within, cover);
        m.is_covered(&question)
    }

    /// Whether `g` holds wherever `f` does.
    fn implies(m: &mut Manager, f: NodeId, g: NodeId) -> bool {
        covers(m, [f, TRUE], &[g])
    }

    /// The leaf `f` reaches in a complete situation, walked child by child (a reference
    /// for [`Manager::leaf_at`] and the engine's tables).
    pub(crate) fn value_at(m: &Manager, f: NodeId, situation: &[ValueIx]) -> u32 {
        let mut id = f;
        while let Some(q) = m.question_of(id) {
            id = m
                .children(id)
                .get(situation[q])
                .expect("a situation answers every question within its domain");
        }
        m.leaf_value(id).expect("a walk ends at a leaf")
    }

    /// Boolean diagrams over the manager: every test of one question's values, and
    /// conjunctions and disjunctions of pairs of them, with TRUE and FALSE.
    pub(crate) fn some_functions(m: &mut Manager) -> Vec<NodeId> {
        let mut atoms = vec![FALSE, TRUE];
        for q in 0..m.questions() {
            for mask in 1..(1u32 << m.domain_size(q)) - 1 {
                let values = (0..m.domain_size(q)).filter(|v| mask & (1 << v) != 0);
                atoms.push(m.var_in(q, &values.collect()));
            }
        }
        let mut fs = atoms.clone();
        for (i, &a) in atoms.iter().enumerate().step_by(3) {
            for &b in atoms.iter().skip(i).step_by(5) {
                fs.push(m.and(a, b));
                fs.push(m.or(a, b));
            }
        }
        fs.sort_unstable();
        fs.dedup();
        fs
    }

    #[test]
    fn node_free_questions_agree_with_every_situation() {
        let mut m = manager();
        let fs = some_functions(&mut m);
        let all = situations(&m);
        let reference = m.clone();
        let holds = |f: NodeId, s: &[ValueIx]| value_at(&reference, f, s) != 0;
        for (i, &f) in fs.iter().enumerate().step_by(7) {
            for &g in fs.iter().skip(i % 5).step_by(11) {
                for &h in fs.iter().skip(i % 3).step_by(13) {
                    let meet = all
                        .iter()
                        .any(|s| holds(f, s) && holds(g, s) && holds(h, s));
                    assert_eq!(m.meet([f, g, h]), meet, "meet {f} {g} {h}");
                    let covered = all.iter().all(|s| {
                        !(holds(f, s) && holds(g, s)) || holds(h, s) || holds(f, s) && !holds(f, s)
                    });
                    assert_eq!(covers(&mut m, [f, g], &[h]), covered, "covers {f} {g} {h}");
                }
                let both = all.iter().any(|s| holds(f, s) && holds(g, s));
                assert_eq!(m.intersects(f, g), both, "intersects {f} {g}");
                let implied = all.iter().all(|s| !holds(f, s) || holds(g, s));
                assert_eq!(implies(&mut m, f, g), implied, "implies {f} {g}");
            }
        }
    }

    /// `var_in`, built from runs of values, is the node built answer by answer, on a
    /// narrow and a wide question, for every set of the first five values and some
    /// sets reaching the last.
    #[test]
    fn var_in_is_the_node_of_its_answers() {
        let mut m = Manager::new(vec![5, WIDE + 3]);
        for question in [0, 1] {
            let domain = m.domain_size(question);
            let last = domain - 1;
            let mut sets: Vec<BTreeSet<ValueIx>> = (0u32..32)
                .map(|bits| (0..5).filter(|v| bits & (1 << v) != 0).collect())
                .collect();
            sets.extend([set(&[last]), set(&[0, last]), (2..=last).collect()]);
            sets.push((0..=last + 4).collect());
            for values in &sets {
                let children = (0..domain)
                    .map(|v| if values.contains(&v) { TRUE } else { FALSE })
                    .collect();
                let by_answer = m.node(question, children);
                assert_eq!(
                    m.var_in(question, values),
                    by_answer,
                    "{question} {values:?}"
                );
            }
        }
    }

    /// Operations on a wide question, which take stretches of answers at once,
    /// agree with every situation.
    #[test]
    fn wide_questions_agree_with_every_situation() {
        let mut m = Manager::new(vec![2, WIDE + 3, 3]);
        let mut fs = vec![FALSE, TRUE];
        for (i, values) in [&[0, 1, 2][..], &[5, 6, 7, 8, 18], &[3], &[0, 18]]
            .iter()
            .enumerate()
        {
            let wide = m.var_in(1, &set(values));
            let (question, value) = if i % 2 == 0 { (0, 1) } else { (2, 0) };
            let other = m.var_in(question, &set(&[value]));
            fs.extend([wide, m.and(wide, other), m.or(wide, other)]);
        }
        let all = situations(&m);
        let reference = m.clone();
        let holds = |f: NodeId, s: &[ValueIx]| value_at(&reference, f, s) != 0;
        for &f in &fs {
            for &g in &fs {
                let both = all.iter().any(|s| holds(f, s) && holds(g, s));
                assert_eq!(m.intersects(f, g), both, "intersects {f} {g}");
                let covered = all.iter().all(|s| !holds(f, s) || holds(g, s));
                assert_eq!(covers(&mut m, [f, TRUE], &[g]), covered, "covers {f} {g}");
                let (and, or) = (m.and(f, g), m.or(f, g));
                for s in &all {
                    assert_eq!(value_at(&m, and, s) != 0, holds(f, s) && holds(g, s));
                    assert_eq!(value_at(&m, or, s) != 0, holds(f, s) || holds(g, s));
                }
            }
        }
    }

    #[test]
    fn counts_one_and_two_of_many() {
        let mut m = manager();
        let fs = some_functions(&mut m);
        let all = situations(&m);
        for window in fs.windows(4).step_by(3) {
            let count = m.count_to_two(window);
            let (one, two) = m.one_and_two_of(count);
            for s in &all {
                let holding = window.iter().filter(|&&f| value_at(&m, f, s) != 0).count();
                assert_eq!(
                    value_at(&m, one, s),
                    u32::from(holding >= 1),
                    "{window:?} at {s:?}"
                );
                assert_eq!(
                    value_at(&m, two, s),
                    u32::from(holding >= 2),
                    "{window:?} at {s:?}"
                );
            }
        }
        let none = m.count_to_two(&[]);
        assert_eq!(m.one_and_two_of(none), (FALSE, FALSE));
    }

    #[test]
    fn covers_joins_covers_beyond_its_slots() {
        let mut m = manager();
        let each: Vec<NodeId> = (0..4).map(|v| m.var_in(2, &set(&[v]))).collect();
        let many: Vec<NodeId> = each.iter().chain(&each).chain(&each).copied().collect();
        assert!(many.len() > COVERS);
        assert!(covers(&mut m, [TRUE, TRUE], &many));
        assert!(!covers(&mut m, [TRUE, TRUE], &many[..3]));
        let last = each[3];
        assert!(covers(
            &mut m,
            [last, TRUE],
            &[FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, last]
        ));
    }

    #[test]
    fn equal_functions_have_equal_ids() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[0, 2]));
        let b = m.var_in(2, &set(&[1]));
        let ab = m.and(a, b);
        let ba = m.and(b, a);
        assert_eq!(ab, ba);
        // De Morgan: not (not a or not b) == a and b.
        let (na, nb) = (m.not(a), m.not(b));
        let or = m.or(na, nb);
        assert_eq!(m.not(or), ab);
        // a or not a is the constant true; a and not a is false.
        assert_eq!(m.or(a, na), TRUE);
        assert_eq!(m.and(a, na), FALSE);
        // A test of every value is no test at all.
        assert_eq!(m.var_in(1, &set(&[0, 1])), TRUE);
        assert_eq!(m.var_in(1, &set(&[])), FALSE);
        // Two ways of writing "question 0 is 1".
        let not_02 = m.not(a);
        assert_eq!(not_02, m.var_in(0, &set(&[1])));
    }

    #[test]
    fn nodes_are_reduced_and_ordered() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[1]));
        let b = m.var_in(1, &set(&[0]));
        let c = m.var_in(2, &set(&[3]));
        let ab = m.or(a, b);
        let f = m.and(ab, c);
        for id in m.reachable(f) {
            if let Some(q) = m.question_of(id) {
                let children: Vec<NodeId> = m.children(id).iter().collect();
                assert!(children.iter().any(|&c| c != children[0]));
                assert!(children.iter().all(|&c| m.level(c) > q));
            }
        }
        let before = m.len();
        let again = m.and(c, ab);
        assert_eq!((again, m.len()), (f, before));
    }

    #[test]
    fn counts_situations() {
        let mut m = manager();
        assert_eq!(m.count(TRUE), 24);
        assert_eq!(m.count(FALSE), 0);
        let a = m.var_in(0, &set(&[0, 2]));
        assert_eq!(m.count(a), 16);
        let c = m.var_in(2, &set(&[1, 2, 3]));
        assert_eq!(m.count(c), 18);
        let ac = m.and(a, c);
        assert_eq!(m.count(ac), 12);
        let brute = situations(&m)
            .iter()
            .filter(|s| value_at(&m, ac, s) != 0)
            .count();
        assert_eq!(brute, 12);
        assert_eq!(m.count_where(ac, |v| v == 0), 12);
    }

    #[test]
    fn counting_saturates() {
        let m = Manager::new(vec![u32::MAX; 6]);
        assert_eq!(m.count(TRUE), u128::MAX);
    }

    #[test]
    fn restricts_by_partial_answers() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[2]));
        let c = m.var_in(2, &set(&[0]));
        let f = m.or(a, c);
        assert_eq!(m.restrict(f, &[Some(2), None, None]), TRUE);
        assert_eq!(m.restrict(f, &[Some(0), None, None]), c);
        assert_eq!(m.restrict(f, &[None, Some(1), Some(1)]), a);
        assert_eq!(m.restrict(f, &[]), f);
        assert_eq!(m.support(f), vec![0, 2]);
        assert_eq!(m.support(c), vec![2]);
        assert!(m.support(TRUE).is_empty());
    }

    #[test]
    fn restricts_into_another_manager() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[2]));
        let b = m.var_in(1, &set(&[0]));
        let c = m.var_in(2, &set(&[0, 3]));
        let bc = m.and(b, c);
        let f = m.or(a, bc);
        let answers = [Some(1), None, None];
        let here = m.restrict(f, &answers);
        let before = m.len();
        let mut scratch = m.fresh();
        let there = m.restrict_into(f, &answers, &mut scratch);
        assert_eq!(m.len(), before, "the source manager is untouched");
        assert_eq!(scratch.support(there), m.support(here));
        assert_eq!(scratch.count(there), m.count(here));
        let expected = scratch.var_in(2, &set(&[0, 3]));
        let expected_b = scratch.var_in(1, &set(&[0]));
        assert_eq!(there, scratch.and(expected_b, expected));
    }

    #[test]
    fn applies_a_leaf_combiner_pointwise() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[1]));
        let c = m.var_in(2, &set(&[2, 3]));
        let sum = m.apply(a, c, |x, y| 10 * x + y);
        assert_eq!(m.leaves(sum), vec![0, 1, 10, 11]);
        for s in situations(&m) {
            let expected = 10 * value_at(&m, a, &s) + value_at(&m, c, &s);
            assert_eq!(value_at(&m, sum, &s), expected, "{s:?}");
        }
        let doubled = m.map_leaves(sum, |v| v * 2);
        assert_eq!(m.leaves(doubled), vec![0, 2, 20, 22]);
    }

    #[test]
    fn finds_a_satisfying_path() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[2]));
        let c = m.var_in(2, &set(&[3]));
        let f = m.and(a, c);
        assert_eq!(m.any_path(f, |v| v != 0), Some(vec![(0, 2), (2, 3)]));
        assert_eq!(m.any_path(FALSE, |v| v != 0), None);
        assert_eq!(m.any_path(TRUE, |v| v != 0), Some(vec![]));
    }

    #[test]
    fn cubes_merge_values_with_the_same_child() {
        let mut m = manager();
        let a = m.var_in(0, &set(&[0, 2]));
        let c = m.var_in(2, &set(&[1, 3]));
        let na = m.not(a);
        let left = m.and(a, c);
        let f = m.or(left, na);
        let cubes: Vec<Cube> = m.cubes(f, |v| v != 0).collect();
        assert_eq!(
            cubes,
            vec![
                Cube {
                    parts: vec![(0, vec![0, 2]), (2, vec![1, 3])],
                    leaf: 1
                },
                Cube {
                    parts: vec![(0, vec![1])],
                    leaf: 1
                },
            ]
        );
        let total: u128 = cubes
            .iter()
            .map(|cube| {
                let listed: u128 = cube.parts.iter().map(|(_, v)| v.len() as u128).product();
                let free: u128 = (0..m.questions())
                    .filter(|q| cube.parts.iter().all(|(p, _)| p != q))
                    .map(|q| u128::from(m.domain_size(q)))
                    .product();
                listed * free
            })
            .sum();
        assert_eq!(total, m.count(f));
        let all: Vec<Cube> = m.cubes(TRUE, |_| true).collect();
        assert_eq!(
            all,
            vec![Cube {
                parts: vec![],
                leaf: 1
            }]
        );
        assert_eq!(m.cubes(FALSE, |v| v != 0).count(), 0);
    }
}
