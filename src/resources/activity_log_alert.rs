//! `Microsoft.Insights/activityLogAlerts`: `{vault}-deleted`, raised when the vault is deleted
//! (an Administrative `Microsoft.KeyVault/vaults/delete` operation on its ID), notifying the
//! environment's action group.

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, array, object, resource, string};
use super::{GuardedField, Parent, Permanence, Read, ResourceKind, ResourceType, Stricter};

/// The activity log alert type. Read with one list per subscription
/// (`ActivityLogAlerts_ListBySubscriptionId`).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::ActivityLogAlert,
    arm_type: "Microsoft.Insights/activityLogAlerts",
    api_version: "2026-01-01",
    shared: false,
    id_shape: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights/activityLogAlerts/{vaultName}-deleted",
    parent: Parent::ResourceGroup,
    read: Read::ListInSubscription {
        path: "/providers/Microsoft.Insights/activityLogAlerts",
        filter: None,
    },
    build,
    evidence: |e, _, body| e.activity_log_alerts.push(body),
    guarded_fields: GUARDED_FIELDS,
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "monitor/resource-manager/Microsoft.Insights/Insights/stable/2026-01-01/activityLogAlerts_API.json",
        "ActivityLogAlertResource",
    ),
};

/// When `alerts.vaultDeleted` is on: `{ location: Global, tags, properties: { scopes:
/// [subscription], condition: { allOf: [category, operationName, resourceId] }, actions:
/// { actionGroups: [..] }, enabled: true, description } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    let Some((_, ag_id)) = ctx.shared else {
        return;
    };
    if !ctx.cell.settings.alerts.vault_deleted {
        return;
    }
    let vault_name = &ctx.cell.vault_name;
    let condition =
        |field: &str, equals: Value| object([("field", string(field)), ("equals", equals)]);
    out.push(resource(
        ResourceKind::ActivityLogAlert,
        format!(
            "{}/providers/Microsoft.Insights/activityLogAlerts/{vault_name}-deleted",
            ctx.rg_id
        ),
        object([
            ("location", string("Global")),
            ("tags", ctx.tags.clone()),
            (
                "properties",
                object([
                    (
                        "scopes",
                        array([Value::String(format!(
                            "/subscriptions/{}",
                            ctx.cell.subscription_id
                        ))]),
                    ),
                    (
                        "condition",
                        object([(
                            "allOf",
                            array([
                                condition("category", string("Administrative")),
                                condition(
                                    "operationName",
                                    string("Microsoft.KeyVault/vaults/delete"),
                                ),
                                condition("resourceId", string(ctx.vault_id)),
                            ]),
                        )]),
                    ),
                    (
                        "actions",
                        object([(
                            "actionGroups",
                            array([object([("actionGroupId", string(ag_id))])]),
                        )]),
                    ),
                    ("enabled", Value::Bool(true)),
                    (
                        "description",
                        Value::String(format!(
                            "Key Vault {vault_name} was deleted (kvinit, KV-ALERT)"
                        )),
                    ),
                ]),
            ),
        ]),
    ));
}

/// What kvinit never weakens on its activity log alert: a disabled alert.
pub const GUARDED_FIELDS: &[GuardedField] = &[GuardedField {
    path: "properties.enabled",
    name: "alerts.enabled",
    stricter: Stricter::True,
    plan_absent: None,
    permanence: Permanence::ByHand,
    plan_setting: "alerts (enabled)",
}];
