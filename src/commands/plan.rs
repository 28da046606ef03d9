//! `kvinit plan`: reads the plan file, validates it, computes the desired state and renders it.
//! Offline by default (sends nothing anywhere, and says that it did not read live state). With a
//! target (`--emulator`, `--arm-endpoint`) or with `--out` / `--detailed-exitcode` (which need
//! live state; without a target flag they read Azure) it reads live state through the same
//! observe phase as `apply`, diffs, checks the names of vaults to create, and renders the change
//! set; `--out` saves it for `kvinit apply FILE`. Glue only: logic lives in `change`, `azure`,
//! `apply` and `ui`.

use std::path::Path;

use super::target::{RunTarget, TargetChoice};
use crate::apply::{ApplyOptions, SilentReporter};
use crate::azure::Target;
use crate::change::ChangeSet;
use crate::change::diff::DiffOptions;
use crate::change::saved::{PlanFileRef, SavedChangeSet, SavedTarget};
use crate::cli::{PlanArgs, PlanFormat};
use crate::exit::ExitCode;
use crate::model::desired::{DesiredState, desired_state};
use crate::ui::{change_view, plan_view};

/// Reads and validates a plan file, printing problems to stderr. `Err` carries the exit code
/// (always [`ExitCode::BadInput`]: unreadable file or invalid plan). Shared by commands that
/// take `-f FILE`.
pub fn load(path: &Path) -> Result<DesiredState, ExitCode> {
    load_with_text(path).map(|(state, _)| state)
}

/// [`load`], also returning the file's bytes (for the saved change set's hash).
fn load_with_text(path: &Path) -> Result<(DesiredState, String), ExitCode> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read the plan file `{}`: {e}", path.display());
            if e.kind() == std::io::ErrorKind::NotFound {
                eprintln!("hint: pass the plan with `-f FILE`, or write one with `kvinit init`");
            }
            return Err(ExitCode::BadInput);
        }
    };
    match crate::plan_file::parse(path, &text) {
        Ok(plan) => Ok((desired_state(&plan), text)),
        Err(diags) => {
            eprintln!("{diags}");
            Err(ExitCode::BadInput)
        }
    }
}

/// Whether the flags ask for live state.
fn wants_live(args: &PlanArgs) -> bool {
    let emulator = {
        #[cfg(feature = "emulator")]
        {
            args.target.emulator.is_some()
        }
        #[cfg(not(feature = "emulator"))]
        {
            false
        }
    };
    args.out.is_some() || args.detailed_exitcode || args.target.arm_endpoint.is_some() || emulator
}

