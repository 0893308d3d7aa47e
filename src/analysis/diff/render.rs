//! The diff for people: plain text for the terminal, and Markdown fit for a
//! pull-request comment (a headline with counts, a table of services, then details).

use super::inventory::{Changes, Inventory, Item};
use super::{ChangeKind, ReferralChange, Report, ServiceChanges, Via};
use crate::rules::model::Urgency;

/// The report as plain text.
pub fn text(report: &Report) -> String {
    let mut out = format!(
        "Comparing {} (as of {}) with {} (as of {}).\n",
        report.old.label, report.old.as_of, report.new.label, report.new.as_of
    );
    if !report.has_changes() {
        out.push_str("No changes: every situation gets the same referrals, and no pathway, question, service or category differs.\n");
        return out;
    }
    out.push_str(&headline(report));
    out.push('\n');
    for service in &report.referrals {
        out.push_str(&format!("\n{}: {}\n", service.service, service.name));
        for change in &service.changes {
            let mark = match change.kind {
                ChangeKind::Added => '+',
                ChangeKind::Removed => '-',
                ChangeKind::Urgency => '~',
            };
            out.push_str(&format!(
                "  {mark} {}\n",
                sentence(&service.service, change)
            ));
            if !change.reasons.is_empty() {
                out.push_str(&format!("      why: {}\n", change.reasons.join("; ")));
            }
            if let Some(via) = via_line(change, |v| v.to_string()) {
                out.push_str(&format!("      {via}\n"));
            }
        }
    }
    for (title, changes) in sections(&report.inventory) {
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}: {}\n", counts(changes)));
        for (mark, item) in items(changes) {
            out.push_str(&format!(
                "  {mark} {}\n",
                item_text(item, |v| v.to_string())
            ));
        }
    }
    out
}

/// The report as Markdown for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    let mut out = format!(
        "## Pathways diff: `{}` → `{}`\n\n",
        report.old.label, report.new.label
    );
    if !report.has_changes() {
        out.push_str("**No changes**: every situation gets the same referrals, and no pathway, question, service or category differs.\n");
        return out;
    }
    out.push_str(&format!("**{}**\n", headline(report)));
    let summary: Vec<String> = sections(&report.inventory)
        .into_iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(title, c)| format!("{title}: {}", counts(c)))
        .collect();
    if !summary.is_empty() {
        out.push_str(&format!("\n{}.\n", summary.join(" · ")));
    }
    if !report.referrals.is_empty() {
        out.push_str(&table(&report.referrals));
        out.push_str("\n### Referrals\n");
        for service in &report.referrals {
            out.push_str(&details(service));
        }
    }
    for (title, changes) in sections(&report.inventory) {
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for (mark, item) in items(changes) {
            let word = match mark {
                '+' => "Added",
                '-' => "Removed",
                _ => "Changed",
            };
            out.push_str(&format!(
                "- {word}: {}\n",
                item_text(item, |v| format!("`{v}`"))
            ));
        }
    }
    out.push_str(&format!(
        "\n<sub>Exact over every combination of answers. Contracts read as of {} (old) and {} (new).</sub>\n",
        report.old.as_of, report.new.as_of
    ));
    out
}

