//! `pathways new`: the area it makes checks, tests, builds and is formatted clean; its
//! site templates, assets and schemas are the repository's own; every YAML file names
//! its schema and is valid against it; its workflow runs real commands; and no
//! existing file is ever replaced.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use serde_json::Value;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pathways(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(["--color", "never"])
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A new area in a fresh temporary folder (kept as long as the handle).
fn new_area() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let area = tmp.path().join("area");
    let made = pathways(&["new", area.to_str().unwrap()]);
    assert!(made.status.success(), "{made:?}");
    assert!(
        text(&made.stderr).starts_with(&format!("made a new area in `{}`", area.display())),
        "{made:?}"
    );
    (tmp, area)
}

/// Every file under `dir`, as sorted `/`-separated relative paths.
fn listing(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_new_area_checks_tests_builds_and_is_formatted_clean() {
    let (tmp, area) = new_area();
    let root = area.to_str().unwrap();
    insta::assert_snapshot!("files_written", listing(&area).join("\n"));

    let check = pathways(&["--root", root, "check", "--deny-warnings"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert_eq!(text(&check.stderr), "no problems found\n");

    let test = pathways(&["--root", root, "test", "--min-coverage", "100"]);
    assert!(test.status.success(), "{}", text(&test.stdout));
    assert!(text(&test.stdout).ends_with("5 passed, 0 failed\n"));

    let public = tmp.path().join("public");
    let build = pathways(&["--root", root, "build", "--out", public.to_str().unwrap()]);
    assert!(build.status.success(), "{}", text(&build.stderr));
    let index = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(index.contains("Where to refer for domestic abuse in Anytown"));
    assert!(public.join("services/local-support.html").is_file());

    let fmt = pathways(&["--root", root, "fmt", "--check"]);
    assert!(fmt.status.success(), "{}", text(&fmt.stdout));
}

/// The copies a new area restyles are the built-in ones, byte for byte, and so are the
/// schemas its YAML files name: they cannot drift from `site/` and `schemas/`.
#[test]
fn templates_assets_and_schemas_are_the_repository_copies() {
    let (_tmp, area) = new_area();
    for folder in ["site/templates", "site/static", "schemas"] {
        let original = repository().join(folder);
        let copy = area.join(folder);
        assert_eq!(listing(&original), listing(&copy), "{folder}");
        for file in listing(&original) {
            assert!(
                std::fs::read(original.join(&file)).unwrap()
                    == std::fs::read(copy.join(&file)).unwrap(),
                "{folder}/{file} differs"
            );
        }
    }
}

#[test]
fn every_yaml_file_names_its_schema_and_is_valid_against_it() {
    let (_tmp, area) = new_area();
    let yaml: Vec<String> = listing(&area)
        .into_iter()
        .filter(|p| {
            p.ends_with(".yaml") && (p.starts_with("directory/") || p.starts_with("tests/"))
        })
        .collect();
    assert_eq!(yaml.len(), 6, "{yaml:?}");
    for path in yaml {
        let file = area.join(&path);
        let source = std::fs::read_to_string(&file).unwrap();
        let target = source
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{path} does not name its schema"));
        let schema_path = file.parent().unwrap().join(target);
        assert!(
            schema_path.canonicalize().unwrap().parent().unwrap()
                == area.join("schemas").canonicalize().unwrap(),
            "{path}: {target}"
        );
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let value: Value = serde_saphyr::from_str(&source).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
}

/// Each `pathways ...` line of the new area's workflow is a command line the tool accepts.
#[test]
fn the_workflow_runs_commands_that_exist() {
    let (_tmp, area) = new_area();
    let workflow = std::fs::read_to_string(area.join(".github/workflows/pathways.yml")).unwrap();
    let _: Value = serde_saphyr::from_str(&workflow).unwrap();
    let commands: Vec<Vec<String>> = workflow
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ")
        })
        .filter(|l| l.starts_with("pathways "))
        .map(|l| {
            let line = l.split(" > ").next().unwrap();
            let line = without_expressions(line);
            line.split_whitespace()
                .map(|w| w.trim_matches('"').to_string())
                .collect()
        })
        .collect();
    let names: Vec<&str> = commands.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(names, ["check", "fmt", "test", "diff", "build"]);
    for command in &commands {
        if let Err(error) = pathways::cli::Cli::try_parse_from(command) {
            panic!("{command:?}: {error}");
        }
    }
}

/// `${{ ... }}` expressions replaced by a word, as the runner would.
fn without_expressions(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        out.push_str("main");
        let end = rest[start..].find("}}").unwrap() + start + 2;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_folder_that_is_not_empty_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("notes.txt"), "ours").unwrap();
    let refused = pathways(&["new", dir.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let message = text(&refused.stderr);
    assert!(message.contains("is not empty"), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(listing(dir), ["notes.txt"]);

    let forced = pathways(&["new", "--force", dir.to_str().unwrap()]);
    assert!(forced.status.success(), "{forced:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "ours"
    );
    assert!(dir.join("directory/area.yaml").is_file());
}

#[test]
fn an_existing_file_is_never_replaced_even_when_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("README.md"), "ours").unwrap();
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/questions.pathways"), "# ours").unwrap();
    for args in [vec!["new"], vec!["new", "--force"]] {
        let mut args = args;
        args.push(dir.to_str().unwrap());
        let refused = pathways(&args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        let message = text(&refused.stderr);
        assert!(
            message.contains("already has 2 of the files")
                && message.contains("  README.md\n")
                && message.contains("  rules/questions.pathways\n"),
            "{message}"
        );
        assert_eq!(listing(dir), ["README.md", "rules/questions.pathways"]);
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "ours"
    );
}

#[test]
fn a_folder_holding_only_a_git_repository_counts_as_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join(".git")).unwrap();
    let made = pathways(&["new", dir.to_str().unwrap()]);
    assert!(made.status.success(), "{made:?}");
}

#[test]
fn a_file_is_not_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("area");
    std::fs::write(&file, "").unwrap();
    let refused = pathways(&["new", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("is a file, not a folder"));
}
