//! Every page template renders with the context documented in
//! `tests/fixtures/site/pages.json`, the pages link only to pages that exist, directory
//! text is escaped, every page carries the safety features, and the finder page stays
//! under its 30 KB gzipped budget.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::path::Path;

use pathways::site::escape::safe_json_for_script;
use pathways::site::links::check_links;
use pathways::site::output::SiteFiles;
use pathways::site::{Templates, root_for};
use serde_json::{Value, json};

const PAGES: &str = include_str!("fixtures/site/pages.json");
const DIAGRAM: &str = include_str!("fixtures/site/diagram.json");

/// Replaces service and urgency ids in a page's fixture context with the objects the
/// build will pass (the fixture names them by id to stay short).
fn resolve(fixture: &Value, context: &mut Value) {
    let services = &fixture["services"];
    let urgency = &fixture["urgency"];
    let ids = |list: &mut Value| {
        for s in list.as_array_mut().unwrap() {
            *s = services[s.as_str().unwrap()].clone();
        }
    };
    if let Some(id) = context.get("service").and_then(Value::as_str) {
        context["service"] = services[id].clone();
    }
    for key in ["services", "everywhere"] {
        if let Some(list) = context.get_mut(key) {
            ids(list);
        }
    }
    for r in context
        .get_mut("referrals")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        r["service"] = services[r["service"].as_str().unwrap()].clone();
        r["urgency"] = urgency[r["urgency"].as_str().unwrap()].clone();
    }
    for key in ["letters", "groups"] {
        for g in context
            .get_mut(key)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            ids(&mut g["services"]);
        }
    }
    for p in context
        .get_mut("pathways")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        for r in p
            .get_mut("refers")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            r["urgency"] = urgency[r["urgency"].as_str().unwrap()].clone();
        }
    }
}

fn finder_data(fixture: &Value) -> Value {
    json!({
        "diagram": serde_json::from_str::<Value>(DIAGRAM).unwrap(),
        "services": fixture["services"],
        "urgency": fixture["urgency"],
        "fallback_reason": fixture["fallback_reason"],
    })
}

fn search_data() -> Value {
    json!({
        "categories": ["Risk management", "Refuges"],
        "localities": ["North ward", "South ward"],
        "services": [
            {"i": "idva", "n": "IDVA service", "s": "Advocates.", "u": "services/idva.html", "c": [0], "l": [0, 1]},
            {"i": "marac", "n": "MARAC", "s": "Conference.", "u": "services/marac.html", "c": [0], "l": null},
            {"i": "refuge", "n": "Refuge </script>", "s": "Housing.", "u": "services/refuge.html", "c": [1], "l": null}
        ]
    })
}

/// Renders the fixture site; returns it with the page templates used.
fn build() -> (SiteFiles, BTreeSet<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = Templates::load(&root.join("site/templates"), &[]).unwrap();
    let fixture: Value = serde_json::from_str(PAGES).unwrap();
    let mut pages: Vec<(String, String, Value)> = fixture["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut context = p["context"].clone();
            resolve(&fixture, &mut context);
            (
                p["path"].as_str().unwrap().to_string(),
                p["template"].as_str().unwrap().to_string(),
                context,
            )
        })
        .collect();
    pages.push((
        "finder.html".into(),
        "finder.html".into(),
        json!({"question": fixture["root_question"], "finder_data": safe_json_for_script(&finder_data(&fixture))}),
    ));
    pages.push((
        "search.html".into(),
        "search.html".into(),
        json!({"page_title": "Search", "search_data": safe_json_for_script(&search_data())}),
    ));
    let mut files = SiteFiles::new();
    let mut used = BTreeSet::new();
    for (path, template, context) in pages {
        let mut context = tera::Context::from_serialize(&context).unwrap();
        context.insert("site", &fixture["site"]);
        context.insert("root", &root_for(&path));
        let html = templates
            .render(&template, &context)
            .unwrap_or_else(|e| panic!("{path}: {}", e.message));
        files.add(&path, html).unwrap();
        used.insert(template);
    }
    for entry in std::fs::read_dir(root.join("site/static")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        files
            .add(
                &format!("static/{name}"),
                std::fs::read(entry.path()).unwrap(),
            )
            .unwrap();
    }
    assert_eq!(
        used,
        templates.pages().into_iter().map(String::from).collect(),
        "the fixture renders every page template"
    );
    (files, used)
}

