//! `pathways build`: check the area, build the whole site in memory, check every
//! link, then replace the output directory in one step. Any error: nothing is written.

use std::collections::BTreeMap;
use std::path::Path;

use super::args::{BuildArgs, Cli};
use super::output::{Output, summary_line};
use super::{Outcome, is_area_root};
use crate::diagnostic::Diagnostic;
use crate::progress::Progress;
use crate::site;
use crate::site::build::Finder;

pub fn run(cli: &Cli, args: &BuildArgs, out: &Output) -> Outcome {
    if !is_area_root(cli, out) {
        return Outcome::Failure;
    }
    out.progress(true);
    let built = site::build::build_with(&cli.root, args.date.as_of, args.site.finder(), out);
    let (shown, left_out) = at_most_of_a_kind(&built.diagnostics);
    out.diagnostics(&built.sources, &shown);
    for (code, count) in left_out {
        let plural = if count == 1 { "" } else { "s" };
        out.note(&format!(
            "... and {count} more `{code}` warning{plural}; `pathways check` shows every one"
        ));
    }
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

/// How many warnings of one kind `build` prints. A build's result is the site, and a
/// large directory's thousands of warnings of one kind (services no pathway refers to,
/// say) would bury it; `pathways check` shows every one.
const WARNINGS_OF_A_KIND: usize = 10;

/// The errors and, of each kind of warning, the first [`WARNINGS_OF_A_KIND`]; then how
/// many of each kind were left out, in the order the kinds first appear.
fn at_most_of_a_kind(diagnostics: &[Diagnostic]) -> (Vec<Diagnostic>, Vec<(&'static str, usize)>) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order = Vec::new();
    let shown = diagnostics
        .iter()
        .filter(|d| {
            if d.is_error() {
                return true;
            }
            let count = seen.entry(d.code).or_insert_with(|| {
                order.push(d.code);
                0
            });
            *count += 1;
            *count <= WARNINGS_OF_A_KIND
        })
        .cloned()
        .collect();
    let left_out = order
        .into_iter()
        .filter_map(|code| {
            let count = seen.get(code)?.checked_sub(WARNINGS_OF_A_KIND)?;
            (count > 0).then_some((code, count))
        })
        .collect();
    (shown, left_out)
}
