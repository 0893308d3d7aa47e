//! The service pages alone: what each page of `services/` shows (the same context
//! `pathways build` gives `service.html`), rendered by our templates (as `pathways
//! build` renders them) into a site of only those pages, or handed to Hugo as front matter (`hugo`).

use std::path::Path;

use jiff::civil::Date;
use pathways::area::Area;
use pathways::engine;
use pathways::site::SiteSettings;
use pathways::site::build::service_pages;
use pathways::site::look::Look;
use pathways::site::output::{SiteFiles, write_site};
use pathways::site::pages::{Page, render_pages};

/// Loads the area at `root` (it must have no errors) and its reference date.
pub fn load(root: &Path) -> Result<(Area, Date), String> {
    let area = Area::load(root);
    if area.has_errors() {
        return Err(format!("the area at {} has errors", root.display()));
    }
    let date = area.reference_date(None);
    Ok((area, date))
}

/// Every service page, as `pathways build` makes it: the service's view, the
/// pathways that refer to it in some situation (read from the compiled rules) and
/// the link to report a change.
pub fn pages(area: &Area, date: Date) -> Result<Vec<Page>, String> {
    let compiled = engine::compile(&area.rules, &area.directory, date);
    let batches = service_pages(area, &compiled, date).collect::<Result<Vec<_>, _>>();
    Ok(batches.map_err(|d| d.message.clone())?.concat())
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
    let pages = pages(&area, date)?;
    let rendered =
        render_pages(&look.templates, &settings, pages).map_err(|d| d.message.clone())?;
    for (path, html) in rendered {
        files.add(&path, html).map_err(|d| d.message.clone())?;
    }
    write_site(&files, out).map_err(|d| d.message.clone())?;
    Ok(files.len())
}
