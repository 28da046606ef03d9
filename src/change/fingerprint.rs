//! Fingerprints of live state: what a saved change set remembers about each resource so that
//! `kvinit apply FILE` can tell whether live state moved since the plan. Pure; it must not read
//! anything.
//!
//! - a resource that does not exist: [`ABSENT`];
//! - ARM gave an `etag`: `etag:<value>` (ARM changes it on every write);
//! - else `sha256:<hex>` of the canonical JSON (keys sorted) of the fields that matter:
//!   for an `update`, the whole writable live body (the saved body carries what kvinit does not
//!   own, so any change to it makes the body wrong); otherwise only the fields kvinit owns (the
//!   desired body's paths), so another team's tag does not make a no-change plan stale.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::merge::strip_read_only;

/// The fingerprint of a resource that does not exist.
pub const ABSENT: &str = "absent";

/// The fingerprint of `live` (`None`: absent). `desired` is the plan's body (for the owned
/// fields); `whole` hashes the whole writable body instead (for updates).
pub fn of(desired: &Value, live: Option<&Value>, whole: bool) -> String {
    let Some(live) = live else {
        return ABSENT.to_string();
    };
    if let Some(etag) = live.get("etag").and_then(Value::as_str) {
        return format!("etag:{etag}");
    }
    let basis = if whole {
        strip_read_only(live)
    } else {
        project(desired, live)
    };
    let mut hasher = Sha256::new();
    hasher.update(canonical(&basis).to_string().as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `sha256:<hex>` of the canonical JSON (keys sorted) of `v`: the digest `plan --out` records
/// for each body it saves, so `apply FILE` can tell an edited body.
pub fn digest(v: &Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(canonical(v).to_string().as_bytes());
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// The first dotted path where `a` and `b` differ (compared canonically; array entries by
/// index), or `None` when they are equal. `""` is the root.
pub fn first_difference(a: &Value, b: &Value) -> Option<String> {
    fn walk(path: &str, a: &Value, b: &Value) -> Option<String> {
        let join = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => walk(&join(k), p, q),
                    _ => Some(join(k)),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| walk(&join(&i.to_string()), p, q)),
            _ if a == b => None,
            _ => Some(path.to_string()),
        }
    }
    walk("", a, b)
}

/// The live values at the desired body's object paths (arrays and scalars whole).
fn project(desired: &Value, live: &Value) -> Value {
    match (desired, live) {
        (Value::Object(d), Value::Object(l)) => Value::Object(
            d.iter()
                .filter_map(|(k, dv)| l.get(k).map(|lv| (k.clone(), project(dv, lv))))
                .collect(),
        ),
        (_, l) => l.clone(),
    }
}

/// `v` with every object's keys sorted, so equal JSON hashes equally.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), canonical(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn owned_fields_only_unless_whole() {
        let desired = json!({ "tags": { "owner": "p" }, "properties": { "x": 1 } });
        let a = json!({ "id": "i", "tags": { "owner": "p", "team": "a" }, "properties": { "x": 1, "y": 2 } });
        let b = json!({ "properties": { "y": 3, "x": 1 }, "tags": { "team": "b", "owner": "p" }, "id": "i" });
        assert_eq!(of(&desired, Some(&a), false), of(&desired, Some(&b), false));
        assert_ne!(of(&desired, Some(&a), true), of(&desired, Some(&b), true));
        let c = json!({ "tags": { "owner": "q" }, "properties": { "x": 1 } });
        assert_ne!(of(&desired, Some(&a), false), of(&desired, Some(&c), false));
        assert_eq!(of(&desired, None, false), ABSENT);
        assert_eq!(
            of(&desired, Some(&json!({ "etag": "W/\"7\"" })), true),
            "etag:W/\"7\""
        );
    }

    #[test]
    fn key_order_does_not_matter() {
        let d = json!({});
        let a = json!({ "a": 1, "b": { "c": 2, "d": 3 } });
        let b = json!({ "b": { "d": 3, "c": 2 }, "a": 1 });
        assert_eq!(of(&d, Some(&a), true), of(&d, Some(&b), true));
    }
}
