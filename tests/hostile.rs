//! Hostile directory text through every output, not only the site: the hostile fixture
//! (`tests/fixtures/site/hostile`, whose every text tries to inject markup or script),
//! made worse at run time with very long strings, `data:` and `javascript:` text and
//! confusable letters, goes through `build`, `export hsds`, `check --format json` and
//! `refer --format json`; every output is inert. Values that cannot be made inert
//! (links that run code, direction controls, ids with invisible or look-alike
//! characters) are refused with a clear error, and then nothing is built or exported.
//! `site_build.rs` checks the pages' markup in depth; `limits.rs` every deceptive id.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use common::copy_tree;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site/hostile")
}

/// Replaces the first `from` in `root/relative` with `to`.
fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` not in {relative}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn pathways(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(root)
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

/// Text a terminal or a log shows as it is: no control characters but line breaks and
/// tabs, no direction controls.
fn shows_as_it_is(what: &str, text: &str) {
    let hidden = text.chars().find(|c| {
        (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    });
    assert_eq!(hidden, None, "{what} holds a hidden character");
}

/// Scripts, handlers and frames the hostile texts try to inject.
const INJECTED: [&str; 8] = [
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<iframe",
    "</script><script>",
    "<!--",
    "href=\"javascript:",
    "href=\"data:",
];

/// A long, confusable, script-laden service added to the fixture: loads clean.
const LONG_SERVICE: &str = r#"name: "Ρolice (a Greek Rho) </script><script>alert('long')</script>"
summary: "data:text/html,<script>alert('data')</script> and javascript:alert('text')"
description: "DESCRIPTION"
provider: "`backticks` ${template} {{ tera }} {% raw %} '\"><x y='"
categories: [advocacy]
tiers: [T2]
serves: [victims]
localities: [north]
referral:
  self_referral: true
  professional_referral: true
  how: "\u2028\u2029 line and paragraph separators \u0645\u200C\u0627 joiners stay"
contact:
  phone: 01632 960002
  website: https://www.example.org/long?q=%3Cscript%3E&x=%22
hours: Any time
reviewed: 2012-06-01
"#;

fn hostile_area() -> tempfile::TempDir {
    let area = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), area.path());
    // At the 10,000-character limit: every page and record copies it whole.
    let description = "</script><img src=x onerror=alert(1)>\u{2028}&amp;"
        .repeat(200)
        .chars()
        .take(10_000)
        .collect::<String>();
    std::fs::write(
        area.path().join("directory/services/long.yaml"),
        LONG_SERVICE.replace("DESCRIPTION", &description.replace('"', "\\\"")),
    )
    .unwrap();
    area
}

fn json(output: &Output) -> Value {
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    shows_as_it_is("JSON output", &stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Every string in a JSON value.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

#[test]
fn hostile_text_is_inert_in_every_output() {
    let area = hostile_area();
    let check = pathways(area.path(), &["check", "--format", "json"]);
    let report = json(&check);
    assert_eq!(report["errors"], 0, "{report:#}");

    let site = area.path().join("public");
    let built = pathways(area.path(), &["build", "--out", site.to_str().unwrap()]);
    assert!(built.status.success(), "{built:?}");
    let long = std::fs::read_to_string(site.join("services/long.html")).unwrap();
    assert!(long.contains("Ρolice (a Greek Rho) &lt;/script&gt;"));
    assert!(long.contains("&lt;img src=x onerror=alert(1)&gt;"));
    for entry in walkdir::WalkDir::new(&site) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "html") {
            let page = std::fs::read_to_string(&path).unwrap();
            for injected in INJECTED {
                assert!(!page.contains(injected), "{}: {injected}", path.display());
            }
            shows_as_it_is(&path.display().to_string(), &page);
        }
    }

    let export = area.path().join("hsds");
    let exported = pathways(
        area.path(),
        &["export", "hsds", "--out", export.to_str().unwrap()],
    );
    assert!(exported.status.success(), "{exported:?}");
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(&export) {
        let path = entry.unwrap().into_path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap();
            shows_as_it_is(&path.display().to_string(), &text);
            let value: Value = serde_json::from_str(&text).unwrap();
            strings(&value, &mut texts);
            for field in ["url", "website"] {
                if let Some(url) = value.get(field).and_then(Value::as_str) {
                    assert!(url.starts_with("https://"), "{}: {url}", path.display());
                }
            }
        }
    }
    // Data, not markup: the export holds each text exactly, to be escaped by whoever
    // shows it; and never a confidential address.
    let name = "Evil <script>alert('name')</script> \"><img src=x onerror=alert('name')>";
    assert!(texts.iter().any(|t| t == name));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("onerror=alert(1)>\u{2028}&amp;"))
    );
    assert!(!texts.iter().any(|t| t.contains("SECRET-ADDRESS")));

    let refer = pathways(
        area.path(),
        &[
            "refer",
            "--format",
            "json",
            "--answer",
            "locality=north",
            "--answer",
            "police=yes",
        ],
    );
    assert!(refer.status.success(), "{refer:?}");
    let mut referred = Vec::new();
    strings(&json(&refer), &mut referred);
    assert!(referred.iter().any(|t| t == name), "{referred:?}");
    assert!(!referred.iter().any(|t| t.contains("SECRET-ADDRESS")));
}

/// One refused value: where it goes, what replaces what, the code and words expected.
struct Refused {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    code: &'static str,
    says: &'static str,
}

const REFUSED: [Refused; 12] = [
    Refused {
        file: "directory/services/evil.yaml",
        from: "website: https://www.example.org/evil",
        to: "website: \"javascript:alert(document.cookie)\"",
        code: "bad-link",
        says: "`javascript:` links are not allowed",
    },
    Refused {
        file: "directory/services/evil.yaml",
        from: "website: https://www.example.org/evil",
        to: "website: \"JaVaScRiPt:alert(1)\"",
        code: "bad-link",
        says: "`javascript:` links are not allowed",
    },
    Refused {
        file: "directory/services/evil.yaml",
        from: "form: https://www.example.org/form?a=1&b=<2>",
        to: "form: \"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"",
        code: "bad-link",
        says: "`data:` links are not allowed",
    },
    Refused {
        file: "directory/services/evil.yaml",
        from: "website: https://www.example.org/evil",
        to: "website: \"https://www.example.org/\u{202E}fdp.exe\"",
        code: "bad-link",
        says: "invisible character (U+202E DIRECTION CONTROL)",
    },
    Refused {
        file: "directory/services/evil.yaml",
        from: "website: https://www.example.org/evil",
        to: "website: \"https://www.ex\u{0430}mple.org/\"",
        code: "bad-link",
        says: "contains `\u{0430}` (U+0430)",
    },
    Refused {
        file: "directory/services/evil.yaml",
        from: "email: evil@example.org",
        to: "email: \"evil@example.org\\\"><script>alert(1)</script>\"",
        code: "bad-email",
        says: "evil@example.org",
    },
    Refused {
        file: "directory/services/helpline.yaml",
        from: "name: National helpline",
        to: "name: \"Call 01632 \u{202E}100069\"",
        code: "hidden-character",
        says: "direction control (U+202E)",
    },
    Refused {
        file: "directory/services/helpline.yaml",
        from: "description: Advice by phone.",
        to: "description: \"\\e]8;;https://example.org\\e\\\\click\\e[2J\"",
        code: "hidden-character",
        says: "control character (U+001B)",
    },
    Refused {
        file: "directory/categories.yaml",
        from: "{id: helplines, name: Helplines,",
        to: "{id: helplines, name: \"Help\u{2067}lines\",",
        code: "hidden-character",
        says: "direction control (U+2067)",
    },
    Refused {
        file: "directory/localities.yaml",
        from: "id: south,",
        to: "id: \"south\u{200B}\",",
        code: "bad-id",
        says: "invisible character (U+200B ZERO WIDTH SPACE)",
    },
    Refused {
        file: "directory/categories.yaml",
        from: "{id: helplines,",
        to: "{id: h\u{0435}lplines,",
        code: "bad-id",
        says: "not a plain a-z letter",
    },
    Refused {
        file: "directory/services/helpline.yaml",
        from: "summary: Advice at any hour.",
        to: "summary: LONG",
        code: "text-too-long",
        says: "more than the 10000 allowed",
    },
];

#[test]
fn values_that_cannot_be_made_inert_are_refused_and_nothing_is_written() {
    for refused in &REFUSED {
        let area = tempfile::tempdir().unwrap();
        copy_tree(&fixture(), area.path());
        let to = refused.to.replace("LONG", &"<b>".repeat(3_334));
        edit(area.path(), refused.file, refused.from, &to);
        let what = format!("{} in {}", refused.code, refused.file);

        let check = pathways(area.path(), &["check", "--format", "json"]);
        assert_eq!(check.status.code(), Some(1), "{what}");
        let report = json(&check);
        let found = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == refused.code)
            .unwrap_or_else(|| panic!("{what}: {report:#}"));
        assert_eq!(found["location"]["file"], refused.file, "{what}");
        let message = found["message"].as_str().unwrap();
        assert!(message.contains(refused.says), "{what}: {message}");

        let text = pathways(area.path(), &["check"]);
        shows_as_it_is(&what, &String::from_utf8_lossy(&text.stderr));

        let site = area.path().join("public");
        let export = area.path().join("hsds");
        let built = pathways(area.path(), &["build", "--out", site.to_str().unwrap()]);
        let exported = pathways(
            area.path(),
            &["export", "hsds", "--out", export.to_str().unwrap()],
        );
        assert_eq!(built.status.code(), Some(1), "{what}: {built:?}");
        assert_eq!(exported.status.code(), Some(1), "{what}: {exported:?}");
        assert!(
            !site.exists() && !export.exists(),
            "{what}: something written"
        );
    }
}
