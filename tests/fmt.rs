//! `pathways fmt`: the canonical layout, comments and blank lines kept, idempotence,
//! the meaning unchanged (syntax tree and compiled diagram) over generated rule sets,
//! the example rules already formatted, and the command's `--check`, refusal and
//! atomic writes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

use pathways::rules::format::format_text;
use pathways::rules::parse;
use pathways::source::{FileId, Sources};

fn fmt(text: &str) -> String {
    format_text(FileId(0), text).unwrap_or_else(|d| panic!("{text}\n{d:#?}"))
}

/// The syntax tree without positions: what the text means, not where it was written.
fn tree(text: &str) -> String {
    let (file, diagnostics) = parse(FileId(0), text);
    assert!(diagnostics.is_empty(), "{text}\n{diagnostics:#?}");
    let debug = format!("{:?}", file.items);
    fancy_regex::Regex::new(r"Span \{ file: FileId\(\d+\), start: \d+, end: \d+ \}")
        .unwrap()
        .replace_all(&debug, "_")
        .into_owned()
}

#[test]
fn lays_out_every_kind_of_block() {
    let text = "question  q \"Q?\" help \"H\" is yes/no\n\
                question c \"C?\" is one of a \"A\" b \"B\"\n\
                question n \"N?\"\n   is a number from 0 to 9\n\
                eligibility serves victims when q = no\n   risk level high when n >= 5\n\
                pathway p \"P\" because \"R\"  when q is yes and not (c != a or n is between 1 and 3) refer x urgently,any service in category y\n\
                pathway always \"A\" because \"Always \\\"quoted\\\"\" refer z immediately\n\
                otherwise because \"O\" refer z\n";
    insta::assert_snapshot!(fmt(text));
}

#[test]
fn long_conditions_break_before_each_connective() {
    let text = "pathway p \"P\" because \"R\" when locality is in portsmouth and perpetrator is no and risk is one of standard, medium and hbv is no refer x\n";
    let expected = "pathway p \"P\"\n  because \"R\"\n  when locality is in portsmouth\n    and perpetrator is no\n    and risk is one of standard, medium\n    and hbv is no\n  refer x\n";
    assert_eq!(fmt(text), expected);
    let short = "pathway p \"P\"\n  because \"R\"\n  when a is x\n    or b is y\n  refer x\n";
    assert_eq!(
        fmt(short),
        "pathway p \"P\"\n  because \"R\"\n  when a is x or b is y\n  refer x\n"
    );
}

#[test]
fn keeps_comments_where_they_were() {
    let text = "# File header.\n\n# About q.\nquestion q \"Q?\" # after the text\n  # before is\n  is yes or no\n\
                eligibility\n  serves victims when q is no # victims\n\n  # A paragraph.\n  serves children when q is yes\n\
                # Trailing note on the block.\n\n\n# Section.\n\npathway p \"P\" because \"R\"\n  when q is yes # one\n    and q is no # two\n  refer x\n# End.\n";
    insta::assert_snapshot!(fmt(text));
}

#[test]
fn a_hash_inside_a_text_is_not_a_comment() {
    let text = "question q \"Room #4\"\n  is yes or no\n";
    assert_eq!(fmt(text), text);
}

#[test]
fn a_file_of_comments_only_is_kept() {
    assert_eq!(fmt("# one\n\n\n# two\n"), "# one\n\n# two\n");
    assert_eq!(fmt(""), "");
}

#[test]
fn syntax_errors_are_refused() {
    let diagnostics = format_text(FileId(0), "question q \"Q\" is maybe\n").unwrap_err();
    assert_eq!(diagnostics[0].code, "expected-answer-kind");
}

#[test]
fn the_example_rules_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(fmt(&text), text, "{} is not formatted", path.display());
    }
}

