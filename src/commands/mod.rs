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
    use crate::cli::{ApplyFormat, AuditFormat, PlanFormat};
    let json = match &cli.command {
        Command::Plan(a) => matches!(a.output, PlanFormat::Json),
        Command::Apply(a) => matches!(a.output, ApplyFormat::Json),
        Command::Audit(a) => matches!(a.output, AuditFormat::Json),
        _ => false,
    };
    let code = run_command(cli);
    if json && !matches!(code, ExitCode::Success | ExitCode::ChangesPending) {
        json_error(code);
    }
    code
}

/// With `-o json`, a run that fails before it printed its value (lock held, bad credential,
/// read-phase error, bad plan, refused change set) prints one JSON error object on stdout so
/// pipelines can parse every outcome: `{"error": {"code", "message", "exitCode"}}` — `code` is
/// the exit code's name (`Failure`, `BadInput`, `FindingsAtThreshold`, `StalePlan`,
/// `Interrupted`), `message` the first `error:` line printed to stderr (never a secret: kvinit's
/// messages never hold one).
fn json_error(code: ExitCode) {
    if crate::ui::output::stdout_written() {
        return;
    }
    let message = crate::ui::output::first_error()
        .unwrap_or_else(|| "the run failed; see stderr".to_string());
    let value = serde_json::json!({ "error": {
        "code": format!("{code:?}"), "message": message, "exitCode": code.as_u8() } });
    crate::ui::output::stdout(&format!(
        "{}\n",
        serde_json::to_string_pretty(&value).expect("a JSON value serialises")
    ));
}

fn run_command(cli: Cli) -> ExitCode {
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
