//! Reading one YAML file with serde-saphyr: its positions become our spans, its errors
//! become diagnostics in plain words at the offending value.

use serde::de::DeserializeOwned;
use serde_saphyr::{Error, Location, MessageFormatter, Spanned, UserMessageFormatter};

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Located, Sources, Span};
use crate::suggest::did_you_mean;

/// Deserialises a whole file, or says in one diagnostic why it cannot be read.
pub fn parse<T: DeserializeOwned>(sources: &Sources, file: FileId) -> Result<T, Box<Diagnostic>> {
    let text = sources.text(file);
    let options = serde_saphyr::options! { with_snippet: false };
    serde_saphyr::from_str_with_options(text, options)
        .map_err(|error| Box::new(diagnostic(sources, file, &error)))
}

/// The span of a saphyr location: its byte range, which saphyr records when it reads a
/// string (counting characters from its line and column cost a scan per value, some
/// 300,000 values in a national directory), else its line and column (characters,
/// 1-based) and length.
pub fn span_of(sources: &Sources, file: FileId, location: &Location) -> Span {
    let text = sources.text(file);
    let number = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let span = location.span();
    let at_boundary = |offset: usize| text.is_char_boundary(offset).then_some(offset);
    let start = span
        .byte_offset()
        .and_then(|b| at_boundary(number(b)))
        .unwrap_or_else(|| {
            sources.offset_of(file, number(location.line()), number(location.column()))
        });
    let rest = text.get(start..).unwrap_or("");
    let end = if span.is_empty() {
        // Collections start with no length: cover the word there (e.g. a mapping's first key).
        start
            + rest
                .find(|c: char| c.is_whitespace() || ":,[]{}".contains(c))
                .unwrap_or(rest.len())
    } else {
        span.byte_len()
            .and_then(|len| at_boundary(start.saturating_add(number(len))))
            .unwrap_or_else(|| {
                let length = number(span.len());
                start + rest.chars().take(length).map(char::len_utf8).sum::<usize>()
            })
    };
    Span::new(file, start, end)
}

/// Where a spanned value was written (where it is used, for aliases).
pub fn span<T>(sources: &Sources, file: FileId, value: &Spanned<T>) -> Span {
    span_of(sources, file, &value.referenced)
}

pub fn located<T>(sources: &Sources, file: FileId, value: Spanned<T>) -> Located<T> {
    let span = span(sources, file, &value);
    Located::new(value.value, span)
}

fn diagnostic(sources: &Sources, file: FileId, error: &Error) -> Diagnostic {
    let mut inner = error;
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let span = match error.location() {
        Some(_) if is_blank(sources.text(file)) => Some(Span::new(file, 0, 0)),
        Some(location) => Some(span_of(sources, file, &location)),
        None => None,
    };
    let key = span.and_then(|s| key_before(sources.text(file), s.start));
    let described = describe(sources, file, inner, key);
    match span {
        Some(span) => described.at(span),
        None => described,
    }
}

/// The field a value belongs to: the `key:` just before it, on its line or the one above.
fn key_before(text: &str, offset: usize) -> Option<String> {
    // An empty value is placed at its key's colon.
    let end = offset + usize::from(text.get(offset..)?.starts_with(':'));
    let before = text.get(..end)?.trim_end();
    let before = before.strip_suffix(':')?;
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let key = before.get(start..)?;
    (!key.is_empty()).then(|| key.to_string())
}

/// Our code, message, label and help for each kind of saphyr error.
fn describe(sources: &Sources, file: FileId, error: &Error, key: Option<String>) -> Diagnostic {
    let message = printable(&UserMessageFormatter.format_message(error));
    match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let help = did_you_mean(field, expected.iter().copied()).unwrap_or_else(|| {
                if expected.is_empty() {
                    "remove it".to_string()
                } else {
                    format!("the fields here are: {}", expected.join(", "))
                }
            });
            Diagnostic::error(
                "unknown-field",
                format!("unknown field `{}`", printable(field)),
            )
            .label("not a field here")
            .help(help)
        }
        Error::SerdeMissingField { field, .. } => {
            Diagnostic::error("missing-field", format!("the field `{field}` is missing"))
                .label(format!("the fields here have no `{field}`"))
                .help(format!("add a line `{field}: ...`"))
        }
        Error::NullIntoString { .. } => {
            let what = key.map_or("this value".to_string(), |k| format!("`{k}`"));
            Diagnostic::error("empty-field", format!("{what} is empty"))
                .label("a value is needed here")
                .help("write a value after the colon")
        }
        Error::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().map(printable).unwrap_or_default();
            Diagnostic::error(
                "duplicate-field",
                format!("the field `{key}` is written twice"),
            )
            .label("written again here")
            .help("keep one of the two")
        }
        Error::InvalidScalar { ty, .. } => wrong_type(scalar_wanted(ty), key),
        Error::Unexpected { expected, .. } => wrong_type(structure_wanted(expected), key),
        Error::SerdeInvalidType { .. }
        | Error::SerdeInvalidValue { .. }
        | Error::SerdeInvalidLength { .. } => wrong_type(message, key),
        Error::Eof { .. } if is_blank(sources.text(file)) => {
            Diagnostic::error("empty-file", "the file is empty")
                .label("nothing here")
                .help("write the file's fields, or delete the file")
        }
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => too_complex(message),
        _ if message.contains("recursion limit") => too_complex(message),
        Error::MultipleDocuments { .. } => {
            Diagnostic::error("yaml-syntax", "the file holds more than one YAML document")
                .label("a second document starts here")
                .help("remove the `---` line: each file holds one document")
        }
        _ => Diagnostic::error("yaml-syntax", message)
            .label("the YAML cannot be read here")
            .help("check the indentation, colons and brackets around this point"),
    }
}

