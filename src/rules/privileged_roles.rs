//! KV-PRIV: no Owner, Contributor or Key Vault Administrator for a service principal at vault
//! scope (profile-threshold rule; evaluated by `plan` and `audit`). Check only; no I/O.

use super::{Rule, SECURITY_BASELINE, Severity, Status, VaultEvidence};

/// KV-PRIV.
pub const KV_PRIV: Rule = Rule {
    id: "KV-PRIV",
    title: "No privileged role for a service principal at vault scope",
    severity: Severity::High,
    best_practice: "Control access to your vault with least privilege: applications get \
                    data-plane roles such as Key Vault Secrets User, never Owner, Contributor or \
                    Key Vault Administrator, which let a leaked credential read every secret or \
                    change who may (security baseline PA-7, IM-3).",
    source: SECURITY_BASELINE,
    check,
};

/// Built-in roles KV-PRIV treats as privileged: (role-definition GUID, name). Source: Azure
/// built-in roles (general and Security sections).
pub const PRIVILEGED_ROLES: &[(&str, &str)] = &[
    ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"),
    ("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"),
    (
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Administrator",
    ),
];

/// Fails when a role assignment in the evidence (role assignments at vault scope) gives a
/// `ServicePrincipal` one of [`PRIVILEGED_ROLES`]; names the principal and the role.
fn check(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    let mut grants = Vec::new();
    for ra in &e.role_assignments {
        let p = |k: &str| {
            ra.pointer(&format!("/properties/{k}"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        if !p("principalType").eq_ignore_ascii_case("ServicePrincipal") {
            continue;
        }
        let guid = p("roleDefinitionId")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if let Some((_, role)) = PRIVILEGED_ROLES.iter().find(|(g, _)| *g == guid) {
            grants.push(format!(
                "{role} to service principal `{}`",
                p("principalId")
            ));
        }
    }
    if grants.is_empty() {
        (
            Status::Pass,
            "no service principal holds Owner, Contributor or Key Vault Administrator at vault scope"
                .into(),
        )
    } else {
        (
            Status::Fail,
            format!(
                "role assignment(s) at vault scope grant {}",
                grants.join("; ")
            ),
        )
    }
}
