//! Checks for the values written in directory files that YAML alone cannot type: dates,
//! ids, email addresses and links. Each says in plain words what is wrong and, where the
//! intent is obvious, what to write instead.

use jiff::civil::Date;

use super::phone;

/// Why a value was refused: the message, the short label under the value, and a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>, label: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            label: label.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// "write it as `x`", the usual help when the intended value is clear.
    pub fn suggest(self, fixed: &str) -> Self {
        self.help(format!("write it as `{fixed}`"))
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date written `YYYY-MM-DD`.
pub fn date(text: &str) -> Result<Date, Problem> {
    let Some((year, month, day)) = date_parts(text) else {
        return Err(date_form_problem(text));
    };
    let Some(month_name) = usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| MONTHS.get(m))
    else {
        return Err(Problem::new(
            format!("`{text}` is not a date: there is no month {month}"),
            "not a real month",
        )
        .help("write dates as YYYY-MM-DD, with the month from 01 to 12"));
    };
    let first = Date::new(year, month, 1).map_err(|_| date_form_problem(text))?;
    let days = first.days_in_month();
    Date::new(year, month, day).map_err(|_| {
        Problem::new(
            format!("`{text}` is not a day: {month_name} {year} has {days} days"),
            "no such day",
        )
        .help("check the day of the month")
    })
}

/// Year, month and day of `YYYY-MM-DD`, if the text has exactly that shape.
fn date_parts(text: &str) -> Option<(i16, i8, i8)> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    Some((year.parse().ok()?, month.parse().ok()?, day.parse().ok()?))
}

/// The problem for text not shaped like `YYYY-MM-DD`, with the fix for common shapes
/// (British day/month/year order, or missing leading zeros).
fn date_form_problem(text: &str) -> Problem {
    let problem = Problem::new(
        format!("`{text}` is not a date in the form YYYY-MM-DD"),
        "not a YYYY-MM-DD date",
    );
    let numbers: Vec<&str> = text.split(['-', '/', '.']).collect();
    let fixed = match numbers.as_slice() {
        [y, m, d] if y.len() == 4 => rebuild(y, m, d),
        [d, m, y] if y.len() == 4 => rebuild(y, m, d),
        _ => None,
    };
    // Checked without `date`, which comes back here on a bad shape: `2r12-09-03`
    // rebuilds to itself and would recurse until the stack ran out.
    let real = |fixed: &str| date_parts(fixed).is_some_and(|(y, m, d)| Date::new(y, m, d).is_ok());
    match fixed {
        Some(fixed) if real(&fixed) => problem.suggest(&fixed),
        _ => problem.help("write dates as YYYY-MM-DD, e.g. `2013-04-01` for 1 April 2013"),
    }
}

fn rebuild(year: &str, month: &str, day: &str) -> Option<String> {
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u8>().ok())
            .flatten()
    };
    Some(format!("{year}-{:02}-{:02}", number(month)?, number(day)?))
}

/// Characters that cannot be seen or that reorder text: never acceptable in ids or links
/// (nor anywhere in a rule file).
pub(crate) fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' | '\u{200F}' => "DIRECTION MARK",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "DIRECTION CONTROL",
        '\u{2060}' => "WORD JOINER",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        c if c.is_control() => "CONTROL CHARACTER",
        _ => return None,
    })
}

/// Refuses invisible characters, naming the first one.
fn visible(text: &str, what: &str) -> Result<(), Problem> {
    let Some((c, name)) = text.chars().find_map(|c| invisible_name(c).map(|n| (c, n))) else {
        return Ok(());
    };
    let cleaned: String = text
        .chars()
        .filter(|c| invisible_name(*c).is_none())
        .collect();
    Err(Problem::new(
        format!(
            "{what} `{}` contains an invisible character (U+{:04X} {name})",
            text.escape_debug(),
            u32::from(c)
        ),
        "contains an invisible character",
    )
    .help(format!("retype it as `{cleaned}`")))
}

