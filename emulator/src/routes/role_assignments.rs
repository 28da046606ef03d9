//! Role assignments at any scope (Microsoft.Authorization 2022-04-01): PUT, GET, DELETE (200 with
//! the deleted assignment, 204 when there is none, as `RoleAssignments_Delete`; kvinit sends it
//! only to revoke a grant it made itself), list for a scope with optional `$filter` (`atScope()`,
//! `principalId eq '…'`). Owns the Authorization RP's rules: GUID names, the scope must exist,
//! one assignment per (scope, principal, role), assignments are immutable.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::role_definitions;
use super::{Outcome, Reply, Req, body, ensure_scope, list_reply, method_not_allowed, visible};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const TYPE: &str = "Microsoft.Authorization/roleAssignments";

fn assignment_id(scope: &str, name: &str) -> String {
    let scope = if scope == "/" { "" } else { scope };
    format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}")
}

/// The role-definition GUID at the end of a role definition ID, lower-cased.
fn role_guid(id: &str) -> String {
    id.rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// This route's descriptor (registered in `routes::ROUTES`): a role assignment at any scope, and the assignments at a scope.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: ROLE_ASSIGNMENT,
            pattern: "{scope}/providers/microsoft.authorization/roleassignments/{name}",
        },
        PathShape {
            name: ROLE_ASSIGNMENTS,
            pattern: "{scope}/providers/microsoft.authorization/roleassignments",
        },
    ],
    versions: &[current("2022-04-01", SPEC_2022_04_01)],
    operations: &[
        op(ROLE_ASSIGNMENT, "PUT", "RoleAssignments_Create"),
        op(ROLE_ASSIGNMENT, "GET", "RoleAssignments_Get"),
        op(ROLE_ASSIGNMENTS, "GET", "RoleAssignments_ListForScope"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

/// The `{scope}/providers/microsoft.authorization/roleassignments/{name}` path shape.
const ROLE_ASSIGNMENT: &str = "RoleAssignment";
/// The `{scope}/providers/microsoft.authorization/roleassignments` path shape.
const ROLE_ASSIGNMENTS: &str = "RoleAssignments";
/// The 2022-04-01 spec file.
const SPEC_2022_04_01: SpecFile = spec_file!(
    "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json"
);

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (scope, name) = (t.param("scope"), t.param("name"));
    match (req.target.shape, &req.method) {
        (ROLE_ASSIGNMENT, &Method::PUT) => put(req, store, scope, name),
        (ROLE_ASSIGNMENT, &Method::GET) => {
            let id = assignment_id(scope, name);
            match store.get(&id) {
                Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
                _ => Err(not_found(name)),
            }
        }
        (ROLE_ASSIGNMENT, &Method::DELETE) => match store.remove(&assignment_id(scope, name)) {
            Some(v) => Ok(Reply::json(StatusCode::OK, v)),
            None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
        },
        (ROLE_ASSIGNMENTS, &Method::GET) => list(req, store, scope),
        _ => Err(method_not_allowed(req)),
    }
}

/// 404 `RoleAssignmentNotFound` (source: Authorization RP).
fn not_found(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "RoleAssignmentNotFound",
        format!("The role assignment '{name}' is not found."),
    )
}

