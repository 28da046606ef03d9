//! `kvinit apply`.

use crate::cli::ApplyArgs;
use crate::exit::ExitCode;

/// Runs `kvinit apply`.
pub fn run(_args: ApplyArgs) -> ExitCode {
    eprintln!("error: `kvinit apply` is not available in this build yet");
    ExitCode::Failure
}
