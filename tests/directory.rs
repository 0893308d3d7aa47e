//! The directory loader against the shipped example area, one broken fixture per problem
//! (snapshots of the rendered diagnostics), and a corpus of garbage that must not panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use pathways::diagnostic::Diagnostic;
use pathways::directory::{self, model::Coverage, model::Directory};
use pathways::source::Sources;

fn load(root: &Path) -> (Directory, Vec<Diagnostic>, Sources) {
    let mut sources = Sources::new();
    let (directory, diagnostics) = directory::load(root, &mut sources);
    (directory, diagnostics, sources)
}

fn render(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(sources, false))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/directory")
        .join(case)
}

#[test]
fn example_area_loads_clean() {
    let (directory, diagnostics, sources) = load(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(diagnostics.is_empty(), "{}", render(&diagnostics, &sources));
    assert_eq!(directory.localities.len(), 15);
    assert_eq!(directory.groups.len(), 2);
    assert_eq!(directory.categories.len(), 11);
    assert_eq!(directory.services.len(), 23);
    assert_eq!(directory.area.name, "Portsmouth");
    assert!(directory.area.example_data);
    assert_eq!(
        directory.area.as_of.as_ref().unwrap().value.to_string(),
        "2012-10-01"
    );
    let ids: Vec<&str> = directory.services.iter().map(|s| s.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    let wards = directory.group_members("portsmouth");
    assert_eq!(wards.len(), 14);
    assert_eq!(
        directory.localities.last().unwrap().id.value,
        "outside-area"
    );
    assert!(
        sources
            .iter()
            .any(|(_, f)| f.path == Path::new("directory/services/marac.yaml"))
    );
}

#[test]
fn example_area_uses_every_category_and_the_agreed_dates() {
    let (directory, _, _) = load(Path::new(env!("CARGO_MANIFEST_DIR")));
    for category in &directory.categories {
        assert!(
            directory
                .services
                .iter()
                .any(|s| s.in_category(&category.id.value)),
            "no service in {}",
            category.id.value
        );
    }
    let service = |id: &str| directory.service(id).expect(id);
    let date = |d: &str| d.parse::<jiff::civil::Date>().unwrap();
    let pinned = date("2012-10-01");
    assert!(!service("cyp-idva").is_open_on(pinned));
    assert!(!service("refuge").is_open_on(pinned));
    assert!(service("refuge").is_open_on(date("2013-04-01")));
    assert!(service("womens-refuge").is_open_on(pinned));
    assert!(!service("womens-refuge").is_open_on(date("2013-04-01")));
    assert_eq!(
        service("probation-programmes").requires[0].value,
        "court-order"
    );
    assert_eq!(
        directory
            .covered_localities(service("butterfly-programme"))
            .len(),
        6
    );
    for national in [
        "national-helpline",
        "perpetrator-helpline",
        "forced-marriage-helpline",
    ] {
        assert!(matches!(
            service(national).localities,
            Coverage::Anywhere(_)
        ));
    }
    for refuge in ["refuge", "womens-refuge"] {
        assert!(
            service(refuge)
                .contact
                .address
                .as_ref()
                .unwrap()
                .confidential
        );
    }
    for s in &directory.services {
        assert!(
            s.reviewed.value <= pinned,
            "{} reviewed after the pinned date",
            s.id
        );
        assert!(s.reviewed.value >= date("2012-01-01"), "{}", s.id);
    }
}

#[test]
fn the_minimal_fixture_is_valid() {
    let (directory, diagnostics, sources) = load(&fixture("valid"));
    assert!(diagnostics.is_empty(), "{}", render(&diagnostics, &sources));
    assert_eq!(directory.services.len(), 1);
}

/// Each broken fixture, and the codes it must produce (a later code follows from the first).
const BROKEN: &[(&str, &[&str])] = &[
    ("bad-ages", &["bad-ages"]),
    ("bad-date", &["bad-date"]),
    ("bad-date-format", &["bad-date"]),
    ("bad-email", &["bad-email"]),
    ("bad-exit-url", &["bad-link"]),
    ("bad-id-capitals", &["bad-id"]),
    ("bad-id-invisible", &["bad-id", "unknown-locality"]),
    ("bad-link", &["bad-link"]),
    ("bad-phone", &["bad-phone"]),
    ("bad-service-file-name", &["bad-id"]),
    ("coverage-word", &["wrong-type"]),
    ("date-order", &["date-order"]),
    ("duplicate-field", &["duplicate-field"]),
    ("duplicate-id", &["duplicate-id"]),
    ("empty-field", &["empty-field"]),
    ("empty-file", &["empty-file"]),
    ("missing-field", &["missing-field"]),
    ("missing-file", &["missing-file"]),
    ("nested-unknown-field", &["unknown-field"]),
    ("not-utf8", &["not-utf8"]),
    ("null-field", &["empty-field"]),
    ("public-refuge-address", &["public-refuge-address"]),
    ("unexpected-file", &["unexpected-file"]),
    ("unknown-category", &["unknown-category"]),
    ("unknown-client", &["unknown-client"]),
    ("unknown-field", &["unknown-field"]),
    ("unknown-group", &["unknown-group"]),
    ("unknown-locality", &["unknown-locality"]),
    ("unknown-risk-level", &["unknown-risk-level"]),
    ("unknown-tier", &["unknown-tier"]),
    ("wrong-boolean", &["wrong-type"]),
    ("wrong-type", &["wrong-type"]),
    ("yaml-syntax", &["yaml-syntax"]),
];

#[test]
fn each_broken_fixture_reports_its_problem_at_the_value() {
    for (case, codes_wanted) in BROKEN {
        let (_, diagnostics, sources) = load(&fixture(case));
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            &codes,
            codes_wanted,
            "{case}: {}",
            render(&diagnostics, &sources)
        );
        insta::assert_snapshot!(*case, render(&diagnostics, &sources));
    }
}

#[test]
fn every_fixture_is_listed() {
    let mut listed: Vec<&str> = BROKEN.iter().map(|(case, _)| *case).collect();
    listed.push("valid");
    listed.sort_unstable();
    let mut found: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort_unstable();
    assert_eq!(found, listed);
}

/// Inputs no one should write, each of which must give diagnostics and never a panic.
fn garbage() -> Vec<(&'static str, Vec<u8>)> {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let mut inline = String::from("&b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]");
    for i in 1..10 {
        let refs = vec![format!("*b{}", i - 1); 9].join(", ");
        inline.push_str(&format!(", &b{i} [{refs}]"));
    }
    let bomb_in_field = format!("categories: [{inline}]\n");
    let self_reference = format!("name: &n [{}]\n", ["*n"; 3].join(", "));
    let nested_flow = format!(
        "name: x\ntiers: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let nested_block: String = (0..2_000)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    let long_line = format!("name: {}\n", "x".repeat(1 << 20));
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    binary.extend_from_slice(b"\x00\xff\xfe");
    vec![
        ("empty", Vec::new()),
        ("blank", b"\n\n   \n".to_vec()),
        ("binary", binary),
        ("nul", b"name: a\x00b\n".to_vec()),
        ("billion-laughs", bomb.into_bytes()),
        ("bomb-in-field", bomb_in_field.into_bytes()),
        ("self-reference", self_reference.into_bytes()),
        ("nested-flow", nested_flow.into_bytes()),
        ("nested-block", nested_block.into_bytes()),
        ("long-line", long_line.into_bytes()),
        ("scalar", b"just some words".to_vec()),
        ("list", b"- a\n- b\n".to_vec()),
        ("many-documents", b"name: a\n---\nname: b\n".to_vec()),
        ("tab-indent", b"name: a\n\tsummary: b\n".to_vec()),
        ("unterminated", b"name: \"open\n".to_vec()),
        ("bom", b"\xef\xbb\xbfname: a\n".to_vec()),
    ]
}

#[test]
fn garbage_never_panics_and_is_reported() {
    let base = fixture("valid").join("directory");
    for (name, bytes) in garbage() {
        for target in [
            "area.yaml",
            "localities.yaml",
            "categories.yaml",
            "services/advice.yaml",
        ] {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path().join("directory");
            std::fs::create_dir_all(dir.join("services")).unwrap();
            for file in [
                "area.yaml",
                "localities.yaml",
                "categories.yaml",
                "services/advice.yaml",
            ] {
                std::fs::copy(base.join(file), dir.join(file)).unwrap();
            }
            std::fs::write(dir.join(target), &bytes).unwrap();
            let (_, diagnostics, sources) = load(root.path());
            assert!(
                !diagnostics.is_empty(),
                "{name} as {target} gave no diagnostic"
            );
            assert!(
                diagnostics.iter().any(Diagnostic::is_error),
                "{name} as {target}"
            );
            for d in &diagnostics {
                let text = d.render(&sources, false);
                assert!(text.contains(d.code), "{name} as {target}: {text}");
            }
        }
    }
}

#[test]
fn a_missing_directory_is_one_error() {
    let root = tempfile::tempdir().unwrap();
    let (directory, diagnostics, _) = load(root.path());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, "missing-file");
    assert!(directory.services.is_empty());
}
