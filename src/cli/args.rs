//! Every command, flag and argument, documented where it is defined (this is also the
//! text of `--help`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

/// Referral pathways for domestic abuse services: check them, test them, publish them.
#[derive(Debug, Parser)]
#[command(name = "pathways", version, about, long_about = None)]
pub struct Cli {
    /// The area root: the folder holding `directory/` and `rules/`.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// When to colour terminal output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the directory and rules: every problem, with where and how to fix it.
    Check(CheckArgs),
    /// Where to refer for a situation: the services, why, and how to refer.
    Refer(ReferArgs),
    /// Why each service is or is not referred to: the parts of each pathway that held or failed.
    Explain(ReferArgs),
    /// Build the static site: the finder, the directory, the pathway map and search.
    Build(BuildArgs),
}

/// The reference date shared by every command that depends on contract dates.
#[derive(Debug, Args)]
pub struct DateArgs {
    /// Check as of this date (YYYY-MM-DD) instead of the area's pinned `as_of` (or today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub date: DateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics with the source line marked, for people.
    Text,
    /// A JSON document with every diagnostic and its location.
    Json,
    /// GitHub Actions workflow annotations on the offending lines.
    Github,
}

#[derive(Debug, Args)]
pub struct ReferArgs {
    /// An answer, as QUESTION=VALUE (repeatable); unanswered questions are left open.
    #[arg(long = "answer", short = 'a', value_name = "QUESTION=VALUE", value_parser = parse_answer)]
    pub answers: Vec<(String, String)>,
    #[command(flatten)]
    pub date: DateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (relative to the current directory, not `--root`);
    /// replaced whole, and only when the build succeeds.
    #[arg(long, default_value = "public", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub date: DateArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a date: write it as YYYY-MM-DD, e.g. 2012-10-01"))
}

fn parse_answer(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((q, v)) if !q.trim().is_empty() && !v.trim().is_empty() => {
            Ok((q.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(format!(
            "`{text}` is not an answer: write QUESTION=VALUE, e.g. risk=high"
        )),
    }
}
