//! The site's look: its templates and static assets. An area restyles its site by
//! keeping its own copies in `site/templates/` and `site/static/` beside `directory/`;
//! an area without them (a synthetic one, say) gets the built-in ones, which are the
//! files of this repository's `site/` compiled into the binary.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::site::Templates;

/// Templates and assets (asset paths relative to `static/`, sorted).
pub struct Look {
    pub templates: Templates,
    pub assets: Vec<(String, Vec<u8>)>,
}

macro_rules! builtin {
    ($dir:literal: $($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../site/", $dir, "/", $name)))),*]
    };
}

const TEMPLATES: [(&str, &str); 20] = builtin!("templates":
    "404.html", "_answers.html", "_base.html", "_directory_nav.html", "_facts.html",
    "_question.html", "_service.html", "_service_list.html", "accessibility.html",
    "check.html", "directory.html", "directory_index.html", "finder.html", "map.html",
    "question.html", "results.html", "search.html", "service.html", "start.html",
    "staying-safe.html",
);

const ASSETS: [(&str, &str); 5] = builtin!("static":
    "exit.js", "favicon.svg", "finder.js", "search.js", "site.css",
);

impl Look {
    /// The area's own templates and assets where it has them, else the built-in ones.
    pub fn for_area(root: &Path) -> Result<Look, Box<Diagnostic>> {
        let templates_dir = root.join("site/templates");
        let templates = if templates_dir.is_dir() {
            Templates::load(&templates_dir)?
        } else {
            Templates::from_texts(&TEMPLATES)?
        };
        let static_dir = root.join("site/static");
        let assets = if static_dir.is_dir() {
            read_assets(&static_dir)?
        } else {
            Look::builtin_assets()
        };
        Ok(Look { templates, assets })
    }

    /// The built-in templates and assets.
    pub fn builtin() -> Result<Look, Box<Diagnostic>> {
        Ok(Look {
            templates: Templates::from_texts(&TEMPLATES)?,
            assets: Look::builtin_assets(),
        })
    }

    /// The built-in copies as files of an area root: `site/templates/*` and
    /// `site/static/*`, for `pathways new` to copy.
    pub fn builtin_files() -> Vec<(String, &'static str)> {
        let templates = TEMPLATES
            .iter()
            .map(|(name, text)| (format!("site/templates/{name}"), *text));
        let assets = ASSETS
            .iter()
            .map(|(name, text)| (format!("site/static/{name}"), *text));
        templates.chain(assets).collect()
    }

    fn builtin_assets() -> Vec<(String, Vec<u8>)> {
        ASSETS
            .iter()
            .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec()))
            .collect()
    }
}

/// Every file under `dir`, sorted by path, as `/`-separated relative paths.
fn read_assets(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Box<Diagnostic>> {
    let mut assets = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| unreadable(dir, &e.to_string()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let bytes =
            std::fs::read(entry.path()).map_err(|e| unreadable(entry.path(), &e.to_string()))?;
        assets.push((name.join("/"), bytes));
    }
    Ok(assets)
}

fn unreadable(path: &Path, error: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "site-asset-unreadable",
            format!("could not read `{}`: {error}", path.display()),
        )
        .help("check the files in `site/static/` can be read"),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The built-in copy lists every template and asset of the repository's `site/`.
    #[test]
    fn builtin_look_has_every_file_of_site() {
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("site");
        let mut templates: Vec<String> = std::fs::read_dir(site.join("templates"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        templates.sort();
        let builtin: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
        assert_eq!(templates, builtin);
        let assets = read_assets(&site.join("static")).unwrap();
        assert_eq!(assets, Look::builtin_assets());
    }
}
