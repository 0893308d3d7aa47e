//! Every command, flag and argument, documented where it is defined (this is also the
//! text of `--help`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::site::build::Finder;

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
    /// What a change does: every situation whose referrals differ between two versions.
    Diff(DiffArgs),
    /// Run the golden tests in `tests/golden/*.yaml`: PASS/FAIL per case, snapshots, coverage.
    Test(TestArgs),
    /// Build the static site: the finder, the directory, the pathway map and search.
    Build(BuildArgs),
    /// Preview the site on this computer, rebuilding it whenever a file changes.
    Serve(ServeArgs),
    /// Rewrite rule files in the one canonical layout (comments and blank lines kept).
    Fmt(FmtArgs),
    /// Write the JSON Schemas of the directory and scenario files (for editors) into a folder.
    Schema(SchemaArgs),
    /// Export the directory in another format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Make a new area in DIR: a directory, rules, golden tests and the site's templates to start from.
    New(NewArgs),
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

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on, on 127.0.0.1 only (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    #[command(flatten)]
    pub date: DateArgs,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (relative to the current directory, not `--root`);
    /// replaced whole, and only when the build succeeds.
    #[arg(long, default_value = "public", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub date: DateArgs,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Leave out the pathway finder: the site has the directory, the pathways in words
    /// and search. For rules whose finder is too large to publish (`finder-too-large`),
    /// such as a national directory's.
    #[arg(long)]
    pub no_finder: bool,
}

impl SiteArgs {
    pub fn finder(&self) -> Finder {
        if self.no_finder {
            Finder::Omitted
        } else {
            Finder::Built
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: an area root folder, or a git revision (commit, branch, tag) of
    /// the repository holding `--root`.
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The new version, likewise (default: the working tree at `--root`).
    #[arg(value_name = "NEW")]
    pub new: Option<String>,
    /// Read both sides' contracts as of this date (default: each side's pinned `as_of`, or today).
    #[command(flatten)]
    pub date: DateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when anything changed (for CI).
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people, in the terminal.
    Text,
    /// A report fit for a pull-request comment.
    Markdown,
    /// The same data as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub date: DateArgs,
    /// Run only the cases whose name contains TEXT, or that have the tag TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Also compare each case's full result with its snapshot (`NAME.snap.yaml` beside
    /// the scenario file), recording cases that have none yet.
    #[arg(long)]
    pub snapshot: bool,
    /// Accept the current results as the snapshots (implies `--snapshot`).
    #[arg(long)]
    pub bless: bool,
    /// Print which pathways and parts of their conditions no case exercised.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when pathway or condition-part coverage is below P percent.
    #[arg(long, value_name = "P", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// PASS/FAIL per case, with expected and actual side by side.
    Text,
    /// A JSON document with every case, its results and coverage.
    Json,
    /// JUnit XML, for CI systems.
    Junit,
    /// GitHub Actions annotations on each failing case.
    Github,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
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
pub struct NewArgs {
    /// The folder to make the area in (relative to the current directory, not `--root`);
    /// made if missing.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Add the area's files to a folder that is not empty. A file that is already there
    /// is never replaced: if any is, nothing is written.
    #[arg(long)]
    pub force: bool,
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