fn put(req: &Req<'_>, store: &mut Store, scope: &str, name: &str) -> Outcome {
    let body = body(req)?;
    if req.app.faults.principal_unknown() {
        // Source: Authorization RP, the answer for a principal Entra has not replicated yet.
        let principal = body
            .pointer("/properties/principalId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "PrincipalNotFound",
            format!(
                "Principal {} does not exist in the directory. Check that you have the correct \
                 principal ID. If you are creating this principal and then immediately assigning \
                 a role, this error might be related to a replication delay.",
                principal.replace('-', "")
            ),
        ));
    }
    if uuid::Uuid::parse_str(name).is_err() {
        // Source: Authorization RP, `InvalidRoleAssignmentId`.
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "InvalidRoleAssignmentId",
            format!(
                "The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."
            ),
        ));
    }
    ensure_scope(req, store, scope)?;
    let props = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    let role_id = props
        .get("roleDefinitionId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let principal = props
        .get("principalId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let guid = role_guid(&role_id);
    if uuid::Uuid::parse_str(&guid).is_err()
        || (!req.app.assume_referenced_exist && role_definitions::builtin(&guid).is_none())
    {
        // Source: Authorization RP, `RoleDefinitionDoesNotExist`.
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "RoleDefinitionDoesNotExist",
            format!("The specified role definition with ID '{guid}' does not exist."),
        )
        .with_target("properties.roleDefinitionId"));
    }
    let id = assignment_id(scope, name);
    let scope_norm = if scope == "/" {
        "/".to_string()
    } else {
        scope.to_string()
    };
    let same = |v: &Value| {
        v.pointer("/properties/scope")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(&scope_norm))
            && v.pointer("/properties/principalId")
                .and_then(Value::as_str)
                .is_some_and(|p| p.eq_ignore_ascii_case(&principal))
            && v.pointer("/properties/roleDefinitionId")
                .and_then(Value::as_str)
                .is_some_and(|r| role_guid(r) == guid)
    };
    if let Some(existing) = store.get(&id).cloned() {
        if same(&existing) {
            return Ok(Reply::json(StatusCode::CREATED, existing));
        }
        // Source: Authorization RP — role assignments cannot be updated in place.
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "RoleAssignmentUpdateNotPermitted",
            "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        ));
    }
    let duplicate = store
        .role_assignments_at(&scope_norm)
        .filter_map(|k| store.get(k))
        .any(|v| v.get("type").and_then(Value::as_str) == Some(TYPE) && same(v));
    if duplicate {
        // Source: Authorization RP, 409 `RoleAssignmentExists`.
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "RoleAssignmentExists",
            "The role assignment already exists.",
        ));
    }
    let now = crate::clock::now_rfc3339();
    let mut properties = json!({
        "roleDefinitionId": role_id,
        "principalId": principal,
        "principalType": props.get("principalType").cloned().unwrap_or_else(|| json!("User")),
        "scope": scope_norm,
        "createdOn": now,
        "updatedOn": now,
        "createdBy": req.client_id,
        "updatedBy": req.client_id,
    });
    for key in [
        "description",
        "condition",
        "conditionVersion",
        "delegatedManagedIdentityResourceId",
    ] {
        if let Some(v) = props.get(key) {
            properties[key] = v.clone();
        }
    }
    let created = json!({"id": id, "name": name, "type": TYPE, "properties": properties});
    store.put(&id, created.clone(), true);
    Ok(Reply::json(StatusCode::CREATED, created))
}

/// Whether scope `a` is `b` or an ancestor of `b` (case-insensitive, `/` is the root).
fn is_at_or_above(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a == "/" || a == b || b.starts_with(&format!("{a}/"))
}

fn list(req: &Req<'_>, store: &Store, scope: &str) -> Outcome {
    ensure_scope(req, store, scope)?;
    let filter = req
        .query
        .get("$filter")
        .map(String::as_str)
        .unwrap_or_default();
    let at_scope = filter.contains("atScope()");
    let principal = filter
        .split("principalId eq '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_ascii_lowercase);
    let lag = req.app.faults.profile.read_after_write_lag_ms;
    // Candidates from the scope index: the scope's ancestors (and itself), plus its
    // descendants unless `atScope()`; then the same filters as before, in ID order.
    let mut keys: Vec<&String> = if at_scope {
        let lower = scope.to_ascii_lowercase();
        let mut scopes = vec!["/".to_string()];
        let mut acc = String::new();
        for seg in lower.split('/').filter(|s| !s.is_empty()) {
            acc.push('/');
            acc.push_str(seg);
            scopes.push(acc.clone());
        }
        scopes
            .iter()
            .flat_map(|s| store.role_assignments_at(s))
            .collect()
    } else {
        store.role_assignments().collect()
    };
    keys.sort_unstable();
    keys.dedup();
    let items = keys
        .into_iter()
        .filter_map(|k| store.get(k).map(|v| (k, v)))
        .filter(|(k, v)| {
            v.get("type").and_then(Value::as_str) == Some(TYPE) && !store.in_lag_window(k, lag)
        })
        .map(|(_, v)| v)
        .filter(|v| {
            let s = v
                .pointer("/properties/scope")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if at_scope {
                is_at_or_above(s, scope)
            } else {
                is_at_or_above(s, scope) || is_at_or_above(scope, s)
            }
        })
        .filter(|v| {
            principal.as_ref().is_none_or(|p| {
                v.pointer("/properties/principalId")
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(p))
            })
        })
        .cloned()
        .collect();
    list_reply(items)
}
