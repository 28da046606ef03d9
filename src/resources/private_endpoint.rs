//! `Microsoft.Network/privateEndpoints`: one per entry of the cell's `network.privateEndpoints`,
//! in the vault's resource group and region, tagged as the vault, connecting to the vault's
//! `vault` group ID (Key Vault's only private-link sub-resource).

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, array, object, resource, string};
use super::{Parent, Read, ResourceKind, ResourceType};

/// The private endpoint type. Read with one list per subscription
/// (`PrivateEndpoints_ListBySubscription`).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::PrivateEndpoint,
    arm_type: "Microsoft.Network/privateEndpoints",
    api_version: "2023-09-01",
    shared: false,
    id_shape: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}",
    parent: Parent::ResourceGroup,
    read: Read::ListInSubscription {
        path: "/providers/Microsoft.Network/privateEndpoints",
        filter: None,
    },
    build,
    evidence: super::evidence::by_kind_only,
    guarded_fields: &[],
    blocked_fields: &[],
    ready: Some(connections_approved),
    request_schema: (
        "network/resource-manager/Microsoft.Network/stable/2023-09-01/privateEndpoint.json",
        "PrivateEndpoint",
    ),
};

/// Key Vault's private-link group ID (sub-resource) for a vault.
pub const GROUP_ID: &str = "vault";

/// The endpoint's name: `pe-{vaultName}` for the first entry, `pe-{vaultName}-{n}` (n = 2, 3, …)
/// for the next ones (at most 24 + 6 characters; ARM allows 80).
pub fn name(vault_name: &str, index: usize) -> String {
    if index == 0 {
        format!("pe-{vault_name}")
    } else {
        format!("pe-{vault_name}-{}", index + 1)
    }
}

/// `{rgId}/providers/Microsoft.Network/privateEndpoints/{name}`.
pub fn id(rg_id: &str, name: &str) -> String {
    format!("{rg_id}/providers/Microsoft.Network/privateEndpoints/{name}")
}

/// Per entry: `{ location, tags, properties: { subnet: { id }, privateLinkServiceConnections:
/// [{ name, properties: { privateLinkServiceId: vaultId, groupIds: ["vault"] } }] } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    for (i, pe) in ctx
        .cell
        .settings
        .network
        .private_endpoints
        .iter()
        .enumerate()
    {
        let name = name(&ctx.cell.vault_name, i);
        let connection = object([
            ("name", string(&name)),
            (
                "properties",
                object([
                    ("privateLinkServiceId", string(ctx.vault_id)),
                    ("groupIds", array([string(GROUP_ID)])),
                ]),
            ),
        ]);
        out.push(resource(
            ResourceKind::PrivateEndpoint,
            id(ctx.rg_id, &name),
            object([
                ("location", string(ctx.cell.region.name)),
                ("tags", ctx.tags.clone()),
                (
                    "properties",
                    object([
                        ("subnet", object([("id", string(&pe.subnet_id))])),
                        (
                            "privateLinkServiceConnections",
                            Value::Array(vec![connection]),
                        ),
                    ]),
                ),
            ]),
        ));
    }
}

/// Done when every `privateLinkServiceConnections[].properties.privateLinkServiceConnectionState
/// .status` is `Approved` (Key Vault auto-approves when the caller has rights on the vault;
/// otherwise the vault's owner approves it, and kvinit reports the vault not done).
fn connections_approved(body: &Value) -> bool {
    body.pointer("/properties/privateLinkServiceConnections")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            !cs.is_empty()
                && cs.iter().all(|c| {
                    c.pointer("/properties/privateLinkServiceConnectionState/status")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("Approved"))
                })
        })
}
