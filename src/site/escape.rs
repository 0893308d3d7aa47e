//! Escaping the site needs beyond tera's HTML autoescape: JSON inside `<script>`
//! elements, and links built only from validated phone numbers, emails and web addresses.
//!
//! Tera escapes `& < > " '` in every `{{ }}` of a `.html` template, which makes text and
//! quoted attribute values safe; it cannot make a URL safe (`javascript:` survives HTML
//! escaping), so every `href` the site writes from directory data comes from here.

use std::fmt::Write as _;

use serde::Serialize;

/// HTML-escapes text for tera's autoescape: `& < > " '` become `&amp; &lt; &gt;
/// &quot; &#39;`, as tera's own escaping writes them; the text between them is copied
/// a run at a time rather than a byte at a time (escaping was a tenth of a site build).
pub fn html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut rest = text.as_bytes();
    while let Some(at) = rest
        .iter()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        let (run, special) = rest.split_at(at);
        out.write_all(run)?;
        let Some((&byte, after)) = special.split_first() else {
            break;
        };
        out.write_all(match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            _ => b"&#39;",
        })?;
        rest = after;
    }
    out.write_all(rest)
}

/// Serialises JSON for a `<script type="application/json">` element: `<`, `>` and `&`
/// become `\u003c`, `\u003e`, `\u0026` (so no `</script>` or `<!--` can end or confuse
/// the element), and U+2028/U+2029 are escaped for old JavaScript parsers. The result
/// is still the same JSON value.
pub fn safe_json_for_script<T: Serialize + ?Sized>(value: &T) -> String {
    let mut json = Vec::new();
    let written = value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut json, ScriptSafe,
    ));
    // Serialising fails only for a map whose keys are not text, which no view has.
    match written {
        Ok(()) => String::from_utf8(json).unwrap_or_else(|_| "null".to_string()),
        Err(_) => "null".to_string(),
    }
}

/// serde_json's compact output, escaping as it writes: the characters
/// [`safe_json_for_script`] escapes can only occur inside strings, which reach the
/// output through this one method (a second pass over a finder's megabytes of JSON
/// took as long as writing it).
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['<', '>', '&', '\u{2028}', '\u{2029}']) {
            let (before, from) = rest.split_at(at);
            writer.write_all(before.as_bytes())?;
            let mut chars = from.chars();
            if let Some(c) = chars.next() {
                write!(writer, "\\u{:04x}", u32::from(c))?;
            }
            rest = chars.as_str();
        }
        writer.write_all(rest.as_bytes())
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A `tel:` link for a phone number written with digits, spaces, brackets, dashes and
/// an optional leading `+`; `None` for anything else.
pub fn tel_href(phone: &str) -> Option<String> {
    let (plus, rest) = match phone.trim().strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", phone.trim()),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || " ()-".contains(c))
    {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 3).then(|| format!("tel:{plus}{digits}"))
}

/// Whether `email` is a plain address (`local@domain.tld`) safe to put in a `mailto:`.
pub fn is_plain_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._+-".contains(c);
    !local.is_empty()
        && local.chars().all(allowed)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
}

/// A `mailto:` link, with an optional subject (percent-encoded); `None` when the
/// address is not a plain email address.
pub fn mailto_href(email: &str, subject: Option<&str>) -> Option<String> {
    if !is_plain_email(email) {
        return None;
    }
    Some(match subject {
        Some(subject) => format!("mailto:{email}?subject={}", percent_encode(subject)),
        None => format!("mailto:{email}"),
    })
}

/// The address itself when it is an `https://` or `http://` URL with a host and no
/// spaces, quotes or angle brackets; `None` otherwise (`javascript:`, `data:`, ...).
pub fn web_href(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host_ok = rest
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|host| !host.is_empty());
    let chars_ok = url
        .chars()
        .all(|c| c.is_ascii_graphic() && !"\"'<>\\`{}|^".contains(c));
    (host_ok && chars_ok).then(|| url.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    proptest::proptest! {
        #[test]
        fn html_escaping_writes_what_teras_does(text in ".*", markup in "[<>&\"' a]{0,40}") {
            for input in [text, markup] {
                let (mut ours, mut teras) = (Vec::new(), Vec::new());
                html(&input, &mut ours).unwrap();
                tera::escape_html(&input, &mut teras).unwrap();
                proptest::prop_assert_eq!(ours, teras);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn script_json_escapes_what_a_pass_over_the_json_would(
            text in ".*",
            markup in "[<>&\u{2028}\u{2029}\"\\\\ a\u{e9}]{0,40}",
        ) {
            let value = json!({ markup.clone(): [text, markup] });
            let mut expected = String::new();
            for c in serde_json::to_string(&value).unwrap().chars() {
                match c {
                    '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                        write!(expected, "\\u{:04x}", u32::from(c)).unwrap()
                    }
                    c => expected.push(c),
                }
            }
            proptest::prop_assert_eq!(safe_json_for_script(&value), expected);
        }
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let value = json!({"name": "</script><script>alert(1)</script>"});
        let safe = safe_json_for_script(&value);
        assert!(!safe.contains("</script"), "{safe}");
        assert!(!safe.contains('<'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }

    #[test]
    fn script_json_escapes_comment_openers_and_ampersands() {
        let value = json!(["<!--", "-->", "a & b"]);
        let safe = safe_json_for_script(&value);
        assert_eq!(safe, r#"["\u003c!--","--\u003e","a \u0026 b"]"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }

    #[test]
    fn script_json_escapes_line_and_paragraph_separators() {
        let value = json!("a\u{2028}b\u{2029}c");
        let safe = safe_json_for_script(&value);
        assert_eq!(safe, r#""a\u2028b\u2029c""#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }

    #[test]
    fn tel_links_keep_only_digits() {
        assert_eq!(tel_href("01632 960000").unwrap(), "tel:01632960000");
        assert_eq!(
            tel_href("+44 (0)1632 960-001").unwrap(),
            "tel:+4401632960001"
        );
        assert_eq!(tel_href("javascript:alert(1)"), None);
        assert_eq!(tel_href("0800\" onclick=\"x"), None);
    }

    #[test]
    fn mailto_subject_is_percent_encoded() {
        assert_eq!(
            mailto_href(
                "pathways@example.org",
                Some("Change to service: marac & co")
            )
            .unwrap(),
            "mailto:pathways@example.org?subject=Change%20to%20service%3A%20marac%20%26%20co"
        );
        assert_eq!(mailto_href("a@b.org?cc=x@y.org", None), None);
        assert_eq!(mailto_href("not an email", None), None);
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            web_href("https://www.example.org/refer?x=1").unwrap(),
            "https://www.example.org/refer?x=1"
        );
        assert_eq!(web_href("javascript:alert(1)"), None);
        assert_eq!(web_href("https://"), None);
        assert_eq!(web_href("https://example.org/\"><script>"), None);
        assert_eq!(web_href("data:text/html,hi"), None);
    }
}
