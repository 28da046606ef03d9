//! `kvinit audit`.

use crate::cli::AuditArgs;
use crate::exit::ExitCode;

/// Runs `kvinit audit`.
pub fn run(_args: AuditArgs) -> ExitCode {
    eprintln!("error: `kvinit audit` is not available in this build yet");
    ExitCode::Failure
}
