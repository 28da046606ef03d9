//! The plan file's YAML schema (`apiVersion: kvinit/v1`): serde types only, no validation and
//! no I/O. Unknown fields are rejected (`deny_unknown_fields`) so typos are caught.
//!
//! Field names are the user's contract; see README "Plan reference". Values are kept as the user
//! wrote them (strings) and turned into checked newtypes by validation.
//!
//! The same types derive the plan file's JSON Schema (`schemars`, reading these serde attributes;
//! see [`super::json_schema`]). A field read with `null_as_default` is declared `Option<…>` to
//! schemars, because an empty value is accepted there.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::layering::{Layer, layered, replaced_when_layered};

/// An empty value (`defaults:` with nothing under it, `regions:`) means "nothing set": the
/// field's default, as if it were absent.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The only plan `apiVersion` this build understands.
pub const API_VERSION: &str = "kvinit/v1";

/// A whole plan file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanFile {
    /// Must be `kvinit/v1`.
    pub api_version: String,
    /// Microsoft Entra tenant ID (GUID) every vault trusts.
    pub tenant_id: String,
    /// Name patterns; defaults apply when absent.
    #[schemars(with = "Option<Naming>")]
    #[serde(default, deserialize_with = "null_as_default")]
    pub naming: Naming,
    /// Azure location names (e.g. `westeurope`), at least one.
    #[schemars(with = "Option<Vec<String>>")]
    #[serde(default, deserialize_with = "null_as_default")]
    pub regions: Vec<String>,
    /// Environments, each bound to one subscription. At least one.
    #[schemars(with = "Option<Vec<Environment>>")]
    #[serde(default, deserialize_with = "null_as_default")]
    pub environments: Vec<Environment>,
    /// Applications, at least one.
    #[schemars(with = "Option<Vec<App>>")]
    #[serde(default, deserialize_with = "null_as_default")]
    pub apps: Vec<App>,
    /// Cells to leave out of the matrix; each entry must match at least one cell.
    #[schemars(with = "Option<Vec<CellSelector>>")]
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub exclude: Vec<CellSelector>,
    /// Settings for the cells a selector matches; deepest layer wins.
    #[schemars(with = "Option<Vec<Override>>")]
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub overrides: Vec<Override>,
    /// Settings for every vault.
    #[schemars(with = "Option<Settings>")]
    #[serde(default, deserialize_with = "null_as_default")]
    pub defaults: Settings,
}

/// Name patterns with tokens `{app}`, `{env}`, `{region}` (short code, e.g. `weu`, see
/// `model::regions`), `{location}` (full name, e.g. `westeurope`) and `{subscriptionId}`.
/// `{env:N}` and `{app:N}` truncate to N characters. Generated vault names must follow the Key
/// Vault rules (3–24 characters, …; see `model::names::check_vault_name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Naming {
    /// Vault name pattern. Default `kv-{app}-{env}-{region}`.
    #[serde(default = "default_vault_pattern")]
    pub vault: String,
    /// Resource group name pattern. Default `rg-{app}-{env}-{region}`.
    #[serde(default = "default_rg_pattern")]
    pub resource_group: String,
}

/// Default vault name pattern.
pub fn default_vault_pattern() -> String {
    "kv-{app}-{env}-{region}".to_string()
}

/// Default resource group name pattern.
pub fn default_rg_pattern() -> String {
    "rg-{app}-{env}-{region}".to_string()
}

impl Default for Naming {
    fn default() -> Self {
        Naming {
            vault: default_vault_pattern(),
            resource_group: default_rg_pattern(),
        }
    }
}

/// One environment (e.g. `prod`) and the subscription its vaults live in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Environment {
    /// Environment name: 1–20 lower-case letters, digits, hyphens (used by `{env}`).
    pub name: String,
    /// Subscription ID (GUID).
    pub subscription_id: String,
    /// Settings for every vault of this environment.
    #[schemars(with = "Option<Settings>")]
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Settings::is_empty"
    )]
    pub settings: Settings,
}

