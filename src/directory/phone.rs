//! UK phone numbers as commissioners write them: `01632 960000`, `0808 157 0123` or
//! `+44 1632 960000`. Digits and spaces only, so every number reads and dials the same way.

use super::values::Problem;

/// Checks a UK number: 10 or 11 digits starting with 0, or `+44` and the same without
/// its 0; spaces anywhere. Suggests the usual spacing when the intent is clear.
pub fn check(text: &str) -> Result<(), Problem> {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    if compact.is_empty() {
        return Err(Problem::new("the phone number is empty", "no number here")
            .help("write a UK number such as `01632 960000`"));
    }
    if compact.chars().any(|c| !(c.is_ascii_digit() || c == '+')) {
        return Err(punctuation(text, &compact));
    }
    let national = if let Some(rest) = compact.strip_prefix("+44") {
        if rest.starts_with('0') {
            return Err(Problem::new(
                format!("`{text}` keeps the leading 0 after +44"),
                "drop the 0 after +44",
            )
            .suggest(&format!("+44 {}", spaced(rest).trim_start_matches('0'))));
        }
        format!("0{rest}")
    } else {
        compact.clone()
    };
    if national.contains('+') {
        return Err(Problem::new(
            format!("`{text}` is not a UK phone number"),
            "`+` only at the start, as `+44`",
        )
        .help("write a UK number such as `01632 960000` or `+44 1632 960000`"));
    }
    digits_problem(text, &national).map_or(Ok(()), Err)
}

/// What is wrong with an all-digit national number, if anything.
fn digits_problem(text: &str, national: &str) -> Option<Problem> {
    let count = national.len();
    if national.starts_with('0') {
        if count == 10 || count == 11 {
            return None;
        }
        return Some(
            Problem::new(
                format!(
                    "`{text}` has {count} digits; UK numbers have 10 or 11, counting the leading 0"
                ),
                "wrong number of digits",
            )
            .help("check for a missing or extra digit"),
        );
    }
    let problem = Problem::new(
        format!("`{text}` is not a UK phone number: it does not start with 0 or +44"),
        "must start with 0 or +44",
    );
    Some(match national.strip_prefix("44") {
        Some(rest) if count - 2 == 9 || count - 2 == 10 => problem.suggest(&format!(
            "+44 {}",
            spaced(&format!("0{rest}")).trim_start_matches('0')
        )),
        _ if count == 9 || count == 10 => problem.suggest(&spaced(&format!("0{national}"))),
        _ => problem.help("write a UK number such as `01632 960000`"),
    })
}

/// The problem for a number written with `-`, brackets or dots, with the fixed form.
fn punctuation(text: &str, compact: &str) -> Problem {
    let problem = Problem::new(
        format!("`{text}` contains characters other than digits and spaces"),
        "only digits and spaces",
    );
    let digits: String = compact
        .replacen("(0)", "", 1)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let fixed = match digits.strip_prefix("+44") {
        Some(rest) => format!(
            "+44 {}",
            spaced(&format!("0{rest}")).trim_start_matches('0')
        ),
        None => spaced(&digits),
    };
    if check(&fixed).is_ok() {
        problem.suggest(&fixed)
    } else {
        problem.help("write a UK number such as `01632 960000`")
    }
}

/// The usual spacing of a national number: `020 7946 0000`, `0800 123456`,
/// `01632 960000`, `07700 900000`.
fn spaced(national: &str) -> String {
    let split = |at: &[usize]| {
        let mut out = String::new();
        let mut start = 0;
        for &end in at.iter().chain(std::iter::once(&national.len())) {
            if let Some(part) = national.get(start..end.min(national.len())) {
                if !out.is_empty() && !part.is_empty() {
                    out.push(' ');
                }
                out.push_str(part);
            }
            start = end;
        }
        out
    };
    if national.starts_with("02") && national.len() == 11 {
        split(&[3, 7])
    } else if national.starts_with("08") && national.len() == 10 {
        split(&[4])
    } else {
        split(&[5])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accepts_uk_numbers_with_spaces() {
        for good in [
            "01632 960000",
            "01632960000",
            "0808 157 0000",
            "08081 570000",
            "07700 900123",
            "+44 1632 960000",
            "+447700900123",
            "0800 123456",
        ] {
            assert!(check(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn refuses_with_a_fix_where_obvious() {
        let help = |t: &str| check(t).unwrap_err().help.unwrap();
        assert_eq!(help("01632-960000"), "write it as `01632 960000`");
        assert_eq!(help("(01632) 960000"), "write it as `01632 960000`");
        assert_eq!(help("+44 (0)1632 960000"), "write it as `+44 1632 960000`");
        assert_eq!(help("+44 01632 960000"), "write it as `+44 1632 960000`");
        assert_eq!(help("441632960000"), "write it as `+44 1632 960000`");
        assert_eq!(help("1632 960000"), "write it as `01632 960000`");
        assert_eq!(help("020-7946-0000"), "write it as `020 7946 0000`");
        assert!(check("01632 96000").is_ok());
        let short = check("01632 9600").unwrap_err();
        assert!(short.message.contains("has 9 digits"), "{}", short.message);
        assert!(check("01632 9600000 0").is_err());
        assert!(check("999").is_err());
        assert!(check("").is_err());
        assert!(check("0163+2960000").is_err());
        assert!(check("call us").is_err());
    }
}
