//! Metric alerts (Microsoft.Insights 2018-03-01): PUT, GET, list by resource group and by
//! subscription. Owns their rules: scopes must exist, window/frequency are ISO 8601 durations.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::tracked::{self, Kind};
use super::{Outcome, Req, method_not_allowed};
use crate::arm_error::ArmError;
use crate::store::Store;
use crate::target::Target;

const KIND: Kind = Kind {
    rtype: "Microsoft.Insights/metricAlerts",
    create_status: StatusCode::OK,
};

pub(crate) fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    match (&req.target, &req.method) {
        (Target::MetricAlert { sub, rg, name }, &Method::PUT) => {
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
        (Target::MetricAlert { sub, rg, name }, &Method::GET) => {
            tracked::get(req, store, &KIND, (sub, rg, name))
        }
        (Target::MetricAlertsInGroup { sub, rg }, &Method::GET) => {
            tracked::list(req, store, &KIND, sub, rg)
        }
        (Target::MetricAlertsInSubscription { sub }, &Method::GET) => {
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
