//! The internal link checker: every `href` and `src` in the built HTML that points
//! inside the site must resolve to a file the build wrote, and a `#fragment` to an
//! `id` on that page. Links to other sites are only allowed with the schemes the site
//! writes (`https`, `http`, `mailto`, `tel`); anything else (`javascript:`) is an error.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::Diagnostic;
use crate::site::output::SiteFiles;
use crate::site::pages::in_parallel;

const EXTERNAL: [&str; 4] = ["https://", "http://", "mailto:", "tel:"];

/// Checks every HTML file's links; one diagnostic per broken link, in page order.
pub fn check_links(files: &SiteFiles) -> Vec<Diagnostic> {
    // One scan of each page finds its ids and its links; the links are checked once
    // every page's ids are known (a link may point into a later page).
    let html: Vec<(&str, &[u8])> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect();
    let scanned = in_parallel(&html, |(path, bytes)| (*path, Attributes::of(bytes)));
    let pages = match scanned {
        Ok(pages) => pages,
        Err(crashed) => return vec![*crashed],
    };
    let ids: BTreeMap<&str, &BTreeSet<String>> = pages
        .iter()
        .map(|(path, attributes)| (*path, &attributes.ids))
        .collect();
    let runs: Vec<&[(&str, Attributes)]> = pages.chunks(PAGES_JUDGED_TOGETHER).collect();
    match in_parallel(&runs, |run| judge_run(files, &ids, run)) {
        Ok(problems) => problems.into_iter().flatten().collect(),
        Err(crashed) => vec![*crashed],
    }
}

/// How many consecutive pages share one memo of verdicts: enough that the links
/// every page repeats are judged once a run, few enough that the runs share out
/// over the cores.
const PAGES_JUDGED_TOGETHER: usize = 1024;

/// The broken links of a run of pages, in page order.
fn judge_run(
    files: &SiteFiles,
    ids: &BTreeMap<&str, &BTreeSet<String>>,
    run: &[(&str, Attributes)],
) -> Vec<Diagnostic> {
    // Most links recur (the navigation on every page, a category from every service
    // in it): each is judged once per folder it is written from.
    let mut verdicts: HashMap<(&str, &str), Verdict> = HashMap::new();
    let mut problems = Vec::new();
    for (page, attributes) in run {
        let folder = page.rsplit_once('/').map_or("", |(folder, _)| folder);
        for link in attributes.hrefs.iter().chain(&attributes.srcs) {
            // A link to a fragment of its own page depends on the page.
            let from = if link.starts_with(['#', '?']) {
                page
            } else {
                folder
            };
            let verdict = *verdicts
                .entry((from, link))
                .or_insert_with(|| judge(files, ids, page, link));
            problems.extend(verdict.problem(page, link));
        }
    }
    problems
}

/// The `id`, `href` and `src` attribute values of one page, in page order, with the
/// HTML escapes tera writes undone.
#[derive(Default)]
struct Attributes {
    ids: BTreeSet<String>,
    hrefs: Vec<String>,
    srcs: Vec<String>,
}

impl Attributes {
    /// Scans the page's bytes (pages are large and their values small: only the
    /// values are decoded as text).
    fn of(html: &[u8]) -> Attributes {
        let mut found = Attributes::default();
        for at in memchr::memchr_iter(b'=', html) {
            let (Some(before), Some(rest)) = (html.get(..at), html.get(at + 1..)) else {
                continue;
            };
            let Some(rest) = rest.strip_prefix(b"\"") else {
                continue;
            };
            let Some(value) = memchr::memchr(b'"', rest).and_then(|end| rest.get(..end)) else {
                continue;
            };
            let value = || unescape(&String::from_utf8_lossy(value));
            if before.ends_with(b" id") {
                found.ids.insert(value());
            } else if before.ends_with(b" href") {
                found.hrefs.push(value());
            } else if before.ends_with(b" src") {
                found.srcs.push(value());
            }
        }
        found
    }
}

/// What is wrong with a link, if anything.
#[derive(Clone, Copy)]
enum Verdict {
    Fine,
    Unsafe,
    Broken,
}

impl Verdict {
    fn problem(self, page: &str, link: &str) -> Option<Diagnostic> {
        match self {
            Verdict::Fine => None,
            Verdict::Unsafe => Some(
                Diagnostic::error(
                    "site-unsafe-link",
                    format!("`{page}` has a link to `{link}`, which is not a web, email or phone link"),
                )
                .help("links from the directory must be https:// addresses, emails or phone numbers"),
            ),
            Verdict::Broken => Some(
                Diagnostic::error(
                    "site-broken-link",
                    format!("`{page}` links to `{link}`, which the build did not write"),
                )
                .help("a template links to a page or anchor that does not exist; check the template and the `root` prefix"),
            ),
        }
    }
}

