//! Nothing lost: `build`, `export hsds` and `fmt` killed (SIGKILL) at several moments of
//! a run, or failing to write (a file size limit makes a write fail, or kills the process
//! with SIGXFSZ in the middle of writing), leave the previous output byte for byte as it
//! was, or the complete new one, and never a partial file or folder in its place.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use pathways::area::Area;
use pathways::synthetic::{self, Size};

/// Every file under `dir` by relative path, with its bytes (none if `dir` is missing).
type Files = BTreeMap<PathBuf, Vec<u8>>;

fn files(dir: &Path) -> Files {
    if !dir.exists() {
        return Files::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Puts `dir` back to exactly `files`.
fn restore(dir: &Path, files: &Files) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `pathways --root ROOT ARGS...`, quiet.
fn pathways(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pathways"));
    command
        .arg("--root")
        .arg(root)
        .args(["--color", "never"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Runs `command` to the end, which must succeed; how long it took.
fn finish(mut command: Command) -> Duration {
    let start = Instant::now();
    let status = command.status().unwrap();
    assert!(status.success(), "{command:?}: {status}");
    start.elapsed()
}

/// Starts `command` and kills it with SIGKILL after `delay`; whether it was still running.
fn kill_after(mut command: Command, delay: Duration) -> bool {
    let mut child = command.spawn().unwrap();
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    // An error here means it had already finished.
    let _ = child.kill();
    child.wait().unwrap();
    running
}

/// `command` run by bash under a file size limit of `kib` KiB. With `fail_writes`
/// SIGXFSZ is ignored, so a write past the limit fails (EFBIG); without it the process
/// is killed by the signal in the middle of the write.
fn size_limited(command: &Command, kib: u32, fail_writes: bool) -> Output {
    let trap = if fail_writes { "trap '' XFSZ; " } else { "" };
    Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -f {kib}; {trap}exec \"$@\""))
        .arg("bash")
        .arg(command.get_program())
        .args(command.get_args())
        .output()
        .unwrap()
}

/// Kill moments spread over a run that takes `full`.
fn delays(full: Duration) -> impl Iterator<Item = Duration> {
    [0.2, 0.45, 0.7, 0.9]
        .into_iter()
        .map(move |f| full.mul_f64(f))
}

/// A command that writes a folder, run to the end once to give `before`, then with other
/// arguments to give `after`; then killed at spread moments of a run from `before` to
/// `after`, and run under a size limit. The folder must always be exactly `before` or
/// exactly `after`, and beside it only the command's own `.NAME.building` may remain.
fn folder_output_survives(root: &Path, command: &[&str], old: &[&str], new: &[&str], kib: u32) {
    let place = tempfile::tempdir().unwrap();
    let out = place.path().join("out");
    let out_text = out.to_str().unwrap();
    let run = |extra: &[&str], to: &str| {
        let mut args = command.to_vec();
        args.extend(["--out", to]);
        args.extend(extra);
        pathways(root, &args)
    };
    let scratch = place.path().join("scratch");
    let full = finish(run(new, scratch.to_str().unwrap()));
    let after = files(&scratch);
    std::fs::remove_dir_all(&scratch).unwrap();
    finish(run(old, out_text));
    let before = files(&out);
    assert!(
        !before.is_empty() && before != after,
        "the runs must differ"
    );

    let (mut interrupted, mut mid_write) = (0, 0);
    for delay in delays(full) {
        interrupted += usize::from(kill_after(run(new, out_text), delay));
        let now = files(&out);
        assert!(
            now == before || now == after,
            "killed after {delay:?}: a mix"
        );
        let beside = names(place.path());
        mid_write += usize::from(beside.contains(&".out.building".to_string()));
        assert!(
            beside.iter().all(|n| n == "out" || n == ".out.building"),
            "{beside:?}"
        );
        restore(&out, &before);
    }
    println!("{command:?}: {interrupted} runs killed, {mid_write} while writing");
    assert!(interrupted > 0, "no kill landed before the run ended");

    let failed = size_limited(&run(new, out_text), kib, true);
    assert_eq!(failed.status.code(), Some(2), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("could not write"), "{stderr}");
    assert_eq!(files(&out), before, "a failed write changes nothing");
    assert_eq!(names(place.path()), ["out"], "and leaves nothing behind");

    let killed = size_limited(&run(new, out_text), kib, false);
    assert_eq!(killed.status.code(), None, "killed by SIGXFSZ: {killed:?}");
    assert_eq!(files(&out), before, "killed while writing");
    assert_eq!(names(place.path()), [".out.building", "out"]);

    finish(run(new, out_text));
    assert_eq!(files(&out), after);
    assert_eq!(
        names(place.path()),
        ["out"],
        "the next run clears what was left"
    );
}

#[test]
fn an_interrupted_or_failed_build_leaves_the_previous_site() {
    let area = tempfile::tempdir().unwrap();
    synthetic::generate(Size::SMALL).write(area.path()).unwrap();
    // `finder.html` is larger than 24 KiB and written after the 1,200 finder pages.
    folder_output_survives(
        area.path(),
        &["build"],
        &["--as-of", "2024-06-01"],
        &["--as-of", "2024-07-01"],
        24,
    );
}

#[test]
fn an_interrupted_or_failed_export_leaves_the_previous_export() {
    let area = tempfile::tempdir().unwrap();
    let size = Size {
        services: 500,
        ..Size::SMALL
    };
    synthetic::generate(size).write(area.path()).unwrap();
    // Pages of fifty services are larger than 16 KiB.
    folder_output_survives(
        area.path(),
        &["export", "hsds"],
        &["--per-page", "40"],
        &["--per-page", "50"],
        16,
    );
}

/// Each rule file is always either as it was or wholly formatted; beside the rule files
/// only fmt's hidden temporary files (`.NAME.XXXXXX.tmp`) may be left by a kill, and
/// the rule loader never reads them.
#[test]
fn an_interrupted_or_failed_fmt_leaves_each_file_whole() {
    let area = tempfile::tempdir().unwrap();
    let size = Size {
        pathways: 1_000,
        ..Size::SMALL
    };
    synthetic::generate(size).write(area.path()).unwrap();
    let rules = area.path().join("rules");
    let file = rules.join("pathways.pathways");
    let formatted = std::fs::read_to_string(&file).unwrap();
    let messy = formatted.replace("\n  ", "\n      ");
    assert_ne!(messy, formatted);
    let fmt = || pathways(area.path(), &["fmt", file.to_str().unwrap()]);
    std::fs::write(&file, &messy).unwrap();
    let full = finish(fmt());
    let after = std::fs::read_to_string(&file).unwrap();
    assert_ne!(after, messy);
    let listing = names(&rules);

    let mut interrupted = 0;
    for delay in delays(full) {
        std::fs::write(&file, &messy).unwrap();
        interrupted += usize::from(kill_after(fmt(), delay));
        let now = std::fs::read_to_string(&file).unwrap();
        assert!(
            now == messy || now == after,
            "killed after {delay:?}: a mix"
        );
        for name in names(&rules) {
            assert!(
                listing.contains(&name)
                    || (name.starts_with(".pathways.pathways.") && name.ends_with(".tmp")),
                "{name}"
            );
        }
    }
    assert!(interrupted > 0, "no kill landed before the run ended");

    std::fs::write(&file, &messy).unwrap();
    // A run killed above between writing its temporary file and renaming it leaves
    // that file behind; the failed run must leave nothing more.
    let before_failure = names(&rules);
    let failed = size_limited(&fmt(), 64, true);
    assert_eq!(failed.status.code(), Some(2), "{failed:?}");
    assert!(String::from_utf8_lossy(&failed.stderr).contains("cannot write"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);
    assert_eq!(
        names(&rules),
        before_failure,
        "the temporary file is removed"
    );

    let killed = size_limited(&fmt(), 64, false);
    assert_eq!(killed.status.code(), None, "killed by SIGXFSZ: {killed:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);

    finish(fmt());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    let loaded = Area::load(area.path());
    assert!(
        loaded.diagnostics.iter().all(|d| !d.is_error()),
        "a temporary file left behind is not read as rules: {:?}",
        loaded.diagnostics
    );
}

/// The example area's directory, rules and golden tests, in a temporary folder.
fn copy_of_example() -> tempfile::TempDir {
    let area = tempfile::tempdir().unwrap();
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["directory", "rules", "tests/golden"] {
        restore(&area.path().join(folder), &files(&repository.join(folder)));
    }
    area
}

/// `test --bless` failing to write, or killed by SIGXFSZ while writing, a snapshot file
/// larger than the limit leaves it as it was, and a failed write leaves nothing beside it.
#[test]
fn a_failed_bless_leaves_each_snapshot_whole() {
    let area = copy_of_example();
    let golden = area.path().join("tests/golden");
    let snap = golden.join("outside-area.snap.yaml");
    let rules = area.path().join("rules/victims.pathways");
    let text = std::fs::read_to_string(&rules).unwrap();
    let urgent = text.replace(
        "  refer national-helpline\n",
        "  refer national-helpline urgently\n",
    );
    assert_ne!(urgent, text);
    std::fs::write(&rules, urgent).unwrap();
    let before = std::fs::read_to_string(&snap).unwrap();
    assert!(before.len() > 2048, "larger than the limit below");
    let listing = names(&golden);
    let bless = || {
        pathways(
            area.path(),
            &["test", "--bless", "--filter", "outside-area"],
        )
    };

    let failed = size_limited(&bless(), 2, true);
    assert_eq!(failed.status.code(), Some(2), "{failed:?}");
    assert!(String::from_utf8_lossy(&failed.stderr).contains("cannot write a snapshot file"));
    assert_eq!(std::fs::read_to_string(&snap).unwrap(), before);
    assert_eq!(names(&golden), listing, "the temporary file is removed");

    let killed = size_limited(&bless(), 2, false);
    assert_eq!(killed.status.code(), None, "killed by SIGXFSZ: {killed:?}");
    assert_eq!(std::fs::read_to_string(&snap).unwrap(), before);

    finish(bless());
    let after = std::fs::read_to_string(&snap).unwrap();
    assert_ne!(after, before);
    assert!(after.contains("urgency: urgent"), "{after}");
}

/// `new` failing to write, or killed by SIGXFSZ while writing, a file larger than the
/// limit leaves every file it wrote whole (as a complete run writes it) and no half of
/// the one it was writing; a failed write leaves no temporary file either.
#[test]
fn a_failed_new_leaves_no_half_written_file() {
    let place = tempfile::tempdir().unwrap();
    let new = |name: &str| {
        let mut command = pathways(place.path(), &["new"]);
        command.arg(place.path().join(name));
        command
    };
    finish(new("whole"));
    let whole = files(&place.path().join("whole"));
    let kib = 4;
    assert!(whole.values().any(|bytes| bytes.len() > 1024 * kib));

    for (name, fail_writes) in [("failed", true), ("killed", false)] {
        let run = size_limited(&new(name), kib as u32, fail_writes);
        let expected = if fail_writes { Some(2) } else { None };
        assert_eq!(run.status.code(), expected, "{name}: {run:?}");
        let written = files(&place.path().join(name));
        assert!(!written.is_empty() && written.len() < whole.len(), "{name}");
        for (path, bytes) in &written {
            let hidden = path.file_name().unwrap().to_string_lossy().starts_with('.');
            if fail_writes || !hidden || !path.to_string_lossy().ends_with(".tmp") {
                assert_eq!(whole.get(path), Some(bytes), "{name}: {}", path.display());
            }
        }
    }
}
