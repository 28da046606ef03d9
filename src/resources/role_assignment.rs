//! `Microsoft.Authorization/roleAssignments` at vault scope: one per role assignment of the
//! cell's settings, named by [`name`] so re-runs never duplicate an assignment.

use serde_json::{Map, Value};

use super::build::{BuildContext, BuiltResource, object, resource, string};
use super::{Parent, Read, ResourceKind, ResourceType};

/// The role assignment type. Read with one list per existing vault, `$filter=atScope()`
/// (assignments at the vault and above), so equivalent grants made by others are seen.
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::RoleAssignment,
    arm_type: "Microsoft.Authorization/roleAssignments",
    api_version: "2022-04-01",
    shared: false,
    id_shape: "{vaultId}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    parent: Parent::Vault,
    read: Read::ListAtVault {
        path: "/providers/Microsoft.Authorization/roleAssignments",
        filter: Some("atScope()"),
    },
    build,
    evidence: |e, _, body| e.role_assignments.push(body),
    guarded_fields: &[],
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
        "RoleAssignmentCreateParameters",
    ),
};

/// Namespace for role assignment names (UUID v5). Never change it: existing assignments would
/// no longer be recognised and re-runs would create duplicates.
pub const ROLE_ASSIGNMENT_NAMESPACE: uuid::Uuid =
    uuid::uuid!("4c0b6c3e-8f4e-5a0b-9d8e-6b7f1e2a3c4d");

/// The role assignment name: UUID v5 in [`ROLE_ASSIGNMENT_NAMESPACE`] of
/// `"{scope lower-cased}|{principal id lower-cased}|{role-definition GUID lower-cased}"`.
/// Same inputs → same name, so re-runs never duplicate an assignment.
pub fn name(scope: &str, principal_id: &str, role_definition_guid: &str) -> uuid::Uuid {
    let key = format!(
        "{}|{}|{}",
        scope.to_ascii_lowercase(),
        principal_id.to_ascii_lowercase(),
        role_definition_guid.to_ascii_lowercase()
    );
    uuid::Uuid::new_v5(&ROLE_ASSIGNMENT_NAMESPACE, key.as_bytes())
}

/// One per assignment: `{ properties: { roleDefinitionId, principalId, [principalType] } }`.
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    let sub = &ctx.cell.subscription_id;
    for ra in &ctx.cell.settings.role_assignments {
        let role_guid = ra.role.id.to_string();
        let principal = ra.principal_id.to_string();
        let name = name(ctx.vault_id, &principal, &role_guid);
        let mut p = Map::with_capacity(3);
        p.insert(
            "roleDefinitionId".into(),
            Value::String(ra.role.definition_id(sub)),
        );
        p.insert("principalId".into(), Value::String(principal));
        if let Some(t) = ra.principal_type {
            p.insert("principalType".into(), string(t.arm()));
        }
        out.push(resource(
            ResourceKind::RoleAssignment,
            format!(
                "{}/providers/Microsoft.Authorization/roleAssignments/{name}",
                ctx.vault_id
            ),
            object([("properties", Value::Object(p))]),
        ));
    }
}
