//! Entry point: parse arguments, run the command, map the outcome to an exit code. Nothing else.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = kvinit::cli::Cli::parse();
    let code = kvinit::commands::run(cli);
    std::process::ExitCode::from(code.as_u8())
}
