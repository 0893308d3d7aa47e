//! The directory as HSDS 3.0 (Open Referral, and so Open Referral UK) JSON, laid out as
//! a static copy of the HSDS API:
//!
//! | API request             | file                                          |
//! |-------------------------|-----------------------------------------------|
//! | `GET /`                 | `index.json` (version, profile)               |
//! | `GET /services`         | `services/index.json` (page 1), `services/page-N.json` |
//! | `GET /services/{id}`    | `services/{id}.json` (with nested objects)     |
//! | `GET /taxonomies`       | `taxonomies/index.json`                        |
//! | `GET /taxonomies/{id}`  | `taxonomies/{id}.json`                         |
//! | `GET /taxonomy_terms`   | `taxonomy_terms/index.json`                    |
//! | `GET /taxonomy_terms/{id}` | `taxonomy_terms/{id}.json`                  |
//!
//! Ids are UUIDv5 of our slugs, so they stay the same from one export to the next.
//! Categories, tiers, risk levels and client groups are taxonomies whose terms are
//! linked to services as attributes. Confidential addresses are never written; absent
//! optional fields are left out rather than written as `null`.

use jiff::civil::Date;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::diagnostic::Diagnostic;
use crate::directory::model::{Client, Coverage, Directory, RiskLevel, Service, Tier};
use crate::site::output::SiteFiles;

/// The HSDS version written in `index.json`.
pub const VERSION: &str = "3.0";
/// The profile written in `index.json`: Open Referral UK.
pub const PROFILE: &str = "https://openreferraluk.org";

/// The export's options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Services are `active` if open on this date, `inactive` if not yet, `defunct` after.
    pub as_of: Date,
    /// Services per page of the paginated list (at least 1).
    pub per_page: usize,
}

/// Every file of the export, by path.
pub fn export(directory: &Directory, options: Options) -> Result<SiteFiles, Box<Diagnostic>> {
    let ids = Ids::for_area(&directory.area.name);
    let taxonomies = Taxonomies::new(directory, &ids);
    let mut files = SiteFiles::new();
    add_json(
        &mut files,
        "index.json",
        &json!({"version": VERSION, "profile": PROFILE}),
    )?;
    let services: Vec<(Value, Value)> = directory
        .services
        .iter()
        .map(|s| {
            ServiceExport {
                directory,
                ids: &ids,
                taxonomies: &taxonomies,
                service: s,
                as_of: options.as_of,
            }
            .both()
        })
        .collect();
    let listed: Vec<Value> = services.iter().map(|(list, _)| list.clone()).collect();
    for (number, page) in pages(&listed, options.per_page).into_iter().enumerate() {
        if number == 0 {
            add_json(&mut files, "services/index.json", &page)?;
        }
        add_json(
            &mut files,
            &format!("services/page-{}.json", number + 1),
            &page,
        )?;
    }
    for (_, full) in &services {
        let id = full.get("id").and_then(Value::as_str).unwrap_or_default();
        add_json(&mut files, &format!("services/{id}.json"), full)?;
    }
    taxonomies.add_files(&mut files, options.per_page)?;
    Ok(files)
}

fn add_json(files: &mut SiteFiles, path: &str, value: &Value) -> Result<(), Box<Diagnostic>> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    files.add(path, text)
}

/// The pages of a list in the HSDS `Page` shape; an empty list is one empty page.
fn pages(items: &[Value], per_page: usize) -> Vec<Value> {
    let per_page = per_page.max(1);
    let chunks: Vec<&[Value]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per_page).collect()
    };
    let total_pages = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            json!({
                "total_items": items.len(),
                "total_pages": total_pages,
                "page_number": i + 1,
                "size": chunk.len(),
                "first_page": i == 0,
                "last_page": i + 1 == total_pages,
                "empty": chunk.is_empty(),
                "contents": chunk,
            })
        })
        .collect()
}

/// UUIDv5 ids in a namespace of the area's own, so two areas' `idva` differ.
struct Ids {
    namespace: Uuid,
}

impl Ids {
    fn for_area(area: &str) -> Ids {
        let name = format!("pathways:area:{area}");
        Ids {
            namespace: Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()),
        }
    }

    /// The id of a thing of a kind (`service`, `taxonomy_term`, ...) named by a slug.
    fn of(&self, kind: &str, slug: &str) -> String {
        Uuid::new_v5(&self.namespace, format!("{kind}/{slug}").as_bytes()).to_string()
    }
}