/// Runs `kvinit plan`.
pub fn run(args: PlanArgs) -> ExitCode {
    let (state, text) = match load_with_text(&args.file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let gate =
        super::compliance_gate::check(&state, args.fail_on, &args.file.display().to_string());
    let code = if !wants_live(&args) {
        offline(&args, &state)
    } else {
        let choice = match TargetChoice::from_args(&args.target, super::target::cloud_of(&state)) {
            // A plan only reads: it shares the emulator's state file and never writes it.
            Ok(c) => c.read_only(),
            Err(code) => return code,
        };
        super::runtime::run(live(args, state, text, choice))
    };
    // The plan is shown in full first; the gate only changes the exit code of a run that
    // otherwise succeeded.
    match gate {
        Some(message) if matches!(code, ExitCode::Success | ExitCode::ChangesPending) => {
            crate::errln!("{message}");
            ExitCode::FindingsAtThreshold
        }
        _ => code,
    }
}

fn offline(args: &PlanArgs, state: &DesiredState) -> ExitCode {
    let file = args.file.display().to_string();
    let text = match args.output {
        PlanFormat::Table => plan_view::render_table(&file, state),
        PlanFormat::Json => {
            let mut s = serde_json::to_string_pretty(&plan_view::to_json(state))
                .expect("JSON values serialise");
            s.push('\n');
            s
        }
        PlanFormat::Yaml => serde_yaml::to_string(&plan_view::to_json(state))
            .expect("JSON values serialise as YAML"),
    };
    crate::ui::output::stdout(&text);
    ExitCode::Success
}

/// How the saved change set and the table name the target.
pub fn describe_target(choice: &TargetChoice) -> (SavedTarget, String) {
    match choice {
        TargetChoice::Azure { arm_endpoint, .. } => (
            SavedTarget {
                kind: "azure".into(),
                state: None,
                arm_endpoint: Some(arm_endpoint.clone()),
            },
            format!("ARM at {arm_endpoint}"),
        ),
        #[cfg(feature = "emulator")]
        TargetChoice::Embedded { state, .. } => (
            SavedTarget {
                kind: "emulator".into(),
                state: Some(state.display().to_string()),
                arm_endpoint: None,
            },
            format!("the emulator ({})", state.display()),
        ),
    }
}

async fn live(args: PlanArgs, state: DesiredState, text: String, choice: TargetChoice) -> ExitCode {
    let (saved_target, source) = describe_target(&choice);
    RunTarget::run(choice, &super::apply::tenant_of(&state), async |target| {
        plan_live(&args, &state, &text, saved_target, &source, target).await
    })
    .await
}

async fn plan_live(
    args: &PlanArgs,
    state: &DesiredState,
    text: &str,
    saved_target: SavedTarget,
    source: &str,
    target: &Target,
) -> ExitCode {
    let clients = match super::target::connect(target, crate::apply::Interrupt::new()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = ApplyOptions {
        diff: DiffOptions {
            allow_permission_model_switch: args.allow_permission_model_switch,
        },
        ..ApplyOptions::default()
    };
    let mut changes =
        match crate::apply::plan_changes(&clients, state, options, &SilentReporter).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: reading live state from {target} failed: {e}");
                return ExitCode::Failure;
            }
        };
    crate::apply::vault_name::check_names(&clients, &mut changes).await;
    crate::ui::deprecation_notices::print(&clients.deprecations().snapshot());
    let requests = clients.counter().snapshot();
    let file = args.file.display().to_string();
    let rendered = match args.output {
        PlanFormat::Table => change_view::render_table(&file, source, state, &changes, requests),
        PlanFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&change_view::to_json(state, &changes, requests))
                    .expect("JSON values serialise");
            s.push('\n');
            s
        }
        PlanFormat::Yaml => serde_yaml::to_string(&change_view::to_json(state, &changes, requests))
            .expect("JSON values serialise as YAML"),
    };
    crate::ui::output::stdout(&rendered);
    if changes.any_unreadable() {
        eprintln!(
            "error: some live state could not be read (see `unreadable` above); the plan is \
             incomplete{}",
            if args.out.is_some() {
                " and was not saved"
            } else {
                ""
            }
        );
        return ExitCode::Failure;
    }
    if let Some(out) = &args.out {
        if let Err(code) = save(out, &args.file, text, saved_target, state, &changes) {
            return code;
        }
    }
    if args.detailed_exitcode && changes.pending_resources() > 0 {
        ExitCode::ChangesPending
    } else {
        ExitCode::Success
    }
}

fn save(
    out: &Path,
    plan: &Path,
    text: &str,
    target: SavedTarget,
    state: &DesiredState,
    changes: &ChangeSet,
) -> Result<(), ExitCode> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
    let saved = SavedChangeSet::new(
        PlanFileRef {
            path: plan.display().to_string(),
            sha256,
        },
        target,
        state,
        changes,
    );
    let mut json = serde_json::to_string_pretty(&saved).expect("the change set serialises");
    json.push('\n');
    std::fs::write(out, json).map_err(|e| {
        eprintln!(
            "error: cannot write the change set to `{}`: {e}",
            out.display()
        );
        ExitCode::Failure
    })?;
    eprintln!(
        "Saved the change set to {}; apply exactly it with `kvinit apply {}` (same target flags).",
        out.display(),
        out.display()
    );
    Ok(())
}
