//! Why a service's referrals changed, where that can be determined from the two
//! versions: the service itself (added, removed, closed, opened, its eligibility,
//! coverage or categories), the pathways that led to it on each side, the `otherwise`
//! block and the eligibility lines.

use std::collections::BTreeSet;

use jiff::civil::Date;

use super::inventory::Inventory;
use super::{Side, Via};
use crate::directory::model::{Directory, Service};
use crate::rules::model::{RuleSet, Target};

/// Everything the reasons are read from.
pub struct Context<'a> {
    pub old: &'a Side<'a>,
    pub new: &'a Side<'a>,
    pub inventory: &'a Inventory,
    /// Pathways on both sides whose conditions hold in different situations.
    pub moved: BTreeSet<String>,
}

/// Service fields that decide eligibility, as named in the directory's YAML.
const ELIGIBILITY: [&str; 4] = ["serves", "risk_levels", "ages", "requires"];

impl Context<'_> {
    /// The service's name, NEW's when it has one.
    pub fn service_name(&self, service: &str) -> String {
        self.new
            .area
            .directory
            .service(service)
            .or_else(|| self.old.area.directory.service(service))
            .map_or_else(|| service.to_string(), |s| s.name.value.clone())
    }

    /// The reasons for a change to `service`'s referrals, in the order: the service,
    /// then the pathways on each side, then the `otherwise` block.
    pub fn reasons(&self, service: &str, old_via: &Via, new_via: &Via) -> Vec<String> {
        let mut reasons = self.service_reasons(service, old_via, new_via);
        let mut seen = BTreeSet::new();
        for pathway in new_via.pathways.iter().chain(&old_via.pathways) {
            if seen.insert(pathway) {
                reasons.extend(self.pathway_reason(pathway));
            }
        }
        reasons.extend(self.fallback_reasons(old_via, new_via));
        reasons
    }

    fn service_reasons(&self, id: &str, old_via: &Via, new_via: &Via) -> Vec<String> {
        let old = self.old.area.directory.service(id);
        let new = self.new.area.directory.service(id);
        let (old, new) = match (old, new) {
            (None, _) => return vec!["service added to the directory".to_string()],
            (_, None) => return vec!["service removed from the directory".to_string()],
            (Some(old), Some(new)) => (old, new),
        };
        let mut reasons = Vec::new();
        match (
            old.is_open_on(self.old.as_of),
            new.is_open_on(self.new.as_of),
        ) {
            (true, false) => reasons.push(closed(new, self.new.as_of)),
            (false, true) => reasons.push(opened(new)),
            _ => {}
        }
        let by_category = by_category(&self.old.area.rules, old, old_via)
            || by_category(&self.new.area.rules, new, new_via);
        if by_category {
            reasons.extend(self.eligibility_reasons(id, old, new));
        }
        reasons
    }

    /// Eligibility, coverage and categories only matter where a category led to it.
    fn eligibility_reasons(&self, id: &str, old: &Service, new: &Service) -> Vec<String> {
        let mut reasons = Vec::new();
        let fields = self
            .inventory
            .services
            .changed(id)
            .map(|item| item.fields.clone())
            .unwrap_or_default();
        let eligibility: Vec<&str> = ELIGIBILITY
            .iter()
            .copied()
            .filter(|f| fields.iter().any(|x| x == f))
            .collect();
        if !eligibility.is_empty() {
            reasons.push(format!(
                "its eligibility changed ({})",
                eligibility.join(", ")
            ));
        }
        let (was, now) = (
            covered(&self.old.area.directory, old),
            covered(&self.new.area.directory, new),
        );
        if was != now {
            reasons.push(coverage_change(&was, &now));
        }
        if fields.iter().any(|f| f == "categories") {
            reasons.push("its categories changed".to_string());
        }
        for line in eligibility_lines(old).union(&eligibility_lines(new)) {
            if let Some(status) = self.inventory.rules.status(line) {
                reasons.push(format!("eligibility line `{line}` {status}"));
            }
        }
        reasons
    }

    fn pathway_reason(&self, pathway: &str) -> Option<String> {
        let changes = &self.inventory.pathways;
        match changes.status(pathway) {
            Some("changed") => {
                let fields = changes
                    .changed(pathway)
                    .map(|item| item.fields.join(", "))
                    .unwrap_or_default();
                Some(format!("pathway `{pathway}` changed ({fields})"))
            }
            Some(status) => Some(format!("pathway `{pathway}` {status}")),
            None => self.moved.contains(pathway).then(|| {
                format!("pathway `{pathway}` applies in other situations (its questions or localities changed)")
            }),
        }
    }

    fn fallback_reasons(&self, old_via: &Via, new_via: &Via) -> Vec<String> {
        let mut reasons = Vec::new();
        match (old_via.fallback, new_via.fallback) {
            (true, false) => {
                reasons.push("the `otherwise` block no longer applies here".to_string())
            }
            (false, true) => reasons.push("the `otherwise` block now applies here".to_string()),
            _ => {}
        }
        if (old_via.fallback || new_via.fallback)
            && let Some(status) = self.inventory.rules.status("otherwise")
        {
            reasons.push(format!("the `otherwise` block {status}"));
        }
        reasons
    }
}

/// Whether one of the pathways (or the fallback) in `via` refers to a category that
/// `service` belongs to.
fn by_category(rules: &RuleSet, service: &Service, via: &Via) -> bool {
    let pathways = via
        .pathways
        .iter()
        .filter_map(|p| rules.pathway(p))
        .flat_map(|(_, p)| &p.referrals);
    let fallback = rules
        .fallback
        .iter()
        .filter(|_| via.fallback)
        .flat_map(|f| &f.referrals);
    pathways
        .chain(fallback)
        .any(|r| matches!(&r.target, Target::Category(c) if service.in_category(c)))
}

/// Why a service is not open on `date`.
fn closed(service: &Service, date: Date) -> String {
    match (&service.available_from, &service.available_until) {
        (_, Some(until)) if until.value < date => {
            format!("service closed (available until {})", until.value)
        }
        (Some(from), _) => format!("service not open yet (available from {})", from.value),
        _ => "service closed".to_string(),
    }
}

fn opened(service: &Service) -> String {
    match &service.available_from {
        Some(from) => format!("service opened (available from {})", from.value),
        None => "service open again".to_string(),
    }
}

/// The ids of the localities a service covers.
fn covered(directory: &Directory, service: &Service) -> BTreeSet<String> {
    directory
        .covered_localities(service)
        .into_iter()
        .filter_map(|i| directory.localities.get(i))
        .map(|l| l.id.value.clone())
        .collect()
}

fn coverage_change(was: &BTreeSet<String>, now: &BTreeSet<String>) -> String {
    let list = |set: Vec<&String>| {
        set.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let gained: Vec<&String> = now.difference(was).collect();
    let lost: Vec<&String> = was.difference(now).collect();
    let mut parts = Vec::new();
    if !gained.is_empty() {
        parts.push(format!("now covers {}", list(gained)));
    }
    if !lost.is_empty() {
        parts.push(format!("no longer covers {}", list(lost)));
    }
    format!("its coverage changed ({})", parts.join("; "))
}

/// The eligibility lines (by what they establish) a service depends on.
fn eligibility_lines(service: &Service) -> BTreeSet<String> {
    let serves = service
        .serves
        .iter()
        .map(|c| format!("serves {}", c.value.id()));
    let requires = service
        .requires
        .iter()
        .map(|r| format!("requires {}", r.value));
    let risk = service
        .risk_levels
        .iter()
        .map(|l| format!("risk level {}", l.value.id()));
    serves.chain(requires).chain(risk).collect()
}
