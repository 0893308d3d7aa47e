//! The HSDS 3.0 export of the example directory, validated against the official
//! Open Referral schemas in `../shared/hsds-3.0` (or `$PATHWAYS_SHARED/hsds-3.0`).
//! Without that folder the validation is skipped with a printed reason, unless
//! `PATHWAYS_REQUIRE_SHARED=1` (as in CI), when it fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use pathways::export::hsds::{self, Options};
use pathways::site::output::SiteFiles;
use pathways::source::Sources;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn export(per_page: usize) -> SiteFiles {
    export_from(root(), per_page)
}

fn export_from(root: &Path, per_page: usize) -> SiteFiles {
    let (directory, diagnostics) = pathways::directory::load(root, &mut Sources::new());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let options = Options {
        as_of: jiff::civil::date(2012, 10, 1),
        per_page,
    };
    hsds::export(&directory, options).unwrap()
}

fn json_of(files: &SiteFiles, path: &str) -> Value {
    let bytes = files.get(path).unwrap_or_else(|| panic!("no {path}"));
    serde_json::from_slice(bytes).unwrap()
}

/// The official schemas, or `None` (after saying why) when they are not here.
fn shared_schemas() -> Option<PathBuf> {
    let shared = std::env::var_os("PATHWAYS_SHARED")
        .map_or_else(|| root().join("../shared"), PathBuf::from)
        .join("hsds-3.0");
    if shared.join("compiled/service.json").is_file() {
        return Some(shared);
    }
    let reason = format!(
        "the HSDS schemas are not at `{}`, so the export was not validated against them",
        shared.display()
    );
    assert!(
        std::env::var("PATHWAYS_REQUIRE_SHARED").as_deref() != Ok("1"),
        "{reason} (PATHWAYS_REQUIRE_SHARED=1)"
    );
    eprintln!("skipped: {reason}");
    None
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn the_export_is_valid_hsds() {
    let Some(shared) = shared_schemas() else {
        return;
    };
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(shared.join(name)).unwrap()).unwrap()
    };
    let service = validator(&read("compiled/service.json"));
    let openapi = read("openapi.json");
    let page = json!({
        "allOf": [openapi["components"]["schemas"]["Page"]],
        "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
        "properties": {"contents": {"type": "array", "items": read("compiled/service_list.json")}}
    });
    let page = validator(&page);
    // The separate taxonomy schemas refer to each other by relative names; the compiled
    // service schema holds both inline, as an attribute's term and its taxonomy.
    let compiled = read("compiled/service.json");
    let term_schema = &compiled["properties"]["attributes"]["items"]["properties"]["taxonomy_term"];
    let term = validator(term_schema);
    let taxonomy = validator(&term_schema["properties"]["taxonomy_detail"]);
    let files = export(5);
    let mut services = 0;
    for (path, _) in files.iter() {
        let value = json_of(&files, path);
        match path.split_once('/') {
            Some(("services", name)) if name.contains("index") || name.starts_with("page-") => {
                assert_valid(&page, &value, path);
            }
            Some(("services", _)) => {
                services += 1;
                assert_valid(&service, &value, path);
            }
            Some(("taxonomy_terms", name))
                if !name.contains("index") && !name.starts_with("page-") =>
            {
                assert_valid(&term, &value, path);
            }
            Some(("taxonomies", name)) if !name.contains("index") && !name.starts_with("page-") => {
                assert_valid(&taxonomy, &value, path);
            }
            _ => {}
        }
    }
    assert_eq!(services, 23);
    let mut broken = service_file(&files, "MARAC");
    broken["status"] = json!("open");
    assert!(!service.is_valid(&broken), "the schema is not checking");
}

