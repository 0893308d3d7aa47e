//! The example area's golden tests, run under `cargo test`: through the library and
//! once through the binary, with full coverage and current snapshots; and proof that
//! changing a rule makes them fail, naming the case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::{Command, Output};

use pathways::area::Area;
use pathways::golden::{self, Options, report};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pathways(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(root)
        .args(["--color", "never", "test"])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A copy of the example area (directory, rules, golden tests) to change freely.
fn copy_of_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["directory", "directory/services", "rules", "tests/golden"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let to = dir.path().join(folder).join(entry.file_name());
                std::fs::copy(entry.path(), to).unwrap();
            }
        }
    }
    dir
}

#[test]
fn the_example_rules_pass_their_golden_tests() {
    let area = Area::load(root());
    assert!(!area.has_errors());
    let mut sources = area.sources.clone();
    let (scenarios, diagnostics) = golden::load(root(), &mut sources, &area.rules, &area.directory);
    let rendered: Vec<String> = diagnostics
        .iter()
        .map(|d| d.render(&sources, false))
        .collect();
    assert!(diagnostics.is_empty(), "{}", rendered.join("\n"));
    let options = Options {
        as_of: area.reference_date(None),
        filter: None,
    };
    let run = golden::run(&area.rules, &area.directory, &scenarios, &options);
    let failing: Vec<String> = run
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(|c| format!("{}\n{}", c.case.name.value, report::details(c, &sources)))
        .collect();
    assert!(
        failing.is_empty(),
        "the rules and their golden tests disagree:\n{}",
        failing.join("\n")
    );
    assert!(run.cases.len() >= 30);
    let coverage = &run.coverage;
    assert_eq!(
        coverage.percentages(),
        (100.0, 100.0),
        "{}",
        report::coverage_text(coverage, &sources)
    );
}

