//! What templates see of services, urgencies and answers: plain, serialisable views
//! whose every link was built by [`crate::site::escape`] (so `javascript:` cannot
//! reach an `href`) and which never carry a confidential address.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::directory::model::{Directory, Service};
use crate::rules::model::Urgency;
use crate::site::escape::{mailto_href, tel_href, web_href};
use crate::site::long_date;
use crate::site::pages;
use crate::site::words::{self, Words};

/// The page of a service, relative to the site root.
pub fn service_page(id: &str) -> String {
    format!("services/{id}.html")
}

/// The page of an area's services (a locality's or a group's), relative to the site
/// root; the two share one set of ids.
pub fn area_page(id: &str) -> String {
    format!("localities/{id}.html")
}

/// A service as the finder's results and the templates' `_facts.html` show it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ServiceCard {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub href: String,
    pub how: String,
    pub phone: Option<String>,
    pub tel: Option<String>,
    pub email: Option<String>,
    pub mailto: Option<String>,
    pub website: Option<String>,
    pub form: Option<String>,
    pub hours: String,
    pub eligibility: String,
}

impl ServiceCard {
    pub fn new(service: &Service, words: &Words) -> ServiceCard {
        let contact = &service.contact;
        let phone = contact.phone.as_ref().map(|p| p.value.clone());
        let email = contact.email.as_ref().map(|e| e.value.clone());
        ServiceCard {
            id: service.id.clone(),
            name: service.name.value.clone(),
            summary: service.summary.clone(),
            href: service_page(&service.id),
            how: service.referral.how.clone(),
            tel: phone.as_deref().and_then(tel_href),
            phone,
            mailto: email.as_deref().and_then(|e| mailto_href(e, None)),
            email,
            website: contact.website.as_ref().and_then(|w| web_href(&w.value)),
            form: service
                .referral
                .form
                .as_ref()
                .and_then(|f| web_href(&f.value)),
            hours: service.hours.clone(),
            eligibility: words.eligibility(service),
        }
    }
}

/// Everything in a service's entry, for its own page. The address is there only when
/// it is not confidential.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ServiceView {
    #[serde(flatten)]
    pub card: ServiceCard,
    pub description: String,
    pub provider: String,
    pub serves: Vec<String>,
    pub tiers: Vec<String>,
    pub risk_levels: String,
    pub ages: Option<String>,
    pub localities: String,
    pub who_can_refer: String,
    pub requires: Vec<String>,
    pub address: Option<String>,
    pub categories: Vec<CategoryLink>,
    pub reviewed: String,
    /// Whether it is open on the site's date.
    pub open: bool,
    /// Its contract dates in words, if it has any.
    pub availability: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CategoryLink {
    pub id: String,
    pub name: String,
}

impl ServiceView {
    pub fn new(service: &Service, words: &Words, date: jiff::civil::Date) -> ServiceView {
        let directory = words.directory;
        ServiceView {
            card: ServiceCard::new(service, words),
            description: service.description.clone(),
            provider: service.provider.clone(),
            serves: vec![words::clients(service)],
            tiers: service
                .tiers
                .iter()
                .map(|t| words::tier(*t).to_string())
                .collect(),
            risk_levels: words::risk_levels(service),
            ages: words::ages(service),
            localities: words.coverage(service),
            who_can_refer: words::who_can_refer(service),
            requires: service.requires.iter().map(|r| r.value.clone()).collect(),
            address: service
                .contact
                .address
                .as_ref()
                .filter(|a| !a.confidential)
                .map(|a| a.text.clone()),
            categories: service
                .categories
                .iter()
                .map(|c| CategoryLink {
                    id: c.value.clone(),
                    name: directory
                        .categories
                        .iter()
                        .find(|k| k.id.value == c.value)
                        .map_or_else(|| c.value.clone(), |k| k.name.clone()),
                })
                .collect(),
            reviewed: long_date(service.reviewed.value),
            open: service.is_open_on(date),
            availability: availability(service, date),
        }
    }
}

/// "Opens on 1 April 2013.", "Closed on 31 March 2012.", "Open until 31 March 2013."
fn availability(service: &Service, date: jiff::civil::Date) -> Option<String> {
    let from = service.available_from.as_ref().map(|d| d.value);
    let until = service.available_until.as_ref().map(|d| d.value);
    match (from, until) {
        (Some(from), _) if date < from => Some(format!("Opens on {}.", long_date(from))),
        (_, Some(until)) if until < date => Some(format!(
            "Closed on {}: its contract or funding ended.",
            long_date(until)
        )),
        (_, Some(until)) => Some(format!("Open until {}.", long_date(until))),
        (Some(from), None) => Some(format!("Open since {}.", long_date(from))),
        (None, None) => None,
    }
}

/// How soon to refer, in words (never by colour alone).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UrgencyView {
    pub id: &'static str,
    pub label: &'static str,
    pub text: &'static str,
}

impl UrgencyView {
    pub fn new(urgency: Urgency) -> UrgencyView {
        let (label, text) = match urgency {
            Urgency::Immediate => (
                "Immediately",
                "Refer now, by phone, before the person leaves.",
            ),
            Urgency::Urgent => ("Urgent", "Refer the same working day."),
            Urgency::Routine => ("Routine", "Refer in the usual way, when you can."),
        };
        UrgencyView {
            id: urgency.id(),
            label,
            text,
        }
    }

    pub fn all() -> [UrgencyView; 3] {
        [Urgency::Immediate, Urgency::Urgent, Urgency::Routine].map(UrgencyView::new)
    }
}

/// A service in a list: name, summary, link.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ServiceItem {
    pub name: String,
    pub summary: String,
    pub href: String,
}

impl ServiceItem {
    pub fn new(service: &Service) -> ServiceItem {
        ServiceItem {
            name: service.name.value.clone(),
            summary: service.summary.clone(),
            href: service_page(&service.id),
        }
    }
}

/// Every service's [`ServiceItem`] in the templates' values, converted once and shared
/// by every list it is on (copies share their parts): the A to Z, its types of help,
/// its tiers and its areas' pages.
pub struct ServiceItems(Vec<tera::Value>);

impl ServiceItems {
    pub fn new(directory: &Directory) -> Result<ServiceItems, Box<Diagnostic>> {
        let items = directory
            .services
            .iter()
            .map(|s| pages::value("services", &ServiceItem::new(s)))
            .collect::<Result<_, _>>()?;
        Ok(ServiceItems(items))
    }

    /// The items of the services at these places in the directory, as one list.
    pub fn list(&self, services: impl IntoIterator<Item = usize>) -> tera::Value {
        let picked: Vec<tera::Value> = services
            .into_iter()
            .filter_map(|i| self.0.get(i).cloned())
            .collect();
        tera::Value::from(picked)
    }
}

/// One answer on a check-your-answers page.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AnswerRow {
    pub question: String,
    pub answer: String,
    pub change_href: Option<String>,
}

/// One reason a service is listed: the pathway, its reason, and when it applies.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Why {
    pub title: String,
    pub reason: String,
    pub when: Option<String>,
}
