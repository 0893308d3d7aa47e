//! `pathways export hsds`: the directory as HSDS 3.0 / Open Referral UK JSON files.

use super::Outcome;
use super::args::{Cli, ExportCommand, HsdsArgs};
use super::output::{self, Output};
use crate::directory;
use crate::export::hsds;
use crate::progress::Progress;
use crate::site::output::write_site;
use crate::source::Sources;

pub fn run(cli: &Cli, command: &ExportCommand, out: &Output) -> Outcome {
    match command {
        ExportCommand::Hsds(args) => hsds_export(cli, args, out),
    }
}

/// Only the directory is needed: the rules play no part in the export.
fn hsds_export(cli: &Cli, args: &HsdsArgs, out: &Output) -> Outcome {
    out.progress(true);
    out.phase("loading the directory");
    let mut sources = Sources::new();
    let (directory, mut diagnostics) = directory::load(&cli.root, &mut sources);
    if diagnostics
        .iter()
        .any(crate::diagnostic::Diagnostic::is_error)
    {
        crate::diagnostic::sort(&mut diagnostics);
        out.diagnostics(&sources, &diagnostics);
        out.note(&format!(
            "{}; nothing was exported",
            output::summary_line(&diagnostics)
        ));
        return Outcome::Problems;
    }
    let as_of = args
        .date
        .as_of
        .or(directory.area.as_of.as_ref().map(|d| d.value))
        .unwrap_or_else(|| jiff::Zoned::now().date());
    let options = hsds::Options {
        as_of,
        per_page: usize::try_from(args.per_page).unwrap_or(usize::MAX),
    };
    out.phase("writing the HSDS files");
    let written = hsds::export(&directory, options).and_then(|files| {
        write_site(&files, &args.out)?;
        Ok(files.len())
    });
    match written {
        Ok(count) => {
            out.note(&format!(
                "wrote {count} files of HSDS {} to `{}`",
                hsds::VERSION,
                args.out.display()
            ));
            Outcome::Success
        }
        Err(diagnostic) => {
            out.diagnostics(&sources, &[*diagnostic]);
            Outcome::Failure
        }
    }
}
