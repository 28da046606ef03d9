//! The shared state of one running emulator (store, tokens, faults, recorder, settings). Owns
//! nothing but the bundle and the commit-to-disk step.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::arm_error::ArmError;
use crate::faults::FaultEngine;
use crate::stats::Recorder;
use crate::store::Store;
use crate::token::TokenStore;

/// Everything a request handler may touch.
#[derive(Debug)]
pub(crate) struct App {
    pub store: Mutex<Store>,
    pub state_path: Option<PathBuf>,
    pub tokens: TokenStore,
    pub faults: FaultEngine,
    pub recorder: Recorder,
    pub client_secret: String,
    pub assume_referenced_exist: bool,
}

impl App {
    /// Persists the store after a successful write (no-op without a state file). A failure is
    /// answered as ARM's 500 so the client retries; the in-memory store keeps the change.
    pub fn commit(&self, store: &Store) -> Result<(), ArmError> {
        match &self.state_path {
            Some(path) => store.persist(path).map_err(|e| {
                store.mark_dirty();
                ArmError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    format!("The emulator could not save its state: {e}"),
                )
            }),
            None => Ok(()),
        }
    }
}
