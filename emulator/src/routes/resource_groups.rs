//! Resource groups (Microsoft.Resources 2021-04-01): PUT, GET, HEAD, and the list of a
//! subscription's groups (ResourceGroups_List, hiding groups inside their read-after-write
//! window like every list). Owns nothing else (no delete: kvinit never deletes).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    Outcome, Reply, Req, body, list_reply, list_under, method_not_allowed, tags_of, visible,
};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;
use crate::target::rg_id;

/// `{sub}/resourcegroups/{rg}` (a group) and `{sub}/resourcegroups` (the list).
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: RESOURCE_GROUP,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}",
        },
        PathShape {
            name: RESOURCE_GROUPS,
            pattern: "subscriptions/{sub}/resourcegroups",
        },
    ],
    versions: &[current("2021-04-01", RESOURCES_2021)],
    operations: &[
        op(RESOURCE_GROUP, "PUT", "ResourceGroups_CreateOrUpdate"),
        op(RESOURCE_GROUP, "GET", "ResourceGroups_Get"),
        op(RESOURCE_GROUPS, "GET", "ResourceGroups_List"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

const RESOURCE_GROUP: &str = "ResourceGroup";
const RESOURCE_GROUPS: &str = "ResourceGroups";
const RESOURCES_2021: SpecFile =
    spec_file!("resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json");

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let sub = req.target.param("sub");
    if req.target.shape == RESOURCE_GROUPS {
        return match req.method {
            Method::GET => list_reply(list_under(
                req,
                store,
                &format!("/subscriptions/{sub}/resourceGroups"),
                "Microsoft.Resources/resourceGroups",
            )),
            _ => Err(method_not_allowed(req)),
        };
    }
    let rg = req.target.param("rg");
    let id = rg_id(sub, rg);
    match req.method {
        Method::PUT => {
            let body = body(req)?;
            let location = body
                .get("location")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if let Some(existing) = store.get(&id).cloned() {
                let old_location = existing
                    .get("location")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if !old_location.eq_ignore_ascii_case(&location) {
                    // Source: ARM's answer for moving a resource group's location.
                    return Err(ArmError::new(
                        StatusCode::CONFLICT,
                        "InvalidResourceGroupLocation",
                        format!(
                            "Invalid resource group location '{location}'. The Resource group already exists in location '{old_location}'."
                        ),
                    ));
                }
                let mut updated = existing;
                updated["tags"] = tags_of(&body);
                store.put(&id, updated.clone(), false);
                return Ok(Reply::json(StatusCode::OK, updated));
            }
            let created = json!({
                "id": id, "name": rg, "type": "Microsoft.Resources/resourceGroups",
                "location": location, "tags": tags_of(&body),
                "properties": {"provisioningState": "Succeeded"},
            });
            store.put(&id, created.clone(), true);
            Ok(Reply::json(StatusCode::CREATED, created))
        }
        Method::GET => match store.get(&id) {
            Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
            _ => Err(ArmError::resource_group_not_found(rg)),
        },
        Method::HEAD => match store.get(&id) {
            Some(_) if visible(req, store, &id) => Ok(Reply::empty(StatusCode::NO_CONTENT)),
            _ => Ok(Reply::empty(StatusCode::NOT_FOUND)),
        },
        _ => Err(method_not_allowed(req)),
    }
}
