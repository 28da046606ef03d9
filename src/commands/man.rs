//! `kvinit man [COMMAND] [--dir DIR]`: the man pages `clap_mangen` renders from the clap
//! definitions in [`crate::cli`] (the one source of the command line, as for completions):
//! kvinit(1), whose SUBCOMMANDS section points at one kvinit-COMMAND(1) page per command.
//! Prints one page (roff) to stdout, or writes them all into a folder for `man` to find.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::exit::ExitCode;

/// The clap command tree, built (so every subcommand has its `kvinit-COMMAND` display name), with
/// clap's own `help` subcommand left out: it has no page.
fn command_tree() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The page of `command` (`None`: kvinit(1)) as roff. `Err` lists the commands that have a page
/// when `command` names none of them.
pub fn page(command: Option<&str>) -> Result<String, Vec<String>> {
    let tree = command_tree();
    let cmd = match command {
        None => tree,
        Some(name) => match tree.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                return Err(tree
                    .get_subcommands()
                    .map(|s| s.get_name().to_string())
                    .collect());
            }
        },
    };
    Ok(render(cmd))
}

/// One page: section 1, `kvinit VERSION` in the footer (also on the commands' pages, where
/// clap_mangen would write `plan VERSION`), no date (the same binary renders the same page).
fn man(cmd: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(cmd).source(format!("kvinit {}", env!("CARGO_PKG_VERSION")))
}

fn render(cmd: clap::Command) -> String {
    let mut out = Vec::new();
    man(cmd)
        .render(&mut out)
        .expect("rendering to memory does not fail");
    String::from_utf8(out).expect("clap_mangen writes UTF-8")
}

/// Writes kvinit.1 and one kvinit-COMMAND.1 per command into `dir` (created when missing);
/// returns the file names written, kvinit.1 first.
pub fn write_pages(dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let tree = command_tree();
    let mut pages: Vec<clap::Command> = vec![tree.clone()];
    pages.extend(tree.get_subcommands().cloned());
    let mut names = Vec::new();
    for cmd in pages {
        let page = man(cmd);
        let name = page.get_filename();
        let mut out = Vec::new();
        page.render(&mut out)?;
        // kvinit's own pages are replaced (that is what --dir is for, e.g. after an upgrade),
        // atomically and through `safe_write`: never a dangling symlink or what is not a file.
        let opts = crate::safe_write::Options {
            force: true,
            protect: &[],
            what: "man pages",
        };
        let path = dir.join(&name);
        crate::safe_write::write(&path, &out, &opts)
            .map_err(|refusal| std::io::Error::other(refusal.message(&path, opts.what)))?;
        names.push(name);
    }
    Ok(names)
}

/// Runs `kvinit man`.
pub fn run(args: ManArgs) -> ExitCode {
    if let Some(dir) = &args.dir {
        return match write_pages(dir) {
            Ok(names) => {
                crate::outln!(
                    "Wrote {} man pages to {}: {}",
                    names.len(),
                    dir.display(),
                    names.join(", ")
                );
                ExitCode::Success
            }
            Err(e) => {
                crate::errln!(
                    "error: cannot write the man pages to {}: {e}",
                    dir.display()
                );
                crate::errln!(
                    "hint: pass --dir a folder you can write to, e.g. ~/.local/share/man/man1"
                );
                ExitCode::BadInput
            }
        };
    }
    match page(args.command.as_deref()) {
        Ok(roff) => {
            crate::ui::output::stdout(&roff);
            ExitCode::Success
        }
        Err(commands) => {
            crate::errln!(
                "error: kvinit has no command `{}`",
                args.command.as_deref().unwrap_or_default()
            );
            crate::errln!("hint: pages exist for: {}", commands.join(", "));
            ExitCode::BadInput
        }
    }
}
