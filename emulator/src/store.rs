//! The emulator's resource store and its state file. Owns the in-memory maps (resources by
//! lower-cased ARM resource ID, soft-deleted vaults, read-after-write and provisioning timers) and
//! crash-safe persistence (write a temp file, then rename). It does not apply ARM's rules; the
//! routes do.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EmulatorError;

/// A soft-deleted vault: what `GET deletedVaults/{name}` returns, and the vault as it was, for
/// `createMode: recover`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeletedVault {
    /// The body GET of the deleted vault returns.
    pub deleted_vault: Value,
    /// The vault body as GET returned it just before the DELETE.
    pub vault: Value,
}

/// The state file: `resources` (lower-cased ARM resource ID → body GET returns) and
/// `deletedVaults` (lower-cased deleted-vault ID → [`DeletedVault`]).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StateFile {
    #[serde(default)]
    pub resources: BTreeMap<String, Value>,
    #[serde(default)]
    pub deleted_vaults: BTreeMap<String, DeletedVault>,
}

/// The live store.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub state: StateFile,
    /// When each resource was created in this process (read-after-write lag).
    pub created_at: HashMap<String, Instant>,
    /// Vaults whose creation (long-running operation) completes at the given instant.
    pub provisioning_until: HashMap<String, Instant>,
    /// Changed since the last successful [`Store::persist`] (set by every mutation).
    dirty: AtomicBool,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// Loads `path` if it exists (an absent file is an empty store). Vaults saved mid-provisioning
    /// are taken as `Succeeded`.
    pub fn load(path: Option<&Path>) -> Result<Self, EmulatorError> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        remove_stale_temps(path);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(EmulatorError::State {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                });
            }
        };
        let mut state: StateFile = serde_json::from_str(&text).map_err(|e| EmulatorError::State {
            path: path.to_path_buf(),
            message: format!(
                "not an emulator state file ({e}); expected JSON {{\"resources\": {{...}}, \"deletedVaults\": {{...}}}} — delete it to start empty"
            ),
        })?;
        for body in state.resources.values_mut() {
            if let Some(ps) = body.pointer_mut("/properties/provisioningState") {
                if ps == "RegisteringDns" {
                    *ps = Value::from("Succeeded");
                }
            }
        }
        Ok(Self {
            state,
            ..Self::default()
        })
    }

    /// The resource at `id` (any casing).
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.state.resources.get(&id.to_ascii_lowercase())
    }

    /// Inserts or replaces the resource at `id`; `created` starts its read-after-write window.
    pub fn put(&mut self, id: &str, body: Value, created: bool) {
        let key = id.to_ascii_lowercase();
        self.mark_dirty();
        if created {
            self.created_at.insert(key.clone(), Instant::now());
        }
        self.state.resources.insert(key, body);
    }

    /// Removes the resource at `id`, returning it.
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        let key = id.to_ascii_lowercase();
        self.mark_dirty();
        self.created_at.remove(&key);
        self.provisioning_until.remove(&key);
        self.state.resources.remove(&key)
    }

    /// Records that the state changed and must be saved (routes that edit `state` directly
    /// are followed by a commit, which calls this when the save fails).
    pub fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::SeqCst);
    }

    /// Whether the state changed since the last successful save.
    pub fn is_dirty(&self) -> bool {
        self.dirty.load(Ordering::SeqCst)
    }

    /// Whether `id` was created less than `lag_ms` ago (GET must not see it yet).
    pub fn in_lag_window(&self, id: &str, lag_ms: u64) -> bool {
        if lag_ms == 0 {
            return false;
        }
        self.created_at
            .get(&id.to_ascii_lowercase())
            .is_some_and(|t| t.elapsed().as_millis() < u128::from(lag_ms))
    }

    /// Moves vaults whose long-running creation is over to `Succeeded`.
    pub fn settle_provisioning(&mut self) {
        let now = Instant::now();
        let done: Vec<String> = self
            .provisioning_until
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in done {
            self.mark_dirty();
            self.provisioning_until.remove(&key);
            if let Some(ps) = self
                .state
                .resources
                .get_mut(&key)
                .and_then(|b| b.pointer_mut("/properties/provisioningState"))
            {
                *ps = Value::from("Succeeded");
            }
        }
    }

    /// Writes the state file atomically: a unique temp file next to it, then `rename`, so a
    /// process killed at any moment leaves either the old or the new file, never a torn one.
    pub fn persist(&self, path: &Path) -> Result<(), EmulatorError> {
        let err = |e: std::io::Error| EmulatorError::State {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let text = serde_json::to_string_pretty(&self.state).map_err(|e| EmulatorError::State {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let tmp = temp_path(path);
        std::fs::write(&tmp, text.as_bytes()).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            err(e)
        })?;
        self.dirty.store(false, Ordering::SeqCst);
        Ok(())
    }
}

/// Removes temp files a killed emulator left next to `path` (never the state file itself).
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(".{name}.");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with(&prefix) && file.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}
