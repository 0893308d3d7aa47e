//! Property tests of the loaders: the rule parser and resolver never panic, on arbitrary
//! text or on random edits of the example rules; the directory loader never panics on
//! random edits of the example's files; and the example rules parse to the same tree
//! whatever the layout (spaces, blank lines, comments).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;

use pathways::directory::{self, model::Directory};
use pathways::rules::{self, syntax::RuleFile};
use pathways::source::{FileId, Sources};

const RULE_FILES: [&str; 3] = [
    "rules/questions.pathways",
    "rules/victims.pathways",
    "rules/perpetrators.pathways",
];

fn example() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example_text(relative: &str) -> String {
    std::fs::read_to_string(example().join(relative)).unwrap()
}

fn example_directory() -> &'static (Directory, Sources) {
    static DIRECTORY: OnceLock<(Directory, Sources)> = OnceLock::new();
    DIRECTORY.get_or_init(|| {
        let mut sources = Sources::new();
        let (directory, diagnostics) = directory::load(example(), &mut sources);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        (directory, sources)
    })
}

/// Parses and resolves one rule file against the example directory, rendering every
/// diagnostic (rendering reads spans, so a bad span would panic here too).
fn parse_and_resolve(text: &str) {
    let (directory, sources) = example_directory();
    let mut sources = sources.clone();
    let file = sources.add("rules/input.pathways", text);
    let (syntax, mut diagnostics) = rules::parse(file, sources.text(file));
    let (_, more) = rules::resolve(&[syntax], &sources, directory);
    diagnostics.extend(more);
    for diagnostic in &diagnostics {
        diagnostic.render(&sources, false);
        diagnostic.to_json(&sources);
    }
}

/// One edit of a text, at character positions taken modulo its length, so that
/// shrinking works on any text.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
    Swap(usize, usize),
}

/// Words and symbols of the rule language, and some that break it.
const TOKENS: [&str; 32] = [
    "question",
    "pathway",
    "otherwise",
    "eligibility",
    "when",
    "refer",
    "because",
    "is",
    "not",
    "and",
    "or",
    "one of",
    "in",
    "(",
    ")",
    ",",
    "\"",
    "\\",
    "#",
    "\n",
    "\n  ",
    " ",
    "yes",
    "no",
    "a number from 0 to 3",
    "urgently",
    "any service in category",
    ">=",
    "-1",
    "99999999999999999999",
    "\u{202E}",
    "é",
];