#[test]
fn the_binary_runs_them_with_full_coverage() {
    let output = pathways(root(), &["--coverage", "--min-coverage", "100"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let summary = text.lines().last().unwrap();
    assert!(summary.ends_with(" passed, 0 failed"), "{summary}");
    assert!(
        text.contains("coverage: 17 of 17 pathways (100.0%)"),
        "{text}"
    );
}

#[test]
fn the_shipped_snapshots_are_current() {
    let area = copy_of_example();
    let output = pathways(area.path(), &["--snapshot"]);
    let text = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{text}\nrun `cargo run -- test --bless` if the change is intended"
    );
    assert!(!text.contains("recorded the result"), "{text}");
    for entry in std::fs::read_dir(root().join("tests/golden")).unwrap() {
        let path = entry.unwrap().path();
        let copied = area
            .path()
            .join("tests/golden")
            .join(path.file_name().unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::fs::read_to_string(copied).unwrap()
        );
    }
}

#[test]
fn swapping_a_referred_service_fails_naming_the_case() {
    let area = copy_of_example();
    let rules = area.path().join("rules/victims.pathways");
    let text = std::fs::read_to_string(&rules).unwrap();
    let original = "refer marac urgently, idva urgently\n";
    assert!(text.contains(original));
    std::fs::write(
        &rules,
        text.replacen(original, "refer marac urgently, isva urgently\n", 1),
    )
    .unwrap();

    let output = pathways(area.path(), &[]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL high risk goes to MARAC and an IDVA in every ward"),
        "{out}"
    );
    assert!(
        out.contains("FAIL high risk in Hilsea, nothing else disclosed"),
        "{out}"
    );
    assert!(out.contains("includes: not referred to: idva"), "{out}");
    let summary = out.lines().last().unwrap();
    assert!(
        summary.contains(" passed, ") && !summary.ends_with(" 0 failed"),
        "{summary}"
    );

    let loaded = Area::load(area.path());
    let mut sources = loaded.sources.clone();
    let (scenarios, _) = golden::load(area.path(), &mut sources, &loaded.rules, &loaded.directory);
    let options = Options {
        as_of: loaded.reference_date(None),
        filter: None,
    };
    let run = golden::run(&loaded.rules, &loaded.directory, &scenarios, &options);
    let failing: Vec<&str> = run
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(|c| c.case.name.value.as_str())
        .collect();
    assert!(
        failing.contains(&"high risk in Hilsea, nothing else disclosed"),
        "{failing:?}"
    );
}

#[test]
fn ci_formats_name_the_failing_case() {
    let area = copy_of_example();
    let rules = area.path().join("rules/victims.pathways");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replacen(
            "refer marac urgently, idva urgently\n",
            "refer marac urgently, isva urgently\n",
            1,
        ),
    )
    .unwrap();

    let json = pathways(area.path(), &["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value["failed"].as_u64().unwrap() > 0);
    let stderr = String::from_utf8(json.stderr).unwrap();
    assert!(
        stderr.lines().last().unwrap().ends_with(" failed"),
        "{stderr}"
    );

    let junit = stdout(&pathways(area.path(), &["--format", "junit"]));
    assert!(junit.starts_with("<?xml"));
    assert!(
        junit.contains("<testcase name=\"high risk in Hilsea, nothing else disclosed\""),
        "{junit}"
    );
    assert!(junit.contains("<failure message="), "{junit}");

    let github = stdout(&pathways(
        area.path(),
        &["--format", "github", "--filter", "high risk in Hilsea"],
    ));
    assert!(
        github.starts_with("::error file=tests/golden/high-risk.yaml,line=15,col=11,"),
        "{github}"
    );
    assert_eq!(github.lines().last(), Some("0 passed, 1 failed"));
}

#[test]
fn filter_selects_by_name_or_tag_and_reports_no_match() {
    let by_tag = stdout(&pathways(root(), &["--filter", "perpetrators"]));
    assert_eq!(
        by_tag.lines().last(),
        Some("4 passed, 0 failed"),
        "{by_tag}"
    );
    let by_name = stdout(&pathways(root(), &["--filter", "think family"]));
    assert_eq!(
        by_name.lines().last(),
        Some("1 passed, 0 failed"),
        "{by_name}"
    );
    let none = pathways(root(), &["--filter", "no such case"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        String::from_utf8(none.stderr)
            .unwrap()
            .contains("no case has `no such case`")
    );
}

#[test]
fn min_coverage_fails_below_the_threshold() {
    let output = pathways(
        root(),
        &["--filter", "outside-area", "--min-coverage", "90"],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("coverage is below 90%"), "{text}");
    assert!(
        text.contains("not covered: pathway high-risk: no case makes it fire"),
        "{text}"
    );
}

#[test]
fn snapshots_are_recorded_compared_and_blessed() {
    let area = copy_of_example();
    let snap = area.path().join("tests/golden/outside-area.snap.yaml");
    std::fs::remove_file(&snap).unwrap();
    let first = stdout(&pathways(
        area.path(),
        &["--snapshot", "--filter", "outside-area"],
    ));
    assert!(
        first.contains("tests/golden/outside-area.snap.yaml: recorded the result of"),
        "{first}"
    );
    assert!(snap.is_file());

    let rules = area.path().join("rules/victims.pathways");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replace(
            "  refer national-helpline\n",
            "  refer national-helpline urgently\n",
        ),
    )
    .unwrap();
    let changed = pathways(area.path(), &["--snapshot", "--filter", "outside-area"]);
    let out = stdout(&changed);
    assert_eq!(changed.status.code(), Some(1), "{out}");
    assert!(
        out.contains("the result differs from its snapshot"),
        "{out}"
    );
    assert!(
        out.contains(
            "+         - {service: national-helpline, urgency: urgent, pathways: [outside-area]}"
        ),
        "{out}"
    );

    let blessed = stdout(&pathways(
        area.path(),
        &["--bless", "--filter", "outside-area"],
    ));
    assert!(blessed.contains("accepted the new result of"), "{blessed}");
    let after = pathways(area.path(), &["--snapshot", "--filter", "outside-area"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
}
