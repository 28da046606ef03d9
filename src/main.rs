//! Entry point: parse arguments, run the command, map the outcome to an exit code. Nothing else.
//!
//! Output and a reader that goes away (`kvinit plan | head -1`): Rust's runtime sets SIGPIPE to
//! "ignore" before `main`, so writing to a closed pipe returns EPIPE instead of killing the
//! process. We keep it that way on purpose (rather than restoring the default "terminate"
//! action with libc): a killed `kvinit apply` could not report that its work was done. Instead
//! every command prints through `kvinit::ui::output` (`stdout`, `stderr`, `outln!`, `errln!`),
//! which treats EPIPE as "stop printing"; the command then exits with its own outcome — for
//! `apply` the work that was done, for `audit` the findings — and never panics with exit 101.
//! As a backstop for any `print!`/`eprint!` not (yet) routed through it, a panic hook turns
//! std's "failed printing to stdout/stderr: Broken pipe" panic into a quiet exit 1 (the command
//! could not finish reporting) instead of a panic message and exit 101.

use clap::Parser;

fn main() -> std::process::ExitCode {
    quiet_on_broken_pipe();
    let cli = kvinit::cli::Cli::parse();
    let code = kvinit::commands::run(cli);
    std::process::ExitCode::from(code.as_u8())
}

/// Installs the backstop described in the module docs; every other panic is reported as usual.
fn quiet_on_broken_pipe() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(i32::from(kvinit::exit::ExitCode::Failure.as_u8()));
        }
        report(info);
    }));
}
