//! `pathways refer`: the services to refer to for some answers, why, and how.

use serde::Serialize;

use super::args::{Cli, Format, ReferArgs};
use super::output::Output;
use super::{Outcome, situation};
use crate::area::Area;
use crate::directory::model::Service;
use crate::engine::Evaluation;

pub fn run(cli: &Cli, args: &ReferArgs, out: &Output) -> Outcome {
    let s = match situation(cli, args, out) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    let evaluation = s.compiled.evaluate(&s.answers);
    let report = ReferReport::new(&s.area, &evaluation);
    match args.format {
        Format::Json => out.json(&report),
        Format::Text => out.print(&report.text(s.date)),
    }
    Outcome::Success
}

/// The result as `--format json` writes it.
#[derive(Serialize)]
pub struct ReferReport {
    pub referrals: Vec<ReferralReport>,
    pub questions_that_matter: Vec<String>,
}

#[derive(Serialize)]
pub struct ReferralReport {
    pub service: String,
    pub name: String,
    pub pathways: Vec<String>,
    pub urgency: &'static str,
    pub reasons: Vec<String>,
    pub how_to_refer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub hours: String,
}

impl ReferReport {
    pub fn new(area: &Area, evaluation: &Evaluation) -> ReferReport {
        let referrals = evaluation
            .referrals
            .iter()
            .filter_map(|r| {
                let service = area.directory.service(&r.service)?;
                let pathways = r
                    .pathways
                    .iter()
                    .filter_map(|&p| area.rules.pathways.get(p));
                let (ids, mut reasons): (Vec<String>, Vec<String>) = pathways
                    .map(|p| (p.id.value.clone(), p.reason.clone()))
                    .unzip();
                if r.fallback {
                    reasons.extend(area.rules.fallback.as_ref().map(|f| f.reason.clone()));
                }
                Some(ReferralReport::new(service, ids, reasons, r.urgency.id()))
            })
            .collect();
        let questions_that_matter = evaluation
            .questions_that_matter
            .iter()
            .filter_map(|&q| area.rules.questions.get(q))
            .map(|q| q.id.value.clone())
            .collect();
        ReferReport {
            referrals,
            questions_that_matter,
        }
    }

    fn text(&self, date: jiff::civil::Date) -> String {
        let mut text = match self.referrals.len() {
            0 => format!("No referral for these answers (as of {date}).\n"),
            n => format!(
                "Refer to {} (as of {date}):\n",
                crate::diagnostic::plural(n, "service")
            ),
        };
        for (n, r) in self.referrals.iter().enumerate() {
            text.push_str(&r.text(n + 1));
        }
        if !self.questions_that_matter.is_empty() {
            text.push_str(&format!(
                "\nNot yet answered, and could still change this: {}\n",
                self.questions_that_matter.join(", ")
            ));
        }
        text
    }
}

impl ReferralReport {
    fn new(
        service: &Service,
        pathways: Vec<String>,
        reasons: Vec<String>,
        urgency: &'static str,
    ) -> ReferralReport {
        let contact = &service.contact;
        ReferralReport {
            service: service.id.clone(),
            name: service.name.value.clone(),
            pathways,
            urgency,
            reasons,
            how_to_refer: service.referral.how.clone(),
            phone: contact.phone.as_ref().map(|p| p.value.clone()),
            email: contact.email.as_ref().map(|e| e.value.clone()),
            website: contact.website.as_ref().map(|w| w.value.clone()),
            hours: service.hours.clone(),
        }
    }

    fn text(&self, n: usize) -> String {
        let mut text = format!(
            "\n{n}. {} ({}) [{}]\n",
            self.name, self.service, self.urgency
        );
        if !self.pathways.is_empty() {
            text.push_str(&format!("   Pathways: {}\n", self.pathways.join(", ")));
        }
        for reason in &self.reasons {
            text.push_str(&format!("   Why: {reason}\n"));
        }
        text.push_str(&format!("   How to refer: {}\n", self.how_to_refer));
        let contact = [
            ("Phone", &self.phone),
            ("Email", &self.email),
            ("Web", &self.website),
        ];
        for (label, value) in contact {
            if let Some(value) = value {
                text.push_str(&format!("   {label}: {value}\n"));
            }
        }
        text.push_str(&format!("   Hours: {}\n", self.hours));
        text
    }
}
