//! The static site: tera templates from `site/templates/` (an area may restyle them),
//! assets from `site/static/`, rendered into [`output::SiteFiles`] in memory, checked
//! ([`links::check_links`]) and only then written, all at once ([`output::write_site`]).
//!
//! Safety of directory text: tera escapes every `{{ }}` in `.html` templates (set
//! explicitly in [`Templates::load`]), which covers text and quoted attributes; links
//! come only from [`escape`]'s validating builders; JSON in pages goes through
//! [`escape::safe_json_for_script`]. Links between pages are relative (each page gets
//! a `root` prefix from [`root_for`]) so the site works from `file://` as well as a server.

pub mod areas;
pub mod build;
pub mod escape;
pub mod journey;
pub mod links;
pub mod look;
pub mod output;
pub mod pages;
pub mod search;
pub mod serve;
pub mod svg;
pub mod views;
pub mod words;

pub use build::{Build, build};

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::directory::model::AreaSettings;

/// The area's templates. Files whose names start with `_` are partials, included by
/// pages; every other file is a page template.
pub struct Templates {
    tera: tera::Tera,
}

impl Templates {
    /// Loads `dir/*.html` over `defaults`: a file replaces the default of its name, and
    /// a template the area has no copy of (one added since it copied them) is the
    /// default. HTML autoescaping is on for all; each file within
    /// [`look::MAX_TEMPLATE_BYTES`], at most [`look::MAX_LOOK_FILES`] of them.
    pub fn load(dir: &Path, defaults: &[(&str, &str)]) -> Result<Templates, Box<Diagnostic>> {
        let mut texts: BTreeMap<String, String> = defaults
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        for (name, path) in look::files(dir, 1)? {
            if !name.ends_with(".html") {
                continue;
            }
            let bytes = look::read(&path, look::MAX_TEMPLATE_BYTES)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Box::new(
                    Diagnostic::error(
                        "site-template-error",
                        format!("the site template `{}` is not UTF-8 text", path.display()),
                    )
                    .help("save the template as UTF-8"),
                )
            })?;
            texts.insert(name, text);
        }
        let mut tera = html_templates();
        tera.add_raw_templates(texts)
            .map_err(|e| template_error(&dir.display().to_string(), &e))?;
        Ok(Templates { tera })
    }

    /// Templates from `(name, text)` pairs (the built-in copies), autoescaped likewise.
    pub fn from_texts(texts: &[(&str, &str)]) -> Result<Templates, Box<Diagnostic>> {
        let mut tera = html_templates();
        tera.add_raw_templates(texts.iter().copied())
            .map_err(|e| template_error("built-in templates", &e))?;
        Ok(Templates { tera })
    }

    /// Renders one page template.
    pub fn render(
        &self,
        template: &str,
        context: &tera::Context,
    ) -> Result<String, Box<Diagnostic>> {
        self.tera
            .render(template, context)
            .map_err(|e| template_error(template, &e))
    }

    /// Page templates (not partials), sorted.
    pub fn pages(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .tera
            .get_template_names()
            .filter(|name| !name.starts_with('_'))
            .collect();
        names.sort_unstable();
        names
    }
}

/// An empty template set that autoescapes `.html` templates, with our escaping
/// (the same characters and entities as tera's, copied a run at a time), and the
/// `thousands` filter.
fn html_templates() -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html"]);
    tera.set_escape_fn(escape::html);
    tera.register_filter("thousands", |n: u64, _: tera::Kwargs, _: &tera::State| {
        thousands(n)
    });
    tera
}

/// A count as the GOV.UK style writes it: `2,228`, `10,000` (and `999`).
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

fn template_error(template: &str, error: &tera::Error) -> Box<Diagnostic> {
    // Tera's message names the template, line and column; its source chain has the cause.
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    Box::new(
        Diagnostic::error(
            "site-template-error",
            format!("the site template `{template}` failed: {message}"),
        )
        .help("fix the template in `site/templates/`; the previous site was left as it was"),
    )
}

/// What every page knows about the area (the template variable `site`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SiteSettings {
    pub title: String,
    /// The area's name, e.g. "Portsmouth".
    pub area: String,
    pub example_data: bool,
    /// The neutral site "Exit this page" goes to (validated `https://`).
    pub exit_url: String,
    /// The feedback email address.
    pub feedback: String,
    pub helpline: Option<HelplineView>,
    /// The reference date in words, e.g. "1 October 2012".
    pub as_of: String,
    /// Whether the site has the pathway finder (see [`build::Finder`]).
    pub finder: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HelplineView {
    pub name: String,
    pub phone: String,
    /// A `tel:` link.
    pub tel: String,
    pub hours: String,
}

