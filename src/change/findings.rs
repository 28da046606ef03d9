//! What exists at a vault's scope that kvinit did not create — role assignments, diagnostic
//! settings, management locks, and private endpoints connected to the vault (from its
//! `privateEndpointConnections`) — listed as findings so users see them; kvinit leaves them alone (it never deletes
//! or changes what it does not own). Pure: reads the [`LiveState`] observe filled, must not
//! fetch anything or decide to change anything.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::live::LiveState;
use crate::resources::ResourceKind;

/// One resource at a vault's scope that kvinit does not manage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unmanaged {
    /// ARM resource type, e.g. `Microsoft.Authorization/roleAssignments`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its ARM resource ID as ARM returned it.
    pub id: String,
    /// What it is, e.g. `role assignment 1f0c… (Key Vault Secrets Officer → principal 5d…
    /// (ServicePrincipal))`.
    pub detail: String,
}

/// The role assignments directly at `vault_id` that kvinit created — their name is the UUID v5
/// `resources::role_assignment::name` of their own scope, principal and role definition — and
/// that are not in `desired_ids` (the plan no longer asks for them): `(ARM resource ID as ARM
/// returned it, lower-cased ID, body)`, sorted by ID. An assignment under any other name was not
/// created by kvinit and is never listed here.
pub fn revoked_grants<'a>(
    vault_id: &str,
    desired_ids: &HashSet<String>,
    live: &'a LiveState,
) -> Vec<(String, String, &'a Value)> {
    let vault = vault_id.to_ascii_lowercase();
    let prefix = format!("{vault}/providers/microsoft.authorization/roleassignments/");
    let mut out: Vec<(String, String, &Value)> = live
        .with_prefix(&prefix)
        .filter(|(id, _)| !desired_ids.contains(*id))
        .filter(|(id, body)| {
            let prop = |k: &str| {
                body.pointer(&format!("/properties/{k}"))
                    .and_then(Value::as_str)
            };
            let (Some(principal), Some(role)) = (prop("principalId"), prop("roleDefinitionId"))
            else {
                return false;
            };
            let role_guid = role.rsplit('/').next().unwrap_or_default();
            let name = id.rsplit('/').next().unwrap_or_default();
            crate::resources::role_assignment::name(vault_id, principal, role_guid)
                .to_string()
                .eq_ignore_ascii_case(name)
        })
        .map(|(id, body)| {
            let shown = body.get("id").and_then(Value::as_str).unwrap_or(id);
            (shown.to_string(), id.clone(), body)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// What a revoked grant is, for its note: `created by kvinit, no longer in the plan: Key Vault
/// Secrets User → principal 5d… (ServicePrincipal)`.
pub fn revoked_detail(body: &Value) -> String {
    let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
    format!(
        "created by kvinit, no longer in the plan: {}",
        role_assignment_detail(name, body)
    )
}

/// The role assignments directly at `vault_id`, the diagnostic settings and management locks on
/// it, and the private endpoints connected to it, that are in `live` but not in `desired_ids`
/// (lower-cased IDs of the plan's resources).
pub fn unmanaged(
    vault_id: &str,
    desired_ids: &HashSet<String>,
    live: &LiveState,
) -> Vec<Unmanaged> {
    let vault = vault_id.to_ascii_lowercase();
    let ra_prefix = format!("{vault}/providers/microsoft.authorization/roleassignments/");
    let ds_prefix = format!("{vault}/providers/microsoft.insights/diagnosticsettings/");
    let lock_prefix = format!("{vault}/providers/microsoft.authorization/locks/");
    let mut out = Vec::new();
    let found = live
        .with_prefix(&ra_prefix)
        .chain(live.with_prefix(&ds_prefix))
        .chain(live.with_prefix(&lock_prefix));
    for (id, body) in found {
        if desired_ids.contains(id) {
            continue;
        }
        let shown = body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .to_string();
        let name = id.rsplit('/').next().unwrap_or_default();
        if id.starts_with(&ra_prefix) {
            out.push(Unmanaged {
                kind: ResourceKind::RoleAssignment.arm_type().into(),
                id: shown,
                detail: role_assignment_detail(name, body),
            });
        } else if id.starts_with(&ds_prefix) {
            out.push(Unmanaged {
                kind: ResourceKind::DiagnosticSetting.arm_type().into(),
                id: shown,
                detail: diagnostic_setting_detail(name, body),
            });
        } else if id.starts_with(&lock_prefix) {
            let level = body
                .pointer("/properties/level")
                .and_then(Value::as_str)
                .unwrap_or("?");
            out.push(Unmanaged {
                kind: ResourceKind::ManagementLock.arm_type().into(),
                id: shown,
                detail: if name.eq_ignore_ascii_case(crate::resources::management_lock::LOCK_NAME) {
                    format!(
                        "management lock {name} ({level}): kvinit's lock, no longer in the plan; kvinit never removes a lock"
                    )
                } else {
                    format!("management lock {name} ({level}; kvinit never removes a lock)")
                },
            });
        }
    }
    // Private endpoints connected to the vault that the plan does not name (made by hand, or
    // by another team): left alone.
    let connections = live
        .get(vault_id)
        .and_then(|v| v.pointer("/properties/privateEndpointConnections"))
        .and_then(Value::as_array);
    for c in connections.into_iter().flatten() {
        let Some(pe) = c
            .pointer("/properties/privateEndpoint/id")
            .and_then(Value::as_str)
        else {
            continue;
        };
        if desired_ids.contains(&pe.to_ascii_lowercase()) {
            continue;
        }
        let status = c
            .pointer("/properties/privateLinkServiceConnectionState/status")
            .and_then(Value::as_str)
            .unwrap_or("?");
        out.push(Unmanaged {
            kind: ResourceKind::PrivateEndpoint.arm_type().into(),
            id: pe.to_string(),
            detail: format!(
                "private endpoint {} (connection {status})",
                pe.rsplit('/').next().unwrap_or_default()
            ),
        });
    }
    out
}

fn role_assignment_detail(name: &str, body: &Value) -> String {
    let p = |k: &str| {
        body.pointer(&format!("/properties/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    let role_id = p("roleDefinitionId");
    let guid = role_id.rsplit('/').next().unwrap_or_default();
    let role = role_name(guid).map_or_else(|| format!("role {guid}"), str::to_string);
    format!(
        "role assignment {name} ({role} → principal {} ({}))",
        p("principalId"),
        p("principalType")
    )
}

fn diagnostic_setting_detail(name: &str, body: &Value) -> String {
    let dest = [
        "workspaceId",
        "storageAccountId",
        "eventHubAuthorizationRuleId",
    ]
    .iter()
    .find_map(|k| {
        body.pointer(&format!("/properties/{k}"))
            .and_then(Value::as_str)
            .map(|v| format!("{k} {v}"))
    })
    .unwrap_or_else(|| "no destination".into());
    format!("diagnostic setting {name} ({dest})")
}

/// Owner (built-in role). Source: Azure built-in roles, General.
pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
/// User Access Administrator (built-in role). Source: Azure built-in roles, Privileged.
pub const USER_ACCESS_ADMINISTRATOR: &str = "18d7d88d-d35e-4fb2-a5c3-7773c20a72d9";
/// Contributor (built-in role), named in findings only.
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";

/// The display name of a built-in role GUID kvinit knows.
pub fn role_name(guid: &str) -> Option<&'static str> {
    match guid.to_ascii_lowercase().as_str() {
        OWNER => Some("Owner"),
        USER_ACCESS_ADMINISTRATOR => Some("User Access Administrator"),
        CONTRIBUTOR => Some("Contributor"),
        g => uuid::Uuid::parse_str(g)
            .ok()
            .and_then(|u| crate::model::roles::by_id(&u))
            .map(|r| r.name),
    }
}

/// Whether the caller may change a vault's permission model (Key Vault requires
/// `Microsoft.Authorization/roleAssignments/write`, i.e. Owner or User Access Administrator, at
/// the vault's scope or above).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerAccess {
    /// The caller's principal is not known (its token carries no object ID): not checked.
    Unknown,
    /// The caller holds this role (name) at the vault's scope or above.
    Holds(&'static str),
    /// The caller (this principal ID) holds neither role there.
    Lacks(String),
}

/// The caller's access at `vault_id`, from the role assignments observe listed at the vault
/// scope with `atScope()` (those at the vault and above).
pub fn caller_access(vault_id: &str, live: &LiveState) -> CallerAccess {
    let Some(caller) = live.caller_principal_id() else {
        return CallerAccess::Unknown;
    };
    let vault = vault_id.to_ascii_lowercase();
    // The vault's scope and every scope above it: `/`, the subscription, the resource group.
    let mut scopes = vec![String::new()];
    let mut at = String::new();
    for seg in vault.split('/').filter(|s| !s.is_empty()) {
        at.push('/');
        at.push_str(seg);
        scopes.push(at.clone());
    }
    for scope in scopes {
        let prefix = format!("{scope}/providers/microsoft.authorization/roleassignments/");
        for (_, body) in live.with_prefix(&prefix) {
            let p = |k: &str| {
                body.pointer(&format!("/properties/{k}"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            };
            if !p("principalId").eq_ignore_ascii_case(caller) {
                continue;
            }
            let role = p("roleDefinitionId");
            let guid = role.rsplit('/').next().unwrap_or_default();
            if guid == OWNER {
                return CallerAccess::Holds("Owner");
            }
            if guid == USER_ACCESS_ADMINISTRATOR {
                return CallerAccess::Holds("User Access Administrator");
            }
        }
    }
    CallerAccess::Lacks(caller.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VAULT: &str = "/subscriptions/s/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv";

    fn ra(scope: &str, name: &str, principal: &str, role: &str) -> (String, Value) {
        let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
        let body = json!({ "id": id, "type": "Microsoft.Authorization/roleAssignments", "name": name,
            "properties": { "scope": scope, "principalId": principal, "principalType": "User",
                "roleDefinitionId": format!("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{role}") } });
        (id, body)
    }

    #[test]
    fn lists_what_the_plan_does_not_name() {
        let mut live = LiveState::new();
        let (mine, b) = ra(VAULT, "a", "p1", "00482a5a-887f-4fb3-b363-3b7fe8e74483");
        live.insert(&mine, b);
        let (theirs, b) = ra(VAULT, "b", "p2", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7");
        live.insert(&theirs, b);
        let (above, b) = ra("/subscriptions/s", "c", "p3", OWNER);
        live.insert(&above, b);
        let ds = format!("{VAULT}/providers/Microsoft.Insights/diagnosticSettings/other");
        live.insert(
            &ds,
            json!({ "id": ds, "properties": { "workspaceId": "/w" } }),
        );
        let desired: HashSet<String> = [mine.to_ascii_lowercase()].into();
        let found = unmanaged(VAULT, &desired, &live);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0]
                .detail
                .contains("Key Vault Secrets Officer → principal p2"),
            "{found:?}"
        );
        assert!(
            found[1]
                .detail
                .contains("diagnostic setting other (workspaceId /w)")
        );
    }

    #[test]
    fn caller_roles_at_or_above_the_vault_count() {
        let mut live = LiveState::new();
        assert_eq!(caller_access(VAULT, &live), CallerAccess::Unknown);
        live.set_caller_principal_id("ME");
        let (id, b) = ra("/subscriptions/s/resourceGroups/other", "x", "me", OWNER);
        live.insert(&id, b);
        assert_eq!(
            caller_access(VAULT, &live),
            CallerAccess::Lacks("ME".into())
        );
        let (id, b) = ra(
            "/subscriptions/s/resourceGroups/rg",
            "y",
            "me",
            USER_ACCESS_ADMINISTRATOR,
        );
        live.insert(&id, b);
        assert_eq!(
            caller_access(VAULT, &live),
            CallerAccess::Holds("User Access Administrator")
        );
    }
}
