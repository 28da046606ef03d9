//! Activity log alerts (Microsoft.Insights 2023-01-01-preview): PUT, GET, list by resource group
//! and by subscription. Owns their rule that the condition is not empty.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::tracked::{self, Kind};
use super::{Outcome, Req, method_not_allowed};
use crate::arm_error::ArmError;
use crate::store::Store;
use crate::target::Target;

const KIND: Kind = Kind {
    rtype: "Microsoft.Insights/activityLogAlerts",
    create_status: StatusCode::CREATED,
};

pub(crate) fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    match (&req.target, &req.method) {
        (Target::ActivityLogAlert { sub, rg, name }, &Method::PUT) => {
            tracked::put(req, store, &KIND, (sub, rg, name), check, |_| {})
        }
        (Target::ActivityLogAlert { sub, rg, name }, &Method::GET) => {
            tracked::get(req, store, &KIND, (sub, rg, name))
        }
        (Target::ActivityLogAlertsInGroup { sub, rg }, &Method::GET) => {
            tracked::list(req, store, &KIND, sub, rg)
        }
        (Target::ActivityLogAlertsInSubscription { sub }, &Method::GET) => {
            tracked::list_in_subscription(req, store, &KIND, sub)
        }
        _ => Err(method_not_allowed(req)),
    }
}

fn check(body: &Value) -> Result<(), ArmError> {
    let empty = body
        .pointer("/properties/condition/allOf")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        return Err(ArmError::bad_request(
            "The activity log alert condition must contain at least one condition in 'allOf'.",
        )
        .with_target("properties.condition.allOf"));
    }
    Ok(())
}
