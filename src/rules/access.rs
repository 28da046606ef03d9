//! KV-RBAC: Azure RBAC authorization with least-privilege Key Vault roles. Check only; no I/O.

use super::evidence::at;
use super::{BEST_PRACTICES, Rule, Severity, Status, VaultEvidence};
use crate::model::roles;

/// KV-RBAC.
pub const KV_RBAC: Rule = Rule {
    id: "KV-RBAC",
    title: "Azure RBAC authorization, least privilege",
    severity: Severity::High,
    best_practice: "Control access to your vault: use the Azure RBAC permission model and assign \
                    the least-privileged Key Vault roles at vault scope (security baseline IM-1, PA-7).",
    source: BEST_PRACTICES,
    check,
};

/// Passes when `enableRbacAuthorization` is true, there are no access policies, and no role
/// assignment grants a broad non-Key-Vault built-in role (Owner, Contributor, User Access
/// Administrator).
fn check(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    if e.prop("/enableRbacAuthorization").and_then(|v| v.as_bool()) != Some(true) {
        return (
            Status::Fail,
            "enableRbacAuthorization is not true (access policies in use)".into(),
        );
    }
    if e.prop("/accessPolicies")
        .and_then(|v| v.as_array())
        .is_some_and(|a| !a.is_empty())
    {
        return (
            Status::Fail,
            "access policies are present alongside RBAC".into(),
        );
    }
    const BROAD: &[(&str, &str)] = &[
        ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"),
        ("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"),
        (
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            "User Access Administrator",
        ),
    ];
    let mut kv_roles = 0;
    for ra in &e.role_assignments {
        let def = at(ra, "/properties/roleDefinitionId")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let guid = def
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if let Some((_, name)) = BROAD.iter().find(|(g, _)| *g == guid) {
            return (
                Status::Fail,
                format!("a role assignment grants the broad role {name}"),
            );
        }
        if roles::KEY_VAULT_ROLES.iter().any(|r| r.id == guid) {
            kv_roles += 1;
        }
    }
    let n = e.role_assignments.len();
    (
        Status::Pass,
        format!(
            "RBAC on, no access policies; {n} role assignment(s) at vault scope, {kv_roles} with Key Vault built-in roles"
        ),
    )
}
