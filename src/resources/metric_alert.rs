//! `Microsoft.Insights/metricAlerts`: up to three per vault (availability below, saturation
//! above, service API latency above their thresholds), each notifying the environment's action
//! group. Names: `{vault}-availability`, `{vault}-saturation`, `{vault}-latency`.

use serde_json::Value;

use super::build::{BuildContext, BuiltResource, array, object, resource, string};
use super::{GuardedField, Parent, Permanence, Read, ResourceKind, ResourceType, Stricter};
use crate::model::settings::Threshold;

/// What kvinit never weakens on a metric alert: a disabled alert or a threshold that fires
/// later than live (raised for `GreaterThan`, lowered for `LessThan`). An alert the plan no
/// longer asks for is left alone (kvinit never deletes).
pub const GUARDED_FIELDS: &[GuardedField] = &[
    GuardedField {
        path: "properties.enabled",
        name: "alerts.enabled",
        stricter: Stricter::True,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "alerts (enabled)",
    },
    GuardedField {
        path: "properties.criteria.allOf.0.threshold",
        name: "alerts.threshold",
        stricter: Stricter::AlertThreshold,
        plan_absent: None,
        permanence: Permanence::ByHand,
        plan_setting: "alerts.<alert>.threshold",
    },
];

/// The metric alert type. Read with one list per subscription
/// (`MetricAlerts_ListBySubscription`) rather than one per resource group, which was two reads
/// per vault on every re-apply (BENCHMARKS.md, benchmark 3).
pub const TYPE: ResourceType = ResourceType {
    kind: ResourceKind::MetricAlert,
    arm_type: "Microsoft.Insights/metricAlerts",
    api_version: "2018-03-01",
    shared: false,
    id_shape: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights/metricAlerts/{vaultName}-{availability|saturation|latency}",
    parent: Parent::ResourceGroup,
    read: Read::ListInSubscription {
        path: "/providers/Microsoft.Insights/metricAlerts",
        filter: None,
    },
    build,
    evidence: |e, _, body| e.metric_alerts.push(body),
    guarded_fields: GUARDED_FIELDS,
    blocked_fields: &[],
    ready: None,
    request_schema: (
        "monitor/resource-manager/Microsoft.Insights/stable/2018-03-01/metricAlert_API.json",
        "MetricAlertResource",
    ),
};

/// The cell's metric alerts, in the order availability, saturation, latency (each only when
/// its threshold is set).
fn build(ctx: &BuildContext<'_>, out: &mut Vec<BuiltResource>) {
    let Some((_, ag_id)) = ctx.shared else {
        return;
    };
    let a = &ctx.cell.settings.alerts;
    if let Some(t) = &a.availability {
        out.push(alert(
            ctx,
            ag_id,
            "availability",
            "Availability",
            "LessThan",
            t,
            "PT1M",
            "Availability (%) below threshold",
        ));
    }
    if let Some(t) = &a.saturation {
        out.push(alert(
            ctx,
            ag_id,
            "saturation",
            "SaturationShoebox",
            "GreaterThan",
            t,
            "PT5M",
            "Saturation (%) above threshold",
        ));
    }
    if let Some(t) = &a.latency {
        out.push(alert(
            ctx,
            ag_id,
            "latency",
            "ServiceApiLatency",
            "GreaterThan",
            t,
            "PT5M",
            "Service API latency (ms) above threshold",
        ));
    }
}

/// One static-threshold alert on `metric` of the vault (window PT5M, average, auto-mitigated).
#[allow(clippy::too_many_arguments)]
fn alert(
    ctx: &BuildContext<'_>,
    ag_id: &str,
    suffix: &str,
    metric: &str,
    operator: &str,
    t: &Threshold,
    freq: &str,
    what: &str,
) -> BuiltResource {
    let vault_name = &ctx.cell.vault_name;
    resource(
        ResourceKind::MetricAlert,
        format!(
            "{}/providers/Microsoft.Insights/metricAlerts/{vault_name}-{suffix}",
            ctx.rg_id
        ),
        object([
            ("location", string("global")),
            ("tags", ctx.tags.clone()),
            (
                "properties",
                object([
                    (
                        "description",
                        Value::String(format!(
                            "{what} of Key Vault {vault_name} (kvinit, KV-ALERT)"
                        )),
                    ),
                    ("severity", Value::from(t.severity)),
                    ("enabled", Value::Bool(true)),
                    ("scopes", array([string(ctx.vault_id)])),
                    ("evaluationFrequency", string(freq)),
                    ("windowSize", string("PT5M")),
                    (
                        "criteria",
                        object([
                            (
                                "odata.type",
                                string(
                                    "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                                ),
                            ),
                            (
                                "allOf",
                                array([object([
                                    ("criterionType", string("StaticThresholdCriterion")),
                                    ("name", string(metric)),
                                    ("metricName", string(metric)),
                                    ("metricNamespace", string("Microsoft.KeyVault/vaults")),
                                    ("operator", string(operator)),
                                    ("threshold", Value::from(t.value)),
                                    ("timeAggregation", string("Average")),
                                ])]),
                            ),
                        ]),
                    ),
                    ("autoMitigate", Value::Bool(true)),
                    (
                        "actions",
                        array([object([("actionGroupId", string(ag_id))])]),
                    ),
                ]),
            ),
        ]),
    )
}
