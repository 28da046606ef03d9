//! One file per subcommand, gluing plan_file → model → change → azure/apply → ui.
//! Commands hold no domain logic; they return an [`ExitCode`] and print through `ui`.

pub mod apply;
pub mod audit;
pub mod completions;
pub mod compliance_gate;
pub mod ctrl_c;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod init;
pub mod man;
pub mod plan;
pub mod rules;
pub mod runtime;
pub mod schema;
pub mod target;

use crate::cli::{Cli, Command};
use crate::exit::ExitCode;

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Rules(args) => rules::run(args),
        #[cfg(feature = "emulator")]
        Command::Emulator(args) => emulator::run(args),
        Command::Schema => schema::run(),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}
