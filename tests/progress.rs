//! Progress on terminals: long commands show the phase they are in on standard error
//! when it is a terminal, clear it before the results, and print nothing of it when
//! standard error is a pipe or a file (as in CI and in every other test).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

fn example() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary on the example with standard error piped; returns it.
fn piped_stderr(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(example())
        .args(args)
        .env("TERM", "xterm-256color")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn off_a_terminal_standard_error_carries_only_the_results() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let hsds = out.path().join("hsds");
    let example = example().to_str().unwrap();
    let runs: [(Vec<&str>, &str); 5] = [
        (vec!["check"], "no problems found\n"),
        (vec!["test"], ""),
        (vec!["diff", example, example], ""),
        (vec!["build", "--out", site.to_str().unwrap()], "built "),
        (
            vec!["export", "hsds", "--out", hsds.to_str().unwrap()],
            "wrote ",
        ),
    ];
    for (args, expected) in runs {
        let stderr = piped_stderr(&args);
        assert!(
            !stderr.contains('\r') && !stderr.contains('\u{1b}'),
            "{args:?}: {stderr:?}"
        );
        assert!(stderr.starts_with(expected), "{args:?}: {stderr:?}");
        assert!(stderr.lines().count() <= 1, "{args:?}: {stderr:?}");
    }
}

/// Runs the binary on the example inside a pseudo-terminal (util-linux `script`);
/// returns everything the terminal received.
#[cfg(target_os = "linux")]
fn on_a_terminal(args: &str) -> String {
    let command = format!(
        "'{}' --root '{}' {args}",
        env!("CARGO_BIN_EXE_pathways"),
        example().display()
    );
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .env("TERM", "xterm-256color")
        .output()
        .expect("`script` (util-linux) runs a command in a pseudo-terminal");
    assert!(output.status.success(), "{args}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_the_phases_show_and_are_cleared_before_the_results() {
    let screen = on_a_terminal("check");
    let phase = screen
        .find("checking every combination of answers")
        .unwrap_or_else(|| panic!("{screen:?}"));
    let result = screen.find("no problems found").unwrap();
    let cleared = screen.rfind("\u{1b}[2K").unwrap();
    assert!(phase < cleared && cleared < result, "{screen:?}");

    let json = on_a_terminal("check --format json");
    assert!(!json.contains("checking every"), "{json:?}");
    assert!(json.contains("\"errors\": 0"), "{json:?}");
}
