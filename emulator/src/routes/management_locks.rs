//! Management locks at any scope (Microsoft.Authorization 2020-05-01): PUT, GET, DELETE, list.
//! Owns their rules: the scope must exist, `level` is `CanNotDelete` or `ReadOnly`, and a lock
//! applies to its scope and everything below it — [`locked_by`] is what a DELETE of a vault
//! checks (409 `ScopeLocked`, ARM's answer). A list at a scope returns the locks at that scope
//! and those inherited from its ancestors (resource group, subscription), as ARM does for
//! `ManagementLocks_ListAtResourceLevel`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Outcome, Reply, Req, body, ensure_scope, list_reply, method_not_allowed, visible};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const TYPE: &str = "Microsoft.Authorization/locks";
const LEVELS: [&str; 2] = ["CanNotDelete", "ReadOnly"];

fn lock_id(scope: &str, name: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/locks/{name}")
}

/// `scope` and every ancestor scope (subscription, resource group, resource), lower-cased,
/// nearest last.
fn scopes_above(scope: &str) -> Vec<String> {
    let segs: Vec<&str> = scope.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = Vec::new();
    // `subscriptions/{s}`, `…/resourceGroups/{rg}`, then `…/providers/{ns}/{type}/{name}` and
    // nested `…/{type}/{name}`.
    let mut i = 2;
    while i <= segs.len() {
        out.push(format!("/{}", segs[..i].join("/")).to_ascii_lowercase());
        i += if segs
            .get(i)
            .is_some_and(|s| s.eq_ignore_ascii_case("providers"))
        {
            4
        } else {
            2
        };
    }
    out
}

/// The locks at `scope` and above it.
fn locks_at_or_above(store: &Store, scope: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for s in scopes_above(scope) {
        let prefix = format!("{s}/providers/microsoft.authorization/locks/");
        out.extend(
            store
                .with_prefix(&prefix)
                .filter(|(k, _)| !k[prefix.len()..].contains('/'))
                .map(|(_, v)| v.clone()),
        );
    }
    out
}

/// The scope of the first lock that forbids deleting `scope` (a `CanNotDelete` or `ReadOnly`
/// lock at it or above it).
pub(crate) fn locked_by(store: &Store, scope: &str) -> Option<String> {
    locks_at_or_above(store, scope).into_iter().find_map(|l| {
        let id = l.get("id")?.as_str()?;
        let at = id
            .to_ascii_lowercase()
            .rfind("/providers/microsoft.authorization/locks/")?;
        Some(id[..at].to_string())
    })
}

/// ARM's 409 for a DELETE under a lock.
pub(crate) fn scope_locked(scope: &str, lock_scope: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "ScopeLocked",
        format!(
            "The scope '{scope}' cannot perform delete operation because following scope(s) are locked: '{lock_scope}'. Please remove the lock and try again."
        ),
    )
}

/// This route's descriptor (registered in `routes::ROUTES`): a management lock at any scope, and the locks at (and above) a scope.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: LOCK,
            pattern: "{scope}/providers/microsoft.authorization/locks/{name}",
        },
        PathShape {
            name: LOCKS,
            pattern: "{scope}/providers/microsoft.authorization/locks",
        },
    ],
    versions: &[current("2020-05-01", SPEC_2020_05_01)],
    operations: &[
        op(LOCK, "PUT", "ManagementLocks_CreateOrUpdateByScope"),
        op(LOCK, "GET", "ManagementLocks_GetByScope"),
        op(LOCK, "DELETE", "ManagementLocks_DeleteByScope"),
        op(LOCKS, "GET", "ManagementLocks_ListByScope"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

/// The `{scope}/providers/microsoft.authorization/locks/{name}` path shape.
const LOCK: &str = "Lock";
/// The `{scope}/providers/microsoft.authorization/locks` path shape.
const LOCKS: &str = "Locks";
/// The 2020-05-01 spec file.
const SPEC_2020_05_01: SpecFile =
    spec_file!("resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json");

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (scope, name) = (t.param("scope"), t.param("name"));
    match (req.target.shape, &req.method) {
        (LOCK, &Method::PUT) => {
            let body = body(req)?;
            ensure_scope(req, store, scope)?;
            let level = body
                .pointer("/properties/level")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some(level) = LEVELS.iter().find(|l| l.eq_ignore_ascii_case(level)) else {
                return Err(ArmError::bad_request(format!(
                    "The lock level '{level}' is not valid. Supported levels: CanNotDelete, ReadOnly."
                ))
                .with_target("properties.level"));
            };
            let id = lock_id(scope, name);
            let created = store.get(&id).is_none();
            let mut props = json!({ "level": level });
            if let Some(n) = body.pointer("/properties/notes") {
                props["notes"] = n.clone();
            }
            let lock = json!({"id": id, "name": name, "type": TYPE, "properties": props});
            store.put(&id, lock.clone(), created);
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(Reply::json(status, lock))
        }
        (LOCK, &Method::GET) => {
            ensure_scope(req, store, scope)?;
            let id = lock_id(scope, name);
            match store.get(&id) {
                Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
                _ => Err(ArmError::new(
                    StatusCode::NOT_FOUND,
                    "LockNotFound",
                    format!("The lock '{name}' could not be found."),
                )),
            }
        }
        (LOCK, &Method::DELETE) => {
            ensure_scope(req, store, scope)?;
            match store.remove(&lock_id(scope, name)) {
                Some(_) => Ok(Reply::empty(StatusCode::OK)),
                None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
            }
        }
        (LOCKS, &Method::GET) => {
            ensure_scope(req, store, scope)?;
            let lag = req.app.faults.profile.read_after_write_lag_ms;
            let items = locks_at_or_above(store, scope)
                .into_iter()
                .filter(|l| {
                    l.get("id")
                        .and_then(Value::as_str)
                        .is_none_or(|id| !store.in_lag_window(id, lag))
                })
                .collect();
            list_reply(items)
        }
        _ => Err(method_not_allowed(req)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vault_scope_inherits_from_its_group_and_subscription() {
        assert_eq!(
            scopes_above(
                "/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv"
            ),
            vec![
                "/subscriptions/s".to_string(),
                "/subscriptions/s/resourcegroups/rg".to_string(),
                "/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv"
                    .to_string(),
            ]
        );
    }
}
