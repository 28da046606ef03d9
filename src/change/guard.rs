//! What kvinit refuses to do to an existing resource: lower a vault's protection (the
//! [`GUARDED_FIELDS`] table), move a vault to another tenant ([`BLOCKED_FIELDS`]), or create a
//! second role assignment for a grant that already exists under another name. Pure: it reads the
//! desired and live bodies and rewrites the diff's change list and update body; it must not
//! fetch or send anything.
//!
//! kvinit's invariant (ARCHITECTURE.md): it never disables purge protection, never opens a
//! firewall, never drops what it does not own. So when live state is *stricter* than the plan on
//! a guarded field, the live value is kept in the read-modify-write body, the field is not a
//! pending change, and a note says so; the vault does not fail for it.

use serde_json::Value;

use super::compare::matches;
use super::live::LiveState;
use super::merge::set_path;
use super::set::{Action, FieldChange, ResourceChange};
use crate::resources::{DesiredResource, ResourceKind};

pub use crate::resources::vault::{BLOCKED_FIELDS, GUARDED_FIELDS};
pub use crate::resources::{GuardedField, Permanence, Stricter};

/// What the guard did to one vault's diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guarded {
    /// Notes for fields whose stricter live value was kept (not pending).
    pub kept: Vec<String>,
    /// Refusals: the plan cannot be met on this vault (pending, an error at apply).
    pub blocked: Vec<String>,
}

/// Applies [`GUARDED_FIELDS`] and [`BLOCKED_FIELDS`] to an existing vault's diff: removes the
/// guarded entries from `changes`, puts the live values back into the update `body` (the
/// read-modify-write body built from `live` with `desired` merged over it), and says why.
pub fn guard_vault(
    desired: &Value,
    live: &Value,
    changes: &mut Vec<FieldChange>,
    body: &mut Value,
) -> Guarded {
    let mut out = Guarded::default();
    let vault = ResourceKind::Vault.descriptor();
    for field in vault.guarded_fields {
        let pointer = pointer(field.path);
        let Some(live_value) = live.pointer(&pointer).filter(|v| !v.is_null()) else {
            continue;
        };
        let Some(plan_value) = desired
            .pointer(&pointer)
            .cloned()
            .or_else(|| field.plan_absent.map(Value::Bool))
        else {
            continue;
        };
        let note = if live_is_stricter(field.stricter, live_value, &plan_value) {
            out.kept.push(kept_note(field, live_value, &plan_value));
            true
        } else if field.permanence == Permanence::SetOnce
            && !matches(leaf(field.path), &plan_value, live_value)
        {
            out.blocked
                .push(set_once_refusal(field, live_value, &plan_value));
            true
        } else {
            false
        };
        if note {
            changes.retain(|c| c.path != field.path);
            set_path(body, field.path, live_value.clone());
        }
    }
    for path in vault.blocked_fields {
        let pointer = pointer(path);
        let (Some(Value::String(live_value)), Some(Value::String(plan_value))) =
            (live.pointer(&pointer), desired.pointer(&pointer))
        else {
            continue;
        };
        if live_value.eq_ignore_ascii_case(plan_value) {
            // The same GUID in another casing: nothing to send.
            if live_value != plan_value {
                changes.retain(|c| c.path != *path);
                set_path(body, path, Value::String(live_value.clone()));
            }
            continue;
        }
        changes.retain(|c| c.path != *path);
        set_path(body, path, Value::String(live_value.clone()));
        out.blocked
            .push(tenant_move_refusal(live, live_value, plan_value));
    }
    out
}

