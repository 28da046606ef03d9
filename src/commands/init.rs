//! `kvinit init`: runs the wizard on the terminal (or writes the starter plan with
//! `--defaults`), writes the plan file without ever overwriting silently, then offers `plan` and
//! `apply` by calling those commands in-process. Glue only: the questions live in `wizard`.
//!
//! Every plan it writes starts with `# yaml-language-server: $schema=<url>`
//! ([`crate::plan_file::json_schema::modeline`]), so editors complete and check it as it is typed.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{ApplyArgs, ApplyFormat, InitArgs, PlanArgs, PlanFormat, TargetArgs};
use crate::exit::ExitCode;
use crate::plan_file::json_schema::with_modeline;
use crate::safe_write;
use crate::ui::prompter::{TerminalPrompter, restore_terminal};
use crate::wizard::flow::{self, Context, Stop};
use crate::wizard::prompt::{Answer, Prompt};

/// The starter plan `kvinit init --defaults` writes (a 1 × 1 × 1 plan to edit), after the schema
/// line ([`with_modeline`]).
pub const STARTER_YAML: &str = include_str!("../../templates/starter.yaml");

/// True while the wizard owns Ctrl-C (questions, writing); false once `plan`/`apply` run.
static WIZARD_OWNS_SIGINT: AtomicBool = AtomicBool::new(false);
/// Set once the plan file is in place (later interruptions keep it).
static PLAN_WRITTEN: AtomicBool = AtomicBool::new(false);

/// Runs `kvinit init`.
pub fn run(args: InitArgs) -> ExitCode {
    if args.defaults {
        return write_starter(&args.file, args.force);
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        crate::errln!(
            "error: `kvinit init` asks questions and needs a terminal on standard input and standard error"
        );
        let file = args.file.display();
        let defaults = if args.file == Path::new("kvinit.yaml") {
            "kvinit init --defaults".to_string()
        } else {
            format!("kvinit init --defaults -f {file}")
        };
        crate::errln!(
            "hint: run `{defaults}` to write the starter plan, edit it, then `kvinit plan -f {file}`"
        );
        return ExitCode::BadInput;
    }
    install_interrupt_handler();
    let mut prompter = TerminalPrompter::new();
    let profile = crate::model::profile::builtin().defaults.clone();
    let ctx = Context {
        plan_path: &args.file,
        profile,
    };
    let outcome = match flow::run(&mut prompter, &ctx) {
        Ok(outcome) => outcome,
        Err(Stop::Interrupted) => return interrupted(),
        Err(Stop::Invalid) => {
            prompter.show("Nothing written.");
            return ExitCode::BadInput;
        }
        Err(Stop::Declined) => {
            prompter.show("Nothing written.");
            return ExitCode::Success;
        }
    };
    let path = match write_plan(&mut prompter, &args.file, &with_modeline(&outcome.yaml)) {
        Ok(path) => path,
        Err(_) => return interrupted(),
    };
    PLAN_WRITTEN.store(true, Ordering::SeqCst);
    prompter.show(&format!(
        "Wrote {} ({} vaults).",
        path.display(),
        outcome.state.vaults.len()
    ));
    match next_steps(&mut prompter, &path, credentials_found(), args.max_cells) {
        Ok(code) => code,
        Err(_) => interrupted(),
    }
}

/// Cleans up after Esc/Ctrl-C (once, whether the main thread or the signal handler gets there
/// first): removes a half-written file, shows the cursor, says so.
fn interrupted() -> ExitCode {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    discard_pending();
    restore_terminal();
    if !REPORTED.swap(true, Ordering::SeqCst) {
        if PLAN_WRITTEN.load(Ordering::SeqCst) {
            crate::errln!("\ninterrupted (the plan file was already written and is kept)");
        } else {
            crate::errln!("\ninterrupted: no plan file written");
        }
    }
    ExitCode::Interrupted
}

