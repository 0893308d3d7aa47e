//! `pathways build` on the example area and on hostile fixtures: the no-JavaScript
//! finder gives the engine's referrals for every situation, the output is
//! deterministic and written all at once, nothing confidential or external leaks, and
//! hostile directory text stays inert on every page.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use pathways::area::Area;
use pathways::directory::model::Directory;
use pathways::engine::{self, Answers};
use pathways::progress::Silent;
use pathways::site::build::Finder;
use pathways::site::output::SiteFiles;
use pathways::site::{self, Build};

use common::copy_tree;

fn example_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hostile_root() -> PathBuf {
    example_root().join("tests/fixtures/site/hostile")
}

fn example() -> &'static Build {
    static BUILT: OnceLock<Build> = OnceLock::new();
    BUILT.get_or_init(|| site::build(&example_root(), None))
}

fn files(build: &Build) -> &SiteFiles {
    match &build.files {
        Some(files) => files,
        None => panic!(
            "the build failed: {:?}",
            build
                .diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        ),
    }
}

fn page(files: &SiteFiles, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("no page {path}"))
            .to_vec(),
    )
    .unwrap()
}

fn html_pages(files: &SiteFiles) -> Vec<(String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, c)| (p.to_string(), String::from_utf8(c.to_vec()).unwrap()))
        .collect()
}

/// `name="..."` values, in order, with tera's escapes undone.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            unescape(&rest[..rest.find('"').unwrap()])
        })
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Resolves a relative link against the page it is on.
fn resolve(page: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[test]
fn the_example_builds_with_every_page() {
    let built = example();
    let files = files(built);
    assert!(!built.diagnostics.iter().any(|d| d.is_error()));
    let count = |prefix: &str| files.iter().filter(|(p, _)| p.starts_with(prefix)).count();
    println!(
        "{} files: {} question pages, {} check pages, {} result pages, {} service pages",
        files.len(),
        count("finder/q-"),
        count("finder/check-"),
        count("finder/result-"),
        count("services/")
    );
    for path in [
        "index.html",
        "finder.html",
        "directory.html",
        "categories.html",
        "tiers.html",
        "localities.html",
        "localities/hilsea.html",
        "map.html",
        "search.html",
        "staying-safe.html",
        "accessibility.html",
        "404.html",
        "services/marac.html",
        "static/finder.js",
    ] {
        assert!(files.contains(path), "{path}");
    }
    let area = Area::load(&example_root());
    assert_eq!(count("services/"), area.directory.services.len());
}

/// The links of `html` to pages under `folder` (as written from a page one level
/// down), as page paths.
fn links_into(html: &str, folder: &str) -> BTreeSet<String> {
    let marker = format!("href=\"../{folder}/");
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &html[at + "href=\"../".len()..];
            rest.split('"').next().map(str::to_string)
        })
        .collect()
}

/// Every area's page, with the wider areas' pages it links to, lists exactly the
/// services that cover all of it, and lists none of them twice; the index links every
/// area and every wider area that has a page.
fn assert_area_pages_are_complete(files: &SiteFiles, directory: &Directory) {
    let places = directory.places();
    let index = page(files, "localities.html");
    let everywhere_html = index.split("id=\"everywhere\"").nth(1).unwrap_or("");
    let everywhere: BTreeSet<String> = everywhere_html
        .match_indices("href=\"services/")
        .filter_map(|(at, _)| everywhere_html[at + 6..].split('"').next())
        .map(str::to_string)
        .collect();
    let covering = |members: &[usize]| -> BTreeSet<String> {
        directory
            .services
            .iter()
            .filter(|s| {
                let covered = places.covered(s);
                members.iter().all(|m| covered.contains(m))
            })
            .map(|s| format!("services/{}.html", s.id))
            .collect()
    };
    let all: Vec<usize> = (0..directory.localities.len()).collect();
    assert_eq!(everywhere, covering(&all), "localities.html#everywhere");
    let group_ids: BTreeSet<&str> = directory
        .groups
        .iter()
        .map(|g| g.id.value.as_str())
        .collect();
    let mut areas: Vec<(String, Vec<usize>)> = directory
        .localities
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.value.clone(), vec![i]))
        .collect();
    for group in &directory.groups {
        let members = directory.group_members(&group.id.value);
        let has_page = files.contains(&format!("localities/{}.html", group.id.value));
        assert_eq!(
            has_page,
            !members.is_empty() && members.len() < all.len(),
            "{}",
            group.id.value
        );
        if has_page {
            areas.push((group.id.value.clone(), members));
        }
    }
    for (id, members) in &areas {
        let path = format!("localities/{id}.html");
        assert!(
            index.contains(&format!("href=\"{path}\"")),
            "localities.html links {path}"
        );
        let html = page(files, &path);
        let listed = links_into(&html, "services");
        let mut reachable = listed.clone();
        for wider in links_into(&html, "localities") {
            let wider_id = wider
                .trim_start_matches("localities/")
                .trim_end_matches(".html");
            if !group_ids.contains(wider_id) {
                continue;
            }
            let theirs = links_into(&page(files, &wider), "services");
            assert!(
                listed.is_disjoint(&theirs),
                "{path} repeats services of {wider}"
            );
            reachable.extend(theirs);
        }
        let expected = covering(members);
        if html.contains("localities.html#everywhere") {
            reachable.extend(everywhere.iter().cloned());
        } else {
            assert!(
                everywhere.is_empty(),
                "{path} leaves out the services that cover every area"
            );
        }
        assert_eq!(reachable, expected, "{path}");
        let total = format!("{} service", expected.len());
        assert!(
            expected.is_empty() || html.contains(&total),
            "{path} says how many: {total}"
        );
    }
}

