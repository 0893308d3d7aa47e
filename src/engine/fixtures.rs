//! Builders for rule sets and directories in tests, without the parser or the loader,
//! and a small hand-made area.
#![allow(clippy::panic)]

use std::collections::BTreeSet;

use jiff::civil::{Date, date};

use crate::directory::model::{
    AgeRange, AreaSettings, Category, Client, Contact, Coverage, Directory, Locality,
    LocalityGroup, Referral as HowToRefer, RiskLevel, Service,
};
use crate::rules::model::{
    Condition, Domain, DomainKind, Fallback, Pathway, Question, ReferTo, RuleSet, Target, Urgency,
    Value,
};
use crate::source::{Located, Span};

pub fn at<T>(value: T) -> Located<T> {
    Located::new(value, Span::default())
}

pub fn question(id: &str, kind: DomainKind, values: &[&str]) -> Question {
    Question {
        id: at(id.to_string()),
        text: format!("What is the {id}?"),
        help: None,
        domain: Domain {
            kind,
            values: values
                .iter()
                .map(|v| Value {
                    id: (*v).to_string(),
                    label: v.to_uppercase(),
                })
                .collect(),
        },
        span: Span::default(),
    }
}

pub fn yes_no(id: &str) -> Question {
    question(id, DomainKind::YesNo, &["yes", "no"])
}

pub fn risk(id: &str) -> Question {
    question(id, DomainKind::RiskLevel, &["standard", "medium", "high"])
}

/// A number question (or, with `DomainKind::Age`, an age question) over `min..=max`.
pub fn number(id: &str, kind: DomainKind, min: i64, max: i64) -> Question {
    let values: Vec<String> = (min..=max).map(|n| n.to_string()).collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    question(id, kind, &refs)
}

/// The locality question over the directory's localities.
pub fn locality(id: &str, directory: &Directory) -> Question {
    let ids: Vec<&str> = directory
        .localities
        .iter()
        .map(|l| l.id.value.as_str())
        .collect();
    question(id, DomainKind::Locality, &ids)
}

/// `question is one of values`, with text as a commissioner would write it.
pub fn is(questions: &[Question], question: &str, values: &[&str]) -> Condition {
    let (q, found) = questions
        .iter()
        .enumerate()
        .find(|(_, q)| q.id.value == question)
        .unwrap_or_else(|| panic!("no question {question}"));
    let indices: BTreeSet<u32> = values
        .iter()
        .map(|v| {
            found
                .domain
                .index_of(v)
                .unwrap_or_else(|| panic!("no value {v}"))
        })
        .collect();
    let text = match values {
        [one] => format!("{question} is {one}"),
        _ => format!("{question} is one of {}", values.join(", ")),
    };
    Condition::In {
        question: q,
        values: indices,
        text,
        span: Span::default(),
    }
}

pub fn not(c: Condition) -> Condition {
    Condition::Not(Box::new(c), Span::default())
}

pub fn and(parts: Vec<Condition>) -> Condition {
    Condition::And(parts, Span::default())
}

pub fn or(parts: Vec<Condition>) -> Condition {
    Condition::Or(parts, Span::default())
}

pub fn to_service(id: &str, urgency: Urgency) -> ReferTo {
    ReferTo {
        target: Target::Service(id.to_string()),
        urgency,
        span: Span::default(),
    }
}

pub fn to_category(id: &str, urgency: Urgency) -> ReferTo {
    ReferTo {
        target: Target::Category(id.to_string()),
        urgency,
        span: Span::default(),
    }
}

pub fn pathway(id: &str, condition: Condition, referrals: Vec<ReferTo>) -> Pathway {
    Pathway {
        id: at(id.to_string()),
        title: format!("The {id} pathway"),
        reason: format!("Because of {id}."),
        condition,
        referrals,
        span: Span::default(),
    }
}

pub fn fallback(referrals: Vec<ReferTo>) -> Fallback {
    Fallback {
        reason: "Nothing else applies.".to_string(),
        referrals,
        span: Span::default(),
    }
}

/// A victims' service open all the time, everywhere, at every risk level.
pub fn service(id: &str, categories: &[&str]) -> Service {
    Service {
        id: id.to_string(),
        span: Span::default(),
        name: at(id.to_uppercase()),
        summary: String::new(),
        description: String::new(),
        provider: String::new(),
        categories: categories.iter().map(|c| at((*c).to_string())).collect(),
        tiers: Vec::new(),
        serves: vec![at(Client::Victims)],
        risk_levels: Vec::new(),
        ages: None,
        localities: Coverage::Anywhere(Span::default()),
        referral: HowToRefer {
            self_referral: true,
            professional_referral: true,
            how: String::new(),
            form: None,
        },
        contact: Contact::default(),
        hours: String::new(),
        requires: Vec::new(),
        available_from: None,
        available_until: None,
        reviewed: at(date(2012, 1, 1)),
    }
}

pub fn serving(mut s: Service, clients: &[Client]) -> Service {
    s.serves = clients.iter().map(|c| at(*c)).collect();
    s
}

pub fn at_risk(mut s: Service, levels: &[RiskLevel]) -> Service {
    s.risk_levels = levels.iter().map(|l| at(*l)).collect();
    s
}

pub fn aged(mut s: Service, min: u32, max: u32) -> Service {
    s.ages = Some(AgeRange {
        min,
        max,
        span: Span::default(),
    });
    s
}

