//! The terminal progress reporter: indicatif bars on a TTY (one overall bar, one spinner per
//! vault in flight), plain lines otherwise. Everything goes to stderr so `-o json` stays clean.
//! It implements the executor's `Reporter` and must not influence the run.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::apply::{ApplyEvent, Reporter, VaultStatus};
use crate::ui::escape;

/// Progress on stderr: bars on a terminal, lines otherwise.
pub struct ProgressReporter {
    inner: Mutex<Inner>,
}

enum Inner {
    Bars {
        multi: MultiProgress,
        overall: Option<ProgressBar>,
        vaults: HashMap<String, ProgressBar>,
    },
    Lines,
}

impl Default for ProgressReporter {
    /// Bars only when stderr is a terminal that can move the cursor (not `TERM=dumb`, which
    /// is what editors' shells, CI logs and `script` set); plain lines otherwise. Colour is a
    /// separate matter: console honours `NO_COLOR` / `CLICOLOR=0` for both.
    fn default() -> Self {
        Self::new(cursor_capable())
    }
}

/// Whether stderr is a terminal that understands cursor movement: a TTY whose `TERM` is not
/// `dumb` (on Unix an unset or empty `TERM` counts as dumb too).
pub fn cursor_capable() -> bool {
    if !std::io::stderr().is_terminal() {
        return false;
    }
    match std::env::var("TERM") {
        Ok(term) => !term.is_empty() && term != "dumb",
        Err(_) => !cfg!(unix),
    }
}

impl ProgressReporter {
    /// Bars when `tty`, plain lines otherwise.
    pub fn new(tty: bool) -> Self {
        let inner = if tty {
            Inner::Bars {
                multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                overall: None,
                vaults: HashMap::new(),
            }
        } else {
            Inner::Lines
        };
        Self {
            inner: Mutex::new(inner),
        }
    }

    /// Clears any bars still drawn (call before printing the report).
    pub fn finish(&self) {
        if let Inner::Bars {
            multi,
            overall,
            vaults,
        } = &mut *self.inner.lock().expect("progress lock")
        {
            for (_, bar) in vaults.drain() {
                bar.finish_and_clear();
            }
            if let Some(bar) = overall.take() {
                bar.finish_and_clear();
            }
            let _ = multi.clear();
        }
    }
}

fn status_word(status: VaultStatus) -> &'static str {
    match status {
        VaultStatus::Created => "created",
        VaultStatus::Updated => "updated",
        VaultStatus::Unchanged => "unchanged",
        VaultStatus::Failed => "FAILED",
        VaultStatus::Interrupted => "interrupted",
    }
}

fn line_for(event: &ApplyEvent) -> Option<String> {
    match event {
        ApplyEvent::Observing { resources } => Some(format!(
            "reading live state of {}…",
            super::count::count(*resources, "resource", "resources")
        )),
        ApplyEvent::Started { vaults, pending } => Some(format!(
            "applying: {}, {pending} with changes",
            super::count::vaults(*vaults)
        )),
        ApplyEvent::VaultFinished(report) => Some(match &report.error {
            // The status already says "interrupted"; the code would repeat it.
            Some(e) if report.status == VaultStatus::Interrupted => format!(
                "{}: {} — {}",
                escape(&report.name),
                status_word(report.status),
                escape(&e.message)
            ),
            Some(e) => format!(
                "{}: {} — {}: {}",
                escape(&report.name),
                status_word(report.status),
                escape(&e.code),
                escape(&e.message)
            ),
            None => format!("{}: {}", escape(&report.name), status_word(report.status)),
        }),
        ApplyEvent::Retrying {
            vault,
            id,
            reason,
            after_secs,
            left_secs,
        } => Some(format!(
            "{vault}: {reason}; retrying {} in {after_secs} s ({left_secs} s left of --principal-wait)",
            id.rsplit('/').next().unwrap_or(id)
        )),
        ApplyEvent::Interrupted => Some(format!(
            "interrupted: no new request is sent; requests in flight get {} s to finish…",
            crate::azure::interrupt::GRACE.as_secs()
        )),
        _ => None,
    }
}

impl Reporter for ProgressReporter {
    fn report(&self, event: ApplyEvent) {
        let mut inner = self.inner.lock().expect("progress lock");
        match &mut *inner {
            Inner::Lines => {
                if let Some(line) = line_for(&event) {
                    crate::errln!("{line}");
                }
            }
            Inner::Bars {
                multi,
                overall,
                vaults,
            } => match &event {
                ApplyEvent::Started { vaults: n, .. } => {
                    let bar = multi.add(ProgressBar::new(*n as u64));
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{bar:30.cyan/blue} {pos}/{len} vaults {elapsed}",
                        )
                        .expect("valid template"),
                    );
                    *overall = Some(bar);
                }
                ApplyEvent::VaultStarted { vault } => {
                    let bar = multi.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("  {spinner} {prefix}: {msg}")
                            .expect("valid template"),
                    );
                    bar.set_prefix(escape(vault).into_owned());
                    bar.set_message("starting");
                    bar.enable_steady_tick(Duration::from_millis(120));
                    vaults.insert(vault.clone(), bar);
                }
                ApplyEvent::ResourceStarted {
                    vault, kind, what, ..
                } => {
                    if let Some(bar) = vaults.get(vault) {
                        bar.set_message(format!("{what} {}", kind.arm_type()));
                    }
                }
                ApplyEvent::VaultFinished(report) => {
                    if let Some(bar) = vaults.remove(&report.name) {
                        bar.finish_and_clear();
                        multi.remove(&bar);
                    }
                    if let Some(bar) = overall {
                        bar.inc(1);
                    }
                    if let Some(line) = line_for(&event) {
                        let _ = multi.println(line);
                    }
                }
                other => {
                    if let Some(line) = line_for(other) {
                        let _ = multi.println(line);
                    }
                }
            },
        }
    }
}
