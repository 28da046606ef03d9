//! Dispatch of authenticated ARM requests to the per-resource route files, and the helpers they
//! share (parent checks like ARM's, list envelopes, systemData, visibility under read-after-write
//! lag). Each route file owns one resource type's rules and its descriptor (`ROUTE`: path
//! shapes, api-versions, spec operations, handler; see [`crate::route`]); [`ROUTES`] registers
//! them. This file owns no type's rules.

pub(crate) mod action_groups;
pub(crate) mod activity_log_alerts;
pub(crate) mod deleted_vaults;
pub(crate) mod diagnostic_settings;
pub(crate) mod management_locks;
pub(crate) mod metric_alerts;
pub(crate) mod private_dns_zone_groups;
pub(crate) mod private_endpoints;
pub(crate) mod resource_groups;
pub(crate) mod role_assignments;
pub(crate) mod role_definitions;
pub(crate) mod subnets;
pub(crate) mod tracked;
pub(crate) mod vaults;

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::App;
use crate::arm_error::ArmError;
use crate::route::Route;
use crate::store::Store;
use crate::target::{Target, parse_resource_id, rg_id};

/// Every route the emulator serves: the one place a route is registered. Order does not matter
/// (path shapes are disjoint; `Target::parse` explains extension shapes).
pub(crate) static ROUTES: &[&Route] = &[
    &resource_groups::ROUTE,
    &vaults::ROUTE,
    &deleted_vaults::ROUTE,
    &role_assignments::ROUTE,
    &role_definitions::ROUTE,
    &diagnostic_settings::ROUTE,
    &action_groups::ROUTE,
    &metric_alerts::ROUTE,
    &activity_log_alerts::ROUTE,
    &subnets::ROUTE,
    &private_endpoints::ROUTE,
    &private_dns_zone_groups::ROUTE,
    &management_locks::ROUTE,
];

/// One authenticated ARM request, body already parsed and schema-checked.
pub(crate) struct Req<'a> {
    pub app: &'a App,
    pub method: Method,
    pub target: Target,
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Option<Value>,
    /// The app (client ID) the bearer token was issued to; recorded in `systemData`.
    pub client_id: String,
    /// The api-version the request was sent with (as served; None for unknown paths).
    pub api_version: Option<&'static str>,
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// `status` with a JSON body.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    /// `status` with no body.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            headers: Vec::new(),
        }
    }
}

/// What a route answers.
pub(crate) type Outcome = Result<Reply, ArmError>;

/// Routes one request. The store lock is held for the whole call, so each request sees and
/// leaves a consistent store.
pub(crate) fn dispatch(req: &Req<'_>, store: &mut Store) -> Outcome {
    store.settle_provisioning();
    for settle in ROUTES.iter().filter_map(|r| r.settle) {
        settle(store);
    }
    match req.target.route() {
        Some(route) => (route.handle)(req, store),
        None => Err(not_found_for_path(req, store)),
    }
}

/// 405 `MethodNotAllowed` for a verb the emulator does not serve on a known resource type
/// (e.g. DELETE of a role assignment: kvinit never deletes).
pub(crate) fn method_not_allowed(req: &Req<'_>) -> ArmError {
    ArmError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!(
            "The requested method '{}' is not allowed on '{}'.",
            req.method, req.path
        ),
    )
}

/// ARM's generic 404s for a path the emulator does not serve: `ResourceGroupNotFound` when the
/// path is under a resource group that does not exist, else `InvalidResourceType`.
fn not_found_for_path(req: &Req<'_>, store: &Store) -> ArmError {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    if segs.len() >= 4
        && segs[0].eq_ignore_ascii_case("subscriptions")
        && segs[2].eq_ignore_ascii_case("resourcegroups")
        && store.get(&rg_id(segs[1], segs[3])).is_none()
    {
        return ArmError::resource_group_not_found(segs[3]);
    }
    ArmError::invalid_resource_type(&req.path)
}

/// Fails with `ResourceGroupNotFound` unless the resource group exists.
pub(crate) fn ensure_rg(store: &Store, sub: &str, rg: &str) -> Result<(), ArmError> {
    if store.get(&rg_id(sub, rg)).is_some() {
        Ok(())
    } else {
        Err(ArmError::resource_group_not_found(rg))
    }
}

