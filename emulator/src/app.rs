//! The shared state of one running emulator (store, tokens, faults, recorder, settings). Owns
//! the bundle and the commit-to-disk step: a background saver writes the state file (group
//! commit), and a write is answered only once a save that includes it has finished.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::arm_error::ArmError;
use crate::faults::FaultEngine;
use crate::stats::Recorder;
use crate::store::Store;
use crate::token::TokenStore;

/// What the saver has done so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct SaveStatus {
    /// The store generation the state file holds.
    pub saved: u64,
    /// The last failed save: the generation it tried to write, and why it failed.
    pub failed: Option<(u64, String)>,
}

/// Everything a request handler may touch.
#[derive(Debug)]
pub(crate) struct App {
    pub store: Mutex<Store>,
    pub state_path: Option<PathBuf>,
    pub tokens: TokenStore,
    pub faults: FaultEngine,
    pub recorder: Recorder,
    pub client_secret: String,
    /// The emulator's clock (api-version retirement, timestamps).
    pub clock: crate::clock::Clock,
    pub assume_referenced_exist: bool,
    /// Wakes the saver (a write is waiting to be saved).
    pub save_wanted: tokio::sync::Notify,
    /// Published by the saver after every save attempt.
    pub save_status: tokio::sync::watch::Sender<SaveStatus>,
}

impl App {
    /// Waits until the state file holds `generation` (no-op without a state file). A failed
    /// save is answered as ARM's 500 so the client retries; the in-memory store keeps the
    /// change and stays dirty, so the next save (or shutdown) writes it.
    pub async fn commit(&self, generation: u64) -> Result<(), ArmError> {
        if self.state_path.is_none() {
            return Ok(());
        }
        let mut rx = self.save_status.subscribe();
        self.save_wanted.notify_one();
        let outcome = rx
            .wait_for(|s| {
                s.saved >= generation || s.failed.as_ref().is_some_and(|(g, _)| *g >= generation)
            })
            .await
            .map(|s| {
                if s.saved >= generation {
                    Ok(())
                } else {
                    Err(s
                        .failed
                        .as_ref()
                        .map(|(_, m)| m.clone())
                        .unwrap_or_default())
                }
            })
            .unwrap_or_else(|_| Err("the saver stopped".into()));
        outcome.map_err(|e| {
            ArmError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                format!("The emulator could not save its state: {e}"),
            )
        })
    }

    /// Saves the store if it changed since the last save: snapshots it under the store lock
    /// (cheap: bodies are shared), writes it outside the lock, publishes the outcome. Only the
    /// saver task and the final save at shutdown (after the saver stopped) call this, so
    /// saves never overlap and the file never goes back to an older state.
    pub fn save_now(&self) -> Result<(), crate::EmulatorError> {
        let Some(path) = &self.state_path else {
            return Ok(());
        };
        let (snapshot, generation) = {
            let store = self.store.lock().expect("store");
            if !store.is_dirty() {
                return Ok(());
            }
            store.snapshot()
        };
        let result = crate::store::write_state(&snapshot, path);
        drop(snapshot);
        match &result {
            Ok(()) => {
                self.store.lock().expect("store").mark_saved(generation);
                self.save_status
                    .send_modify(|s| s.saved = s.saved.max(generation));
            }
            Err(e) => {
                let message = e.to_string();
                self.save_status
                    .send_modify(|s| s.failed = Some((generation, message)));
            }
        }
        result
    }
}

/// The longest pause between two saves.
const MAX_SAVE_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// The saver: while writes wait, saves repeatedly, each save taking every write made before it
/// (a burst of writes costs a few saves, not one each), with a pause after each save of twice
/// its duration, at most [`MAX_SAVE_PAUSE`]; exits when `stop` fires ([`crate::RunningEmulator::shutdown`]
/// then saves what is left).
pub(crate) async fn saver(app: std::sync::Arc<App>, mut stop: tokio::sync::oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = app.save_wanted.notified() => {}
            _ = &mut stop => break,
        }
        let app2 = app.clone();
        let started = std::time::Instant::now();
        let _ = tokio::task::spawn_blocking(move || app2.save_now()).await;
        // Pause twice as long as the save took (at most MAX_SAVE_PAUSE), so saving a big state
        // uses at most a third of a core; writes made meanwhile go into the next save.
        let pause = (started.elapsed() * 2).min(MAX_SAVE_PAUSE);
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = &mut stop => break,
        }
    }
}
