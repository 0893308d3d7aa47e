//! JSON Schemas of the directory files, generated from the structs they are read into
//! (`raw`), for editors to complete and check the YAML as it is typed.

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};

use crate::directory::raw;

/// One schema file: its name under `schemas/`, the directory files it describes and
/// its text (pretty JSON with a final newline).
pub struct SchemaFile {
    pub name: &'static str,
    pub describes: &'static str,
    pub text: String,
}

/// Every directory schema, in a fixed order.
pub fn schemas() -> Vec<SchemaFile> {
    vec![
        file::<raw::Area>("area.schema.json", "directory/area.yaml"),
        file::<raw::Localities>("localities.schema.json", "directory/localities.yaml"),
        file::<Vec<raw::Category>>("categories.schema.json", "directory/categories.yaml"),
        file::<raw::Service>("service.schema.json", "directory/services/*.yaml"),
    ]
}

/// The schema of `T`, read from `describes`, under `schemas/name`.
pub fn file<T: JsonSchema>(name: &'static str, describes: &'static str) -> SchemaFile {
    let mut schema = generator().into_root_schema_for::<T>();
    schema.insert("$id".into(), format!("pathways/schemas/{name}").into());
    schema.insert("title".into(), format!("pathways: {describes}").into());
    if schema.get("description").is_none() {
        schema.insert(
            "description".into(),
            format!("The list of categories in `{describes}`.").into(),
        );
    }
    SchemaFile {
        name,
        describes,
        text: pretty(&schema),
    }
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft07().into_generator()
}

fn pretty(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema.as_value()).unwrap_or_default();
    text.push('\n');
    text
}
