//! Plain words for the site: pathway conditions as sentences ("the person lives in
//! Portsmouth (city-wide), the answer to “Are the police involved?” is yes, and the
//! risk level is high"), who a service is for, and lists joined the way people write them.
//!
//! Conditions are read as written in the rules (not from the diagram), so each
//! pathway reads the way its author wrote it; a negated test is turned round into the
//! values it allows, which is always exact and usually shorter.

use std::collections::BTreeSet;

use crate::directory::model::{
    Client, Coverage, Directory, LocalityGroup, RiskLevel, Service, Tier,
};
use crate::rules::model::{Condition, DomainKind, Question, RuleSet, ValueIx};

/// The vocabulary conditions are written in: the questions and the directory's places.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub rules: &'a RuleSet,
    pub directory: &'a Directory,
}

impl Words<'_> {
    /// A condition as a clause to follow "when"; `None` for a condition that always holds.
    pub fn condition(&self, condition: &Condition) -> Option<String> {
        match condition {
            Condition::Always => None,
            _ => Some(self.clause(condition)),
        }
    }

    fn clause(&self, condition: &Condition) -> String {
        match condition {
            Condition::Always => "in every case".to_string(),
            Condition::In {
                question, values, ..
            } => self.test(*question, values),
            Condition::Not(inner, _) => match inner.as_ref() {
                Condition::In {
                    question, values, ..
                } => {
                    let all = self.domain_len(*question);
                    let rest: BTreeSet<ValueIx> =
                        (0..all).filter(|v| !values.contains(v)).collect();
                    self.test(*question, &rest)
                }
                other => format!("it is not the case that {}", self.nested(other)),
            },
            Condition::And(parts, _) => clauses(
                &parts.iter().map(|p| self.nested(p)).collect::<Vec<_>>(),
                "and",
            ),
            Condition::Or(parts, _) => clauses(
                &parts.iter().map(|p| self.nested(p)).collect::<Vec<_>>(),
                "or",
            ),
        }
    }

    /// A compound part inside another reads as "either ... or ..." / "both ... and ...".
    fn nested(&self, condition: &Condition) -> String {
        match condition {
            Condition::Or(..) => format!("either {}", self.clause(condition)),
            Condition::And(..) => format!("both {}", self.clause(condition)),
            _ => self.clause(condition),
        }
    }

    fn domain_len(&self, question: usize) -> ValueIx {
        self.rules.questions.get(question).map_or(0, |q| {
            ValueIx::try_from(q.domain.len()).unwrap_or(ValueIx::MAX)
        })
    }

    /// One test: the answer to `question` is one of `values`.
    fn test(&self, question: usize, values: &BTreeSet<ValueIx>) -> String {
        let Some(q) = self.rules.questions.get(question) else {
            return String::new();
        };
        match q.domain.kind {
            DomainKind::Locality => format!("the person lives {}", self.places(q, values)),
            DomainKind::RiskLevel => {
                format!("the risk level is {}", labels(q, values, str::to_lowercase))
            }
            DomainKind::YesNo => format!(
                "the answer to “{}” is {}",
                q.text,
                labels(q, values, str::to_lowercase)
            ),
            DomainKind::Number { .. } | DomainKind::Age => {
                format!("the answer to “{}” is {}", q.text, ranges(q, values))
            }
            DomainKind::Choice => format!(
                "the answer to “{}” is {}",
                q.text,
                labels(q, values, |l| format!("“{l}”"))
            ),
        }
    }

    /// "in Portsmouth (city-wide)", "in Cosham or Hilsea", "anywhere but Fratton",
    /// "outside Portsmouth" (a place named "Outside ...").
    fn places(&self, q: &Question, values: &BTreeSet<ValueIx>) -> String {
        let as_indices: Vec<usize> = values.iter().map(|&v| v as usize).collect();
        // Only the groups of the first place can be exactly these places: listing every
        // group's members for every clause of thousands of result pages was over a
        // quarter of a large site's build.
        let first = as_indices
            .first()
            .and_then(|&i| self.directory.localities.get(i));
        let candidate = |g: &&LocalityGroup| {
            first.is_none_or(|l| l.groups.iter().any(|m| m.value == g.id.value))
        };
        if let Some(group) = self
            .directory
            .groups
            .iter()
            .filter(candidate)
            .find(|g| self.directory.group_members(&g.id.value) == as_indices)
        {
            return format!("in {}", group.name);
        }
        let rest: BTreeSet<ValueIx> = (0..q.domain.len())
            .filter_map(|v| ValueIx::try_from(v).ok())
            .filter(|v| !values.contains(v))
            .collect();
        if rest.len() < values.len() && !rest.is_empty() {
            return format!("anywhere but {}", labels(q, &rest, str::to_string));
        }
        match (
            values.len(),
            values.first().and_then(|&v| q.domain.value(v)),
        ) {
            (1, Some(value)) if value.label.starts_with("Outside ") => {
                format!("o{}", value.label.trim_start_matches('O'))
            }
            _ => format!("in {}", labels(q, values, str::to_string)),
        }
    }

    /// Who a service is for, in one line: "Victims, high risk, ages 16 to 64,
    /// in Portsmouth (city-wide)".
    pub fn eligibility(&self, service: &Service) -> String {
        let mut parts = vec![clients(service)];
        if !service.risk_levels.is_empty() {
            parts.push(format!("{} risk", risk_levels(service).to_lowercase()));
        }
        if let Some(ages) = ages(service) {
            parts.push(format!("ages {ages}"));
        }
        parts.push(match &service.localities {
            Coverage::Anywhere(_) => "anywhere".to_string(),
            Coverage::Listed(_) => format!("in {}", self.coverage(service)),
        });
        parts.join(", ")
    }

    /// "Portsmouth (city-wide)", "Anywhere", "Cosham and Paulsgrove".
    pub fn coverage(&self, service: &Service) -> String {
        match &service.localities {
            Coverage::Anywhere(_) => "Anywhere".to_string(),
            Coverage::Listed(ids) => {
                let names: Vec<String> = ids.iter().map(|id| self.place_name(&id.value)).collect();
                join(&names, "and")
            }
        }
    }

    /// A category's name, by id.
    pub fn category_name(&self, id: &str) -> String {
        self.directory
            .categories
            .iter()
            .find(|c| c.id.value == id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }

    /// A locality's or group's name, by id.
    pub fn place_name(&self, id: &str) -> String {
        let directory = self.directory;
        directory
            .localities
            .iter()
            .find(|l| l.id.value == id)
            .map(|l| l.name.clone())
            .or_else(|| {
                directory
                    .groups
                    .iter()
                    .find(|g| g.id.value == id)
                    .map(|g| g.name.clone())
            })
            .unwrap_or_else(|| id.to_string())
    }
}

