//! `kvinit apply`: read and validate the plan (bad input → exit 2 before any request or
//! emulator), pick the target (Azure or the embedded emulator), read live state, show the
//! summary, confirm, execute, render the report. `kvinit apply FILE` executes a saved change
//! set exactly, after checking live state still has the fingerprints it was computed from
//! (exit 5 "plan is stale" otherwise). Glue only: the logic lives in `apply`,
//! `change` and `azure`.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Instant;

use super::target::{RunTarget, TargetChoice};
use crate::apply::{ApplyOptions, ApplyReport, Interrupt, Reporter};
use crate::azure::Target;
use crate::change::ChangeSet;
use crate::change::diff::DiffOptions;
use crate::change::saved::{SavedChangeSet, SavedTarget};
use crate::cli::{ApplyArgs, ApplyFormat};
use crate::exit::ExitCode;
use crate::resources::DesiredState;
use crate::ui::apply_view::{render_json, render_summary, render_table};
use crate::ui::progress::ProgressReporter;

/// Runs `kvinit apply`.
pub fn run(args: ApplyArgs) -> ExitCode {
    if let Err(e) = crate::change::guard::AllowWeaken::parse(&args.allow_weaken) {
        crate::errln!("error: {e}");
        return ExitCode::BadInput;
    }
    if let Some(path) = args.changeset.clone() {
        return run_saved(args, &path);
    }
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            crate::errln!(
                "error: cannot read the plan file `{}`: {e}",
                args.file.display()
            );
            crate::errln!("hint: write one with `kvinit init`, or pass -f FILE");
            return ExitCode::BadInput;
        }
    };
    let limits = crate::plan_file::Limits {
        max_cells: args.max_cells,
    };
    let plan = match crate::plan_file::parse_with_limits(&args.file, &text, &limits) {
        Ok(p) => p,
        Err(diagnostics) => {
            crate::errln!("{diagnostics}");
            return ExitCode::BadInput;
        }
    };
    let (desired, compliance) = crate::rules::desired_state_with_compliance(&plan);
    if let Some(message) = super::compliance_gate::check(
        &desired,
        &compliance,
        args.fail_on,
        &args.file.display().to_string(),
    ) {
        crate::errln!("{message}");
        crate::errln!("nothing was sent to ARM");
        return ExitCode::FindingsAtThreshold;
    }
    if args.fail_on.is_none() {
        if let Some(warning) =
            super::compliance_gate::warning(&desired, &compliance, &args.file.display().to_string())
        {
            crate::errln!("{warning}");
        }
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !interactive {
        crate::errln!(
            "error: kvinit apply needs confirmation, but stdin is not a terminal\n\
             hint: review the changes with `kvinit plan -f {}`, then pass --yes",
            args.file.display()
        );
        return ExitCode::BadInput;
    }
    let choice = match TargetChoice::from_args(&args.target, super::target::cloud_of(&desired)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    super::runtime::run(run_async(args, desired, choice, interactive))
}

/// `kvinit apply FILE`: applies a saved change set exactly (no re-plan) after checking that
/// live state has not moved since it was saved (exit 5 "plan is stale" naming what moved) and
/// that no body was edited (exit 2: each body's digest, each body recomputed through the
/// never-weaken guard, and the `desired` bodies against the plan file while it is unchanged).
fn run_saved(args: ApplyArgs, path: &std::path::Path) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            crate::errln!(
                "error: cannot read the change set `{}`: {e}",
                path.display()
            );
            crate::errln!(
                "hint: save one with `kvinit plan -f PLAN --out {}`",
                path.display()
            );
            return ExitCode::BadInput;
        }
    };
    let saved = match SavedChangeSet::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("error: `{}`: {e}", path.display());
            return ExitCode::BadInput;
        }
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !interactive {
        crate::errln!(
            "error: kvinit apply needs confirmation, but stdin is not a terminal\n\
             hint: pass --yes to apply the saved change set `{}`",
            path.display()
        );
        return ExitCode::BadInput;
    }
    let choice = match TargetChoice::from_args(
        &args.target,
        crate::model::regions::Cloud::of_locations(
            saved.vaults.iter().map(|v| v.location.as_str()),
        ),
    ) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (target, _) = super::plan::describe_target(&choice);
    if target != saved.target {
        crate::errln!(
            "error: the change set `{}` was computed against {}, not this run's target {}",
            path.display(),
            describe_saved(&saved.target),
            describe_saved(&target)
        );
        crate::errln!("hint: pass the same target flags as the `kvinit plan --out` that saved it");
        return ExitCode::BadInput;
    }
    warn_if_plan_file_changed(&saved);
    if let Err(edited) = check_desired_against_plan_file(&saved) {
        return refuse_edited(&saved, &edited);
    }
    super::runtime::run(async move {
        let desired = saved.desired_state();
        RunTarget::run(choice, &crate::live::tenant_of(&desired), async |target| {
            apply_saved(&args, &saved, &desired, target, interactive).await
        })
        .await
    })
}

