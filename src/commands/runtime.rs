//! Builds the async runtime a command runs on and maps failure to [`ExitCode::Failure`]; it
//! must not hold command logic (commands pass in the future to run).

use std::future::Future;

use crate::exit::ExitCode;

/// Runs `future` to completion on a new multi-thread tokio runtime (all drivers enabled: I/O,
/// time, signals) and returns its output. The runtime is shut down before this returns.
///
/// Errors: when the runtime cannot be built (the OS refused threads or an I/O driver), prints
/// `error: cannot start the async runtime: …` to stderr and returns [`ExitCode::Failure`]
/// (exit 1) without polling `future`.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, ExitCode> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Ok(runtime.block_on(future)),
        Err(e) => {
            crate::errln!("error: cannot start the async runtime: {e}");
            Err(ExitCode::Failure)
        }
    }
}

/// [`block_on`] for a command whose future yields its exit code: that code, or
/// [`ExitCode::Failure`] (exit 1) when the runtime cannot be built.
pub fn run(future: impl Future<Output = ExitCode>) -> ExitCode {
    block_on(future).unwrap_or_else(|code| code)
}
