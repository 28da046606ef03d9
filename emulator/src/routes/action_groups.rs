//! Action groups (Microsoft.Insights 2021-09-01): PUT, GET. Owns their server-computed fields
//! (receiver `status`).

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
    rtype: "Microsoft.Insights/actionGroups",
    create_status: StatusCode::CREATED,
};

/// This route's descriptor (registered in `routes::ROUTES`): an action group.
pub(crate) static ROUTE: Route = Route {
    paths: &[PathShape {
        name: ACTION_GROUP,
        pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/actiongroups/{name}",
    }],
    versions: &[current("2023-01-01", AG), current("2021-09-01", AG)],
    operations: &[
        op(ACTION_GROUP, "PUT", "ActionGroups_CreateOrUpdate"),
        op(ACTION_GROUP, "GET", "ActionGroups_Get"),
    ],
    handle,
    settle: None,
    stored_types: &["Microsoft.Insights/actionGroups"],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.insights/actiongroups/{name}` path shape.
const ACTION_GROUP: &str = "ActionGroup";
/// The spec file of both versions: 2023-01-01 is validated with the 2021-09-01 schema: the 2023-01-01 spec is not vendored, and every field kvinit sends has the same shape.
const AG: SpecFile = spec_file!(
    "monitor/resource-manager/Microsoft.Insights/stable/2021-09-01/actionGroups_API.json"
);

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, name) = (t.param("sub"), t.param("rg"), t.param("name"));
    let at = (sub, rg, name);
    match req.method {
        Method::PUT => tracked::put(req, store, &KIND, at, check, |props| {
            if let Some(receivers) = props
                .get_mut("emailReceivers")
                .and_then(Value::as_array_mut)
            {
                for r in receivers {
                    r["status"] = json!("Enabled");
                }
            }
        }),
        Method::GET => tracked::get(req, store, &KIND, at),
        _ => Err(method_not_allowed(req)),
    }
}

/// `groupShortName` is at most 12 characters (source: actionGroups_API.json, `maxLength: 12`;
/// the schema check reports it too — kept here for ARM's wording).
fn check(body: &Value) -> Result<(), ArmError> {
    let short = body
        .pointer("/properties/groupShortName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if short.chars().count() > 12 {
        return Err(ArmError::bad_request(format!(
            "The group short name '{short}' is too long; it can have at most 12 characters."
        ))
        .with_target("properties.groupShortName"));
    }
    Ok(())
}
