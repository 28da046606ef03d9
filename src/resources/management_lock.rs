//! `Microsoft.Authorization/locks` on the vault: the one lock kvinit owns ([`LOCK_NAME`]),
//! `CanNotDelete` or `ReadOnly` from the cell's `lock` setting. kvinit never removes a lock (it
//! sends no DELETE at all) and never lowers one: `ReadOnly` is stricter than `CanNotDelete`.

use serde_json::Map;

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{GuardedField, Parent, Permanence, Read, ResourceKind, ResourceType, Stricter};

/// The management lock type at vault scope. Read with one list per existing vault
/// (`ManagementLocks_ListAtResourceLevel`; ARM includes the locks inherited from the resource
/// group and subscription).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::ManagementLock,
    arm_type: "Microsoft.Authorization/locks",
    api_version: "2020-05-01",
    shared: false,
    id_shape: "{vaultId}/providers/Microsoft.Authorization/locks/{lockName}",
    parent: Parent::Vault,
    read: Read::ListAtVault {
        path: "/providers/Microsoft.Authorization/locks",
        filter: None,
    },
    build,
    evidence: super::evidence::by_kind_only,
    guarded_fields: GUARDED_FIELDS,
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json",
        "ManagementLockObject",
    ),
};

/// Name of the one lock kvinit owns on each vault.
pub const LOCK_NAME: &str = "kvinit";

/// A lock's level is never lowered: `ReadOnly` is stricter than `CanNotDelete` (Azure
/// Resource Manager locks, learn.microsoft.com/azure/azure-resource-manager/management/lock-resources).
pub const GUARDED_FIELDS: &[GuardedField] = &[GuardedField {
    path: "properties.level",
    name: "lock.level",
    stricter: Stricter::Is("ReadOnly"),
    plan_absent: None,
    permanence: Permanence::ByHand,
    plan_setting: "lock.kind: ReadOnly",
}];

/// When the cell asks for a lock: `{ properties: { level, [notes] } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    let Some(lock) = &ctx.cell.settings.lock else {
        return;
    };
    let mut props = Map::with_capacity(2);
    props.insert("level".into(), string(lock.level.arm()));
    if let Some(notes) = &lock.notes {
        props.insert("notes".into(), string(notes));
    }
    out.push(resource(
        ResourceKind::ManagementLock,
        format!(
            "{}/providers/Microsoft.Authorization/locks/{LOCK_NAME}",
            ctx.vault_id
        ),
        object([("properties", serde_json::Value::Object(props))]),
    ));
}
