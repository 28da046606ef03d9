//! What `kvinit audit` read: each vault's ARM body with its diagnostic settings, the alerts that
//! target it and the role assignments at its scope, plus the action groups those alerts notify.
//! Plain ARM JSON, as ARM returned it. Filled by `azure::inventory`; must not do I/O.

use serde_json::Value;

use crate::rules::VaultEvidence;

/// One existing vault and the resources around it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservedVault {
    /// The vault's ARM resource ID, as ARM returned it.
    pub id: String,
    /// The vault body (`location`, `tags`, `properties`).
    pub body: Value,
    /// Role assignments whose scope is the vault itself (not inherited ones).
    pub role_assignments: Vec<Value>,
    /// Diagnostic settings on the vault.
    pub diagnostic_settings: Vec<Value>,
    /// Metric alerts whose `scopes` include the vault.
    pub metric_alerts: Vec<Value>,
    /// Activity log alerts that watch the vault (a `resourceId` condition naming it, or no
    /// `resourceId` condition and a scope that contains it).
    pub activity_log_alerts: Vec<Value>,
}

/// Everything one audit read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// The vaults, in the order they were listed.
    pub vaults: Vec<ObservedVault>,
    /// Action groups the vaults' alerts notify, by ARM resource ID (absent ones are left out).
    pub action_groups: Vec<(String, Value)>,
    /// Vaults a plan names that do not exist (ARM resource IDs); audited vaults only exist.
    pub not_found: Vec<String>,
}

impl Observed {
    /// The rules' input for one of the observed vaults.
    pub fn evidence<'a>(&'a self, vault: &'a ObservedVault) -> VaultEvidence<'a> {
        VaultEvidence {
            vault_id: &vault.id,
            vault: Some(&vault.body),
            role_assignments: vault.role_assignments.iter().collect(),
            diagnostic_settings: vault.diagnostic_settings.iter().collect(),
            metric_alerts: vault.metric_alerts.iter().collect(),
            activity_log_alerts: vault.activity_log_alerts.iter().collect(),
            action_groups: self
                .action_groups
                .iter()
                .map(|(id, body)| (id.as_str(), body))
                .collect(),
            ..VaultEvidence::default()
        }
    }
}