/// Ctrl-C outside a key read (console raises SIGINT itself inside one) must still leave no file
/// and a usable terminal, and exit 130 rather than die by the signal.
fn install_interrupt_handler() {
    WIZARD_OWNS_SIGINT.store(true, Ordering::SeqCst);
    let ready = std::sync::Arc::new(std::sync::Barrier::new(2));
    let signal_ready = ready.clone();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            signal_ready.wait();
            return;
        };
        rt.block_on(async {
            let signal = tokio::signal::ctrl_c();
            tokio::pin!(signal);
            // Register the handler before the first question is asked.
            let _ = futures::poll!(&mut signal);
            signal_ready.wait();
            if signal.await.is_err() {
                return;
            }
            if !WIZARD_OWNS_SIGINT.load(Ordering::SeqCst) {
                // `plan`/`apply` run: give them time to report and exit 130 themselves;
                // registering this handler replaced the default "terminate" action.
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
            let _ = interrupted();
            std::process::exit(i32::from(ExitCode::Interrupted.as_u8()));
        });
    });
    ready.wait();
}

fn discard_pending() {
    crate::safe_write::discard_pending();
}

/// `--defaults`: writes the starter plan through [`crate::safe_write`]: refuses (exit 2) an
/// existing file or a symlink unless `force` (a symlink's target is then replaced and the link
/// kept, and kvinit says so), and always a dangling symlink, a missing directory, or what is not
/// a regular file (a device, a directory, a FIFO).
fn write_starter(path: &Path, force: bool) -> ExitCode {
    let opts = safe_write::Options {
        force,
        protect: &[],
        what: "plans",
    };
    match safe_write::write(path, with_modeline(STARTER_YAML).as_bytes(), &opts) {
        Ok(written) => {
            if written.through_symlink {
                crate::errln!(
                    "note: {} is a symlink; wrote its target {} (--force)",
                    path.display(),
                    written.file.display()
                );
            }
            crate::outln!(
                "Wrote {}. Edit it, then run `kvinit plan -f {}`.",
                path.display(),
                path.display()
            );
            ExitCode::Success
        }
        Err(refusal) => {
            crate::errln!("error: {}", refusal.message(path, opts.what));
            if let Some(hint) = refusal.hint() {
                crate::errln!("hint: {hint}");
            }
            if refusal.is_bad_input() {
                ExitCode::BadInput
            } else {
                ExitCode::Failure
            }
        }
    }
}

/// Asks where to write the plan (default `default`), asks before replacing an existing file or
/// a symlink's target (default: no, then asks for another path), and writes it through
/// [`crate::safe_write`] (atomic; never a dangling symlink, a missing directory or what is not a
/// regular file: those are shown and the path asked again).
pub fn write_plan(p: &mut dyn Prompt, default: &Path, yaml: &str) -> Answer<PathBuf> {
    let mut suggestion = default.display().to_string();
    loop {
        let answer = crate::wizard::ask::text(p, "Write the plan to", Some(&suggestion), |s| {
            if s.is_empty() {
                Err("give a file name".to_string())
            } else {
                Ok(PathBuf::from(s))
            }
        })?;
        let question = match safe_write::inspect(&answer) {
            Err(refusal) => {
                p.reject(&refusal.message(&answer, "plans"));
                continue;
            }
            Ok(safe_write::Existing::Nothing) => None,
            Ok(safe_write::Existing::File) => {
                Some(format!("{} exists. Overwrite it?", answer.display()))
            }
            Ok(safe_write::Existing::Symlink { target }) => Some(format!(
                "{} is a symlink to {}, which exists. Overwrite {}?",
                answer.display(),
                target.display(),
                target.display()
            )),
        };
        if let Some(question) = question {
            if !p.confirm(&question, false)? {
                suggestion = answer.display().to_string();
                p.show("Choose another file name.");
                continue;
            }
        }
        let opts = safe_write::Options {
            force: true,
            protect: &[],
            what: "plans",
        };
        match safe_write::write(&answer, yaml.as_bytes(), &opts) {
            Ok(_) => return Ok(answer),
            Err(refusal) => p.reject(&refusal.message(&answer, "plans")),
        }
    }
}

