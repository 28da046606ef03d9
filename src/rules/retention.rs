//! KV-RETAIN: soft-delete retention at least the profile's minimum (profile-threshold rule,
//! evaluated by `plan` and `audit`). Check only; no I/O.

use super::recovery::SOFT_DELETE;
use super::{Rule, Severity, Status, VaultEvidence};

/// KV-RETAIN.
pub const KV_RETAIN: Rule = Rule {
    id: "KV-RETAIN",
    title: "Soft-delete retention at least the profile's minimum",
    severity: Severity::Low,
    best_practice: "Turn on data protection for your vault: soft delete keeps a deleted vault \
                    and its objects recoverable only for the retention period (7–90 days, \
                    default 90); a short period can expire before anyone notices the deletion.",
    source: SOFT_DELETE,
    check,
};

/// Passes when `softDeleteRetentionInDays` (ARM's default, 90, when absent) is at least the
/// profile's `audit.minSoftDeleteRetentionDays` (30 in the built-in profile).
fn check(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    let min = crate::model::profile::builtin()
        .audit
        .min_soft_delete_retention_days;
    let days = e
        .prop("/softDeleteRetentionInDays")
        .and_then(|v| v.as_i64())
        .unwrap_or(90);
    if days < min {
        (
            Status::Fail,
            format!("soft-delete retention of {days} days is below the profile's minimum of {min}"),
        )
    } else {
        (
            Status::Pass,
            format!("soft-delete retention of {days} days (minimum {min})"),
        )
    }
}
