//! What was added, removed or changed, item by item: pathways, questions (and their
//! values), services, categories, and the `otherwise` block and eligibility lines.

use serde::Serialize;

use crate::directory::model::{Category, Coverage, Directory, Service};
use crate::engine::describe;
use crate::rules::model::{Pathway, Question, ReferTo, RuleSet, Target};

/// Items of one kind added, removed and changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// In NEW's order.
    pub added: Vec<Item>,
    /// In OLD's order.
    pub removed: Vec<Item>,
    /// In NEW's order.
    pub changed: Vec<Item>,
}

/// One item (a pathway, question, service, category or rule block).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    /// Its title, question text or name (NEW's when both have one).
    pub name: String,
    /// For a changed item, the fields that differ (named as in the source files).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// For a question: values added (every value, for a new question).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values_added: Vec<String>,
    /// For a question: values removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values_removed: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// "added", "removed", "changed" or `None` for the item with this id.
    pub fn status(&self, id: &str) -> Option<&'static str> {
        let has = |items: &[Item]| items.iter().any(|i| i.id == id);
        if has(&self.added) {
            Some("added")
        } else if has(&self.removed) {
            Some("removed")
        } else if has(&self.changed) {
            Some("changed")
        } else {
            None
        }
    }

    pub fn changed(&self, id: &str) -> Option<&Item> {
        self.changed.iter().find(|i| i.id == id)
    }
}

/// Every change between the two sides' items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Inventory {
    pub pathways: Changes,
    pub questions: Changes,
    pub services: Changes,
    pub categories: Changes,
    /// The `otherwise` block (id `otherwise`) and each eligibility line, by what it
    /// establishes (ids like `serves victims`, `requires court-order`, `risk level high`).
    pub rules: Changes,
}

impl Inventory {
    pub fn is_empty(&self) -> bool {
        [
            &self.pathways,
            &self.questions,
            &self.services,
            &self.categories,
            &self.rules,
        ]
        .iter()
        .all(|c| c.is_empty())
    }
}

/// Compares the two sides' rules (as written) and directories.
pub fn compare(old: (&RuleSet, &Directory), new: (&RuleSet, &Directory)) -> Inventory {
    Inventory {
        pathways: compare_items(&old.0.pathways, &new.0.pathways, |p| Fields {
            id: p.id.value.clone(),
            name: p.title.clone(),
            fields: pathway_fields(p),
            values: Vec::new(),
        }),
        questions: compare_items(&old.0.questions, &new.0.questions, question_fields),
        services: compare_items(&old.1.services, &new.1.services, |s| Fields {
            id: s.id.clone(),
            name: s.name.value.clone(),
            fields: service_fields(s),
            values: Vec::new(),
        }),
        categories: compare_items(&old.1.categories, &new.1.categories, category_fields),
        rules: compare_items(&rule_blocks(old.0), &rule_blocks(new.0), Clone::clone),
    }
}

