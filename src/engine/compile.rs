//! Compiling a rule set against the directory, for one reference date, into boolean
//! decision diagrams: each pathway's condition and each service's eligibility. Their
//! size follows the size of the rules and of the directory; the checks work on them.
//! The finder's outcome table (`outcomes`) is built from them on first use.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use jiff::civil::Date;

use crate::directory::model::{self as directory, Client, Directory, RiskLevel, Service};
use crate::engine::diagram::{FALSE, Manager, NodeId, TRUE};
use crate::engine::outcomes::{OutcomeTable, ReferralTargets, TooLarge};
use crate::engine::serialise::Diagram;
use crate::rules::model::{Condition, DomainKind, PathwayIx, QuestionIx, RuleSet, ValueIx};

/// Index of a service in [`Directory::services`] (sorted by id).
pub type ServiceIx = usize;

/// The rules compiled against the directory for one reference date.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub(crate) rules: RuleSet,
    pub(crate) as_of: Date,
    /// Service ids, in directory order (sorted).
    pub(crate) services: Vec<String>,
    /// Whether each service is open on `as_of`.
    pub(crate) open: Vec<bool>,
    /// Each category's services (open or not), by id.
    pub(crate) members: BTreeMap<String, Vec<ServiceIx>>,
    manager: Manager,
    pub(crate) conditions: Vec<NodeId>,
    eligible: Vec<NodeId>,
    eligible_anywhere: Vec<NodeId>,
    /// Kept to work out eligibility on other dates (contracts ending or starting).
    lines: EligibilityLines,
    /// Built on first use: the checks do not need them.
    outcomes: OnceLock<OutcomeTable>,
    /// The first budget the outcome table was found not to fit.
    outcomes_exceeded: OnceLock<usize>,
    /// Built on first evaluation of a complete situation.
    referral_targets: OnceLock<ReferralTargets>,
    diagram: OnceLock<Diagram>,
}

/// Compiles `rules` against `directory` for the reference date `as_of`.
pub fn compile(rules: &RuleSet, directory: &Directory, as_of: Date) -> Compiled {
    let domains = rules
        .questions
        .iter()
        .map(|q| u32::try_from(q.domain.len()).unwrap_or(u32::MAX))
        .collect();
    let mut manager = Manager::new(domains);
    let conditions: Vec<NodeId> = rules
        .pathways
        .iter()
        .map(|p| condition(&mut manager, &p.condition))
        .collect();
    let lines = EligibilityLines::compile(&mut manager, rules);
    let places = Places::new(rules, directory);
    let (eligible_anywhere, eligible): (Vec<NodeId>, Vec<NodeId>) = directory
        .services
        .iter()
        .map(|s| lines.service(&mut manager, rules, &places, s, as_of))
        .unzip();
    let members = directory
        .categories
        .iter()
        .map(|c| {
            let services = (0..)
                .zip(&directory.services)
                .filter(|(_, s)| s.in_category(&c.id))
                .map(|(i, _)| i)
                .collect();
            (c.id.value.clone(), services)
        })
        .collect();
    Compiled {
        rules: rules.clone(),
        as_of,
        services: directory.services.iter().map(|s| s.id.clone()).collect(),
        open: directory
            .services
            .iter()
            .map(|s| s.is_open_on(as_of))
            .collect(),
        members,
        manager,
        conditions,
        eligible,
        eligible_anywhere,
        lines,
        outcomes: OnceLock::new(),
        outcomes_exceeded: OnceLock::new(),
        referral_targets: OnceLock::new(),
        diagram: OnceLock::new(),
    }
}

/// A condition as a boolean diagram.
pub(crate) fn condition(manager: &mut Manager, condition: &Condition) -> NodeId {
    match condition {
        Condition::Always => TRUE,
        Condition::In {
            question, values, ..
        } => manager.var_in(*question, values),
        Condition::Not(inner, _) => {
            let inner = self::condition(manager, inner);
            manager.not(inner)
        }
        Condition::And(parts, _) => {
            let parts: Vec<NodeId> = parts.iter().map(|p| self::condition(manager, p)).collect();
            manager.and_all(parts)
        }
        Condition::Or(parts, _) => {
            let parts: Vec<NodeId> = parts.iter().map(|p| self::condition(manager, p)).collect();
            manager.or_any(parts)
        }
    }
}

/// The `eligibility` block compiled: for each client group, requirement and risk level
/// with at least one line, the disjunction of its lines.
#[derive(Clone, Debug)]
struct EligibilityLines {
    serves: BTreeMap<Client, NodeId>,
    requires: BTreeMap<String, NodeId>,
    risk_levels: BTreeMap<RiskLevel, NodeId>,
}

