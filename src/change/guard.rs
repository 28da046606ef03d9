//! What kvinit refuses to do to an existing resource: weaken a protective control (each type's
//! guarded fields in its descriptor: the vault's network, RBAC, purge protection, soft delete and
//! retention; the diagnostic setting's logs and metrics; an alert's `enabled` and threshold),
//! move a vault to another tenant (its blocked fields), or create a second role assignment for a
//! grant that already exists under another name. Pure: it rewrites the plan's body before the
//! diff; it must not fetch or send anything.
//!
//! One rule for every protective control (issue 11): when live state is *stricter* than the
//! plan, the live value is kept in the body that is diffed and sent (read-modify-write), the
//! field is not a pending change, and a note says so (`kept: live value is stricter than the
//! plan (…)`); the resource does not fail for it. `--allow-weaken FIELD` lets the plan's weaker
//! value through for a field a person can undo ([`Permanence::ByHand`]); purge protection, soft
//! delete and the retention are never sent weaker.

use serde_json::Value;

use super::compare::{matches, normalize_network};
use super::live::LiveState;
use super::merge::set_path;
use super::set::{Action, ResourceChange};
use crate::resources::{DesiredResource, ResourceKind};

pub use crate::resources::vault::{BLOCKED_FIELDS, GUARDED_FIELDS};
pub use crate::resources::{AllowWeaken, GuardedField, Permanence, Stricter};

/// What the guard did to one resource's diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guarded {
    /// Notes for fields whose stricter live value was kept (not pending).
    pub kept: Vec<String>,
    /// Refusals: the plan cannot be met on this resource (pending, nothing sent for the field).
    pub blocked: Vec<String>,
}

/// Applies the type's guarded fields (its descriptor's `guarded_fields`) and blocked fields to
/// the plan's body `wanted` of an existing resource, before it is diffed against `live`: every
/// field where the plan is weaker than live is set to what keeps live's protection (the live
/// value; for arrays, the plan's entries plus what it drops or minus what it would open) unless
/// `allow` names it, so the diff sees no change there, the read-modify-write body carries the
/// stricter value, and a note says so. One rule for every protective control and every type.
pub fn guard(kind: ResourceKind, wanted: &mut Value, live: &Value, allow: AllowWeaken) -> Guarded {
    let mut out = Guarded::default();
    let descriptor = kind.descriptor();
    for field in descriptor.guarded_fields {
        let pointer = pointer(field.path);
        let Some(live_value) = live.pointer(&pointer).filter(|v| !v.is_null()) else {
            continue;
        };
        let Some(plan_value) = wanted
            .pointer(&pointer)
            .cloned()
            .or_else(|| field.plan_absent.map(Value::Bool))
        else {
            continue;
        };
        match field.stricter {
            Stricter::Superset | Stricter::Subset => {
                let Some(kept) = kept_entries(field.stricter, live_value, &plan_value) else {
                    continue;
                };
                if allow.allows(field) {
                    continue;
                }
                out.kept
                    .push(kept_set_note(field, live_value, &plan_value, &kept));
                set_pointer(wanted, &pointer, kept);
            }
            direction => {
                let stricter = if direction == Stricter::AlertThreshold {
                    threshold_is_stricter(field.path, live, live_value, &plan_value)
                } else {
                    live_is_stricter(direction, live_value, &plan_value)
                };
                if stricter {
                    if allow.allows(field) {
                        continue;
                    }
                    out.kept.push(kept_note(field, live_value, &plan_value));
                } else if field.permanence == Permanence::SetOnce
                    && !matches(leaf(field.path), &plan_value, live_value)
                {
                    out.blocked
                        .push(set_once_refusal(field, live_value, &plan_value));
                } else {
                    continue;
                }
                set_pointer(wanted, &pointer, live_value.clone());
            }
        }
    }
    for path in descriptor.blocked_fields {
        let pointer = pointer(path);
        let (Some(Value::String(live_value)), Some(Value::String(plan_value))) =
            (live.pointer(&pointer), wanted.pointer(&pointer))
        else {
            continue;
        };
        if !live_value.eq_ignore_ascii_case(plan_value) {
            out.blocked
                .push(tenant_move_refusal(live, live_value, plan_value));
        }
        // A casing difference is the same GUID: nothing to send either way.
        let live_value = Value::String(live_value.clone());
        set_pointer(wanted, &pointer, live_value);
    }
    out
}

