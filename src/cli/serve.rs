//! `pathways serve`: a live preview of the site on 127.0.0.1 that rebuilds when the
//! directory, rules or templates change; a broken change keeps the last good site.

use std::sync::Arc;

use super::args::{Cli, ServeArgs};
use super::output::Output;
use super::{Outcome, load_area};
use crate::progress::Silent;
use crate::site;
use crate::site::serve::{BuildReport, Builder};

pub fn run(cli: &Cli, args: &ServeArgs, out: &Output) -> Outcome {
    if load_area(cli, out).is_none() {
        return Outcome::Failure;
    }
    let root = cli.root.clone();
    let as_of = args.date.as_of;
    let finder = args.site.finder();
    let builder: Arc<Builder> = Arc::new(move || {
        let built = site::build::build_with(&root, as_of, finder, &Silent);
        let problems: String = built
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render(&built.sources, false))
            .collect();
        built.files.ok_or(problems)
    });
    let report = Arc::new(|report: &BuildReport| match report {
        BuildReport::Built { pages, took } => {
            eprintln!("built {pages} files in {} ms", took.as_millis());
        }
        BuildReport::Failed { problems } => {
            eprintln!("{problems}the change could not be built; still serving the last good site");
        }
    });
    let watched: Vec<_> = ["directory", "rules", "site"]
        .iter()
        .map(|d| cli.root.join(d))
        .collect();
    match site::serve::start(args.port, &watched, builder, report) {
        Ok(running) => {
            out.note(&format!(
                "serving the site of `{}` at http://{}/ (only on this computer); press Ctrl+C to stop",
                cli.root.display(),
                running.address
            ));
            running.serve_forever();
            Outcome::Success
        }
        Err(problem) => {
            out.note(&format!("error: {problem}"));
            Outcome::Failure
        }
    }
}
