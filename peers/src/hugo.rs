//! The same service pages as a Hugo project: one Markdown file per service (its
//! description as the body, everything else the page shows as JSON front matter,
//! the same values our `service.html` is given) and layouts that translate our
//! `_base.html`, `service.html` and `_facts.html` into Go templates, line for line.
//! Hugo is set to make only these pages (no home, lists, feeds or sitemap), at the
//! same paths (`services/ID.html`), and without typographic quotes (our descriptions
//! are plain text, printed as written).

use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

use crate::pages::{load, pages};

/// What `pathways build` gives `service.html`, each a key of the front matter.
const SERVICE_PAGE_KEYS: [&str; 3] = ["service", "pathways", "report_href"];

/// Writes the Hugo project for the area at `root` into `out`; returns the page count.
pub fn write(root: &Path, out: &Path) -> Result<usize, String> {
    let (area, date) = load(root)?;
    let settings = &area.directory.area;
    let config = format!(
        "baseURL = \"/\"\ntitle = {}\nuglyURLs = true\n\
         disableKinds = [\"home\", \"section\", \"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n\
         [markup.goldmark.extensions]\ntypographer = false\n\
         [params]\nsitetitle = {}\nexit_url = {}\nexample_data = {}\nas_of = {}\n",
        toml_string(&settings.title),
        toml_string(&settings.title),
        toml_string(&settings.exit_url),
        settings.example_data,
        toml_string(&pathways::site::long_date(date)),
    );
    write_file(&out.join("hugo.toml"), &config)?;
    write_file(&out.join("layouts/_default/baseof.html"), BASEOF)?;
    write_file(&out.join("layouts/_default/single.html"), SINGLE)?;
    let pages = pages(&area, date)?;
    for page in &pages {
        let mut front = Map::new();
        front.insert("title".into(), Value::from(page.title.clone()));
        for key in SERVICE_PAGE_KEYS {
            let value = page.context.get(key).map(serde_json::to_value);
            let value = value
                .transpose()
                .map_err(|e| format!("{}: {e}", page.path))?;
            front.insert(key.into(), value.unwrap_or_default());
        }
        let description = front
            .get("service")
            .and_then(|s| s.get("description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let markdown = format!("{}\n\n{description}\n", Value::Object(front));
        let path = Path::new(&page.path).with_extension("md");
        write_file(&out.join("content").join(path), &markdown)?;
    }
    Ok(pages.len())
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A TOML basic string (JSON's escapes are valid TOML ones for these texts).
fn toml_string(text: &str) -> String {
    Value::from(text).to_string()
}

/// `_base.html` in Go's template language.
const BASEOF: &str = include_str!("../layouts/baseof.html");

/// `service.html` with `_facts.html` inlined, in Go's template language.
const SINGLE: &str = include_str!("../layouts/single.html");
