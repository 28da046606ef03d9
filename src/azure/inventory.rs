//! Reads for `kvinit audit`: every vault in the given subscriptions (one list per subscription)
//! or the vaults a plan names, each with its diagnostic settings (one list per vault), the role
//! assignments at its scope (one `atScope()` list per vault, kept when their scope is the vault
//! itself), the metric alerts and activity log alerts that target it (one list of each per
//! subscription, or per resource group where ARM offers no subscription list) and the action
//! groups those alerts notify (one GET each). Each list's path, `$filter` and api-version are its
//! type's descriptor's (`crate::resources`). Every request goes through the run's clients, so
//! it is retried, paced and counted like any other. It must not write anything or judge what it
//! reads (the rules do).

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::arm::client::ArmClient;
use super::error::AzureError;
use super::ids::ArmId;
use super::observe::{OBSERVE_CONCURRENCY, get};
use crate::audit::{Observed, ObservedVault};
use crate::model::desired::ResourceKind;
use crate::resources::Read;

/// Which vaults to read.
#[derive(Debug, Clone, Default)]
pub struct InventoryScope {
    /// Subscriptions whose every vault is read.
    pub subscriptions: Vec<String>,
    /// ARM resource IDs of vaults a plan names (read when they exist, else reported not found).
    pub planned_vaults: Vec<String>,
}