/// The target flags that reach `t` again, with a leading space (none for a cloud's own ARM
/// endpoint, which the plan's regions select).
fn target_flags(t: &SavedTarget) -> String {
    match (&t.state, &t.arm_endpoint) {
        (Some(state), _) => format!(" --emulator={state}"),
        (None, Some(endpoint))
            if crate::model::regions::Cloud::of_arm_endpoint(endpoint).is_none() =>
        {
            format!(" --arm-endpoint {endpoint}")
        }
        _ => String::new(),
    }
}

fn describe_saved(t: &SavedTarget) -> String {
    match (&t.state, &t.arm_endpoint) {
        (Some(state), _) => format!("the emulator on `{state}`"),
        (None, Some(endpoint)) => format!("ARM at {endpoint}"),
        (None, None) => t.kind.clone(),
    }
}

/// A saved change set is applied exactly even when its plan file changed since; say so.
fn warn_if_plan_file_changed(saved: &SavedChangeSet) {
    use sha2::{Digest, Sha256};
    let Ok(bytes) = std::fs::read(&saved.plan_file.path) else {
        return;
    };
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != saved.plan_file.sha256 {
        crate::errln!(
            "warning: `{}` changed since this change set was saved; applying the saved change \
             set exactly (plan again to pick up the changes)",
            saved.plan_file.path
        );
    }
}

async fn apply_saved(
    args: &ApplyArgs,
    saved: &SavedChangeSet,
    desired: &DesiredState,
    target: &Target,
    interactive: bool,
) -> ExitCode {
    let run = match Run::start(target) {
        Ok(run) => run,
        Err(code) => return code,
    };
    let live = crate::azure::observe::observe(&run.clients, desired).await;
    if run.interrupt.is_set() {
        return interrupted_before_writing();
    }
    if let Some(e) = live.nothing_readable() {
        crate::errln!(
            "error: reading live state from {target} failed: {}: {}",
            e.code,
            e.message
        );
        return ExitCode::Failure;
    }
    let unreadable: Vec<String> = desired
        .vaults
        .iter()
        .flat_map(|v| &v.resources)
        .filter_map(|r| {
            live.read_error(&r.id)
                .map(|e| format!("{} ({}: {})", r.id, e.code, e.message))
        })
        .collect();
    if !unreadable.is_empty() {
        crate::errln!(
            "error: could not read live state to check the change set is current, so nothing \
             was written:\n  {}",
            unreadable.join("\n  ")
        );
        return ExitCode::Failure;
    }
    let moved = saved.moved(&live);
    if !moved.is_empty() {
        crate::errln!(
            "error: plan is stale: live state moved since the change set was saved, so nothing \
             was written:"
        );
        for m in &moved {
            crate::errln!("  {} {}", m.id, m.what);
        }
        crate::errln!(
            "hint: plan again (`kvinit plan -f {}{} --out FILE`), review, and apply the new file",
            saved.plan_file.path,
            target_flags(&saved.target)
        );
        return ExitCode::StalePlan;
    }
    // A change set is input, not trusted data: every body is recomputed through the same
    // guard as a live apply, and the summary printed is computed from what will be sent.
    let changes = match saved.verify(&live, apply_options(args).diff) {
        Ok(changes) => changes,
        Err(edited) => return refuse_edited(saved, &edited),
    };
    run.confirm_and_execute(args, &changes, interactive).await
}

