//! The JSON Schemas of the directory and scenario files: committed files up to date
//! with the Rust types, a description on every field, every example YAML file pointing
//! at its schema and valid against it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use serde_json::Value;

use pathways::golden::schema::all as schemas;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_schemas_are_up_to_date() {
    for file in schemas() {
        let path = root().join("schemas").join(file.name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == file.text,
            "`schemas/{}` is out of date: run `cargo run -- schema --out schemas` and commit it",
            file.name
        );
    }
}

/// Paths of properties without a description.
fn undescribed(value: &Value, path: &str, missing: &mut Vec<String>) {
    let Value::Object(map) = value else { return };
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            if property.get("description").is_none() {
                missing.push(format!("{path}.{name}"));
            }
            undescribed(property, &format!("{path}.{name}"), missing);
        }
    }
    for key in ["definitions", "$defs"] {
        if let Some(Value::Object(definitions)) = map.get(key) {
            for (name, definition) in definitions {
                undescribed(definition, &format!("{key}.{name}"), missing);
            }
        }
    }
    if let Some(items) = map.get("items") {
        undescribed(items, &format!("{path}[]"), missing);
    }
}

#[test]
fn every_field_has_a_description() {
    for file in schemas() {
        let schema: Value = serde_json::from_str(&file.text).unwrap();
        assert!(schema.get("description").is_some(), "{}", file.name);
        let mut missing = Vec::new();
        undescribed(&schema, "", &mut missing);
        assert!(missing.is_empty(), "{}: {missing:?}", file.name);
    }
}

/// Each example YAML file and the schema its first line names.
fn example_files() -> Vec<(std::path::PathBuf, &'static str)> {
    let directory = root().join("directory");
    let mut files = vec![
        (directory.join("area.yaml"), "area.schema.json"),
        (directory.join("localities.yaml"), "localities.schema.json"),
        (directory.join("categories.yaml"), "categories.schema.json"),
    ];
    let mut services: Vec<_> = std::fs::read_dir(directory.join("services"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    services.sort();
    files.extend(services.into_iter().map(|p| (p, "service.schema.json")));
    let mut scenarios: Vec<_> = std::fs::read_dir(root().join("tests/golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".snap.yaml"))
        .collect();
    scenarios.sort();
    assert!(!scenarios.is_empty());
    files.extend(scenarios.into_iter().map(|p| (p, "scenarios.schema.json")));
    files
}

#[test]
fn every_example_file_names_its_schema_and_is_valid() {
    for (path, schema_name) in example_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{} does not name its schema", path.display()));
        assert!(
            target.ends_with(schema_name),
            "{}: {target}",
            path.display()
        );
        let schema_path = path.parent().unwrap().join(target);
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let value: Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn the_schemas_reject_what_the_loader_rejects() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/localities.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let unknown_field: Value =
        serde_json::json!({"localities": [{"id": "a", "name": "A", "ward": 3}]});
    assert!(!validator.is_valid(&unknown_field));
    let missing_name: Value = serde_json::json!({"localities": [{"id": "a"}]});
    assert!(!validator.is_valid(&missing_name));
}

#[test]
fn the_scenario_schema_rejects_what_the_loader_rejects() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/scenarios.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let case = |case: Value| serde_json::json!({ "cases": [case] });
    let good = case(serde_json::json!({
        "name": "high risk", "answers": {"risk": "high", "perpetrator": false, "age": 30},
        "each": {"locality": ["portsmouth"]}, "rows": [{"hbv": "no"}], "includes": ["marac"]
    }));
    assert!(validator.is_valid(&good));
    let misspelt = case(serde_json::json!({"name": "a", "include": ["marac"]}));
    assert!(!validator.is_valid(&misspelt));
    let nameless = case(serde_json::json!({"includes": ["marac"]}));
    assert!(!validator.is_valid(&nameless));
    let table_of_one = case(serde_json::json!({"name": "a", "each": {"risk": "high"}}));
    assert!(!validator.is_valid(&table_of_one));
}
