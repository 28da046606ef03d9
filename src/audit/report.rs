//! The audit report: every vault read, the findings of every rule of
//! [`crate::rules::audit_catalog`] on it, and the planned vaults that were not found. Pure.

use serde::Serialize;

use super::finding::Finding;
use super::observed::Observed;
use crate::rules::{Severity, Status, audit_catalog, evaluate_audit};

/// One audited vault.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditedVault {
    /// ARM resource ID.
    pub id: String,
    /// How many rules it fails.
    pub findings: usize,
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// Every vault audited, sorted by ARM resource ID (case-insensitive).
    pub vaults: Vec<AuditedVault>,
    /// Vaults a plan names that do not exist.
    pub not_found: Vec<String>,
    /// Every finding: by vault (same order as `vaults`), then in rule-catalog order; then one
    /// high KV-SEP finding per vault in `not_found` (see [`missing_vault`]).
    pub findings: Vec<Finding>,
}

impl AuditReport {
    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Evaluates every audit rule on every observed vault.
pub fn audit(observed: &Observed) -> AuditReport {
    let mut order: Vec<usize> = (0..observed.vaults.len()).collect();
    order.sort_by_key(|&i| observed.vaults[i].id.to_ascii_lowercase());
    let mut report = AuditReport {
        not_found: observed.not_found.clone(),
        ..AuditReport::default()
    };
    for i in order {
        let vault = &observed.vaults[i];
        let results = evaluate_audit(&observed.evidence(vault));
        let before = report.findings.len();
        for (rule, result) in audit_catalog().iter().zip(results) {
            if result.status == Status::Fail {
                report
                    .findings
                    .push(Finding::new(rule, &vault.id, result.detail.to_string()));
            }
        }
        report.vaults.push(AuditedVault {
            id: vault.id.clone(),
            findings: report.findings.len() - before,
        });
    }
    for id in &observed.not_found {
        report.findings.push(missing_vault(id));
    }
    report
}

/// The finding for a vault the plan names that does not exist: KV-SEP (the application ×
/// environment × region has no vault of its own, so its secrets live elsewhere or nowhere),
/// raised to **high** whatever KV-SEP's usual severity, since none of the vault's controls exist
/// either. Fixed by `kvinit apply -f PLAN`, which creates it.
pub fn missing_vault(vault_id: &str) -> Finding {
    let mut finding = Finding::new(
        &crate::rules::separation::KV_SEP,
        vault_id,
        "not found: the plan names this vault but it does not exist".to_string(),
    );
    finding.severity = Severity::High;
    finding.fix = "Create it with every control: `kvinit apply -f PLAN`.";
    finding
}
