//! Scenario files exactly as written (`tests/golden/*.yaml`): every value a problem may
//! be reported at keeps its line and column, so that an unknown question, value,
//! service or pathway is reported where it was written.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// Text with its position in the file.
pub type Text = Spanned<String>;

/// A scenario file: a list of cases.
///
/// ```yaml
/// cases:
///   - name: high risk in Hilsea
///     answers: {locality: hilsea, perpetrator: no, risk: high}
///     includes: [marac, idva]
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub cases: Vec<Case>,
}

/// One case: answers (possibly a table of them) and what the result must be.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique across every scenario file of the area.
    pub name: Text,
    #[serde(default)]
    pub description: Option<Text>,
    #[serde(default)]
    pub tags: Vec<Text>,
    /// Evaluate as of this date (YYYY-MM-DD) instead of the area's reference date.
    #[serde(default)]
    pub as_of: Option<Text>,
    /// `question: value` for each question answered; the others are left open.
    #[serde(default)]
    pub answers: Entries<Text>,
    /// A table: `question: [value, ...]`; the case runs once for every combination.
    #[serde(default)]
    pub each: Option<Spanned<Entries<Vec<Text>>>>,
    /// A table: one answer set a row, each added to `answers`.
    #[serde(default)]
    pub rows: Option<Spanned<Vec<Entries<Text>>>>,
    /// Exactly these services (in any order).
    #[serde(default)]
    pub refer: Option<Spanned<Vec<Text>>>,
    /// At least these services.
    #[serde(default)]
    pub includes: Vec<Text>,
    /// None of these services.
    #[serde(default)]
    pub excludes: Vec<Text>,
    /// Exactly these pathways fire (in any order).
    #[serde(default)]
    pub pathways: Option<Spanned<Vec<Text>>>,
    /// Exactly these unanswered questions could still change the result.
    #[serde(default)]
    pub questions_that_matter: Option<Spanned<Vec<Text>>>,
    /// `true`: no pathway refers anywhere.
    #[serde(default)]
    pub no_referral: Option<Spanned<bool>>,
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
