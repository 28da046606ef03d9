//! Live state: what ARM answered for the resources a plan names. Pure data; filled by the Azure
//! adapter's observe phase, read by the diff. It must not fetch anything itself.

use std::collections::BTreeMap;

use serde_json::Value;

/// Observed ARM resources, keyed by lower-cased ARM resource ID; the value is the JSON body a GET
/// of that resource returns. A resource that does not exist is simply absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveState {
    resources: BTreeMap<String, Value>,
    unreadable: BTreeMap<String, ReadError>,
    caller_principal_id: Option<String>,
}

/// Why a resource's live state is unknown: ARM's code and message for the read that failed
/// (after retries). kvinit writes nothing it could not read first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReadError {
    /// ARM's `error.code` (or kvinit's, e.g. `ConnectionFailed`).
    pub code: String,
    /// ARM's `error.message`, sanitised.
    pub message: String,
}

impl LiveState {
    /// An empty live state (nothing exists).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the body of the resource with ARM resource ID `id` (any casing).
    pub fn insert(&mut self, id: &str, body: Value) {
        self.resources.insert(id.to_ascii_lowercase(), body);
    }

    /// The body of resource `id` (compared case-insensitively), if it exists.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.resources.get(&id.to_ascii_lowercase())
    }

    /// Whether resource `id` exists.
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Records that resource `id` could not be read.
    pub fn mark_unreadable(&mut self, id: &str, error: ReadError) {
        self.unreadable.insert(id.to_ascii_lowercase(), error);
    }

    /// Why resource `id` could not be read, if it could not.
    pub fn read_error(&self, id: &str) -> Option<&ReadError> {
        self.unreadable.get(&id.to_ascii_lowercase())
    }

    /// When nothing could be read at all (every read failed, e.g. no credential or no
    /// connection): the first failure.
    pub fn nothing_readable(&self) -> Option<&ReadError> {
        if self.resources.is_empty() {
            self.unreadable.values().next()
        } else {
            None
        }
    }

    /// Records the object ID of the principal the run is authenticated as (from its token).
    pub fn set_caller_principal_id(&mut self, id: &str) {
        self.caller_principal_id = Some(id.to_string());
    }

    /// The object ID of the principal the run is authenticated as, when known.
    pub fn caller_principal_id(&self) -> Option<&str> {
        self.caller_principal_id.as_deref()
    }

    /// Number of observed resources.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether nothing was observed.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The observed resources whose lower-cased ID starts with `prefix` (any casing), in ID
    /// order; a range lookup, not a scan.
    pub fn with_prefix<'a>(
        &'a self,
        prefix: &str,
    ) -> impl Iterator<Item = (&'a String, &'a Value)> {
        let prefix = prefix.to_ascii_lowercase();
        self.resources
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
    }

    /// Every observed resource, lower-cased ID → body.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.resources.iter()
    }
}
