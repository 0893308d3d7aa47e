//! The validated service directory: what the rest of the tool reads.
//!
//! Every value a diagnostic may point at keeps its [`Span`], so later stages (the rules'
//! resolver, the checker) can report problems at the line and column of the YAML value.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::source::{Located, Span};

/// The whole directory of one area.
#[derive(Clone, Debug)]
pub struct Directory {
    pub area: AreaSettings,
    /// Localities in the order of `localities.yaml`: the order the finder lists them.
    pub localities: Vec<Locality>,
    /// Named groups of localities (e.g. `portsmouth`), in file order.
    pub groups: Vec<LocalityGroup>,
    /// The categories services may belong to, in file order.
    pub categories: Vec<Category>,
    /// Services sorted by id.
    pub services: Vec<Service>,
}

/// `directory/area.yaml`.
#[derive(Clone, Debug)]
pub struct AreaSettings {
    pub name: String,
    /// The site's title.
    pub title: String,
    /// Where "report a change" goes (an email address).
    pub feedback: String,
    /// The pinned reference date for checks and builds (`--as-of` overrides it).
    pub as_of: Option<Located<Date>>,
    /// Whether the directory is example data (the site says so on every page).
    pub example_data: bool,
    /// A neutral page the "Exit this page" control goes to.
    pub exit_url: String,
    /// Help for anyone, at any hour (shown on the start page): name and phone.
    pub helpline: Option<Helpline>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Helpline {
    pub name: String,
    pub phone: String,
    pub hours: String,
}

/// One place a person may live in (a ward, a district, or "outside the area").
#[derive(Clone, Debug)]
pub struct Locality {
    pub id: Located<String>,
    pub name: String,
    /// Ids of the groups it belongs to.
    pub groups: Vec<Located<String>>,
}

/// A named set of localities; its members are the localities that list it.
#[derive(Clone, Debug)]
pub struct LocalityGroup {
    pub id: Located<String>,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Category {
    pub id: Located<String>,
    pub name: String,
    pub description: String,
}

/// Tiers of service, from universal (T1) to risk of death or serious harm (T4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    T1,
    T2,
    T3,
    T4,
}

/// Who a service works with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    Victims,
    Perpetrators,
    Children,
    YoungPeople,
    Families,
}

impl Client {
    pub const ALL: [Client; 5] = [
        Client::Victims,
        Client::Perpetrators,
        Client::Children,
        Client::YoungPeople,
        Client::Families,
    ];

    /// The word used in YAML and in rule files.
    pub fn id(self) -> &'static str {
        match self {
            Client::Victims => "victims",
            Client::Perpetrators => "perpetrators",
            Client::Children => "children",
            Client::YoungPeople => "young-people",
            Client::Families => "families",
        }
    }
}

/// The outcome of a DASH risk assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    Standard,
    Medium,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 3] = [RiskLevel::Standard, RiskLevel::Medium, RiskLevel::High];

    pub fn id(self) -> &'static str {
        match self {
            RiskLevel::Standard => "standard",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Standard => "Standard",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
        }
    }
}

/// Ages a service works with, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeRange {
    pub min: u32,
    pub max: u32,
    pub span: Span,
}

/// Which localities a service covers.
#[derive(Clone, Debug)]
pub enum Coverage {
    /// Every locality, including those outside the area (national services).
    Anywhere(Span),
    /// The named localities and groups, as written.
    Listed(Vec<Located<String>>),
}

/// One service: `directory/services/<id>.yaml`.
#[derive(Clone, Debug)]
pub struct Service {
    /// The file name without `.yaml`.
    pub id: String,
    /// The whole file (for problems with the service as a whole).
    pub span: Span,
    pub name: Located<String>,
    pub summary: String,
    pub description: String,
    pub provider: String,
    pub categories: Vec<Located<String>>,
    pub tiers: Vec<Tier>,
    pub serves: Vec<Located<Client>>,
    /// Empty means any risk level.
    pub risk_levels: Vec<Located<RiskLevel>>,
    pub ages: Option<AgeRange>,
    pub localities: Coverage,
    pub referral: Referral,
    pub contact: Contact,
    /// Opening hours, as written (e.g. "Monday to Friday, 9am to 5pm").
    pub hours: String,
    /// Conditions a person must meet that the directory cannot see (e.g. `court-order`).
    pub requires: Vec<Located<String>>,
    pub available_from: Option<Located<Date>>,
    pub available_until: Option<Located<Date>>,
    pub reviewed: Located<Date>,
}