/// Checks that a scope (`/`, a subscription, a resource group or a resource ID) exists, as ARM
/// does before writing an extension resource (role assignment, diagnostic setting) at it.
/// Resources of types the emulator does not model (Log Analytics workspaces, …) are taken as
/// existing when `assume_referenced_exist` is set.
pub(crate) fn ensure_scope(req: &Req<'_>, store: &Store, scope: &str) -> Result<(), ArmError> {
    let segs: Vec<&str> = scope.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        [] => Ok(()),
        [s, _] if s.eq_ignore_ascii_case("subscriptions") => Ok(()),
        [s, sub, r, rg]
            if s.eq_ignore_ascii_case("subscriptions")
                && r.eq_ignore_ascii_case("resourcegroups") =>
        {
            ensure_rg(store, sub, rg)
        }
        _ => {
            let Some((sub, rg, rtype, name)) = parse_resource_id(scope) else {
                return Err(ArmError::invalid_resource_type(scope));
            };
            let modelled = stored_type(&rtype).is_some();
            if !modelled && req.app.assume_referenced_exist {
                return Ok(());
            }
            ensure_rg(store, &sub, &rg)?;
            if store.get(scope).is_some() {
                Ok(())
            } else {
                Err(ArmError::resource_not_found(
                    &display_type(&rtype),
                    &name,
                    Some(&rg),
                ))
            }
        }
    }
}

/// The ARM type a route stores (its `Route::stored_types`) whose lower-cased name is `rtype`.
fn stored_type(rtype: &str) -> Option<&'static str> {
    ROUTES
        .iter()
        .flat_map(|r| r.stored_types.iter().copied())
        .find(|t| t.eq_ignore_ascii_case(rtype))
}

/// `microsoft.keyvault/vaults` → `Microsoft.KeyVault/vaults` for messages (as the route storing
/// the type spells it; other types as given).
pub(crate) fn display_type(rtype: &str) -> String {
    stored_type(rtype).unwrap_or(rtype).to_string()
}

/// The request body, or 400 `InvalidRequestContent` when there is none.
pub(crate) fn body(req: &Req<'_>) -> Result<Value, ArmError> {
    req.body
        .clone()
        .ok_or_else(|| ArmError::invalid_request_content("the request body is required."))
}

/// `systemData` for a create (`previous` = None) or an update (keeps the creation fields).
pub(crate) fn system_data(req: &Req<'_>, previous: Option<&Value>) -> Value {
    let now = req.app.clock.now_rfc3339();
    let created_by = previous
        .and_then(|p| p.pointer("/systemData/createdBy"))
        .cloned();
    let created_at = previous
        .and_then(|p| p.pointer("/systemData/createdAt"))
        .cloned();
    json!({
        "createdBy": created_by.unwrap_or_else(|| json!(req.client_id)),
        "createdByType": "Application",
        "createdAt": created_at.unwrap_or_else(|| json!(now)),
        "lastModifiedBy": req.client_id,
        "lastModifiedByType": "Application",
        "lastModifiedAt": now,
    })
}

/// Whether GET may see `id` now; counts a lag 404 when it may not.
pub(crate) fn visible(req: &Req<'_>, store: &Store, id: &str) -> bool {
    if store.in_lag_window(id, req.app.faults.profile.read_after_write_lag_ms) {
        req.app.recorder.bump(|s| s.lag_404s += 1);
        false
    } else {
        true
    }
}

/// Stored bodies whose ID starts with `prefix/` and whose type is `rtype` (case-insensitive),
/// skipping those still inside their read-after-write window, in ID order.
pub(crate) fn list_under(req: &Req<'_>, store: &Store, prefix: &str, rtype: &str) -> Vec<Value> {
    let prefix = format!("{}/", prefix.to_ascii_lowercase());
    let lag = req.app.faults.profile.read_after_write_lag_ms;
    store
        .with_prefix(&prefix)
        .filter(|(k, v)| {
            v.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(rtype))
                && !store.in_lag_window(k, lag)
        })
        .map(|(_, v)| v.clone())
        .collect()
}

/// ARM's list envelope `{"value": [...]}`.
pub(crate) fn list_reply(items: Vec<Value>) -> Outcome {
    Ok(Reply::json(StatusCode::OK, json!({ "value": items })))
}

/// Copies `tags` from a request body (default `{}`).
pub(crate) fn tags_of(body: &Value) -> Value {
    body.get("tags").cloned().unwrap_or_else(|| json!({}))
}
