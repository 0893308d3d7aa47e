//! `directory/localities.yaml` and `directory/categories.yaml`: the ids services and rules
//! refer to, each unique and well formed.

use std::collections::BTreeMap;

use super::check::Checker;
use super::model::{Category, Locality, LocalityGroup};
use super::raw;
use crate::diagnostic::Diagnostic;
use crate::source::{Located, Span};
use crate::suggest::did_you_mean;

/// The word a service writes to cover everywhere; no locality or group may take it.
pub const ANYWHERE: &str = "anywhere";

/// Ids seen so far in one namespace, to report a second definition at the first one.
#[derive(Default)]
pub struct Ids {
    seen: BTreeMap<String, Span>,
}

impl Ids {
    /// Records an id; reports and refuses it if it was already defined.
    pub fn claim(&mut self, id: &Located<String>, what: &str, checker: &mut Checker<'_>) -> bool {
        if let Some(first) = self.seen.get(&id.value) {
            checker.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("the {what} id `{}` is already used", id.value),
                )
                .at(id.span)
                .label("defined again here")
                .related(*first, "first defined here")
                .help("give each one its own id, or remove the repeat"),
            );
            return false;
        }
        self.seen.insert(id.value.clone(), id.span);
        true
    }
}

/// Localities and groups, in file order; bad and repeated ids are reported and left out.
pub fn localities(
    raw: raw::Localities,
    checker: &mut Checker<'_>,
) -> (Vec<Locality>, Vec<LocalityGroup>) {
    let mut ids = Ids::default();
    let mut groups = Vec::new();
    for group in raw.groups {
        let name = checker.text(group.name, "name").value;
        if let Some(id) = place_id(group.id, "group", &mut ids, checker) {
            groups.push(LocalityGroup { id, name });
        }
    }
    let group_ids: Vec<String> = groups.iter().map(|g| g.id.value.clone()).collect();
    let mut localities = Vec::new();
    for locality in raw.localities {
        let name = checker.text(locality.name, "name").value;
        let member_of = locality
            .groups
            .into_iter()
            .filter_map(|g| known_group(checker.located(g), &group_ids, checker))
            .collect();
        if let Some(id) = place_id(locality.id, "locality", &mut ids, checker) {
            localities.push(Locality {
                id,
                name,
                groups: member_of,
            });
        }
    }
    (localities, groups)
}

/// A locality or group id: well formed, not `anywhere`, not already a locality or group.
fn place_id(
    raw: raw::Text,
    what: &str,
    ids: &mut Ids,
    checker: &mut Checker<'_>,
) -> Option<Located<String>> {
    let id = checker.id(raw)?;
    if id.value == ANYWHERE {
        checker.push(
            Diagnostic::error("bad-id", format!("`{ANYWHERE}` cannot be a {what} id"))
                .at(id.span)
                .label("reserved word")
                .help(format!(
                    "services write `localities: {ANYWHERE}` to cover everywhere; choose another id"
                )),
        );
        return None;
    }
    ids.claim(&id, "locality or group", checker).then_some(id)
}

fn known_group(
    group: Located<String>,
    groups: &[String],
    checker: &mut Checker<'_>,
) -> Option<Located<String>> {
    if groups.contains(&group.value) {
        return Some(group);
    }
    let help = did_you_mean(&group.value, groups.iter().map(String::as_str))
        .unwrap_or_else(|| "add it under `groups:` at the top of the file".to_string());
    checker.push(
        Diagnostic::error("unknown-group", format!("unknown group `{}`", group.value))
            .at(group.span)
            .label("not a group in this file")
            .help(help),
    );
    None
}

/// Categories, in file order; bad and repeated ids are reported and left out.
pub fn categories(raw: Vec<raw::Category>, checker: &mut Checker<'_>) -> Vec<Category> {
    let mut ids = Ids::default();
    let mut categories = Vec::new();
    for category in raw {
        let name = checker.text(category.name, "name").value;
        let description = checker.text(category.description, "description").value;
        let Some(id) = checker.id(category.id) else {
            continue;
        };
        if ids.claim(&id, "category", checker) {
            categories.push(Category {
                id,
                name,
                description,
            });
        }
    }
    categories
}
