//! The PUT/GET/list behaviour shared by simple tracked resources in a resource group (action
//! groups, metric alerts, activity log alerts): parent check, create vs update status, `id`,
//! `name`, `type`, `location`, `tags` as ARM fills them. Type-specific rules stay in each
//! resource's own file.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{Outcome, Reply, Req, body, ensure_rg, list_reply, list_under, tags_of, visible};
use crate::arm_error::ArmError;
use crate::store::Store;
use crate::target::rg_id;

/// How one resource type behaves.
pub(crate) struct Kind {
    /// ARM type, e.g. `Microsoft.Insights/actionGroups`.
    pub rtype: &'static str,
    /// Status of a create (the spec's: 201 for action groups, 200 for metric alerts).
    pub create_status: StatusCode,
}

/// The resource ID of `name` of `kind` in a resource group.
pub(crate) fn id_of(kind: &Kind, sub: &str, rg: &str, name: &str) -> String {
    format!("{}/providers/{}/{name}", rg_id(sub, rg), kind.rtype)
}

/// PUT: checks the resource group, validates with `check`, completes the properties with
/// `complete`, stores and answers.
pub(crate) fn put(
    req: &Req<'_>,
    store: &mut Store,
    kind: &Kind,
    (sub, rg, name): (&str, &str, &str),
    check: impl Fn(&Value) -> Result<(), ArmError>,
    complete: impl Fn(&mut Map<String, Value>),
) -> Outcome {
    let body = body(req)?;
    ensure_rg(store, sub, rg)?;
    check(&body)?;
    let id = id_of(kind, sub, rg, name);
    let existing = store.get(&id).cloned();
    let mut props = body
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    complete(&mut props);
    let resource = json!({
        "id": existing.as_ref().map(|e| e["id"].clone()).unwrap_or_else(|| json!(id)),
        "name": existing.as_ref().map(|e| e["name"].clone()).unwrap_or_else(|| json!(name)),
        "type": kind.rtype,
        "location": body.get("location").cloned().unwrap_or_else(|| json!("global")),
        "tags": tags_of(&body),
        "properties": props,
    });
    let created = existing.is_none();
    store.put(&id, resource.clone(), created);
    Ok(Reply::json(
        if created {
            kind.create_status
        } else {
            StatusCode::OK
        },
        resource,
    ))
}

/// GET one.
pub(crate) fn get(
    req: &Req<'_>,
    store: &Store,
    kind: &Kind,
    (sub, rg, name): (&str, &str, &str),
) -> Outcome {
    ensure_rg(store, sub, rg)?;
    let id = id_of(kind, sub, rg, name);
    match store.get(&id) {
        Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
        _ => Err(ArmError::resource_not_found(kind.rtype, name, Some(rg))),
    }
}

/// GET the list in a subscription (every resource group).
pub(crate) fn list_in_subscription(
    req: &Req<'_>,
    store: &Store,
    kind: &Kind,
    sub: &str,
) -> Outcome {
    list_reply(list_under(
        req,
        store,
        &format!("/subscriptions/{sub}"),
        kind.rtype,
    ))
}

/// GET the list in a resource group.
pub(crate) fn list(req: &Req<'_>, store: &Store, kind: &Kind, sub: &str, rg: &str) -> Outcome {
    ensure_rg(store, sub, rg)?;
    list_reply(list_under(req, store, &rg_id(sub, rg), kind.rtype))
}
