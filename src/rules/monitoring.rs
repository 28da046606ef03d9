//! KV-LOG (audit logs and metrics to Log Analytics) and KV-ALERT (metric and activity log
//! alerts with a receiver). Checks only; no I/O.

use serde_json::Value;

use super::evidence::at;
use super::{BEST_PRACTICES, Rule, Severity, Status, VaultEvidence};

/// Key Vault monitoring and alerting guidance.
pub const ALERTING: &str = "https://learn.microsoft.com/azure/key-vault/general/alert";

/// KV-LOG.
pub const KV_LOG: Rule = Rule {
    id: "KV-LOG",
    title: "Audit logs and metrics to Log Analytics",
    severity: Severity::High,
    best_practice: "Turn on logging and alerts: send Key Vault audit logs (AuditEvent) and \
                    metrics to a Log Analytics workspace (security baseline LT-3).",
    source: BEST_PRACTICES,
    check: check_log,
};

/// KV-ALERT.
pub const KV_ALERT: Rule = Rule {
    id: "KV-ALERT",
    title: "Alerts on availability, saturation, latency and vault deletion",
    severity: Severity::Medium,
    best_practice: "Configure alerts on Key Vault availability, saturation and latency, and on \
                    vault deletion, routed to an action group that reaches people.",
    source: ALERTING,
    check: check_alert,
};

fn enabled(v: &Value) -> bool {
    v.get("enabled").and_then(|e| e.as_bool()) == Some(true)
}

/// Passes when a diagnostic setting sends audit logs (category group `audit` or `allLogs`, or
/// category `AuditEvent`) and `AllMetrics` to a workspace.
fn check_log(e: &VaultEvidence<'_>) -> (Status, String) {
    for ds in &e.diagnostic_settings {
        let ws = at(ds, "/properties/workspaceId")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        if ws.is_empty() {
            continue;
        }
        let audit = at(ds, "/properties/logs")
            .and_then(|v| v.as_array())
            .is_some_and(|logs| {
                logs.iter().any(|l| {
                    enabled(l)
                        && (l
                            .get("categoryGroup")
                            .and_then(|g| g.as_str())
                            .is_some_and(|g| {
                                g.eq_ignore_ascii_case("audit") || g.eq_ignore_ascii_case("allLogs")
                            })
                            || l.get("category")
                                .and_then(|c| c.as_str())
                                .is_some_and(|c| c.eq_ignore_ascii_case("AuditEvent")))
                })
            });
        let metrics = at(ds, "/properties/metrics")
            .and_then(|v| v.as_array())
            .is_some_and(|m| {
                m.iter().any(|x| {
                    enabled(x) && x.get("category").and_then(|c| c.as_str()) == Some("AllMetrics")
                })
            });
        match (audit, metrics) {
            (true, true) => {
                let name = ws.rsplit('/').next().unwrap_or(ws);
                return (
                    Status::Pass,
                    format!("audit logs and AllMetrics go to workspace `{name}`"),
                );
            }
            (false, _) => {
                return (
                    Status::Fail,
                    "the diagnostic setting sends no audit logs".into(),
                );
            }
            (true, false) => {
                return (
                    Status::Fail,
                    "the diagnostic setting sends no AllMetrics".into(),
                );
            }
        }
    }
    (
        Status::Fail,
        "no diagnostic setting sends logs to a Log Analytics workspace".into(),
    )
}

/// The `actionGroupId` of every entry of the array at `pointer` in an alert's body (metric
/// alerts keep it at `/properties/actions`, activity log alerts at
/// `/properties/actions/actionGroups`); entries without one are skipped, and a missing or
/// non-array value yields nothing.
fn action_group_ids(alert: &Value, pointer: &str) -> Vec<String> {
    at(alert, pointer)
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|x| {
            x.get("actionGroupId")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .collect()
}

/// Passes when enabled metric alerts cover Availability, SaturationShoebox and
/// ServiceApiLatency, an enabled activity log alert watches `Microsoft.KeyVault/vaults/delete`,
/// and every alert's action group exists, is enabled and has at least one receiver.
fn check_alert(e: &VaultEvidence<'_>) -> (Status, String) {
    let mut missing = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    for metric in ["Availability", "SaturationShoebox", "ServiceApiLatency"] {
        let alert = e.metric_alerts.iter().find(|a| {
            at(a, "/properties/enabled").and_then(|v| v.as_bool()) == Some(true)
                && at(a, "/properties/criteria/allOf")
                    .and_then(|v| v.as_array())
                    .is_some_and(|c| {
                        c.iter()
                            .any(|x| x.get("metricName").and_then(|m| m.as_str()) == Some(metric))
                    })
        });
        match alert {
            Some(a) => groups.extend(action_group_ids(a, "/properties/actions")),
            None => missing.push(metric.to_string()),
        }
    }
    let deleted = e.activity_log_alerts.iter().find(|a| {
        at(a, "/properties/enabled").and_then(|v| v.as_bool()) != Some(false)
            && at(a, "/properties/condition/allOf")
                .and_then(|v| v.as_array())
                .is_some_and(|c| {
                    c.iter().any(|x| {
                        x.get("field").and_then(|f| f.as_str()) == Some("operationName")
                            && x.get("equals").and_then(|v| v.as_str()).is_some_and(|v| {
                                v.eq_ignore_ascii_case("Microsoft.KeyVault/vaults/delete")
                            })
                    })
                })
    });
    match deleted {
        Some(a) => groups.extend(action_group_ids(a, "/properties/actions/actionGroups")),
        None => missing.push("vault deletion".into()),
    }
    if !missing.is_empty() {
        return (Status::Fail, format!("no alert on {}", missing.join(", ")));
    }
    groups.sort();
    groups.dedup();
    if groups.is_empty() {
        return (Status::Fail, "alerts notify no action group".into());
    }
    for g in &groups {
        let name = g.rsplit('/').next().unwrap_or(g);
        let Some(body) = e.action_group(g) else {
            return (Status::Fail, format!("action group `{name}` was not found"));
        };
        let p = body.get("properties").unwrap_or(&Value::Null);
        if p.get("enabled").and_then(|v| v.as_bool()) != Some(true) {
            return (Status::Fail, format!("action group `{name}` is disabled"));
        }
        let receivers: usize = p
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| k.ends_with("Receivers"))
                    .filter_map(|(_, v)| v.as_array())
                    .map(Vec::len)
                    .sum()
            })
            .unwrap_or(0);
        if receivers == 0 {
            return (
                Status::Fail,
                format!("action group `{name}` has no receivers; add `alerts.actionGroup.emails`"),
            );
        }
    }
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g.rsplit('/').next().unwrap_or(g))
        .collect();
    (
        Status::Pass,
        format!(
            "availability, saturation, latency and deletion alerts notify `{}`",
            names.join("`, `")
        ),
    )
}
