//! `Microsoft.Resources/resourceGroups`: the vault's resource group (one per cell, in the cell's
//! region) and each environment's shared group `rg-kvinit-{env}` holding the action group
//! (built by [`super::action_group`], in the plan's first region).

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{Parent, Read, ResourceKind, ResourceType};
use crate::model::tags::TAG_ENV;

/// The resource group type. Read with one list per subscription.
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::ResourceGroup,
    arm_type: "Microsoft.Resources/resourceGroups",
    api_version: "2021-04-01",
    shared: true,
    id_shape: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
    parent: Parent::Subscription,
    read: Read::ListInSubscription {
        path: "/resourcegroups",
        filter: None,
    },
    build,
    evidence: |_, _, _| {},
    guarded_fields: &[],
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json",
        "ResourceGroup",
    ),
};

/// Pattern of the resource group holding each environment's shared action group.
///
/// Why a dedicated group rather than "the first vault group of the environment": the action
/// group is shared by every vault of the environment, so it must not move (or be orphaned) when
/// apps are added, removed or excluded; a group named after the environment alone is stable.
/// It is created in the plan's first region (resource group location cannot change later; the
/// action group itself is `Global`).
pub const SHARED_RESOURCE_GROUP_PATTERN: &str = "rg-kvinit-{env}";

/// `/subscriptions/{sub}/resourceGroups/{name}`.
pub fn id(subscription_id: &str, name: &str) -> String {
    format!("/subscriptions/{subscription_id}/resourceGroups/{name}")
}

/// The environment's shared resource group ID (`rg-kvinit-{env}`).
pub fn shared_id(subscription_id: &str, environment: &str) -> String {
    id(
        subscription_id,
        &SHARED_RESOURCE_GROUP_PATTERN.replace("{env}", environment),
    )
}

/// The tags of the environment's shared resources: `managedBy: kvinit` and `kvinit-env`.
pub fn shared_tags(environment: &str) -> Value {
    object([
        ("managedBy", string("kvinit")),
        (TAG_ENV, string(environment)),
    ])
}

/// The vault's resource group: `{ location: <cell region>, tags }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    out.push(resource(
        ResourceKind::ResourceGroup,
        ctx.rg_id.to_owned(),
        object([
            ("location", string(ctx.cell.region.name)),
            ("tags", ctx.tags.clone()),
        ]),
    ));
}

/// The environment's shared resource group `shared_rg_id`: `{ location: <plan's first
/// region>, tags: managedBy + kvinit-env }`.
pub fn shared(ctx: &BuildContext<'_>, shared_rg_id: &str) -> BuiltResource {
    resource(
        ResourceKind::ResourceGroup,
        shared_rg_id.to_owned(),
        object([
            ("location", string(ctx.shared_location)),
            ("tags", shared_tags(&ctx.cell.environment)),
        ]),
    )
}
