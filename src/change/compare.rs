//! How an owned field's desired value is compared with its live value. Pure functions; the
//! rules, in one place:
//!
//! - only the fields present in the desired body are compared (everything else is not ours,
//!   including server-computed fields such as `provisioningState`, `vaultUri`, `systemData`);
//! - ARM resource IDs (strings starting with `/subscriptions/` or `/providers/`) and enum-like
//!   fields ([`CASE_INSENSITIVE_KEYS`]) compare case-insensitively;
//! - IP addresses and CIDR networks compare as normalised networks (`203.0.113.4` ==
//!   `203.0.113.4/32`);
//! - an empty desired list or object (`[]`, `{}`) or `false` matches an absent live field (ARM
//!   omits them);
//! - `ipRules` and `virtualNetworkRules` compare as sets (duplicates collapse);
//! - numbers compare by value (`90` == `90.0`);
//! - arrays compare as multisets: same length, and every desired element matches a distinct live
//!   element (elements are compared with these same rules, so extra server fields inside an
//!   element are ignored);
//! - objects compare key by key over the desired keys only.
//!
//! It must not decide what to send; see `diff` and `merge`.

use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::Value;

/// Keys whose string values ARM treats as case-insensitive (enums, locations, categories).
/// Source: ARM returns enum values and locations in its own casing (e.g. `global` for `Global`).
pub const CASE_INSENSITIVE_KEYS: &[&str] = &[
    "location",
    "name",
    "family",
    "defaultAction",
    "bypass",
    "publicNetworkAccess",
    "principalType",
    "operator",
    "timeAggregation",
    "criterionType",
    "odata.type",
    "metricNamespace",
    "metricName",
    "category",
    "categoryGroup",
    "field",
    "equals",
    "windowSize",
    "evaluationFrequency",
    "targetResourceType",
    "targetResourceRegion",
    "createMode",
];

/// Whether `live` satisfies `desired` under the rules above. `key` is the object key the values
/// sit under (used for the case-insensitive key list), or `""` at the top.
pub fn matches(key: &str, desired: &Value, live: &Value) -> bool {
    match (desired, live) {
        (Value::Null, _) => true,
        (Value::Object(d), Value::Object(l)) => d.iter().all(|(k, dv)| match l.get(k) {
            Some(lv) => matches(k, dv, lv),
            None => is_empty(dv),
        }),
        (Value::Array(d), Value::Array(l)) => arrays_match(key, d, l),
        (Value::String(d), Value::String(l)) => strings_match(key, d, l),
        (Value::Number(d), Value::Number(l)) => d.as_f64() == l.as_f64(),
        (Value::Number(d), Value::String(l)) | (Value::String(l), Value::Number(d)) => {
            l.parse::<f64>().ok() == d.as_f64()
        }
        (d, l) => d == l,
    }
}

/// Whether `v` says nothing: `null`, `[]`, `{}` or `false`. ARM omits empty lists and objects
/// and `false` flags from what GET returns, so such a desired value matches an absent live one.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// Lists ARM treats as sets: duplicates collapse, order does not matter (source: Key Vault
/// `networkAcls` — an IP rule or VNet rule is either present or not).
pub const SET_KEYS: &[&str] = &["ipRules", "virtualNetworkRules"];

fn arrays_match(key: &str, desired: &[Value], live: &[Value]) -> bool {
    if SET_KEYS.contains(&key) {
        return desired
            .iter()
            .all(|d| live.iter().any(|l| matches(key, d, l)))
            && live
                .iter()
                .all(|l| desired.iter().any(|d| matches(key, d, l)));
    }
    if desired.len() != live.len() {
        return false;
    }
    let mut used = vec![false; live.len()];
    desired.iter().all(|d| {
        let found = live
            .iter()
            .enumerate()
            .find(|(i, l)| !used[*i] && matches(key, d, l));
        match found {
            Some((i, _)) => {
                used[i] = true;
                true
            }
            None => false,
        }
    })
}

