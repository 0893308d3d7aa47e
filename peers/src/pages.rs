//! The service pages alone: what each page of `services/` shows (the same context
//! `pathways build` gives `service.html`), rendered by our templates into a site of
//! only those pages, or handed to Hugo as front matter (`hugo`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::civil::Date;
use pathways::area::Area;
use pathways::engine;
use pathways::site::escape::mailto_href;
use pathways::site::look::Look;
use pathways::site::output::{SiteFiles, write_site};
use pathways::site::views::{ServiceView, service_page};
use pathways::site::words::Words;
use pathways::site::{SiteSettings, root_for};
use serde_json::{Value, json};

/// One service page: its path in the site, its title and its template context.
pub struct Page {
    pub path: String,
    pub title: String,
    pub context: Value,
}

/// Loads the area at `root` (it must have no errors) and its reference date.
pub fn load(root: &Path) -> Result<(Area, Date), String> {
    let area = Area::load(root);
    if area.has_errors() {
        return Err(format!("the area at {} has errors", root.display()));
    }
    let date = area.reference_date(None);
    Ok((area, date))
}

/// Every service page's context, as `pathways build` makes it: the service's view,
/// the pathways that refer to it in some situation (read from the compiled rules)
/// and the link to report a change.
pub fn pages(area: &Area, date: Date) -> Vec<Page> {
    let leading = pathways_leading_to(area, date);
    let words = Words {
        rules: &area.rules,
        directory: &area.directory,
    };
    area.directory
        .services
        .iter()
        .map(|service| {
            let view = ServiceView::new(service, &words, date);
            let report = mailto_href(
                &area.directory.area.feedback,
                Some(&format!("Change to service {}", service.id)),
            );
            let pathways = leading
                .get(service.id.as_str())
                .cloned()
                .unwrap_or_default();
            Page {
                path: service_page(&service.id),
                title: view.card.name.clone(),
                context: json!({"service": view, "pathways": pathways, "report_href": report}),
            }
        })
        .collect()
}

/// For each service, the pathways (and the fallback) that lead to it in some outcome.
fn pathways_leading_to(area: &Area, date: Date) -> BTreeMap<String, Vec<Value>> {
    let compiled = engine::compile(&area.rules, &area.directory, date);
    let rules = &area.rules;
    let mut leading: BTreeMap<String, BTreeSet<Option<usize>>> = BTreeMap::new();
    for outcome in compiled.outcomes() {
        for r in &outcome.referrals {
            let set = leading.entry(r.service.clone()).or_default();
            set.extend(r.pathways.iter().map(|&p| Some(p)));
            if r.fallback {
                set.insert(None);
            }
        }
    }
    leading
        .into_iter()
        .map(|(service, set)| {
            let list = set
                .into_iter()
                .filter_map(|p| match p {
                    Some(p) => rules.pathways.get(p).map(|p| {
                        json!({"id": p.id.value, "title": p.title, "reason": p.reason})
                    }),
                    None => rules.fallback.as_ref().map(|f| {
                        json!({"id": "fallback", "title": "When no pathway applies", "reason": f.reason})
                    }),
                })
                .collect();
            (service, list)
        })
        .collect()
}

/// Our build restricted to the service pages: renders each with the area's
/// `service.html` (and `_base.html`), then writes them as `pathways build` writes a
/// site. Returns how many pages were written.
pub fn build(root: &Path, out: &Path) -> Result<usize, String> {
    let (area, date) = load(root)?;
    let settings = SiteSettings::new(&area.directory.area, date)
        .map_err(|_| "the area's site settings have errors".to_string())?;
    let look = Look::for_area(root).map_err(|d| d.message.clone())?;
    let mut files = SiteFiles::new();
    let pages = pages(&area, date);
    for page in &pages {
        let mut context =
            tera::Context::from_serialize(&page.context).map_err(|e| e.to_string())?;
        context.insert("site", &settings);
        context.insert("root", &root_for(&page.path));
        context.insert("page_title", &page.title);
        let html = look
            .templates
            .render("service.html", &context)
            .map_err(|d| d.message.clone())?;
        files.add(&page.path, html).map_err(|d| d.message.clone())?;
    }
    write_site(&files, out).map_err(|d| d.message.clone())?;
    Ok(pages.len())
}
