//! Checking the values of one parsed file: each problem becomes a diagnostic at the
//! value, and a value that fails is dropped so later stages see only valid data.

use jiff::civil::Date;
use serde_saphyr::Spanned;

use super::phone;
use super::raw::Text;
use super::values::{self, Links, Problem};
use super::yaml;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Located, Sources, Span};
use crate::suggest::did_you_mean;

/// The file being checked and where its problems go.
pub struct Checker<'a> {
    pub sources: &'a Sources,
    pub file: FileId,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    pub fn span<T>(&self, value: &Spanned<T>) -> Span {
        yaml::span(self.sources, self.file, value)
    }

    pub fn located<T>(&self, value: Spanned<T>) -> Located<T> {
        yaml::located(self.sources, self.file, value)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn problem(&mut self, code: &'static str, span: Span, problem: Problem) {
        self.push(
            Diagnostic::error(code, problem.message)
                .at(span)
                .label(problem.label)
                .maybe_help(problem.help),
        );
    }

    /// Text that must not be blank; `field` names it in the message.
    /// Folded YAML (`>`) ends in a newline; surrounding space is never meant.
    pub fn text(&mut self, value: Text, field: &str) -> Located<String> {
        let mut located = self.located(value);
        located.value = located.value.trim().to_string();
        if let Err(problem) = values::length(&located.value, values::MAX_TEXT_CHARS, "the text") {
            self.problem("text-too-long", located.span, problem);
        } else if let Err(problem) = values::readable(&located.value, &field.replace('_', " ")) {
            self.problem("hidden-character", located.span, problem);
        } else if located.value.is_empty() {
            self.push(
                Diagnostic::error("empty-field", format!("`{field}` is empty"))
                    .at(located.span)
                    .label("nothing written here")
                    .help(format!("write the {}", field.replace('_', " "))),
            );
        }
        located
    }

    /// Text that `check` accepts; otherwise reported under `code` and dropped.
    fn valid(
        &mut self,
        value: Text,
        code: &'static str,
        check: impl FnOnce(&str) -> Result<(), Problem>,
    ) -> Option<Located<String>> {
        let located = self.located(value);
        let within = values::length(&located.value, values::MAX_TEXT_CHARS, "the value");
        match within.and_then(|()| check(&located.value)) {
            Ok(()) => Some(located),
            Err(problem) => {
                self.problem(code, located.span, problem);
                None
            }
        }
    }

    pub fn date(&mut self, value: Text) -> Option<Located<Date>> {
        let located = self.located(value);
        match values::date(&located.value) {
            Ok(date) => Some(Located::new(date, located.span)),
            Err(problem) => {
                self.problem("bad-date", located.span, problem);
                None
            }
        }
    }

    pub fn phone(&mut self, value: Text) -> Option<Located<String>> {
        self.valid(value, "bad-phone", phone::check)
    }

    pub fn email(&mut self, value: Text) -> Option<Located<String>> {
        self.valid(value, "bad-email", values::email)
    }

    pub fn link(&mut self, value: Text, allowed: Links) -> Option<Located<String>> {
        self.valid(value, "bad-link", |text| values::link(text, allowed))
    }

    pub fn id(&mut self, value: Text) -> Option<Located<String>> {
        self.valid(value, "bad-id", values::id)
    }

    /// A word from a fixed list (a tier, a client group, a risk level), with a suggestion.
    pub fn word<T: Copy>(
        &mut self,
        value: Text,
        choices: &[(&'static str, T)],
        code: &'static str,
        what: &str,
    ) -> Option<Located<T>> {
        let span = self.span(&value);
        if let Some((_, chosen)) = choices.iter().find(|(word, _)| *word == value.value) {
            return Some(Located::new(*chosen, span));
        }
        let words = || choices.iter().map(|(word, _)| *word);
        let help = did_you_mean(&value.value, words()).unwrap_or_else(|| {
            let list: Vec<String> = words().map(|w| format!("`{w}`")).collect();
            format!("use one of {}", list.join(", "))
        });
        self.push(
            Diagnostic::error(
                code,
                format!("unknown {what} `{}`", yaml::printable(&value.value)),
            )
            .at(span)
            .label(format!("not a {what}"))
            .help(help),
        );
        None
    }

    /// Reports an empty list that must have entries.
    pub fn non_empty<T>(&mut self, list: &Spanned<Vec<T>>, field: &str, help: &str) {
        if list.value.is_empty() {
            let span = self.span(list);
            self.push(
                Diagnostic::error("empty-field", format!("`{field}` is empty"))
                    .at(span)
                    .label("no entries")
                    .help(help.to_string()),
            );
        }
    }
}