fn judge(
    files: &SiteFiles,
    ids: &BTreeMap<&str, &BTreeSet<String>>,
    page: &str,
    link: &str,
) -> Verdict {
    if EXTERNAL.iter().any(|scheme| link.starts_with(scheme)) {
        return Verdict::Fine;
    }
    if has_scheme(link) || link.starts_with("//") {
        return Verdict::Unsafe;
    }
    let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
    let path = path.split('?').next().unwrap_or(path);
    let target = if path.is_empty() {
        Some(page.to_string())
    } else {
        resolve(page, path)
    };
    let found = target.as_deref().filter(|t| files.contains(t));
    let missing_fragment = found.is_some_and(|t| {
        !fragment.is_empty() && ids.get(t).is_none_or(|set| !set.contains(fragment))
    });
    if found.is_some() && !missing_fragment {
        Verdict::Fine
    } else {
        Verdict::Broken
    }
}

/// `scheme:` before any `/`, `?` or `#`.
fn has_scheme(link: &str) -> bool {
    link.split(['/', '?', '#'])
        .next()
        .is_some_and(|first| first.contains(':'))
}

/// The site path `link` (relative to `page`'s directory) names, or `None` if it
/// leaves the site. A path ending in `/` means its `index.html`.
fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    if link.starts_with('/') {
        parts.clear();
    }
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let mut path = parts.join("/");
    if link.ends_with('/') || path.is_empty() {
        path.push_str(if path.is_empty() {
            "index.html"
        } else {
            "/index.html"
        });
    }
    Some(path)
}

fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> SiteFiles {
        let mut files = SiteFiles::new();
        for (path, content) in pages {
            files.add(path, *content).unwrap();
        }
        files
    }

    fn broken(files: &SiteFiles) -> Vec<String> {
        check_links(files).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let files = site(&[
            (
                "index.html",
                r##"<a href="services/a.html">A</a> <a href="#main">skip</a><main id="main">"##,
            ),
            (
                "services/a.html",
                r##"<link href="../static/site.css"><a href="../map.html#pathway-x">x</a>"##,
            ),
            (
                "map.html",
                r##"<h2 id="pathway-x">X</h2><a href="./">home</a>"##,
            ),
            ("static/site.css", "body{}"),
        ]);
        assert_eq!(broken(&files), Vec::<String>::new());
    }

    #[test]
    fn missing_pages_and_anchors_are_reported() {
        let files = site(&[
            (
                "index.html",
                r##"<a href="nowhere.html">x</a><a href="map.html#gone">y</a><script src="../../x.js"></script>"##,
            ),
            ("map.html", r##"<h2 id="here">X</h2>"##),
        ]);
        assert_eq!(
            broken(&files),
            [
                "`index.html` links to `nowhere.html`, which the build did not write",
                "`index.html` links to `map.html#gone`, which the build did not write",
                "`index.html` links to `../../x.js`, which the build did not write",
            ]
        );
    }

    #[test]
    fn broken_links_come_back_in_page_order_across_runs() {
        let pages: Vec<(String, String)> = (0..PAGES_JUDGED_TOGETHER * 2 + 10)
            .map(|i| {
                let link = if i % 700 == 3 { "gone.html" } else { "#top" };
                (
                    format!("p{i:05}.html"),
                    format!(r#"<a id="top" href="{link}">x</a>"#),
                )
            })
            .collect();
        let pages: Vec<(&str, &str)> = pages
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_str()))
            .collect();
        let found: Vec<String> = check_links(&site(&pages))
            .into_iter()
            .map(|d| d.message.split('`').nth(1).unwrap().to_string())
            .collect();
        assert_eq!(found, ["p00003.html", "p00703.html", "p01403.html"]);
    }

    #[test]
    fn external_links_pass_and_other_schemes_fail() {
        let files = site(&[(
            "index.html",
            r##"<a href="https://example.org/">w</a><a href="mailto:a@example.org?subject=x&amp;y">m</a><a href="tel:01632960000">t</a><a href="javascript:alert(1)">j</a><a href="//evil.example">e</a>"##,
        )]);
        let codes: Vec<_> = check_links(&files).iter().map(|d| d.code).collect();
        assert_eq!(codes, ["site-unsafe-link", "site-unsafe-link"]);
    }
}
