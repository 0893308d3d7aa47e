//! `directory/area.yaml`: the area's name, the site's settings and the pinned date.

use super::check::Checker;
use super::model::{AreaSettings, Helpline};
use super::raw;
use super::values::Links;
use crate::source::Span;

/// The settings of a missing or unreadable `area.yaml`: blank, no pinned date.
pub fn fallback(span: Span) -> AreaSettings {
    AreaSettings {
        name: String::new(),
        title: String::new(),
        feedback: String::new(),
        as_of: None,
        example_data: false,
        exit_url: String::new(),
        helpline: None,
        span,
    }
}

/// Checks a parsed `area.yaml`; a value that fails is left blank.
pub fn check(raw: raw::Area, checker: &mut Checker<'_>) -> AreaSettings {
    let file = checker.file;
    let span = Span::new(file, 0, checker.sources.text(file).len());
    let feedback = checker.email(raw.feedback).map(|e| e.value);
    let exit_url = checker.link(raw.exit_url, Links::Web).map(|l| l.value);
    AreaSettings {
        name: checker.text(raw.name, "name").value,
        title: checker.text(raw.title, "title").value,
        feedback: feedback.unwrap_or_default(),
        as_of: raw.as_of.and_then(|d| checker.date(d)),
        example_data: raw.example_data,
        exit_url: exit_url.unwrap_or_default(),
        helpline: raw.helpline.map(|h| helpline(h, checker)),
        span,
    }
}

fn helpline(raw: raw::Helpline, checker: &mut Checker<'_>) -> Helpline {
    let phone = checker.phone(raw.phone).map(|p| p.value);
    Helpline {
        name: checker.text(raw.name, "name").value,
        phone: phone.unwrap_or_default(),
        hours: checker.text(raw.hours, "hours").value,
    }
}