fn edit() -> impl Strategy<Value = Edit> {
    let inserted = prop_oneof![
        proptest::sample::select(TOKENS.to_vec()).prop_map(str::to_string),
        ".{0,8}",
    ];
    prop_oneof![
        (any::<usize>(), 0..40usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), inserted).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 0..80usize).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match edit {
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                let inserted: Vec<char> = s.chars().collect();
                chars.splice(at..at, inserted);
            }
            Edit::Duplicate(at, n) => {
                let at = (at % len).min(chars.len());
                let end = (at + n).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                let tail = chars.split_off(end);
                chars.extend(copy);
                chars.extend(tail);
            }
            Edit::Swap(a, b) => {
                if !chars.is_empty() {
                    let n = chars.len();
                    chars.swap(a % n, b % n);
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// A layout change that must not change what a rule file means.
#[derive(Clone, Debug)]
enum Layout {
    TrailingSpaces(usize, usize),
    TrailingComment(usize),
    CommentLine(usize),
    BlankLine(usize),
    DeeperIndent(usize, bool),
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        (any::<usize>(), 1..5usize).prop_map(|(l, n)| Layout::TrailingSpaces(l, n)),
        any::<usize>().prop_map(Layout::TrailingComment),
        any::<usize>().prop_map(Layout::CommentLine),
        any::<usize>().prop_map(Layout::BlankLine),
        (any::<usize>(), any::<bool>()).prop_map(|(l, t)| Layout::DeeperIndent(l, t)),
    ]
}

fn relayout(text: &str, changes: &[Layout]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for change in changes {
        let count = lines.len().max(1);
        match *change {
            Layout::TrailingSpaces(l, n) => {
                if let Some(line) = lines.get_mut(l % count) {
                    line.push_str(&" ".repeat(n));
                }
            }
            Layout::TrailingComment(l) => {
                if let Some(line) = lines.get_mut(l % count) {
                    line.push_str(" # and \"so\" on (");
                }
            }
            Layout::CommentLine(l) => lines.insert(l % (count + 1), "# a comment".into()),
            Layout::BlankLine(l) => lines.insert(l % (count + 1), String::new()),
            Layout::DeeperIndent(l, tab) => {
                if let Some(line) = lines
                    .get_mut(l % count)
                    .filter(|line| line.starts_with(' '))
                {
                    line.insert_str(0, if tab { "\t" } else { "  " });
                }
            }
        }
    }
    lines.join("\n") + "\n"
}

/// The syntax tree as text without its spans (which move with the layout).
fn without_spans(file: &RuleFile) -> String {
    let shown = format!("{:?}", file.items);
    let mut out = String::with_capacity(shown.len());
    let mut rest = shown.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let close = rest[at..].find('}').unwrap();
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

fn parse(text: &str) -> (RuleFile, Vec<pathways::diagnostic::Diagnostic>) {
    rules::parse(FileId(0), text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_rule_parser_never_panics_on_any_text(text in "\\PC{0,400}") {
        parse_and_resolve(&text);
    }

    #[test]
    fn the_rule_parser_never_panics_on_rule_like_text(
        tokens in proptest::collection::vec(proptest::sample::select(TOKENS.to_vec()), 0..80)
    ) {
        parse_and_resolve(&tokens.join(" "));
    }

    #[test]
    fn the_rule_parser_never_panics_on_edited_example_rules(
        file in 0..RULE_FILES.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        parse_and_resolve(&apply(&example_text(RULE_FILES[file]), &edits));
    }

    #[test]
    fn the_example_rules_parse_the_same_whatever_the_layout(
        file in 0..RULE_FILES.len(),
        changes in proptest::collection::vec(layout(), 1..12),
    ) {
        let text = example_text(RULE_FILES[file]);
        let (before, problems) = parse(&text);
        prop_assert!(problems.is_empty());
        let changed = relayout(&text, &changes);
        let (after, problems) = parse(&changed);
        prop_assert!(problems.is_empty(), "{problems:#?}\n{changed}");
        prop_assert_eq!(without_spans(&before), without_spans(&after));
    }
}

const DIRECTORY_FILES: [&str; 4] = [
    "directory/area.yaml",
    "directory/localities.yaml",
    "directory/categories.yaml",
    "directory/services/idva.yaml",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_directory_loader_never_panics_on_edited_example_files(
        file in 0..DIRECTORY_FILES.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let root = tempfile::tempdir().unwrap();
        let services = root.path().join("directory/services");
        std::fs::create_dir_all(&services).unwrap();
        for relative in DIRECTORY_FILES {
            std::fs::copy(example().join(relative), root.path().join(relative)).unwrap();
        }
        let relative = DIRECTORY_FILES[file];
        let text = apply(&example_text(relative), &edits);
        std::fs::write(root.path().join(relative), text).unwrap();
        let mut sources = Sources::new();
        let (_, diagnostics) = directory::load(root.path(), &mut sources);
        for diagnostic in &diagnostics {
            diagnostic.render(&sources, false);
        }
    }
}

/// Line and column the slow, obvious way.
fn naive_line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn positions_agree_with_a_plain_scan(text in "(é|\u{1F600}|a|\n|\r|x{0,300}){0,40}") {
        let mut sources = Sources::new();
        let file = sources.add("t", text.as_str());
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let found = sources.line_column(file, offset);
            prop_assert_eq!((found.line, found.column), naive_line_column(&text, offset));
            prop_assert_eq!(sources.offset_of(file, found.line, found.column), offset);
        }
    }
}