/// An item as comparable text: its id, name, each field rendered, and its values.
#[derive(Clone, Debug)]
struct Fields {
    id: String,
    name: String,
    fields: Vec<(&'static str, String)>,
    values: Vec<String>,
}

fn compare_items<T>(old: &[T], new: &[T], fields: impl Fn(&T) -> Fields) -> Changes {
    let old: Vec<Fields> = old.iter().map(&fields).collect();
    let new: Vec<Fields> = new.iter().map(&fields).collect();
    let find = |items: &[Fields], id: &str| items.iter().find(|i| i.id == id).cloned();
    let mut changes = Changes::default();
    for item in &new {
        match find(&old, &item.id) {
            None => changes.added.push(Item {
                values_added: item.values.clone(),
                ..item_of(item)
            }),
            Some(before) => {
                let differ: Vec<String> = item
                    .fields
                    .iter()
                    .zip(&before.fields)
                    .filter(|(a, b)| a != b)
                    .map(|((name, _), _)| (*name).to_string())
                    .collect();
                let values_added = missing(&item.values, &before.values);
                let values_removed = missing(&before.values, &item.values);
                if !differ.is_empty() || !values_added.is_empty() || !values_removed.is_empty() {
                    changes.changed.push(Item {
                        fields: differ,
                        values_added,
                        values_removed,
                        ..item_of(item)
                    });
                }
            }
        }
    }
    changes.removed = old
        .iter()
        .filter(|i| find(&new, &i.id).is_none())
        .map(item_of)
        .collect();
    changes
}

fn item_of(fields: &Fields) -> Item {
    Item {
        id: fields.id.clone(),
        name: fields.name.clone(),
        fields: Vec::new(),
        values_added: Vec::new(),
        values_removed: Vec::new(),
    }
}

/// The entries of `these` that `those` lacks, in order.
fn missing(these: &[String], those: &[String]) -> Vec<String> {
    these
        .iter()
        .filter(|v| !those.contains(v))
        .cloned()
        .collect()
}

fn pathway_fields(pathway: &Pathway) -> Vec<(&'static str, String)> {
    vec![
        ("title", pathway.title.clone()),
        ("because", pathway.reason.clone()),
        ("when", describe(&pathway.condition)),
        ("refer", referrals_text(&pathway.referrals)),
    ]
}

/// Referrals as written: "marac urgently, any service in category refuge".
pub fn referrals_text(referrals: &[ReferTo]) -> String {
    let parts: Vec<String> = referrals
        .iter()
        .map(|r| {
            let target = match &r.target {
                Target::Service(id) => id.clone(),
                Target::Category(id) => format!("any service in category {id}"),
            };
            format!("{target} {}", r.urgency.id())
        })
        .collect();
    parts.join(", ")
}

fn question_fields(question: &Question) -> Fields {
    let labels: Vec<String> = question
        .domain
        .values
        .iter()
        .map(|v| format!("{}={}", v.id, v.label))
        .collect();
    Fields {
        id: question.id.value.clone(),
        name: question.text.clone(),
        fields: vec![
            ("text", question.text.clone()),
            ("help", question.help.clone().unwrap_or_default()),
            ("kind", format!("{:?}", question.domain.kind)),
            ("labels", labels.join("\n")),
        ],
        values: question
            .domain
            .values
            .iter()
            .map(|v| v.id.clone())
            .collect(),
    }
}

fn category_fields(category: &Category) -> Fields {
    Fields {
        id: category.id.value.clone(),
        name: category.name.clone(),
        fields: vec![
            ("name", category.name.clone()),
            ("description", category.description.clone()),
        ],
        values: Vec::new(),
    }
}

fn joined<T>(items: &[T], text: impl Fn(&T) -> String) -> String {
    items.iter().map(text).collect::<Vec<_>>().join(", ")
}

fn optional<T>(value: Option<&T>, text: impl Fn(&T) -> String) -> String {
    value.map(text).unwrap_or_default()
}

/// Every field of a service as text, named as in its YAML file.
fn service_fields(service: &Service) -> Vec<(&'static str, String)> {
    let how = &service.referral;
    let contact = &service.contact;
    vec![
        ("name", service.name.value.clone()),
        ("summary", service.summary.clone()),
        ("description", service.description.clone()),
        ("provider", service.provider.clone()),
        (
            "categories",
            joined(&service.categories, |c| c.value.clone()),
        ),
        ("tiers", joined(&service.tiers, |t| format!("{t:?}"))),
        (
            "serves",
            joined(&service.serves, |c| c.value.id().to_string()),
        ),
        (
            "risk_levels",
            joined(&service.risk_levels, |l| l.value.id().to_string()),
        ),
        (
            "ages",
            optional(service.ages.as_ref(), |a| format!("{}-{}", a.min, a.max)),
        ),
        ("localities", coverage_text(&service.localities)),
        (
            "referral",
            format!(
                "{} {} {} {}",
                how.self_referral,
                how.professional_referral,
                how.how,
                optional(how.form.as_ref(), |f| f.value.clone())
            ),
        ),
        (
            "contact",
            format!(
                "{} {} {} {}",
                optional(contact.phone.as_ref(), |p| p.value.clone()),
                optional(contact.email.as_ref(), |e| e.value.clone()),
                optional(contact.website.as_ref(), |w| w.value.clone()),
                optional(contact.address.as_ref(), |a| format!(
                    "{} {}",
                    a.text, a.confidential
                )),
            ),
        ),
        ("hours", service.hours.clone()),
        ("requires", joined(&service.requires, |r| r.value.clone())),
        (
            "available_from",
            optional(service.available_from.as_ref(), |d| d.value.to_string()),
        ),
        (
            "available_until",
            optional(service.available_until.as_ref(), |d| d.value.to_string()),
        ),
        ("reviewed", service.reviewed.value.to_string()),
    ]
}

fn coverage_text(coverage: &Coverage) -> String {
    match coverage {
        Coverage::Anywhere(_) => "anywhere".to_string(),
        Coverage::Listed(ids) => joined(ids, |id| id.value.clone()),
    }
}

/// The `otherwise` block and the eligibility lines, one item per thing established.
fn rule_blocks(rules: &RuleSet) -> Vec<Fields> {
    let mut blocks: Vec<Fields> = Vec::new();
    if let Some(fallback) = &rules.fallback {
        blocks.push(Fields {
            id: "otherwise".to_string(),
            name: "the `otherwise` block".to_string(),
            fields: vec![
                ("because", fallback.reason.clone()),
                ("refer", referrals_text(&fallback.referrals)),
            ],
            values: Vec::new(),
        });
    }
    let eligibility = &rules.eligibility;
    let lines = eligibility
        .serves
        .iter()
        .map(|(k, c)| (format!("serves {}", k.value.id()), c))
        .chain(
            eligibility
                .requires
                .iter()
                .map(|(k, c)| (format!("requires {}", k.value), c)),
        )
        .chain(
            eligibility
                .risk_levels
                .iter()
                .map(|(k, c)| (format!("risk level {}", k.value.id()), c)),
        );
    for (id, condition) in lines {
        let text = describe(condition);
        match blocks.iter_mut().find(|b| b.id == id) {
            Some(block) => {
                if let Some((_, when)) = block.fields.first_mut() {
                    when.push_str(" | ");
                    when.push_str(&text);
                }
            }
            None => blocks.push(Fields {
                name: format!("eligibility: {id}"),
                id,
                fields: vec![("when", text)],
                values: Vec::new(),
            }),
        }
    }
    blocks
}
