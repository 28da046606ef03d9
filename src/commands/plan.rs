//! `kvinit plan`: reads the plan file, validates it, computes the desired state and renders it.
//! Offline by default (sends nothing anywhere, and says that it did not read live state). With a
//! target (`--emulator`, `--arm-endpoint`) or with `--out` / `--detailed-exitcode` (which need
//! live state; without a target flag they read Azure) it reads live state through the same
//! observe phase as `apply`, diffs, checks the names of vaults to create, and renders the change
//! set; `--out` saves it for `kvinit apply FILE`. Glue only: logic lives in `live` (the read phase), `change`,
//! `azure` and `ui`.

use std::path::Path;

use super::target::{RunTarget, TargetChoice};
use crate::azure::Target;
use crate::azure::interrupt::Interrupt;
use crate::change::ChangeSet;
use crate::change::diff::DiffOptions;
use crate::change::saved::{PlanFileRef, SavedChangeSet, SavedTarget};
use crate::cli::{PlanArgs, PlanFormat};
use crate::exit::ExitCode;
use crate::resources::{DesiredState, desired_state};
use crate::rules::{Compliance, desired_state_with_compliance};
use crate::ui::{change_view, plan_view, structured};

/// Reads and validates a plan file, printing problems to stderr. `Err` carries the exit code
/// (always [`ExitCode::BadInput`]: unreadable file or invalid plan). Shared by commands that
/// take `-f FILE`.
/// `max_cells`: see [`crate::plan_file::Limits::max_cells`] (`--max-cells`).
pub fn load(path: &Path, max_cells: usize) -> Result<DesiredState, ExitCode> {
    read_plan(path, max_cells).map(|(plan, _)| desired_state(&plan))
}

