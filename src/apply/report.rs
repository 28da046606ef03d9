//! The apply report: per vault, what happened and why, plus totals and request counts. One
//! value rendered as table or JSON by src/ui/apply_view.rs. Pure data.

use serde::Serialize;

use crate::azure::{AzureError, RequestCounts};
use crate::change::FieldChange;
use crate::resources::ResourceKind;

/// A vault's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum VaultStatus {
    /// The vault was created (or recovered) and converged.
    Created,
    /// The vault existed; something was written and it converged.
    Updated,
    /// Nothing was written: it already matched the plan.
    Unchanged,
    /// Something failed or was refused; the error names the root cause.
    Failed,
    /// Ctrl-C stopped the run before this vault finished.
    Interrupted,
}

/// A resource's outcome within a vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceStatus {
    /// PUT of a resource that did not exist.
    Created,
    /// PUT of a read-modify-write body over an existing resource.
    Updated,
    /// Recovered from soft delete (`createMode: recover`), then converged.
    Recovered,
    /// Already matched the plan; nothing sent.
    Unchanged,
    /// A role assignment kvinit created that the plan no longer asks for: deleted.
    Revoked,
    /// Its own write (or read) failed; see `error`.
    Failed,
    /// Not attempted because something it depends on failed.
    Skipped,
    /// Not attempted because of Ctrl-C.
    Interrupted,
}

/// The error of a failed vault: ARM's code and message (or kvinit's), for the root cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportError {
    /// ARM's `error.code` or a kvinit code (`VaultNameSoftDeleted`, `VaultNameTaken`,
    /// `ChangeBlocked`, …).
    pub code: String,
    /// What went wrong and, where there is one, what to do.
    pub message: String,
    /// The ARM resource ID the root cause is about.
    pub resource: String,
}

impl ReportError {
    /// From an adapter error on `resource`.
    pub fn from_azure(err: &AzureError, resource: &str) -> Self {
        Self {
            code: err.code.clone(),
            message: err.message.clone(),
            resource: resource.to_string(),
        }
    }
}

/// One resource of a vault in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceReport {
    #[serde(rename = "type", serialize_with = "serialize_kind")]
    pub kind: ResourceKind,
    /// ARM resource ID, in the plan's casing.
    pub id: String,
    /// What happened to it in this run.
    pub status: ResourceStatus,
    /// Owned fields that were changed (for updates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// Changes kvinit refused to make.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
    /// This resource's own error, when its status is `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ReportError>,
}

fn serialize_kind<S: serde::Serializer>(kind: &ResourceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.arm_type())
}

/// One vault in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultReport {
    /// Vault name.
    pub name: String,
    /// Subscription GUID.
    pub subscription_id: String,
    /// Resource group name.
    pub resource_group: String,
    /// The vault's outcome.
    pub status: VaultStatus,
    /// The root cause, once, when `status` is `failed` or `interrupted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ReportError>,
    /// Every resource of the vault with what happened to it.
    pub changes: Vec<ResourceReport>,
    /// Fields kept at their stricter live value (not sent), `resource: note`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
    /// Changes kvinit refused (not sent), `resource: reason`. With something written the vault
    /// is `updated` (or `created`), not `failed`; with nothing else to write it is `failed`
    /// (`ChangeBlocked`): the plan cannot be met on it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
}

/// Vault counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Vaults in the plan.
    pub vaults: usize,
    /// Vaults created (or recovered) and converged.
    pub created: usize,
    /// Existing vaults that needed writes and converged.
    pub updated: usize,
    /// Vaults that already matched.
    pub unchanged: usize,
    /// Vaults that failed or had a refused change.
    pub failed: usize,
    /// Vaults with a refused change, whatever their status (omitted from JSON when 0); any
    /// makes the exit code 1 (the plan is not met).
    #[serde(skip_serializing_if = "is_zero")]
    pub refused: usize,
    /// Vaults stopped by Ctrl-C (omitted from JSON when 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub interrupted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplyReport {
    /// Every vault, in plan order.
    pub vaults: Vec<VaultReport>,
    /// Counts by status.
    pub totals: Totals,
    /// ARM requests of the whole run (observe included), every attempt counted.
    pub requests: RequestCounts,
    /// Wall time of the run in milliseconds (observe + writes).
    #[serde(rename = "elapsedMs")]
    pub elapsed_ms: u64,
    /// Whether Ctrl-C stopped the run.
    pub interrupted: bool,
}

impl ApplyReport {
    /// Builds the report and its totals.
    pub fn new(
        vaults: Vec<VaultReport>,
        requests: RequestCounts,
        elapsed_ms: u64,
        interrupted: bool,
    ) -> Self {
        let mut totals = Totals {
            vaults: vaults.len(),
            ..Totals::default()
        };
        for v in &vaults {
            if !v.blocked.is_empty() {
                totals.refused += 1;
            }
            match v.status {
                VaultStatus::Created => totals.created += 1,
                VaultStatus::Updated => totals.updated += 1,
                VaultStatus::Unchanged => totals.unchanged += 1,
                VaultStatus::Failed => totals.failed += 1,
                VaultStatus::Interrupted => totals.interrupted += 1,
            }
        }
        Self {
            vaults,
            totals,
            requests,
            elapsed_ms,
            interrupted,
        }
    }

    /// Whether every vault converged.
    pub fn all_converged(&self) -> bool {
        self.totals.failed == 0
            && self.totals.refused == 0
            && self.totals.interrupted == 0
            && !self.interrupted
    }
}
