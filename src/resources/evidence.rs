//! The input of every compliance check: a vault's ARM JSON body and its child resources, as
//! ARM receives (desired state) or returns them (live state). Every resource is kept by its
//! [`ResourceKind`] ([`VaultEvidence::of`]), so a rule about a new type reads it without a new
//! field here; the named views (`vault`, `role_assignments`, …) are filled by the descriptors of
//! the types today's rules read (`ResourceType::evidence`). Must not depend on plan types.

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
    /// Every resource of the vault, as `(kind, ARM resource ID, body)` in the order recorded:
    /// what a rule about any type reads through [`VaultEvidence::of`], so a new type needs no
    /// slot here. Filled by [`VaultEvidence::from_resources`] (the named fields above are the
    /// views today's rules and the audit's observed state use).
    pub resources: Vec<(ResourceKind, &'a str, &'a Value)>,
}

impl<'a> VaultEvidence<'a> {
    /// Builds evidence from one vault's resources as `(kind, ARM resource ID, body)`, e.g. the
    /// desired state's while their bodies are still [`Value`]s: the vault (the last one wins if
    /// there were several), its role assignments, diagnostic settings, metric and activity log
    /// alerts, and the action groups; resource groups are ignored. Every resource is recorded by
    /// kind ([`VaultEvidence::of`]); those with a named view also go where their type's
    /// descriptor puts them (`ResourceType::evidence`).
    pub fn from_resources(
        resources: impl IntoIterator<Item = (ResourceKind, &'a str, &'a Value)>,
    ) -> Self {
        let mut e = VaultEvidence::default();
        for (kind, id, body) in resources {
            e.resources.push((kind, id, body));
            (kind.descriptor().evidence)(&mut e, id, body);
        }
        e
    }

    /// The `(ARM resource ID, body)` of every recorded resource of `kind`, in the order
    /// recorded: a rule about a type reads it here (e.g. `e.of(ResourceKind::ManagementLock)`),
    /// whatever the type.
    pub fn of(&self, kind: ResourceKind) -> impl Iterator<Item = (&'a str, &'a Value)> + '_ {
        self.resources
            .iter()
            .filter(move |(k, _, _)| *k == kind)
            .map(|(_, id, body)| (*id, *body))
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

/// The `ResourceType::evidence` of a type no named view holds: its resources are read with
/// [`VaultEvidence::of`] only (what [`VaultEvidence::from_resources`] records for every kind).
pub fn by_kind_only<'a>(_: &mut VaultEvidence<'a>, _: &'a str, _: &'a Value) {}

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

    use super::{ResourceKind, VaultEvidence};

    #[test]
    fn every_resource_is_kept_by_kind_and_named_views_still_fill() {
        let (vault, lock, pe) = (json!({"properties": {}}), json!({"n": 1}), json!({"n": 2}));
        let e = VaultEvidence::from_resources([
            (ResourceKind::Vault, "v", &vault),
            (ResourceKind::ManagementLock, "l", &lock),
            (ResourceKind::PrivateEndpoint, "p", &pe),
        ]);
        assert_eq!(e.vault, Some(&vault));
        let locks: Vec<_> = e.of(ResourceKind::ManagementLock).collect();
        assert_eq!(locks, [("l", &lock)]);
        assert_eq!(e.of(ResourceKind::PrivateEndpoint).count(), 1);
        assert_eq!(e.of(ResourceKind::MetricAlert).count(), 0);
    }

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
