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