/// "Referrals change in 546 of 10752 situations, for 3 services."
fn headline(report: &Report) -> String {
    if report.referrals.is_empty() {
        return format!(
            "No situation's referrals change (of {} situations).",
            report.situations
        );
    }
    format!(
        "Referrals change in {} of {} situations, for {}.",
        report.changed_situations,
        report.situations,
        plural(report.referrals.len(), "service")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "now referred to marac urgently when risk is high (12 situations)".
fn sentence(service: &str, change: &ReferralChange) -> String {
    let what = match (change.kind, change.urgency, change.was_urgency) {
        (ChangeKind::Added, now, _) => format!("now referred to {service}{}", adverb(now)),
        (ChangeKind::Removed, _, _) => format!("no longer referred to {service}"),
        (ChangeKind::Urgency, now, was) => format!(
            "now referred to {service} {} instead of {}",
            urgency_word(now),
            urgency_word(was)
        ),
    };
    format!(
        "{what} when {} ({})",
        change.witness.sentence(),
        change.witness.size()
    )
}

fn adverb(urgency: Option<Urgency>) -> String {
    match urgency {
        Some(Urgency::Routine) | None => String::new(),
        Some(u) => format!(" {}", urgency_word(Some(u))),
    }
}

fn urgency_word(urgency: Option<Urgency>) -> &'static str {
    match urgency {
        Some(Urgency::Immediate) => "immediately",
        Some(Urgency::Urgent) => "urgently",
        Some(Urgency::Routine) | None => "routinely",
    }
}

/// "via: refuge; was via: otherwise", with ids shown by `code`.
fn via_line(change: &ReferralChange, code: impl Fn(&str) -> String) -> Option<String> {
    let list = |via: &Via| {
        let mut names: Vec<String> = via.pathways.iter().map(|p| code(p)).collect();
        if via.fallback {
            names.push(code("otherwise"));
        }
        names.join(", ")
    };
    let parts: Vec<String> = [("via", &change.new_via), ("was via", &change.old_via)]
        .into_iter()
        .map(|(word, via)| (word, list(via)))
        .filter(|(_, names)| !names.is_empty())
        .map(|(word, names)| format!("{word}: {names}"))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn sections(inventory: &Inventory) -> [(&'static str, &Changes); 5] {
    [
        ("Pathways", &inventory.pathways),
        ("Questions", &inventory.questions),
        ("Services", &inventory.services),
        ("Categories", &inventory.categories),
        ("Otherwise and eligibility", &inventory.rules),
    ]
}

/// "1 added, 2 changed".
fn counts(changes: &Changes) -> String {
    let parts: Vec<String> = [
        (changes.added.len(), "added"),
        (changes.removed.len(), "removed"),
        (changes.changed.len(), "changed"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    parts.join(", ")
}

fn items(changes: &Changes) -> Vec<(char, &Item)> {
    let added = changes.added.iter().map(|i| ('+', i));
    let removed = changes.removed.iter().map(|i| ('-', i));
    let changed = changes.changed.iter().map(|i| ('~', i));
    added.chain(removed).chain(changed).collect()
}

/// `refuge "Safe housing" (when, refer; values added: x)`, ids shown by `code`.
fn item_text(item: &Item, code: impl Fn(&str) -> String) -> String {
    let mut notes = Vec::new();
    if !item.fields.is_empty() {
        notes.push(item.fields.join(", "));
    }
    let values = |list: &[String]| list.iter().map(|v| code(v)).collect::<Vec<_>>().join(", ");
    if !item.values_added.is_empty() {
        notes.push(format!("values added: {}", values(&item.values_added)));
    }
    if !item.values_removed.is_empty() {
        notes.push(format!("values removed: {}", values(&item.values_removed)));
    }
    let mut text = format!("{} \"{}\"", code(&item.id), item.name);
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join("; ")));
    }
    text
}

fn table(services: &[ServiceChanges]) -> String {
    let mut out = String::from(
        "\n| Service | Newly referred | No longer referred | Urgency changed |\n| --- | ---: | ---: | ---: |\n",
    );
    let cell = |n: u128, sign: &str| {
        if n == 0 {
            String::new()
        } else {
            format!("{sign}{n}")
        }
    };
    for s in services {
        out.push_str(&format!(
            "| `{}` {} | {} | {} | {} |\n",
            s.service,
            s.name.replace('|', "\\|"),
            cell(s.added, "+"),
            cell(s.removed, "-"),
            cell(s.urgency_changed, "~")
        ));
    }
    out
}

fn details(service: &ServiceChanges) -> String {
    let mut out = format!("\n**`{}`** {}\n\n", service.service, service.name);
    for change in &service.changes {
        let mut line = format!("- {}", capitalised(&sentence(&service.service, change)));
        if !change.reasons.is_empty() {
            line.push_str(&format!(". Why: {}", change.reasons.join("; ")));
        }
        if let Some(via) = via_line(change, |v| format!("`{v}`")) {
            line.push_str(&format!(". {}", capitalised(&via)));
        }
        line.push_str(".\n");
        out.push_str(&line);
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
