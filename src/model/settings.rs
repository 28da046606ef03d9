//! Fully resolved, checked settings of one vault (after layering): the typed counterpart of
//! `plan_file::schema::Settings`. ARM enum values are normalised to ARM's casing here.
//! Must not do I/O or know about YAML.

use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

use crate::model::names::Invalid;
use crate::model::roles::Role;

/// What to do when a vault's name is held by a soft-deleted vault in the same subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OnSoftDeleted {
    /// Stop and tell the user (default): recovering brings back old secrets and settings.
    #[default]
    Fail,
    /// Recover the deleted vault (`createMode: recover`), then converge it to the plan.
    Recover,
}

/// Parses `value` case-insensitively against `(input, arm)` pairs and returns the ARM spelling;
/// unknown values list the allowed ones. `field` names the setting in messages.
fn parse_enum<T: Copy>(field: &str, value: &str, allowed: &[(&str, T)]) -> Result<T, Invalid> {
    if let Some((_, v)) = allowed
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(value.trim()))
    {
        return Ok(*v);
    }
    let names: Vec<String> = allowed.iter().map(|(n, _)| format!("`{n}`")).collect();
    let err = Invalid::new(format!("unknown {field} `{value}`"));
    let best = allowed
        .iter()
        .map(|(n, _)| {
            (
                strsim::jaro_winkler(&value.to_ascii_lowercase(), &n.to_ascii_lowercase()),
                n,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Err(match best {
        Some((s, n)) if s >= 0.8 => {
            err.with_hint(format!("did you mean `{n}`? allowed: {}", names.join(", ")))
        }
        _ => err.with_hint(format!("allowed: {}", names.join(", "))),
    })
}

/// Vault SKU (`properties.sku.name`; family is always `A`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Sku {
    /// `standard`: software-protected keys.
    Standard,
    /// `premium`: adds HSM-protected keys.
    Premium,
}

impl Sku {
    /// Parses `standard` | `premium` (any case).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        parse_enum(
            "sku",
            value,
            &[("standard", Sku::Standard), ("premium", Sku::Premium)],
        )
    }
    /// ARM spelling.
    pub fn arm(self) -> &'static str {
        match self {
            Sku::Standard => "standard",
            Sku::Premium => "premium",
        }
    }
}

/// `properties.publicNetworkAccess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PublicNetworkAccess {
    /// Public endpoint on, filtered by `networkAcls`.
    Enabled,
    /// Public endpoint off: only private endpoints (and trusted services if bypassed).
    Disabled,
}

impl PublicNetworkAccess {
    /// Parses `Enabled` | `Disabled` (any case).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        parse_enum(
            "publicNetworkAccess",
            value,
            &[
                ("Enabled", PublicNetworkAccess::Enabled),
                ("Disabled", PublicNetworkAccess::Disabled),
            ],
        )
    }
    /// ARM spelling.
    pub fn arm(self) -> &'static str {
        match self {
            PublicNetworkAccess::Enabled => "Enabled",
            PublicNetworkAccess::Disabled => "Disabled",
        }
    }
}

/// `networkAcls.defaultAction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DefaultAction {
    /// Everything not matched is allowed (not compliant: fails KV-FW).
    Allow,
    /// Everything not matched is denied.
    Deny,
}

impl DefaultAction {
    /// Parses `Allow` | `Deny` (any case).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        parse_enum(
            "defaultAction",
            value,
            &[
                ("Allow", DefaultAction::Allow),
                ("Deny", DefaultAction::Deny),
            ],
        )
    }
    /// ARM spelling.
    pub fn arm(self) -> &'static str {
        match self {
            DefaultAction::Allow => "Allow",
            DefaultAction::Deny => "Deny",
        }
    }
}

/// `networkAcls.bypass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Bypass {
    /// Trusted Microsoft services pass the firewall.
    AzureServices,
    /// Nothing bypasses the firewall.
    None,
}

impl Bypass {
    /// Parses `AzureServices` | `None` (any case).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        parse_enum(
            "bypass",
            value,
            &[
                ("AzureServices", Bypass::AzureServices),
                ("None", Bypass::None),
            ],
        )
    }
    /// ARM spelling.
    pub fn arm(self) -> &'static str {
        match self {
            Bypass::AzureServices => "AzureServices",
            Bypass::None => "None",
        }
    }
}

