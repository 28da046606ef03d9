//! `Microsoft.Network/privateEndpoints/privateDnsZoneGroups`: the `default` zone group of each
//! private endpoint whose plan entry names private DNS zones, so the vault's
//! `privatelink.vaultcore.azure.net` record (US Government: `privatelink.vaultcore.usgovcloudapi.net`,
//! China: `privatelink.vaultcore.azure.cn`) is kept in those zones by Azure.

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{Parent, Read, ResourceKind, ResourceType, private_endpoint};

/// The zone group type, a child of the private endpoint. Read with one list per existing
/// endpoint (`PrivateDnsZoneGroups_List`).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::PrivateDnsZoneGroup,
    arm_type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    api_version: "2023-09-01",
    shared: false,
    id_shape: "{privateEndpointId}/privateDnsZoneGroups/{privateDnsZoneGroupName}",
    parent: Parent::Child(ResourceKind::PrivateEndpoint),
    read: Read::ListAtVault {
        path: "/privateDnsZoneGroups",
        filter: None,
    },
    build,
    evidence: super::evidence::by_kind_only,
    guarded_fields: &[],
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "network/resource-manager/Microsoft.Network/stable/2023-09-01/privateEndpoint.json",
        "PrivateDnsZoneGroup",
    ),
};

/// The one zone group kvinit owns on each endpoint.
pub const ZONE_GROUP_NAME: &str = "default";

/// The private DNS zone of Key Vault's `vault` group ID per cloud, by the cloud's ARM endpoint
/// host suffix: public `privatelink.vaultcore.azure.net`, US Government
/// `privatelink.vaultcore.usgovcloudapi.net`, China `privatelink.vaultcore.azure.cn`
/// (learn.microsoft.com/azure/private-link/private-endpoint-dns).
pub const VAULT_ZONES: [(&str, &str); 3] = [
    ("public", "privatelink.vaultcore.azure.net"),
    ("usgovernment", "privatelink.vaultcore.usgovcloudapi.net"),
    ("china", "privatelink.vaultcore.azure.cn"),
];

/// Per endpoint with zones: `{ properties: { privateDnsZoneConfigs: [{ name, properties: {
/// privateDnsZoneId } }] } }`, each config named after its zone with `.` → `-` (ARM's
/// convention, e.g. `privatelink-vaultcore-azure-net`).
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    for (i, pe) in ctx
        .cell
        .settings
        .network
        .private_endpoints
        .iter()
        .enumerate()
    {
        if pe.private_dns_zone_ids.is_empty() {
            continue;
        }
        let configs: Vec<Value> = pe
            .private_dns_zone_ids
            .iter()
            .map(|zone_id| {
                let zone = zone_id.rsplit('/').next().unwrap_or(zone_id);
                object([
                    ("name", string(&zone.replace('.', "-"))),
                    (
                        "properties",
                        object([("privateDnsZoneId", string(zone_id))]),
                    ),
                ])
            })
            .collect();
        let pe_id =
            private_endpoint::id(ctx.rg_id, &private_endpoint::name(&ctx.cell.vault_name, i));
        out.push(resource(
            ResourceKind::PrivateDnsZoneGroup,
            format!("{pe_id}/privateDnsZoneGroups/{ZONE_GROUP_NAME}"),
            object([(
                "properties",
                object([("privateDnsZoneConfigs", Value::Array(configs))]),
            )]),
        ));
    }
}