/// Sets `value` at JSON pointer `pointer` in `body`, creating objects on the way (an existing
/// array is indexed by a numeric segment).
fn set_pointer(body: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = body.pointer_mut(pointer) {
        *slot = value;
        return;
    }
    let dotted = pointer.trim_start_matches('/').replace('/', ".");
    set_path(body, &dotted, value);
}

/// Whether a metric alert criterion's live `threshold` fires sooner than the plan's: the
/// criterion's live `operator` says which way (see [`Stricter::AlertThreshold`]).
fn threshold_is_stricter(path: &str, live: &Value, live_value: &Value, plan: &Value) -> bool {
    let operator_path = format!(
        "{}/operator",
        pointer(path.rsplit_once('.').map_or(path, |(p, _)| p))
    );
    let (Some(l), Some(p)) = (number(live_value), number(plan)) else {
        return false;
    };
    match live.pointer(&operator_path).and_then(Value::as_str) {
        Some(op) if op.starts_with("Less") => l > p,
        Some(op) if op.starts_with("Greater") => l < p,
        _ => false,
    }
}

/// The identity of one array entry of a set-valued guarded field, or `None` for an entry that
/// grants or records nothing (`enabled: false`). Addresses are CIDR networks (`1.2.3.4` is
/// `1.2.3.4/32`); IDs and categories compare case-insensitively.
fn entry(v: &Value) -> Option<Entry> {
    if v.get("enabled") == Some(&Value::Bool(false)) {
        return None;
    }
    for key in ["category", "categoryGroup", "id"] {
        if let Some(s) = v.get(key).and_then(Value::as_str) {
            return Some(Entry::Named(key, s.to_ascii_lowercase()));
        }
    }
    let value = v.get("value").and_then(Value::as_str)?;
    Some(match normalize_network(value) {
        Some(net) => Entry::Network(net),
        None => Entry::Named("value", value.to_ascii_lowercase()),
    })
}

