//! What a type's desired-body builder is given and what it returns: one matrix cell's
//! [`BuildContext`] (the IDs every builder shares, computed once per cell) and
//! [`BuiltResource`]s whose bodies are still [`Value`]s, so the compliance rules can read them
//! before they are compacted into [`crate::model::body::Body`] text. Also the allocation-exact
//! JSON helpers the builders use. Pure.

use serde_json::{Map, Value};

use crate::model::Cell;

/// One matrix cell as every type's builder sees it.
#[derive(Debug)]
pub struct BuildContext<'a> {
    /// The cell (names, settings, subscription, region).
    pub cell: &'a Cell,
    /// The plan's tenant (the vault's `properties.tenantId`).
    pub tenant_id: uuid::Uuid,
    /// Location of the environment's shared resource group: the plan's first region.
    pub shared_location: &'a str,
    /// The tags of every per-vault resource: the plan's tags, then `kvinit-app`, `kvinit-env`,
    /// `kvinit-region`.
    pub tags: &'a Value,
    /// `/subscriptions/{sub}/resourceGroups/{rg}` of the vault.
    pub rg_id: &'a str,
    /// The vault's ARM resource ID.
    pub vault_id: &'a str,
    /// The environment's shared resource group and action group IDs, `(rg, action group)`;
    /// `None` when the cell has no alert (then neither is built).
    pub shared: Option<(&'a str, &'a str)>,
}

/// One desired resource while its vault is being computed.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltResource {
    /// The type.
    pub kind: super::ResourceKind,
    /// The ARM resource ID, in the user's casing.
    pub id: String,
    /// The full PUT body.
    pub body: Value,
}

/// A [`BuiltResource`].
pub fn resource(kind: super::ResourceKind, id: String, body: Value) -> BuiltResource {
    BuiltResource { kind, id, body }
}

/// A JSON object with exactly `entries`, in order, allocated once at its final size.
///
/// Why not `json!`: the macro grows every map one insert at a time (reallocating as it goes)
/// and turns every interpolated `Value` into a fresh copy through the serializer. At 10,000
/// vaults that was most of `desired_state`'s time (BENCHMARKS.md, benchmark 1). The `Value`s
/// only live until their vault's rules have run; the desired state keeps their text (`Body`).
pub fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut m = Map::with_capacity(N);
    for (k, v) in entries {
        m.insert(k.to_owned(), v);
    }
    Value::Object(m)
}

/// A JSON array of exactly `items`.
pub fn array<const N: usize>(items: [Value; N]) -> Value {
    Value::Array(Vec::from(items))
}

/// A JSON string.
pub fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}