/// ` onclick=`, ` onload=` and the like.
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(at, _)| {
        let rest = &html[at + 3..];
        let name_len = rest.chars().take_while(char::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}

fn page(files: &SiteFiles, path: &str) -> String {
    String::from_utf8(files.get(path).unwrap().to_vec()).unwrap()
}

fn html_pages(files: &SiteFiles) -> Vec<(String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, c)| (p.to_string(), String::from_utf8(c.to_vec()).unwrap()))
        .collect()
}

#[test]
fn every_internal_link_resolves() {
    let (files, _) = build();
    let problems: Vec<String> = check_links(&files).into_iter().map(|d| d.message).collect();
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_page_has_the_safety_features() {
    let (files, _) = build();
    for (path, html) in html_pages(&files) {
        assert!(html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'"#), "{path}");
        assert!(html.contains(r#"id="exit-this-page""#), "{path}");
        assert!(
            html.contains(r#"href="https://www.example.org/weather""#),
            "{path}"
        );
        assert!(html.contains("static/exit.js"), "{path}");
        assert!(html.contains(r#"class="skip-link""#), "{path}");
        assert!(
            html.contains("made up for demonstration"),
            "{path}: the example-data banner"
        );
        assert!(!html.contains(" style="), "{path}: no inline styles");
        assert!(
            !has_event_handler(&html),
            "{path}: no inline event handlers"
        );
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(
                tag.contains(" src=") || tag.contains(r#"type="application/json""#),
                "{path}: inline script {tag}"
            );
        }
        assert!(
            !html.contains("http://") && !html.contains("//fonts"),
            "{path}: nothing from other origins"
        );
    }
}

#[test]
fn directory_text_is_escaped_everywhere() {
    let (files, _) = build();
    let refuge = page(&files, "services/refuge.html");
    assert!(refuge.contains("<h1>Refuge &lt;services&gt;</h1>"));
    let finder = page(&files, "finder.html");
    assert!(finder.contains(r#""name":"Refuge \u003cservices\u003e""#));
    let search = page(&files, "search.html");
    assert!(search.contains(r#""n":"Refuge \u003c/script\u003e""#));
    for (path, html) in html_pages(&files) {
        assert!(!html.contains("<services>"), "{path}");
        assert_eq!(
            html.matches("</script>").count(),
            html.matches("<script").count(),
            "{path}"
        );
    }
}

#[test]
fn service_page_reports_changes_and_hides_nothing_it_should_show() {
    let (files, _) = build();
    let marac = page(&files, "services/marac.html");
    assert!(
        marac.contains(
            r#"href="mailto:pathways@example.org?subject=Change%20to%20service%20marac""#
        )
    );
    assert!(marac.contains(r#"href="tel:01632960001""#));
    assert!(marac.contains(r#"href="../map.html#pathway-high-risk""#));
    assert!(marac.contains("Details last reviewed on 1 September 2012."));
    let refuge = page(&files, "services/refuge.html");
    assert!(refuge.contains("Not open"));
    assert!(!refuge.contains("Address"), "no address given, none shown");
}

fn gzipped(bytes: &[u8]) -> usize {
    miniz_oxide::deflate::compress_to_vec(bytes, 9).len() + 18
}

/// The finder page's budget: HTML (with its embedded data), CSS, JS under 30 KB gzipped.
#[test]
fn finder_payload_is_under_30_kb_gzipped() {
    let (files, _) = build();
    let parts = [
        "finder.html",
        "static/site.css",
        "static/finder.js",
        "static/exit.js",
        "static/favicon.svg",
    ];
    let sizes: Vec<(&str, usize)> = parts
        .iter()
        .map(|p| (*p, gzipped(files.get(p).unwrap())))
        .collect();
    let total: usize = sizes.iter().map(|(_, s)| s).sum();
    println!("finder payload, gzipped: {sizes:?}, total {total} bytes");
    assert!(total < 30 * 1024, "{sizes:?}");
}

#[test]
fn results_page_snapshot() {
    let (files, _) = build();
    insta::assert_snapshot!(page(&files, "finder/r4.html"));
}

#[test]
fn question_page_snapshot() {
    let (files, _) = build();
    insta::assert_snapshot!(page(&files, "finder/n3.html"));
}