#[test]
fn each_area_page_leads_to_exactly_the_services_that_cover_it() {
    let area = Area::load(&example_root());
    assert!(!area.directory.groups.is_empty());
    assert_area_pages_are_complete(files(example()), &area.directory);
}

/// Groups that overlap, nest, and have the same members, and a service that covers
/// two groups whole but not a third that holds both.
#[test]
fn area_pages_are_complete_whatever_the_groups() {
    let root = example_copy();
    let localities = root.path().join("directory/localities.yaml");
    let text = std::fs::read_to_string(&localities)
        .unwrap()
        .replace(
            "groups:\n",
            "groups:\n  - {id: east, name: East}\n  - {id: north, name: North}\n  - {id: twin, name: Twin of the children's centres}\n  - {id: nobody, name: No members}\n",
        )
        .replace("groups: [portsmouth]}\n  - {id: central-southsea", "groups: [portsmouth, east]}\n  - {id: central-southsea")
        .replace("groups: [portsmouth]}\n  - {id: cosham", "groups: [portsmouth, east, north]}\n  - {id: cosham")
        .replace("groups: [portsmouth, childrens-centres]}\n  - {id: drayton", "groups: [portsmouth, childrens-centres, north, twin]}\n  - {id: drayton")
        .replace("{id: fratton, name: Fratton, groups: [portsmouth, childrens-centres]}", "{id: fratton, name: Fratton, groups: [portsmouth, childrens-centres, twin]}")
        .replace("{id: milton, name: Milton, groups: [portsmouth, childrens-centres]}", "{id: milton, name: Milton, groups: [portsmouth, childrens-centres, twin, east]}")
        .replace("{id: nelson, name: Nelson, groups: [portsmouth, childrens-centres]}", "{id: nelson, name: Nelson, groups: [portsmouth, childrens-centres, twin]}")
        .replace("{id: paulsgrove, name: Paulsgrove, groups: [portsmouth, childrens-centres]}", "{id: paulsgrove, name: Paulsgrove, groups: [portsmouth, childrens-centres, twin]}")
        .replace("{id: charles-dickens, name: Charles Dickens, groups: [portsmouth, childrens-centres]}", "{id: charles-dickens, name: Charles Dickens, groups: [portsmouth, childrens-centres, twin]}");
    std::fs::write(&localities, text).unwrap();
    let services = root.path().join("directory/services");
    let advocacy = std::fs::read_to_string(services.join("advocacy-support.yaml")).unwrap();
    for (id, localities) in [
        ("east-and-north", "[east, north]"),
        ("twin-only", "[twin]"),
        ("east-and-hilsea", "[east, hilsea]"),
    ] {
        let entry = advocacy
            .replace(
                "localities: [portsmouth]",
                &format!("localities: {localities}"),
            )
            .replace(
                "name: Advocacy and support workers",
                &format!("name: Test {id}"),
            );
        std::fs::write(services.join(format!("{id}.yaml")), entry).unwrap();
    }
    let built = site::build::build_with(root.path(), None, Finder::Omitted, &Silent);
    let errors: Vec<_> = built.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let area = Area::load(root.path());
    let groups = |id: &str| area.directory.group_members(id).len();
    assert_eq!(groups("east"), 3);
    assert_eq!(groups("north"), 2);
    assert_eq!(groups("twin"), groups("childrens-centres"));
    assert_eq!(groups("nobody"), 0);
    let files = built.files.as_ref().unwrap();
    assert_area_pages_are_complete(files, &area.directory);
    let east = page(files, "localities/east.html");
    assert!(east.contains("services/east-and-north.html"), "{east}");
    let twin = page(files, "localities/twin.html");
    assert!(twin.contains("services/butterfly-programme.html"), "{twin}");
}

