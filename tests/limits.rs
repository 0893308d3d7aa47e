//! Resource limits and hostile ids: each oversized or deceptive input is built at run
//! time in a copy of the example area, and loading it must finish with a clear
//! diagnostic at the right file, line and column (never a panic, a hang or a flood).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pathways::area::Area;
use pathways::diagnostic::Diagnostic;

/// A copy of the example area in a temporary folder.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["directory", "directory/services", "rules"] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            for entry in std::fs::read_dir(example.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let to = dir.path().join(folder).join(path.file_name().unwrap());
                    std::fs::copy(&path, to).unwrap();
                }
            }
        }
        Scratch { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write(&self, relative: &str, text: impl AsRef<[u8]>) -> &Scratch {
        std::fs::write(self.path(relative), text).unwrap();
        self
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// Replaces the first `from` in a file with `to`.
    fn edit(&self, relative: &str, from: &str, to: &str) -> &Scratch {
        let text = self.read(relative);
        assert!(text.contains(from), "`{from}` not in {relative}");
        self.write(relative, text.replacen(from, to, 1))
    }

    fn load(&self) -> Area {
        Area::load(self.dir.path())
    }
}

/// Where a diagnostic points: file, line and column.
fn place(area: &Area, diagnostic: &Diagnostic) -> (String, usize, usize) {
    let span = diagnostic
        .span
        .unwrap_or_else(|| panic!("{} has no place", diagnostic.code));
    let at = area.sources.line_column(span.file, span.start);
    let path = area.sources.path(span.file).display().to_string();
    (path, at.line, at.column)
}

/// The one diagnostic with `code`, which must be an error at `file`.
fn the<'a>(area: &'a Area, code: &str, file: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = area.diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{code}`, got: {:#?}",
        area.diagnostics
    );
    let diagnostic = found[0];
    assert!(diagnostic.is_error());
    assert_eq!(place(area, diagnostic).0, file);
    diagnostic
}

fn codes(area: &Area) -> Vec<&'static str> {
    area.diagnostics.iter().map(|d| d.code).collect()
}

const ADVICE: &str = "directory/services/advocacy-support.yaml";
const QUESTIONS: &str = "rules/questions.pathways";
/// A service file no rule refers to, for inputs that cannot be a service at all.
const EXTRA: &str = "directory/services/extra.yaml";

#[test]
fn the_example_copy_loads_clean() {
    let area = Scratch::new().load();
    assert!(!area.has_errors(), "{:#?}", area.diagnostics);
}

#[test]
fn a_huge_service_file_is_refused_unread() {
    let scratch = Scratch::new();
    let mut big = scratch.read(ADVICE);
    while big.len() <= 1 << 20 {
        big.push_str("# padding padding padding padding padding padding padding\n");
    }
    scratch.write(ADVICE, big);
    let area = scratch.load();
    let d = the(&area, "file-too-large", ADVICE);
    assert_eq!(place(&area, d), (ADVICE.to_string(), 1, 1));
    assert!(d.message.contains("1024 KiB"), "{}", d.message);
}

#[test]
fn a_file_just_under_the_limit_is_read() {
    let scratch = Scratch::new();
    let mut text = scratch.read(ADVICE);
    let padding = "#".repeat(999);
    while text.len() + 1000 <= 1 << 20 {
        text.push_str(&padding);
        text.push('\n');
    }
    scratch.write(ADVICE, text);
    let area = scratch.load();
    assert!(!area.has_errors(), "{:#?}", area.diagnostics);
}

#[test]
fn a_huge_rule_file_is_refused_unread() {
    let scratch = Scratch::new();
    let line = format!("# {}\n", "x".repeat(1000));
    scratch.write("rules/huge.pathways", line.repeat(4200));
    let area = scratch.load();
    let d = the(&area, "file-too-large", "rules/huge.pathways");
    assert_eq!(place(&area, d).1, 1);
    assert!(d.message.contains("4096 KiB"), "{}", d.message);
}

#[cfg(unix)]
#[test]
fn a_service_file_that_is_a_device_is_refused_without_reading() {
    let scratch = Scratch::new();
    std::os::unix::fs::symlink("/dev/zero", scratch.path("directory/services/zero.yaml")).unwrap();
    let area = scratch.load();
    assert!(
        codes(&area).contains(&"unreadable-file"),
        "{:?}",
        codes(&area)
    );
}

#[test]
fn a_very_long_line_is_a_too_long_text_at_its_line() {
    let scratch = Scratch::new();
    let long = "word ".repeat(40_000);
    scratch.edit(ADVICE, "summary: ", &format!("summary: {long}"));
    let area = scratch.load();
    let d = the(&area, "text-too-long", ADVICE);
    assert_eq!(place(&area, d), (ADVICE.to_string(), 4, 10));
    assert!(
        d.message.contains("more than the 10000 allowed"),
        "{}",
        d.message
    );
}

#[test]
fn a_text_at_the_limit_is_accepted() {
    let scratch = Scratch::new();
    let name = "a".repeat(10_000);
    scratch.edit(
        ADVICE,
        "Advocacy and support workers\n",
        &format!("{name}\n"),
    );
    let area = scratch.load();
    assert!(!area.has_errors(), "{:#?}", area.diagnostics);
}

#[test]
fn a_long_link_is_refused_at_the_link() {
    let scratch = Scratch::new();
    let link = format!("https://www.example.org/{}", "a".repeat(20_000));
    scratch.edit(
        ADVICE,
        "https://www.example.org/portsmouth/advocacy-referral",
        &link,
    );
    let area = scratch.load();
    let d = the(&area, "bad-link", ADVICE);
    assert_eq!(place(&area, d), (ADVICE.to_string(), 23, 9));
    assert!(
        d.message.contains("more than the 10000 allowed"),
        "{}",
        d.message
    );
}

#[test]
fn a_long_rule_line_of_comment_is_fine_and_a_long_text_is_refused() {
    let scratch = Scratch::new();
    scratch.write(
        "rules/comment.pathways",
        format!("# {}\n", "words ".repeat(500_000)),
    );
    assert!(!scratch.load().has_errors());
    let text = "x".repeat(10_001);
    scratch.edit(
        QUESTIONS,
        "\"Are the police involved?\"",
        &format!("\"{text}\""),
    );
    let area = scratch.load();
    let d = the(&area, "text-too-long", QUESTIONS);
    let line = scratch
        .read(QUESTIONS)
        .lines()
        .position(|l| l.starts_with("question police"))
        .unwrap();
    assert_eq!(place(&area, d), (QUESTIONS.to_string(), line + 1, 17));
}

#[test]
fn twenty_thousand_service_files_load() {
    let scratch = Scratch::new();
    let template = scratch.read(ADVICE);
    for i in 0..20_000 {
        scratch.write(&format!("directory/services/s{i:05}.yaml"), &template);
    }
    let area = scratch.load();
    assert!(!area.has_errors(), "{:#?}", &area.diagnostics[..3]);
    assert_eq!(area.directory.services.len(), 20_023);
}

#[test]
fn more_than_a_hundred_thousand_service_files_are_refused() {
    let scratch = Scratch::new();
    for i in 0..100_000 {
        scratch.write(&format!("directory/services/s{i:06}.yaml"), "");
    }
    let area = scratch.load();
    let found: Vec<_> = area
        .diagnostics
        .iter()
        .filter(|d| d.code == "too-many-files")
        .collect();
    assert_eq!(found.len(), 1, "{:?}", codes(&area));
    assert!(
        found[0].message.contains("100023 entries"),
        "{}",
        found[0].message
    );
    assert!(area.directory.services.is_empty());
}

#[test]
fn yaml_alias_bombs_are_refused_at_the_alias() {
    let mut bomb = String::from("&b0 [x, x, x, x, x, x, x, x, x, x]");
    for i in 1..12 {
        let refs = vec![format!("*b{}", i - 1); 10].join(", ");
        write!(bomb, ", &b{i} [{refs}]").unwrap();
    }
    let scratch = Scratch::new();
    scratch.edit(
        ADVICE,
        "categories: [advocacy]",
        &format!("categories: [{bomb}]"),
    );
    let area = scratch.load();
    // The expansion is cut short either by saphyr's alias budget or, first, by the
    // field's type (categories are texts, not lists): either way at the bomb.
    let errors: Vec<_> = area.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        ["too-complex", "wrong-type"].contains(&errors[0].code),
        "{errors:#?}"
    );
    assert_eq!(place(&area, errors[0]), (ADVICE.to_string(), 12, 18));
}

#[test]
fn deep_yaml_nesting_is_refused() {
    for text in [
        format!("tiers: {}{}\n", "[".repeat(200_000), "]".repeat(200_000)),
        format!("name: {}x{}\n", "{a: ".repeat(5_000), "}".repeat(5_000)),
        format!("{}x{}\n", "[".repeat(200_000), "]".repeat(200_000)),
        (0..700)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect(),
    ] {
        let scratch = Scratch::new();
        scratch.write(EXTRA, &text);
        let area = scratch.load();
        let errors: Vec<_> = area.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            ["too-complex", "wrong-type", "yaml-syntax"].contains(&errors[0].code),
            "{errors:#?}"
        );
        assert_eq!(place(&area, errors[0]).0, EXTRA);
    }
}

#[test]
fn deeply_nested_conditions_are_refused_at_the_65th_level() {
    let scratch = Scratch::new();
    let deep = format!("{}police is yes{}", "(".repeat(65), ")".repeat(65));
    let pathway =
        format!("pathway deep \"Deep\"\n  because \"Deep.\"\n  when {deep}\n  refer idva\n");
    scratch.write("rules/deep.pathways", &pathway);
    let area = scratch.load();
    let d = the(&area, "too-deeply-nested", "rules/deep.pathways");
    assert_eq!(
        place(&area, d),
        ("rules/deep.pathways".to_string(), 3, 8 + 64)
    );

    let at_limit = format!("{}police is yes{}", "(".repeat(64), ")".repeat(64));
    scratch.write("rules/deep.pathways", pathway.replace(&deep, &at_limit));
    assert!(!scratch.load().has_errors());

    let nots = format!("{}police is yes", "not ".repeat(100_000));
    scratch.write("rules/deep.pathways", pathway.replace(&deep, &nots));
    let area = scratch.load();
    the(&area, "too-deeply-nested", "rules/deep.pathways");

    let parens = format!(
        "{}police is yes{}",
        "(".repeat(1_000_000),
        ")".repeat(1_000_000)
    );
    scratch.write("rules/deep.pathways", pathway.replace(&deep, &parens));
    let area = scratch.load();
    the(&area, "too-deeply-nested", "rules/deep.pathways");
}

#[test]
fn a_long_flat_condition_loads() {
    let scratch = Scratch::new();
    let tests = vec!["police is yes"; 20_000].join(" and ");
    scratch.write(
        "rules/flat.pathways",
        format!("pathway flat \"Flat\"\n  because \"Flat.\"\n  when {tests}\n  refer idva\n"),
    );
    let area = scratch.load();
    assert!(!area.has_errors(), "{:?}", codes(&area));
}

#[test]
fn a_question_with_a_million_values_is_refused() {
    let scratch = Scratch::new();
    scratch.write(
        "rules/count.pathways",
        "question count \"How many?\"\n  is a number from 0 to 1000000\n",
    );
    let area = scratch.load();
    let d = the(&area, "bad-domain", "rules/count.pathways");
    assert!(
        d.message
            .contains("1000001 numbers, more than the 10000 allowed"),
        "{}",
        d.message
    );
    assert_eq!(place(&area, d).1, 2);
    let range = i64::MIN.to_string();
    scratch.write(
        "rules/count.pathways",
        format!(
            "question count \"How many?\"\n  is a number from {range} to 9223372036854775807\n"
        ),
    );
    the(&scratch.load(), "bad-domain", "rules/count.pathways");
}

#[test]
fn a_hundred_thousand_values_in_a_list_are_refused() {
    let scratch = Scratch::new();
    let values = vec!["hilsea"; 100_000].join(", ");
    scratch.write(
        "rules/many.pathways",
        format!(
            "pathway many \"Many\"\n  because \"Many.\"\n  when locality is one of {values}\n  refer idva\n"
        ),
    );
    let area = scratch.load();
    let d = the(&area, "too-many-values", "rules/many.pathways");
    assert_eq!(place(&area, d), ("rules/many.pathways".to_string(), 3, 20));
    assert!(d.message.contains("100000 values"), "{}", d.message);

    let choices: String = (0..100_000).map(|i| format!(" c{i} \"C\",")).collect();
    scratch.write(
        "rules/many.pathways",
        format!(
            "question many \"Which?\"\n  is one of{}\n",
            choices.trim_end_matches(',')
        ),
    );
    the(&scratch.load(), "too-many-values", "rules/many.pathways");
}

#[test]
fn ten_thousand_values_in_a_list_load() {
    let scratch = Scratch::new();
    let values = vec!["hilsea"; 10_000].join(", ");
    scratch.write(
        "rules/many.pathways",
        format!(
            "pathway many \"Many\"\n  because \"Many.\"\n  when locality is one of {values}\n  refer idva\n"
        ),
    );
    let area = scratch.load();
    assert!(area.diagnostics.len() < 10, "{:?}", codes(&area));

    let choices: String = (0..10_000).map(|i| format!(" c{i} \"C\",")).collect();
    scratch.write(
        "rules/many.pathways",
        format!(
            "question many \"Which?\"\n  is one of{}\n",
            choices.trim_end_matches(',')
        ),
    );
    assert!(!scratch.load().has_errors());
}

#[test]
fn ids_of_absurd_length_are_refused() {
    let long = format!("a{}", "b".repeat(100));
    let scratch = Scratch::new();
    scratch.write(
        &format!("directory/services/{long}.yaml"),
        scratch.read(ADVICE),
    );
    let area = scratch.load();
    let d = area
        .diagnostics
        .iter()
        .find(|d| d.code == "bad-id")
        .unwrap();
    assert!(
        d.message.contains("more than the 100 allowed"),
        "{}",
        d.message
    );

    let scratch = Scratch::new();
    scratch.edit(
        "directory/localities.yaml",
        "id: hilsea",
        &format!("id: {long}"),
    );
    let area = scratch.load();
    let d = area
        .diagnostics
        .iter()
        .find(|d| d.code == "bad-id")
        .unwrap();
    let (file, line, column) = place(&area, d);
    assert_eq!((file.as_str(), column), ("directory/localities.yaml", 10));
    assert_eq!(line, 17);

    let scratch = Scratch::new();
    scratch.edit(QUESTIONS, "question police", &format!("question {long}"));
    let area = scratch.load();
    let d = area
        .diagnostics
        .iter()
        .find(|d| d.code == "word-too-long")
        .unwrap();
    assert_eq!(place(&area, d).0, QUESTIONS);
    assert_eq!(area.sources.slice(d.span.unwrap()), long);

    let scratch = Scratch::new();
    scratch.write("rules/long.pathways", format!("{long} is yes\n"));
    assert!(codes(&scratch.load()).contains(&"word-too-long"));
}

/// Ids that look like (or hide inside) a real id.
const DECEPTIVE: [(&str, &str); 6] = [
    ("cyrillic a", "b\u{0430}ffins"),
    ("cyrillic i", "h\u{0456}lsea"),
    ("full-width", "\u{FF48}ilsea"),
    ("zero-width space", "hil\u{200B}sea"),
    ("bidi override", "hilsea\u{202E}"),
    ("bidi isolate", "\u{2066}hilsea"),
];

#[test]
fn deceptive_ids_in_the_directory_are_refused() {
    for (what, id) in DECEPTIVE {
        let scratch = Scratch::new();
        scratch.edit(
            "directory/localities.yaml",
            "id: hilsea",
            &format!("id: {id}"),
        );
        let area = scratch.load();
        let d = area
            .diagnostics
            .iter()
            .find(|d| d.code == "bad-id")
            .unwrap_or_else(|| panic!("{what}: {:?}", codes(&area)));
        assert_eq!(place(&area, d).0, "directory/localities.yaml", "{what}");
        assert!(
            d.message.contains("invisible character")
                || d.message.contains("not a plain a-z letter"),
            "{what}: {}",
            d.message
        );

        let scratch = Scratch::new();
        scratch.write(
            &format!("directory/services/{id}.yaml"),
            scratch.read(ADVICE),
        );
        let area = scratch.load();
        assert!(
            area.diagnostics.iter().any(|d| d.code == "bad-id"),
            "{what} as a file name: {:?}",
            codes(&area)
        );

        let scratch = Scratch::new();
        scratch.edit(ADVICE, "localities: [", &format!("localities: [{id}, "));
        let area = scratch.load();
        assert!(
            area.diagnostics
                .iter()
                .any(|d| d.code == "unknown-locality"),
            "{what} as a reference: {:?}",
            codes(&area)
        );
    }
}

#[test]
fn deceptive_ids_in_the_rules_are_refused() {
    for (what, id) in DECEPTIVE {
        for (from, to) in [
            ("question police", format!("question p{id}")),
            (
                "locality is in portsmouth and perpetrator",
                format!("locality is {id} and perpetrator"),
            ),
            ("refer marac urgently", format!("refer {id}")),
        ] {
            let scratch = Scratch::new();
            let file = if from.starts_with("question") {
                QUESTIONS
            } else {
                "rules/victims.pathways"
            };
            scratch.edit(file, from, &to);
            let area = scratch.load();
            let errors: Vec<_> = area.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(!errors.is_empty(), "{what} in `{to}`");
            let d = errors[0];
            assert_eq!(place(&area, d).0, file, "{what} in `{to}`");
            let shown = d.render(&area.sources, false);
            assert!(
                !shown.contains('\u{202E}')
                    && !shown.contains('\u{2066}')
                    && !shown.contains('\u{200B}'),
                "{what} in `{to}` is printed raw: {shown}"
            );
        }
    }
}

/// Renders every diagnostic, as `pathways check` would.
fn render_all(area: &Area) -> usize {
    area.diagnostics
        .iter()
        .map(|d| d.render(&area.sources, false).len())
        .sum()
}

#[test]
fn a_flood_of_problems_in_one_file_is_cut_short() {
    let scratch = Scratch::new();
    let unknown = vec!["nowhere"; 100_000].join(", ");
    scratch.edit(
        ADVICE,
        "localities: [portsmouth]",
        &format!("localities: [{unknown}]"),
    );
    let area = scratch.load();
    assert_eq!(
        area.diagnostics
            .iter()
            .filter(|d| d.code == "unknown-locality")
            .count(),
        100
    );
    let d = the(&area, "too-many-problems", ADVICE);
    assert!(d.message.contains("99900 more problems"), "{}", d.message);
    assert!(render_all(&area) > 0);

    let scratch = Scratch::new();
    scratch.write("rules/broken.pathways", "pathway\n".repeat(200_000));
    let area = scratch.load();
    let d = the(&area, "too-many-problems", "rules/broken.pathways");
    assert!(d.message.contains("199900 more problems"), "{}", d.message);
    assert!(render_all(&area) > 0);
}

#[test]
fn more_than_ten_thousand_rule_files_are_cut_short() {
    let scratch = Scratch::new();
    for i in 0..10_000 {
        scratch.write(&format!("rules/r{i:05}.pathways"), "# nothing\n");
    }
    let area = scratch.load();
    assert!(
        codes(&area).contains(&"too-many-files"),
        "{:?}",
        codes(&area)
    );
}

#[test]
fn fmt_and_scenario_files_are_read_within_the_rule_file_limit() {
    let scratch = Scratch::new();
    let big = "# a comment\n".repeat(400_000);
    scratch.write("rules/huge.pathways", &big);
    std::fs::create_dir_all(scratch.path("tests/golden")).unwrap();
    scratch.write("tests/golden/huge.yaml", &big);
    let pathways = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pathways"))
            .arg("--root")
            .arg(scratch.dir.path())
            .args(["--color", "never"])
            .args(args)
            .output()
            .unwrap()
    };
    let huge = scratch.path("rules/huge.pathways");
    let fmt = pathways(&["fmt", huge.to_str().unwrap()]);
    assert_eq!(fmt.status.code(), Some(2));
    let said = String::from_utf8_lossy(&fmt.stderr);
    assert!(said.contains("larger than the 4096 KiB"), "{said}");
    assert_eq!(scratch.read("rules/huge.pathways"), big, "left as it was");

    std::fs::remove_file(&huge).unwrap();
    let test = pathways(&["test"]);
    let said = String::from_utf8_lossy(&test.stderr);
    assert!(
        said.contains("file-too-large") && said.contains("huge.yaml"),
        "{said}"
    );

    #[cfg(unix)]
    {
        let fifo = scratch.path("rules/fifo.pathways");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let fmt = pathways(&["fmt", fifo.to_str().unwrap()]);
            assert_eq!(fmt.status.code(), Some(2), "refused, not blocked on");
            assert!(String::from_utf8_lossy(&fmt.stderr).contains("not a regular file"));
        }
    }
}
