//! Builders for rule sets and directories in tests, without the parser or the loader,
//! and a small hand-made area.
#![allow(clippy::panic, clippy::indexing_slicing)]

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

/// A deterministic pseudo-random stream (xorshift), for synthetic areas.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// The size of a synthetic area.
pub struct Scale {
    pub localities: usize,
    /// At least 6: locality, risk, perpetrator, children, age, then choices.
    pub questions: usize,
    pub pathways: usize,
    pub services: usize,
}

const SYNTHETIC_CATEGORIES: [&str; 11] = [
    "risk-management",
    "advocacy",
    "children",
    "refuge",
    "housing-safety",
    "counselling",
    "group-work",
    "perpetrators",
    "sexual-violence",
    "helplines",
    "honour-based-violence",
];

/// Age bands that pathways and services use.
const AGE_BANDS: [(u32, u32); 6] = [(0, 12), (0, 17), (13, 17), (16, 25), (18, 120), (65, 120)];

/// A synthetic area shaped like a national directory, where a locality is a local
/// authority and a group a region of 35: most services cover one locality, some a
/// few or a region, a handful the whole country; most pathways are local (one
/// locality, sometimes a region) with one or two tests, mostly of risk, perpetrator
/// and children, sometimes of an age band or another question.
pub fn synthetic(scale: &Scale, seed: u64) -> (RuleSet, Directory) {
    let mut rng = Rng::new(seed);
    let names: Vec<String> = (0..scale.localities).map(|i| format!("l{i}")).collect();
    let groups: Vec<String> = (0..scale.localities.div_ceil(35))
        .map(|g| format!("g{g}"))
        .collect();
    let group_refs: Vec<[&str; 1]> = (0..scale.localities)
        .map(|i| [groups.get(i / 35).map_or("", String::as_str)])
        .collect();
    let localities: Vec<(&str, &[&str])> = names
        .iter()
        .zip(&group_refs)
        .map(|(n, g)| (n.as_str(), &g[..]))
        .collect();
    let services = (0..scale.services)
        .map(|i| synthetic_service(&mut rng, i, &names, &groups))
        .collect();
    let group_ids: Vec<&str> = groups.iter().map(String::as_str).collect();
    let directory = directory(&localities, &group_ids, &SYNTHETIC_CATEGORIES, services);
    let mut questions = vec![
        locality("locality", &directory),
        risk("risk"),
        yes_no("perpetrator"),
        yes_no("children"),
        number("age", DomainKind::Age, 0, 120),
    ];
    for i in questions.len()..scale.questions {
        questions.push(question(
            &format!("c{i}"),
            DomainKind::Choice,
            &["a", "b", "c"],
        ));
    }
    let service_ids: Vec<String> = directory.services.iter().map(|s| s.id.clone()).collect();
    let pathways = (0..scale.pathways)
        .map(|i| synthetic_pathway(&mut rng, i, &questions, &directory, &service_ids))
        .collect();
    let q = &questions;
    let ages: Vec<String> = (13..=17).map(|n| n.to_string()).collect();
    let teen: Vec<&str> = ages.iter().map(String::as_str).collect();
    let eligibility = crate::rules::model::Eligibility {
        serves: vec![
            (at(Client::Victims), is(q, "perpetrator", &["no"])),
            (at(Client::Perpetrators), is(q, "perpetrator", &["yes"])),
            (at(Client::Children), is(q, "children", &["yes"])),
            (at(Client::YoungPeople), is(q, "age", &teen)),
            (at(Client::Families), is(q, "children", &["yes"])),
        ],
        requires: Vec::new(),
        risk_levels: Vec::new(),
    };
    let rules = RuleSet {
        questions,
        pathways,
        fallback: Some(fallback(vec![to_category("helplines", Urgency::Routine)])),
        eligibility,
    };
    (rules, directory)
}