#[derive(Debug, PartialEq)]
enum Entry {
    Named(&'static str, String),
    Network(ipnet::IpNet),
}

impl Entry {
    /// Whether every source this entry allows, `other` allows too.
    fn covered_by(&self, other: &Entry) -> bool {
        match (self, other) {
            (Entry::Network(a), Entry::Network(b)) => b.contains(a),
            (a, b) => a == b,
        }
    }
}

/// For a set-valued guarded field: the value that keeps live's protection when the plan is
/// weaker (see [`Stricter::Superset`], [`Stricter::Subset`]), or `None` when the plan is not
/// weaker. When keeping the dropped entries would mix a category group and a category in one
/// diagnostic setting (which ARM rejects), the live value is kept whole.
fn kept_entries(direction: Stricter, live: &Value, plan: &Value) -> Option<Value> {
    let live_items = live.as_array()?;
    let plan_items: Vec<Value> = plan.as_array().cloned().unwrap_or_default();
    let plan_entries: Vec<Option<Entry>> = plan_items.iter().map(entry).collect();
    match direction {
        Stricter::Superset => {
            let dropped: Vec<&Value> = live_items
                .iter()
                .filter(|l| {
                    entry(l).is_some_and(|e| !plan_entries.iter().flatten().any(|p| *p == e))
                })
                .collect();
            if dropped.is_empty() {
                return None;
            }
            let mut kept: Vec<Value> = plan_items
                .iter()
                .zip(&plan_entries)
                .filter(|(_, e)| e.is_some())
                .map(|(v, _)| v.clone())
                .collect();
            kept.extend(dropped.into_iter().cloned());
            let forms = |items: &[Value], key: &str| items.iter().any(|v| v.get(key).is_some());
            if forms(&kept, "category") && forms(&kept, "categoryGroup") {
                return Some(live.clone());
            }
            Some(Value::Array(kept))
        }
        Stricter::Subset => {
            let live_entries: Vec<Entry> = live_items.iter().filter_map(entry).collect();
            let opens = |e: &Option<Entry>| {
                e.as_ref()
                    .is_some_and(|e| !live_entries.iter().any(|l| e.covered_by(l)))
            };
            if !plan_entries.iter().any(opens) {
                return None;
            }
            // The plan's entries live allows, plus the live entries a widened plan entry
            // stands for (a /32 the plan turns into a /24 stays the /32).
            let widened: Vec<&Entry> = plan_entries.iter().filter(|e| opens(e)).flatten().collect();
            let mut kept: Vec<Value> = plan_items
                .iter()
                .zip(&plan_entries)
                .filter(|(_, e)| !opens(e))
                .map(|(v, _)| v.clone())
                .collect();
            for l in live_items {
                let narrower = entry(l).is_some_and(|e| widened.iter().any(|w| e.covered_by(w)));
                let already =
                    entry(l).is_some_and(|e| kept.iter().any(|k| entry(k).as_ref() == Some(&e)));
                if narrower && !already {
                    kept.push(l.clone());
                }
            }
            Some(Value::Array(kept))
        }
        _ => None,
    }
}

/// The note for a set-valued field kept stricter than the plan, e.g. `kept: live value is
/// stricter than the plan (diagnostics.logs: the plan drops AuditEvent; live keeps it) — pass
/// --allow-weaken diagnostics.logs to send the plan's value`.
fn kept_set_note(field: &GuardedField, live: &Value, plan: &Value, kept: &Value) -> String {
    let label = |v: &Value| {
        ["category", "categoryGroup", "value", "id"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .unwrap_or("?")
            .to_string()
    };
    let list = |items: Vec<String>| items.join(", ");
    let (live_items, plan_items, kept_items) = (
        live.as_array().cloned().unwrap_or_default(),
        plan.as_array().cloned().unwrap_or_default(),
        kept.as_array().cloned().unwrap_or_default(),
    );
    let what = match field.stricter {
        Stricter::Superset => {
            let dropped: Vec<String> = kept_items
                .iter()
                .filter(|k| !plan_items.contains(k))
                .map(label)
                .collect();
            format!("the plan drops {}; live keeps it enabled", list(dropped))
        }
        _ => {
            let opened: Vec<String> = plan_items
                .iter()
                .filter(|p| !kept_items.contains(p))
                .map(label)
                .collect();
            format!(
                "the plan adds {}, which live does not allow ({} live); not sent",
                list(opened),
                live_items.len()
            )
        }
    };
    format!(
        "kept: live value is stricter than the plan ({}: {what}) — pass --allow-weaken {} to          send the plan's value",
        field.name, field.name
    )
}

/// Whether `live` is stricter than `plan` in `direction`.
pub fn live_is_stricter(direction: Stricter, live: &Value, plan: &Value) -> bool {
    match direction {
        Stricter::Is(strict) => {
            let is = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(strict));
            is(live) && !is(plan)
        }
        Stricter::AlertThreshold | Stricter::Superset | Stricter::Subset => false,
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

    fn vault_guard(desired: &Value, live: &Value) -> (Guarded, Value) {
        let mut wanted = desired.clone();
        let g = guard(
            ResourceKind::Vault,
            &mut wanted,
            live,
            AllowWeaken::default(),
        );
        (g, wanted)
    }

    #[test]
    fn every_weakening_is_kept_with_a_note_and_the_live_value_stays_in_the_body() {
        let mut live = vault_live();
        live["properties"]["networkAcls"]["ipRules"] = json!([{ "value": "203.0.113.4/32" }]);
        let mut desired = weaker_plan();
        // Widened: a /24 where live allows one address.
        desired["properties"]["networkAcls"]["ipRules"] = json!([{ "value": "203.0.113.0/24" }]);
        desired["tags"] = json!({ "owner": "b" });
        let (g, wanted) = vault_guard(&desired, &live);
        assert!(g.blocked.is_empty(), "{:?}", g.blocked);
        // Every guarded field but virtualNetworkRules (not live) is kept.
        assert_eq!(g.kept.len(), GUARDED_FIELDS.len() - 1, "{:#?}", g.kept);
        assert_eq!(
            wanted["properties"], live["properties"],
            "the widened rule is not sent"
        );
        assert_eq!(wanted["tags"]["owner"], "b", "unguarded fields go through");
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
        assert!(
            g.kept.iter().any(|n| n.contains(
                "(networkAcls.ipRules: the plan adds 203.0.113.0/24, which live does not allow"
            )),
            "{:#?}",
            g.kept
        );
    }

    #[test]
    fn allow_weaken_lets_a_named_by_hand_field_through_but_never_purge_protection() {
        let live = vault_live();
        let desired = weaker_plan();
        let allow =
            AllowWeaken::parse(&["publicNetworkAccess", "networkAcls.defaultAction"]).unwrap();
        let mut wanted = desired.clone();
        let g = guard(ResourceKind::Vault, &mut wanted, &live, allow);
        assert_eq!(wanted["properties"]["publicNetworkAccess"], "Enabled");
        assert_eq!(
            wanted["properties"]["networkAcls"]["defaultAction"],
            "Allow"
        );
        assert_eq!(wanted["properties"]["networkAcls"]["bypass"], "None");
        assert_eq!(wanted["properties"]["enablePurgeProtection"], true);
        assert_eq!(g.kept.len(), 5, "{:#?}", g.kept);
        let err = AllowWeaken::parse(&["enablePurgeProtection"]).unwrap_err();
        assert!(err.contains("never sends it weaker"), "{err}");
        let err = AllowWeaken::parse(&["nonsense"]).unwrap_err();
        assert!(err.contains("accepted names: publicNetworkAccess"), "{err}");
    }

    #[test]
    fn dropped_logs_and_metrics_stay_and_additions_go_through() {
        let live = json!({ "properties": { "workspaceId": "w",
            "logs": [{ "category": "AuditEvent", "enabled": true }],
            "metrics": [{ "category": "AllMetrics", "enabled": true }] } });
        let desired = json!({ "properties": { "workspaceId": "w",
            "logs": [{ "category": "AzurePolicyEvaluationDetails", "enabled": true }],
            "metrics": [] } });
        let mut wanted = desired.clone();
        let g = guard(
            ResourceKind::DiagnosticSetting,
            &mut wanted,
            &live,
            AllowWeaken::default(),
        );
        assert_eq!(
            wanted["properties"]["logs"],
            json!([{ "category": "AzurePolicyEvaluationDetails", "enabled": true },
                { "category": "AuditEvent", "enabled": true }])
        );
        assert_eq!(
            wanted["properties"]["metrics"],
            live["properties"]["metrics"]
        );
        assert_eq!(g.kept.len(), 2);
        assert!(g.kept[0].contains("diagnostics.logs: the plan drops AuditEvent"));
        // A category group live and a category in the plan: ARM rejects the mix, keep live.
        let live =
            json!({ "properties": { "logs": [{ "categoryGroup": "audit", "enabled": true }] } });
        let mut wanted =
            json!({ "properties": { "logs": [{ "category": "AuditEvent", "enabled": true }] } });
        guard(
            ResourceKind::DiagnosticSetting,
            &mut wanted,
            &live,
            AllowWeaken::default(),
        );
        assert_eq!(wanted["properties"]["logs"], live["properties"]["logs"]);
    }

    #[test]
    fn an_alert_threshold_that_fires_later_or_a_disabled_alert_is_kept() {
        let body = |op: &str, threshold: f64, enabled: bool| {
            json!({ "properties": { "enabled": enabled, "criteria": { "allOf": [
                { "operator": op, "threshold": threshold } ] } } })
        };
        for (op, live_t, weaker, stricter) in [
            ("GreaterThan", 80.0, 90.0, 70.0),
            ("LessThan", 99.0, 95.0, 99.9),
        ] {
            let live = body(op, live_t, true);
            let mut wanted = body(op, weaker, false);
            let g = guard(
                ResourceKind::MetricAlert,
                &mut wanted,
                &live,
                AllowWeaken::default(),
            );
            assert_eq!(wanted, live, "{op}");
            assert_eq!(g.kept.len(), 2, "{op}: {:?}", g.kept);
            let mut wanted = body(op, stricter, true);
            let g = guard(
                ResourceKind::MetricAlert,
                &mut wanted,
                &live,
                AllowWeaken::default(),
            );
            assert!(g.kept.is_empty(), "{op}: a stricter threshold goes through");
            assert_eq!(wanted, body(op, stricter, true));
        }
    }

    #[test]
    fn strengthening_goes_through_except_a_set_once_retention() {
        let live = json!({ "properties": { "publicNetworkAccess": "Enabled",
            "enablePurgeProtection": false, "softDeleteRetentionInDays": 30,
            "networkAcls": { "defaultAction": "allow", "bypass": "AzureServices",
                "ipRules": [{ "value": "203.0.113.0/24" }, { "value": "198.51.100.7" }] } } });
        let desired = json!({ "properties": { "publicNetworkAccess": "Disabled",
            "enablePurgeProtection": true, "softDeleteRetentionInDays": 90,
            "networkAcls": { "defaultAction": "Deny", "bypass": "None",
                "ipRules": [{ "value": "203.0.113.4" }] } } });
        let (g, wanted) = vault_guard(&desired, &live);
        assert!(g.kept.is_empty(), "{:?}", g.kept);
        assert_eq!(g.blocked.len(), 1);
        assert!(g.blocked[0].contains("softDeleteRetentionInDays cannot change"));
        let mut expected = desired.clone();
        expected["properties"]["softDeleteRetentionInDays"] = json!(30);
        assert_eq!(wanted, expected);
    }

    #[test]
    fn purge_protection_left_out_of_the_plan_is_read_as_off() {
        let live = vault_live();
        let desired = json!({ "properties": {} });
        let (g, wanted) = vault_guard(&desired, &live);
        assert_eq!(g.kept.len(), 1, "{:?}", g.kept);
        assert!(g.kept[0].starts_with("properties.enablePurgeProtection: not reconcilable"));
        assert_eq!(wanted["properties"]["enablePurgeProtection"], true);
    }

    #[test]
    fn a_tenant_move_is_blocked_but_a_casing_difference_is_not() {
        let live = json!({ "properties": { "tenantId": "t1" } });
        let mut desired = json!({ "properties": { "tenantId": "T1" } });
        let (g, wanted) = vault_guard(&desired, &live);
        assert_eq!(g, Guarded::default());
        assert_eq!(wanted["properties"]["tenantId"], "t1");
        desired["properties"]["tenantId"] = json!("t2");
        let (g, wanted) = vault_guard(&desired, &live);
        assert_eq!(g.blocked.len(), 1);
        assert!(
            g.blocked[0].contains("az keyvault update"),
            "{}",
            g.blocked[0]
        );
        assert!(g.blocked[0].contains("live t1, plan t2"));
        assert_eq!(wanted["properties"]["tenantId"], "t1");
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