impl SiteSettings {
    /// Checks the settings the site turns into links; every problem is reported.
    pub fn new(area: &AreaSettings, as_of: Date) -> Result<SiteSettings, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let exit_url = escape::web_href(&area.exit_url).filter(|u| u.starts_with("https://"));
        if exit_url.is_none() {
            problems.push(area_problem(
                area,
                "site-bad-exit-url",
                format!(
                    "the exit address `{}` is not an https:// address",
                    area.exit_url
                ),
                "set `exit_url` to a neutral https:// page, such as a weather or news site",
            ));
        }
        if !escape::is_plain_email(&area.feedback) {
            problems.push(area_problem(
                area,
                "site-bad-feedback-email",
                format!(
                    "the feedback address `{}` is not an email address",
                    area.feedback
                ),
                "set `feedback` to an address such as `pathways@example.org`",
            ));
        }
        let helpline = area.helpline.as_ref().and_then(|h| {
            let tel = escape::tel_href(&h.phone);
            if tel.is_none() {
                problems.push(area_problem(
                    area,
                    "site-bad-helpline-phone",
                    format!("the helpline number `{}` is not a phone number", h.phone),
                    "write the number with digits and spaces, such as `0808 157 0000`",
                ));
            }
            tel.map(|tel| HelplineView {
                name: h.name.clone(),
                phone: h.phone.clone(),
                tel,
                hours: h.hours.clone(),
            })
        });
        match exit_url {
            Some(exit_url) if problems.is_empty() => Ok(SiteSettings {
                title: area.title.clone(),
                area: area.name.clone(),
                example_data: area.example_data,
                exit_url,
                feedback: area.feedback.clone(),
                helpline,
                as_of: long_date(as_of),
                finder: true,
            }),
            _ => Err(problems),
        }
    }
}

fn area_problem(
    area: &AreaSettings,
    code: &'static str,
    message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic::error(code, message)
        .at(area.span)
        .label("in this file")
        .help(help)
}

/// A date as people write it: "1 October 2012".
pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// The prefix that leads from a page back to the site root: `""` for `index.html`,
/// `"../"` for `services/marac.html`.
pub fn root_for(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::directory::model::Helpline;
    use crate::source::{FileId, Span};

    fn area() -> AreaSettings {
        AreaSettings {
            name: "Portsmouth".into(),
            title: "Portsmouth domestic abuse pathways".into(),
            feedback: "pathways@example.org".into(),
            as_of: None,
            example_data: true,
            exit_url: "https://www.example.org/weather".into(),
            helpline: Some(Helpline {
                name: "National helpline".into(),
                phone: "0808 157 0000".into(),
                hours: "Any time".into(),
            }),
            span: Span::new(FileId(0), 0, 1),
        }
    }

    #[test]
    fn settings_keep_validated_links() {
        let settings = SiteSettings::new(&area(), Date::constant(2012, 10, 1)).unwrap();
        assert_eq!(settings.as_of, "1 October 2012");
        assert_eq!(settings.helpline.unwrap().tel, "tel:08081570000");
    }

    #[test]
    fn every_unsafe_setting_is_reported() {
        let mut bad = area();
        bad.exit_url = "javascript:alert(1)".into();
        bad.feedback = "nobody".into();
        bad.helpline.as_mut().unwrap().phone = "call us".into();
        let codes: Vec<_> = SiteSettings::new(&bad, Date::constant(2012, 10, 1))
            .unwrap_err()
            .iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(
            codes,
            [
                "site-bad-exit-url",
                "site-bad-feedback-email",
                "site-bad-helpline-phone"
            ]
        );
    }

    #[test]
    fn counts_are_grouped_in_thousands() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (2228, "2,228"),
            (1_234_567, "1,234,567"),
        ];
        for (n, written) in cases {
            assert_eq!(thousands(n), written);
        }
        let templates = Templates::from_texts(&[("t.html", "{{ n | thousands }}")]).unwrap();
        let mut context = tera::Context::new();
        context.insert("n", &10_000);
        assert_eq!(templates.render("t.html", &context).unwrap(), "10,000");
    }

    #[test]
    fn root_prefix_counts_directories() {
        assert_eq!(root_for("index.html"), "");
        assert_eq!(root_for("services/marac.html"), "../");
        assert_eq!(root_for("finder/n/3.html"), "../../");
    }

    /// Autoescape is on for `.html` templates, in text and in attributes.
    #[test]
    fn html_templates_escape_directory_text() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("page.html"),
            r#"<p title="{{ text }}">{{ text }}</p>"#,
        )
        .unwrap();
        let templates = Templates::load(tmp.path(), &[]).unwrap();
        let mut context = tera::Context::new();
        context.insert("text", r#""><script>alert('x')</script>&"#);
        assert_eq!(
            templates.render("page.html", &context).unwrap(),
            "<p title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>"
        );
    }

    #[test]
    fn template_errors_are_diagnostics() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("page.html"), "{{ missing.field }}").unwrap();
        let templates = Templates::load(tmp.path(), &[]).unwrap();
        let error = templates
            .render("page.html", &tera::Context::new())
            .unwrap_err();
        assert_eq!(error.code, "site-template-error");
        assert!(error.message.contains("page.html"), "{}", error.message);
    }
}
