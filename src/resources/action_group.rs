//! `Microsoft.Insights/actionGroups`: the environment's shared action group (`Global`, in the
//! shared resource group `rg-kvinit-{env}`), e-mailing the plan's receivers. Built, with its
//! shared resource group just before it, when the cell has at least one alert.

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{Parent, Read, ResourceKind, ResourceType, resource_group};

/// The action group type. Read with GET (one per environment and subscription: a list would
/// not save a request).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::ActionGroup,
    arm_type: "Microsoft.Insights/actionGroups",
    api_version: "2023-01-01",
    shared: true,
    id_shape: "/subscriptions/{subscriptionId}/resourceGroups/rg-kvinit-{env}/providers/Microsoft.Insights/actionGroups/{actionGroupName}",
    parent: Parent::ResourceGroup,
    read: Read::Get,
    build,
    evidence: |e, id, body| e.action_groups.push((id, body)),
    guarded_fields: &[],
    blocked_fields: &[],
    ready: None,
    // No 2023-01-01 actionGroups spec is in ../shared/arm-specs: the body (a subset of
    // 2023-01-01's, which only adds receiver kinds kvinit does not send) is checked against the
    // newest copy there, 2021-09-01.
    request_schema: (
        "monitor/resource-manager/Microsoft.Insights/stable/2021-09-01/actionGroups_API.json",
        "ActionGroupResource",
    ),
};

/// `{sharedRgId}/providers/Microsoft.Insights/actionGroups/{name}`.
pub fn id(shared_rg_id: &str, name: &str) -> String {
    format!("{shared_rg_id}/providers/Microsoft.Insights/actionGroups/{name}")
}

/// The shared resource group, then `{ location: Global, tags: managedBy + kvinit-env,
/// properties: { groupShortName, enabled: true, emailReceivers: [{ name, emailAddress,
/// useCommonAlertSchema: true }] } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    let Some((shared_rg_id, ag_id)) = ctx.shared else {
        return;
    };
    out.push(resource_group::shared(ctx, shared_rg_id));
    let ag = &ctx.cell.settings.alerts.action_group;
    let receivers: Vec<Value> = ag
        .emails
        .iter()
        .map(|e| {
            object([
                ("name", string(e)),
                ("emailAddress", string(e)),
                ("useCommonAlertSchema", Value::Bool(true)),
            ])
        })
        .collect();
    out.push(resource(
        ResourceKind::ActionGroup,
        ag_id.to_owned(),
        object([
            ("location", string("Global")),
            ("tags", resource_group::shared_tags(&ctx.cell.environment)),
            (
                "properties",
                object([
                    ("groupShortName", string(&ag.short_name)),
                    ("enabled", Value::Bool(true)),
                    ("emailReceivers", Value::Array(receivers)),
                ]),
            ),
        ]),
    ));
}