/// How to refer someone to a service.
#[derive(Clone, Debug)]
pub struct Referral {
    pub self_referral: bool,
    pub professional_referral: bool,
    /// Plain-words instructions (e.g. "Complete the MARAC referral form and send it by secure email").
    pub how: String,
    /// A referral form (http(s) link).
    pub form: Option<Located<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct Contact {
    /// A UK phone number as written, validated.
    pub phone: Option<Located<String>>,
    pub email: Option<Located<String>>,
    pub website: Option<Located<String>>,
    pub address: Option<Address>,
}

#[derive(Clone, Debug)]
pub struct Address {
    pub text: String,
    /// Confidential addresses (refuges) are never published.
    pub confidential: bool,
    pub span: Span,
}

impl Directory {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.services.get(i))
    }

    pub fn locality_index(&self, id: &str) -> Option<usize> {
        self.localities.iter().position(|l| l.id.value == id)
    }

    /// Indices of the localities a group contains, in locality order.
    pub fn group_members(&self, group: &str) -> Vec<usize> {
        self.localities
            .iter()
            .enumerate()
            .filter(|(_, l)| l.groups.iter().any(|g| g.value == group))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn is_group(&self, id: &str) -> bool {
        self.groups.iter().any(|g| g.id.value == id)
    }

    /// Indices of the localities a service covers, in locality order. Build
    /// [`Directory::places`] once to ask this of many services.
    pub fn covered_localities(&self, service: &Service) -> Vec<usize> {
        self.places().covered(service)
    }

    /// The localities and groups by id, for looking up many services' coverage.
    pub fn places(&self) -> Places<'_> {
        let mut locality = HashMap::new();
        let mut group: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, l) in self.localities.iter().enumerate() {
            locality.entry(l.id.value.as_str()).or_insert(i);
            for g in &l.groups {
                group.entry(g.value.as_str()).or_default().push(i);
            }
        }
        Places {
            locality,
            group,
            count: self.localities.len(),
        }
    }
}

/// A directory's localities and groups by id (see [`Directory::places`]).
pub struct Places<'a> {
    locality: HashMap<&'a str, usize>,
    /// Each group's localities, in locality order.
    group: HashMap<&'a str, Vec<usize>>,
    count: usize,
}

impl Places<'_> {
    /// The index of the locality with this id.
    pub fn locality(&self, id: &str) -> Option<usize> {
        self.locality.get(id).copied()
    }

    /// Indices of the localities a service covers, in locality order.
    pub fn covered(&self, service: &Service) -> Vec<usize> {
        match &service.localities {
            Coverage::Anywhere(_) => (0..self.count).collect(),
            Coverage::Listed(ids) => {
                let mut covered: Vec<usize> = ids
                    .iter()
                    .flat_map(|id| match self.locality.get(id.value.as_str()) {
                        Some(&i) => vec![i],
                        None => self
                            .group
                            .get(id.value.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    })
                    .collect();
                covered.sort_unstable();
                covered.dedup();
                covered
            }
        }
    }
}

impl Service {
    /// Whether the service is open on a date (contracts start and end inclusive).
    pub fn is_open_on(&self, date: Date) -> bool {
        self.available_from.as_ref().is_none_or(|d| d.value <= date)
            && self
                .available_until
                .as_ref()
                .is_none_or(|d| date <= d.value)
    }

    pub fn in_category(&self, category: &str) -> bool {
        self.categories.iter().any(|c| c.value == category)
    }
}
