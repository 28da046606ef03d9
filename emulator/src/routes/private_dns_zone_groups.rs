//! Private DNS zone groups of a private endpoint (Microsoft.Network 2023-09-01): PUT, GET, list.
//! Owns their rules: the endpoint must exist, at least one `privateDnsZoneConfigs` entry, each
//! naming a `Microsoft.Network/privateDnsZones` ID (the zone itself is taken as existing when
//! referenced resources are assumed to exist, else it must be stored).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Outcome, Reply, Req, body, ensure_rg, list_reply, method_not_allowed, visible};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;

const TYPE: &str = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

fn endpoint_id(sub: &str, rg: &str, endpoint: &str) -> String {
    format!(
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateEndpoints/{endpoint}"
    )
}

fn ensure_endpoint(store: &Store, sub: &str, rg: &str, endpoint: &str) -> Result<String, ArmError> {
    ensure_rg(store, sub, rg)?;
    let id = endpoint_id(sub, rg, endpoint);
    if store.get(&id).is_none() {
        return Err(ArmError::resource_not_found(
            "Microsoft.Network/privateEndpoints",
            endpoint,
            Some(rg),
        ));
    }
    Ok(id)
}

/// This route's descriptor (registered in `routes::ROUTES`): a private endpoint's DNS zone group, and the groups of an endpoint.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: PRIVATE_DNS_ZONE_GROUP,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/privateendpoints/{endpoint}/privatednszonegroups/{name}",
        },
        PathShape {
            name: PRIVATE_DNS_ZONE_GROUPS,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/privateendpoints/{endpoint}/privatednszonegroups",
        },
    ],
    versions: &[current("2023-09-01", SPEC_2023_09_01)],
    operations: &[
        op(
            PRIVATE_DNS_ZONE_GROUP,
            "PUT",
            "PrivateDnsZoneGroups_CreateOrUpdate",
        ),
        op(PRIVATE_DNS_ZONE_GROUP, "GET", "PrivateDnsZoneGroups_Get"),
        op(PRIVATE_DNS_ZONE_GROUPS, "GET", "PrivateDnsZoneGroups_List"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/privateendpoints/{endpoint}/privatednszonegroups/{name}` path shape.
const PRIVATE_DNS_ZONE_GROUP: &str = "PrivateDnsZoneGroup";
/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.network/privateendpoints/{endpoint}/privatednszonegroups` path shape.
const PRIVATE_DNS_ZONE_GROUPS: &str = "PrivateDnsZoneGroups";
/// The 2023-09-01 spec file.
const SPEC_2023_09_01: SpecFile =
    spec_file!("network/resource-manager/Microsoft.Network/stable/2023-09-01/privateEndpoint.json");

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, endpoint, name) = (
        t.param("sub"),
        t.param("rg"),
        t.param("endpoint"),
        t.param("name"),
    );
    match (req.target.shape, &req.method) {
        (PRIVATE_DNS_ZONE_GROUP, &Method::PUT) => {
            let body = body(req)?;
            let pe = ensure_endpoint(store, sub, rg, endpoint)?;
            let configs = body
                .pointer("/properties/privateDnsZoneConfigs")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if configs.is_empty() {
                return Err(ArmError::bad_request(
                    "A private DNS zone group needs at least one privateDnsZoneConfigs entry.",
                )
                .with_target("properties.privateDnsZoneConfigs"));
            }
            let mut out = Vec::new();
            for (i, c) in configs.iter().enumerate() {
                let zone = c
                    .pointer("/properties/privateDnsZoneId")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let is_zone = zone
                    .to_ascii_lowercase()
                    .contains("/providers/microsoft.network/privatednszones/");
                if !is_zone || (!req.app.assume_referenced_exist && store.get(zone).is_none()) {
                    return Err(ArmError::new(
                        StatusCode::BAD_REQUEST,
                        "InvalidResourceReference",
                        format!("Resource {zone} referenced by resource {pe} was not found."),
                    )
                    .with_target(format!(
                        "properties.privateDnsZoneConfigs[{i}].properties.privateDnsZoneId"
                    )));
                }
                let zone_name = zone.rsplit('/').next().unwrap_or_default();
                out.push(json!({
                    "name": c.get("name").cloned().unwrap_or_else(|| json!(zone_name.replace('.', "-"))),
                    "properties": {
                        "privateDnsZoneId": zone,
                        "recordSets": [{
                            "recordType": "A",
                            "recordSetName": endpoint,
                            "fqdn": format!("{endpoint}.{zone_name}"),
                            "provisioningState": "Succeeded",
                            "ttl": 10,
                            "ipAddresses": ["10.0.0.4"]
                        }]
                    }
                }));
            }
            let id = format!("{pe}/privateDnsZoneGroups/{name}");
            let created = store.get(&id).is_none();
            let group = json!({
                "id": id,
                "name": name,
                "type": TYPE,
                "etag": format!("W/\"{}\"", uuid::Uuid::new_v4()),
                "properties": {
                    "provisioningState": "Succeeded",
                    "privateDnsZoneConfigs": out
                }
            });
            store.put(&id, group.clone(), created);
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(Reply::json(status, group))
        }
        (PRIVATE_DNS_ZONE_GROUP, &Method::GET) => {
            let pe = ensure_endpoint(store, sub, rg, endpoint)?;
            let id = format!("{pe}/privateDnsZoneGroups/{name}");
            match store.get(&id) {
                Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
                _ => Err(ArmError::resource_not_found(TYPE, name, Some(rg))),
            }
        }
        (PRIVATE_DNS_ZONE_GROUPS, &Method::GET) => {
            let pe = ensure_endpoint(store, sub, rg, endpoint)?;
            list_reply(super::list_under(req, store, &pe, TYPE))
        }
        _ => Err(method_not_allowed(req)),
    }
}
