//! `kvinit completions SHELL`: prints the shell completion script `clap_complete` generates from
//! the clap definitions in [`crate::cli`] (the one source of the command line, as for the man
//! page). Glue only.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::ExitCode;

/// The program name completions are registered for.
pub const BIN_NAME: &str = "kvinit";

/// The completion script for `shell`, as text.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN_NAME, &mut out);
    String::from_utf8(out).expect("clap_complete writes UTF-8")
}

/// Runs `kvinit completions`.
pub fn run(args: CompletionsArgs) -> ExitCode {
    crate::ui::output::stdout(&script(args.shell));
    ExitCode::Success
}
