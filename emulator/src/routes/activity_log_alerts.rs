//! Activity log alerts (Microsoft.Insights 2023-01-01-preview): PUT, GET, list by resource group
//! and by subscription. Owns their rule that the condition is not empty.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::tracked::{self, Kind};
use super::{Outcome, Req, method_not_allowed};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const KIND: Kind = Kind {
    rtype: "Microsoft.Insights/activityLogAlerts",
    create_status: StatusCode::CREATED,
};

/// This route's descriptor (registered in `routes::ROUTES`): an activity log alert, and the alerts of a resource group or subscription.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: ACTIVITY_LOG_ALERT,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/activitylogalerts/{name}",
        },
        PathShape {
            name: ACTIVITY_LOG_ALERTS_IN_GROUP,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/activitylogalerts",
        },
        PathShape {
            name: ACTIVITY_LOG_ALERTS_IN_SUBSCRIPTION,
            pattern: "subscriptions/{sub}/providers/microsoft.insights/activitylogalerts",
        },
    ],
    versions: &[
        current("2026-01-01", SPEC_2026_01_01),
        current("2023-01-01-preview", SPEC_2023_01_01_PREVIEW),
    ],
    operations: &[
        op(
            ACTIVITY_LOG_ALERT,
            "PUT",
            "ActivityLogAlerts_CreateOrUpdate",
        ),
        op(ACTIVITY_LOG_ALERT, "GET", "ActivityLogAlerts_Get"),
        op(
            ACTIVITY_LOG_ALERTS_IN_GROUP,
            "GET",
            "ActivityLogAlerts_ListByResourceGroup",
        ),
        op(
            ACTIVITY_LOG_ALERTS_IN_SUBSCRIPTION,
            "GET",
            "ActivityLogAlerts_ListBySubscriptionId",
        ),
    ],
    handle,
    settle: None,
    stored_types: &["Microsoft.Insights/activityLogAlerts"],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/activitylogalerts/{name}` path shape.
const ACTIVITY_LOG_ALERT: &str = "ActivityLogAlert";
/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/activitylogalerts` path shape.
const ACTIVITY_LOG_ALERTS_IN_GROUP: &str = "ActivityLogAlertsInGroup";
/// The `subscriptions/{sub}/providers/microsoft.insights/activitylogalerts` path shape.
const ACTIVITY_LOG_ALERTS_IN_SUBSCRIPTION: &str = "ActivityLogAlertsInSubscription";
/// The 2026-01-01 spec file. 2026-01-01 (GA) and the 2023-01-01-preview it replaces (same body shape).
const SPEC_2026_01_01: SpecFile = spec_file!(
    "monitor/resource-manager/Microsoft.Insights/Insights/stable/2026-01-01/activityLogAlerts_API.json"
);
/// The 2023-01-01-preview spec file.
const SPEC_2023_01_01_PREVIEW: SpecFile = spec_file!(
    "monitor/resource-manager/Microsoft.Insights/preview/2023-01-01-preview/activityLogAlerts_API.json"
);

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, name) = (t.param("sub"), t.param("rg"), t.param("name"));
    match (req.target.shape, &req.method) {
        (ACTIVITY_LOG_ALERT, &Method::PUT) => {
            tracked::put(req, store, &KIND, (sub, rg, name), check, |_| {})
        }
        (ACTIVITY_LOG_ALERT, &Method::GET) => tracked::get(req, store, &KIND, (sub, rg, name)),
        (ACTIVITY_LOG_ALERTS_IN_GROUP, &Method::GET) => tracked::list(req, store, &KIND, sub, rg),
        (ACTIVITY_LOG_ALERTS_IN_SUBSCRIPTION, &Method::GET) => {
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
