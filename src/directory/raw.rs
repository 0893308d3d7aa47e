//! The directory files exactly as written: what each YAML file may contain. Every value a
//! problem may be reported at keeps its line and column (`Spanned`); dates, phones, emails,
//! links and the words of fixed lists are read as text and checked by the loader, so a
//! mistake is reported at the value with a suggestion.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Text with its position in the file.
pub type Text = Spanned<String>;

/// `directory/area.yaml`: the area as a whole.
///
/// ```yaml
/// name: Portsmouth
/// title: Domestic abuse services in Portsmouth
/// feedback: directory@example.org
/// as_of: 2012-10-01
/// example_data: true
/// exit_url: https://www.bbc.co.uk/weather
/// helpline: {name: National helpline, phone: 08081 570000, hours: Every day, 24 hours}
/// ```
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// The area's name, e.g. `Portsmouth`.
    #[schemars(with = "String")]
    pub name: Text,
    /// The site's title.
    #[schemars(with = "String")]
    pub title: Text,
    /// The email address that "report a change" goes to.
    #[schemars(with = "String")]
    pub feedback: Text,
    /// Optional pinned date (YYYY-MM-DD) for checks and builds; `--as-of` overrides it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub as_of: Option<Text>,
    /// `true` when the directory is example data (the site then says so on every page).
    #[serde(default)]
    pub example_data: bool,
    /// An http(s) page of a neutral site that "Exit this page" goes to.
    #[schemars(with = "String")]
    pub exit_url: Text,
    /// Optional help for anyone at any hour, shown on the start page.
    #[serde(default)]
    pub helpline: Option<Helpline>,
}

/// A helpline: `name`, `phone` (a UK number) and `hours`, all required.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Helpline {
    /// The helpline's name, e.g. `National domestic abuse helpline`.
    #[schemars(with = "String")]
    pub name: Text,
    /// A UK number: `08081 570000` or `+44 8081 570000`.
    #[schemars(with = "String")]
    pub phone: Text,
    /// When it answers, in plain words, e.g. `Every day, 24 hours`.
    #[schemars(with = "String")]
    pub hours: Text,
}

/// `directory/localities.yaml`: the places a person may live in, in the order the finder
/// lists them, and the groups that name several at once.
///
/// ```yaml
/// groups:
///   - {id: portsmouth, name: Portsmouth (city-wide)}
/// localities:
///   - {id: hilsea, name: Hilsea, groups: [portsmouth]}
///   - {id: outside-area, name: Outside Portsmouth}
/// ```
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Localities {
    /// Optional groups of localities: `id` and `name`.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Each locality: `id`, `name` and optional `groups` (ids from `groups:`).
    pub localities: Vec<Locality>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The group's id, as rules write it (`locality is in portsmouth`): lower-case
    /// letters, digits and dashes.
    #[schemars(with = "String")]
    pub id: Text,
    /// The group's name as practitioners read it.
    #[schemars(with = "String")]
    pub name: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Locality {
    /// The locality's id, as rules and services write it: lower-case letters, digits
    /// and dashes.
    #[schemars(with = "String")]
    pub id: Text,
    /// The locality's name as practitioners read it.
    #[schemars(with = "String")]
    pub name: Text,
    /// Ids of the groups (from `groups:`) it belongs to.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub groups: Vec<Text>,
}

/// One entry of `directory/categories.yaml`, a list of the kinds of service:
///
/// ```yaml
/// - id: refuge
///   name: Refuge
///   description: Safe, confidential accommodation for people fleeing abuse.
/// ```
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The category's id, as services and rules write it: lower-case letters, digits
    /// and dashes.
    #[schemars(with = "String")]
    pub id: Text,
    /// The category's name as practitioners read it.
    #[schemars(with = "String")]
    pub name: Text,
    /// One sentence: what services of this kind do.
    #[schemars(with = "String")]
    pub description: Text,
}