pub fn covering(mut s: Service, places: &[&str]) -> Service {
    s.localities = Coverage::Listed(places.iter().map(|p| at((*p).to_string())).collect());
    s
}

pub fn open_between(mut s: Service, from: Option<Date>, until: Option<Date>) -> Service {
    s.available_from = from.map(at);
    s.available_until = until.map(at);
    s
}

pub fn requiring(mut s: Service, requirements: &[&str]) -> Service {
    s.requires = requirements.iter().map(|r| at((*r).to_string())).collect();
    s
}

/// A directory: localities with their groups, group ids, categories and services
/// (sorted by id here, as the loader does).
pub fn directory(
    localities: &[(&str, &[&str])],
    groups: &[&str],
    categories: &[&str],
    mut services: Vec<Service>,
) -> Directory {
    services.sort_by(|a, b| a.id.cmp(&b.id));
    Directory {
        area: AreaSettings {
            name: "Testshire".to_string(),
            title: "Test pathways".to_string(),
            feedback: "changes@example.org".to_string(),
            as_of: None,
            example_data: true,
            exit_url: "https://www.example.org/".to_string(),
            helpline: None,
            span: Span::default(),
        },
        localities: localities
            .iter()
            .map(|(id, gs)| Locality {
                id: at((*id).to_string()),
                name: id.to_uppercase(),
                groups: gs.iter().map(|g| at((*g).to_string())).collect(),
            })
            .collect(),
        groups: groups
            .iter()
            .map(|g| LocalityGroup {
                id: at((*g).to_string()),
                name: g.to_uppercase(),
            })
            .collect(),
        categories: categories
            .iter()
            .map(|c| Category {
                id: at((*c).to_string()),
                name: c.to_uppercase(),
                description: String::new(),
            })
            .collect(),
        services,
    }
}

/// The date the small area is compiled for.
pub fn as_of() -> Date {
    date(2012, 10, 1)
}

/// A small area in the spirit of the example: three wards and outside the area;
/// questions locality, perpetrator, risk, children; a children's category whose
/// group work runs in one ward only, a closed service and a fallback.
pub fn small_area() -> (RuleSet, Directory) {
    let services = vec![
        at_risk(service("marac", &["risk-management"]), &[RiskLevel::High]),
        at_risk(service("idva", &["advocacy"]), &[RiskLevel::High]),
        at_risk(
            service("advocacy-support", &["advocacy"]),
            &[RiskLevel::Standard, RiskLevel::Medium],
        ),
        covering(
            serving(
                service("childrens-groupwork", &["children"]),
                &[Client::Children],
            ),
            &["fratton"],
        ),
        covering(
            serving(service("think-family", &["children"]), &[Client::Families]),
            &["city"],
        ),
        open_between(
            serving(service("cyp-idva", &["children"]), &[Client::Children]),
            None,
            Some(date(2012, 3, 31)),
        ),
        covering(
            serving(
                service("perpetrator-programme", &["perpetrators"]),
                &[Client::Perpetrators],
            ),
            &["city"],
        ),
        service("national-helpline", &["helplines"]),
    ];
    let directory = directory(
        &[
            ("fratton", &["city"]),
            ("hilsea", &["city"]),
            ("cosham", &["city"]),
            ("outside-area", &[]),
        ],
        &["city"],
        &[
            "risk-management",
            "advocacy",
            "children",
            "perpetrators",
            "helplines",
        ],
        services,
    );
    let questions = vec![
        locality("locality", &directory),
        yes_no("perpetrator"),
        risk("risk"),
        yes_no("children"),
    ];
    let q = &questions;
    let in_city = is(q, "locality", &["fratton", "hilsea", "cosham"]);
    let victim = is(q, "perpetrator", &["no"]);
    let pathways = vec![
        pathway(
            "high-risk",
            and(vec![
                is(q, "risk", &["high"]),
                not(is(q, "perpetrator", &["yes"])),
            ]),
            vec![
                to_service("marac", Urgency::Urgent),
                to_service("idva", Urgency::Urgent),
            ],
        ),
        pathway(
            "support",
            and(vec![
                is(q, "risk", &["standard", "medium"]),
                victim.clone(),
                in_city.clone(),
            ]),
            vec![to_service("advocacy-support", Urgency::Routine)],
        ),
        pathway(
            "children",
            and(vec![
                is(q, "children", &["yes"]),
                or(vec![victim, is(q, "risk", &["high"])]),
            ]),
            vec![to_category("children", Urgency::Routine)],
        ),
        pathway(
            "perpetrators",
            and(vec![is(q, "perpetrator", &["yes"]), in_city]),
            vec![to_category("perpetrators", Urgency::Routine)],
        ),
    ];
    let eligibility = crate::rules::model::Eligibility {
        serves: vec![
            (at(Client::Victims), is(q, "perpetrator", &["no"])),
            (at(Client::Perpetrators), is(q, "perpetrator", &["yes"])),
            (at(Client::Children), is(q, "children", &["yes"])),
            (at(Client::Families), is(q, "children", &["yes"])),
        ],
        requires: Vec::new(),
        risk_levels: Vec::new(),
    };
    let rules = RuleSet {
        questions,
        pathways,
        fallback: Some(fallback(vec![to_service(
            "national-helpline",
            Urgency::Routine,
        )])),
        eligibility,
    };
    (rules, directory)
}