/// Refuses in free text (a name, a description) the characters that are never meant:
/// control characters other than line breaks and tabs, and the direction embeddings,
/// overrides and isolates, which can show a name or a phone number in another order
/// than it reads. Joiners and direction marks stay: scripts such as Persian need them.
pub fn readable(text: &str, field: &str) -> Result<(), Problem> {
    let hidden = |c: &char| {
        matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    };
    let Some(c) = text.chars().find(hidden) else {
        return Ok(());
    };
    let (name, why, help) = if c.is_control() {
        (
            "a control character",
            "it may have come with text pasted from another program",
            "delete it",
        )
    } else {
        (
            "a direction control",
            "it can show the text in a different order from how it reads",
            "delete it: right-to-left text needs no direction controls",
        )
    };
    Err(Problem::new(
        format!(
            "the {field} contains {name} (U+{:04X}): {why}",
            u32::from(c)
        ),
        "hidden character",
    )
    .help(help))
}

/// The longest id, in characters: ids appear in file names, links and messages.
pub const MAX_ID_CHARS: usize = 100;

/// The longest text value (a name, a description, a link), in characters: a service's
/// description is a paragraph or two, and every text is copied into several pages.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Refuses a value longer than `max` characters, quoting only its start.
pub fn length(text: &str, max: usize, what: &str) -> Result<(), Problem> {
    let count = text.chars().count();
    if count <= max {
        return Ok(());
    }
    let start: String = text.chars().take(20).collect();
    Err(Problem::new(
        format!(
            "{what} starting `{}` is {count} characters long, more than the {max} allowed",
            start.escape_debug()
        ),
        "too long",
    )
    .help(format!("shorten it to at most {max} characters")))
}

/// An id: lowercase letters, digits and hyphens, starting with a letter (e.g. `hilsea`,
/// `court-order`). Anything that could look like another id is refused.
pub fn id(text: &str) -> Result<(), Problem> {
    length(text, MAX_ID_CHARS, "the id")?;
    visible(text, "the id")?;
    if text.is_empty() {
        return Err(Problem::new("an id cannot be empty", "empty id")
            .help("ids use lowercase letters, digits and hyphens, e.g. `central-southsea`"));
    }
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return Err(Problem::new(
            format!(
                "the id `{text}` contains `{c}` (U+{:04X}), which is not a plain a-z letter",
                u32::from(c)
            ),
            "not a plain letter",
        )
        .help("ids use only a-z, 0-9 and hyphens; letters from other alphabets can look identical, so retype it"));
    }
    let problem = |message: String, label: &str| {
        let problem = Problem::new(message, label);
        match suggested_id(text) {
            Some(fixed) => problem.suggest(&fixed),
            None => problem
                .help("ids use lowercase letters, digits and hyphens, starting with a letter"),
        }
    };
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let what = if c.is_ascii_uppercase() {
            "a capital letter".to_string()
        } else {
            format!("`{}`", c.escape_debug())
        };
        return Err(problem(
            format!("the id `{text}` contains {what}"),
            "not a valid id",
        ));
    }
    if !text.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(problem(
            format!("the id `{text}` does not start with a letter"),
            "must start with a letter",
        ));
    }
    if text.ends_with('-') || text.contains("--") {
        return Err(problem(
            format!("the id `{text}` has a stray hyphen"),
            "hyphens only between words",
        ));
    }
    Ok(())
}

/// The id most likely meant by `text`, if it differs and is valid (e.g. `St Jude` → `st-jude`).
pub fn suggested_id(text: &str) -> Option<String> {
    let fixed = kebab(text);
    (fixed != text && is_id(&fixed)).then_some(fixed)
}

fn is_id(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The most likely intended id: lowercase, with spaces and underscores as hyphens.
fn kebab(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// An email address (`someone@example.org`), without `mailto:`.
pub fn email(text: &str) -> Result<(), Problem> {
    visible(text, "the address")?;
    if let Some(rest) = text.strip_prefix("mailto:") {
        return Err(Problem::new(
            format!("`{text}` is a link, not an email address"),
            "remove `mailto:`",
        )
        .suggest(rest));
    }
    if text.contains(char::is_whitespace) {
        let fixed: String = text.split_whitespace().collect();
        let problem = Problem::new(
            format!("the email address `{text}` contains a space"),
            "spaces are not allowed",
        );
        return Err(if is_email(&fixed) {
            problem.suggest(&fixed)
        } else {
            problem
        });
    }
    if is_email(text) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not an email address"),
            "not an email address",
        )
        .help("write it as `name@domain`, e.g. `referrals@example.org`"))
    }
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    local_ok && is_host(domain)
}

