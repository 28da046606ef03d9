//! The Ctrl-C flag shared by the command and the executor: once set, no new work starts while
//! in-flight requests finish. It must not install signal handlers (the command does).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cloneable "stop starting work" flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag (idempotent).
    pub fn trigger(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