/// Follows the no-JavaScript pages from the finder for every situation of the example
/// (the whole answer space) and compares the results page with the engine.
#[test]
fn no_script_journey_gives_the_engines_referrals_for_every_situation() {
    let files = files(example());
    let area = Area::load(&example_root());
    let date = area.reference_date(None);
    let compiled = engine::compile(&area.rules, &area.directory, date);
    let texts: BTreeMap<String, usize> = area
        .rules
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.text.clone(), i))
        .collect();
    let mut situations = 0;
    let mut cache = BTreeMap::new();
    for answers in all_answers(&area) {
        let (check, result) = follow(files, &area, &texts, &answers, &mut cache);
        let evaluation = compiled.evaluate(&answers);
        let expected: Vec<(String, &str)> = evaluation
            .referrals
            .iter()
            .map(|r| (r.service.clone(), r.urgency.id()))
            .collect();
        assert_eq!(listed(&result), expected, "answers {answers:?}");
        // The check page lists the answers given, each with a change link.
        let rows = check.matches(r#"<div class="summary-list__row">"#).count();
        assert!(rows > 0, "{answers:?}");
        assert_eq!(rows, check.matches(">Change<").count(), "{answers:?}");
        situations += 1;
    }
    assert_eq!(u128::from(situations as u32), area.rules.space_size());
}

/// Every complete answer combination.
fn all_answers(area: &Area) -> Vec<Answers> {
    area.rules.questions.iter().enumerate().fold(
        vec![Answers::none(&area.rules)],
        |acc, (q, question)| {
            acc.iter()
                .flat_map(|partial| {
                    (0..question.domain.len() as u32).map(move |v| {
                        let mut next = partial.clone();
                        next.set(q, Some(v));
                        next
                    })
                })
                .collect()
        },
    )
}

/// Clicks through from `finder.html`: on each question page, the Continue link of the
/// option with the answer's value; then "See where to refer". Returns the check page
/// and the results page.
fn follow(
    files: &SiteFiles,
    area: &Area,
    texts: &BTreeMap<String, usize>,
    answers: &Answers,
    cache: &mut BTreeMap<String, Step>,
) -> (String, String) {
    let mut path = "finder.html".to_string();
    for _ in 0..=area.rules.questions.len() {
        let step = cache
            .entry(path.clone())
            .or_insert_with(|| read_step(files, &path, texts));
        match step {
            Step::Check { html, result } => return (html.clone(), page(files, result)),
            Step::Ask {
                question,
                values,
                links,
            } => {
                let q = *question;
                let value =
                    &area.rules.questions[q].domain.values[answers.get(q).unwrap() as usize].id;
                let option = values.iter().position(|v| v == value).unwrap();
                path = links[option].clone();
            }
        }
    }
    panic!("no check page after every question: {path}");
}

/// What a finder page offers: a question with a link per option, or a check page.
enum Step {
    Ask {
        question: usize,
        values: Vec<String>,
        links: Vec<String>,
    },
    Check {
        html: String,
        result: String,
    },
}

