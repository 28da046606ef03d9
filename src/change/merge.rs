//! Read-modify-write: the body apply PUTs to update an existing resource, built from the live
//! body so that what kvinit does not own (access policies, `enabledFor*`, other tags, …) is
//! carried over. Pure; it must not decide *whether* to update (that is `diff`).

use serde_json::{Map, Value};

/// Top-level fields ARM computes and never accepts back.
const READ_ONLY_TOP: &[&str] = &["id", "name", "type", "systemData", "etag"];
/// `properties` fields ARM computes (any type kvinit manages).
const READ_ONLY_PROPERTIES: &[&str] = &[
    "provisioningState",
    "privateEndpointConnections",
    "hsmPoolResourceId",
    "createdOn",
    "updatedOn",
    "createdBy",
    "updatedBy",
    "scope",
    "lastUpdatedTime",
];

/// Builds the update body: the live body without read-only fields, with the desired body merged
/// over it (objects merge key by key, arrays and scalars are replaced), then [`sanitize`]d.
pub fn read_modify_write(live: &Value, desired: &Value) -> Value {
    let mut body = strip_read_only(live);
    merge_into(&mut body, desired);
    sanitize(&mut body);
    body
}

/// Copies `live` without the fields ARM computes itself.
pub fn strip_read_only(live: &Value) -> Value {
    let mut body = live.clone();
    if let Value::Object(map) = &mut body {
        for key in READ_ONLY_TOP {
            map.remove(*key);
        }
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for key in READ_ONLY_PROPERTIES {
                props.remove(*key);
            }
        }
        map.retain(|_, v| !v.is_null());
    }
    body
}

/// Deep-merges `overlay` into `base`: objects merge recursively, everything else is replaced.
pub fn merge_into(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => merge_maps(b, o),
        (b, o) => *b = o.clone(),
    }
}

fn merge_maps(base: &mut Map<String, Value>, overlay: &Map<String, Value>) {
    for (k, v) in overlay {
        match base.get_mut(k) {
            Some(existing) if existing.is_object() && v.is_object() => merge_into(existing, v),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Removes what kvinit must never send: `properties.enablePurgeProtection: false` (purge
/// protection cannot be turned off, and kvinit never asks; source: Key Vault soft-delete
/// overview) and `properties.enableSoftDelete: false`.
pub fn sanitize(body: &mut Value) {
    if let Some(Value::Object(props)) = body.get_mut("properties") {
        for key in ["enablePurgeProtection", "enableSoftDelete"] {
            if props.get(key) == Some(&Value::Bool(false)) {
                props.remove(key);
            }
        }
    }
}

/// The fields of `body` kvinit never sends in any body, create or update, whatever a plan or a
/// saved change set says: `properties.enablePurgeProtection: false` and
/// `properties.enableSoftDelete: false` (Key Vault cannot undo either; [`sanitize`] drops them
/// from every body kvinit builds). The executor refuses a body that still has one.
pub fn never_sent(body: &Value) -> Option<&'static str> {
    let props = body.get("properties")?;
    [
        ("enablePurgeProtection", "properties.enablePurgeProtection"),
        ("enableSoftDelete", "properties.enableSoftDelete"),
    ]
    .into_iter()
    .find(|(key, _)| props.get(*key) == Some(&Value::Bool(false)))
    .map(|(_, path)| path)
}

/// Sets the value at dotted `path` in `body` to `value` (creating objects on the way).
pub fn set_path(body: &mut Value, path: &str, value: Value) {
    let mut cur = body;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let map = cur.as_object_mut().expect("just made an object");
        if i + 1 == parts.len() {
            map.insert((*part).to_string(), value);
            return;
        }
        cur = map
            .entry((*part).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_what_kvinit_does_not_own() {
        let live = json!({
            "id": "/x", "name": "kv", "type": "Microsoft.KeyVault/vaults", "location": "westeurope",
            "tags": { "owner": "platform", "costCenter": "42" },
            "properties": { "tenantId": "t", "enabledForDeployment": true,
                "accessPolicies": [{ "objectId": "o" }], "provisioningState": "Succeeded",
                "networkAcls": { "defaultAction": "Allow", "ipRules": [{ "value": "1.1.1.1/32" }] } }
        });
        let desired = json!({
            "location": "westeurope", "tags": { "owner": "platform" },
            "properties": { "networkAcls": { "defaultAction": "Deny", "ipRules": [] } }
        });
        let body = read_modify_write(&live, &desired);
        assert_eq!(body["tags"]["costCenter"], "42");
        assert_eq!(body["properties"]["enabledForDeployment"], true);
        assert_eq!(body["properties"]["accessPolicies"][0]["objectId"], "o");
        assert_eq!(body["properties"]["networkAcls"]["defaultAction"], "Deny");
        assert_eq!(body["properties"]["networkAcls"]["ipRules"], json!([]));
        assert!(body.get("id").is_none());
        assert!(body["properties"].get("provisioningState").is_none());
    }

    #[test]
    fn never_sends_purge_protection_false() {
        let live = json!({ "properties": { "enablePurgeProtection": false } });
        let body = read_modify_write(&live, &json!({ "properties": {} }));
        assert!(body["properties"].get("enablePurgeProtection").is_none());
    }
}
