//! The emulator's resource store and its state file. Owns the in-memory maps (resources by
//! lower-cased ARM resource ID, soft-deleted vaults, read-after-write and provisioning timers) and
//! crash-safe persistence (write a temp file, then rename), a scope index of role assignments,
//! and the change generation the saver (`app.rs`) follows. It does not apply ARM's rules; the
//! routes do.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// `deletedVaults` (lower-cased deleted-vault ID → [`DeletedVault`]). Bodies are shared (`Arc`)
/// so a snapshot for saving costs one pointer per resource, not a deep copy.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StateFile {
    #[serde(default)]
    pub resources: BTreeMap<String, Arc<Value>>,
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
    /// Private endpoints (lower-cased ID) whose connections become `Approved` at the given
    /// instant (`routes::private_endpoints::settle_approvals`).
    pub approving_until: HashMap<String, Instant>,
    /// Role-assignment keys by their lower-cased `properties.scope` (lists and the duplicate
    /// check look up scopes instead of scanning every resource).
    role_assignments_by_scope: HashMap<String, BTreeSet<String>>,
    /// Bumped by every mutation ([`Store::mark_dirty`]).
    generation: AtomicU64,
    /// The generation the state file holds (dirty while it differs from `generation`).
    saved_generation: AtomicU64,
}

/// The type of the resources [`Store::role_assignments_at`] indexes.
const ROLE_ASSIGNMENT_TYPE: &str = "microsoft.authorization/roleassignments";

/// The lower-cased `properties.scope` of a role assignment body, `None` for other types.
fn role_assignment_scope(body: &Value) -> Option<String> {
    let is_ra = body
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case(ROLE_ASSIGNMENT_TYPE));
    if !is_ra {
        return None;
    }
    Some(
        body.pointer("/properties/scope")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase(),
    )
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
            if let Some(ps) = Arc::make_mut(body).pointer_mut("/properties/provisioningState")
                && ps == "RegisteringDns"
            {
                *ps = Value::from("Succeeded");
            }
        }
        let mut store = Self {
            state,
            ..Self::default()
        };
        let indexed: Vec<(String, String)> = store
            .state
            .resources
            .iter()
            .filter_map(|(k, v)| role_assignment_scope(v).map(|s| (s, k.clone())))
            .collect();
        for (scope, key) in indexed {
            store
                .role_assignments_by_scope
                .entry(scope)
                .or_default()
                .insert(key);
        }
        Ok(store)
    }

    /// The resource at `id` (any casing).
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.state
            .resources
            .get(&id.to_ascii_lowercase())
            .map(|v| &**v)
    }

    /// Stored resources whose (lower-cased) key starts with `prefix` (lower-case), in key order.
    pub fn with_prefix<'s>(
        &'s self,
        prefix: &'s str,
    ) -> impl Iterator<Item = (&'s String, &'s Value)> + 's {
        self.state
            .resources
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k, &**v))
    }

    /// Every stored resource, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.state.resources.iter().map(|(k, v)| (k, &**v))
    }

    /// Keys of the role assignments whose `properties.scope` is `scope` (any casing).
    pub fn role_assignments_at(&self, scope: &str) -> impl Iterator<Item = &String> {
        self.role_assignments_by_scope
            .get(&scope.to_ascii_lowercase())
            .into_iter()
            .flatten()
    }

    /// Keys of every role assignment.
    pub fn role_assignments(&self) -> impl Iterator<Item = &String> {
        self.role_assignments_by_scope.values().flatten()
    }

    fn unindex(&mut self, key: &str, old: Option<&Value>) {
        if let Some(scope) = old.and_then(role_assignment_scope)
            && let Some(set) = self.role_assignments_by_scope.get_mut(&scope)
        {
            set.remove(key);
            if set.is_empty() {
                self.role_assignments_by_scope.remove(&scope);
            }
        }
    }

    /// Inserts or replaces the resource at `id`; `created` starts its read-after-write window.
    pub fn put(&mut self, id: &str, body: Value, created: bool) {
        let key = id.to_ascii_lowercase();
        self.mark_dirty();
        if created {
            self.created_at.insert(key.clone(), Instant::now());
        }
        if let Some(old) = self.state.resources.remove(&key) {
            self.unindex(&key, Some(&old));
        }
        if let Some(scope) = role_assignment_scope(&body) {
            self.role_assignments_by_scope
                .entry(scope)
                .or_default()
                .insert(key.clone());
        }
        self.state.resources.insert(key, Arc::new(body));
    }

    /// Removes the resource at `id`, returning it.
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        let key = id.to_ascii_lowercase();
        self.mark_dirty();
        self.created_at.remove(&key);
        self.provisioning_until.remove(&key);
        let old = self.state.resources.remove(&key)?;
        self.unindex(&key, Some(&old));
        Some(Arc::unwrap_or_clone(old))
    }

    /// Records that the state changed and must be saved (routes that edit `state` directly
    /// call this; a failed save leaves the state dirty).
    pub fn mark_dirty(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether the state changed since the last successful save.
    pub fn is_dirty(&self) -> bool {
        self.generation() != self.saved_generation.load(Ordering::SeqCst)
    }

    /// The current generation (bumped by every change).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Records that the state file now holds `generation`.
    pub fn mark_saved(&self, generation: u64) {
        self.saved_generation
            .fetch_max(generation, Ordering::SeqCst);
    }

    /// A cheap copy of the state to save outside the store lock, and its generation.
    pub fn snapshot(&self) -> (StateFile, u64) {
        (self.state.clone(), self.generation())
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
                .and_then(|b| Arc::make_mut(b).pointer_mut("/properties/provisioningState"))
            {
                *ps = Value::from("Succeeded");
            }
        }
    }
}

/// Writes `state` to `path` atomically: a unique temp file next to it, then `rename`, so a
/// process killed at any moment leaves either the old or the new file, never a torn one.
pub(crate) fn write_state(state: &StateFile, path: &Path) -> Result<(), EmulatorError> {
    let err = |e: std::io::Error| EmulatorError::State {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = temp_path(path);
    let written = (|| {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        serde_json::to_writer_pretty(&mut out, state).map_err(std::io::Error::other)?;
        out.flush()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
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
