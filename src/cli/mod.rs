//! The command line: parses arguments, runs one command, maps the outcome to an exit
//! code. Each command lives in its own file; this one holds what they share.
//!
//! Exit codes: 0 success (warnings allowed), 1 problems found (errors, failing tests,
//! changes under `diff --exit-code`), 2 usage or I/O errors.

mod args;
mod build;
mod check;
mod diff;
mod explain;
mod export;
mod fmt;
mod generated;
mod new;
mod output;
mod progress;
mod refer;
mod schema;
mod serve;
mod test;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command};

/// What a command concluded, before it becomes an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing wrong.
    Success,
    /// The input has problems the user must fix (exit 1).
    Problems,
    /// The command could not run: bad usage, unreadable files (exit 2).
    Failure,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::Problems => 1,
            Outcome::Failure => 2,
        })
    }
}

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let usage = error.use_stderr();
            // clap prints help and version to stdout and usage errors to stderr.
            let _ = error.print();
            return if usage {
                Outcome::Failure.into()
            } else {
                Outcome::Success.into()
            };
        }
    };
    run(&cli).into()
}

/// Runs one parsed command line.
pub fn run(cli: &Cli) -> Outcome {
    let out = output::Output::new(cli.color);
    match &cli.command {
        Command::Check(args) => check::run(cli, args, &out),
        Command::Refer(args) => refer::run(cli, args, &out),
        Command::Explain(args) => explain::run(cli, args, &out),
        Command::Diff(args) => diff::run(cli, args, &out),
        Command::Test(args) => test::run(cli, args, &out),
        Command::Build(args) => build::run(cli, args, &out),
        Command::Serve(args) => serve::run(cli, args, &out),
        Command::Fmt(args) => fmt::run(cli, args, &out),
        Command::Schema(args) => schema::run(args, &out),
        Command::Export(command) => export::run(cli, command, &out),
        Command::New(args) => new::run(args, &out),
        Command::Completions(args) => generated::completions(args, &out),
        Command::Man(args) => generated::man(args, &out),
    }
}

/// Whether `--root` is an area root; if not, says why.
fn is_area_root(cli: &Cli, out: &output::Output) -> bool {
    let root = &cli.root;
    let is_root = root.join("directory").is_dir() || root.join("rules").is_dir();
    if !is_root {
        out.note(&format!(
            "error: `{}` is not an area root: it has neither a `directory/` nor a `rules/` folder\n\
             help: run the command from the area's folder, or pass `--root DIR`",
            root.display()
        ));
    }
    is_root
}

/// Loads the area at `--root`; `None` (after saying why) when it is not an area root.
fn load_area(cli: &Cli, out: &output::Output) -> Option<crate::area::Area> {
    is_area_root(cli, out).then(|| crate::area::Area::load(&cli.root))
}

/// Loads the area and stops with its diagnostics if it has errors: commands other
/// than `check` need a rule set that resolved cleanly.
fn load_clean_area(cli: &Cli, out: &output::Output) -> Result<crate::area::Area, Outcome> {
    let area = load_area(cli, out).ok_or(Outcome::Failure)?;
    if area.has_errors() {
        let mut diagnostics = area.diagnostics.clone();
        crate::diagnostic::sort(&mut diagnostics);
        out.diagnostics(&area.sources, &diagnostics);
        out.note(&format!(
            "{}; run `pathways check` for details",
            output::summary_line(&diagnostics)
        ));
        return Err(Outcome::Problems);
    }
    Ok(area)
}

/// What `refer` and `explain` both start from: a clean area, the rules compiled for
/// the reference date, and the answers given on the command line.
struct Situation {
    area: crate::area::Area,
    date: jiff::civil::Date,
    compiled: crate::engine::Compiled,
    answers: crate::engine::Answers,
}

fn situation(
    cli: &Cli,
    args: &args::ReferArgs,
    out: &output::Output,
) -> Result<Situation, Outcome> {
    let area = load_clean_area(cli, out)?;
    let answers =
        crate::engine::Answers::parse(&area.rules, &args.answers).map_err(|diagnostics| {
            // Answers come from the command line, so there is no file to quote.
            out.diagnostics(&crate::source::Sources::new(), &diagnostics);
            Outcome::Failure
        })?;
    let date = area.reference_date(args.date.as_of);
    let compiled = crate::engine::compile(&area.rules, &area.directory, date);
    Ok(Situation {
        area,
        date,
        compiled,
        answers,
    })
}