fn strings_match(key: &str, desired: &str, live: &str) -> bool {
    if desired == live {
        return true;
    }
    if is_arm_id(desired) || CASE_INSENSITIVE_KEYS.contains(&key) {
        return desired.eq_ignore_ascii_case(live);
    }
    match (normalize_network(desired), normalize_network(live)) {
        (Some(d), Some(l)) => d == l,
        _ => false,
    }
}

/// Whether `s` looks like an ARM resource ID (compared case-insensitively).
pub fn is_arm_id(s: &str) -> bool {
    let lower = s.get(..15).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("/subscriptions/") || lower.starts_with("/providers/")
}

/// `203.0.113.4` → `203.0.113.4/32`, `203.0.113.0/24` → itself (host bits cleared); `None` when
/// `s` is neither an IP address nor a CIDR network.
pub fn normalize_network(s: &str) -> Option<IpNet> {
    if let Ok(net) = s.parse::<IpNet>() {
        return Some(net.trunc());
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bare_ip_equals_slash_32() {
        assert!(matches(
            "value",
            &json!("203.0.113.4"),
            &json!("203.0.113.4/32")
        ));
        assert!(!matches(
            "value",
            &json!("203.0.113.4"),
            &json!("203.0.113.5/32")
        ));
    }

    #[test]
    fn ids_and_enums_ignore_case_but_tags_do_not() {
        let id = "/subscriptions/A/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v";
        assert!(matches("id", &json!(id), &json!(id.to_lowercase())));
        assert!(matches("defaultAction", &json!("Deny"), &json!("deny")));
        assert!(!matches("owner", &json!("Platform"), &json!("platform")));
    }

    #[test]
    fn arrays_are_multisets_and_extra_live_elements_differ() {
        let d = json!([{ "value": "10.0.0.0/24" }, { "value": "203.0.113.4" }]);
        let l = json!([{ "value": "203.0.113.4/32" }, { "value": "10.0.0.0/24" }]);
        assert!(matches("ipRules", &d, &l));
        let l3 = json!([{ "value": "203.0.113.4/32" }, { "value": "10.0.0.0/24" }, { "value": "1.1.1.1/32" }]);
        assert!(!matches("ipRules", &d, &l3));
    }

    #[test]
    fn ip_rules_are_sets_of_normalised_networks() {
        let d = json!([{ "value": "203.0.113.4" }, { "value": "203.0.113.4/32" }]);
        let l = json!([{ "value": "203.0.113.4/32" }]);
        assert!(matches("ipRules", &d, &l), "duplicates collapse");
        let l2 = json!([{ "value": "203.0.113.4/32" }, { "value": "198.51.100.0/24" }]);
        assert!(!matches("ipRules", &d, &l2), "an added rule differs");
        let d_host = json!([{ "value": "10.1.2.3/24" }]);
        let l_net = json!([{ "value": "10.1.2.0/24" }]);
        assert!(matches("ipRules", &d_host, &l_net), "host bits cleared");
    }

    #[test]
    fn subnet_ids_compare_case_insensitively_inside_vnet_rules() {
        let d = json!([{ "id": "/subscriptions/S/resourceGroups/RG-Net/providers/Microsoft.Network/virtualNetworks/VNet/subnets/Snet-A",
            "ignoreMissingVnetServiceEndpoint": false }]);
        let l = json!([{ "id": "/subscriptions/s/resourcegroups/rg-net/providers/microsoft.network/virtualnetworks/vnet/subnets/snet-a" }]);
        assert!(matches("virtualNetworkRules", &d, &l));
    }

    #[test]
    fn server_fields_and_number_forms_are_ignored() {
        let d = json!({ "properties": { "softDeleteRetentionInDays": 90, "tenantId": "t" } });
        let l = json!({ "id": "x", "properties": { "softDeleteRetentionInDays": 90.0, "tenantId": "t", "provisioningState": "Succeeded" } });
        assert!(matches("", &d, &l));
    }
}
