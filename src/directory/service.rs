//! One service file: its values checked, its categories and localities resolved against
//! the rest of the directory.

use serde_saphyr::Spanned;

use super::check::Checker;
use super::model::{
    Address, AgeRange, Client, Contact, Coverage, Referral, RiskLevel, Service, Tier,
};
use super::places::ANYWHERE;
use super::raw::{self, Text};
use super::values::Links;
use crate::diagnostic::Diagnostic;
use crate::source::{Located, Span};
use crate::suggest::did_you_mean;

/// The oldest age a service may name: anything above is surely a typo.
const MAX_AGE: u32 = 120;

const TIERS: [(&str, Tier); 4] = [
    ("T1", Tier::T1),
    ("T2", Tier::T2),
    ("T3", Tier::T3),
    ("T4", Tier::T4),
];

/// The ids a service may refer to, from `localities.yaml` and `categories.yaml`. When a
/// file could not be read, references to it are kept unchecked: reporting each one would
/// only repeat the problem with the file.
#[derive(Debug)]
pub struct Known {
    pub localities: Vec<String>,
    pub groups: Vec<String>,
    pub categories: Vec<String>,
    pub localities_read: bool,
    pub categories_read: bool,
}

/// Checks one parsed service file. Values that fail are reported and dropped; without a
/// readable `reviewed` date the service is left out.
pub fn check(
    id: String,
    raw: raw::Service,
    known: &Known,
    checker: &mut Checker<'_>,
) -> Option<Service> {
    let file = checker.file;
    let span = Span::new(file, 0, checker.sources.text(file).len());
    let name = checker.text(raw.name, "name");
    let summary = checker.text(raw.summary, "summary").value;
    let description = checker.text(raw.description, "description").value;
    let provider = checker.text(raw.provider, "provider").value;
    let categories = categories(raw.categories, known, checker);
    let tiers = words(raw.tiers, "tiers", &TIERS, "unknown-tier", "tier", checker);
    let clients: Vec<(&str, Client)> = Client::ALL.iter().map(|c| (c.id(), *c)).collect();
    let serves = words(
        raw.serves,
        "serves",
        &clients,
        "unknown-client",
        "client group",
        checker,
    );
    let risk_levels = risk_levels(raw.risk_levels, checker);
    let ages = raw.ages.and_then(|a| ages(a, checker));
    let localities = coverage(raw.localities, known, checker);
    let referral = referral(raw.referral, checker);
    let contact = contact(raw.contact, checker);
    let hours = checker.text(raw.hours, "hours").value;
    let requires = raw
        .requires
        .into_iter()
        .filter_map(|r| checker.id(r))
        .collect();
    let available_from = raw.available_from.and_then(|d| checker.date(d));
    let available_until = raw.available_until.and_then(|d| checker.date(d));
    date_order(available_from.as_ref(), available_until.as_ref(), checker);
    let reviewed = checker.date(raw.reviewed)?;
    let service = Service {
        id,
        span,
        name,
        summary,
        description,
        provider,
        categories,
        tiers: tiers.into_iter().map(|t| t.value).collect(),
        serves,
        risk_levels,
        ages,
        localities,
        referral,
        contact,
        hours,
        requires,
        available_from,
        available_until,
        reviewed,
    };
    refuge_address(&service, checker);
    Some(service)
}