/// Role assignment `principalType` (swagger enum, authorization 2022-04-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PrincipalType {
    /// A Microsoft Entra user.
    User,
    /// A Microsoft Entra security group.
    Group,
    /// A service principal or managed identity.
    ServicePrincipal,
    /// A group from another tenant.
    ForeignGroup,
}

impl PrincipalType {
    /// Parses `User` | `Group` | `ServicePrincipal` | `ForeignGroup` (any case).
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        parse_enum(
            "principalType",
            value,
            &[
                ("User", PrincipalType::User),
                ("Group", PrincipalType::Group),
                ("ServicePrincipal", PrincipalType::ServicePrincipal),
                ("ForeignGroup", PrincipalType::ForeignGroup),
            ],
        )
    }
    /// ARM spelling.
    pub fn arm(self) -> &'static str {
        match self {
            PrincipalType::User => "User",
            PrincipalType::Group => "Group",
            PrincipalType::ServicePrincipal => "ServicePrincipal",
            PrincipalType::ForeignGroup => "ForeignGroup",
        }
    }
}

/// What `onSoftDeleted` accepts: `fail` | `recover` (any case).
pub fn parse_on_soft_deleted(value: &str) -> Result<OnSoftDeleted, Invalid> {
    parse_enum(
        "onSoftDeleted",
        value,
        &[
            ("fail", OnSoftDeleted::Fail),
            ("recover", OnSoftDeleted::Recover),
        ],
    )
}

/// One entry of a diagnostic setting's `logs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LogSelector {
    /// A category group: `audit` or `allLogs`.
    CategoryGroup(&'static str),
    /// A single category: `AuditEvent` or `AzurePolicyEvaluationDetails`.
    Category(&'static str),
}

/// Parses a `diagnostics.logs` entry (any case): the Key Vault category groups `audit`,
/// `allLogs` and categories `AuditEvent`, `AzurePolicyEvaluationDetails`
/// (source: Azure Monitor supported logs for Microsoft.KeyVault/vaults).
pub fn parse_log_selector(value: &str) -> Result<LogSelector, Invalid> {
    parse_enum(
        "log category",
        value,
        &[
            ("audit", LogSelector::CategoryGroup("audit")),
            ("allLogs", LogSelector::CategoryGroup("allLogs")),
            ("AuditEvent", LogSelector::Category("AuditEvent")),
            (
                "AzurePolicyEvaluationDetails",
                LogSelector::Category("AzurePolicyEvaluationDetails"),
            ),
        ],
    )
}

/// Firewall and public access (`properties.publicNetworkAccess`, `properties.networkAcls`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// `properties.publicNetworkAccess`.
    pub public_network_access: PublicNetworkAccess,
    /// `networkAcls.defaultAction`.
    pub default_action: DefaultAction,
    /// `networkAcls.bypass`.
    pub bypass: Bypass,
    /// Normalised IPv4 CIDRs (`a.b.c.d/n`).
    pub ip_rules: Vec<String>,
    /// Subnet ARM resource IDs, tokens expanded.
    pub virtual_network_rules: Vec<String>,
    /// Private endpoints to the vault, IDs expanded.
    pub private_endpoints: Vec<PrivateEndpoint>,
}

/// One private endpoint to the vault (group ID `vault`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEndpoint {
    /// The subnet's ARM resource ID, expanded.
    pub subnet_id: String,
    /// Private DNS zone ARM resource IDs for its zone group, expanded (none: no zone group).
    pub private_dns_zone_ids: Vec<String>,
}

/// `level` of a management lock (`Microsoft.Authorization/locks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum LockLevel {
    /// Authorized users can read and modify but not delete.
    CanNotDelete,
    /// Authorized users can only read.
    ReadOnly,
}

impl LockLevel {
    /// Parses `CanNotDelete` | `ReadOnly` (any case); `None` (any case) means no lock.
    pub fn parse(value: &str) -> Result<Option<Self>, Invalid> {
        if value.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        parse_enum(
            "lock.kind",
            value,
            &[
                ("CanNotDelete", LockLevel::CanNotDelete),
                ("ReadOnly", LockLevel::ReadOnly),
            ],
        )
        .map(Some)
    }
    /// ARM spelling.
    pub fn arm(self) -> &'static str {
        match self {
            LockLevel::CanNotDelete => "CanNotDelete",
            LockLevel::ReadOnly => "ReadOnly",
        }
    }
}

