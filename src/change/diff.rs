//! The diff: desired resource × live body → [`ResourceChange`]. Pure. Decides create / update /
//! no change and which changes are blocked because kvinit never weakens or rewrites what ARM
//! cannot change; it must not send anything.

use std::collections::HashSet;

use serde_json::Value;

use super::compare::{is_empty, matches};
use super::findings::{self, CallerAccess, caller_access, unmanaged};
use super::fingerprint;
use super::guard;
use super::live::LiveState;
use super::merge::{read_modify_write, sanitize, set_path};
use super::set::{Action, ChangeSet, FieldChange, ResourceChange, VaultChanges};
use crate::resources::{DesiredResource, DesiredState, ResourceKind};

/// Switches that relax the diff's refusals.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Allow switching an existing vault from access policies to RBAC
    /// (`--allow-permission-model-switch`): existing access-policy grants stop working.
    pub allow_permission_model_switch: bool,
    /// Guarded fields whose weaker plan value may be sent (`--allow-weaken FIELD…`).
    pub allow_weaken: guard::AllowWeaken,
    /// Leave role assignments kvinit created that the plan no longer asks for
    /// (`--keep-revoked-grants`) instead of revoking them.
    pub keep_revoked_grants: bool,
}

/// Diffs every vault of `desired` against `live`, and lists what exists at each vault's scope
/// that the plan does not name (see [`super::findings`]).
pub fn diff_state(desired: &DesiredState, live: &LiveState, options: DiffOptions) -> ChangeSet {
    let vaults = desired
        .vaults
        .iter()
        .map(|v| {
            let desired_ids: HashSet<String> = v
                .resources
                .iter()
                .map(|r| r.id.to_ascii_lowercase())
                .collect();
            let vault_id = v
                .resources
                .iter()
                .find(|r| r.kind == ResourceKind::Vault)
                .map(|r| r.id.clone());
            let caller = vault_id
                .as_deref()
                .map_or(CallerAccess::Unknown, |id| caller_access(id, live));
            // Equivalent role assignments under another name satisfy the plan (see `guard`).
            let mut desired_ids = desired_ids;
            // Role assignments kvinit granted that the plan no longer asks for: revoked (or
            // kept with --keep-revoked-grants), never listed as "not managed".
            let revokes: Vec<ResourceChange> = vault_id
                .as_deref()
                .filter(|id| live.contains(id))
                .map(|id| findings::revoked_grants(id, &desired_ids, live))
                .unwrap_or_default()
                .into_iter()
                .map(|(shown, lower, body)| {
                    desired_ids.insert(lower);
                    revoke(shown, body, options.keep_revoked_grants)
                })
                .collect();
            VaultChanges {
                name: v.name.clone(),
                subscription_id: v.subscription_id.clone(),
                resource_group: v.resource_group.clone(),
                location: v.location.clone(),
                on_soft_deleted: v.on_soft_deleted,
                resources: v
                    .resources
                    .iter()
                    .map(|r| match live.read_error(&r.id) {
                        Some(e) => unreadable(r, e.clone()),
                        None => {
                            // The one parse of this desired body.
                            let body = r.body.to_value();
                            match guard::satisfied_role_assignment(r, &body, live) {
                                Some((existing, change)) => {
                                    desired_ids.insert(existing);
                                    change
                                }
                                None => diff_with(r, body, live.get(&r.id), options, &caller),
                            }
                        }
                    })
                    .chain(revokes)
                    .collect(),
                name_check: None,
                unmanaged: vault_id
                    .filter(|id| live.contains(id))
                    .map(|id| unmanaged(&id, &desired_ids, live))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut set = ChangeSet { vaults };
    for (v, d) in set.vaults.iter_mut().zip(&desired.vaults) {
        hold_grants_while_on_access_policies(v, d, live);
    }
    set
}

/// The reason on a role assignment held back because its vault stays on access policies.
pub const HELD_FOR_SWITCH: &str = "not sent: the vault stays on access policies (its switch to \
     RBAC is refused, see the vault), so this role assignment would grant nothing now and would \
     take effect unseen whenever someone switches the vault; it is written by the apply that \
     switches it";

/// When the plan switches an existing vault from access policies to RBAC and the switch is
/// refused (no `--allow-permission-model-switch`, or the caller lacks the role it needs), the
/// vault's role assignments to create or update are held back (`blocked`, not sent) so the
/// vault and its grants never end up inconsistent; the vault's other allowed fields are still
/// written. Documented in README ("permission model").
fn hold_grants_while_on_access_policies(
    v: &mut VaultChanges,
    d: &crate::resources::DesiredVault,
    live: &LiveState,
) {
    let Some(desired_vault) = d.resources.iter().find(|r| r.kind == ResourceKind::Vault) else {
        return;
    };
    let Some(live_vault) = live.get(&desired_vault.id) else {
        return;
    };
    if !switches_to_rbac(&desired_vault.body.to_value(), live_vault) {
        return;
    }
    let switching = v.vault().is_some_and(|c| {
        c.changes
            .iter()
            .any(|f| f.path == "properties.enableRbacAuthorization")
    });
    if switching {
        return;
    }
    for r in &mut v.resources {
        if r.kind == ResourceKind::RoleAssignment
            && matches!(r.action, Action::Create | Action::Update)
        {
            r.action = Action::Blocked;
            r.blocked = vec![HELD_FOR_SWITCH.to_string()];
        }
    }
}

/// The change for a role assignment kvinit created that the plan no longer asks for: `revoke`,
/// or `noChange` with a note when `keep` (`--keep-revoked-grants`).
fn revoke(id: String, live: &Value, keep: bool) -> ResourceChange {
    let detail = findings::revoked_detail(live);
    ResourceChange {
        kind: ResourceKind::RoleAssignment,
        id,
        action: if keep {
            Action::NoChange
        } else {
            Action::Revoke
        },
        changes: Vec::new(),
        blocked: Vec::new(),
        not_reconcilable: vec![if keep {
            format!("kept (--keep-revoked-grants): {detail}")
        } else {
            format!("revoke: {detail}")
        }],
        access_policies_stop_applying: Vec::new(),
        provisioning: false,
        read_error: None,
        body: Value::Null,
        fingerprint: fingerprint::of(&Value::Null, Some(live), false),
    }
}

/// The change of a resource whose live state is unknown.
pub fn unreadable(desired: &DesiredResource, error: super::live::ReadError) -> ResourceChange {
    ResourceChange {
        kind: desired.kind,
        id: desired.id.clone(),
        action: Action::Unreadable,
        changes: Vec::new(),
        blocked: Vec::new(),
        not_reconcilable: Vec::new(),
        access_policies_stop_applying: Vec::new(),
        provisioning: false,
        read_error: Some(error),
        body: Value::Null,
        fingerprint: String::new(),
    }
}

/// Diffs one resource. `live` is the body GET returned, or `None` when it does not exist. The
/// caller's roles are not known here, so a permission-model switch is checked for consent only.
pub fn diff_resource(
    desired: &DesiredResource,
    live: Option<&Value>,
    options: DiffOptions,
) -> ResourceChange {
    diff_with(
        desired,
        desired.body.to_value(),
        live,
        options,
        &CallerAccess::Unknown,
    )
}

/// Diffs one resource knowing the caller's access at its vault. `wanted` is `desired.body`
/// parsed (by the caller, once); a create sends it as is.
fn diff_with(
    desired: &DesiredResource,
    wanted: Value,
    live: Option<&Value>,
    options: DiffOptions,
    caller: &CallerAccess,
) -> ResourceChange {
    let Some(live) = live else {
        let mut body = wanted;
        sanitize(&mut body);
        return ResourceChange {
            kind: desired.kind,
            id: desired.id.clone(),
            action: Action::Create,
            changes: Vec::new(),
            blocked: Vec::new(),
            not_reconcilable: Vec::new(),
            access_policies_stop_applying: Vec::new(),
            provisioning: false,
            read_error: None,
            body,
            fingerprint: fingerprint::ABSENT.to_string(),
        };
    };
    // Never weaken, never move tenants: each type's guarded fields (see `guard`) turn the
    // plan's body into the one that keeps live's protection, before anything is compared.
    let planned = wanted;
    let mut wanted = planned.clone();
    let guarded = guard::guard(desired.kind, &mut wanted, live, options.allow_weaken);
    let mut changes = Vec::new();
    collect_changes("", "", &wanted, live, &mut changes);
    let mut blocked = guarded.blocked;
    let not_reconcilable = guarded.kept;
    let mut stop_applying = Vec::new();
    let mut body = read_modify_write(live, &wanted);
    if desired.kind == ResourceKind::Vault {
        changes.retain(|c| match refusal(c, live, options, caller) {
            Some(reason) => {
                blocked.push(reason);
                match &c.before {
                    Some(v) => set_path(&mut body, &c.path, v.clone()),
                    None => remove_path(&mut body, &c.path),
                }
                false
            }
            None => true,
        });
        sanitize(&mut body);
        if switches_to_rbac(&wanted, live) {
            stop_applying = live
                .pointer("/properties/accessPolicies")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
        }
    }
    let action = if !changes.is_empty() {
        Action::Update
    } else if !blocked.is_empty() {
        Action::Blocked
    } else {
        Action::NoChange
    };
    ResourceChange {
        kind: desired.kind,
        id: desired.id.clone(),
        action,
        changes,
        blocked,
        not_reconcilable,
        access_policies_stop_applying: stop_applying,
        provisioning: is_provisioning(live),
        read_error: None,
        body: if action == Action::Update {
            body
        } else {
            Value::Null
        },
        fingerprint: fingerprint::of(&planned, Some(live), action == Action::Update),
    }
}

/// Whether the plan turns RBAC on for a vault that uses access policies.
fn switches_to_rbac(desired: &Value, live: &Value) -> bool {
    let wanted = desired
        .pointer("/properties/enableRbacAuthorization")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let live_rbac = live
        .pointer("/properties/enableRbacAuthorization")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    wanted && !live_rbac
}

/// Whether `live` says it is still being provisioned (state present and not terminal).
fn is_provisioning(live: &Value) -> bool {
    live.pointer("/properties/provisioningState")
        .and_then(Value::as_str)
        .is_some_and(|s| {
            !["Succeeded", "Failed", "Canceled"]
                .iter()
                .any(|t| t.eq_ignore_ascii_case(s))
        })
}

/// Why kvinit refuses a vault field change, or `None` when it may be sent.
fn refusal(
    change: &FieldChange,
    live: &Value,
    options: DiffOptions,
    caller: &CallerAccess,
) -> Option<String> {
    // Weakening a guarded field, a set-once field and a tenant move are `guard`'s.
    match change.path.as_str() {
        "properties.enableRbacAuthorization" if change.after == Value::Bool(true) => {
            let live_rbac = live
                .pointer("/properties/enableRbacAuthorization")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if live_rbac {
                return None;
            }
            let policies = live
                .pointer("/properties/accessPolicies")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let role = match caller {
                CallerAccess::Lacks(principal) => Some(format!(
                    "switching the vault from access policies to RBAC needs Owner or User Access \
                     Administrator at the vault's scope (or above); the caller (principal \
                     {principal}) holds neither: have one of these roles assigned to it, or \
                     keep the vault on access policies"
                )),
                _ => None,
            };
            if !options.allow_permission_model_switch {
                let mut reason = format!(
                    "the vault uses access policies ({policies}); switching it to RBAC stops \
                     every access-policy grant: pass --allow-permission-model-switch to switch it"
                );
                if let Some(role) = role {
                    reason.push_str("; also, ");
                    reason.push_str(&role);
                }
                return Some(reason);
            }
            role
        }
        _ => None,
    }
}

fn remove_path(body: &mut Value, path: &str) {
    let (parent, leaf) = match path.rsplit_once('.') {
        Some((p, l)) => (Some(p), l),
        None => (None, path),
    };
    let target = match parent {
        Some(p) => body.pointer_mut(&format!("/{}", p.replace('.', "/"))),
        None => Some(body),
    };
    if let Some(Value::Object(map)) = target {
        map.remove(leaf);
    }
}

/// Walks the desired body; every object key recurses, every array or scalar that does not
/// match its live counterpart becomes one [`FieldChange`].
fn collect_changes(
    path: &str,
    key: &str,
    desired: &Value,
    live: &Value,
    out: &mut Vec<FieldChange>,
) {
    match desired {
        Value::Object(d) => {
            for (k, dv) in d {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match live.get(k) {
                    Some(lv) if !lv.is_null() => collect_changes(&child, k, dv, lv, out),
                    _ if is_empty(dv) => {}
                    _ => out.push(FieldChange {
                        path: child,
                        before: None,
                        after: dv.clone(),
                    }),
                }
            }
        }
        _ => {
            if !matches(key, desired, live) {
                out.push(FieldChange {
                    path: path.to_string(),
                    before: Some(live.clone()),
                    after: desired.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vault(body: Value) -> DesiredResource {
        DesiredResource {
            kind: ResourceKind::Vault,
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a"
                .into(),
            api_version: ResourceKind::Vault.api_version(),
            body: body.into(),
        }
    }

    fn desired_vault() -> DesiredResource {
        vault(desired_vault_body())
    }

    fn desired_vault_body() -> Value {
        json!({
            "location": "westeurope",
            "tags": { "owner": "platform" },
            "properties": {
                "tenantId": "t", "sku": { "family": "A", "name": "standard" },
                "enableRbacAuthorization": true, "enableSoftDelete": true,
                "softDeleteRetentionInDays": 90, "enablePurgeProtection": true,
                "networkAcls": { "defaultAction": "Deny", "bypass": "AzureServices",
                    "ipRules": [{ "value": "203.0.113.4" }], "virtualNetworkRules": [] }
            }
        })
    }

    #[test]
    fn absent_is_create_with_the_desired_body() {
        let c = diff_resource(&desired_vault(), None, DiffOptions::default());
        assert_eq!(c.action, Action::Create);
        assert_eq!(c.body["properties"]["softDeleteRetentionInDays"], 90);
    }

    #[test]
    fn live_as_arm_returns_it_is_no_change() {
        let mut live = desired_vault_body();
        live["id"] =
            json!("/SUBSCRIPTIONS/s/resourcegroups/rg/providers/Microsoft.KeyVault/vaults/kv-a");
        live["properties"]["provisioningState"] = json!("Succeeded");
        live["properties"]["sku"]["name"] = json!("Standard");
        live["properties"]["networkAcls"]["ipRules"] = json!([{ "value": "203.0.113.4/32" }]);
        live["tags"]["other"] = json!("kept");
        let c = diff_resource(&desired_vault(), Some(&live), DiffOptions::default());
        assert_eq!(c.action, Action::NoChange, "{:?}", c.changes);
    }

    #[test]
    fn retention_change_is_blocked_and_kept_live_while_others_update() {
        let mut live = desired_vault_body();
        live["properties"]["softDeleteRetentionInDays"] = json!(30);
        live["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
        live["properties"]["accessPolicies"] = json!([{ "objectId": "o" }]);
        let c = diff_resource(&desired_vault(), Some(&live), DiffOptions::default());
        assert_eq!(c.action, Action::Update);
        assert_eq!(c.blocked.len(), 1);
        assert!(c.blocked[0].contains("softDeleteRetentionInDays"));
        assert_eq!(c.body["properties"]["softDeleteRetentionInDays"], 30);
        assert_eq!(c.body["properties"]["networkAcls"]["defaultAction"], "Deny");
        assert_eq!(c.body["properties"]["accessPolicies"][0]["objectId"], "o");
        assert_eq!(c.changes.len(), 1);
        assert_eq!(c.changes[0].path, "properties.networkAcls.defaultAction");
    }

    #[test]
    fn switching_to_rbac_needs_the_flag() {
        let mut live = desired_vault_body();
        live["properties"]["enableRbacAuthorization"] = json!(false);
        live["properties"]["accessPolicies"] = json!([{ "objectId": "o", "tenantId": "t",
            "permissions": { "secrets": ["get"] } }]);
        let c = diff_resource(&desired_vault(), Some(&live), DiffOptions::default());
        assert_eq!(c.action, Action::Blocked);
        assert_eq!(c.blocked.len(), 1);
        assert!(c.blocked[0].contains("--allow-permission-model-switch"));
        assert_eq!(c.body, Value::Null);
        assert_eq!(c.access_policies_stop_applying[0]["objectId"], "o");
        let allowed = DiffOptions {
            allow_permission_model_switch: true,
            ..DiffOptions::default()
        };
        let c = diff_resource(&desired_vault(), Some(&live), allowed);
        assert_eq!(c.action, Action::Update);
    }

    #[test]
    fn the_caller_needs_owner_or_user_access_administrator_even_with_the_flag() {
        let mut live = desired_vault_body();
        live["properties"]["enableRbacAuthorization"] = json!(false);
        let allowed = DiffOptions {
            allow_permission_model_switch: true,
            ..DiffOptions::default()
        };
        let lacks = CallerAccess::Lacks("me".into());
        let c = diff_with(
            &desired_vault(),
            desired_vault_body(),
            Some(&live),
            allowed,
            &lacks,
        );
        assert_eq!(c.action, Action::Blocked);
        assert!(
            c.blocked[0].contains("needs Owner or User Access Administrator"),
            "{:?}",
            c.blocked
        );
        assert!(c.blocked[0].contains("principal me"));
        let holds = CallerAccess::Holds("Owner");
        let c = diff_with(
            &desired_vault(),
            desired_vault_body(),
            Some(&live),
            allowed,
            &holds,
        );
        assert_eq!(c.action, Action::Update);
        assert_eq!(c.body["properties"]["enableRbacAuthorization"], true);
        let c = diff_with(
            &desired_vault(),
            desired_vault_body(),
            Some(&live),
            DiffOptions::default(),
            &lacks,
        );
        assert!(c.blocked[0].contains("--allow-permission-model-switch"));
        assert!(c.blocked[0].contains("needs Owner or User Access Administrator"));
    }

    #[test]
    fn purge_protection_on_while_the_plan_says_off_is_a_note_not_a_change() {
        let mut body = desired_vault_body();
        body["properties"]
            .as_object_mut()
            .unwrap()
            .remove("enablePurgeProtection");
        let desired = vault(body);
        let live = desired_vault_body();
        let c = diff_resource(&desired, Some(&live), DiffOptions::default());
        assert_eq!(c.action, Action::NoChange);
        assert!(!c.is_pending());
        assert_eq!(c.not_reconcilable.len(), 1);
        assert!(c.not_reconcilable[0].contains("not reconcilable"));
        // And when something else is updated, the body keeps it on.
        let mut live = live;
        live["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
        let c = diff_resource(&desired, Some(&live), DiffOptions::default());
        assert_eq!(c.action, Action::Update);
        assert_eq!(c.body["properties"]["enablePurgeProtection"], true);
    }

    #[test]
    fn unset_fields_are_server_defaults_and_read_only_fields_come_from_live() {
        let mut live = desired_vault_body();
        live["properties"]["enabledForDeployment"] = json!(true);
        live["properties"]["vaultUri"] = json!("https://kv-a.vault.azure.net/");
        live["properties"]["provisioningState"] = json!("Succeeded");
        live["systemData"] = json!({ "createdBy": "x" });
        live["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
        let c = diff_resource(&desired_vault(), Some(&live), DiffOptions::default());
        assert_eq!(c.changes.len(), 1, "{:?}", c.changes);
        assert_eq!(c.body["properties"]["enabledForDeployment"], true);
        assert!(c.body.get("systemData").is_none());
        assert!(c.body["properties"].get("provisioningState").is_none());
        assert!(c.fingerprint.starts_with("sha256:"));
    }

    #[test]
    fn a_vault_still_provisioning_is_flagged_so_dependents_wait() {
        let mut live = desired_vault_body();
        live["properties"]["provisioningState"] = json!("RegisteringDns");
        let c = diff_resource(&desired_vault(), Some(&live), DiffOptions::default());
        assert_eq!(c.action, Action::NoChange);
        assert!(c.provisioning);
        live["properties"]["provisioningState"] = json!("Succeeded");
        assert!(!diff_resource(&desired_vault(), Some(&live), DiffOptions::default()).provisioning);
    }

    #[test]
    fn a_refused_switch_to_rbac_holds_the_vaults_role_assignments_back() {
        use crate::model::settings::OnSoftDeleted;
        use crate::resources::DesiredVault;
        let vault = desired_vault();
        let ra = DesiredResource {
            kind: ResourceKind::RoleAssignment,
            id: format!(
                "{}/providers/Microsoft.Authorization/roleAssignments/r1",
                vault.id
            ),
            api_version: ResourceKind::RoleAssignment.api_version(),
            body: json!({ "properties": { "principalId": "p", "roleDefinitionId": "x/r" } }).into(),
        };
        let state = DesiredState {
            vaults: vec![DesiredVault {
                name: "kv-a".into(),
                app: "a".into(),
                environment: "dev".into(),
                region: "weu".into(),
                location: "westeurope".into(),
                subscription_id: "s".into(),
                resource_group: "rg".into(),
                on_soft_deleted: OnSoftDeleted::Fail,
                resources: vec![vault.clone(), ra],
            }],
        };
        let mut live_vault = desired_vault_body();
        live_vault["properties"]["enableRbacAuthorization"] = json!(false);
        live_vault["tags"]["owner"] = json!("someone-else");
        let mut live = LiveState::new();
        live.insert(&vault.id, live_vault);
        // Without consent: the switch is refused, the tag is still written, the grant held.
        let c = diff_state(&state, &live, DiffOptions::default());
        let v = &c.vaults[0];
        assert_eq!(v.resources[0].action, Action::Update);
        assert_eq!(
            v.resources[0].changes.len(),
            1,
            "{:?}",
            v.resources[0].changes
        );
        assert_eq!(v.resources[1].action, Action::Blocked);
        assert_eq!(v.resources[1].blocked, [HELD_FOR_SWITCH]);
        // With consent (caller's roles unknown here): the switch and the grant both go.
        let allowed = DiffOptions {
            allow_permission_model_switch: true,
            ..DiffOptions::default()
        };
        let c = diff_state(&state, &live, allowed);
        assert_eq!(c.vaults[0].resources[1].action, Action::Create);
    }
}
