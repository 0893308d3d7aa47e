//! `pathways diff` end to end: the example area copied into a temporary folder and
//! changed one thing at a time, compared as folders and as git revisions; text and
//! Markdown snapshots, the JSON shape, exit codes and errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use common::copy_tree;

/// The example area's root (this repository).
fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the example's `directory/` and `rules/` into `root`.
fn copy_example(root: &Path) {
    for folder in ["directory", "rules"] {
        copy_tree(&example().join(folder), &root.join(folder));
    }
}

/// Replaces `from` by `to` in a file of an area root; the text must be there.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn pathways(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A temporary folder holding `old/` (the example) and `new/` (the example, changed).
fn pair(change: impl Fn(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(&dir.path().join("old"));
    copy_example(&dir.path().join("new"));
    change(&dir.path().join("new"));
    dir
}

/// `diff old new` in each format: (text, markdown, json).
fn compare(dir: &Path) -> (String, String, Value) {
    let run = |format: &str| {
        let run = pathways(dir, &["diff", "old", "new", "--format", format]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let json = serde_json::from_str(&run("json")).unwrap();
    (run("text"), run("markdown"), json)
}

#[test]
fn a_service_closing_earlier() {
    let dir = pair(|new| {
        edit(
            new,
            "directory/services/womens-refuge.yaml",
            "available_until: 2013-03-31",
            "available_until: 2012-06-30",
        );
    });
    let (text, markdown, json) = compare(dir.path());
    insta::assert_snapshot!("closing_earlier_text", text);
    insta::assert_snapshot!("closing_earlier_markdown", markdown);
    let refuge = &json["referrals"][0];
    assert_eq!(refuge["service"], "womens-refuge");
    assert_eq!(refuge["changes"][0]["kind"], "removed");
    assert_eq!(
        refuge["changes"][0]["reasons"][0],
        "service closed (available until 2012-06-30)"
    );
}

#[test]
fn a_pathway_widened() {
    let dir = pair(|new| {
        edit(
            new,
            "rules/victims.pathways",
            "(risk is one of medium, high or hbv is yes)\n  refer any service in category refuge",
            "(risk is one of standard, medium, high or hbv is yes)\n  refer any service in category refuge",
        );
    });
    let (text, markdown, json) = compare(dir.path());
    insta::assert_snapshot!("widened_text", text);
    insta::assert_snapshot!("widened_markdown", markdown);
    assert_eq!(json["pathways"]["changed"][0]["id"], "refuge");
    assert_eq!(json["pathways"]["changed"][0]["fields"][0], "when");
}

#[test]
fn a_new_question_changes_no_referral() {
    let dir = pair(|new| {
        edit(
            new,
            "rules/questions.pathways",
            "\n# How the directory's eligibility words",
            "\nquestion interpreter \"Does the person need an interpreter?\"\n  is yes or no\n\n# How the directory's eligibility words",
        );
    });
    let (text, _, json) = compare(dir.path());
    insta::assert_snapshot!("new_question_text", text);
    assert_eq!(json["changed_situations"], 0);
    assert_eq!(json["situations"], 5760);
    assert_eq!(json["questions"]["added"][0]["id"], "interpreter");
    assert_eq!(json["questions"]["added"][0]["values_added"][1], "no");
    let strict = pathways(dir.path(), &["diff", "old", "new", "--exit-code"]);
    assert_eq!(strict.code, 1, "a new question is a change");
}

#[test]
fn a_service_removed() {
    let dir = pair(|new| {
        std::fs::remove_file(new.join("directory/services/butterfly-programme.yaml")).unwrap();
    });
    let (text, markdown, json) = compare(dir.path());
    insta::assert_snapshot!("removed_service_text", text);
    insta::assert_snapshot!("removed_service_markdown", markdown);
    assert_eq!(json["services"]["removed"][0]["id"], "butterfly-programme");
    let change = &json["referrals"][0]["changes"][0];
    assert_eq!(change["reasons"][0], "service removed from the directory");
    assert_eq!(change["old_via"]["pathways"][0], "survivor-groups");
}

#[test]
fn json_shape() {
    let dir = pair(|new| {
        edit(
            new,
            "rules/victims.pathways",
            "refer marac urgently, idva urgently\n",
            "refer marac immediately, idva urgently\n",
        );
    });
    let (_, _, json) = compare(dir.path());
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let mut top = keys(&json);
    top.sort();
    assert_eq!(
        top,
        [
            "categories",
            "changed_situations",
            "new",
            "old",
            "pathways",
            "questions",
            "referrals",
            "rules",
            "services",
            "situations"
        ]
    );
    assert_eq!(json["old"]["label"], "old");
    assert_eq!(json["new"]["as_of"], "2012-10-01");
    let marac = &json["referrals"][0];
    assert_eq!(marac["service"], "marac");
    assert_eq!(marac["name"].as_str().map(str::is_empty), Some(false));
    assert_eq!(marac["added"], 0);
    assert_eq!(marac["removed"], 0);
    let change = &marac["changes"][0];
    let mut fields = keys(change);
    fields.sort();
    assert_eq!(
        fields,
        [
            "descriptions",
            "kind",
            "more",
            "new_via",
            "old_via",
            "reasons",
            "situations",
            "urgency",
            "was_urgency"
        ]
    );
    assert_eq!(change["kind"], "urgency");
    assert_eq!(change["urgency"], "immediate");
    assert_eq!(change["was_urgency"], "urgent");
    assert_eq!(change["new_via"]["pathways"][0], "high-risk");
    assert_eq!(change["new_via"]["fallback"], false);
    assert_eq!(marac["urgency_changed"], change["situations"]);
    for kind in ["pathways", "questions", "services", "categories", "rules"] {
        let mut parts = keys(&json[kind]);
        parts.sort();
        assert_eq!(parts, ["added", "changed", "removed"], "{kind}");
    }
}

#[test]
fn no_change_exits_zero_even_with_exit_code() {
    let dir = pair(|_| {});
    let run = pathways(dir.path(), &["diff", "old", "new", "--exit-code"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("No changes"), "{}", run.stdout);
}

#[test]
fn as_of_applies_to_both_sides() {
    let dir = pair(|_| {});
    let run = pathways(
        dir.path(),
        &[
            "diff",
            "old",
            "new",
            "--as-of",
            "2013-04-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["old"]["as_of"], "2013-04-01");
    assert_eq!(json["changed_situations"], 0);
}

#[test]
fn unknown_revision_is_a_usage_error() {
    let dir = pair(|_| {});
    let run = pathways(dir.path(), &["--root", "new", "diff", "no-such-thing"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`no-such-thing` is neither a folder nor a git revision"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_side_with_errors_is_reported_and_fails() {
    let dir = pair(|new| {
        edit(
            new,
            "rules/victims.pathways",
            "refer marac urgently",
            "refer marak urgently",
        );
    });
    let run = pathways(dir.path(), &["diff", "old", "new"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("marak"), "{}", run.stderr);
    assert!(
        run.stderr.contains("new/rules/victims.pathways"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("in `new`"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(repo)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// A repository whose area lives in `area/`: the example, then the refuge pathway
/// widened, then (uncommitted) a service closing earlier.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let area = repo.path().join("area");
    copy_example(&area);
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "example"]);
    edit(
        &area,
        "rules/victims.pathways",
        "(risk is one of medium, high or hbv is yes)\n  refer any service in category refuge",
        "(risk is one of standard, medium, high or hbv is yes)\n  refer any service in category refuge",
    );
    git(
        repo.path(),
        &["commit", "-q", "-am", "widen the refuge pathway"],
    );
    edit(
        &area,
        "directory/services/womens-refuge.yaml",
        "available_until: 2013-03-31",
        "available_until: 2012-06-30",
    );
    repo
}

#[test]
fn git_revisions() {
    let repo = repository();
    let area = repo.path().join("area");
    let between = pathways(&area, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(between.code, 0, "{}", between.stderr);
    insta::assert_snapshot!("git_revisions_text", between.stdout);
    let dir = pair(|new| {
        edit(
            new,
            "rules/victims.pathways",
            "(risk is one of medium, high or hbv is yes)\n  refer any service in category refuge",
            "(risk is one of standard, medium, high or hbv is yes)\n  refer any service in category refuge",
        );
    });
    let (folders, _, _) = compare(dir.path());
    let body = |text: &str| text.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        body(&between.stdout),
        body(&folders),
        "revisions read as folders do"
    );
    // NEW defaults to the working tree, which has the uncommitted change too.
    let working = pathways(&area, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(working.code, 0, "{}", working.stderr);
    let json: Value = serde_json::from_str(&working.stdout).unwrap();
    assert_eq!(json["new"]["label"], "the working tree");
    assert_eq!(json["referrals"][0]["service"], "womens-refuge");
    // From the repository's top, `--root` names the area.
    let from_top = pathways(repo.path(), &["--root", "area", "diff", "HEAD~1", "HEAD"]);
    assert_eq!(from_top.stdout, between.stdout);
}

#[test]
fn a_broken_revision_names_its_files_by_revision() {
    let repo = repository();
    let area = repo.path().join("area");
    edit(
        &area,
        "rules/victims.pathways",
        "refer marac urgently",
        "refer marak urgently",
    );
    git(repo.path(), &["commit", "-q", "-am", "typo"]);
    let run = pathways(&area, &["diff", "HEAD", "HEAD~1"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("HEAD:area/rules/victims.pathways"),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_code_flags_changes() {
    let dir = pair(|new| {
        std::fs::remove_file(new.join("directory/services/butterfly-programme.yaml")).unwrap();
    });
    assert_eq!(pathways(dir.path(), &["diff", "old", "new"]).code, 0);
    assert_eq!(
        pathways(dir.path(), &["diff", "old", "new", "--exit-code"]).code,
        1
    );
}

#[test]
fn each_side_reads_contracts_on_its_own_pinned_date() {
    let dir = pair(|new| {
        edit(
            new,
            "directory/area.yaml",
            "as_of: 2012-10-01",
            "as_of: 2013-04-01",
        );
    });
    let (text, _, json) = compare(dir.path());
    insta::assert_snapshot!("new_contract_text", text);
    let services: Vec<&str> = json["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["refuge", "womens-refuge"]);
    assert_eq!(
        json["referrals"][0]["added"], json["referrals"][1]["removed"],
        "the new contract takes over exactly where the old one served"
    );
}
