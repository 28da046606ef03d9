//! Subnets (Microsoft.Network 2023-09-01): PUT, GET. A subnet kvinit references but nobody created
//! is answered as a synthetic subnet with the `Microsoft.KeyVault` service endpoint when
//! `assume_referenced_exist` is on (kvinit's `--emulator` mode takes referenced resources as
//! existing and ready); otherwise 404.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Outcome, Reply, Req, body, method_not_allowed, visible};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const TYPE: &str = "Microsoft.Network/virtualNetworks/subnets";

fn subnet_id(sub: &str, rg: &str, vnet: &str, name: &str) -> String {
    format!(
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}"
    )
}

fn etag() -> String {
    format!("W/\"{}\"", uuid::Uuid::new_v4())
}

/// This route's descriptor (registered in `routes::ROUTES`): a subnet of a virtual network.
pub(crate) static ROUTE: Route = Route {
    paths: &[PathShape {
        name: SUBNET,
        pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/virtualnetworks/{vnet}/subnets/{name}",
    }],
    versions: &[current("2023-09-01", SPEC_2023_09_01)],
    operations: &[
        op(SUBNET, "PUT", "Subnets_CreateOrUpdate"),
        op(SUBNET, "GET", "Subnets_Get"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/virtualnetworks/{vnet}/subnets/{name}` path shape.
const SUBNET: &str = "Subnet";
/// The 2023-09-01 spec file.
const SPEC_2023_09_01: SpecFile =
    spec_file!("network/resource-manager/Microsoft.Network/stable/2023-09-01/virtualNetwork.json");

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, vnet, name) = (
        t.param("sub"),
        t.param("rg"),
        t.param("vnet"),
        t.param("name"),
    );
    let id = subnet_id(sub, rg, vnet, name);
    match req.method {
        Method::PUT => {
            let body = body(req)?;
            let mut props = body
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Some(eps) = props
                .get_mut("serviceEndpoints")
                .and_then(Value::as_array_mut)
            {
                for ep in eps {
                    ep["provisioningState"] = json!("Succeeded");
                    if ep.get("locations").is_none() {
                        ep["locations"] = json!(["*"]);
                    }
                }
            }
            props.insert("provisioningState".into(), json!("Succeeded"));
            let created = store.get(&id).is_none();
            let subnet =
                json!({"id": id, "name": name, "type": TYPE, "etag": etag(), "properties": props});
            store.put(&id, subnet.clone(), created);
            Ok(Reply::json(
                if created {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                },
                subnet,
            ))
        }
        Method::GET => match store.get(&id) {
            Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
            Some(_) => Err(not_found(vnet, name, rg)),
            None if req.app.assume_referenced_exist => Ok(Reply::json(
                StatusCode::OK,
                json!({
                    "id": id, "name": name, "type": TYPE, "etag": etag(),
                    "properties": {
                        "provisioningState": "Succeeded",
                        "addressPrefix": "10.0.0.0/24",
                        "serviceEndpoints": [{"service": "Microsoft.KeyVault", "locations": ["*"], "provisioningState": "Succeeded"}],
                        "privateEndpointNetworkPolicies": "Disabled",
                        "privateLinkServiceNetworkPolicies": "Enabled",
                    }
                }),
            )),
            None => Err(not_found(vnet, name, rg)),
        },
        _ => Err(method_not_allowed(req)),
    }
}

fn not_found(vnet: &str, name: &str, rg: &str) -> ArmError {
    ArmError::resource_not_found(
        "Microsoft.Network/virtualNetworks/subnets",
        &format!("{vnet}/{name}"),
        Some(rg),
    )
}