fn read_step(files: &SiteFiles, path: &str, texts: &BTreeMap<String, usize>) -> Step {
    let html = page(files, path);
    if html.contains("<h1>Check your answers</h1>") {
        let next = attributes(&html, "href")
            .into_iter()
            .find(|h| h.contains("result-"))
            .unwrap();
        let result = resolve(path, &next);
        return Step::Check { html, result };
    }
    let heading = html
        .split("<h1 class=\"fieldset__heading\">")
        .nth(1)
        .and_then(|rest| rest.split("</h1>").next())
        .unwrap_or_else(|| panic!("{path} asks no question"));
    let values = attributes(&html, "value");
    let links: Vec<String> = attributes(&html, "href")
        .into_iter()
        .filter(|h| h.contains("finder/"))
        .filter(|h| h.contains("/q-") || h.contains("/check-"))
        .collect();
    // The options' Continue links come last (after the back link).
    let links = links[links.len() - values.len()..]
        .iter()
        .map(|l| resolve(path, l))
        .collect();
    Step::Ask {
        question: texts[&unescape(heading)],
        values,
        links,
    }
}

/// The services a results page lists, with their urgency, in order.
fn listed(html: &str) -> Vec<(String, &'static str)> {
    let ids: Vec<String> = attributes(html, "id")
        .into_iter()
        .filter_map(|id| id.strip_prefix("svc-").map(String::from))
        .collect();
    let urgencies: Vec<&'static str> = attributes(html, "class")
        .iter()
        .filter_map(|c| match c.as_str() {
            "tag tag--immediate" => Some("immediate"),
            "tag tag--urgent" => Some("urgent"),
            "tag tag--routine" => Some("routine"),
            _ => None,
        })
        .collect();
    ids.into_iter().zip(urgencies).collect()
}

#[test]
fn builds_are_byte_identical() {
    let again = site::build(&example_root(), None);
    let first: Vec<(&str, &[u8])> = files(example()).iter().collect();
    let second: Vec<(&str, &[u8])> = files(&again).iter().collect();
    assert_eq!(first.len(), second.len());
    for ((p1, c1), (p2, c2)) in first.iter().zip(&second) {
        assert_eq!(p1, p2);
        assert!(c1 == c2, "{p1} differs between two builds");
    }
}

/// Who may be linked to: the exit page, and services' websites and forms as plain links.
fn allowed_external(root: &Path) -> Vec<String> {
    let area = Area::load(root);
    let mut allowed = vec![area.directory.area.exit_url.clone()];
    for s in &area.directory.services {
        allowed.extend(s.contact.website.as_ref().map(|w| w.value.clone()));
        allowed.extend(s.referral.form.as_ref().map(|f| f.value.clone()));
    }
    allowed
}

/// Tags (name, full text) of an HTML page.
fn tags(html: &str) -> Vec<(String, String)> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| {
            let tag = &rest[..rest.find('>')?];
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            (!name.is_empty()).then(|| (name.to_ascii_lowercase(), tag.to_string()))
        })
        .collect()
}