/// One application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct App {
    /// App name: 1–20 lower-case letters, digits, hyphens (used by `{app}`).
    pub name: String,
    /// Settings for every vault of this app.
    #[schemars(with = "Option<Settings>")]
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Settings::is_empty"
    )]
    pub settings: Settings,
}

/// Selects matrix cells: every given key must match; absent keys match anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CellSelector {
    /// App name to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Environment name to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Region (location name) to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Settings for the cells a selector matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Override {
    /// App name to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Environment name to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Region (location name) to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Settings for the matched cells.
    #[schemars(with = "Option<Settings>")]
    #[serde(default, deserialize_with = "null_as_default")]
    pub settings: Settings,
}

layered! {
    /// Vault settings. Every field is optional so layers (defaults < environment < app < override)
    /// can set only what they change: maps merge, lists replace, `roleAssignments` accumulate.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Settings {
        /// `standard` | `premium`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sku: Option<String>,
        /// Soft-delete retention in days, 7–90. Set once at creation: Azure cannot change it later.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub soft_delete_retention_days: Option<i64>,
        /// Purge protection. Once on it cannot be turned off (Azure rule).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub purge_protection: Option<bool>,
        /// What to do when the vault name is held by a soft-deleted vault in the same subscription:
        /// `fail` (default) | `recover`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub on_soft_deleted: Option<String>,
        /// Firewall and public network access.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network: Option<NetworkSettings>,
        /// Role assignments at vault scope; they accumulate across layers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_assignments: Option<Vec<RoleAssignmentSetting>>,
        /// Diagnostic setting (logs and metrics to Log Analytics).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub diagnostics: Option<DiagnosticsSettings>,
        /// Action group, metric alerts and the vault-deleted alert.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub alerts: Option<AlertSettings>,
        /// Tags; maps merge across layers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tags: Option<BTreeMap<String, String>>,
        /// A management lock (`Microsoft.Authorization/locks`, 2020-05-01) on each vault. kvinit
        /// never removes or weakens a lock, not even its own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub lock: Option<LockSetting>,
    }
}

layered! {
    /// A management lock on the vault.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct LockSetting {
        /// `CanNotDelete` | `ReadOnly` | `None` (no lock; the default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kind: Option<String>,
        /// The lock's notes, at most 512 characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub notes: Option<String>,
    }
}

/// One private endpoint per vault (`Microsoft.Network/privateEndpoints`, group ID `vault`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrivateEndpointSetting {
    /// The subnet's ARM resource ID; `{subscriptionId}`, `{app}`, `{env}`, `{region}` expand.
    pub subnet_id: String,
    /// Private DNS zone ARM resource IDs for its `privateDnsZoneGroups/default` (tokens
    /// expand); the zone is `privatelink.vaultcore.azure.net` (US Government:
    /// `privatelink.vaultcore.usgovcloudapi.net`, China: `privatelink.vaultcore.azure.cn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_zone_ids: Option<Vec<String>>,
}

// How the layers of a plan lay the non-struct settings types over each other (structs declared
// with `layered!` layer field by field): private endpoints and alert thresholds are replaced
// whole by a deeper layer; role assignments accumulate (identical entries kept once).
replaced_when_layered!(
    Vec<PrivateEndpointSetting>,
    BelowThreshold,
    AboveThreshold,
    LatencyThreshold
);

impl Layer for Vec<RoleAssignmentSetting> {
    fn layer(&self, over: &Self) -> Self {
        let mut all = self.clone();
        for ra in over {
            if !all.contains(ra) {
                all.push(ra.clone());
            }
        }
        all
    }
}

impl Settings {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self == &Settings::default()
    }
}

