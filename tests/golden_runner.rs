//! Snapshots of the golden-test runner's output against the example area: passing and
//! failing cases, a snapshot diff, coverage, the machine formats, and every kind of
//! problem in a scenario file at its line and column.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use pathways::area::Area;
use pathways::diagnostic::Diagnostic;
use pathways::golden::snapshot::{self, Mode};
use pathways::golden::{self, Options, Run, Scenarios, report};
use pathways::source::Sources;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/golden").join(name)
}

/// The example area with one fixture scenario file added and resolved.
struct Loaded {
    area: Area,
    sources: Sources,
    scenarios: Scenarios,
    diagnostics: Vec<Diagnostic>,
}

fn load(path: &Path) -> Loaded {
    let area = Area::load(root());
    assert!(!area.has_errors(), "the example area must load clean");
    let mut sources = area.sources.clone();
    let shown = path.strip_prefix(root()).unwrap().display().to_string();
    let file = sources.add(shown, std::fs::read_to_string(path).unwrap());
    let (scenarios, diagnostics) = golden::resolve(
        &sources,
        &[(file, path.to_path_buf())],
        &area.rules,
        &area.directory,
    );
    Loaded {
        area,
        sources,
        scenarios,
        diagnostics,
    }
}

fn run<'a>(loaded: &'a Loaded) -> Run<'a> {
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let options = Options {
        as_of: loaded.area.reference_date(None),
        filter: None,
    };
    golden::run(
        &loaded.area.rules,
        &loaded.area.directory,
        &loaded.scenarios,
        &options,
    )
}

fn output(run: &Run, sources: &Sources) -> String {
    format!("{}{}\n", report::text(run, sources), run.summary())
}

#[test]
fn passing_cases() {
    let loaded = load(&fixture("pass.yaml"));
    let run = run(&loaded);
    assert_eq!(run.summary(), "2 passed, 0 failed");
    insta::assert_snapshot!(output(&run, &loaded.sources));
}

#[test]
fn failing_cases_show_expected_and_actual() {
    let loaded = load(&fixture("fail.yaml"));
    let run = run(&loaded);
    assert_eq!(run.summary(), "1 passed, 5 failed");
    insta::assert_snapshot!(output(&run, &loaded.sources));
}

#[test]
fn failing_cases_as_json_junit_and_github_annotations() {
    let loaded = load(&fixture("fail.yaml"));
    let run = run(&loaded);
    let json = serde_json::to_string_pretty(&report::json(&run, &loaded.sources)).unwrap();
    insta::assert_snapshot!("fail_json", json);
    insta::assert_snapshot!("fail_junit", report::junit(&run, &loaded.sources));
    insta::assert_snapshot!("fail_github", report::github(&run, &loaded.sources));
}

#[test]
fn a_changed_result_shows_its_snapshot_diff() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["changed.yaml", "changed.snap.yaml"] {
        std::fs::copy(fixture("snapshot").join(name), dir.path().join(name)).unwrap();
    }
    let recorded = std::fs::read_to_string(dir.path().join("changed.snap.yaml")).unwrap();
    let mut loaded = load(&fixture("snapshot/changed.yaml"));
    for file in &mut loaded.scenarios.files {
        file.path = dir.path().join("changed.yaml");
    }
    let mut run = run(&loaded);
    let shown = |f: &golden::ScenarioFile| loaded.sources.path(f.file).display().to_string();
    let changes = snapshot::apply(
        &mut run,
        &loaded.scenarios,
        &loaded.area.rules,
        shown,
        Mode::Compare,
    )
    .unwrap();
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(run.summary(), "1 passed, 1 failed");
    let after = std::fs::read_to_string(dir.path().join("changed.snap.yaml")).unwrap();
    assert_eq!(after, recorded, "comparing must not rewrite the snapshot");
    insta::assert_snapshot!(output(&run, &loaded.sources));

    let changes = snapshot::apply(
        &mut run,
        &loaded.scenarios,
        &loaded.area.rules,
        shown,
        Mode::Bless,
    )
    .unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].case, "outside the area");
    let blessed = std::fs::read_to_string(dir.path().join("changed.snap.yaml")).unwrap();
    assert!(blessed.contains("{service: national-helpline, urgency: routine"));
    assert!(!blessed.contains("forced-marriage-helpline"));
}

#[test]
fn coverage_names_what_no_case_exercised() {
    let loaded = load(&fixture("coverage.yaml"));
    let run = run(&loaded);
    let text = report::coverage_text(&run.coverage, &loaded.sources);
    assert!(text.contains("police-high-risk: no case makes it fire while `hbv is yes` holds"));
    insta::assert_snapshot!(text);
    insta::assert_snapshot!(
        "coverage_github",
        report::github_coverage(&run.coverage, &loaded.sources)
    );
}

#[test]
fn every_problem_in_a_scenario_file_is_reported_where_it_is() {
    let folder = fixture("errors");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 6);
    for path in names {
        let loaded = load(&path);
        assert!(
            !loaded.diagnostics.is_empty(),
            "{} has no diagnostic",
            path.display()
        );
        let rendered: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| d.render(&loaded.sources, false))
            .collect();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("error_{name}"), rendered.join("\n"));
    }
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "cases:",
        "cases: 3",
        "- a\n- b",
        "cases:\n  - {}",
        "cases:\n  - name: x\n    answers: [1, 2]",
        "cases:\n  - name: x\n    each: {locality: portsmouth}",
        "cases:\n  - name: x\n    rows: [[a]]",
        "cases: &a [*a]",
        "cases:\n  - name: \u{0}\n    refer: [\"\u{7}\"]",
        "\t\tcases:\n- name",
        "cases:\n  - name: x\n    each:\n      locality: [portsmouth, outside-area, portsmouth]\n      risk: [standard, medium, high]\n      children: [yes, no]\n      police: [yes, no]\n      hbv: [yes, no]\n      court-case: [yes, no]\n      sexual-violence: [yes, no]\n      perpetrator: [yes, no]\n    includes: [marac]",
    ];
    let area = Area::load(root());
    for input in inputs {
        let mut sources = area.sources.clone();
        let file = sources.add("tests/golden/garbage.yaml", input);
        let (scenarios, _) = golden::resolve(
            &sources,
            &[(file, PathBuf::from("garbage.yaml"))],
            &area.rules,
            &area.directory,
        );
        let options = Options {
            as_of: area.reference_date(None),
            filter: None,
        };
        let run = golden::run(&area.rules, &area.directory, &scenarios, &options);
        let _ = report::text(&run, &sources);
    }
}
