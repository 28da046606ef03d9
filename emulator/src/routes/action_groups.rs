//! Action groups (Microsoft.Insights 2021-09-01): PUT, GET. Owns their server-computed fields
//! (receiver `status`).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::tracked::{self, Kind};
use super::{Outcome, Req, method_not_allowed};
use crate::arm_error::ArmError;
use crate::store::Store;
use crate::target::Target;

const KIND: Kind = Kind {
    rtype: "Microsoft.Insights/actionGroups",
    create_status: StatusCode::CREATED,
};

pub(crate) fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let Target::ActionGroup { sub, rg, name } = &req.target else {
        return Err(method_not_allowed(req));
    };
    let at = (sub.as_str(), rg.as_str(), name.as_str());
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
