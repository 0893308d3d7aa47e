//! Writing to the terminal: colour decisions, progress, diagnostics in each format, JSON.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use super::args::{CheckFormat, Color};
use super::progress::Spinner;
use crate::diagnostic::{self, Diagnostic};
use crate::parallel::{Crashed, map_in_order};
use crate::progress::Progress;
use crate::source::Sources;

/// How many diagnostics make it worth laying them out on several threads (a few take
/// less time than starting threads).
const RENDERED_TOGETHER: usize = 64;

/// Where a command's output goes, whether it may use colour, and the spinner shown
/// while a long command works (cleared as soon as anything is printed).
pub struct Output {
    color: bool,
    spinner: Spinner,
}

impl Output {
    pub fn new(color: Color) -> Output {
        let color = match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Output {
            color,
            spinner: Spinner::default(),
        }
    }

    /// Shows progress on a terminal from now until the first thing printed, when the
    /// output is meant for people (not JSON or annotations for a machine).
    pub fn progress(&self, for_people: bool) {
        if for_people {
            self.spinner.start();
        }
    }

    /// Prints to standard output; a closed pipe is not worth a panic.
    pub fn print(&self, text: &str) {
        self.spinner.clear();
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    /// Prints a message about the run itself (not the input) to standard error.
    pub fn note(&self, text: &str) {
        self.spinner.clear();
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{text}");
    }

    /// Prints a value as pretty JSON on standard output.
    pub fn json<T: Serialize>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.print(&format!("{}\n", inert_json(&text))),
            Err(error) => self.note(&format!("error: could not write JSON: {error}")),
        }
    }

    /// Prints diagnostics for people (to standard error, as compilers do).
    pub fn diagnostics(&self, sources: &Sources, diagnostics: &[Diagnostic]) {
        self.spinner.clear();
        let color = self.color;
        let render = |d: &Diagnostic| d.render(sources, color);
        // Laying out a national check's thousand warnings took most of printing them;
        // each is laid out on its own, so on every core when there are many.
        let rendered: Vec<String> = if diagnostics.len() < RENDERED_TOGETHER {
            diagnostics.iter().map(render).collect()
        } else {
            map_in_order(diagnostics, render)
                .unwrap_or_else(|Crashed| diagnostics.iter().map(render).collect())
        };
        let mut stderr = std::io::stderr().lock();
        for text in rendered {
            let _ = write!(stderr, "{text}");
        }
    }

    /// Prints diagnostics in the chosen format; text goes to standard error, machine
    /// formats to standard output.
    pub fn report(&self, format: CheckFormat, sources: &Sources, diagnostics: &[Diagnostic]) {
        match format {
            CheckFormat::Text => {
                self.diagnostics(sources, diagnostics);
                self.note(&summary_line(diagnostics));
            }
            CheckFormat::Json => self.json(&JsonReport::new(sources, diagnostics)),
            CheckFormat::Github => self.print(&github_annotations(sources, diagnostics)),
        }
    }
}

impl Progress for Output {
    fn phase(&self, name: &str) {
        self.spinner.phase(name);
    }
}

/// Pretty JSON with every control, invisible or direction character written as a
/// `\uXXXX` escape: the same data once parsed, but a terminal or a log shows it as it
/// is (outside strings there are only newlines, so each other one is replaced in place).
fn inert_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        // Newlines are the pretty layout's; inside strings serde_json escapes them.
        if c != '\n' && crate::directory::values::invisible_name(c).is_some() {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// "2 errors, 1 warning" (or "no problems found").
pub fn summary_line(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = diagnostic::summary(diagnostics);
    if errors + warnings == 0 {
        return "no problems found".to_string();
    }
    format!(
        "{}, {}",
        diagnostic::plural(errors, "error"),
        diagnostic::plural(warnings, "warning")
    )
}

#[derive(Serialize)]
struct JsonReport {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<diagnostic::JsonDiagnostic>,
}

impl JsonReport {
    fn new(sources: &Sources, diagnostics: &[Diagnostic]) -> JsonReport {
        let (errors, warnings) = diagnostic::summary(diagnostics);
        JsonReport {
            errors,
            warnings,
            diagnostics: diagnostics.iter().map(|d| d.to_json(sources)).collect(),
        }
    }
}

/// GitHub Actions workflow commands: one annotation per diagnostic, on its lines.
pub fn github_annotations(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let json = d.to_json(sources);
        let level = if d.is_error() { "error" } else { "warning" };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let place = json
            .location
            .zip(d.span)
            .map_or_else(String::new, |(l, span)| {
                format!(
                    "file={},{}",
                    escape_property(&l.file),
                    diagnostic::github_place(sources, span)
                )
            });
        out.push_str(&format!(
            "::{level} {place}title={}::{}\n",
            escape_property(d.code),
            escape_data(&message)
        ));
    }
    out
}

// GitHub's workflow-command escaping: data escapes %, CR, LF; properties also : and ,.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_shows_hidden_characters_as_escapes_and_means_the_same() {
        let value = serde_json::json!({"line": "a\u{202E}b\u{200B}c\u{1b}[2J\u{85}é\n"});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let inert = inert_json(&pretty);
        assert!(
            inert.contains(r"a\u202eb\u200bc\u001b[2J\u0085é\n"),
            "{inert}"
        );
        assert!(inert.chars().all(|c| c == '\n' || !c.is_control()));
        let parsed: serde_json::Value = serde_json::from_str(&inert).unwrap();
        assert_eq!(parsed, value);
    }
}