/// One taxonomy term, ready to link.
struct Term {
    id: String,
    code: String,
    name: String,
    description: String,
}

/// A taxonomy: our categories, the tiers, the risk levels or the client groups.
struct Taxonomy {
    id: String,
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    terms: Vec<Term>,
}

struct Taxonomies {
    all: Vec<Taxonomy>,
}

impl Taxonomies {
    fn new(directory: &Directory, ids: &Ids) -> Taxonomies {
        let taxonomy = |slug: &'static str,
                        name,
                        description,
                        terms: Vec<(String, String, String)>| Taxonomy {
            id: ids.of("taxonomy", slug),
            slug,
            name,
            description,
            terms: terms
                .into_iter()
                .map(|(code, name, description)| Term {
                    id: ids.of("taxonomy_term", &format!("{slug}/{code}")),
                    code,
                    name,
                    description,
                })
                .collect(),
        };
        let categories = directory
            .categories
            .iter()
            .map(|c| (c.id.value.clone(), c.name.clone(), c.description.clone()))
            .collect();
        let tiers = [Tier::T1, Tier::T2, Tier::T3, Tier::T4]
            .into_iter()
            .map(|t| {
                let (code, name, description) = tier_words(t);
                (code.to_string(), name.to_string(), description.to_string())
            })
            .collect();
        let risks = RiskLevel::ALL
            .into_iter()
            .map(|r| {
                let description =
                    format!("The outcome of a DASH risk assessment: {} risk.", r.id());
                (r.id().to_string(), r.label().to_string(), description)
            })
            .collect();
        let clients = Client::ALL
            .into_iter()
            .map(|c| {
                let (name, description) = client_words(c);
                (
                    c.id().to_string(),
                    name.to_string(),
                    description.to_string(),
                )
            })
            .collect();
        Taxonomies {
            all: vec![
                taxonomy(
                    "categories",
                    "Service categories",
                    "The kinds of domestic abuse service in this directory.",
                    categories,
                ),
                taxonomy(
                    "tiers",
                    "Tiers of service",
                    "Tiers of domestic abuse service, from universal (T1) to risk of death or serious harm (T4).",
                    tiers,
                ),
                taxonomy(
                    "risk-levels",
                    "DASH risk levels",
                    "The risk levels a service takes, from the DASH risk checklist.",
                    risks,
                ),
                taxonomy(
                    "clients",
                    "Who a service works with",
                    "Victims, people causing harm, children, young people or families.",
                    clients,
                ),
            ],
        }
    }

    fn term(&self, taxonomy: &str, code: &str) -> Option<(&Taxonomy, &Term)> {
        let taxonomy = self.all.iter().find(|t| t.slug == taxonomy)?;
        let term = taxonomy.terms.iter().find(|t| t.code == code)?;
        Some((taxonomy, term))
    }

    fn add_files(&self, files: &mut SiteFiles, per_page: usize) -> Result<(), Box<Diagnostic>> {
        let taxonomies: Vec<Value> = self.all.iter().map(taxonomy_json).collect();
        let terms: Vec<Value> = self
            .all
            .iter()
            .flat_map(|t| t.terms.iter().map(move |term| term_json(t, term)))
            .collect();
        for (folder, items) in [("taxonomies", &taxonomies), ("taxonomy_terms", &terms)] {
            for (number, page) in pages(items, per_page).into_iter().enumerate() {
                if number == 0 {
                    add_json(files, &format!("{folder}/index.json"), &page)?;
                }
                add_json(files, &format!("{folder}/page-{}.json", number + 1), &page)?;
            }
            for item in items {
                let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
                add_json(files, &format!("{folder}/{id}.json"), item)?;
            }
        }
        Ok(())
    }
}

fn taxonomy_json(t: &Taxonomy) -> Value {
    json!({"id": t.id, "name": t.name, "description": t.description})
}

fn term_json(taxonomy: &Taxonomy, term: &Term) -> Value {
    json!({
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": taxonomy.slug,
        "taxonomy_id": taxonomy.id,
        "taxonomy_detail": taxonomy_json(taxonomy),
    })
}