/// A domain name with at least one dot, made of ASCII letters, digits and hyphens.
fn is_host(host: &str) -> bool {
    host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Which kinds of link a field accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Web pages only (`http`, `https`).
    Web,
    /// Web pages, email (`mailto:`) and phone (`tel:`) links.
    Any,
}

impl Links {
    fn schemes(self) -> &'static [&'static str] {
        match self {
            Links::Web => &["https", "http"],
            Links::Any => &["https", "http", "mailto", "tel"],
        }
    }
}

/// A link a reader may follow: only the schemes of `allowed`, never `javascript:` and
/// the like, and nothing that could disguise where it leads.
pub fn link(text: &str, allowed: Links) -> Result<(), Problem> {
    visible(text, "the link")?;
    if let Some(c) = text.chars().find(|c| !c.is_ascii() || c.is_whitespace()) {
        let what = if c.is_whitespace() {
            "a space".to_string()
        } else {
            format!("`{c}` (U+{:04X})", u32::from(c))
        };
        return Err(Problem::new(
            format!("the link `{text}` contains {what}"),
            "not allowed in a link",
        )
        .help("links use plain ASCII; encode other characters (e.g. `%20` for a space)"));
    }
    let schemes = allowed.schemes();
    let Some((scheme, rest)) = text
        .split_once(':')
        .filter(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()))
    else {
        return Err(no_scheme(text, allowed));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !schemes.contains(&scheme.as_str()) {
        let problem = Problem::new(
            format!("`{scheme}:` links are not allowed"),
            "not an allowed kind of link",
        );
        let list = schemes.join(", ");
        return Err(
            if ["javascript", "vbscript", "data", "file"].contains(&scheme.as_str()) {
                problem.help(format!(
                    "such links can run code or open local files; links may only use {list}"
                ))
            } else {
                problem.help(format!("links may only use {list}"))
            },
        );
    }
    match scheme.as_str() {
        "mailto" => email(rest),
        "tel" => phone::check(rest).map_err(|p| Problem {
            message: format!("`{text}` is not a UK phone link: {}", p.message),
            ..p
        }),
        _ => web(text, rest),
    }
}

fn no_scheme(text: &str, allowed: Links) -> Problem {
    let problem = Problem::new(
        format!("`{text}` is not a full link"),
        "does not start with `https://`",
    );
    if is_email(text) && allowed == Links::Any {
        problem.help(format!("did you mean `mailto:{text}`?"))
    } else if is_host(text.split('/').next().unwrap_or("")) {
        problem.help(format!("did you mean `https://{text}`?"))
    } else {
        problem.help("write the whole address, starting with `https://`")
    }
}

