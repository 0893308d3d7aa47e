//! Rendering pages with the area's templates, spread over the machine's cores (and
//! [`in_parallel`], which the link checker uses too). A page's
//! context is its own values plus `site` (converted once for every page), `root` and
//! `page_title`; the pages come back in the order they were given, so the output does
//! not depend on how the work was shared.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::parallel::map_in_order;
use crate::site::{SiteSettings, Templates, root_for};

/// One page to render: where it goes, its template, its title and its own context.
#[derive(Clone, Debug)]
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub title: String,
    pub context: Value,
}

/// Renders every page; the first page (in order) that fails stops the build.
pub fn render_pages(
    templates: &Templates,
    settings: &SiteSettings,
    pages: &[Page],
) -> Result<Vec<String>, Box<Diagnostic>> {
    let site = tera::Value::from_serializable(settings);
    in_parallel(pages, |page| render_one(templates, &site, page))?
        .into_iter()
        .collect()
}

/// [`map_in_order`], a crashed worker reported as a diagnostic.
pub(crate) fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, Box<Diagnostic>> {
    map_in_order(items, f).map_err(|_| crashed())
}

fn render_one(
    templates: &Templates,
    site: &tera::Value,
    page: &Page,
) -> Result<String, Box<Diagnostic>> {
    let path = &page.path;
    // The 404 page is served for any missing path, so its links start at the root.
    let root = if path == "404.html" {
        "/".to_string()
    } else {
        root_for(path)
    };
    let mut context = tera::Context::from_serialize(&page.context).map_err(|e| {
        Box::new(Diagnostic::error(
            "site-template-error",
            format!("the page `{path}` could not be prepared: {e}"),
        ))
    })?;
    context.insert_value("site", site.clone());
    context.insert("root", &root);
    context.insert("page_title", &page.title);
    templates.render(page.template, &context)
}

fn crashed() -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "site-render-crashed",
            "rendering the site's pages stopped unexpectedly",
        )
        .help("this is a bug in pathways; please report it with the area that shows it"),
    )
}
