//! The JSON Schema of scenario files, generated from the structs they are read into
//! (`raw`), and the list of every schema an area's YAML files name.

use crate::directory::schema::{self, SchemaFile};
use crate::golden::raw;

/// The schema of `tests/golden/*.yaml`.
pub fn scenarios() -> SchemaFile {
    schema::file::<raw::ScenarioFile>("scenarios.schema.json", "tests/golden/*.yaml")
}

/// Every schema, in a fixed order: the directory's, then the scenario files'.
pub fn all() -> Vec<SchemaFile> {
    let mut files = schema::schemas();
    files.push(scenarios());
    files
}