fn synthetic_service(rng: &mut Rng, i: usize, localities: &[String], groups: &[String]) -> Service {
    let category = SYNTHETIC_CATEGORIES[rng.below(SYNTHETIC_CATEGORIES.len())];
    let mut s = service(&format!("s{i:05}"), &[category]);
    let clients = [
        Client::Victims,
        Client::Perpetrators,
        Client::Children,
        Client::YoungPeople,
    ];
    s = serving(s, &[clients[rng.below(clients.len())]]);
    if rng.chance(2) {
        let levels = [
            &RiskLevel::ALL[..2],
            &RiskLevel::ALL[2..],
            &RiskLevel::ALL[1..],
        ];
        s = at_risk(s, levels[rng.below(levels.len())]);
    }
    if rng.chance(5) {
        let (min, max) = AGE_BANDS[rng.below(AGE_BANDS.len())];
        s = aged(s, min, max);
    }
    s = match rng.below(100) {
        0 => s,
        1..=10 => covering(s, &[groups[rng.below(groups.len())].as_str()]),
        11..=30 => {
            let picked: Vec<&str> = (0..2 + rng.below(3))
                .map(|_| localities[rng.below(localities.len())].as_str())
                .collect();
            covering(s, &picked)
        }
        _ => covering(s, &[localities[rng.below(localities.len())].as_str()]),
    };
    if rng.chance(20) {
        s = open_between(s, None, Some(date(2012, 3, 31)));
    }
    s
}

fn synthetic_pathway(
    rng: &mut Rng,
    i: usize,
    questions: &[Question],
    directory: &Directory,
    services: &[String],
) -> Pathway {
    let q = questions;
    let mut parts = Vec::new();
    // Other questions than the core ones are asked by local pathways only.
    let local = match rng.below(100) {
        0..=2 => false,
        3..=19 => {
            let group = &directory.groups[rng.below(directory.groups.len())].id.value;
            let members: Vec<&str> = directory
                .group_members(group)
                .into_iter()
                .map(|l| directory.localities[l].id.value.as_str())
                .collect();
            parts.push(is(q, "locality", &members));
            false
        }
        _ => {
            let place = &directory.localities[rng.below(directory.localities.len())];
            parts.push(is(q, "locality", &[place.id.value.as_str()]));
            true
        }
    };
    for _ in 0..1 + rng.below(2) {
        let atom = match rng.below(if local { 20 } else { 18 }) {
            0..=6 => {
                let levels = [&["high"][..], &["standard", "medium"], &["medium", "high"]];
                is(q, "risk", levels[rng.below(levels.len())])
            }
            7..=10 => is(q, "perpetrator", &[["yes", "no"][rng.below(2)]]),
            11..=14 => is(q, "children", &["yes"]),
            15..=17 => {
                let (min, max) = AGE_BANDS[rng.below(AGE_BANDS.len())];
                let ages: Vec<String> = (min..=max).map(|n| n.to_string()).collect();
                let refs: Vec<&str> = ages.iter().map(String::as_str).collect();
                is(q, "age", &refs)
            }
            _ => {
                let question = &q[5 + rng.below(q.len() - 5)];
                let v = ["a", "b", "c"][rng.below(3)];
                is(q, &question.id.value, &[v])
            }
        };
        parts.push(if rng.chance(6) { not(atom) } else { atom });
    }
    let condition = match parts.len() {
        1 => parts.remove(0),
        _ => and(parts),
    };
    let urgencies = [Urgency::Routine, Urgency::Urgent, Urgency::Immediate];
    let referrals = (0..1 + rng.below(2))
        .map(|_| {
            let urgency = urgencies[rng.below(3)];
            if rng.chance(3) {
                to_category(SYNTHETIC_CATEGORIES[rng.below(11)], urgency)
            } else {
                to_service(&services[rng.below(services.len())], urgency)
            }
        })
        .collect();
    pathway(&format!("p{i:04}"), condition, referrals)
}