fn wrong_type(wanted: String, key: Option<String>) -> Diagnostic {
    let message = match key {
        Some(key) => format!("wrong kind of value for `{key}`: {wanted}"),
        None => wanted,
    };
    Diagnostic::error("wrong-type", message)
        .label("wrong kind of value")
        .help("see the directory format in the README for what this field holds")
}

fn too_complex(message: String) -> Diagnostic {
    Diagnostic::error(
        "too-complex",
        format!("the YAML is too complex to read: {message}"),
    )
    .label("nested or repeated too deeply")
    .help("directory files need no anchors, aliases or deep nesting; write the values out")
}

fn scalar_wanted(ty: &str) -> String {
    match ty {
        "bool" | "boolean" => "expected `true` or `false` (or `yes` or `no`)".to_string(),
        t if t.starts_with('u') || t.starts_with('i') => "expected a whole number".to_string(),
        t => format!("expected a {t}"),
    }
}

fn structure_wanted(expected: &str) -> String {
    match expected {
        "sequence start" => "expected a list, e.g. `[a, b]` or lines starting with `- `".into(),
        "mapping start" => "expected `field: value` lines here".into(),
        "string scalar" => "expected text here, not a list or a mapping".into(),
        other => format!("expected {other}"),
    }
}

fn is_blank(text: &str) -> bool {
    text.lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// Text from the input made safe to print: control characters escaped.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        name: Spanned<String>,
        #[serde(default)]
        count: Option<u32>,
    }

    fn file(text: &str) -> (Sources, FileId) {
        let mut sources = Sources::new();
        let file = sources.add("t.yaml", text);
        (sources, file)
    }

    #[test]
    fn spans_cover_the_value_after_wide_characters() {
        let (sources, f) = file("# café ☕\nname: \"Café\"\n");
        let entry: Entry = parse(&sources, f).unwrap();
        let span = span(&sources, f, &entry.name);
        assert_eq!(sources.slice(span), "\"Café\"");
        assert_eq!(sources.line_column(f, span.start).line, 2);
        assert_eq!(entry.count, None);
    }

    #[test]
    fn errors_name_the_field_and_suggest() {
        let (sources, f) = file("name: x\ncuont: 3\n");
        let d = parse::<Entry>(&sources, f).unwrap_err();
        assert_eq!(d.code, "unknown-field");
        assert_eq!(d.help.as_deref(), Some("did you mean `count`?"));
        assert_eq!(sources.slice(d.span.unwrap()), "cuont");

        let (sources, f) = file("name: x\ncount: many\n");
        let d = parse::<Entry>(&sources, f).unwrap_err();
        assert_eq!(d.code, "wrong-type");
        assert_eq!(
            d.message,
            "wrong kind of value for `count`: expected a whole number"
        );

        let (sources, f) = file("name:\n");
        let d = parse::<Entry>(&sources, f).unwrap_err();
        assert_eq!(
            (d.code, d.message.as_str()),
            ("empty-field", "`name` is empty")
        );

        let (sources, f) = file("  # nothing\n");
        assert_eq!(parse::<Entry>(&sources, f).unwrap_err().code, "empty-file");
    }

    #[test]
    fn keys_are_found_on_the_line_or_above() {
        assert_eq!(
            key_before("a: 1\ntiers:\n  x: 1", 14),
            Some("tiers".to_string())
        );
        assert_eq!(
            key_before("  self_referral: maybe", 17),
            Some("self_referral".to_string())
        );
        assert_eq!(key_before("- a", 2), None);
    }
}