layered! {
    /// The vault firewall (`properties.networkAcls`) and public network access.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct NetworkSettings {
        /// `Enabled` | `Disabled`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub public_network_access: Option<String>,
        /// `Allow` | `Deny`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub default_action: Option<String>,
        /// `AzureServices` | `None`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bypass: Option<String>,
        /// IPv4 addresses or CIDR ranges; a bare address means /32.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_rules: Option<Vec<String>>,
        /// Subnet ARM resource IDs; `{subscriptionId}`, `{app}`, `{env}`, `{region}` expand.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub virtual_network_rules: Option<Vec<String>>,
        /// `public` (default) | `private`: `private` means `publicNetworkAccess: Disabled`,
        /// `defaultAction: Deny` and no IP rules (reach the vault through its private endpoints).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mode: Option<String>,
        /// Private endpoints to the vault, one `Microsoft.Network/privateEndpoints` per entry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_endpoints: Option<Vec<PrivateEndpointSetting>>,
        /// `true`: accept `publicNetworkAccess: Disabled` without any private endpoint (nobody could
        /// reach the vault's data plane; refused at validation otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_no_private_endpoint: Option<bool>,
    }
}

/// One role assignment at vault scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleAssignmentSetting {
    /// Object ID (GUID) of the user, group or service principal.
    pub principal_id: String,
    /// `User` | `Group` | `ServicePrincipal` | `ForeignGroup` (the 2022-04-01 swagger enum; any
    /// case). Optional: ARM infers it, but setting it avoids replication-delay failures for
    /// principals created moments ago.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<String>,
    /// A Key Vault built-in role name (e.g. `Key Vault Secrets User`) or a role-definition GUID.
    pub role: String,
}

layered! {
    /// The diagnostic setting sending vault logs and metrics to Log Analytics.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct DiagnosticsSettings {
        /// Log Analytics workspace ARM resource ID.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub workspace_id: Option<String>,
        /// Category groups (`audit`, `allLogs`) or categories (`AuditEvent`,
        /// `AzurePolicyEvaluationDetails`), any case. Default `[audit]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub logs: Option<Vec<String>>,
        /// Send `AllMetrics`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub metrics: Option<bool>,
    }
}

layered! {
    /// Alerting: an action group plus metric and activity log alerts.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct AlertSettings {
        /// The environment's shared action group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub action_group: Option<ActionGroupSetting>,
        /// Availability alert (below a percentage).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability: Option<BelowThreshold>,
        /// Saturation alert (above a percentage).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub saturation: Option<AboveThreshold>,
        /// ServiceApiLatency alert (above milliseconds).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub latency: Option<LatencyThreshold>,
        /// Activity log alert on `Microsoft.KeyVault/vaults/delete`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vault_deleted: Option<bool>,
    }
}

layered! {
    /// The action group alerts notify. One per environment and subscription.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ActionGroupSetting {
        /// Name pattern; `{env}` and `{subscriptionId}` expand (the group is shared by all vaults of
        /// an environment, so `{app}`/`{region}` are not allowed). Default `ag-kv-{env}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// 1–12 characters (ARM limit for `groupShortName`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub short_name: Option<String>,
        /// E-mail addresses notified.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub emails: Option<Vec<String>>,
    }
}

/// Alert when a metric falls below a threshold (Availability, percent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BelowThreshold {
    /// Availability percentage (0–100] below which the alert fires.
    pub below: f64,
    /// 0 (critical) – 4 (verbose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<i64>,
}

/// Alert when a metric rises above a threshold (SaturationShoebox, percent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AboveThreshold {
    /// Saturation percentage (0–100) above which the alert fires.
    pub above: f64,
    /// 0 (critical) – 4 (verbose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<i64>,
}

/// Alert when ServiceApiLatency rises above a threshold in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LatencyThreshold {
    /// Latency in milliseconds (> 0) above which the alert fires.
    pub above_ms: f64,
    /// 0 (critical) – 4 (verbose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<i64>,
}
