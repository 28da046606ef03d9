//! Progress as an observer: the executor emits [`ApplyEvent`]s to a [`Reporter`]; the terminal
//! UI renders them (src/ui/progress.rs) and tests record them ([`RecordingReporter`]). This file
//! must not print.

use std::sync::Mutex;

use super::report::{ResourceStatus, VaultReport};
use crate::resources::ResourceKind;

/// Something that happened during an apply.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyEvent {
    /// Live state is being read for `resources` distinct resources.
    Observing { resources: usize },
    /// Writing starts: `vaults` vaults, of which `pending` have something to write.
    Started { vaults: usize, pending: usize },
    /// A vault's walk begins.
    VaultStarted { vault: String },
    /// A write for one resource begins (`what`: `create`, `update`, `recover`, `check name`).
    ResourceStarted {
        vault: String,
        kind: ResourceKind,
        id: String,
        what: &'static str,
    },
    /// A resource reached its final status for this vault.
    ResourceFinished {
        vault: String,
        kind: ResourceKind,
        id: String,
        status: ResourceStatus,
    },
    /// A write is retried after a wait, and why (e.g. a role assignment's principal is not yet
    /// known to Microsoft Entra ID: `PrincipalNotFound`, a replication delay).
    Retrying {
        vault: String,
        id: String,
        /// Why, as a sentence naming ARM's code.
        reason: String,
        /// Seconds until the next attempt.
        after_secs: u64,
        /// Seconds left in the bounded wait (`--principal-wait`).
        left_secs: u64,
    },
    /// A vault is done (converged, failed or interrupted).
    VaultFinished(Box<VaultReport>),
    /// Ctrl-C or SIGTERM: no new request is sent; requests in flight get
    /// `azure::interrupt::GRACE` to finish.
    Interrupted,
}

/// Receives the executor's events. Implementations must be cheap: they run on the executor's
/// tasks.
pub trait Reporter: Send + Sync {
    /// Handles one event.
    fn report(&self, event: ApplyEvent);
}

/// A reporter that ignores everything.
#[derive(Debug, Default)]
pub struct SilentReporter;

impl Reporter for SilentReporter {
    fn report(&self, _event: ApplyEvent) {}
}

/// A reporter that keeps every event, for tests.
#[derive(Debug, Default)]
pub struct RecordingReporter {
    events: Mutex<Vec<ApplyEvent>>,
}

impl RecordingReporter {
    /// The events so far, in order.
    pub fn events(&self) -> Vec<ApplyEvent> {
        self.events.lock().expect("reporter lock").clone()
    }
}

impl Reporter for RecordingReporter {
    fn report(&self, event: ApplyEvent) {
        self.events.lock().expect("reporter lock").push(event);
    }
}