/// Whether `live` is stricter than `plan` in `direction`.
pub fn live_is_stricter(direction: Stricter, live: &Value, plan: &Value) -> bool {
    match direction {
        Stricter::Is(strict) => {
            let is = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(strict));
            is(live) && !is(plan)
        }
        Stricter::True => live == &Value::Bool(true) && plan != &Value::Bool(true),
        Stricter::Higher => match (number(live), number(plan)) {
            (Some(l), Some(p)) => l > p,
            _ => false,
        },
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// `properties.networkAcls.bypass` → `/properties/networkAcls/bypass`.
fn pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// The path without `properties.`, as the notes name it.
fn short(path: &str) -> &str {
    path.strip_prefix("properties.").unwrap_or(path)
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The note for a kept stricter live value, e.g. `kept: live value is stricter than the plan
/// (publicNetworkAccess Disabled; plan: Enabled) — change it by hand if intended`. Fields Key
/// Vault cannot undo are prefixed `PATH: not reconcilable — `.
pub fn kept_note(field: &GuardedField, live: &Value, plan: &Value) -> String {
    let kept = format!(
        "kept: live value is stricter than the plan ({} {}; plan: {})",
        short(field.path),
        show(live),
        show(plan)
    );
    match field.permanence {
        Permanence::ByHand => format!("{kept} — change it by hand if intended"),
        Permanence::Irreversible => format!(
            "{}: not reconcilable — {kept}; Key Vault cannot turn it off, so kvinit sends \
             nothing for it (set `{}` in the plan to match)",
            field.path, field.plan_setting
        ),
        Permanence::SetOnce => format!(
            "{}: not reconcilable — {kept}; Key Vault fixes it when the vault is created, so \
             kvinit sends nothing for it (set `{}: {}` in the plan to match)",
            field.path,
            field.plan_setting,
            show(live)
        ),
    }
}

fn set_once_refusal(field: &GuardedField, live: &Value, plan: &Value) -> String {
    format!(
        "{} cannot change on an existing vault (live {}, plan {}): Key Vault fixes it at \
         creation; set the plan back to {} or use a new vault name",
        leaf(field.path),
        live,
        plan,
        live
    )
}

/// The refusal of a tenant move; the `az` command names the vault and its resource group from
/// the live body (`name`, `id`), or `NAME`/`RG` when ARM did not return them.
fn tenant_move_refusal(vault: &Value, live: &str, plan: &str) -> String {
    let name = vault.get("name").and_then(Value::as_str).unwrap_or("NAME");
    let group = vault
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| {
            let mut parts = id.split('/');
            parts.find(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
            parts.next()
        })
        .unwrap_or("RG");
    format!(
        "tenantId cannot change on an existing vault (live {live}, plan {plan}): moving a vault \
         to another tenant cuts off every principal that has access to it today, so kvinit does \
         not send it; do it by hand with `az keyvault update --name {name} --resource-group \
         {group} --set properties.tenantId={plan}` after planning access in the new tenant, or use a \
         new vault name"
    )
}

/// The scope part of a role assignment ID (everything before
/// `/providers/Microsoft.Authorization/roleAssignments/`), or `None` when `id` is not one.
pub fn role_assignment_scope(id: &str) -> Option<&str> {
    let marker = "/providers/microsoft.authorization/roleassignments/";
    let at = id.to_ascii_lowercase().rfind(marker)?;
    Some(&id[..at])
}

/// Whether `candidate` (a role assignment body as ARM returns it) grants what the desired role
/// assignment `desired_id`/`desired_body` asks for: the same principal ID and role-definition
/// GUID (case-insensitive) at the same scope.
pub fn is_equivalent_role_assignment(
    desired_id: &str,
    desired_body: &Value,
    candidate: &Value,
) -> bool {
    let prop = |v: &Value, k: &str| {
        v.pointer(&format!("/properties/{k}"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let guid = |role: String| role.rsplit('/').next().unwrap_or_default().to_string();
    let (Some(scope), Some(principal), Some(role)) = (
        role_assignment_scope(desired_id),
        prop(desired_body, "principalId"),
        prop(desired_body, "roleDefinitionId").map(guid),
    ) else {
        return false;
    };
    let candidate_scope = prop(candidate, "scope").or_else(|| {
        candidate
            .get("id")
            .and_then(Value::as_str)
            .and_then(role_assignment_scope)
            .map(str::to_string)
    });
    candidate_scope.is_some_and(|s| s.trim_end_matches('/').eq_ignore_ascii_case(scope))
        && prop(candidate, "principalId").is_some_and(|p| p.eq_ignore_ascii_case(&principal))
        && prop(candidate, "roleDefinitionId")
            .map(guid)
            .is_some_and(|g| g.eq_ignore_ascii_case(&role))
}

/// The note on a role assignment satisfied by one kvinit did not create.
pub fn satisfied_note(name: &str) -> String {
    format!("satisfied by existing role assignment {name} (not created by kvinit)")
}

/// For a desired role assignment that does not exist under kvinit's name: an existing one at the
/// same scope granting the same role to the same principal (observe listed the vault scope with
/// `atScope()`), as its lower-cased ARM resource ID and a `noChange` change carrying
/// [`satisfied_note`]. `None` for anything else. `body` is `desired.body` parsed (the caller
/// parses it once for the whole diff of the resource).
pub fn satisfied_role_assignment(
    desired: &DesiredResource,
    body: &Value,
    live: &LiveState,
) -> Option<(String, ResourceChange)> {
    if desired.kind != ResourceKind::RoleAssignment || live.contains(&desired.id) {
        return None;
    }
    let scope = role_assignment_scope(&desired.id)?;
    let prefix = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/");
    let (id, found) = live
        .with_prefix(&prefix)
        .find(|(_, candidate)| is_equivalent_role_assignment(&desired.id, body, candidate))?;
    let name = found
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_else(|| id.rsplit('/').next().unwrap_or_default());
    Some((
        id.clone(),
        ResourceChange {
            kind: desired.kind,
            id: desired.id.clone(),
            action: Action::NoChange,
            changes: Vec::new(),
            blocked: Vec::new(),
            not_reconcilable: vec![satisfied_note(name)],
            access_policies_stop_applying: Vec::new(),
            provisioning: false,
            read_error: None,
            body: Value::Null,
            fingerprint: super::fingerprint::ABSENT.to_string(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vault_live() -> Value {
        json!({ "properties": {
            "tenantId": "t1", "enableRbacAuthorization": true, "enableSoftDelete": true,
            "softDeleteRetentionInDays": 90, "enablePurgeProtection": true,
            "publicNetworkAccess": "Disabled",
            "networkAcls": { "defaultAction": "Deny", "bypass": "None" } } })
    }

    fn weaker_plan() -> Value {
        json!({ "properties": {
            "tenantId": "t1", "enableRbacAuthorization": false, "enableSoftDelete": false,
            "softDeleteRetentionInDays": 30,
            "publicNetworkAccess": "Enabled",
            "networkAcls": { "defaultAction": "Allow", "bypass": "AzureServices" } } })
    }

    fn all_changes(desired: &Value, live: &Value) -> Vec<FieldChange> {
        GUARDED_FIELDS
            .iter()
            .filter_map(|f| {
                let p = pointer(f.path);
                let after = desired.pointer(&p)?.clone();
                Some(FieldChange {
                    path: f.path.into(),
                    before: live.pointer(&p).cloned(),
                    after,
                })
            })
            .collect()
    }

    #[test]
    fn every_weakening_is_kept_with_a_note_and_the_live_value_stays_in_the_body() {
        let live = vault_live();
        let desired = weaker_plan();
        let mut changes = all_changes(&desired, &live);
        changes.push(FieldChange {
            path: "tags.owner".into(),
            before: Some(json!("a")),
            after: json!("b"),
        });
        let mut body = live.clone();
        super::super::merge::merge_into(&mut body, &desired);
        let g = guard_vault(&desired, &live, &mut changes, &mut body);
        assert!(g.blocked.is_empty(), "{:?}", g.blocked);
        assert_eq!(g.kept.len(), GUARDED_FIELDS.len(), "{:#?}", g.kept);
        assert_eq!(changes.len(), 1, "only the unguarded change is left");
        assert_eq!(body["properties"], live["properties"]);
        assert!(
            g.kept.contains(
                &"kept: live value is stricter than the plan (publicNetworkAccess Disabled; plan: \
              Enabled) — change it by hand if intended"
                    .to_string()
            )
        );
        assert!(g.kept.iter().any(|n| n.starts_with(
            "properties.enablePurgeProtection: not reconcilable — kept: live value is stricter \
             than the plan (enablePurgeProtection true; plan: false)"
        )));
        assert!(
            g.kept
                .iter()
                .any(|n| n.contains("(networkAcls.bypass None; plan: AzureServices)"))
        );
        assert!(
            g.kept
                .iter()
                .any(|n| n.contains("(softDeleteRetentionInDays 90; plan: 30)"))
        );
    }

    #[test]
    fn strengthening_goes_through_except_a_set_once_retention() {
        let live = json!({ "properties": { "publicNetworkAccess": "Enabled",
            "enablePurgeProtection": false, "softDeleteRetentionInDays": 30,
            "networkAcls": { "defaultAction": "allow", "bypass": "AzureServices" } } });
        let desired = json!({ "properties": { "publicNetworkAccess": "Disabled",
            "enablePurgeProtection": true, "softDeleteRetentionInDays": 90,
            "networkAcls": { "defaultAction": "Deny", "bypass": "None" } } });
        let mut changes = all_changes(&desired, &live);
        let before = changes.len();
        let mut body = desired.clone();
        let g = guard_vault(&desired, &live, &mut changes, &mut body);
        assert!(g.kept.is_empty(), "{:?}", g.kept);
        assert_eq!(g.blocked.len(), 1);
        assert!(g.blocked[0].contains("softDeleteRetentionInDays cannot change"));
        assert_eq!(changes.len(), before - 1);
        assert_eq!(body["properties"]["softDeleteRetentionInDays"], 30);
        assert_eq!(body["properties"]["publicNetworkAccess"], "Disabled");
    }

    #[test]
    fn purge_protection_left_out_of_the_plan_is_read_as_off() {
        let live = vault_live();
        let desired = json!({ "properties": {} });
        let mut changes = Vec::new();
        let mut body = live.clone();
        let g = guard_vault(&desired, &live, &mut changes, &mut body);
        assert_eq!(g.kept.len(), 1, "{:?}", g.kept);
        assert!(g.kept[0].starts_with("properties.enablePurgeProtection: not reconcilable"));
        assert_eq!(body["properties"]["enablePurgeProtection"], true);
    }

    #[test]
    fn a_tenant_move_is_blocked_but_a_casing_difference_is_not() {
        let live = json!({ "properties": { "tenantId": "t1" } });
        let mut desired = json!({ "properties": { "tenantId": "T1" } });
        let mut changes = vec![FieldChange {
            path: "properties.tenantId".into(),
            before: Some(json!("t1")),
            after: json!("T1"),
        }];
        let mut body = desired.clone();
        let g = guard_vault(&desired, &live, &mut changes, &mut body);
        assert_eq!(g, Guarded::default());
        assert!(changes.is_empty());
        assert_eq!(body["properties"]["tenantId"], "t1");
        desired["properties"]["tenantId"] = json!("t2");
        let mut changes = vec![FieldChange {
            path: "properties.tenantId".into(),
            before: Some(json!("t1")),
            after: json!("t2"),
        }];
        let mut body = desired.clone();
        let g = guard_vault(&desired, &live, &mut changes, &mut body);
        assert_eq!(g.blocked.len(), 1);
        assert!(
            g.blocked[0].contains("az keyvault update"),
            "{}",
            g.blocked[0]
        );
        assert!(g.blocked[0].contains("live t1, plan t2"));
        assert!(changes.is_empty());
        assert_eq!(body["properties"]["tenantId"], "t1");
    }

    #[test]
    fn an_equivalent_role_assignment_under_another_name_satisfies_the_plan() {
        let vault = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv";
        let desired = DesiredResource {
            kind: ResourceKind::RoleAssignment,
            id: format!("{vault}/providers/Microsoft.Authorization/roleAssignments/mine"),
            api_version: ResourceKind::RoleAssignment.api_version(),
            body: json!({ "properties": {
                "roleDefinitionId": "/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/00482A5A-887F-4FB3-B363-3B7FE8E74483",
                "principalId": "ABC" } })
            .into(),
        };
        let body = desired.body.to_value();
        let mut live = LiveState::new();
        let other = |name: &str, scope: &str, principal: &str| {
            json!({ "id": format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"),
                "name": name, "properties": { "scope": scope.to_ascii_lowercase(),
                "principalId": principal,
                "roleDefinitionId": "/subscriptions/s/providers/microsoft.authorization/roledefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483" } })
        };
        let above = "/subscriptions/S/resourceGroups/RG";
        live.insert(
            &format!("{above}/providers/Microsoft.Authorization/roleAssignments/up"),
            other("up", above, "abc"),
        );
        live.insert(
            &format!("{vault}/providers/Microsoft.Authorization/roleAssignments/else"),
            other("else", vault, "someone-else"),
        );
        assert!(
            satisfied_role_assignment(&desired, &body, &live).is_none(),
            "scope and principal count"
        );
        live.insert(
            &format!("{vault}/providers/Microsoft.Authorization/roleAssignments/portal"),
            other("portal", vault, "abc"),
        );
        let (id, change) = satisfied_role_assignment(&desired, &body, &live).expect("satisfied");
        assert!(id.ends_with("/portal"));
        assert_eq!(change.action, Action::NoChange);
        assert!(!change.is_pending());
        assert_eq!(
            change.not_reconcilable,
            ["satisfied by existing role assignment portal (not created by kvinit)"]
        );
    }
}