/// The plan file at `path`, parsed and validated, with its bytes (for the saved change set's
/// hash); problems are printed and mapped to an exit code.
fn read_plan(path: &Path, max_cells: usize) -> Result<(crate::model::Plan, String), ExitCode> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            crate::errln!("error: cannot read the plan file `{}`: {e}", path.display());
            if e.kind() == std::io::ErrorKind::NotFound {
                crate::errln!(
                    "hint: pass the plan with `-f FILE`, or write one with `kvinit init`"
                );
            }
            return Err(ExitCode::BadInput);
        }
    };
    let limits = crate::plan_file::Limits { max_cells };
    match crate::plan_file::parse_with_limits(path, &text, &limits) {
        Ok(plan) => Ok((plan, text)),
        Err(diags) => {
            crate::errln!("{diags}");
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
    if let Err(e) = crate::change::guard::AllowWeaken::parse(&args.allow_weaken) {
        crate::errln!("error: {e}");
        return ExitCode::BadInput;
    }
    let (plan, text) = match read_plan(&args.file, args.max_cells) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // `--out FILE` is refused before anything is read when it could not be written safely
    // (exists without --force, a symlink, the plan file itself, a missing directory).
    if let Some(out) = &args.out {
        if let Err(code) = check_out(out, &args) {
            return code;
        }
    }
    let (state, compliance) = desired_state_with_compliance(&plan);
    drop(plan);
    let gate = super::compliance_gate::check(
        &state,
        &compliance,
        args.fail_on,
        &args.file.display().to_string(),
    );
    let code = if !wants_live(&args) {
        let code = offline(&args, &state, &compliance);
        // Freeing a large desired state allocation by allocation takes longer than computing
        // it (10,000 vaults: ~0.3 s of `free`); the process is about to exit, so a plan of
        // that size is left to the OS. Small plans (and the wizard, which goes on) free as usual.
        if state.vaults.len() > LEAK_ON_EXIT_VAULTS {
            std::mem::forget((state, compliance));
        }
        code
    } else {
        let choice = match TargetChoice::from_args(&args.target, super::target::cloud_of(&state)) {
            // A plan only reads: it shares the emulator's state file and never writes it.
            Ok(c) => c.read_only(),
            Err(code) => return code,
        };
        super::runtime::run(live(args, state, compliance, text, choice))
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

/// Above this many vaults, an offline plan's desired state is not freed before exit.
const LEAK_ON_EXIT_VAULTS: usize = 1_000;

/// Bytes of `-o json`/`-o yaml` output gathered before one write to stdout.
const STREAM_CHUNK: usize = 64 * 1024;

fn offline(args: &PlanArgs, state: &DesiredState, compliance: &Compliance) -> ExitCode {
    let file = args.file.display().to_string();
    // Streamed vault by vault through a 64 KiB buffer: a 10,000-vault document is never held
    // as one tree or one string. The table is human output (escaped), JSON and YAML are not.
    let print = match args.output {
        PlanFormat::Table => crate::ui::output::human,
        PlanFormat::Json | PlanFormat::Yaml => crate::ui::output::stdout,
    };
    let mut buffer = String::with_capacity(STREAM_CHUNK);
    let mut sink = |chunk: &str| {
        buffer.push_str(chunk);
        if buffer.len() >= STREAM_CHUNK {
            print(&buffer);
            buffer.clear();
        }
    };
    let head = || plan_view::head(state, compliance);
    let vaults = || plan_view::vaults(state, compliance);
    match args.output {
        PlanFormat::Table => {
            plan_view::write_table(&file, state, compliance, args.detail, &mut sink)
        }
        PlanFormat::Json => structured::stream_json(
            &head(),
            "vaults",
            plan_view::vaults_compact(state, compliance),
            &mut sink,
        ),
        PlanFormat::Yaml => structured::stream_yaml(&head(), "vaults", vaults(), &mut sink),
    }
    print(&buffer);
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

async fn live(
    args: PlanArgs,
    state: DesiredState,
    compliance: Compliance,
    text: String,
    choice: TargetChoice,
) -> ExitCode {
    let (saved_target, source) = describe_target(&choice);
    RunTarget::run(choice, &crate::live::tenant_of(&state), async |target| {
        plan_live(
            &args,
            &state,
            &compliance,
            &text,
            saved_target,
            &source,
            target,
        )
        .await
    })
    .await
}

async fn plan_live(
    args: &PlanArgs,
    state: &DesiredState,
    compliance: &Compliance,
    text: &str,
    saved_target: SavedTarget,
    source: &str,
    target: &Target,
) -> ExitCode {
    let clients = match super::target::connect(target, Interrupt::new()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let diff = DiffOptions {
        allow_permission_model_switch: args.allow_permission_model_switch,
        allow_weaken: crate::change::guard::AllowWeaken::parse(&args.allow_weaken)
            .unwrap_or_default(),
        keep_revoked_grants: args.keep_revoked_grants,
    };
    let mut changes = match crate::live::read_changes(&clients, state, diff).await {
        Ok(c) => c,
        Err(e) => {
            crate::errln!("error: reading live state from {target} failed: {e}");
            return ExitCode::Failure;
        }
    };
    crate::live::check_names(&clients, &mut changes).await;
    crate::ui::deprecation_notices::print(&clients.deprecations().snapshot());
    let requests = clients.counter().snapshot();
    let file = args.file.display().to_string();
    let rendered = match args.output {
        PlanFormat::Table => {
            change_view::render_table(&file, source, state, compliance, &changes, requests)
        }
        PlanFormat::Json => {
            structured::json(&change_view::to_json(state, compliance, &changes, requests))
        }
        PlanFormat::Yaml => {
            structured::yaml(&change_view::to_json(state, compliance, &changes, requests))
        }
    };
    match args.output {
        PlanFormat::Table => crate::ui::output::human(&rendered),
        _ => crate::ui::output::stdout(&rendered),
    }
    if changes.any_unreadable() {
        crate::errln!(
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
        if let Err(code) = save(out, args, text, saved_target, state, &changes) {
            return code;
        }
    }
    if args.detailed_exitcode && changes.pending_resources() > 0 {
        ExitCode::ChangesPending
    } else {
        ExitCode::Success
    }
}

/// The files `plan --out` must never write: the plan file and the emulator's state file.
fn protected(args: &PlanArgs) -> Vec<&Path> {
    let mut files = vec![args.file.as_path()];
    #[cfg(feature = "emulator")]
    if let Some(state) = &args.target.emulator {
        files.push(state.as_path());
    }
    files
}

/// Prints why `--out` cannot be written (exit 2), before any work is done.
fn check_out(out: &Path, args: &PlanArgs) -> Result<(), ExitCode> {
    let protect = protected(args);
    let opts = crate::safe_write::Options {
        force: args.force,
        protect: &protect,
        what: "change sets",
    };
    crate::safe_write::check(out, &opts)
        .map(|_| ())
        .map_err(|refusal| report_refusal(out, &refusal, &opts))
}

fn report_refusal(
    out: &Path,
    refusal: &crate::safe_write::Refusal,
    opts: &crate::safe_write::Options<'_>,
) -> ExitCode {
    crate::errln!(
        "error: --out: {}; nothing was saved",
        refusal.message(out, opts.what)
    );
    if let Some(hint) = refusal.hint() {
        crate::errln!("hint: {hint}");
    }
    if refusal.is_bad_input() {
        ExitCode::BadInput
    } else {
        ExitCode::Failure
    }
}

fn save(
    out: &Path,
    args: &PlanArgs,
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
            path: args.file.display().to_string(),
            sha256,
        },
        target,
        state,
        changes,
    );
    let mut json = serde_json::to_string_pretty(&saved).expect("the change set serialises");
    json.push('\n');
    let protect = protected(args);
    let opts = crate::safe_write::Options {
        force: args.force,
        protect: &protect,
        what: "change sets",
    };
    let written = crate::safe_write::write(out, json.as_bytes(), &opts)
        .map_err(|refusal| report_refusal(out, &refusal, &opts))?;
    if written.through_symlink {
        crate::errln!(
            "note: {} is a symlink; wrote its target {} (--force)",
            out.display(),
            written.file.display()
        );
    }
    crate::errln!(
        "Saved the change set to {}; apply exactly it with `kvinit apply {}` (same target flags).",
        out.display(),
        out.display()
    );
    Ok(())
}