impl EligibilityLines {
    fn compile(manager: &mut Manager, rules: &RuleSet) -> EligibilityLines {
        let eligibility = &rules.eligibility;
        EligibilityLines {
            serves: disjoin(
                manager,
                eligibility.serves.iter().map(|(k, c)| (k.value, c)),
            ),
            requires: disjoin(
                manager,
                eligibility
                    .requires
                    .iter()
                    .map(|(k, c)| (k.value.clone(), c)),
            ),
            risk_levels: disjoin(
                manager,
                eligibility.risk_levels.iter().map(|(k, c)| (k.value, c)),
            ),
        }
    }

    /// A service's eligibility on `as_of`: without, then with, its locality coverage.
    fn service(
        &self,
        manager: &mut Manager,
        rules: &RuleSet,
        places: &Places,
        service: &Service,
        as_of: Date,
    ) -> (NodeId, NodeId) {
        if !service.is_open_on(as_of) {
            return (FALSE, FALSE);
        }
        let serves = manager.or_any(
            service
                .serves
                .iter()
                .map(|c| self.serves.get(&c.value).copied().unwrap_or(FALSE)),
        );
        let risk = self.risk(manager, rules, service);
        let ages = ages(manager, rules, service);
        let requires = manager.and_all(
            service
                .requires
                .iter()
                .map(|r| self.requires.get(&r.value).copied().unwrap_or(FALSE)),
        );
        let anywhere = manager.and_all([serves, risk, ages, requires]);
        let area = coverage(manager, places, service);
        (anywhere, manager.and(anywhere, area))
    }

    /// The service's risk levels: each by its eligibility line, or else by the answer
    /// to the risk-level question (any level when there is no such question).
    fn risk(&self, manager: &mut Manager, rules: &RuleSet, service: &Service) -> NodeId {
        if service.risk_levels.is_empty() {
            return TRUE;
        }
        let question = rules.question_of_kind(|k| k == DomainKind::RiskLevel);
        let levels: Vec<NodeId> = service
            .risk_levels
            .iter()
            .map(
                |level| match (self.risk_levels.get(&level.value), question) {
                    (Some(&line), _) => line,
                    (None, Some(q)) => value_test(manager, rules, q, |v| v == level.value.id()),
                    (None, None) => TRUE,
                },
            )
            .collect();
        manager.or_any(levels)
    }
}

/// For each key, the disjunction of its conditions.
fn disjoin<'a, K: Ord>(
    manager: &mut Manager,
    lines: impl Iterator<Item = (K, &'a Condition)>,
) -> BTreeMap<K, NodeId> {
    let mut map = BTreeMap::new();
    for (key, c) in lines {
        let d = condition(manager, c);
        let previous = map.get(&key).copied().unwrap_or(FALSE);
        let joined = manager.or(previous, d);
        map.insert(key, joined);
    }
    map
}

/// True when question `q`'s answer has an id for which `wanted` holds.
fn value_test(
    manager: &mut Manager,
    rules: &RuleSet,
    q: QuestionIx,
    wanted: impl Fn(&str) -> bool,
) -> NodeId {
    let values: BTreeSet<ValueIx> = rules
        .questions
        .get(q)
        .map(|question| {
            (0..)
                .zip(&question.domain.values)
                .filter(|(_, v)| wanted(&v.id))
                .map(|(i, _)| i)
                .collect()
        })
        .unwrap_or_default();
    manager.var_in(q, &values)
}

/// The service's age range, against the age question (if there is one).
fn ages(manager: &mut Manager, rules: &RuleSet, service: &Service) -> NodeId {
    match (
        rules.question_of_kind(|k| k == DomainKind::Age),
        service.ages,
    ) {
        (Some(q), Some(range)) => value_test(manager, rules, q, |id| {
            id.parse::<i64>()
                .is_ok_and(|age| i64::from(range.min) <= age && age <= i64::from(range.max))
        }),
        _ => TRUE,
    }
}

/// The localities the service covers, against the locality question (if there is one).
fn coverage(manager: &mut Manager, places: &Places, service: &Service) -> NodeId {
    let Some(q) = places.question else {
        return TRUE;
    };
    let values: BTreeSet<ValueIx> = places
        .directory
        .covered(service)
        .into_iter()
        .filter_map(|i| places.values.get(i).copied().flatten())
        .collect();
    manager.var_in(q, &values)
}

/// The directory's localities by id, and the locality question's value for each,
/// looked up once rather than searched for each of thousands of services.
struct Places<'a> {
    question: Option<QuestionIx>,
    directory: directory::Places<'a>,
    /// By locality index in the directory.
    values: Vec<Option<ValueIx>>,
}

