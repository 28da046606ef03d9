//! `kvinit schema`: prints the plan file's JSON Schema ([`crate::plan_file::json_schema`]).
//! Glue only.

use crate::exit::ExitCode;

/// Runs `kvinit schema`.
pub fn run() -> ExitCode {
    crate::ui::output::stdout(&crate::plan_file::json_schema::render());
    ExitCode::Success
}
