//! KV-SD (soft delete) and KV-PP (purge protection). Checks only; no I/O.

use super::{Rule, Severity, Status, VaultEvidence};

/// Key Vault soft-delete overview.
pub const SOFT_DELETE: &str =
    "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview";

/// KV-SD.
pub const KV_SD: Rule = Rule {
    id: "KV-SD",
    title: "Soft delete with retention",
    severity: Severity::High,
    best_practice: "Turn on data protection for your vault: soft delete keeps deleted vaults and \
                    objects recoverable for the retention period (7–90 days).",
    source: SOFT_DELETE,
    check: check_sd,
};

/// KV-PP.
pub const KV_PP: Rule = Rule {
    id: "KV-PP",
    title: "Purge protection on",
    severity: Severity::High,
    best_practice: "Turn on purge protection to guard against malicious or accidental deletion \
                    of secrets and vaults, even by administrators.",
    source: super::BEST_PRACTICES,
    check: check_pp,
};

/// Passes when `enableSoftDelete` is not false and `softDeleteRetentionInDays` is 7–90
/// (ARM's default, 90, when absent).
fn check_sd(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    if e.prop("/enableSoftDelete").and_then(|v| v.as_bool()) == Some(false) {
        return (Status::Fail, "soft delete is off".into());
    }
    let days = e
        .prop("/softDeleteRetentionInDays")
        .and_then(|v| v.as_i64())
        .unwrap_or(90);
    if !(7..=90).contains(&days) {
        return (
            Status::Fail,
            format!("retention of {days} days is outside 7–90"),
        );
    }
    (
        Status::Pass,
        format!("soft delete on, {days}-day retention"),
    )
}

/// Passes when `enablePurgeProtection` is true.
fn check_pp(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    if e.prop("/enablePurgeProtection").and_then(|v| v.as_bool()) == Some(true) {
        (Status::Pass, "purge protection on".into())
    } else {
        (
            Status::Fail,
            "purge protection is off; a deleted vault can be purged before its retention ends"
                .into(),
        )
    }
}
