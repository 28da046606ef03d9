//! Compliance rules: one file per rule family; each rule has a stable ID, a severity, the best
//! practice it enforces, and a check. Pure: no I/O.

use serde::Serialize;

/// Outcome of one rule for one vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Pass,
    Fail,
}

/// One rule evaluated for one vault.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    /// Stable rule ID, e.g. `KV-RBAC`.
    pub rule: &'static str,
    pub status: Status,
    /// What was found, in one sentence.
    pub detail: String,
}
