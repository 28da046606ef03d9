//! `kvinit plan`: reads the plan file, validates it, computes the desired state and renders it
//! (table, json or yaml). Offline: sends nothing anywhere. Glue only; the later live-plan work
//! adds an observe + diff step between desired state and rendering.

use std::path::Path;

use crate::cli::{PlanArgs, PlanFormat};
use crate::exit::ExitCode;
use crate::model::desired::{DesiredState, desired_state};
use crate::ui::plan_view;

/// Reads and validates a plan file, printing problems to stderr. `Err` carries the exit code
/// (always [`ExitCode::BadInput`]: unreadable file or invalid plan). Shared by commands that
/// take `-f FILE`.
pub fn load(path: &Path) -> Result<DesiredState, ExitCode> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read plan file `{}`: {e}", path.display());
            if e.kind() == std::io::ErrorKind::NotFound {
                eprintln!("hint: pass the plan with `-f FILE`, or write one with `kvinit init`");
            }
            return Err(ExitCode::BadInput);
        }
    };
    match crate::plan_file::parse(path, &text) {
        Ok(plan) => Ok(desired_state(&plan)),
        Err(diags) => {
            eprintln!("{diags}");
            Err(ExitCode::BadInput)
        }
    }
}

/// Runs `kvinit plan`.
pub fn run(args: PlanArgs) -> ExitCode {
    let live_requested =
        args.out.is_some() || args.detailed_exitcode || args.target.arm_endpoint.is_some() || {
            #[cfg(feature = "emulator")]
            {
                args.target.emulator.is_some()
            }
            #[cfg(not(feature = "emulator"))]
            {
                false
            }
        };
    if live_requested {
        eprintln!(
            "error: this build's `kvinit plan` is an offline preview; `--out`, `--detailed-exitcode`, `--emulator` and `--arm-endpoint` need live state, which it does not read"
        );
        eprintln!(
            "hint: run `kvinit plan -f {}` without them",
            args.file.display()
        );
        return ExitCode::BadInput;
    }
    let state = match load(&args.file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let file = args.file.display().to_string();
    let text = match args.output {
        PlanFormat::Table => plan_view::render_table(&file, &state),
        PlanFormat::Json => {
            let mut s = serde_json::to_string_pretty(&plan_view::to_json(&state))
                .expect("JSON values serialise");
            s.push('\n');
            s
        }
        PlanFormat::Yaml => serde_yaml::to_string(&plan_view::to_json(&state))
            .expect("JSON values serialise as YAML"),
    };
    print!("{text}");
    ExitCode::Success
}