/// The management lock on the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lock {
    /// The lock level.
    pub level: LockLevel,
    /// Notes (at most 512 characters).
    pub notes: Option<String>,
}

/// One role assignment at vault scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// Object ID of the user, group or service principal.
    pub principal_id: Uuid,
    /// Optional; when absent ARM infers it (slower replication for new principals).
    pub principal_type: Option<PrincipalType>,
    /// The role definition granted.
    pub role: Role,
}

/// The diagnostic setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    /// Log Analytics workspace ARM resource ID, expanded; `None` means no diagnostic setting
    /// (fails KV-LOG).
    pub workspace_id: Option<String>,
    /// Log categories or category groups (`logs[]`).
    pub logs: Vec<LogSelector>,
    /// Send `AllMetrics`.
    pub metrics: bool,
}

/// A static metric threshold with its alert severity (0 critical – 4 verbose).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Threshold {
    /// Threshold in the metric's unit (percent or milliseconds).
    pub value: f64,
    /// Alert severity 0 (critical) – 4 (verbose).
    pub severity: u8,
}

/// The action group alerts notify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionGroup {
    /// Expanded name (pattern tokens `{env}`, `{subscriptionId}`).
    pub name: String,
    /// 1–12 characters.
    pub short_name: String,
    /// E-mail receivers (each with the common alert schema).
    pub emails: Vec<String>,
}

/// Alerting for one vault.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alerts {
    /// The environment's shared action group.
    pub action_group: ActionGroup,
    /// Availability (percent) below this fires.
    pub availability: Option<Threshold>,
    /// SaturationShoebox (percent) above this fires.
    pub saturation: Option<Threshold>,
    /// ServiceApiLatency (milliseconds) above this fires.
    pub latency: Option<Threshold>,
    /// Activity log alert on `Microsoft.KeyVault/vaults/delete`.
    pub vault_deleted: bool,
}

/// Every setting of one vault after layering and checking.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultSettings {
    /// Vault SKU.
    pub sku: Sku,
    /// 7–90 days.
    pub soft_delete_retention_days: u8,
    /// Purge protection (never sent as `false`).
    pub purge_protection: bool,
    /// What to do when the name is held by a soft-deleted vault.
    pub on_soft_deleted: OnSoftDeleted,
    /// Firewall settings.
    pub network: Network,
    /// Accumulated across layers, identical entries removed, in first-seen order.
    pub role_assignments: Vec<RoleAssignment>,
    /// The diagnostic setting.
    pub diagnostics: Diagnostics,
    /// Alerting.
    pub alerts: Alerts,
    /// Tags on every resource of the cell (kvinit adds its `kvinit-*` tags).
    pub tags: BTreeMap<String, String>,
    /// The management lock on the vault; `None`: no lock.
    pub lock: Option<Lock>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_accept_any_case_and_normalise() {
        assert_eq!(Sku::parse("Premium").unwrap().arm(), "premium");
        assert_eq!(DefaultAction::parse("deny").unwrap().arm(), "Deny");
        assert_eq!(
            Bypass::parse("azureservices").unwrap().arm(),
            "AzureServices"
        );
        assert_eq!(
            PublicNetworkAccess::parse("DISABLED").unwrap().arm(),
            "Disabled"
        );
        assert_eq!(
            PrincipalType::parse("serviceprincipal").unwrap().arm(),
            "ServicePrincipal"
        );
        let e = DefaultAction::parse("Denied").unwrap_err();
        assert_eq!(e.message, "unknown defaultAction `Denied`");
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean `Deny`? allowed: `Allow`, `Deny`")
        );
        let e = PrincipalType::parse("Device").unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("allowed: `User`, `Group`, `ServicePrincipal`, `ForeignGroup`")
        );
        assert_eq!(
            parse_log_selector("AUDIT").unwrap(),
            LogSelector::CategoryGroup("audit")
        );
        assert_eq!(
            parse_on_soft_deleted("Recover").unwrap(),
            OnSoftDeleted::Recover
        );
    }
}