/// True when azure_identity's credential chain has something to work with: service principal
/// or workload identity variables, a managed identity endpoint, or an Azure CLI login (its
/// token cache). Cheap: reads environment variables and checks two files, spawns nothing.
pub fn credentials_found() -> bool {
    let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if env("AZURE_CLIENT_ID")
        && (env("AZURE_CLIENT_SECRET")
            || env("AZURE_FEDERATED_TOKEN_FILE")
            || env("AZURE_CLIENT_CERTIFICATE_PATH"))
    {
        return true;
    }
    if env("IDENTITY_ENDPOINT") || env("MSI_ENDPOINT") {
        return true;
    }
    let azure_dir = std::env::var_os("AZURE_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".azure")));
    azure_dir.is_some_and(|d| {
        d.join("msal_token_cache.json").exists() || d.join("msal_token_cache.bin").exists()
    })
}

/// The emulator state file the wizard's "apply with the emulator" uses (relative to the
/// working directory, like `--emulator` without a value).
pub const EMULATOR_STATE: &str = ".kvinit/emulator.json";

/// Offers `kvinit plan`, then `kvinit apply` (with the emulator when no Azure credentials are
/// found), running the real commands in-process.
fn next_steps(
    p: &mut dyn Prompt,
    path: &Path,
    have_credentials: bool,
    max_cells: usize,
) -> Answer<ExitCode> {
    if p.confirm(
        "Run `kvinit plan` on it now (a dry run; sends nothing)?",
        true,
    )? {
        let code = hand_over(|| {
            crate::commands::plan::run(PlanArgs {
                file: path.to_path_buf(),
                output: PlanFormat::Table,
                detail: false,
                detailed_exitcode: false,
                out: None,
                force: false,
                max_cells,
                allow_permission_model_switch: false,
                allow_weaken: Vec::new(),
                keep_revoked_grants: false,
                fail_on: None,
                target: TargetArgs::default(),
            })
        });
        if code != ExitCode::Success {
            return Ok(code);
        }
    }
    let mut choices = Vec::new();
    if have_credentials {
        choices.push("Apply to Azure now".to_string());
    }
    #[cfg(feature = "emulator")]
    choices.push(if have_credentials {
        format!("Apply with the emulator (state in {EMULATOR_STATE})")
    } else {
        format!("Apply with the emulator (no Azure credentials found; state in {EMULATOR_STATE})")
    });
    choices.push("Not now".to_string());
    let pick = p.select("Apply it?", &choices, 0)?;
    let label = choices[pick].clone();
    if label.starts_with("Not now") {
        p.show(&format!(
            "Next: kvinit plan -f {0}   then   kvinit apply -f {0}",
            path.display()
        ));
        return Ok(ExitCode::Success);
    }
    let target = TargetArgs {
        #[cfg(feature = "emulator")]
        emulator: label
            .starts_with("Apply with the emulator")
            .then(|| PathBuf::from(EMULATOR_STATE)),
        ..TargetArgs::default()
    };
    Ok(hand_over(|| {
        crate::commands::apply::run(ApplyArgs {
            changeset: None,
            file: path.to_path_buf(),
            yes: true,
            concurrency: 8,
            max_cells,
            output: ApplyFormat::Table,
            allow_permission_model_switch: false,
            allow_weaken: Vec::new(),
            keep_revoked_grants: false,
            principal_wait: 300,
            fail_on: None,
            target,
        })
    }))
}

/// Runs another command with Ctrl-C handed to it (it reports what was done and exits 130).
fn hand_over(command: impl FnOnce() -> ExitCode) -> ExitCode {
    WIZARD_OWNS_SIGINT.store(false, Ordering::SeqCst);
    let code = command();
    WIZARD_OWNS_SIGINT.store(true, Ordering::SeqCst);
    code
}
