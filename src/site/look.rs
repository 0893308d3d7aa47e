//! The site's look: its templates and static assets. An area restyles its site by
//! keeping its own copies in `site/templates/` and `site/static/` beside `directory/`;
//! an area without them (a synthetic one, say) gets the built-in ones, which are the
//! files of this repository's `site/` compiled into the binary, and a template an
//! area lacks (one added after it copied them) is the built-in one.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::directory::load::{Unread, read_limited};
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

const TEMPLATES: [(&str, &str); 22] = builtin!("templates":
    "404.html", "_answers.html", "_base.html", "_directory_nav.html", "_facts.html",
    "_question.html", "_service.html", "_service_list.html", "accessibility.html",
    "check.html", "directory.html", "directory_index.html", "finder.html",
    "localities.html", "locality.html", "map.html", "question.html", "results.html",
    "search.html", "service.html", "start.html", "staying-safe.html",
);

const ASSETS: [(&str, &str); 5] = builtin!("static":
    "exit.js", "favicon.svg", "finder.js", "search.js", "site.css",
);

impl Look {
    /// The area's own templates and assets where it has them, else the built-in ones.
    pub fn for_area(root: &Path) -> Result<Look, Box<Diagnostic>> {
        let templates_dir = root.join("site/templates");
        let templates = if templates_dir.is_dir() {
            Templates::load(&templates_dir, &TEMPLATES)?
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

/// The most bytes a template may have.
pub const MAX_TEMPLATE_BYTES: u64 = 1 << 20;
/// The most bytes an asset (a stylesheet, script or image) may have.
pub const MAX_ASSET_BYTES: u64 = 10 << 20;
/// The most files `site/templates/` or `site/static/` may hold.
pub const MAX_LOOK_FILES: usize = 1_000;

/// Every file under `dir`, sorted by path, as `/`-separated relative paths.
fn read_assets(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Box<Diagnostic>> {
    files(dir, usize::MAX)?
        .into_iter()
        .map(|(name, path)| Ok((name, read(&path, MAX_ASSET_BYTES)?)))
        .collect()
}

/// The regular files under `dir` down to `depth`, sorted, with their `/`-separated
/// paths relative to it; more than [`MAX_LOOK_FILES`] is refused.
pub(crate) fn files(dir: &Path, depth: usize) -> Result<Vec<(String, PathBuf)>, Box<Diagnostic>> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .max_depth(depth)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| unreadable(dir, &e.to_string()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        if found.len() == MAX_LOOK_FILES {
            return Err(Box::new(
                Diagnostic::error(
                    "site-too-many-files",
                    format!("`{}` holds more than {MAX_LOOK_FILES} files", dir.display()),
                )
                .help("keep only the site's templates and assets there"),
            ));
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        found.push((name.join("/"), entry.path().to_path_buf()));
    }
    Ok(found)
}

/// A template or asset of at most `max` bytes (a FIFO or device is refused unread).
pub(crate) fn read(path: &Path, max: u64) -> Result<Vec<u8>, Box<Diagnostic>> {
    read_limited(path, max).map_err(|why| match why {
        Unread::TooLarge => Box::new(
            Diagnostic::error(
                "site-file-too-large",
                format!(
                    "`{}` is larger than the {} KiB allowed and was not read",
                    path.display(),
                    max / 1024
                ),
            )
            .help("a site's template or asset is never that large: check it is the file you meant"),
        ),
        Unread::Io(error) => unreadable(path, &error.to_string()),
    })
}

fn unreadable(path: &Path, error: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "site-asset-unreadable",
            format!("could not read `{}`: {error}", path.display()),
        )
        .help("check the files in `site/templates/` and `site/static/` can be read"),
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

    /// An area's copy replaces the built-in template of its name; a template it has
    /// no copy of is the built-in one.
    #[test]
    fn an_area_keeps_only_the_templates_it_changes() {
        let root = tempfile::tempdir().unwrap();
        let templates = root.path().join("site/templates");
        std::fs::create_dir_all(&templates).unwrap();
        let base = "ours: {% block title %}{% endblock title %}{% block scripts %}{% endblock scripts %}{% block main %}{% endblock main %}";
        std::fs::write(templates.join("_base.html"), base).unwrap();
        let look = Look::for_area(root.path()).unwrap();
        let builtin: Vec<&str> = TEMPLATES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !n.starts_with('_'))
            .collect();
        assert_eq!(look.templates.pages(), builtin);
        let mut context = tera::Context::new();
        context.insert("root", "/");
        let page = look.templates.render("404.html", &context).unwrap();
        assert!(page.starts_with("ours: Page not found"), "{page}");
        assert!(page.contains("<h1>Page not found</h1>"), "{page}");
    }

    #[test]
    fn a_huge_template_or_asset_and_too_many_files_are_refused() {
        let root = tempfile::tempdir().unwrap();
        let templates = root.path().join("site/templates");
        let assets = root.path().join("site/static");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::create_dir_all(&assets).unwrap();
        let huge = "x".repeat(usize::try_from(MAX_TEMPLATE_BYTES).unwrap() + 1);
        std::fs::write(templates.join("start.html"), &huge).unwrap();
        let refused = Look::for_area(root.path()).err().unwrap();
        assert_eq!(refused.code, "site-file-too-large");
        assert!(
            refused.message.contains("start.html"),
            "{}",
            refused.message
        );

        std::fs::write(templates.join("start.html"), "{{ 1 }}").unwrap();
        for n in 0..=MAX_LOOK_FILES {
            std::fs::write(assets.join(format!("{n}.css")), "").unwrap();
        }
        let refused = Look::for_area(root.path()).err().unwrap();
        assert_eq!(refused.code, "site-too-many-files");
        std::fs::remove_file(assets.join("0.css")).unwrap();
        assert_eq!(
            Look::for_area(root.path()).unwrap().assets.len(),
            MAX_LOOK_FILES
        );
    }
}
