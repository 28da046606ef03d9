//! `Microsoft.KeyVault/vaults`: the vault itself, one per matrix cell, with RBAC, soft delete,
//! purge protection and `networkAcls` from the cell's settings; the fields kvinit never weakens
//! ([`GUARDED_FIELDS`]) or never changes ([`BLOCKED_FIELDS`]) on an existing vault.

use serde_json::{Map, Value};

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{GuardedField, Parent, Permanence, Read, ResourceKind, ResourceType, Stricter};

/// The vault type. Read with one list per subscription.
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::Vault,
    arm_type: "Microsoft.KeyVault/vaults",
    api_version: "2026-02-01",
    shared: false,
    id_shape: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}",
    parent: Parent::ResourceGroup,
    read: Read::ListInSubscription {
        path: "/providers/Microsoft.KeyVault/vaults",
        filter: None,
    },
    build,
    evidence: |e, id, body| {
        e.vault_id = id;
        e.vault = Some(body);
    },
    guarded_fields: GUARDED_FIELDS,
    blocked_fields: BLOCKED_FIELDS,
    ready: None,
    request_schema: (
        "keyvault/resource-manager/Microsoft.KeyVault/KeyVault/stable/2026-02-01/openapi.json",
        "VaultCreateOrUpdateParameters",
    ),
};

/// `{rgId}/providers/Microsoft.KeyVault/vaults/{name}`.
pub fn id(rg_id: &str, name: &str) -> String {
    format!("{rg_id}/providers/Microsoft.KeyVault/vaults/{name}")
}

/// The guarded vault fields, with their stricter direction. Sources: Key Vault network security
/// (`publicNetworkAccess`, `networkAcls.defaultAction`, `networkAcls.bypass`), Azure RBAC for Key
/// Vault (`enableRbacAuthorization`), Key Vault soft-delete overview (purge protection and soft
/// delete cannot be turned off; the retention is set when the vault is created); an IP rule or
/// virtual network rule the plan adds opens the firewall to sources live does not allow.
pub const GUARDED_FIELDS: &[GuardedField] = &[
    GuardedField {
        path: "properties.publicNetworkAccess",
        name: "publicNetworkAccess",
        stricter: Stricter::Is("Disabled"),
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "network.publicNetworkAccess: Disabled",
    },
    GuardedField {
        path: "properties.networkAcls.defaultAction",
        name: "networkAcls.defaultAction",
        stricter: Stricter::Is("Deny"),
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "network.defaultAction: Deny",
    },
    GuardedField {
        path: "properties.networkAcls.bypass",
        name: "networkAcls.bypass",
        stricter: Stricter::Is("None"),
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "network.bypass: None",
    },
    GuardedField {
        path: "properties.enableRbacAuthorization",
        name: "enableRbacAuthorization",
        stricter: Stricter::True,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "RBAC (the default)",
    },
    GuardedField {
        path: "properties.enablePurgeProtection",
        name: "enablePurgeProtection",
        stricter: Stricter::True,
        // The desired body never carries `false`: leaving it out means off.
        plan_absent: Some(false),
        permanence: Permanence::Irreversible,
        plan_setting: "purgeProtection: true",
    },
    GuardedField {
        path: "properties.enableSoftDelete",
        name: "enableSoftDelete",
        stricter: Stricter::True,
        plan_absent: None,
        permanence: Permanence::Irreversible,
        plan_setting: "soft delete on (the default)",
    },
    GuardedField {
        path: "properties.softDeleteRetentionInDays",
        name: "softDeleteRetentionInDays",
        stricter: Stricter::Higher,
        plan_absent: None,
        permanence: Permanence::SetOnce,
        plan_setting: "softDeleteRetentionDays",
    },
    GuardedField {
        path: "properties.networkAcls.ipRules",
        name: "networkAcls.ipRules",
        stricter: Stricter::Subset,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "network.ipRules",
    },
    GuardedField {
        path: "properties.networkAcls.virtualNetworkRules",
        name: "networkAcls.virtualNetworkRules",
        stricter: Stricter::Subset,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "network.virtualNetworkRules",
    },
];

/// Vault fields whose change on an existing vault kvinit never sends, in any direction, with
/// the reason and the fix. A plan changing one is blocked (an error for that vault).
pub const BLOCKED_FIELDS: &[&str] = &["properties.tenantId"];

/// The vault: `{ location, tags, properties: { tenantId, sku, enableRbacAuthorization: true,
/// enableSoftDelete: true, softDeleteRetentionInDays, [enablePurgeProtection: true],
/// publicNetworkAccess, networkAcls } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    let s = &ctx.cell.settings;
    let mut props = Map::with_capacity(8);
    props.insert("tenantId".into(), Value::String(ctx.tenant_id.to_string()));
    props.insert(
        "sku".into(),
        object([("family", string("A")), ("name", string(s.sku.arm()))]),
    );
    props.insert("enableRbacAuthorization".into(), Value::Bool(true));
    props.insert("enableSoftDelete".into(), Value::Bool(true));
    props.insert(
        "softDeleteRetentionInDays".into(),
        Value::from(s.soft_delete_retention_days),
    );
    if s.purge_protection {
        // Never send `false`: ARM rejects turning it off, and omitting it leaves it off.
        props.insert("enablePurgeProtection".into(), Value::Bool(true));
    }
    props.insert(
        "publicNetworkAccess".into(),
        string(s.network.public_network_access.arm()),
    );
    props.insert(
        "networkAcls".into(),
        object([
            ("defaultAction", string(s.network.default_action.arm())),
            ("bypass", string(s.network.bypass.arm())),
            (
                "ipRules",
                Value::Array(
                    s.network
                        .ip_rules
                        .iter()
                        .map(|ip| object([("value", string(ip))]))
                        .collect(),
                ),
            ),
            (
                "virtualNetworkRules",
                Value::Array(
                    s.network
                        .virtual_network_rules
                        .iter()
                        .map(|id| {
                            object([
                                ("id", string(id)),
                                ("ignoreMissingVnetServiceEndpoint", Value::Bool(false)),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]),
    );
    out.push(resource(
        ResourceKind::Vault,
        ctx.vault_id.to_owned(),
        object([
            ("location", string(ctx.cell.region.name)),
            ("tags", ctx.tags.clone()),
            ("properties", Value::Object(props)),
        ]),
    ));
}