/// `directory/services/<id>.yaml`: one service; the file name is its id.
///
/// ```yaml
/// name: Independent domestic violence advocates (IDVA)
/// summary: Specialist caseworkers for victims at high risk.
/// description: >
///   Longer text for practitioners ...
/// provider: Portsmouth City Council
/// categories: [advocacy, risk-management]
/// tiers: [T3, T4]
/// serves: [victims]
/// risk_levels: [high]          # leave out for any risk level
/// ages: {min: 16}              # optional; min, max or both
/// localities: [portsmouth]     # locality or group ids, or the word `anywhere`
/// referral:
///   self_referral: false
///   professional_referral: true
///   how: Complete the referral form and send it by secure email.
///   form: https://www.example.org/idva-referral   # optional
/// contact:                     # any of phone, email, website, address
///   phone: 01632 960100
///   email: idva@example.org
///   website: https://www.example.org/idva
///   address: {text: "Civic Offices, Guildhall Square", confidential: false}
/// hours: Monday to Friday, 9am to 5pm
/// requires: [dash-completed]   # optional: conditions the directory cannot see
/// available_from: 2012-04-01   # optional
/// available_until: 2013-03-31  # optional
/// reviewed: 2012-08-15
/// ```
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The name practitioners know it by.
    #[schemars(with = "String")]
    pub name: Text,
    /// One sentence: what it offers.
    #[schemars(with = "String")]
    pub summary: Text,
    /// Who it is for, what happens after a referral, anything a referrer should know.
    #[schemars(with = "String")]
    pub description: Text,
    /// Who runs it.
    #[schemars(with = "String")]
    pub provider: Text,
    /// Category ids from `categories.yaml`.
    #[schemars(with = "Vec<String>")]
    pub categories: Spanned<Vec<Text>>,
    /// Tiers of service: `T1` to `T4`.
    #[schemars(with = "Vec<String>")]
    pub tiers: Spanned<Vec<Text>>,
    /// Who it works with: `victims`, `perpetrators`, `children`, `young-people`, `families`.
    #[schemars(with = "Vec<String>")]
    pub serves: Spanned<Vec<Text>>,
    /// DASH risk levels it takes: `standard`, `medium`, `high`. Leave out for any.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub risk_levels: Option<Spanned<Vec<Text>>>,
    /// Optional ages it works with, inclusive.
    #[serde(default)]
    #[schemars(with = "Option<Ages>")]
    pub ages: Option<Spanned<Ages>>,
    /// Locality and group ids it covers, or `anywhere` (national services).
    #[schemars(with = "Coverage")]
    pub localities: Spanned<Coverage>,
    /// Who may refer and how.
    pub referral: Referral,
    /// Ways to reach the service.
    pub contact: Contact,
    /// Opening hours, as practitioners should read them.
    #[schemars(with = "String")]
    pub hours: Text,
    /// Conditions a person must meet that the directory cannot see, as ids
    /// (e.g. `court-order`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub requires: Vec<Text>,
    /// First day it takes referrals (YYYY-MM-DD), if it starts in the future.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub available_from: Option<Text>,
    /// Last day it takes referrals (YYYY-MM-DD), if its funding ends.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub available_until: Option<Text>,
    /// When the entry was last checked with the provider (YYYY-MM-DD).
    #[schemars(with = "String")]
    pub reviewed: Text,
}

/// `ages: {min: 5, max: 18}`; a missing `min` means 0, a missing `max` 120.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ages {
    /// The youngest age it works with (default 0).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub min: Option<Spanned<u32>>,
    /// The oldest age it works with (default 120).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub max: Option<Spanned<u32>>,
}

/// `localities:` is either a list of ids or a single word (`anywhere`).
#[derive(Debug)]
pub enum Coverage {
    Word(String),
    List(Vec<Text>),
}

impl JsonSchema for Coverage {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Coverage".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Locality and group ids it covers, or the word `anywhere`.",
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"const": "anywhere"}
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Coverage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CoverageVisitor)
    }
}

/// Reads a word or a list without an untagged enum, so that each id keeps its span.
struct CoverageVisitor;

impl<'de> Visitor<'de> for CoverageVisitor {
    type Value = Coverage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of locality ids, or `anywhere`")
    }

    fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<Coverage, E> {
        Ok(Coverage::Word(word.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coverage, A::Error> {
        let mut ids = Vec::new();
        while let Some(id) = seq.next_element()? {
            ids.push(id);
        }
        Ok(Coverage::List(ids))
    }
}

/// How to refer: who may refer, in plain words how, and an optional form link.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Whether people may refer themselves (`true`/`false`, or `yes`/`no`).
    pub self_referral: bool,
    /// Whether professionals may refer.
    pub professional_referral: bool,
    /// Plain-words instructions.
    #[schemars(with = "String")]
    pub how: Text,
    /// A referral form: an http(s), `mailto:` or `tel:` link.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub form: Option<Text>,
}

/// Ways to reach the service; each optional, at least one of phone, email or website expected.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// A UK number: `01632 960000` or `+44 1632 960000`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub phone: Option<Text>,
    /// An email address (secure email where referrals contain personal details).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub email: Option<Text>,
    /// An http(s) link.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub website: Option<Text>,
    /// Where it is; mark a refuge's address `confidential` so it is never published.
    #[serde(default)]
    #[schemars(with = "Option<Address>")]
    pub address: Option<Spanned<Address>>,
}

/// `address: {text: ..., confidential: true}`; confidential addresses are never published.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// The address on one line.
    #[schemars(with = "String")]
    pub text: Text,
    /// `true` to keep it off the site and every export (refuges).
    #[serde(default)]
    pub confidential: bool,
}
