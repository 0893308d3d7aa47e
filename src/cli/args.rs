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
    /// Rewrite rule files in the one canonical layout (comments and blank lines kept).
    Fmt(FmtArgs),
    /// Write the JSON Schemas of the directory files (for editors) into a folder.
    Schema(SchemaArgs),
    /// Export the directory in another format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Print a shell completion script (e.g. `pathways completions bash > ~/.local/share/bash-completion/completions/pathways`).
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `pathways man > pathways.1`, or write every page.
    Man(ManArgs),
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Change nothing: list each file that would change, with a diff, and exit 1.
    #[arg(long)]
    pub check: bool,
    /// Rule files to format (default: every `rules/*.pathways` under `--root`).
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The folder to write `*.schema.json` into (made if missing).
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The directory as HSDS 3.0 (Open Referral UK) JSON, in the static API layout.
    Hsds(HsdsArgs),
}

#[derive(Debug, Args)]
pub struct HsdsArgs {
    /// The folder to write (replaced whole, atomically).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub date: DateArgs,
    /// Services per page of `services/index.json` and its `services/page-N.json`.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..))]
    pub per_page: u64,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `pathways.1` and a page for each command into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
