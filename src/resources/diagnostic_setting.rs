//! `Microsoft.Insights/diagnosticSettings` on the vault: the one setting kvinit owns
//! ([`DIAGNOSTIC_SETTING_NAME`]), sending the chosen log categories (or category groups) and
//! `AllMetrics` to the plan's Log Analytics workspace.

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{GuardedField, Parent, Permanence, Read, ResourceKind, ResourceType, Stricter};

/// The diagnostic setting type. Read with one list per existing vault (so settings kvinit did
/// not create are seen too, for KV-LOG).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::DiagnosticSetting,
    arm_type: "Microsoft.Insights/diagnosticSettings",
    api_version: "2021-05-01-preview",
    shared: false,
    id_shape: "{vaultId}/providers/Microsoft.Insights/diagnosticSettings/{name}",
    parent: Parent::Vault,
    read: Read::ListAtVault {
        path: "/providers/Microsoft.Insights/diagnosticSettings",
        filter: None,
    },
    build,
    evidence: |e, _, body| e.diagnostic_settings.push(body),
    guarded_fields: GUARDED_FIELDS,
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json",
        "DiagnosticSettingsResource",
    ),
};

/// What kvinit never weakens on its diagnostic setting: a log category (or category group) or
/// the metrics live sends and the plan drops stay enabled (KV-LOG: audit logs are the evidence of
/// who read a secret; Azure Monitor diagnostic settings).
pub const GUARDED_FIELDS: &[GuardedField] = &[
    GuardedField {
        path: "properties.logs",
        name: "diagnostics.logs",
        stricter: Stricter::Superset,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "diagnostics.logs",
    },
    GuardedField {
        path: "properties.metrics",
        name: "diagnostics.metrics",
        stricter: Stricter::Superset,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "diagnostics.metrics: true",
    },
];

/// Name of the one diagnostic setting kvinit owns on each vault.
pub const DIAGNOSTIC_SETTING_NAME: &str = "kvinit";

/// When the cell names a workspace: `{ properties: { workspaceId, logs: [{ categoryGroup |
/// category, enabled: true }], metrics: [AllMetrics] or [] } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    use crate::model::settings::LogSelector;

    let d = &ctx.cell.settings.diagnostics;
    let Some(ws) = &d.workspace_id else {
        return;
    };
    let logs: Vec<Value> = d
        .logs
        .iter()
        .map(|l| match l {
            LogSelector::CategoryGroup(g) => {
                object([("categoryGroup", string(g)), ("enabled", Value::Bool(true))])
            }
            LogSelector::Category(c) => {
                object([("category", string(c)), ("enabled", Value::Bool(true))])
            }
        })
        .collect();
    let metrics: Vec<Value> = if d.metrics {
        vec![object([
            ("category", string("AllMetrics")),
            ("enabled", Value::Bool(true)),
        ])]
    } else {
        vec![]
    };
    out.push(resource(
        ResourceKind::DiagnosticSetting,
        format!(
            "{}/providers/Microsoft.Insights/diagnosticSettings/{DIAGNOSTIC_SETTING_NAME}",
            ctx.vault_id
        ),
        object([(
            "properties",
            object([
                ("workspaceId", string(ws)),
                ("logs", Value::Array(logs)),
                ("metrics", Value::Array(metrics)),
            ]),
        )]),
    ));
}
