//! `pathways build`: check the area, build the whole site in memory, check every
//! link, then replace the output directory in one step. Any error: nothing is written.

use std::path::Path;

use super::args::{BuildArgs, Cli};
use super::output::{Output, summary_line};
use super::{Outcome, is_area_root};
use crate::progress::Progress;
use crate::site;
use crate::site::build::Finder;

pub fn run(cli: &Cli, args: &BuildArgs, out: &Output) -> Outcome {
    if !is_area_root(cli, out) {
        return Outcome::Failure;
    }
    out.progress(true);
    let built = site::build::build_with(&cli.root, args.date.as_of, args.site.finder(), out);
    out.diagnostics(&built.sources, &built.diagnostics);
    let Some(files) = &built.files else {
        out.note(&format!(
            "{}; the site was not built and `{}` was left as it was",
            summary_line(&built.diagnostics),
            args.out.display()
        ));
        return Outcome::Problems;
    };
    out.phase("writing the site");
    if let Err(problem) = site::output::write_site(files, &args.out) {
        out.diagnostics(&built.sources, &[*problem]);
        return Outcome::Failure;
    }
    let finder = match args.site.finder() {
        Finder::Built => {
            let pages = files.iter().filter(|(p, _)| p.starts_with("finder/"));
            format!("{} finder pages", pages.count())
        }
        Finder::Omitted => "without the finder".to_string(),
    };
    let date = built.date.map(|d| d.to_string()).unwrap_or_default();
    out.note(&format!(
        "built {} files ({finder}) as of {date} into `{}`; open `{}`",
        files.len(),
        args.out.display(),
        Path::new(&args.out).join("index.html").display()
    ));
    Outcome::Success
}
