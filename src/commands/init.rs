//! `kvinit init`.

use crate::cli::InitArgs;
use crate::exit::ExitCode;

/// Runs `kvinit init`.
pub fn run(_args: InitArgs) -> ExitCode {
    eprintln!("error: `kvinit init` is not available in this build yet");
    ExitCode::Failure
}
