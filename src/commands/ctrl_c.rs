//! Ctrl-C (or SIGTERM, as sent by `timeout` and CI cancellation) during a command that writes
//! (`apply`): the first sets the shared [`Interrupt`] flag (no new request is sent, one in
//! progress gets `azure::interrupt::GRACE` to finish, waits for budget or provisioning end at
//! once, the report says what was done, exit 130); a second one exits 130 at once. A Ctrl-C while the confirmation prompt is
//! up belongs to the prompt (`ui::prompter::confirm_apply`). It must not decide what to apply.

use std::sync::Arc;

use crate::apply::{ApplyEvent, Interrupt, Reporter};
use crate::exit::ExitCode;

/// Watches SIGINT on the current runtime until aborted. The first Ctrl-C (outside the prompt)
/// triggers `interrupt` and reports [`ApplyEvent::Interrupted`]; the second shows the cursor,
/// says so and exits the process with 130 without waiting for requests in flight.
pub fn watch(interrupt: Interrupt, reporter: Arc<dyn Reporter>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        #[cfg(unix)]
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            #[cfg(unix)]
            let terminated = async {
                match terminate.as_mut() {
                    Some(t) => t.recv().await,
                    None => std::future::pending().await,
                }
            };
            #[cfg(not(unix))]
            let terminated = std::future::pending::<Option<()>>();
            tokio::select! {
                signal = tokio::signal::ctrl_c() => if signal.is_err() { return },
                _ = terminated => {}
            }
            if crate::ui::prompter::prompting() {
                // The prompt answers "interrupted" itself; nothing has started.
                interrupt.trigger();
                continue;
            }
            if !interrupt.is_set() {
                interrupt.trigger();
                reporter.report(ApplyEvent::Interrupted);
                continue;
            }
            crate::ui::prompter::restore_terminal();
            crate::errln!(
                "\ninterrupted again: exiting now; requests in flight may or may not have \
                 completed — run `kvinit apply` again to converge"
            );
            std::process::exit(i32::from(ExitCode::Interrupted.as_u8()));
        }
    })
}
