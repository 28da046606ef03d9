//! Request-body clean-up as a pipeline policy: removes `null` members from JSON request
//! bodies. ARM's schemas type optional fields as strings, objects, …, so a `null` does not
//! conform; kept from the azure_mgmt era (whose models serialised absent fields as `null`) so no
//! body, however built, sends one. Absent and `null` mean the same to ARM, so dropping them changes nothing else.
//! It must not touch non-JSON bodies or anything but `null` members.

use std::sync::Arc;

use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Body, Context, Request};
use serde_json::Value;

/// Drops `null` object members from JSON request bodies.
#[derive(Debug, Default)]
pub struct StripNullsPolicy;

impl StripNullsPolicy {
    /// The policy, for `per_call_policies_mut()`.
    pub fn shared() -> Arc<dyn Policy> {
        Arc::new(Self)
    }
}

/// Removes every `null` member of every object in `value`, recursively.
pub fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[async_trait::async_trait]
impl Policy for StripNullsPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let cleaned = match request.body() {
            Body::Bytes(bytes) if !bytes.is_empty() => {
                serde_json::from_slice::<Value>(bytes).ok().map(|mut v| {
                    strip_nulls(&mut v);
                    v
                })
            }
            _ => None,
        };
        if let Some(v) = cleaned
            && let Ok(bytes) = serde_json::to_vec(&v)
        {
            request.set_body(bytes);
        }
        next[0].send(ctx, request, &next[1..]).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_nested_nulls_only() {
        let mut v = serde_json::json!({ "a": null, "b": { "c": null, "d": 1 }, "e": [{ "f": null }], "g": false });
        super::strip_nulls(&mut v);
        assert_eq!(
            v,
            serde_json::json!({ "b": { "d": 1 }, "e": [{}], "g": false })
        );
    }
}