/// Exit 2 for a change set whose bodies were edited after `plan` saved it (or that differ from
/// what this run's flags would send), naming each resource and field.
fn refuse_edited(saved: &SavedChangeSet, edited: &[crate::change::saved::Edited]) -> ExitCode {
    crate::errln!(
        "error: the change set does not match what `kvinit plan` saved or what kvinit would \
         send, so nothing was written:"
    );
    for e in edited {
        crate::errln!("  {e}");
    }
    crate::errln!(
        "hint: do not edit a saved change set; change the plan file `{}` and plan again (with \
         the same --allow-weaken / --allow-permission-model-switch flags as this apply)",
        saved.plan_file.path
    );
    ExitCode::BadInput
}

/// When the plan file is still the one the change set was saved from (same SHA-256), the
/// `desired` bodies saved must be exactly those it gives; `Err` names the first edited one.
fn check_desired_against_plan_file(
    saved: &SavedChangeSet,
) -> Result<(), Vec<crate::change::saved::Edited>> {
    use sha2::{Digest, Sha256};
    let path = std::path::Path::new(&saved.plan_file.path);
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    let digest: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != saved.plan_file.sha256 {
        return Ok(());
    }
    let Ok(plan) = crate::plan_file::parse(path, &text) else {
        return Ok(());
    };
    let fresh = crate::resources::desired_state(&plan);
    let mut edited = Vec::new();
    let fresh_resources = fresh.vaults.iter().flat_map(|v| &v.resources);
    let saved_resources = saved.vaults.iter().flat_map(|v| &v.resources);
    for (f, s) in fresh_resources.zip(saved_resources) {
        let plan_body = f.body.to_value();
        if !f.id.eq_ignore_ascii_case(&s.id) {
            edited.push(crate::change::saved::Edited {
                id: s.id.clone(),
                field: "id".into(),
                why: "the plan file gives another resource here",
            });
        } else if let Some(field) =
            crate::change::fingerprint::first_difference(&plan_body, &s.desired)
        {
            edited.push(crate::change::saved::Edited {
                id: s.id.clone(),
                field: if field.is_empty() {
                    "(whole body)".into()
                } else {
                    field
                },
                why: "the saved `desired` body is not what the plan file gives",
            });
        }
    }
    if edited.is_empty() {
        Ok(())
    } else {
        Err(edited)
    }
}

async fn run_async(
    args: ApplyArgs,
    desired: DesiredState,
    choice: TargetChoice,
    interactive: bool,
) -> ExitCode {
    RunTarget::run(choice, &crate::live::tenant_of(&desired), async |target| {
        converge(&args, &desired, target, interactive).await
    })
    .await
}

async fn converge(
    args: &ApplyArgs,
    desired: &DesiredState,
    target: &Target,
    interactive: bool,
) -> ExitCode {
    let run = match Run::start(target) {
        Ok(run) => run,
        Err(code) => return code,
    };
    let options = apply_options(args);
    let mut changes =
        match crate::apply::plan_changes(&run.clients, desired, options, run.reporter.as_ref())
            .await
        {
            Ok(_) | Err(_) if run.interrupt.is_set() => return interrupted_before_writing(),
            Ok(c) => c,
            Err(e) => {
                crate::errln!("error: reading live state from {target} failed: {e}");
                return ExitCode::Failure;
            }
        };
    // The same name outcomes as a live `plan`, before asking: a taken or held name blocks its
    // vault (and what needs it) here, so the preview never counts it as a create.
    crate::live::check_names(&run.clients, &mut changes).await;
    if run.interrupt.is_set() {
        return interrupted_before_writing();
    }
    run.confirm_and_execute(args, &changes, interactive).await
}

/// One apply run against a target: its clients, progress reporter and Ctrl-C handling, shared
/// by `apply PLAN` (converge) and `apply CHANGESET`.
struct Run {
    started: Instant,
    progress: Arc<ProgressReporter>,
    reporter: Arc<dyn Reporter>,
    interrupt: Interrupt,
    watcher: tokio::task::JoinHandle<()>,
    clients: crate::azure::ArmClient,
}