/// "Victims and families".
pub fn clients(service: &Service) -> String {
    let words: Vec<String> = service.serves.iter().map(|c| client(c.value)).collect();
    capitalise(&join(&words, "and"))
}

fn client(client: Client) -> String {
    match client {
        Client::Victims => "victims",
        Client::Perpetrators => "people causing harm",
        Client::Children => "children",
        Client::YoungPeople => "young people",
        Client::Families => "families",
    }
    .to_string()
}

/// "Any", "High", "Medium or high".
pub fn risk_levels(service: &Service) -> String {
    if service.risk_levels.is_empty() || service.risk_levels.len() == RiskLevel::ALL.len() {
        return "Any".to_string();
    }
    let words: Vec<String> = service
        .risk_levels
        .iter()
        .map(|r| r.value.id().to_string())
        .collect();
    capitalise(&join(&words, "or"))
}

/// "5 to 18", "16 and over"; `None` when the service takes any age.
pub fn ages(service: &Service) -> Option<String> {
    service.ages.map(|a| {
        if a.max >= 120 {
            format!("{} and over", a.min)
        } else {
            format!("{} to {}", a.min, a.max)
        }
    })
}

/// "T3: complex needs".
pub fn tier(tier: Tier) -> &'static str {
    match tier {
        Tier::T1 => "T1: universal (awareness, signposting, screening)",
        Tier::T2 => "T2: vulnerable (abuse happening, not yet seeking help)",
        Tier::T3 => "T3: complex (lives seriously affected)",
        Tier::T4 => "T4: risk of death or serious harm",
    }
}

/// "Professionals only", "Professionals, and the person themselves".
pub fn who_can_refer(service: &Service) -> String {
    match (
        service.referral.professional_referral,
        service.referral.self_referral,
    ) {
        (true, true) => "Professionals, or the person themselves",
        (true, false) => "Professionals only",
        (false, true) => "The person themselves only",
        (false, false) => "No referrals are taken",
    }
    .to_string()
}

fn labels(q: &Question, values: &BTreeSet<ValueIx>, form: impl Fn(&str) -> String) -> String {
    let words: Vec<String> = values
        .iter()
        .filter_map(|&v| q.domain.value(v))
        .map(|v| form(&v.label))
        .collect();
    join(&words, "or")
}

/// Numbers as ranges: "between 13 and 17", "at least 14", "at most 4", "5".
fn ranges(q: &Question, values: &BTreeSet<ValueIx>) -> String {
    let last = ValueIx::try_from(q.domain.len().saturating_sub(1)).unwrap_or(ValueIx::MAX);
    let number = |v: ValueIx| {
        q.domain
            .value(v)
            .map_or_else(String::new, |v| v.label.clone())
    };
    let mut runs: Vec<(ValueIx, ValueIx)> = Vec::new();
    for &v in values {
        match runs.last_mut() {
            Some((_, hi)) if hi.checked_add(1) == Some(v) => *hi = v,
            _ => runs.push((v, v)),
        }
    }
    let words: Vec<String> = runs
        .iter()
        .map(|&(lo, hi)| match (lo, hi) {
            (lo, hi) if lo == hi => number(lo),
            (0, hi) => format!("at most {}", number(hi)),
            (lo, hi) if hi == last => format!("at least {}", number(lo)),
            (lo, hi) => format!("between {} and {}", number(lo), number(hi)),
        })
        .collect();
    join(&words, "or")
}

/// "a", "a and b", "a, b and c".
pub fn join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// Clauses, which may hold commas themselves, take a comma before the last one too:
/// "a, b, and either c or d".
fn clauses(items: &[String], conjunction: &str) -> String {
    match items {
        [first, second] => format!("{first} {conjunction} {second}"),
        [rest @ .., last] if !rest.is_empty() => {
            format!("{}, {conjunction} {last}", rest.join(", "))
        }
        _ => join(items, conjunction),
    }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_people_write_them() {
        let items = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&items(&[]), "and"), "");
        assert_eq!(join(&items(&["a"]), "and"), "a");
        assert_eq!(join(&items(&["a", "b"]), "or"), "a or b");
        assert_eq!(join(&items(&["a", "b", "c"]), "and"), "a, b and c");
        assert_eq!(capitalise("victims"), "Victims");
        assert_eq!(clauses(&items(&["a", "b", "c"]), "and"), "a, b, and c");
        assert_eq!(clauses(&items(&["a", "b"]), "or"), "a or b");
    }
}