/// Reads every vault of `scope` with its children. Fails with the first ARM error (after
/// retries); a 404 on an action group only leaves it out (KV-ALERT then reports it missing).
pub async fn read(clients: &ArmClient, scope: &InventoryScope) -> Result<Observed, AzureError> {
    // 1. One vault list per subscription (explicit ones and the plan's).
    let mut subs: BTreeMap<String, String> = BTreeMap::new();
    for s in &scope.subscriptions {
        subs.entry(s.to_ascii_lowercase())
            .or_insert_with(|| s.clone());
    }
    for id in &scope.planned_vaults {
        if let Some(s) = ArmId::parse(id)?.subscription_id {
            subs.entry(s.to_ascii_lowercase()).or_insert(s);
        }
    }
    let listed: Vec<(String, Vec<Value>)> = futures::stream::iter(subs)
        .map(|(key, sub)| async move {
            let vaults = list(clients, ResourceKind::Vault, &sub, "").await?;
            Ok::<_, AzureError>((key, vaults))
        })
        .buffer_unordered(OBSERVE_CONCURRENCY)
        .try_collect()
        .await?;

    // 2. Select: everything in an explicit subscription, plus the planned vaults found.
    let explicit: BTreeSet<String> = scope
        .subscriptions
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let planned: BTreeSet<String> = scope
        .planned_vaults
        .iter()
        .map(|v| v.to_ascii_lowercase())
        .collect();
    let mut selected: BTreeMap<String, Value> = BTreeMap::new();
    for (sub, vaults) in listed {
        for v in vaults {
            let Some(id) = v.get("id").and_then(Value::as_str) else {
                continue;
            };
            let key = id.to_ascii_lowercase();
            if explicit.contains(&sub) || planned.contains(&key) {
                selected.entry(key).or_insert(v);
            }
        }
    }
    let not_found: Vec<String> = scope
        .planned_vaults
        .iter()
        .filter(|v| !selected.contains_key(&v.to_ascii_lowercase()))
        .cloned()
        .collect();

    // 3. Per vault: diagnostic settings and role assignments at its scope.
    let vault_ids: Vec<String> = selected
        .values()
        .filter_map(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    let children: Vec<(String, Vec<Value>, Vec<Value>)> = futures::stream::iter(vault_ids.clone())
        .map(|id| async move {
            let diagnostics = list(clients, ResourceKind::DiagnosticSetting, "", &id).await?;
            let assignments = list(clients, ResourceKind::RoleAssignment, "", &id)
                .await?
                .into_iter()
                .filter(|ra| {
                    ra.pointer("/properties/scope")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case(&id))
                })
                .collect();
            Ok::<_, AzureError>((id, diagnostics, assignments))
        })
        .buffer_unordered(OBSERVE_CONCURRENCY)
        .try_collect()
        .await?;

    // 4. Alerts that may target the vaults.
    let metric_alerts = list_alerts(clients, &vault_ids, ResourceKind::MetricAlert).await?;
    let activity_alerts = list_alerts(clients, &vault_ids, ResourceKind::ActivityLogAlert).await?;

    let mut vaults = Vec::new();
    for (id, diagnostics, assignments) in children {
        let body = selected
            .remove(&id.to_ascii_lowercase())
            .unwrap_or(Value::Null);
        vaults.push(ObservedVault {
            metric_alerts: metric_alerts
                .iter()
                .filter(|a| metric_alert_targets(a, &id))
                .cloned()
                .collect(),
            activity_log_alerts: activity_alerts
                .iter()
                .filter(|a| activity_alert_targets(a, &id))
                .cloned()
                .collect(),
            id,
            body,
            role_assignments: assignments,
            diagnostic_settings: diagnostics,
        });
    }
    vaults.sort_by_key(|v| v.id.to_ascii_lowercase());

    // 5. The action groups those alerts notify.
    let mut group_ids: BTreeMap<String, String> = BTreeMap::new();
    for v in &vaults {
        let from_metric = v.metric_alerts.iter().flat_map(|a| {
            a.pointer("/properties/actions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        });
        let from_activity = v.activity_log_alerts.iter().flat_map(|a| {
            a.pointer("/properties/actions/actionGroups")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        });
        for action in from_metric.chain(from_activity) {
            if let Some(g) = action.get("actionGroupId").and_then(Value::as_str) {
                group_ids
                    .entry(g.to_ascii_lowercase())
                    .or_insert_with(|| g.to_string());
            }
        }
    }
    let action_groups: Vec<(String, Value)> = futures::stream::iter(group_ids.into_values())
        .map(|id| async move {
            let body = get(clients, ResourceKind::ActionGroup, &id).await?;
            Ok::<_, AzureError>(body.map(|b| (id, b)))
        })
        .buffer_unordered(OBSERVE_CONCURRENCY)
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .flatten()
        .collect();

    Ok(Observed {
        vaults,
        action_groups,
        not_found,
    })
}

/// The list the read phase uses for `kind` (its descriptor's `read`: in subscription `sub`, or
/// under the vault `vault_id`), with its `$filter`, at the kind's api-version.
///
/// # Panics
/// When `kind` is read by GET (no list): a programming error, the audit lists only list-read
/// kinds.
async fn list(
    clients: &ArmClient,
    kind: ResourceKind,
    sub: &str,
    vault_id: &str,
) -> Result<Vec<Value>, AzureError> {
    let (path, filter) = kind
        .descriptor()
        .read
        .list_path(sub, vault_id)
        .unwrap_or_else(|| panic!("{kind:?} is read by list"));
    let query: Vec<(&str, &str)> = filter.map(|f| ("$filter", f)).into_iter().collect();
    clients.list(&path, kind.api_version(), &query).await
}

/// Every alert of `kind` (metric or activity log alerts) that may target one of `vault_ids`:
/// one list per subscription of those vaults (ARM's ListBySubscription, the descriptor's
/// `read`, which also finds alerts kept in a central resource group); where ARM or the emulator
/// does not offer that list (400, 404, 405), the same list under each resource group of those
/// vaults instead.
async fn list_alerts(
    clients: &ArmClient,
    vault_ids: &[String],
    kind: ResourceKind,
) -> Result<Vec<Value>, AzureError> {
    let Read::ListInSubscription { path: list, .. } = kind.descriptor().read else {
        panic!("{kind:?} is listed per subscription");
    };
    let api_version = kind.api_version();
    let mut by_sub: BTreeMap<String, (String, BTreeMap<String, String>)> = BTreeMap::new();
    for id in vault_ids {
        let a = ArmId::parse(id)?;
        let (Some(sub), Some(rg)) = (a.subscription_id.clone(), a.resource_group_id()) else {
            continue;
        };
        by_sub
            .entry(sub.to_ascii_lowercase())
            .or_insert_with(|| (sub, BTreeMap::new()))
            .1
            .entry(rg.to_ascii_lowercase())
            .or_insert(rg);
    }
    let lists: Vec<Vec<Value>> = futures::stream::iter(by_sub.into_values())
        .map(|(sub, groups)| async move {
            let path = format!("/subscriptions/{sub}{list}");
            match clients.list(&path, api_version, &[]).await {
                Ok(items) => Ok(items),
                Err(e) if matches!(e.status, Some(400 | 404 | 405)) => {
                    let mut items = Vec::new();
                    for rg in groups.into_values() {
                        let path = format!("{rg}{list}");
                        items.extend(clients.list(&path, api_version, &[]).await?);
                    }
                    Ok(items)
                }
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(OBSERVE_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(lists.into_iter().flatten().collect())
}

/// Whether `a` is at or above `b` in the ARM scope hierarchy (case-insensitive).
fn contains_scope(a: &str, b: &str) -> bool {
    let (a, b) = (
        a.trim_end_matches('/').to_ascii_lowercase(),
        b.to_ascii_lowercase(),
    );
    a == b || b.starts_with(&format!("{a}/"))
}

/// A metric alert targets the vault when one of its `scopes` is the vault.
fn metric_alert_targets(alert: &Value, vault_id: &str) -> bool {
    alert
        .pointer("/properties/scopes")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .any(|s| s.eq_ignore_ascii_case(vault_id))
        })
}

/// An activity log alert targets the vault when a `resourceId` condition names it, or when it
/// has no `resourceId` condition and one of its `scopes` contains the vault.
fn activity_alert_targets(alert: &Value, vault_id: &str) -> bool {
    let conditions = alert
        .pointer("/properties/condition/allOf")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let resource_ids: Vec<&str> = conditions
        .iter()
        .filter(|c| {
            c.get("field")
                .and_then(Value::as_str)
                .is_some_and(|f| f.eq_ignore_ascii_case("resourceId"))
        })
        .filter_map(|c| c.get("equals").and_then(Value::as_str))
        .collect();
    if !resource_ids.is_empty() {
        return resource_ids
            .iter()
            .any(|r| r.eq_ignore_ascii_case(vault_id));
    }
    alert
        .pointer("/properties/scopes")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .any(|s| contains_scope(s, vault_id))
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const V: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a";

    #[test]
    fn alerts_are_matched_to_the_vault_they_target() {
        let metric = json!({ "properties": { "scopes": [V.to_ascii_lowercase()] } });
        assert!(metric_alert_targets(&metric, V));
        assert!(!metric_alert_targets(&metric, &format!("{V}x")));
        let by_id = json!({ "properties": { "scopes": ["/subscriptions/s"], "condition": { "allOf": [
            { "field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete" },
            { "field": "resourceId", "equals": V },
        ] } } });
        assert!(activity_alert_targets(&by_id, V));
        assert!(!activity_alert_targets(&by_id, &V.replace("kv-a", "kv-b")));
        let by_scope = json!({ "properties": { "scopes": ["/subscriptions/S/resourceGroups/RG"], "condition": { "allOf": [
            { "field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete" },
        ] } } });
        assert!(activity_alert_targets(&by_scope, V));
        assert!(!activity_alert_targets(
            &by_scope,
            "/subscriptions/s/resourceGroups/rg2/providers/Microsoft.KeyVault/vaults/kv-a"
        ));
    }
}
