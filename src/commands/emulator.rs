//! `kvinit emulator`.

use crate::cli::EmulatorArgs;
use crate::exit::ExitCode;

/// Runs `kvinit emulator`.
pub fn run(_args: EmulatorArgs) -> ExitCode {
    eprintln!("error: `kvinit emulator` is not available in this build yet");
    ExitCode::Failure
}
