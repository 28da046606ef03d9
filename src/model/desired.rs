//! Desired state: the ARM resources a validated plan asks for, as ARM would receive them.
//! Pure data computed from the matrix; no I/O. Rendered by `plan`, diffed by `change`,
//! sent by the Azure adapter.

use serde::Serialize;
use serde_json::Value;

/// The ARM resource types kvinit manages, with the api-version it calls for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ResourceKind {
    /// `Microsoft.Resources/resourceGroups`, api-version 2021-04-01.
    ResourceGroup,
    /// `Microsoft.KeyVault/vaults`, api-version 2022-02-01-preview.
    Vault,
    /// `Microsoft.Authorization/roleAssignments` at vault scope, api-version 2022-04-01.
    RoleAssignment,
    /// `Microsoft.Insights/diagnosticSettings` on the vault, api-version 2021-05-01-preview.
    DiagnosticSetting,
    /// `Microsoft.Insights/actionGroups` (shared per environment and subscription), 2021-09-01.
    ActionGroup,
    /// `Microsoft.Insights/metricAlerts`, api-version 2018-03-01.
    MetricAlert,
    /// `Microsoft.Insights/activityLogAlerts`, api-version 2023-01-01-preview.
    ActivityLogAlert,
}

impl ResourceKind {
    /// The ARM resource type, e.g. `Microsoft.KeyVault/vaults`.
    pub fn arm_type(self) -> &'static str {
        match self {
            ResourceKind::ResourceGroup => "Microsoft.Resources/resourceGroups",
            ResourceKind::Vault => "Microsoft.KeyVault/vaults",
            ResourceKind::RoleAssignment => "Microsoft.Authorization/roleAssignments",
            ResourceKind::DiagnosticSetting => "Microsoft.Insights/diagnosticSettings",
            ResourceKind::ActionGroup => "Microsoft.Insights/actionGroups",
            ResourceKind::MetricAlert => "Microsoft.Insights/metricAlerts",
            ResourceKind::ActivityLogAlert => "Microsoft.Insights/activityLogAlerts",
        }
    }

    /// The api-version kvinit calls for this type (pinned by the azure_mgmt_* 0.20 packages).
    pub fn api_version(self) -> &'static str {
        match self {
            ResourceKind::ResourceGroup => "2021-04-01",
            ResourceKind::Vault => "2022-02-01-preview",
            ResourceKind::RoleAssignment => "2022-04-01",
            ResourceKind::DiagnosticSetting => "2021-05-01-preview",
            ResourceKind::ActionGroup => "2021-09-01",
            ResourceKind::MetricAlert => "2018-03-01",
            ResourceKind::ActivityLogAlert => "2023-01-01-preview",
        }
    }

    /// Resources shared by several vaults (created once per apply).
    pub fn is_shared(self) -> bool {
        matches!(self, ResourceKind::ResourceGroup | ResourceKind::ActionGroup)
    }
}

/// One ARM resource as kvinit wants it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredResource {
    /// The resource type.
    #[serde(rename = "type", serialize_with = "serialize_kind")]
    pub kind: ResourceKind,
    /// The ARM resource ID, in the user's casing (compare case-insensitively).
    pub id: String,
    /// The api-version the request uses.
    pub api_version: &'static str,
    /// The full request body of the PUT, exactly as ARM receives it (`location`, `tags`,
    /// `properties`, …).
    pub body: Value,
}

fn serialize_kind<S: serde::Serializer>(kind: &ResourceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.arm_type())
}

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

/// Every vault of a plan with its desired ARM resources, in matrix order
/// (apps × environments × regions, as written in the plan).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct DesiredState {
    /// One entry per matrix cell.
    pub vaults: Vec<DesiredVault>,
}

/// One matrix cell: a vault and the resources that make it compliant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredVault {
    /// Vault name (3–24 characters, checked).
    pub name: String,
    pub app: String,
    pub environment: String,
    /// Short region code used in names, e.g. `weu`.
    pub region: String,
    /// Azure location name, e.g. `westeurope`.
    pub location: String,
    pub subscription_id: String,
    pub resource_group: String,
    /// Behaviour when the name is held by a soft-deleted vault.
    pub on_soft_deleted: OnSoftDeleted,
    /// In dependency order: resource group, vault, role assignments, diagnostic setting,
    /// action group, metric alerts, activity log alert. Shared resources (resource group,
    /// action group) appear in every vault that uses them; the executor creates each once.
    pub resources: Vec<DesiredResource>,
    /// One result per compliance rule.
    pub compliance: Vec<crate::rules::RuleResult>,
}