fn pathways(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(root)
        .arg("--color")
        .arg("never")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_command_checks_writes_and_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let messy = "question q \"Q\" is yes/no\n";
    std::fs::write(rules.join("a.pathways"), messy).unwrap();
    std::fs::write(
        rules.join("b.pathways"),
        "question q \"Q\"\n  is yes or no\n",
    )
    .unwrap();

    let check = pathways(dir.path(), &["fmt", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let diff = String::from_utf8(check.stdout).unwrap();
    assert!(diff.contains("-question q \"Q\" is yes/no"), "{diff}");
    assert!(diff.contains("+  is yes or no"), "{diff}");
    assert!(!diff.contains("b.pathways"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(rules.join("a.pathways")).unwrap(),
        messy
    );

    let write = pathways(dir.path(), &["fmt"]);
    assert_eq!(write.status.code(), Some(0));
    let written = std::fs::read_to_string(rules.join("a.pathways")).unwrap();
    assert_eq!(written, "question q \"Q\"\n  is yes or no\n");
    let leftovers: Vec<_> = std::fs::read_dir(&rules).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "a temporary file was left behind");
    assert_eq!(
        pathways(dir.path(), &["fmt", "--check"]).status.code(),
        Some(0)
    );

    let broken = rules.join("c.pathways");
    std::fs::write(&broken, "question q \"Q\n").unwrap();
    let refused = pathways(dir.path(), &["fmt", broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(stderr.contains("unclosed-string"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "question q \"Q\n"
    );
}

// ------------------------------------------------------------------ generated

/// The example area's questions a generated rule set may ask: (id, domain, values).
const QUESTIONS: [(&str, &str, &[&str]); 4] = [
    (
        "locality",
        "a locality",
        &["hilsea", "cosham", "outside-area", "in portsmouth"],
    ),
    ("risk", "a risk level", &["standard", "medium", "high"]),
    ("hbv", "yes or no", &["yes", "no"]),
    ("ticks", "a number from 0 to 20", &["0", "7", "14", "20"]),
];

const SERVICES: [&str; 6] = [
    "marac",
    "idva",
    "sarc",
    "national-helpline",
    "any service in category refuge",
    "any service in category counselling",
];

/// A condition to be printed with a random layout.
#[derive(Clone, Debug)]
enum Cond {
    Test(usize, usize, u8),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

fn cond() -> impl Strategy<Value = Cond> {
    let leaf =
        (0..QUESTIONS.len(), 0..4usize, 0..6u8).prop_map(|(q, v, how)| Cond::Test(q, v, how));
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Cond::And),
            prop::collection::vec(inner, 2..4).prop_map(Cond::Or),
        ]
    })
}

/// What goes between two tokens: a space, a line break, comments, blank lines.
fn gaps() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![6 => Just(0u8), 1 => 1..6u8], 64)
}

struct Writer {
    out: String,
    gaps: Vec<u8>,
    next: usize,
    comments: usize,
}

impl Writer {
    /// A separator inside a block: never a line starting at column 1 with code.
    fn gap(&mut self) {
        let kind = self.gaps[self.next % self.gaps.len()];
        self.next += 1;
        self.comments += usize::from(matches!(kind, 2 | 3 | 5));
        let n = self.comments;
        let sep = match kind {
            0 => " ".to_string(),
            1 => "\n    ".to_string(),
            2 => format!(" # note {n} with \"quotes\" and # hashes\n  "),
            3 => format!("\n  # own line {n}\n   "),
            4 => "\n\n  ".to_string(),
            _ => format!("\n# column one {n}\n\n  "),
        };
        self.out.push_str(&sep);
    }

    fn word(&mut self, word: &str) {
        self.out.push_str(word);
        self.gap();
    }

    fn cond(&mut self, c: &Cond) {
        match c {
            Cond::Test(q, v, how) => {
                let (id, domain, values) = QUESTIONS[*q];
                let value = values[*v % values.len()];
                self.word(id);
                let number = domain.starts_with("a number");
                match (how, value.starts_with("in ")) {
                    (_, true) => self.word(&format!("is {value}")),
                    (0, _) => self.word(&format!("= {value}")),
                    (1, _) => self.word(&format!("!= {value}")),
                    (2, _) if number => self.word(&format!(">= {value}")),
                    (3, _) if number => self.word(&format!("is between 0 and {value}")),
                    (4, _) => self.word(&format!("is not one of {value}, {}", values[0])),
                    _ => self.word(&format!("is {value}")),
                }
            }
            Cond::Not(inner) => {
                self.word("not");
                self.grouped(inner);
            }
            Cond::And(parts) | Cond::Or(parts) => {
                let connective = if matches!(c, Cond::And(_)) {
                    "and"
                } else {
                    "or"
                };
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.word(connective);
                    }
                    self.grouped(part);
                }
            }
        }
    }

    /// Parentheses around anything but a test, as the grammar requires.
    fn grouped(&mut self, c: &Cond) {
        if let Cond::Test(..) = c {
            self.cond(c);
        } else {
            self.word("(");
            self.cond(c);
            self.word(")");
        }
    }
}

