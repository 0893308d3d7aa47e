//! Where the rules send people, as boolean diagrams over the whole answer space: where
//! each category has a service that takes the person, where each pathway applies and
//! finds a service, where the `otherwise` block applies, and where nobody is referred
//! anywhere. The checks ask these rather than the finder's outcome table, so their cost
//! follows the size of the rules and the directory, not the number of distinct outcomes
//! the rules tell apart (which explodes in a national rule set).

use std::collections::BTreeMap;

use crate::engine::diagram::{FALSE, TRUE};
use crate::engine::{Compiled, NodeId};
use crate::rules::model::{ReferTo, Target};

/// The boolean facts the checks share, computed once.
pub struct Reach {
    /// Per category: where some service of it is open and takes the person.
    some: BTreeMap<String, NodeId>,
    /// Per pathway: where it applies and refers to at least one service.
    yields: Vec<NodeId>,
    /// Where some pathway applies.
    pub matched: NodeId,
    /// Where the `otherwise` block applies (nowhere without one).
    pub fallback: NodeId,
    /// Where nobody is referred anywhere.
    pub nobody: NodeId,
}

impl Reach {
    pub fn of(compiled: &mut Compiled) -> Reach {
        let some = some_services(compiled);
        let rules = compiled.rules().clone();
        let yields: Vec<NodeId> = (0..rules.pathways.len())
            .zip(&rules.pathways)
            .map(|(p, pathway)| {
                let finds = finds(compiled, &some, &pathway.referrals);
                let applies = compiled.pathway_condition(p).unwrap_or(FALSE);
                compiled.manager_mut().and(applies, finds)
            })
            .collect();
        let fallback_finds = rules
            .fallback
            .as_ref()
            .map(|f| finds(compiled, &some, &f.referrals));
        let conditions = compiled.conditions.clone();
        let m = compiled.manager_mut();
        let matched = m.or_any(conditions);
        let served = m.or_any(yields.iter().copied());
        let unserved = m.not(served);
        let (fallback, nobody) = match fallback_finds {
            Some(finds) => {
                let finds_none = m.not(finds);
                (unserved, m.and(unserved, finds_none))
            }
            None => (FALSE, unserved),
        };
        Reach {
            some,
            yields,
            matched,
            fallback,
            nobody,
        }
    }

    /// Where some service of the category is open and takes the person.
    pub fn some_service(&self, category: &str) -> NodeId {
        self.some.get(category).copied().unwrap_or(FALSE)
    }

    /// Where the pathway applies and refers to at least one service.
    pub fn yields(&self, pathway: usize) -> NodeId {
        self.yields.get(pathway).copied().unwrap_or(FALSE)
    }
}

/// For each category, the union of its services' eligibility.
fn some_services(compiled: &mut Compiled) -> BTreeMap<String, NodeId> {
    let members: Vec<(String, Vec<NodeId>)> = compiled
        .members
        .iter()
        .map(|(category, services)| {
            let eligible = services.iter().filter_map(|&s| compiled.eligible(s));
            (category.clone(), eligible.collect())
        })
        .collect();
    members
        .into_iter()
        .map(|(category, eligible)| (category, compiled.manager_mut().or_any(eligible)))
        .collect()
}

/// Where a list of referrals finds at least one service: everywhere when it names an
/// open service, else wherever one of its categories has a service.
fn finds(
    compiled: &mut Compiled,
    some: &BTreeMap<String, NodeId>,
    referrals: &[ReferTo],
) -> NodeId {
    let parts: Vec<NodeId> = referrals
        .iter()
        .map(|r| match &r.target {
            Target::Service(id) => {
                let open = compiled
                    .services()
                    .binary_search(id)
                    .is_ok_and(|s| compiled.is_open(s));
                if open { TRUE } else { FALSE }
            }
            Target::Category(c) => some.get(c).copied().unwrap_or(FALSE),
        })
        .collect();
    compiled.manager_mut().or_any(parts)
}