fn tier_words(tier: Tier) -> (&'static str, &'static str, &'static str) {
    match tier {
        Tier::T1 => (
            "T1",
            "T1: universal",
            "Awareness, signposting and screening for everyone.",
        ),
        Tier::T2 => (
            "T2",
            "T2: vulnerable",
            "Abuse is happening but the person is not actively seeking help.",
        ),
        Tier::T3 => (
            "T3",
            "T3: complex",
            "Lives seriously affected, often with substance misuse, mental health problems or emergency housing.",
        ),
        Tier::T4 => (
            "T4",
            "T4: risk of death or serious harm",
            "High risk: MARAC, police, legal protection, child or adult protection, refuge.",
        ),
    }
}

fn client_words(client: Client) -> (&'static str, &'static str) {
    match client {
        Client::Victims => ("Victims", "People experiencing domestic abuse."),
        Client::Perpetrators => (
            "People causing harm",
            "People who are abusive to a partner or family member.",
        ),
        Client::Children => ("Children", "Children living with domestic abuse."),
        Client::YoungPeople => (
            "Young people",
            "Young people experiencing or living with domestic abuse.",
        ),
        Client::Families => ("Families", "Whole households affected by domestic abuse."),
    }
}

/// One service, as its list entry and as its full record.
struct ServiceExport<'a> {
    directory: &'a Directory,
    ids: &'a Ids,
    taxonomies: &'a Taxonomies,
    service: &'a Service,
    as_of: Date,
}

