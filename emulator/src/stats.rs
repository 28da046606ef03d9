//! Request accounting: counts by HTTP method and by fault kind, and the ordered request log served
//! at `/_emulator/stats` and `/_emulator/requests`. Records method, path, api-version and status
//! only — never headers, bodies or tokens.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;

/// Counters over ARM requests (the token endpoint and `/_emulator/*` are not counted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestStats {
    /// Requests by HTTP method (`GET`, `PUT`, `PATCH`, `DELETE`, `POST`, `HEAD`).
    pub by_method: BTreeMap<String, u64>,
    /// Answered 429 (token bucket empty or `throttleRate`).
    pub throttled: u64,
    /// Answered 500 or 503 by `serverErrorRate`.
    pub server_errors: u64,
    /// Answered 409 `Conflict` for a write to a vault with a write in flight (`conflictRate`).
    pub conflicts: u64,
    /// GETs answered 404 because the resource was inside its read-after-write window.
    pub lag_404s: u64,
    /// Refused before reaching the resource: 401 (no/foreign token), 400 for a missing or wrong
    /// api-version, or a body that does not conform to the spec's schema.
    pub rejected: u64,
}

/// One line of the request log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Request path (no query string).
    pub path: String,
    /// The `api-version` query parameter as sent (`None` when absent, e.g. the token endpoint).
    #[serde(rename = "apiVersion")]
    pub api_version: Option<String>,
    /// HTTP status answered.
    pub status: u16,
}

/// Thread-safe stats + log.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub stats: Mutex<RequestStats>,
    pub log: Mutex<Vec<LoggedRequest>>,
}

impl Recorder {
    /// Counts an ARM request by method.
    pub fn count_method(&self, method: &str) {
        *self
            .stats
            .lock()
            .expect("stats")
            .by_method
            .entry(method.to_string())
            .or_insert(0) += 1;
    }

    /// Applies `f` to the counters.
    pub fn bump(&self, f: impl FnOnce(&mut RequestStats)) {
        f(&mut self.stats.lock().expect("stats"));
    }

    /// Appends to the request log.
    pub fn log(&self, method: &str, path: &str, api_version: Option<&str>, status: u16) {
        self.log.lock().expect("log").push(LoggedRequest {
            method: method.to_string(),
            path: path.to_string(),
            api_version: api_version.map(str::to_string),
            status,
        });
    }
}
