//! Rendering pages with the area's templates, spread over the machine's cores (and
//! [`in_parallel`], which the link checker uses too). A page's
//! context is its own values plus `site` (converted once for every page), `root` and
//! `page_title`; the pages come back in the order they were given, so the output does
//! not depend on how the work was shared.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::parallel::{map_in_order, map_owned_in_order};
use crate::site::{SiteSettings, Templates, root_for};

/// One page to render: where it goes, its template, its title and its own context.
#[derive(Clone, Debug)]
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub title: String,
    /// Its values, already tera's: a page listing thousands of services converts
    /// them once, and adding `site` and `root` to a copy copies no list.
    pub context: tera::Context,
}

/// A page's own context from `"name" => value` pairs, each converted straight into
/// tera's values; in a function returning `Result<_, Box<Diagnostic>>`.
macro_rules! page_context {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut context = tera::Context::new();
        $(context.insert_value($key, $crate::site::pages::value($key, &$value)?);)*
        context
    }};
}
pub(crate) use page_context;

/// `value` as tera's, or why it cannot be (only a map with keys that are not text).
pub fn value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<tera::Value, Box<Diagnostic>> {
    tera::Value::try_from_serializable(value).map_err(|e| {
        Box::new(Diagnostic::error(
            "site-template-error",
            format!("the page value `{name}` could not be prepared: {e}"),
        ))
    })
}

/// A map of the templates' values from values already converted (lists of shared
/// values, say, which converting again would copy whole).
pub fn template_map<const N: usize>(entries: [(&'static str, tera::Value); N]) -> tera::Value {
    tera::Value::from(BTreeMap::from(entries))
}

/// Renders every page into its path and text, consuming the pages (each worker frees
/// the contexts it rendered); the first page (in order) that fails stops the build.
pub fn render_pages(
    templates: &Templates,
    settings: &SiteSettings,
    pages: Vec<Page>,
) -> Result<Vec<(String, String)>, Box<Diagnostic>> {
    let site = tera::Value::from_serializable(settings);
    map_owned_in_order(pages, |page| render_one(templates, &site, page))
        .map_err(|_| crashed())?
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
    page: Page,
) -> Result<(String, String), Box<Diagnostic>> {
    let Page {
        path,
        template,
        title,
        mut context,
    } = page;
    // The 404 page is served for any missing path, so its links start at the root.
    let root = if path == "404.html" {
        "/".to_string()
    } else {
        root_for(&path)
    };
    context.insert_value("site", site.clone());
    context.insert("root", &root);
    context.insert("page_title", &title);
    let mut html = templates.render(template, &context)?;
    // tera renders into a 16 KB buffer and the site is held until it is written: 10,000
    // service pages of 4 KB each kept 120 MB more than their text.
    html.shrink_to_fit();
    Ok((path, html))
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