impl ServiceExport<'_> {
    fn id(&self) -> String {
        self.ids.of("service", &self.service.id)
    }

    /// (list entry: the one-to-one fields; full record: with the nested objects).
    fn both(&self) -> (Value, Value) {
        let list = self.flat();
        let mut full = list.clone();
        let s = self.service;
        let id = self.id();
        let organization = json!({
            "id": self.ids.of("organization", &s.provider),
            "name": s.provider,
            "description": format!("Provides {} in {}.", s.name.value, self.directory.area.name),
        });
        full.insert("organization".into(), organization);
        if let Some(phone) = &s.contact.phone {
            let phone =
                json!({"id": self.ids.of("phone", &s.id), "service_id": id, "number": phone.value});
            full.insert("phones".into(), json!([phone]));
        }
        full.insert(
            "schedules".into(),
            json!([{"id": self.ids.of("schedule", &s.id), "service_id": id, "description": s.hours}]),
        );
        full.insert("service_areas".into(), Value::Array(self.service_areas()));
        if let Some(address) = s.contact.address.as_ref().filter(|a| !a.confidential) {
            let location = json!({
                "id": self.ids.of("location", &s.id),
                "location_type": "physical",
                "name": s.name.value,
                "description": address.text,
            });
            let at = json!({
                "id": self.ids.of("service_at_location", &s.id),
                "service_id": id,
                "location_id": self.ids.of("location", &s.id),
                "location": location,
            });
            full.insert("service_at_locations".into(), json!([at]));
        }
        full.insert("attributes".into(), Value::Array(self.attributes()));
        (Value::Object(list), Value::Object(full))
    }

    /// The fields of a service with one value each.
    fn flat(&self) -> Map<String, Value> {
        let s = self.service;
        let mut map = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                map.insert(key.to_string(), value);
            }
        };
        put("id", Some(self.id().into()));
        put(
            "organization_id",
            Some(self.ids.of("organization", &s.provider).into()),
        );
        put("name", Some(s.name.value.clone().into()));
        put(
            "description",
            Some(format!("{}\n\n{}", s.summary, s.description.trim_end()).into()),
        );
        put(
            "url",
            s.contact.website.as_ref().map(|w| w.value.clone().into()),
        );
        put(
            "email",
            s.contact.email.as_ref().map(|e| e.value.clone().into()),
        );
        put("status", Some(self.status().into()));
        put(
            "application_process",
            Some(self.application_process().into()),
        );
        put("eligibility_description", Some(self.eligibility().into()));
        put("minimum_age", s.ages.map(|a| a.min.into()));
        put("maximum_age", s.ages.map(|a| a.max.into()));
        put("assured_date", Some(s.reviewed.value.to_string().into()));
        map
    }

    fn status(&self) -> &'static str {
        let s = self.service;
        if s.available_until
            .as_ref()
            .is_some_and(|d| d.value < self.as_of)
        {
            "defunct"
        } else if s
            .available_from
            .as_ref()
            .is_some_and(|d| d.value > self.as_of)
        {
            "inactive"
        } else {
            "active"
        }
    }

    fn application_process(&self) -> String {
        let r = &self.service.referral;
        let who = match (r.self_referral, r.professional_referral) {
            (true, true) => "People may refer themselves, and professionals may refer them.",
            (true, false) => "People refer themselves.",
            (false, true) => "Professionals refer; people cannot refer themselves.",
            (false, false) => "Referrals are by arrangement only.",
        };
        let how = r.how.trim_end();
        match &r.form {
            Some(form) => format!("{who} {how} Referral form: {}", form.value),
            None => format!("{who} {how}"),
        }
    }

    fn eligibility(&self) -> String {
        let s = self.service;
        let serves: Vec<&str> = s.serves.iter().map(|c| client_words(c.value).0).collect();
        let mut text = format!("Works with: {}.", serves.join(", ").to_lowercase());
        if !s.risk_levels.is_empty() {
            let levels: Vec<&str> = s.risk_levels.iter().map(|r| r.value.id()).collect();
            text.push_str(&format!(" DASH risk: {}.", levels.join(", ")));
        }
        if let Some(ages) = s.ages {
            text.push_str(&format!(" Ages {} to {}.", ages.min, ages.max));
        }
        if !s.requires.is_empty() {
            let requires: Vec<&str> = s.requires.iter().map(|r| r.value.as_str()).collect();
            text.push_str(&format!(" Requires: {}.", requires.join(", ")));
        }
        text
    }

    /// One area per locality or group listed, or one for "anywhere".
    fn service_areas(&self) -> Vec<Value> {
        let s = self.service;
        let id = self.id();
        let named: Vec<(String, String)> = match &s.localities {
            Coverage::Anywhere(_) => vec![("anywhere".to_string(), "Anywhere".to_string())],
            Coverage::Listed(listed) => listed
                .iter()
                .map(|slug| (slug.value.clone(), self.place_name(&slug.value)))
                .collect(),
        };
        named
            .into_iter()
            .map(|(slug, name)| {
                json!({
                    "id": self.ids.of("service_area", &format!("{}/{slug}", s.id)),
                    "service_id": id,
                    "name": name,
                })
            })
            .collect()
    }

    fn place_name(&self, slug: &str) -> String {
        let d = self.directory;
        d.localities
            .iter()
            .find(|l| l.id.value == slug)
            .map(|l| l.name.clone())
            .or_else(|| {
                d.groups
                    .iter()
                    .find(|g| g.id.value == slug)
                    .map(|g| g.name.clone())
            })
            .unwrap_or_else(|| slug.to_string())
    }

    /// Links to the taxonomy terms of the service's categories, tiers, risk levels
    /// (all three when it takes any) and client groups.
    fn attributes(&self) -> Vec<Value> {
        let s = self.service;
        let mut links: Vec<(&str, String)> = Vec::new();
        links.extend(s.categories.iter().map(|c| ("categories", c.value.clone())));
        links.extend(
            s.tiers
                .iter()
                .map(|t| ("tiers", tier_words(*t).0.to_string())),
        );
        let levels: Vec<RiskLevel> = if s.risk_levels.is_empty() {
            RiskLevel::ALL.to_vec()
        } else {
            s.risk_levels.iter().map(|r| r.value).collect()
        };
        links.extend(levels.iter().map(|r| ("risk-levels", r.id().to_string())));
        links.extend(
            s.serves
                .iter()
                .map(|c| ("clients", c.value.id().to_string())),
        );
        let id = self.id();
        links
            .iter()
            .filter_map(|(taxonomy, code)| {
                let (taxonomy, term) = self.taxonomies.term(taxonomy, code)?;
                Some(json!({
                    "id": self.ids.of("attribute", &format!("{}/{}/{code}", s.id, taxonomy.slug)),
                    "link_id": id,
                    "link_type": taxonomy.slug,
                    "link_entity": "service",
                    "taxonomy_term_id": term.id,
                    "taxonomy_term": term_json(taxonomy, term),
                }))
            })
            .collect()
    }
}