/// A list of words from a fixed set, which must not be empty.
fn words<T: Copy>(
    list: Spanned<Vec<Text>>,
    field: &str,
    choices: &[(&'static str, T)],
    code: &'static str,
    what: &str,
    checker: &mut Checker<'_>,
) -> Vec<Located<T>> {
    checker.non_empty(&list, field, &format!("name at least one {what}"));
    list.value
        .into_iter()
        .filter_map(|w| checker.word(w, choices, code, what))
        .collect()
}

fn risk_levels(
    list: Option<Spanned<Vec<Text>>>,
    checker: &mut Checker<'_>,
) -> Vec<Located<RiskLevel>> {
    let Some(list) = list else {
        return Vec::new();
    };
    checker.non_empty(
        &list,
        "risk_levels",
        "leave `risk_levels` out for a service that takes any risk level",
    );
    let choices: Vec<(&str, RiskLevel)> = RiskLevel::ALL.iter().map(|r| (r.id(), *r)).collect();
    list.value
        .into_iter()
        .filter_map(|w| checker.word(w, &choices, "unknown-risk-level", "risk level"))
        .collect()
}

fn categories(
    list: Spanned<Vec<Text>>,
    known: &Known,
    checker: &mut Checker<'_>,
) -> Vec<Located<String>> {
    checker.non_empty(
        &list,
        "categories",
        "name at least one category from `categories.yaml`",
    );
    list.value
        .into_iter()
        .filter_map(|c| {
            let category = checker.located(c);
            let candidates = known.categories.iter().map(String::as_str);
            if !known.categories_read || known.categories.contains(&category.value) {
                return Some(category);
            }
            let help = did_you_mean(&category.value, candidates).unwrap_or_else(|| {
                "use a category id from `directory/categories.yaml`".to_string()
            });
            checker.push(
                Diagnostic::error(
                    "unknown-category",
                    format!("unknown category `{}`", category.value),
                )
                .at(category.span)
                .label("not in categories.yaml")
                .help(help),
            );
            None
        })
        .collect()
}

fn coverage(raw: Spanned<raw::Coverage>, known: &Known, checker: &mut Checker<'_>) -> Coverage {
    let span = checker.span(&raw);
    match raw.value {
        raw::Coverage::Word(word) if word == ANYWHERE => Coverage::Anywhere(span),
        raw::Coverage::Word(word) => {
            let help = if known.localities.contains(&word) || known.groups.contains(&word) {
                format!("write it as a list: `[{word}]`")
            } else {
                did_you_mean(&word, [ANYWHERE]).unwrap_or_else(|| {
                    format!("write a list of locality or group ids in brackets, or `{ANYWHERE}`")
                })
            };
            checker.push(
                Diagnostic::error(
                    "wrong-type",
                    format!("`localities` must be a list or `{ANYWHERE}`, not `{word}`"),
                )
                .at(span)
                .label("not a list")
                .help(help),
            );
            Coverage::Listed(Vec::new())
        }
        raw::Coverage::List(ids) => {
            if ids.is_empty() {
                checker.push(
                    Diagnostic::error("empty-field", "`localities` is empty")
                        .at(span)
                        .label("no localities")
                        .help(format!(
                            "list the localities or groups it covers, or write `{ANYWHERE}`"
                        )),
                );
            }
            Coverage::Listed(
                ids.into_iter()
                    .filter_map(|id| locality(checker.located(id), known, checker))
                    .collect(),
            )
        }
    }
}

fn locality(
    id: Located<String>,
    known: &Known,
    checker: &mut Checker<'_>,
) -> Option<Located<String>> {
    let listed = known.localities.contains(&id.value) || known.groups.contains(&id.value);
    if listed || !known.localities_read {
        return Some(id);
    }
    let candidates = known
        .localities
        .iter()
        .chain(&known.groups)
        .map(String::as_str);
    let help = did_you_mean(&id.value, candidates).unwrap_or_else(|| {
        "use a locality or group id from `directory/localities.yaml`".to_string()
    });
    checker.push(
        Diagnostic::error(
            "unknown-locality",
            format!("unknown locality `{}`", id.value),
        )
        .at(id.span)
        .label("not a locality or group of this area")
        .help(help),
    );
    None
}

fn ages(raw: Spanned<raw::Ages>, checker: &mut Checker<'_>) -> Option<AgeRange> {
    let whole = checker.span(&raw);
    let min = raw.value.min.map(|m| checker.located(m));
    let max = raw.value.max.map(|m| checker.located(m));
    let span = match (&min, &max) {
        (Some(min), Some(max)) => min.span.to(max.span),
        (Some(only), None) | (None, Some(only)) => only.span,
        (None, None) => {
            checker.push(
                Diagnostic::error("empty-field", "`ages` gives neither `min` nor `max`")
                    .at(whole)
                    .label("no ages")
                    .help("write `ages: {min: 5, max: 18}`, or leave `ages` out for any age"),
            );
            return None;
        }
    };
    let (low, high) = (
        min.as_ref().map_or(0, |m| m.value),
        max.as_ref().map_or(MAX_AGE, |m| m.value),
    );
    if let Some(max) = max.as_ref().filter(|m| m.value > MAX_AGE) {
        checker.push(
            Diagnostic::error("bad-ages", format!("{} is not a plausible age", max.value))
                .at(max.span)
                .label(format!("over {MAX_AGE}"))
                .help("leave `max` out for no upper age limit"),
        );
        return None;
    }
    if low > high {
        let (Some(min), Some(max)) = (min, max) else {
            return None;
        };
        checker.push(
            Diagnostic::error(
                "bad-ages",
                format!("the minimum age {low} is above the maximum {high}"),
            )
            .at(min.span)
            .label("minimum")
            .related(max.span, "maximum")
            .help("swap them, or correct one"),
        );
        return None;
    }
    Some(AgeRange {
        min: low,
        max: high,
        span,
    })
}

fn referral(raw: raw::Referral, checker: &mut Checker<'_>) -> Referral {
    Referral {
        self_referral: raw.self_referral,
        professional_referral: raw.professional_referral,
        how: checker.text(raw.how, "how").value,
        form: raw.form.and_then(|f| checker.link(f, Links::Any)),
    }
}

fn contact(raw: raw::Contact, checker: &mut Checker<'_>) -> Contact {
    let address = raw.address.map(|a| {
        let text = checker.text(a.value.text, "text");
        Address {
            text: text.value,
            confidential: a.value.confidential,
            span: text.span,
        }
    });
    Contact {
        phone: raw.phone.and_then(|p| checker.phone(p)),
        email: raw.email.and_then(|e| checker.email(e)),
        website: raw.website.and_then(|w| checker.link(w, Links::Web)),
        address,
    }
}

fn date_order(
    from: Option<&Located<jiff::civil::Date>>,
    until: Option<&Located<jiff::civil::Date>>,
    checker: &mut Checker<'_>,
) {
    let (Some(from), Some(until)) = (from, until) else {
        return;
    };
    if until.value < from.value {
        checker.push(
            Diagnostic::error(
                "date-order",
                format!("`available_until` ({}) is before `available_from` ({})", until.value, from.value),
            )
            .at(until.span)
            .label("ends before it starts")
            .related(from.span, "starts here")
            .help("check both dates; a service ending on the day it starts writes the same date twice"),
        );
    }
}

/// A refuge's address must never be published: it is where people hide.
fn refuge_address(service: &Service, checker: &mut Checker<'_>) {
    let Some(address) = service.contact.address.as_ref() else {
        return;
    };
    if service.in_category("refuge") && !address.confidential {
        checker.push(
            Diagnostic::warning(
                "public-refuge-address",
                format!(
                    "`{}` is a refuge but its address is not marked confidential",
                    service.id
                ),
            )
            .at(address.span)
            .label("would be published")
            .help("add `confidential: true` to the address, or remove the address"),
        );
    }
}
