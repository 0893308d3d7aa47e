//! The built example site in headless Chromium (`tests/browser/e2e.mjs`, driven by
//! playwright-core): the finder by clicking, with and without JavaScript, gives what
//! `pathways refer` gives; Exit this page works; no other origin, cookie, storage or CSP
//! violation; axe-core finds no WCAG 2.2 AA violation. Skips with a reason when Chromium,
//! Node or playwright-core is missing, unless `PATHWAYS_REQUIRE_BROWSER=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pathways::area::Area;
use serde_json::{Value, json};

/// Situations a practitioner meets, one per kind of pathway; every question is answered,
/// the finder asks only those that matter.
const SCENARIOS: &[(&str, &[(&str, &str)])] = &[
    (
        "high risk victim",
        &[
            ("locality", "fratton"),
            ("perpetrator", "no"),
            ("risk", "high"),
            ("hbv", "no"),
            ("sexual-violence", "no"),
            ("children", "no"),
            ("police", "no"),
            ("court-case", "no"),
        ],
    ),
    (
        "honour-based violence at standard risk",
        &[
            ("locality", "cosham"),
            ("perpetrator", "no"),
            ("risk", "standard"),
            ("hbv", "yes"),
            ("sexual-violence", "no"),
            ("children", "no"),
            ("police", "no"),
            ("court-case", "no"),
        ],
    ),
    (
        "standard risk with the police involved",
        &[
            ("locality", "milton"),
            ("perpetrator", "no"),
            ("risk", "standard"),
            ("hbv", "no"),
            ("sexual-violence", "no"),
            ("children", "no"),
            ("police", "yes"),
            ("court-case", "yes"),
        ],
    ),
    (
        "the person causing harm",
        &[
            ("locality", "copnor"),
            ("perpetrator", "yes"),
            ("risk", "medium"),
            ("hbv", "no"),
            ("sexual-violence", "no"),
            ("children", "yes"),
            ("police", "yes"),
            ("court-case", "no"),
        ],
    ),
    (
        "living outside the area",
        &[
            ("locality", "outside-area"),
            ("perpetrator", "no"),
            ("risk", "medium"),
            ("hbv", "no"),
            ("sexual-violence", "no"),
            ("children", "no"),
            ("police", "no"),
            ("court-case", "no"),
        ],
    ),
    (
        "children at high risk, after a sexual assault",
        &[
            ("locality", "paulsgrove"),
            ("perpetrator", "no"),
            ("risk", "high"),
            ("hbv", "no"),
            ("sexual-violence", "yes"),
            ("children", "yes"),
            ("police", "yes"),
            ("court-case", "no"),
        ],
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Chromium, Node and playwright-core, or why the test cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("PATHWAYS_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.is_file()))
        .or_else(|| on_path("chromium"))
        .ok_or("Chromium not found (install Debian's `chromium`)")?;
    let node = on_path("node").ok_or("Node.js (`node`) not found on PATH")?;
    let driver = root().join("tests/browser/node_modules/playwright-core");
    if !driver.is_dir() {
        return Err(format!(
            "{} is missing (run `npm ci` in tests/browser)",
            driver.display()
        ));
    }
    Ok((chromium, node))
}

fn pathways(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(root())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pathways {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// What `pathways refer --format json` gives for the scenario's answers.
fn referral(answers: &[(&str, &str)]) -> Value {
    let mut args = vec!["refer".to_string(), "--format".into(), "json".into()];
    for (question, value) in answers {
        args.push("--answer".into());
        args.push(format!("{question}={value}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    serde_json::from_slice(&pathways(&args).stdout).unwrap()
}

/// The file e2e.mjs reads: the exit URL, the questions as the site words them, and each
/// scenario with the services (in order) that the CLI refers to.
fn scenarios(area: &Area) -> Value {
    let questions: serde_json::Map<String, Value> = area
        .rules
        .questions
        .iter()
        .map(|q| {
            let values: serde_json::Map<String, Value> = q
                .domain
                .values
                .iter()
                .map(|v| (v.id.clone(), json!(v.label)))
                .collect();
            (
                q.id.value.clone(),
                json!({"text": q.text, "values": values}),
            )
        })
        .collect();
    let scenarios: Vec<Value> = SCENARIOS
        .iter()
        .map(|(name, answers)| {
            let refer = referral(answers);
            let expected: Vec<Value> = refer["referrals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| json!({"id": r["service"], "name": r["name"]}))
                .collect();
            assert!(!expected.is_empty(), "{name}: no referral to compare");
            let answers: serde_json::Map<String, Value> = answers
                .iter()
                .map(|(q, v)| ((*q).to_string(), json!(v)))
                .collect();
            json!({"name": name, "answers": answers, "expected": expected})
        })
        .collect();
    json!({
        "exit_url": area.directory.area.exit_url,
        "questions": questions,
        "scenarios": scenarios,
        "search": locality_search(area),
    })
}

/// A locality's name and the services that cover it (by the directory's model, in the
/// directory's order, as search lists them): a locality covered by some services and not
/// others, whose name is in no other text search looks at, so searching for it must
/// list exactly the services that cover it.
fn locality_search(area: &Area) -> Value {
    let directory = &area.directory;
    let words = |s: &pathways::directory::model::Service| {
        let categories = directory
            .categories
            .iter()
            .filter(|c| s.in_category(&c.id.value));
        let mut text = format!("{} {}", s.name.value, s.summary);
        categories.for_each(|c| text = format!("{text} {}", c.name));
        text.to_lowercase()
    };
    let (term, names) = (0..directory.localities.len())
        .find_map(|i| {
            let locality = &directory.localities[i];
            let term = locality.name.to_lowercase();
            let elsewhere = directory
                .localities
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.name.to_lowercase().contains(&term))
                || directory.services.iter().any(|s| words(s).contains(&term));
            let covering: Vec<&str> = directory
                .services
                .iter()
                .filter(|s| directory.covered_localities(s).contains(&i))
                .map(|s| s.name.value.as_str())
                .collect();
            let some = !covering.is_empty() && covering.len() < directory.services.len();
            (some && !elsewhere).then(|| (locality.name.clone(), covering))
        })
        .expect("a locality that some services cover and others do not");
    json!({"term": term, "services": names})
}

fn run_browser(node: &Path, chromium: &Path, site: &Path, scenarios: &Path) {
    let output = Command::new(node)
        .arg(root().join("tests/browser/e2e.mjs"))
        .arg(site)
        .arg(scenarios)
        .env("PATHWAYS_CHROMIUM", chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "the browser tests failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.lines().any(|l| l.ends_with(" 0 failed")),
        "no summary line:\n{stdout}"
    );
}

#[test]
fn the_site_keeps_its_promises_in_a_real_browser() {
    let (chromium, node) = match tools() {
        Ok(tools) => tools,
        Err(reason) if std::env::var("PATHWAYS_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("browser tests are required (PATHWAYS_REQUIRE_BROWSER=1): {reason}")
        }
        Err(reason) => {
            println!("skipping the browser tests: {reason}");
            return;
        }
    };
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    pathways(&["build", "--out", site.to_str().unwrap()]);
    let area = Area::load(&root());
    let file = temp.path().join("scenarios.json");
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&scenarios(&area)).unwrap(),
    )
    .unwrap();
    run_browser(&node, &chromium, &site, &file);
}
