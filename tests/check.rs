//! `pathways check` end to end: one small fixture area per diagnostic (a snapshot of
//! the rendered output, and the witness's count checked against enumerating every
//! combination of answers), the JSON and GitHub formats, exit codes, the example
//! area's contract dates, and a corpus of broken areas that must not panic.
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

use pathways::area::Area;
use pathways::rules::model::Condition;
use serde_json::Value;

use common::copy_tree;

const EXAMPLE: &str = env!("CARGO_MANIFEST_DIR");

fn fixture(kind: &str) -> PathBuf {
    Path::new(EXAMPLE).join("tests/fixtures/check").join(kind)
}

/// Runs the binary; returns the exit code, standard output and standard error.
fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(root)
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    (
        output.status.code().unwrap_or(-1),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// `check --format json` on a fixture: its diagnostics.
fn diagnostics(root: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    let (_, stdout, _) = run(root, &args);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    report["diagnostics"].as_array().unwrap().clone()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The number of situations a message counts ("... in 6 situations ...").
fn count(message: &str) -> u128 {
    let words: Vec<&str> = message.split(' ').collect();
    let at = words
        .iter()
        .position(|w| w.starts_with("situation"))
        .unwrap();
    words[at - 1].trim_start_matches('(').parse().unwrap()
}

fn message<'a>(diagnostics: &'a [Value], code: &str, containing: &str) -> &'a str {
    diagnostics
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| d["message"].as_str().unwrap())
        .find(|m| m.contains(containing))
        .unwrap_or_else(|| panic!("no {code} mentioning {containing}"))
}

// ---- Enumerating every combination of answers, independently of the engine. ----

/// One combination of answers, and the pathways whose condition holds in it.
struct Situation {
    answers: BTreeMap<String, String>,
    fired: BTreeSet<String>,
}

impl Situation {
    fn is(&self, question: &str, value: &str) -> bool {
        self.answers[question] == value
    }

    fn fires(&self, pathway: &str) -> bool {
        self.fired.contains(pathway)
    }
}

fn holds(condition: &Condition, s: &[u32]) -> bool {
    match condition {
        Condition::Always => true,
        Condition::In {
            question, values, ..
        } => values.contains(&s[*question]),
        Condition::Not(inner, _) => !holds(inner, s),
        Condition::And(parts, _) => parts.iter().all(|p| holds(p, s)),
        Condition::Or(parts, _) => parts.iter().any(|p| holds(p, s)),
    }
}

fn situations(root: &Path) -> Vec<Situation> {
    let area = Area::load(root);
    assert!(!area.has_errors(), "{:?}", area.diagnostics);
    let rules = &area.rules;
    let mut all: Vec<Vec<u32>> = vec![vec![]];
    for q in &rules.questions {
        let n = q.domain.len() as u32;
        all = all
            .into_iter()
            .flat_map(|s| {
                (0..n).map(move |v| {
                    let mut t = s.clone();
                    t.push(v);
                    t
                })
            })
            .collect();
    }
    all.iter()
        .map(|s| Situation {
            answers: rules
                .questions
                .iter()
                .zip(s)
                .map(|(q, &v)| {
                    let value = &q.domain.values[v as usize].id;
                    (q.id.value.clone(), value.clone())
                })
                .collect(),
            fired: rules
                .pathways
                .iter()
                .filter(|p| holds(&p.condition, s))
                .map(|p| p.id.value.clone())
                .collect(),
        })
        .collect()
}

fn enumerate(kind: &str, wanted: impl Fn(&Situation) -> bool) -> u128 {
    situations(&fixture(kind))
        .iter()
        .filter(|s| wanted(s))
        .count() as u128
}

/// Snapshots the rendered check of a fixture; returns its exit code and diagnostics.
fn checked(kind: &str) -> (i32, Vec<Value>) {
    let (code, stdout, stderr) = run(&fixture(kind), &["check"]);
    assert!(stdout.is_empty());
    insta::assert_snapshot!(kind, stderr);
    (code, diagnostics(&fixture(kind), &[]))
}

/// Where a diagnostic points: (file, line, column).
fn place(d: &Value) -> (String, u64, u64) {
    let l = &d["location"];
    (
        l["file"].as_str().unwrap().to_string(),
        l["line"].as_u64().unwrap(),
        l["column"].as_u64().unwrap(),
    )
}

// ---- One fixture per diagnostic. ----