/// The part of an http(s) link after the scheme: `//host[:port][/path...]`.
fn web(text: &str, rest: &str) -> Result<(), Problem> {
    let authority = rest
        .strip_prefix("//")
        .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let host = authority.map(|a| a.rsplit_once(':').map_or(a, |(h, _)| h));
    match host {
        Some(host) if is_host(host) || host == "localhost" => Ok(()),
        _ => Err(Problem::new(
            format!("`{text}` does not name a web site"),
            "no site name after `//`",
        )
        .help("write it as `https://www.example.org/page`")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn dates_say_what_is_wrong() {
        assert_eq!(date("2012-02-29").unwrap(), Date::new(2012, 2, 29).unwrap());
        let leap = date("2012-02-30").unwrap_err();
        assert_eq!(
            leap.message,
            "`2012-02-30` is not a day: February 2012 has 29 days"
        );
        assert!(
            date("2012-13-01")
                .unwrap_err()
                .message
                .contains("no month 13")
        );
        assert_eq!(
            date("1/4/2013").unwrap_err().help.as_deref(),
            Some("write it as `2013-04-01`")
        );
        assert_eq!(
            date("2013-4-1").unwrap_err().help.as_deref(),
            Some("write it as `2013-04-01`")
        );
        assert!(
            date("next april")
                .unwrap_err()
                .help
                .unwrap()
                .contains("YYYY-MM-DD")
        );
        assert!(date("2012-00-10").is_err());
    }

    #[test]
    fn free_text_refuses_direction_and_control_characters_only() {
        for ok in [
            "Advice\nand support",
            "Cafe\u{0301}",
            "\u{0645}\u{200C}\u{0627}",
            "A\u{200F}1",
        ] {
            assert!(readable(ok, "name").is_ok(), "{ok:?}");
        }
        let override_ = readable("Call 01632 \u{202E}960001", "name").unwrap_err();
        assert!(override_.message.contains("direction control (U+202E)"));
        let isolate = readable("x\u{2067}y", "summary").unwrap_err();
        assert!(isolate.message.starts_with("the summary contains"));
        let bell = readable("ring\u{7}", "hours").unwrap_err();
        assert!(bell.message.contains("control character (U+0007)"));
        assert!(readable("esc\u{1b}[31m", "name").is_err());
        assert!(readable("c1\u{85}", "name").is_err());
    }

    #[test]
    fn a_year_with_a_letter_is_not_a_date_and_no_loop() {
        for text in ["2r12-09-03", "2r12/09/03", "3/9/2r12", "2012-9-31"] {
            let problem = date(text).unwrap_err();
            assert!(
                problem.message.contains("YYYY-MM-DD"),
                "{}",
                problem.message
            );
            assert!(problem.help.unwrap().contains("YYYY-MM-DD"), "{text}");
        }
    }

    #[test]
    fn ids_are_plain_kebab_case() {
        for good in ["hilsea", "st-jude", "t2-support", "a1"] {
            assert!(id(good).is_ok(), "{good}");
        }
        assert_eq!(
            id("St Jude").unwrap_err().help.as_deref(),
            Some("write it as `st-jude`")
        );
        assert_eq!(
            id("court_order").unwrap_err().help.as_deref(),
            Some("write it as `court-order`")
        );
        assert!(
            id("2nd-ward")
                .unwrap_err()
                .message
                .contains("start with a letter")
        );
        assert!(id("ward-").unwrap_err().message.contains("stray hyphen"));
        assert!(id("").is_err());
        let hidden = id("hil\u{200B}sea").unwrap_err();
        assert!(
            hidden.message.contains("U+200B ZERO WIDTH SPACE"),
            "{}",
            hidden.message
        );
        assert_eq!(hidden.help.as_deref(), Some("retype it as `hilsea`"));
        let cyrillic = id("hils\u{0435}a").unwrap_err();
        assert!(cyrillic.message.contains("U+0435"), "{}", cyrillic.message);
    }

    #[test]
    fn emails() {
        assert!(email("referrals@example.org").is_ok());
        assert_eq!(
            email("mailto:a@example.org").unwrap_err().help.as_deref(),
            Some("write it as `a@example.org`")
        );
        assert_eq!(
            email("a @example.org").unwrap_err().help.as_deref(),
            Some("write it as `a@example.org`")
        );
        assert!(email("example.org").is_err());
        assert!(email("a@localhost").is_err());
        assert!(email("a@exa mple").is_err());
    }

    #[test]
    fn links_only_safe_schemes() {
        assert!(link("https://www.example.org/refer?x=1", Links::Web).is_ok());
        assert!(link("http://localhost:8080/", Links::Web).is_ok());
        assert!(link("mailto:marac@example.org", Links::Any).is_ok());
        assert!(link("tel:+441632960000", Links::Any).is_ok());
        assert!(link("mailto:marac@example.org", Links::Web).is_err());
        let js = link("javascript:alert(1)", Links::Any).unwrap_err();
        assert!(js.message.contains("`javascript:`"), "{}", js.message);
        assert!(js.help.unwrap().contains("run code"));
        assert_eq!(
            link("www.example.org", Links::Web)
                .unwrap_err()
                .help
                .as_deref(),
            Some("did you mean `https://www.example.org`?")
        );
        assert_eq!(
            link("idva@example.org", Links::Any)
                .unwrap_err()
                .help
                .as_deref(),
            Some("did you mean `mailto:idva@example.org`?")
        );
        assert!(link("https://", Links::Web).is_err());
        assert!(link("https://exa mple.org", Links::Web).is_err());
        assert!(link("https://ex\u{0430}mple.org", Links::Web).is_err());
        assert!(link("tel:123", Links::Any).is_err());
    }
}