fn check_safety(files: &SiteFiles, allowed: &[String]) {
    for (path, html) in html_pages(files) {
        assert!(html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'"#), "{path}");
        assert!(!html.contains("unsafe-inline"), "{path}");
        assert!(html.contains(r#"id="exit-this-page""#), "{path}");
        for (name, tag) in tags(&html) {
            for link in attributes(&format!(" {tag}"), "src") {
                assert!(!link.contains("//"), "{path}: <{name}> loads {link}");
            }
            for link in attributes(&format!(" {tag}"), "href") {
                assert!(
                    !link.trim_start().to_lowercase().starts_with("javascript"),
                    "{path}: {link}"
                );
                if link.starts_with("http") || link.starts_with("//") {
                    assert_eq!(name, "a", "{path}: <{name}> requests {link}");
                    assert!(allowed.contains(&link), "{path}: unexpected link {link}");
                }
            }
            assert!(
                !tag.contains(" style=") && !tag.contains(" on"),
                "{path}: inline style or handler in <{tag}>"
            );
            if name == "script" {
                assert!(
                    tag.contains(" src=") || tag.contains(r#"type="application/json""#),
                    "{path}: inline script <{tag}>"
                );
            }
        }
    }
    for (path, css) in files.iter().filter(|(p, _)| p.ends_with(".css")) {
        let css = String::from_utf8_lossy(css);
        let fetched = css
            .split("url(")
            .skip(1)
            .any(|rest| rest.split(')').next().is_some_and(|url| url.contains("//")));
        assert!(!fetched && !css.contains("@import"), "{path}");
    }
}

#[test]
fn every_page_is_safe_and_requests_nothing_from_elsewhere() {
    check_safety(files(example()), &allowed_external(&example_root()));
    assert!(page(files(example()), "staying-safe.html").contains("<h1>Staying safe online</h1>"));
    let css = page(files(example()), "static/site.css");
    assert!(css.contains("@media print"));
}

#[test]
fn confidential_addresses_are_never_output() {
    for root in [example_root(), hostile_root()] {
        let area = Area::load(&root);
        let built = site::build(&root, None);
        let secrets: Vec<&str> = area
            .directory
            .services
            .iter()
            .filter_map(|s| s.contact.address.as_ref())
            .filter(|a| a.confidential)
            .map(|a| a.text.as_str())
            .collect();
        assert!(!secrets.is_empty());
        for (path, bytes) in files(&built).iter() {
            let text = String::from_utf8_lossy(bytes);
            for secret in &secrets {
                assert!(!text.contains(secret), "{path} shows `{secret}`");
                assert!(!text.contains("SECRET-ADDRESS"), "{path}");
            }
        }
    }
}

#[test]
fn hostile_text_is_inert_on_every_page() {
    let built = site::build(&hostile_root(), None);
    let files = files(&built);
    check_safety(files, &allowed_external(&hostile_root()));
    for (path, html) in html_pages(files) {
        for (name, tag) in tags(&html) {
            assert!(
                !["img", "iframe", "svg", "b"].contains(&name.as_str()) || path == "map.html",
                "{path}: injected <{tag}>"
            );
        }
        assert_eq!(
            html.matches("</script>").count(),
            html.matches("<script").count(),
            "{path}: a script element was closed early"
        );
        assert!(!html.contains("<!--"), "{path}: a comment was opened");
    }
    let evil = page(files, "services/evil.html");
    assert!(evil.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
    assert!(
        !attributes(&evil, "href")
            .iter()
            .any(|h| h.contains("form?a=1")),
        "a link with markup characters is not linked"
    );
    // The finder's data still holds the text exactly, once parsed.
    let finder = page(files, "finder.html");
    let json = finder
        .split(r#"<script type="application/json" id="finder-data">"#)
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(!json.contains('\u{2028}') && !json.contains('<'));
    assert_eq!(
        data["services"]["evil"]["name"],
        "Evil <script>alert('name')</script> \"><img src=x onerror=alert('name')>"
    );
}

/// `build --no-finder`: every page but the finder's (and its script), and nothing that
/// leads to it.
#[test]
fn a_site_without_the_finder_has_every_other_page_and_no_way_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(["--color", "never", "build", "--no-finder", "--out"])
        .arg(&out)
        .current_dir(example_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("(without the finder)"), "{stderr}");
    let with_finder: Vec<&str> = files(example())
        .iter()
        .map(|(path, _)| path)
        .filter(|path| !["finder.html", "static/finder.js"].contains(path))
        .filter(|path| !path.starts_with("finder/"))
        .collect();
    let mut without: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(&out).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    without.sort();
    assert_eq!(without, with_finder);
    for path in without.iter().filter(|p| p.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(path)).unwrap();
        assert!(!html.contains("finder.html"), "{path} links to the finder");
        assert!(!html.contains("finder's"), "{path} mentions the finder");
    }
    let start = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(start.contains(r#"href="localities.html""#), "{start}");
    let map = std::fs::read_to_string(out.join("map.html")).unwrap();
    assert!(
        !map.contains("<svg"),
        "the drawing of the finder's questions"
    );
}

/// A copy of the example area in a temporary directory, for builds that go wrong.
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["directory", "rules", "site"] {
        copy_tree(&example_root().join(dir), &tmp.path().join(dir));
    }
    tmp
}

fn run_build(root: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(["--color", "never", "build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_failing_build_writes_nothing_and_a_good_one_replaces_the_old_site() {
    let area = example_copy();
    let out = area.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("index.html"), "old").unwrap();
    std::fs::write(out.join("stale.html"), "old").unwrap();
    let rules = area.path().join("rules/victims.pathways");
    let good = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        good.replace("refer marac urgently", "refer marak urgently"),
    )
    .unwrap();
    let failed = run_build(area.path(), &out);
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("marak"), "{stderr}");
    let mut listing: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    listing.sort();
    assert_eq!(
        listing,
        ["index.html", "stale.html"],
        "the old output is untouched"
    );

    std::fs::write(&rules, good).unwrap();
    let ok = run_build(area.path(), &out);
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    assert!(
        !out.join("stale.html").exists(),
        "the old site is replaced whole"
    );
    assert!(out.join("index.html").exists() && out.join("finder.html").exists());
    let siblings: Vec<_> = std::fs::read_dir(area.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!siblings.iter().any(|s| s.starts_with('.')), "{siblings:?}");
}

#[test]
fn a_broken_link_in_a_template_fails_the_build() {
    let area = example_copy();
    let template = area.path().join("site/templates/staying-safe.html");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replace("</h1>", "</h1><a href=\"{{ root }}nowhere.html\">x</a>"),
    )
    .unwrap();
    let built = site::build(area.path(), None);
    assert!(built.failed());
    let codes: Vec<&str> = built.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["site-broken-link"]);
}

#[test]
fn the_date_is_the_override_else_the_pinned_date() {
    let area = Area::load(&example_root());
    assert_eq!(area.reference_date(None).to_string(), "2012-10-01");
    let override_date = "2013-05-01".parse().unwrap();
    assert_eq!(area.reference_date(Some(override_date)), override_date);
}

fn gzipped(bytes: &[u8]) -> usize {
    miniz_oxide::deflate::compress_to_vec(bytes, 9).len() + 18
}

/// The finder page's budget for the example: HTML with its embedded data, CSS, JS,
/// icon. The figure is recorded in `site/PAYLOAD.md`.
#[test]
fn example_finder_payload_is_under_30_kb_gzipped() {
    let files = files(example());
    let parts = [
        "finder.html",
        "static/site.css",
        "static/finder.js",
        "static/exit.js",
        "static/favicon.svg",
    ];
    let sizes: Vec<(&str, usize, usize)> = parts
        .iter()
        .map(|p| {
            (
                *p,
                files.get(p).unwrap().len(),
                gzipped(files.get(p).unwrap()),
            )
        })
        .collect();
    let total: usize = sizes.iter().map(|(_, _, gz)| gz).sum();
    for (part, raw, gz) in &sizes {
        println!("{part}: {raw} bytes, {gz} gzipped");
    }
    println!("finder payload for the example: {total} bytes gzipped");
    assert!(total < 30 * 1024, "{sizes:?}");
}

/// Representative pages of the example, main content only (the layout is in the
/// start page's snapshot).
fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    html[start..end].to_string()
}

#[test]
fn snapshots_of_representative_pages() {
    let files = files(example());
    insta::assert_snapshot!("start", page(files, "index.html"));
    let first_check = files
        .iter()
        .map(|(p, _)| p)
        .find(|p| p.starts_with("finder/check-4-1-"))
        .unwrap();
    for (name, path) in [
        ("question", "finder/q-4-1.html"),
        ("check", first_check),
        ("service", "services/marac.html"),
        ("map", "map.html"),
    ] {
        insta::assert_snapshot!(name, format!("{path}\n{}", main_of(&page(files, path))));
    }
    let check = page(files, first_check);
    let result = attributes(&check, "href")
        .into_iter()
        .find(|h| h.contains("result-"))
        .unwrap();
    let result = resolve(first_check, &result);
    insta::assert_snapshot!(
        "results",
        format!("{result}\n{}", main_of(&page(files, &result)))
    );
}

/// `build` prints at most ten warnings of a kind and says how many more `check` shows.
#[test]
fn a_build_prints_ten_warnings_of_a_kind_and_counts_the_rest() {
    let root = tempfile::tempdir().unwrap();
    let size = pathways::synthetic::Size {
        localities: 15,
        questions: 7,
        services: 60,
        pathways: 2,
        seed: 1,
    };
    pathways::synthetic::generate(size)
        .write(root.path())
        .unwrap();
    let built = site::build::build_with(root.path(), None, Finder::Omitted, &Silent);
    let orphans = built
        .diagnostics
        .iter()
        .filter(|d| d.code == "orphan-service")
        .count();
    assert!(orphans > 10, "{orphans} orphan services");
    let output = run_build(root.path(), &root.path().join("public"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("warning[orphan-service]").count(),
        10,
        "{stderr}"
    );
    let more = format!(
        "... and {} more `orphan-service` warnings; `pathways check` shows every one",
        orphans - 10
    );
    assert!(stderr.contains(&more), "{stderr}");
}