#[test]
fn a_clean_area_has_nothing_to_report() {
    let (code, found) = checked("clean");
    assert_eq!((code, found.len()), (0, 0));
}

#[test]
fn coverage_gap_where_no_pathway_applies() {
    let (code, found) = checked("coverage-gap");
    assert_eq!((code, codes(&found)), (1, vec!["coverage-gap".to_string()]));
    let expected = enumerate("coverage-gap", |s| s.fired.is_empty());
    assert_eq!(count(message(&found, "coverage-gap", "")), expected);
    assert_eq!(expected, 6);
    // It points at the pathway that would cover them with another answer.
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 15, 9));
}

#[test]
fn coverage_gap_where_pathways_find_no_service() {
    let (code, found) = checked("coverage-gap-unserved");
    assert_eq!((code, codes(&found)), (1, vec!["coverage-gap".to_string()]));
    // Advocacy takes standard and medium risk only; nothing else applies there.
    let expected = enumerate("coverage-gap-unserved", |s| {
        s.fires("advocacy") && !s.fires("outside") && s.is("risk", "high")
    });
    assert_eq!(count(message(&found, "coverage-gap", "")), expected);
    assert_eq!(expected, 2);
}

#[test]
fn unreachable_pathways_and_the_parts_that_contradict() {
    let (code, found) = checked("unreachable-pathway");
    assert_eq!(code, 1);
    assert_eq!(codes(&found), vec!["unreachable-pathway"; 2]);
    assert_eq!(
        enumerate("unreachable-pathway", |s| s.fires("contradiction")),
        0
    );
    assert_eq!(enumerate("unreachable-pathway", |s| s.fires("east")), 0);
    let help = found[0]["help"].as_str().unwrap();
    assert!(
        help.contains("`risk is high` and `risk is standard`"),
        "{help}"
    );
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 26, 30));
}

#[test]
fn redundant_pathway() {
    let (code, found) = checked("redundant-pathway");
    assert_eq!(
        (code, codes(&found)),
        (0, vec!["redundant-pathway".to_string()])
    );
    // Both refer to advocacy alone, routinely; `support` applies wherever the other does.
    let all = situations(&fixture("redundant-pathway"));
    assert!(all.iter().any(|s| s.fires("support-north")));
    assert!(
        all.iter()
            .all(|s| !s.fires("support-north") || s.fires("support"))
    );
    assert!(message(&found, "redundant-pathway", "").contains("`support-north`"));
}

#[test]
fn ineligible_referrals_always_and_sometimes() {
    let (code, found) = checked("ineligible-referral");
    assert_eq!(code, 1);
    assert_eq!(codes(&found), vec!["ineligible-referral"; 2]);
    // Advocacy takes victims at standard or medium risk.
    let takes = |s: &Situation| s.is("perpetrator", "no") && !s.is("risk", "high");
    let sometimes = enumerate("ineligible-referral", |s| s.fires("everyone") && !takes(s));
    let always = enumerate("ineligible-referral", |s| {
        s.fires("perpetrators") && !takes(s)
    });
    let everyone = message(&found, "ineligible-referral", "`everyone`");
    let perpetrators = message(&found, "ineligible-referral", "`perpetrators`");
    assert_eq!((count(everyone), count(perpetrators)), (sometimes, always));
    assert_eq!(
        always,
        enumerate("ineligible-referral", |s| s.fires("perpetrators"))
    );
    let severity = |d: &Value| d["severity"].as_str().unwrap().to_string();
    assert_eq!(severity(&found[0]), "warning");
    assert_eq!(severity(&found[1]), "error");
}

#[test]
fn out_of_area_referral() {
    let (code, found) = checked("out-of-area-referral");
    assert_eq!(
        (code, codes(&found)),
        (1, vec!["out-of-area-referral".to_string()])
    );
    let expected = enumerate("out-of-area-referral", |s| {
        s.fires("victims") && s.is("locality", "outside-area")
    });
    assert_eq!(count(message(&found, "out-of-area-referral", "")), expected);
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 22, 9));
}

#[test]
fn service_gap_lists_the_localities_once_per_category() {
    let (code, found) = checked("service-gap");
    assert_eq!((code, codes(&found)), (0, vec!["service-gap".to_string()]));
    // The only refuge covers the north; the pathway applies across the city.
    let places: BTreeSet<String> = situations(&fixture("service-gap"))
        .iter()
        .filter(|s| s.fires("support") && !s.is("locality", "north"))
        .map(|s| s.answers["locality"].clone())
        .collect();
    let listed = message(&found, "service-gap", "")
        .split_once(": ")
        .unwrap()
        .1;
    let listed: BTreeSet<String> = listed.split(", ").map(String::from).collect();
    assert_eq!(listed, places);
}

