//! The input of every compliance check: a vault's ARM JSON body and its child resources, as
//! ARM receives (desired state) or returns them (live state). Each type's descriptor says where
//! its body goes (`ResourceType::evidence`). Must not depend on plan types.

use serde_json::Value;

use super::ResourceKind;

/// One vault and the resources around it, as ARM JSON bodies.
#[derive(Debug, Clone, Default)]
pub struct VaultEvidence<'a> {
    /// The vault's ARM resource ID.
    pub vault_id: &'a str,
    /// The vault body (`location`, `tags`, `properties`); `None` when the vault is missing.
    pub vault: Option<&'a Value>,
    /// Role assignments at vault scope.
    pub role_assignments: Vec<&'a Value>,
    /// Diagnostic settings on the vault.
    pub diagnostic_settings: Vec<&'a Value>,
    /// Metric alerts scoped to the vault.
    pub metric_alerts: Vec<&'a Value>,
    /// Activity log alerts about the vault.
    pub activity_log_alerts: Vec<&'a Value>,
    /// Action groups the alerts notify, with their IDs.
    pub action_groups: Vec<(&'a str, &'a Value)>,
    /// Private endpoints connecting to the vault.
    pub private_endpoints: Vec<&'a Value>,
    /// The DNS zone groups of those endpoints.
    pub private_dns_zone_groups: Vec<&'a Value>,
    /// Management locks on the vault (or inherited from its resource group).
    pub locks: Vec<&'a Value>,
}

impl<'a> VaultEvidence<'a> {
    /// Builds evidence from one vault's resources as `(kind, ARM resource ID, body)`, e.g. the
    /// desired state's while their bodies are still [`Value`]s: the vault (the last one wins if
    /// there were several), its role assignments, diagnostic settings, metric and activity log
    /// alerts, and the action groups; resource groups are ignored. Each resource goes where its
    /// type's descriptor puts it (`ResourceType::evidence`).
    pub fn from_resources(
        resources: impl IntoIterator<Item = (ResourceKind, &'a str, &'a Value)>,
    ) -> Self {
        let mut e = VaultEvidence::default();
        for (kind, id, body) in resources {
            (kind.descriptor().evidence)(&mut e, id, body);
        }
        e
    }

    /// `vault.properties.<pointer>` (JSON pointer without the leading `/properties`; see [`at`]).
    pub fn prop(&self, pointer: &str) -> Option<&'a Value> {
        at(self.vault?.get("properties")?, pointer)
    }

    /// The action group body with this ID (case-insensitive).
    pub fn action_group(&self, id: &str) -> Option<&'a Value> {
        self.action_groups
            .iter()
            .find(|(i, _)| i.eq_ignore_ascii_case(id))
            .map(|(_, b)| *b)
    }
}

/// The value at `pointer` (`/properties/networkAcls/ipRules`) under `v`: object keys and array
/// indices, like [`Value::pointer`], but without allocating. The rules' pointers are literals
/// with no `~0`/`~1` escapes; `serde_json`'s version un-escapes every segment into a new
/// `String`, which made it a fifth of `kvinit plan`'s time at 10,000 vaults (BENCHMARKS.md).
pub fn at<'v>(v: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(v);
    }
    let mut cur = v;
    for seg in pointer.strip_prefix('/')?.split('/') {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn at_walks_like_json_pointer() {
        let v = json!({ "properties": { "a": [{ "b": 1 }, { "b": 2 }], "odata.type": "x" } });
        for p in [
            "",
            "/properties",
            "/properties/a/1/b",
            "/properties/a/2",
            "/properties/a/x",
            "/properties/odata.type",
            "/missing/deeper",
            "properties",
        ] {
            assert_eq!(super::at(&v, p), v.pointer(p), "{p}");
        }
    }
}
