//! Metric alerts (Microsoft.Insights 2018-03-01): PUT, GET, list by resource group and by
//! subscription. Owns their rules: scopes must exist, window/frequency are ISO 8601 durations.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::tracked::{self, Kind};
use super::{Outcome, Req, method_not_allowed};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const KIND: Kind = Kind {
    rtype: "Microsoft.Insights/metricAlerts",
    create_status: StatusCode::OK,
};

/// This route's descriptor (registered in `routes::ROUTES`): a metric alert, and the alerts of a resource group or subscription.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: METRIC_ALERT,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/metricalerts/{name}",
        },
        PathShape {
            name: METRIC_ALERTS_IN_GROUP,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/metricalerts",
        },
        PathShape {
            name: METRIC_ALERTS_IN_SUBSCRIPTION,
            pattern: "subscriptions/{sub}/providers/microsoft.insights/metricalerts",
        },
    ],
    versions: &[current("2018-03-01", SPEC_2018_03_01)],
    operations: &[
        op(METRIC_ALERT, "PUT", "MetricAlerts_CreateOrUpdate"),
        op(METRIC_ALERT, "GET", "MetricAlerts_Get"),
        op(
            METRIC_ALERTS_IN_GROUP,
            "GET",
            "MetricAlerts_ListByResourceGroup",
        ),
        op(
            METRIC_ALERTS_IN_SUBSCRIPTION,
            "GET",
            "MetricAlerts_ListBySubscription",
        ),
    ],
    handle,
    settle: None,
    stored_types: &["Microsoft.Insights/metricAlerts"],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/metricalerts/{name}` path shape.
const METRIC_ALERT: &str = "MetricAlert";
/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/metricalerts` path shape.
const METRIC_ALERTS_IN_GROUP: &str = "MetricAlertsInGroup";
/// The `subscriptions/{sub}/providers/microsoft.insights/metricalerts` path shape.
const METRIC_ALERTS_IN_SUBSCRIPTION: &str = "MetricAlertsInSubscription";
/// The 2018-03-01 spec file.
const SPEC_2018_03_01: SpecFile = spec_file!(
    "monitor/resource-manager/Microsoft.Insights/stable/2018-03-01/metricAlert_API.json"
);

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, name) = (t.param("sub"), t.param("rg"), t.param("name"));
    match (req.target.shape, &req.method) {
        (METRIC_ALERT, &Method::PUT) => {
            let scopes = scopes_of(req);
            for scope in &scopes {
                super::ensure_scope(req, store, scope)?;
            }
            tracked::put(req, store, &KIND, (sub, rg, name), check, |props| {
                props
                    .entry("lastUpdatedTime")
                    .or_insert_with(|| json!(crate::clock::now_rfc3339()));
                props.insert("isMigrated".into(), json!(false));
            })
        }
        (METRIC_ALERT, &Method::GET) => tracked::get(req, store, &KIND, (sub, rg, name)),
        (METRIC_ALERTS_IN_GROUP, &Method::GET) => tracked::list(req, store, &KIND, sub, rg),
        (METRIC_ALERTS_IN_SUBSCRIPTION, &Method::GET) => {
            tracked::list_in_subscription(req, store, &KIND, sub)
        }
        _ => Err(method_not_allowed(req)),
    }
}

fn scopes_of(req: &Req<'_>) -> Vec<String> {
    req.body
        .as_ref()
        .and_then(|b| b.pointer("/properties/scopes"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `evaluationFrequency` and `windowSize` must be ISO 8601 durations (`PT1M`, `PT5M`, …).
fn check(body: &Value) -> Result<(), ArmError> {
    for field in ["evaluationFrequency", "windowSize"] {
        if let Some(v) = body
            .pointer(&format!("/properties/{field}"))
            .and_then(Value::as_str)
        {
            let ok = v.starts_with('P') && v.len() >= 3;
            if !ok {
                return Err(ArmError::bad_request(format!(
                    "The value '{v}' of '{field}' is not a valid ISO 8601 duration."
                ))
                .with_target(format!("properties.{field}")));
            }
        }
    }
    Ok(())
}