type Pathway = (Option<Cond>, Vec<(usize, u8)>);

fn write_rules(pathways: &[Pathway], eligibility: &[Cond], gaps: Vec<u8>) -> (String, usize) {
    let mut w = Writer {
        out: "# Generated.\n\n".to_string(),
        gaps,
        next: 0,
        comments: 1,
    };
    for (id, domain, _) in QUESTIONS {
        w.out.push_str("\nquestion ");
        w.word(id);
        w.word(&format!("\"What is the {id}? #1\""));
        w.word("help \"A \\\"quoted\\\" help\"");
        w.word(&format!("is {domain}"));
    }
    if !eligibility.is_empty() {
        w.out.push_str("\neligibility");
        w.gap();
        for (i, c) in eligibility.iter().enumerate() {
            let head = ["serves victims", "serves children", "risk level high"][i % 3];
            w.word(&format!("{head} when"));
            w.cond(c);
        }
    }
    for (i, (condition, referrals)) in pathways.iter().enumerate() {
        w.out.push_str(&format!("\npathway p{i}"));
        w.gap();
        w.word("\"Title\"");
        w.word("because \"Reason # not a comment\"");
        if let Some(c) = condition {
            w.word("when");
            w.cond(c);
        }
        w.word("refer");
        for (j, (service, urgency)) in referrals.iter().enumerate() {
            if j > 0 {
                w.word(",");
            }
            w.word(SERVICES[*service]);
            match urgency {
                0 => w.word("urgently"),
                1 => w.word("immediately"),
                _ => {}
            }
        }
    }
    w.out
        .push_str("\notherwise because \"Fallback\" refer national-helpline\n# The end.\n");
    (w.out, w.comments)
}

fn pathway() -> impl Strategy<Value = Pathway> {
    (
        prop::option::weighted(0.8, cond()),
        prop::collection::vec((0..SERVICES.len(), 0..4u8), 1..3),
    )
}

fn example_directory() -> pathways::directory::model::Directory {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (directory, diagnostics) = pathways::directory::load(root, &mut Sources::new());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    directory
}

/// The compiled diagram of one rule file against the example directory, as JSON.
fn diagram(text: &str, directory: &pathways::directory::model::Directory) -> String {
    let mut sources = Sources::new();
    let file = sources.add("rules/generated.pathways", text);
    let (syntax, _) = parse(file, sources.text(file));
    let (rules, _) = pathways::rules::resolve(&[syntax], &sources, directory);
    let compiled = pathways::engine::compile(&rules, directory, jiff::civil::date(2012, 10, 1));
    serde_json::to_string(compiled.diagram()).unwrap()
}

fn count_comments(text: &str) -> usize {
    text.lines()
        .filter(|l| l.contains("# note") || l.contains("# own line") || l.contains("# column one"))
        .count()
        + text.matches("# Generated.").count()
        + text.matches("# The end.").count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn formatting_keeps_the_meaning_and_every_comment(
        pathways in prop::collection::vec(pathway(), 1..5),
        eligibility in prop::collection::vec(cond(), 0..3),
        gaps in gaps(),
    ) {
        let (text, comments) = write_rules(&pathways, &eligibility, gaps);
        let formatted = fmt(&text);
        prop_assert_eq!(tree(&formatted), tree(&text), "{}\n---\n{}", text, formatted);
        prop_assert_eq!(fmt(&formatted), formatted.clone(), "not idempotent:\n{}", formatted);
        prop_assert_eq!(count_comments(&formatted), comments + 1, "{}\n---\n{}", text, formatted);
        let directory = example_directory();
        prop_assert_eq!(diagram(&formatted, &directory), diagram(&text, &directory));
    }
}