#[test]
fn category_referral_that_never_finds_a_service() {
    let (code, found) = checked("empty-category-referral");
    assert_eq!(code, 0);
    assert_eq!(
        codes(&found),
        vec!["empty-category-referral", "service-gap"]
    );
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 22, 19));
}

#[test]
fn closed_service() {
    let (code, found) = checked("closed-service");
    assert_eq!(
        (code, codes(&found)),
        (1, vec!["closed-service".to_string()])
    );
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 22, 19));
    // Open again the day before it closed.
    let earlier = diagnostics(&fixture("closed-service"), &["--as-of", "2012-03-31"]);
    assert_eq!(codes(&earlier), vec!["closing-soon"]);
}

#[test]
fn not_yet_open() {
    let (code, found) = checked("not-yet-open");
    assert_eq!((code, codes(&found)), (1, vec!["not-yet-open".to_string()]));
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 22, 19));
    let later = diagnostics(&fixture("not-yet-open"), &["--as-of", "2013-04-01"]);
    assert!(later.is_empty(), "{later:?}");
}

#[test]
fn closing_soon_within_90_days() {
    let (code, found) = checked("closing-soon");
    assert_eq!((code, codes(&found)), (0, vec!["closing-soon".to_string()]));
    // The contract ends on 2012-12-01: 91 days after 2012-09-01.
    let before = diagnostics(&fixture("closing-soon"), &["--as-of", "2012-09-01"]);
    assert!(before.is_empty(), "{before:?}");
    let within = diagnostics(&fixture("closing-soon"), &["--as-of", "2012-09-02"]);
    assert_eq!(codes(&within), vec!["closing-soon"]);
}

#[test]
fn category_left_without_a_service_within_90_days() {
    // The pilot covers the north until 2012-12-01; its successor opens on 2013-01-10.
    let (code, found) = checked("closing-category");
    assert_eq!((code, codes(&found)), (0, vec!["closing-soon".to_string()]));
    assert_eq!(place(&found[0]), ("rules/area.pathways".into(), 22, 9));
    assert!(
        message(&found, "closing-soon", "from 2012-12-02").ends_with("in north"),
        "{found:?}"
    );
    // 91 days before the first day without a service, it is not yet worth a warning.
    let before = diagnostics(&fixture("closing-category"), &["--as-of", "2012-09-02"]);
    assert!(before.is_empty(), "{before:?}");
    let within = diagnostics(&fixture("closing-category"), &["--as-of", "2012-09-03"]);
    assert_eq!(codes(&within), vec!["closing-soon"]);
    // Once the successor has opened, the category finds a service again.
    let after = diagnostics(&fixture("closing-category"), &["--as-of", "2013-01-10"]);
    assert!(after.is_empty(), "{after:?}");
}

#[test]
fn orphan_service() {
    let (code, found) = checked("orphan-service");
    assert_eq!(
        (code, codes(&found)),
        (0, vec!["orphan-service".to_string()])
    );
    assert_eq!(
        place(&found[0]),
        ("directory/services/outreach.yaml".into(), 2, 7)
    );
}

#[test]
fn stale_entry_after_12_months() {
    let (code, found) = checked("stale-entry");
    assert_eq!((code, codes(&found)), (0, vec!["stale-entry".to_string()]));
    assert_eq!(
        place(&found[0]),
        ("directory/services/advocacy.yaml".into(), 17, 11)
    );
    // Reviewed on 2011-06-30: fresh until a year later.
    let fresh = diagnostics(&fixture("stale-entry"), &["--as-of", "2012-06-30"]);
    assert!(fresh.is_empty(), "{fresh:?}");
}

#[test]
fn public_refuge_address() {
    let (code, found) = checked("public-refuge-address");
    assert_eq!(
        (code, codes(&found)),
        (0, vec!["public-refuge-address".to_string()])
    );
}

// ---- Formats and exit codes. ----

#[test]
fn json_format() {
    let (code, stdout, stderr) = run(
        &fixture("ineligible-referral"),
        &["check", "--format", "json"],
    );
    assert_eq!(code, 1);
    assert!(stderr.is_empty());
    insta::assert_snapshot!(stdout);
}

