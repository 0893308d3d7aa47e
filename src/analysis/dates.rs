//! Checks that depend on the calendar: referrals to services that are closed, not yet
//! open or closing soon, and directory entries that have not been reviewed for a year.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::diagnostic::Diagnostic;
use crate::directory::model::{Directory, Service};
use crate::rules::model::{ReferTo, RuleSet, Target};

/// How far ahead a contract's end is worth a warning.
const CLOSING_SOON_DAYS: i64 = 90;
/// How old a review may be before the entry is called stale.
const STALE_AFTER_MONTHS: i64 = 12;

/// Every date problem with the rules' direct referrals and the directory's entries.
pub fn check(rules: &RuleSet, directory: &Directory, date: Date) -> Vec<Diagnostic> {
    let referrals = rules
        .pathways
        .iter()
        .flat_map(|p| {
            let who = format!("pathway `{}`", p.id.value);
            p.referrals.iter().map(move |r| (who.clone(), r))
        })
        .chain(rules.fallback.iter().flat_map(|f| {
            f.referrals
                .iter()
                .map(|r| ("the `otherwise` block".to_string(), r))
        }));
    let mut diagnostics: Vec<Diagnostic> = referrals
        .filter_map(|(who, referral)| referral_on_date(&who, referral, directory, date))
        .collect();
    diagnostics.extend(directory.services.iter().filter_map(|s| stale(s, date)));
    diagnostics
}

fn referral_on_date(
    who: &str,
    referral: &ReferTo,
    directory: &Directory,
    date: Date,
) -> Option<Diagnostic> {
    let Target::Service(id) = &referral.target else {
        return None;
    };
    let service = directory.service(id)?;
    if let Some(until) = service.available_until.as_ref().filter(|u| u.value < date) {
        return Some(
            Diagnostic::error(
                "closed-service",
                format!("{who} refers to `{id}`, which closed on {}", until.value),
            )
            .at(referral.span)
            .label(format!("closed since {}", until.value))
            .related(until.span, "the service's last day")
            .help(replacement_help(service)),
        );
    }
    if let Some(from) = service.available_from.as_ref().filter(|f| f.value > date) {
        return Some(
            Diagnostic::error(
                "not-yet-open",
                format!("{who} refers to `{id}`, which opens on {}", from.value),
            )
            .at(referral.span)
            .label(format!("not open until {}", from.value))
            .related(from.span, "the service's first day")
            .help(replacement_help(service)),
        );
    }
    let until = service.available_until.as_ref()?;
    let soon = date.checked_add(CLOSING_SOON_DAYS.days()).ok()?;
    (until.value <= soon).then(|| {
        Diagnostic::warning(
            "closing-soon",
            format!(
                "{who} refers to `{id}`, whose contract ends on {} (within {CLOSING_SOON_DAYS} days)",
                until.value
            ),
        )
        .at(referral.span)
        .label(format!("ends {}", until.value))
        .related(until.span, "the service's last day")
        .help(replacement_help(service))
    })
}

fn replacement_help(service: &Service) -> String {
    match service.categories.first() {
        Some(category) => format!(
            "refer to `any service in category {}` so the service open on each date is chosen, or remove the referral",
            category.value
        ),
        None => "remove the referral, or refer to the service that replaces it".to_string(),
    }
}

fn stale(service: &Service, date: Date) -> Option<Diagnostic> {
    let cutoff = date.checked_sub(STALE_AFTER_MONTHS.months()).ok()?;
    let reviewed = &service.reviewed;
    (reviewed.value < cutoff && service.is_open_on(date)).then(|| {
        Diagnostic::warning(
            "stale-entry",
            format!(
                "`{}` was last reviewed on {}, more than {STALE_AFTER_MONTHS} months before {date}",
                service.id, reviewed.value
            ),
        )
        .at(reviewed.span)
        .label("last reviewed")
        .help("check the entry with the provider, then set `reviewed` to the date you did")
    })
}