#[test]
fn the_layout_pages_and_index() {
    let files = export(10);
    assert_eq!(
        json_of(&files, "index.json"),
        json!({"version": "3.0", "profile": hsds::PROFILE})
    );
    let first = json_of(&files, "services/index.json");
    assert_eq!(first, json_of(&files, "services/page-1.json"));
    assert_eq!(first["total_items"], 23);
    assert_eq!(first["total_pages"], 3);
    assert_eq!(first["size"], 10);
    assert_eq!(first["first_page"], true);
    let last = json_of(&files, "services/page-3.json");
    assert_eq!(
        (last["size"].as_u64(), last["last_page"].as_bool()),
        (Some(3), Some(true))
    );
    assert!(files.get("services/page-4.json").is_none());
    for entry in first["contents"].as_array().unwrap() {
        let id = entry["id"].as_str().unwrap();
        let full = json_of(&files, &format!("services/{id}.json"));
        assert_eq!(full["name"], entry["name"]);
        assert!(entry.get("attributes").is_none(), "list entries are flat");
    }
    let terms = json_of(&export(100), "taxonomy_terms/index.json");
    let codes: Vec<&str> = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["taxonomy"] == "tiers")
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["T1", "T2", "T3", "T4"]);
}

/// Every service file, by the directory's service id.
fn service_file(files: &SiteFiles, name: &str) -> Value {
    files
        .iter()
        .filter(|(p, _)| p.starts_with("services/") && !p.contains("index") && !p.contains("page-"))
        .map(|(p, _)| json_of(files, p))
        .find(|s| s["name"].as_str().unwrap().contains(name))
        .unwrap_or_else(|| panic!("no service named like {name}"))
}

#[test]
fn ids_are_stable_uuid_v5_and_statuses_follow_the_date() {
    let files = export(50);
    assert_eq!(
        files.iter().collect::<Vec<_>>(),
        export(50).iter().collect::<Vec<_>>()
    );
    let marac = service_file(&files, "MARAC");
    let id = uuid::Uuid::parse_str(marac["id"].as_str().unwrap()).unwrap();
    assert_eq!(id.get_version_num(), 5);
    let cyp = service_file(&files, "young people's IDVA");
    assert_eq!(cyp["status"], "defunct", "cyp-idva ended 2012-03-31");
    let (directory, _) = pathways::directory::load(root(), &mut Sources::new());
    let new_refuge = directory.service("refuge").unwrap();
    let refuge = service_file(&files, &new_refuge.name.value);
    assert_eq!(
        refuge["status"], "inactive",
        "the new refuge opens 2013-04-01"
    );
    assert_eq!(marac["status"], "active");
}

fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(map) => map.values().any(has_null),
        _ => false,
    }
}

/// A copy of the example directory in which the SARC has a public address.
fn with_public_address() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(root().join("directory")) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(root()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let sarc = dir.path().join("directory/services/sarc.yaml");
    let text = std::fs::read_to_string(&sarc).unwrap().replacen(
        "contact:\n",
        "contact:\n  address: {text: 1 Example Street, confidential: false}\n",
        1,
    );
    std::fs::write(&sarc, text).unwrap();
    dir
}

#[test]
fn no_nulls_and_no_confidential_address() {
    let area = with_public_address();
    let files = export_from(area.path(), 50);
    let (directory, _) = pathways::directory::load(area.path(), &mut Sources::new());
    let confidential: Vec<&str> = directory
        .services
        .iter()
        .filter_map(|s| s.contact.address.as_ref())
        .filter(|a| a.confidential)
        .map(|a| a.text.as_str())
        .collect();
    assert!(
        !confidential.is_empty(),
        "the example has a confidential address"
    );
    let mut public_seen = false;
    for (path, bytes) in files.iter() {
        let text = std::str::from_utf8(bytes).unwrap();
        for address in &confidential {
            assert!(!text.contains(address), "{path} has a confidential address");
        }
        public_seen |= text.contains("1 Example Street");
        assert!(!has_null(&json_of(&files, path)), "{path} has a null");
    }
    assert!(public_seen, "public addresses are exported");
}

#[test]
fn the_command_writes_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hsds");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(root())
        .args(["export", "hsds", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["version"], "3.0");
    assert!(out.join("services/index.json").is_file());
}