impl Run {
    /// Starts the clock and the Ctrl-C watch (from here on Ctrl-C stops the run, see
    /// `azure::interrupt`, instead of killing the process), then builds the clients.
    fn start(target: &Target) -> Result<Self, ExitCode> {
        let started = Instant::now();
        let progress = Arc::new(ProgressReporter::default());
        let reporter: Arc<dyn Reporter> = progress.clone();
        let interrupt = Interrupt::new();
        let watcher = super::ctrl_c::watch(interrupt.clone(), reporter.clone());
        let clients = super::target::connect(target, interrupt.clone())?;
        Ok(Self {
            started,
            progress,
            reporter,
            interrupt,
            watcher,
            clients,
        })
    }

    /// Asks for confirmation (see [`confirm`]), executes `changes`, prints the report and
    /// returns its exit code.
    async fn confirm_and_execute(
        self,
        args: &ApplyArgs,
        changes: &ChangeSet,
        interactive: bool,
    ) -> ExitCode {
        if let Err(code) = confirm(args, changes, interactive).await {
            return code;
        }
        let report = crate::apply::execute(
            &self.clients,
            changes,
            apply_options(args),
            self.reporter,
            self.interrupt,
            self.started,
        )
        .await;
        self.watcher.abort();
        self.progress.finish();
        crate::ui::deprecation_notices::print(&self.clients.deprecations().snapshot());
        print_report(&report, args.output);
        exit_code(&report)
    }
}

/// Ctrl-C while live state was being read: nothing was written.
fn interrupted_before_writing() -> ExitCode {
    crate::ui::prompter::restore_terminal();
    crate::errln!("\ninterrupted while reading live state; nothing was changed");
    ExitCode::Interrupted
}

/// Prints the change summary to stderr, then asks "Apply these changes?" unless `--yes` was
/// passed or the session is not interactive. `Ok(())` means go ahead; `Err` carries the exit
/// code to stop with: 0 when the user answered no ("Nothing was changed."), 130 when the prompt
/// was interrupted (Ctrl-C or Esc). Nothing has been written at that point.
async fn confirm(args: &ApplyArgs, changes: &ChangeSet, interactive: bool) -> Result<(), ExitCode> {
    crate::ui::output::stderr(&render_summary(changes));
    if !args.yes && interactive {
        match crate::ui::prompter::confirm_apply("Apply these changes?").await {
            Ok(true) => {}
            Ok(false) => {
                crate::errln!("Nothing was changed.");
                return Err(ExitCode::Success);
            }
            Err(_) => {
                crate::errln!("interrupted; nothing was changed");
                return Err(ExitCode::Interrupted);
            }
        }
    }
    Ok(())
}

/// The executor's options from the command line: `--concurrency` (vaults at once) and
/// `--allow-permission-model-switch`, `--allow-weaken`, `--keep-revoked-grants`,
/// `--principal-wait`.
fn apply_options(args: &ApplyArgs) -> ApplyOptions {
    ApplyOptions {
        concurrency: usize::from(args.concurrency),
        diff: DiffOptions {
            allow_permission_model_switch: args.allow_permission_model_switch,
            // Checked (exit 2) at the start of `run`.
            allow_weaken: crate::change::guard::AllowWeaken::parse(&args.allow_weaken)
                .unwrap_or_default(),
            keep_revoked_grants: args.keep_revoked_grants,
        },
        principal_wait: std::time::Duration::from_secs(args.principal_wait),
    }
}

fn print_report(report: &ApplyReport, format: ApplyFormat) {
    match format {
        ApplyFormat::Json => crate::ui::output::stdout(&format!("{}\n", render_json(report))),
        ApplyFormat::Yaml => crate::ui::output::stdout(&crate::ui::structured::yaml(report)),
        ApplyFormat::Table => crate::ui::output::human(&render_table(report)),
    }
}

/// 130 when interrupted, 1 when any vault failed, 0 when every vault converged.
fn exit_code(report: &ApplyReport) -> ExitCode {
    if report.interrupted {
        ExitCode::Interrupted
    } else if report.all_converged() {
        ExitCode::Success
    } else {
        ExitCode::Failure
    }
}
