//! `kvinit plan`.

use crate::cli::PlanArgs;
use crate::exit::ExitCode;

/// Runs `kvinit plan`.
pub fn run(_args: PlanArgs) -> ExitCode {
    eprintln!("error: `kvinit plan` is not available in this build yet");
    ExitCode::Failure
}