#[test]
fn github_format() {
    let (code, stdout, _) = run(
        &fixture("ineligible-referral"),
        &["check", "--format", "github"],
    );
    assert_eq!(code, 1);
    assert!(stdout.lines().all(|l| l.starts_with("::")));
    insta::assert_snapshot!(stdout);
}

#[test]
fn exit_codes() {
    let code = |root: &Path, args: &[&str]| run(root, args).0;
    assert_eq!(code(&fixture("clean"), &["check", "--deny-warnings"]), 0);
    assert_eq!(code(&fixture("stale-entry"), &["check"]), 0);
    assert_eq!(
        code(&fixture("stale-entry"), &["check", "--deny-warnings"]),
        1
    );
    assert_eq!(code(&fixture("coverage-gap"), &["check"]), 1);
    assert_eq!(code(&fixture("no-such-area"), &["check"]), 2);
    assert_eq!(code(&fixture("clean"), &["check", "--as-of", "soon"]), 2);
}

// ---- The example area. ----

#[test]
fn the_example_checks_clean_at_its_pinned_date() {
    let (code, _, stderr) = run(Path::new(EXAMPLE), &["check", "--deny-warnings"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no problems found"));
}

/// A copy of the example area to change.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["directory", "rules"] {
        copy_tree(&Path::new(EXAMPLE).join(folder), &dir.path().join(folder));
    }
    dir
}

#[test]
fn a_pathway_to_the_cyp_idva_after_its_funding_ended_is_caught() {
    let area = example_copy();
    let file = area.path().join("rules/victims.pathways");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\npathway young-people \"Young people: the CYP IDVA\"\n  because \"A specialist advocate for children and young people.\"\n  when locality is in portsmouth and perpetrator is no and children is yes\n  refer cyp-idva\n",
    );
    std::fs::write(&file, &text).unwrap();
    let line = text.lines().count() as u64;
    let found = diagnostics(area.path(), &[]);
    assert_eq!(codes(&found), vec!["closed-service"], "{found:?}");
    assert_eq!(place(&found[0]), ("rules/victims.pathways".into(), line, 9));
    assert!(message(&found, "closed-service", "2012-03-31").contains("`cyp-idva`"));
    assert_eq!(run(area.path(), &["check"]).0, 1);
}

/// The services `refer` lists for a high-risk victim in Fratton on a date.
fn referred_on(date: &str) -> Vec<String> {
    let (code, stdout, stderr) = run(
        Path::new(EXAMPLE),
        &[
            "refer",
            "--as-of",
            date,
            "--format",
            "json",
            "-a",
            "locality=fratton",
            "-a",
            "perpetrator=no",
            "-a",
            "risk=high",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    report["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_refuge_category_follows_the_contracts() {
    let old = referred_on("2013-03-31");
    let new = referred_on("2013-04-01");
    assert!(old.contains(&"womens-refuge".to_string()), "{old:?}");
    assert!(!old.contains(&"refuge".to_string()), "{old:?}");
    assert!(new.contains(&"refuge".to_string()), "{new:?}");
    assert!(!new.contains(&"womens-refuge".to_string()), "{new:?}");
    // Around the change the rules stay sound: only reviews have fallen due.
    for date in ["2013-03-31", "2013-04-01"] {
        let found = diagnostics(Path::new(EXAMPLE), &["--as-of", date]);
        assert!(
            codes(&found).iter().all(|c| c == "stale-entry"),
            "{date}: {found:?}"
        );
    }
}

// ---- Nothing panics. ----

#[test]
fn no_fixture_area_panics() {
    let fixtures = Path::new(EXAMPLE).join("tests/fixtures");
    let mut roots = vec![PathBuf::from(EXAMPLE)];
    for group in ["check", "directory", "rules"] {
        let Ok(entries) = std::fs::read_dir(fixtures.join(group)) else {
            continue;
        };
        roots.extend(entries.map(|e| e.unwrap().path()));
    }
    assert!(roots.len() > 30);
    for root in roots {
        for format in ["text", "json", "github"] {
            let (code, _, stderr) = run(&root, &["check", "--format", format]);
            assert!(
                (0..=2).contains(&code),
                "{}: {code} {stderr}",
                root.display()
            );
            assert!(!stderr.contains("panicked"), "{}", root.display());
        }
    }
}