impl<'a> Places<'a> {
    fn new(rules: &RuleSet, directory: &'a Directory) -> Places<'a> {
        let question = rules.question_of_kind(|k| k == DomainKind::Locality);
        let places = directory.places();
        let mut values = vec![None; directory.localities.len()];
        let domain = question.and_then(|q| rules.questions.get(q));
        for (v, value) in (0..).zip(domain.map_or(&[][..], |q| &q.domain.values)) {
            let slot = places.locality(&value.id).and_then(|i| values.get_mut(i));
            if let Some(slot @ None) = slot {
                *slot = Some(v);
            }
        }
        Places {
            question,
            directory: places,
            values,
        }
    }
}

impl Compiled {
    /// The manager owning every diagram below. Analyses may build more diagrams in
    /// it (node ids never change), through [`Compiled::manager_mut`].
    pub fn manager(&self) -> &Manager {
        &self.manager
    }

    pub fn manager_mut(&mut self) -> &mut Manager {
        &mut self.manager
    }

    /// The rule set this was compiled from.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The reference date services' contracts were checked against.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// Service ids in directory order: a [`ServiceIx`] indexes this.
    pub fn services(&self) -> &[String] {
        &self.services
    }

    /// Any condition as a boolean diagram in this manager (analyses use it for the
    /// parts of a pathway's condition).
    pub fn condition_diagram(&mut self, condition: &Condition) -> NodeId {
        self::condition(&mut self.manager, condition)
    }

    /// A pathway's condition as a boolean diagram.
    pub fn pathway_condition(&self, pathway: PathwayIx) -> Option<NodeId> {
        self.conditions.get(pathway).copied()
    }

    /// Where a service would take the person: open on the date, serving their client
    /// group, risk level, age and requirements, and covering their locality.
    pub fn eligible(&self, service: ServiceIx) -> Option<NodeId> {
        self.eligible.get(service).copied()
    }

    /// [`Compiled::eligible`] without the locality part: where this holds but
    /// `eligible` does not, the person is out of the service's area.
    pub fn eligible_anywhere(&self, service: ServiceIx) -> Option<NodeId> {
        self.eligible_anywhere.get(service).copied()
    }

    /// [`Compiled::eligible`] on another date: the same where the service is open
    /// on both, nowhere where it is closed on `date`. `directory` must be the one
    /// compiled against.
    pub fn eligible_on(&mut self, directory: &Directory, service: ServiceIx, date: Date) -> NodeId {
        let Some(entry) = directory.services.get(service) else {
            return FALSE;
        };
        if !entry.is_open_on(date) {
            return FALSE;
        }
        if self.is_open(service) {
            return self.eligible(service).unwrap_or(FALSE);
        }
        let (manager, rules) = (&mut self.manager, &self.rules);
        let places = Places::new(rules, directory);
        self.lines.service(manager, rules, &places, entry, date).1
    }

    /// Whether a service is open on the reference date.
    pub fn is_open(&self, service: ServiceIx) -> bool {
        self.open.get(service).copied().unwrap_or(false)
    }

    /// A category's services (open or not), or none for an unknown category.
    pub fn category_members(&self, category: &str) -> &[ServiceIx] {
        self.members.get(category).map_or(&[], Vec::as_slice)
    }

    /// Every referral resolved to services and categories, built on first use.
    pub(crate) fn referral_targets(&self) -> &ReferralTargets {
        self.referral_targets
            .get_or_init(|| ReferralTargets::of(self))
    }

    /// The finder's outcome diagram and table, built on first use.
    pub fn outcome_table(&self) -> &OutcomeTable {
        self.outcomes.get_or_init(|| OutcomeTable::build(self))
    }

    /// The outcome table, if it has been built.
    pub(crate) fn built_outcome_table(&self) -> Option<&OutcomeTable> {
        self.outcomes.get()
    }

    /// The stable serialisation the site's finder walks.
    pub fn diagram(&self) -> &Diagram {
        self.diagram.get_or_init(|| Diagram::build(self))
    }

    /// [`Compiled::diagram`], unless the outcome table behind it would need more than
    /// about `bytes`: the finder of a national rule set can have more distinct
    /// outcomes than a machine holds, and the site must then fail, not crash.
    pub fn diagram_within(&self, bytes: usize) -> Result<&Diagram, TooLarge> {
        self.outcome_table_within(bytes).ok_or(TooLarge { bytes })?;
        Ok(self.diagram())
    }

    /// The whole space's outcome table, built now if it fits about `bytes`; a budget
    /// once found too small is not tried again.
    pub(crate) fn outcome_table_within(&self, bytes: usize) -> Option<&OutcomeTable> {
        if let Some(table) = self.outcomes.get() {
            return Some(table);
        }
        if self
            .outcomes_exceeded
            .get()
            .is_some_and(|&tried| bytes <= tried)
        {
            return None;
        }
        match OutcomeTable::build_within(self, bytes) {
            Ok(table) => Some(self.outcomes.get_or_init(|| table)),
            Err(_) => {
                let _first = self.outcomes_exceeded.set(bytes);
                None
            }
        }
    }
}
