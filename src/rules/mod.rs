//! Compliance rules: one file per rule family; each rule has a stable ID, a severity, the best
//! practice it enforces, and a check. Pure: no I/O.
//!
//! Checks read [`VaultEvidence`] — the vault's ARM JSON body plus its child resources (role
//! assignments, diagnostic settings, alerts, action groups) — never plan types, so the same
//! checks run over the desired state (`plan`) and over vaults read from Azure (`audit`).

pub mod access;
pub mod compliance;
pub mod detail_pool;
/// The input of every check (lives with the resource types, which say where each body goes).
pub use crate::resources::evidence;
pub mod gate;
pub mod ip_ranges;
pub mod monitoring;
pub mod network;
pub mod privileged_roles;
pub mod recovery;
pub mod retention;
pub mod separation;

use serde::Serialize;

pub use compliance::{Compliance, desired_state_with_compliance};
pub use evidence::VaultEvidence;

/// Outcome of one rule for one vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// The vault meets the rule.
    Pass,
    /// The vault does not meet the rule.
    Fail,
}

/// One rule evaluated for one vault.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    /// Stable rule ID, e.g. `KV-RBAC`.
    pub rule: &'static str,
    /// Pass or fail.
    pub status: Status,
    /// What was found, in one sentence. Shared (`Arc`) because most vaults of a plan have the
    /// same details (see [`detail_pool`]).
    pub detail: std::sync::Arc<str>,
}

/// How much a failed rule matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Hygiene; fix when convenient.
    Low,
    /// Weakens defence in depth.
    Medium,
    /// Directly exposes secrets or their recovery.
    High,
}

impl Severity {
    /// `low` | `medium` | `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// A compliance rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable ID (`KV-…`); never renumbered or reused.
    pub id: &'static str,
    /// Short title.
    pub title: &'static str,
    /// How much a failure matters.
    pub severity: Severity,
    /// The best practice enforced, quoted or paraphrased from the source.
    pub best_practice: &'static str,
    /// Where the best practice comes from (URL).
    pub source: &'static str,
    /// The check: pass/fail and a one-sentence detail.
    pub check: fn(&VaultEvidence<'_>) -> (Status, String),
}

/// Microsoft's Key Vault best-practices page.
pub const BEST_PRACTICES: &str =
    "https://learn.microsoft.com/azure/key-vault/general/best-practices";
/// The Azure security baseline for Key Vault.
pub const SECURITY_BASELINE: &str =
    "https://learn.microsoft.com/security/benchmark/azure/baselines/key-vault-security-baseline";

/// Every rule, in the order results are reported.
pub fn catalog() -> &'static [Rule] {
    static RULES: &[Rule] = &[
        separation::KV_SEP,
        access::KV_RBAC,
        network::KV_FW,
        network::KV_VNET,
        recovery::KV_SD,
        recovery::KV_PP,
        monitoring::KV_LOG,
        monitoring::KV_ALERT,
    ];
    RULES
}

/// Every rule `kvinit audit` evaluates on an existing vault, and `kvinit plan` on every planned
/// vault (so an applied plan audits the same): the controls kvinit sets ([`catalog`]), then the
/// profile-threshold rules: IP rules wider than the profile allows (KV-IPWIDE), privileged roles
/// for service principals (KV-PRIV), retention below the profile's minimum (KV-RETAIN). A plan
/// can set each of these wrongly (a `/8` IP rule, Key Vault Administrator for a
/// `ServicePrincipal`, 7-day retention), so the plan shows them failing. IDs are stable and
/// unique across both lists; `docs/rules/<ID>.md` documents each one.
pub fn audit_catalog() -> &'static [Rule] {
    static RULES: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let mut all = catalog().to_vec();
        all.extend([
            ip_ranges::KV_IPWIDE,
            privileged_roles::KV_PRIV,
            retention::KV_RETAIN,
        ]);
        all
    })
}

/// Runs every rule of [`audit_catalog`] over one vault.
pub fn evaluate_audit(evidence: &VaultEvidence<'_>) -> Vec<RuleResult> {
    audit_catalog()
        .iter()
        .map(|r| {
            let (status, detail) = (r.check)(evidence);
            RuleResult {
                rule: r.id,
                status,
                detail: detail.into(),
            }
        })
        .collect()
}

/// Runs every rule of the catalog over one vault.
pub fn evaluate(evidence: &VaultEvidence<'_>) -> Vec<RuleResult> {
    catalog()
        .iter()
        .map(|r| {
            let (status, detail) = (r.check)(evidence);
            RuleResult {
                rule: r.id,
                status,
                detail: detail.into(),
            }
        })
        .collect()
}

#[cfg(test)]
mod audit_rules_tests;
#[cfg(test)]
mod tests;
