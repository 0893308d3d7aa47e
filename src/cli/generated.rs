//! `pathways completions` and `pathways man`: shell completions and the man page,
//! generated from the command-line definition so they never drift from `--help`.

use clap::CommandFactory;

use super::Outcome;
use super::args::{Cli, CompletionsArgs, ManArgs};
use super::output::Output;
use crate::files::write_atomically;

pub fn completions(args: &CompletionsArgs, out: &Output) -> Outcome {
    out.print(&completion_script(args.shell));
    Outcome::Success
}

/// The completion script for one shell.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut command = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "pathways", &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn man(args: &ManArgs, out: &Output) -> Outcome {
    let pages = match man_pages() {
        Ok(pages) => pages,
        Err(error) => {
            out.note(&format!("error: could not write the man pages: {error}"));
            return Outcome::Failure;
        }
    };
    let Some(folder) = &args.out else {
        if let Some((_, page)) = pages.first() {
            out.print(page);
        }
        return Outcome::Success;
    };
    if let Err(error) = std::fs::create_dir_all(folder) {
        out.note(&format!(
            "error: cannot make `{}`: {error}",
            folder.display()
        ));
        return Outcome::Failure;
    }
    for (name, page) in &pages {
        let path = folder.join(name);
        if let Err(error) = write_atomically(&path, page) {
            out.note(&format!(
                "error: cannot write `{}`: {error}",
                path.display()
            ));
            return Outcome::Failure;
        }
    }
    out.note(&format!(
        "wrote {} man pages to `{}`",
        pages.len(),
        folder.display()
    ));
    Outcome::Success
}

/// `pathways.1`, then `pathways-COMMAND.1` for each command (and each command of a
/// command, such as `pathways-export-hsds.1`), in roff.
pub fn man_pages() -> std::io::Result<Vec<(String, String)>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    add_pages(command, &mut pages)?;
    Ok(pages)
}

fn add_pages(command: clap::Command, pages: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let subcommands: Vec<clap::Command> = command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let man = clap_mangen::Man::new(command);
    let mut bytes = Vec::new();
    man.render(&mut bytes)?;
    pages.push((
        man.get_filename(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ));
    for sub in subcommands {
        add_pages(sub, pages)?;
    }
    Ok(())
}
