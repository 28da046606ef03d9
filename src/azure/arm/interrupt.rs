//! The Ctrl-C (or SIGTERM) flag of a run, shared by the command, the executor and every ARM
//! call: once set, no new work starts, no new request is sent, and a call still in progress
//! gets [`GRACE`] to finish (an HTTP exchange on the wire) before it is abandoned — including a
//! call that is only *waiting*: for the pacer's budget, a `Retry-After`, a backoff or a
//! long-running operation's next poll. It must not install signal handlers (the command does).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use azure_core::error::{Error, ErrorKind};
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Request};

/// How long a call in progress when the flag is set may still take. Long enough for a request
/// already sent to be answered (ARM answers in well under a second), short enough that Ctrl-C
/// is never a wait for a throttled budget or a vault's provisioning.
pub const GRACE: Duration = Duration::from_secs(3);

/// Text in the error of a call abandoned or refused because of the flag (so errors can say
/// "Interrupted").
pub const INTERRUPTED_MARKER: &str = "kvinit: interrupted (Ctrl-C)";

/// A cloneable "stop" flag that can also be awaited.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    set: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Interrupt {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every waiter (idempotent).
    pub fn trigger(&self) {
        self.0.set.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.0.set.load(Ordering::SeqCst)
    }

    /// Resolves once the flag is set (at once when it already is).
    pub async fn triggered(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_set() {
                return;
            }
            notified.await;
        }
    }

    /// Sleeps for `wait`, or less when the flag is set meanwhile. Returns `false` when cut
    /// short by the flag.
    pub async fn sleep(&self, wait: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(wait) => !self.is_set(),
            () = self.triggered() => false,
        }
    }

    /// The pipeline policy (first of the per-call policies): refuses a call once the flag is
    /// set, and abandons one in progress [`GRACE`] after the flag is set.
    pub fn policy(&self) -> Arc<dyn Policy> {
        Arc::new(InterruptPolicy(self.clone()))
    }
}

/// The error of a call refused or abandoned because of the flag.
pub fn interrupted_error() -> Error {
    Error::with_message(ErrorKind::Other, INTERRUPTED_MARKER)
}

#[derive(Debug)]
struct InterruptPolicy(Interrupt);

#[async_trait::async_trait]
impl Policy for InterruptPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        if self.0.is_set() {
            return Err(interrupted_error());
        }
        let deadline = async {
            self.0.triggered().await;
            tokio::time::sleep(GRACE).await;
        };
        tokio::select! {
            result = next[0].send(ctx, request, &next[1..]) => result,
            () = deadline => Err(interrupted_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn waiters_wake_when_the_flag_is_set() {
        let flag = Interrupt::new();
        assert!(!flag.is_set());
        let waiter = {
            let flag = flag.clone();
            tokio::spawn(async move { flag.sleep(Duration::from_secs(60)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let start = Instant::now();
        flag.trigger();
        assert!(!waiter.await.unwrap(), "the sleep was cut short");
        assert!(start.elapsed() < Duration::from_secs(1));
        // Set already: resolves at once.
        tokio::time::timeout(Duration::from_millis(100), flag.triggered())
            .await
            .unwrap();
        assert!(interrupted_error().to_string().contains(INTERRUPTED_MARKER));
    }
}
