//! Scenario files exactly as written (`tests/golden/*.yaml`): every value a problem may
//! be reported at keeps its line and column, so that an unknown question, value,
//! service or pathway is reported where it was written.

use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// Text with its position in the file.
pub type Text = Spanned<String>;

/// A scenario file (`tests/golden/*.yaml`): the golden test cases, each with answers
/// and what the finder must then say.
///
/// ```yaml
/// cases:
///   - name: high risk in Hilsea
///     answers: {locality: hilsea, perpetrator: no, risk: high}
///     includes: [marac, idva]
/// ```
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The cases, run in the order written.
    pub cases: Vec<Case>,
}

/// One case: answers (possibly a table of them) and what the result must be.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, in plain words; unique across every scenario file of the area.
    #[schemars(with = "String")]
    pub name: Text,
    /// Optional longer text: why the result must be so (the policy behind it).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
    /// Optional words to pick cases with `pathways test --filter`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub tags: Vec<Text>,
    /// Evaluate as of this date (YYYY-MM-DD) instead of the area's reference date.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub as_of: Option<Text>,
    /// `question: value` for each question answered; the others are left open.
    #[serde(default)]
    #[schemars(schema_with = "answers")]
    pub answers: Entries<Text>,
    /// A table: `question: [value, ...]`; the case runs once for every combination
    /// (a locality group stands for each of its localities).
    #[serde(default)]
    #[schemars(schema_with = "table")]
    pub each: Option<Spanned<Entries<Vec<Text>>>>,
    /// A table: one answer set a row, each added to `answers`.
    #[serde(default)]
    #[schemars(schema_with = "rows")]
    pub rows: Option<Spanned<Vec<Entries<Text>>>>,
    /// Exactly these services (in any order).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub refer: Option<Spanned<Vec<Text>>>,
    /// At least these services.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub includes: Vec<Text>,
    /// None of these services.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub excludes: Vec<Text>,
    /// Exactly these pathways fire (in any order).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub pathways: Option<Spanned<Vec<Text>>>,
    /// Exactly these unanswered questions could still change the result.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub questions_that_matter: Option<Spanned<Vec<Text>>>,
    /// `true`: no pathway refers anywhere (only `otherwise` may); `false`: some pathway does.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub no_referral: Option<Spanned<bool>>,
}

/// One answer as YAML may read it: a value id or a number, and `yes`/`no`, which
/// some readers take for booleans.
fn answer() -> Schema {
    json_schema!({
        "description": "A value of the question: `yes` or `no`, a value id (`high`, a locality id) or a whole number.",
        "type": ["string", "integer", "boolean"]
    })
}

fn answers(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": answer()
    })
}

fn table(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": {"type": "array", "items": answer()}
    })
}

fn rows(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": answers(generator)
    })
}

/// The entries of a mapping in file order, keys with their positions (a `BTreeMap`
/// would lose both). Repeated keys are rejected by the YAML reader itself.
#[derive(Debug)]
pub struct Entries<V>(pub Vec<(Text, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

struct EntriesVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
    type Value = Entries<V>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`question: value` lines")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Text>()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Entries(entries))
    }
}
