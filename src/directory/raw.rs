//! The directory files exactly as written: what each YAML file may contain. Every value a
//! problem may be reported at keeps its line and column (`Spanned`); dates, phones, emails,
//! links and the words of fixed lists are read as text and checked by the loader, so a
//! mistake is reported at the value with a suggestion.

use std::fmt;

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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// The area's name, e.g. `Portsmouth`.
    pub name: Text,
    /// The site's title.
    pub title: Text,
    /// The email address that "report a change" goes to.
    pub feedback: Text,
    /// Optional pinned date (YYYY-MM-DD) for checks and builds; `--as-of` overrides it.
    #[serde(default)]
    pub as_of: Option<Text>,
    /// `true` when the directory is example data (the site then says so on every page).
    #[serde(default)]
    pub example_data: bool,
    /// An http(s) page of a neutral site that "Exit this page" goes to.
    pub exit_url: Text,
    /// Optional help for anyone at any hour, shown on the start page.
    #[serde(default)]
    pub helpline: Option<Helpline>,
}

/// A helpline: `name`, `phone` (a UK number) and `hours`, all required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helpline {
    pub name: Text,
    pub phone: Text,
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localities {
    /// Optional groups of localities: `id` and `name`.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Each locality: `id`, `name` and optional `groups` (ids from `groups:`).
    pub localities: Vec<Locality>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: Text,
    pub name: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locality {
    pub id: Text,
    pub name: Text,
    #[serde(default)]
    pub groups: Vec<Text>,
}

/// One entry of `directory/categories.yaml`, a list of the kinds of service:
///
/// ```yaml
/// - id: refuge
///   name: Refuge
///   description: Safe, confidential accommodation for people fleeing abuse.
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: Text,
    pub name: Text,
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The name practitioners know it by.
    pub name: Text,
    /// One sentence: what it offers.
    pub summary: Text,
    /// Who it is for, what happens after a referral, anything a referrer should know.
    pub description: Text,
    /// Who runs it.
    pub provider: Text,
    /// Category ids from `categories.yaml`.
    pub categories: Spanned<Vec<Text>>,
    /// Tiers of service: `T1` to `T4`.
    pub tiers: Spanned<Vec<Text>>,
    /// Who it works with: `victims`, `perpetrators`, `children`, `young-people`, `families`.
    pub serves: Spanned<Vec<Text>>,
    /// DASH risk levels it takes: `standard`, `medium`, `high`. Leave out for any.
    #[serde(default)]
    pub risk_levels: Option<Spanned<Vec<Text>>>,
    /// Optional ages it works with, inclusive.
    #[serde(default)]
    pub ages: Option<Spanned<Ages>>,
    /// Locality and group ids it covers, or `anywhere` (national services).
    pub localities: Spanned<Coverage>,
    pub referral: Referral,
    pub contact: Contact,
    /// Opening hours, as practitioners should read them.
    pub hours: Text,
    /// Conditions a person must meet that the directory cannot see, as ids
    /// (e.g. `court-order`).
    #[serde(default)]
    pub requires: Vec<Text>,
    /// First day it takes referrals (YYYY-MM-DD), if it starts in the future.
    #[serde(default)]
    pub available_from: Option<Text>,
    /// Last day it takes referrals (YYYY-MM-DD), if its funding ends.
    #[serde(default)]
    pub available_until: Option<Text>,
    /// When the entry was last checked with the provider (YYYY-MM-DD).
    pub reviewed: Text,
}

/// `ages: {min: 5, max: 18}`; a missing `min` means 0, a missing `max` 120.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ages {
    #[serde(default)]
    pub min: Option<Spanned<u32>>,
    #[serde(default)]
    pub max: Option<Spanned<u32>>,
}

/// `localities:` is either a list of ids or a single word (`anywhere`).
#[derive(Debug)]
pub enum Coverage {
    Word(String),
    List(Vec<Text>),
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Whether people may refer themselves (`true`/`false`, or `yes`/`no`).
    pub self_referral: bool,
    /// Whether professionals may refer.
    pub professional_referral: bool,
    /// Plain-words instructions.
    pub how: Text,
    /// A referral form: an http(s), `mailto:` or `tel:` link.
    #[serde(default)]
    pub form: Option<Text>,
}

/// Ways to reach the service; each optional, at least one of phone, email or website expected.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// A UK number: `01632 960000` or `+44 1632 960000`.
    #[serde(default)]
    pub phone: Option<Text>,
    #[serde(default)]
    pub email: Option<Text>,
    /// An http(s) link.
    #[serde(default)]
    pub website: Option<Text>,
    #[serde(default)]
    pub address: Option<Spanned<Address>>,
}

/// `address: {text: ..., confidential: true}`; confidential addresses are never published.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub text: Text,
    #[serde(default)]
    pub confidential: bool,
}
