//! Checks that depend on the calendar: referrals to services that are closed, not yet
//! open or closing soon, category referrals whose services close with nothing to
//! replace them, and directory entries that have not been reviewed for a year.

use std::collections::{BTreeMap, BTreeSet};

use jiff::ToSpan;
use jiff::civil::Date;

use super::reach::Reach;
use super::referrals::Referrer;
use super::witness::Vocabulary;
use crate::diagnostic::Diagnostic;
use crate::directory::model::{Directory, Service};
use crate::engine::diagram::FALSE;
use crate::engine::{Compiled, NodeId, ServiceIx};
use crate::rules::model::{ReferTo, RuleSet, Target};
use crate::source::Span;

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

/// From `day`, the situations in which a category's services took the person on the
/// reference date and none does any more.
struct Loss {
    day: Date,
    lost: NodeId,
}

/// Category referrals that find a service today where, within [`CLOSING_SOON_DAYS`],
/// the services that take the person close and no other service of the category
/// takes them: warned once per referral, at the first day someone it applies to is
/// left without a service. Exact: the category's services change only on the days
/// one of them opens or the day after one closes, and each such day is checked.
pub(super) fn categories_closing(
    compiled: &mut Compiled,
    reach: &Reach,
    words: &Vocabulary,
    referrers: &[Referrer],
) -> Vec<Diagnostic> {
    let mut losses: BTreeMap<&str, Vec<Loss>> = BTreeMap::new();
    let mut found = Vec::new();
    for referrer in referrers.iter().filter(|r| r.applies != FALSE) {
        for referral in referrer.referrals {
            let Target::Category(category) = &referral.target else {
                continue;
            };
            let losses = losses.entry(category.as_str()).or_insert_with(|| {
                category_losses(
                    compiled,
                    reach.some_service(category),
                    words.directory,
                    category,
                )
            });
            let m = compiled.manager();
            if let Some(loss) = losses
                .iter()
                .find(|l| m.intersects(referrer.applies, l.lost))
            {
                found.push(category_closing(
                    compiled,
                    words,
                    (referrer, referral, category),
                    loss,
                ));
            }
        }
    }
    found
}

/// Each day within the window on which some situations served today lose every
/// service of the category, in order.
fn category_losses(
    compiled: &mut Compiled,
    today: NodeId,
    directory: &Directory,
    category: &str,
) -> Vec<Loss> {
    let as_of = compiled.as_of();
    let Ok(soon) = as_of.checked_add(CLOSING_SOON_DAYS.days()) else {
        return Vec::new();
    };
    let members: Vec<(ServiceIx, &Service)> = compiled
        .category_members(category)
        .iter()
        .filter_map(|&s| Some((s, directory.services.get(s)?)))
        .collect();
    // Services open throughout the window serve on every day of it: only if they
    // leave someone served today uncovered can anything be lost.
    let (lasting, changing): (Vec<_>, Vec<_>) = members
        .iter()
        .partition(|(_, service)| service.is_open_on(as_of) && service.is_open_on(soon));
    let lasting: Vec<NodeId> = lasting
        .iter()
        .filter_map(|&&(s, _)| compiled.eligible(s))
        .collect();
    let m = compiled.manager_mut();
    let lasting = m.or_any(lasting);
    let uncovered = m.not(lasting);
    let at_risk = m.and(today, uncovered);
    if at_risk == FALSE {
        return Vec::new();
    }
    let days: BTreeSet<Date> = changing
        .iter()
        .flat_map(|(_, service)| changes(service))
        .filter(|day| as_of < *day && *day <= soon)
        .collect();
    days.into_iter()
        .filter_map(|day| {
            let open: Vec<NodeId> = changing
                .iter()
                .map(|&&(s, _)| compiled.eligible_on(directory, s, day))
                .collect();
            let m = compiled.manager_mut();
            let then = m.or_any(open);
            let gone = m.not(then);
            let lost = m.and(at_risk, gone);
            (lost != FALSE).then_some(Loss { day, lost })
        })
        .collect()
}

/// The days on which a service's being open changes: its first day, and the day
/// after its last.
fn changes(service: &Service) -> impl Iterator<Item = Date> + '_ {
    let from = service.available_from.as_ref().map(|d| d.value);
    let after = service
        .available_until
        .as_ref()
        .and_then(|d| d.value.tomorrow().ok());
    from.into_iter().chain(after)
}

fn category_closing(
    compiled: &mut Compiled,
    words: &Vocabulary,
    (referrer, referral, category): (&Referrer, &ReferTo, &str),
    loss: &Loss,
) -> Diagnostic {
    let m = compiled.manager_mut();
    let lost = m.and(referrer.applies, loss.lost);
    let witness = words.witness(compiled.manager(), lost);
    let closing = closed_by(compiled, words.directory, category, (lost, loss.day));
    let d = Diagnostic::warning(
        "closing-soon",
        format!(
            "{} refers to any service in category `{}`, but from {} none of them takes the person in {}: {}",
            referrer.name,
            category,
            loss.day,
            witness.size(),
            witness.sentence()
        ),
    )
    .at(referral.span)
    .label(format!("finds no service for some from {}", loss.day));
    let Some((service, until)) = closing else {
        return d.help("add the service that will take these people to the directory");
    };
    d.related(until, format!("`{}`'s last day", service.id))
        .help(format!(
            "add the service that replaces `{}` to the directory (with `available_from`), or move `available_until` if its contract is renewed",
            service.id
        ))
}

/// The service of the category that took some of `lost` today and has closed by
/// `day`, with where its last day is written.
fn closed_by<'d>(
    compiled: &Compiled,
    directory: &'d Directory,
    category: &str,
    (lost, day): (NodeId, Date),
) -> Option<(&'d Service, Span)> {
    let members = compiled.category_members(category);
    members.iter().find_map(|&s| {
        let service = directory.services.get(s)?;
        let until = service.available_until.as_ref().filter(|u| u.value < day)?;
        let eligible = compiled.eligible(s)?;
        compiled
            .manager()
            .intersects(eligible, lost)
            .then_some((service, until.span))
    })
}
