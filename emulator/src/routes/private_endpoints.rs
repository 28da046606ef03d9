//! Private endpoints (Microsoft.Network 2023-09-01): PUT, GET, list per subscription. Owns their
//! rules: the resource group must exist; the subnet must exist (unless referenced resources are
//! assumed to exist) and must not be delegated; each `privateLinkServiceConnections` entry must
//! name an existing vault with group ID `vault`. A connection is `Pending` for the fault
//! profile's `privateEndpointApprovalMs`, then `Approved`; the vault's read-only
//! `privateEndpointConnections` follow it.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    Outcome, Reply, Req, body, ensure_rg, list_under, method_not_allowed, tags_of, visible,
};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const TYPE: &str = "Microsoft.Network/privateEndpoints";
const VAULT_TYPE: &str = "microsoft.keyvault/vaults";

fn endpoint_id(sub: &str, rg: &str, name: &str) -> String {
    format!(
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateEndpoints/{name}"
    )
}

fn etag() -> String {
    format!("W/\"{}\"", uuid::Uuid::new_v4())
}

/// This route's descriptor (registered in `routes::ROUTES`): a private endpoint, and the endpoints of a subscription.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: PRIVATE_ENDPOINT,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/privateendpoints/{name}",
        },
        PathShape {
            name: PRIVATE_ENDPOINTS_IN_SUBSCRIPTION,
            pattern: "subscriptions/{sub}/providers/microsoft.network/privateendpoints",
        },
    ],
    versions: &[current("2023-09-01", SPEC_2023_09_01)],
    operations: &[
        op(PRIVATE_ENDPOINT, "PUT", "PrivateEndpoints_CreateOrUpdate"),
        op(PRIVATE_ENDPOINT, "GET", "PrivateEndpoints_Get"),
        op(
            PRIVATE_ENDPOINTS_IN_SUBSCRIPTION,
            "GET",
            "PrivateEndpoints_ListBySubscription",
        ),
    ],
    handle,
    settle: Some(settle_approvals),
    stored_types: &["Microsoft.Network/privateEndpoints"],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/privateendpoints/{name}` path shape.
const PRIVATE_ENDPOINT: &str = "PrivateEndpoint";
/// The `subscriptions/{sub}/providers/microsoft.network/privateendpoints` path shape.
const PRIVATE_ENDPOINTS_IN_SUBSCRIPTION: &str = "PrivateEndpointsInSubscription";
/// The 2023-09-01 spec file.
const SPEC_2023_09_01: SpecFile =
    spec_file!("network/resource-manager/Microsoft.Network/stable/2023-09-01/privateEndpoint.json");

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, name) = (t.param("sub"), t.param("rg"), t.param("name"));
    match (req.target.shape, &req.method) {
        (PRIVATE_ENDPOINT, &Method::PUT) => put(req, store, sub, rg, name),
        (PRIVATE_ENDPOINT, &Method::GET) => {
            ensure_rg(store, sub, rg)?;
            let id = endpoint_id(sub, rg, name);
            match store.get(&id) {
                Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
                _ => Err(ArmError::resource_not_found(TYPE, name, Some(rg))),
            }
        }
        (PRIVATE_ENDPOINTS_IN_SUBSCRIPTION, &Method::GET) => super::list_reply(list_under(
            req,
            store,
            &format!("/subscriptions/{sub}"),
            TYPE,
        )),
        _ => Err(method_not_allowed(req)),
    }
}

fn put(req: &Req<'_>, store: &mut Store, sub: &str, rg: &str, name: &str) -> Outcome {
    let body = body(req)?;
    ensure_rg(store, sub, rg)?;
    let id = endpoint_id(sub, rg, name);
    let subnet_id = body
        .pointer("/properties/subnet/id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if subnet_id.is_empty() {
        return Err(
            ArmError::bad_request("Private endpoint must reference a subnet.")
                .with_target("properties.subnet.id"),
        );
    }
    match store.get(&subnet_id) {
        Some(subnet) => {
            let delegated = subnet
                .pointer("/properties/delegations")
                .and_then(Value::as_array)
                .is_some_and(|d| !d.is_empty());
            if delegated {
                return Err(ArmError::new(
                    StatusCode::BAD_REQUEST,
                    "PrivateEndpointCreationNotAllowedAsSubnetIsDelegated",
                    format!(
                        "Private endpoint {id} cannot be created in subnet {subnet_id} since it is delegated."
                    ),
                ));
            }
        }
        None if req.app.assume_referenced_exist => {}
        None => {
            return Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "InvalidResourceReference",
                format!(
                    "Resource {subnet_id} referenced by resource {id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region."
                ),
            ));
        }
    }
    let delay = req.app.faults.profile.private_endpoint_approval_ms;
    let status = if delay == 0 { "Approved" } else { "Pending" };
    let mut connections = Vec::new();
    for (i, c) in body
        .pointer("/properties/privateLinkServiceConnections")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let target = c
            .pointer("/properties/privateLinkServiceId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let is_vault =
            crate::target::parse_resource_id(&target).is_some_and(|(_, _, t, _)| t == VAULT_TYPE);
        if !is_vault || store.get(&target).is_none() {
            return Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "InvalidResourceReference",
                format!("Resource {target} referenced by resource {id} was not found."),
            )
            .with_target(format!(
                "properties.privateLinkServiceConnections[{i}].properties.privateLinkServiceId"
            )));
        }
        let groups = c
            .pointer("/properties/groupIds")
            .cloned()
            .unwrap_or_else(|| json!([]));
        if groups != json!(["vault"]) {
            return Err(ArmError::bad_request(format!(
                "Group IDs {groups} are not supported by Microsoft.KeyVault/vaults; the only group ID is 'vault'."
            ))
            .with_target(format!(
                "properties.privateLinkServiceConnections[{i}].properties.groupIds"
            )));
        }
        let cname = c
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string();
        connections.push(json!({
            "id": format!("{id}/privateLinkServiceConnections/{cname}"),
            "name": cname,
            "type": "Microsoft.Network/privateEndpoints/privateLinkServiceConnections",
            "etag": etag(),
            "properties": {
                "provisioningState": "Succeeded",
                "privateLinkServiceId": target,
                "groupIds": groups,
                "privateLinkServiceConnectionState": {
                    "status": status,
                    "description": "",
                    "actionsRequired": "None"
                }
            }
        }));
    }
    let created = store.get(&id).is_none();
    let endpoint = json!({
        "id": id,
        "name": name,
        "type": TYPE,
        "location": body.get("location").cloned().unwrap_or_else(|| json!("")),
        "tags": tags_of(&body),
        "etag": etag(),
        "properties": {
            "provisioningState": "Succeeded",
            "subnet": { "id": subnet_id },
            "networkInterfaces": [],
            "privateLinkServiceConnections": connections,
            "manualPrivateLinkServiceConnections": [],
            "customDnsConfigs": []
        }
    });
    store.put(&id, endpoint.clone(), created);
    record_on_vaults(store, &endpoint);
    if delay > 0 {
        store.approving_until.insert(
            id.to_ascii_lowercase(),
            Instant::now() + Duration::from_millis(delay),
        );
    }
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Reply::json(code, endpoint))
}

/// Puts (or refreshes) this endpoint's connection in each target vault's read-only
/// `properties.privateEndpointConnections`, with the endpoint's connection state.
fn record_on_vaults(store: &mut Store, endpoint: &Value) {
    let pe_id = endpoint["id"].as_str().unwrap_or_default().to_string();
    let pe_name = endpoint["name"].as_str().unwrap_or_default().to_string();
    let connections = endpoint
        .pointer("/properties/privateLinkServiceConnections")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for c in connections {
        let Some(vault_id) = c
            .pointer("/properties/privateLinkServiceId")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(mut vault) = store.get(vault_id).cloned() else {
            continue;
        };
        let vault_id = vault["id"].as_str().unwrap_or(vault_id).to_string();
        let entry = json!({
            "id": format!("{vault_id}/privateEndpointConnections/{pe_name}"),
            "etag": etag(),
            "properties": {
                "privateEndpoint": { "id": pe_id },
                "privateLinkServiceConnectionState":
                    c.pointer("/properties/privateLinkServiceConnectionState").cloned().unwrap_or_else(|| json!({})),
                "provisioningState": "Succeeded"
            }
        });
        let props = &mut vault["properties"];
        let list = props
            .as_object_mut()
            .map(|p| {
                p.entry("privateEndpointConnections")
                    .or_insert_with(|| json!([]))
            })
            .and_then(Value::as_array_mut);
        if let Some(list) = list {
            list.retain(|e| {
                !e.pointer("/properties/privateEndpoint/id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(&pe_id))
            });
            list.push(entry);
        }
        store.put(&vault_id, vault, false);
    }
}

/// Approves the connections of endpoints whose approval delay is over, on the endpoint and on
/// the vault. Called before every request is routed.
pub(crate) fn settle_approvals(store: &mut Store) {
    if store.approving_until.is_empty() {
        return;
    }
    let now = Instant::now();
    let due: Vec<String> = store
        .approving_until
        .iter()
        .filter(|(_, until)| **until <= now)
        .map(|(k, _)| k.clone())
        .collect();
    for key in due {
        store.approving_until.remove(&key);
        let Some(mut endpoint) = store.get(&key).cloned() else {
            continue;
        };
        if let Some(list) = endpoint
            .pointer_mut("/properties/privateLinkServiceConnections")
            .and_then(Value::as_array_mut)
        {
            for c in list {
                c["properties"]["privateLinkServiceConnectionState"]["status"] = json!("Approved");
            }
        }
        let id = endpoint["id"].as_str().unwrap_or(&key).to_string();
        store.put(&id, endpoint.clone(), false);
        record_on_vaults(store, &endpoint);
    }
}
