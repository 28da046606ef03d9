//! [`Body`]: one ARM request body of the desired state, held as compact JSON text.
//!
//! Why text and not a [`serde_json::Value`]: the desired state holds every body of every vault
//! for the whole run, and a `Value` with `preserve_order` costs ~190 bytes per object entry
//! (~30 KB per generated vault) where the compact text of the same body costs one byte per
//! character (~5.8 KB per vault). At 10,000 vaults that is the difference between ~300 MB and
//! ~60 MB (BENCHMARKS.md, benchmark 1). Consumers that need fields parse the text once where
//! they need it ([`Body::to_value`]); the compliance rules run on the `Value`s before they are
//! compacted (`model::desired`).

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// The compact JSON text of one ARM request body (`{"location":…,"tags":{…},"properties":{…}}`),
/// exactly as `serde_json` serialises the [`Value`] it was built from: object keys in the order
/// the `Value` holds them, no whitespace, strings escaped as `serde_json` escapes them.
///
/// Invariant: the only constructor is [`Body::from_value`], so the text is always well-formed
/// JSON that parses back to an equal `Value` (same keys in the same order, same numbers; floats
/// round-trip exactly because kvinit enables `serde_json`'s `float_roundtrip`).
///
/// Memory: one heap block of exactly the text's length plus two reference counts (no spare
/// capacity), and the 16-byte handle. Reading a field costs a parse of the whole body (a few microseconds per KB): parse
/// once per use site, not per field.
///
/// Equality compares the text, i.e. the exact bytes ARM would receive. That is stricter than
/// `Value`'s equality in one way: two bodies with the same entries in a different key order are
/// different bodies (`Value` with `preserve_order` compares maps as sets). Every body is built
/// from a `Value` by the same serialiser, so equal text ⇔ equal `Value` in the same key order,
/// which is what the desired state promises (`plan -o json` prints the keys in that order).
///
/// Why `Arc<str>` and not `Box<serde_json::value::RawValue>`: the same 16-byte handle and the
/// same text (and sharing, above), but `RawValue` buys nothing here — its `Serialize` is unusable (see the `Serialize`
/// impl), and safe code can build one only through `RawValue::from_string` (which re-parses the
/// whole text to validate it) or `to_raw_value` (a fresh buffer grown by doubling, then
/// shrunk). The invariant above is kept by this module instead: the text is never built from
/// anything but a `Value`.
///
/// Sharing: equal texts of at most [`SHARE_MAX_BYTES`] built on one thread between two
/// [`Body::forget_shared`] calls are one allocation (`Arc<str>`): a role assignment's body
/// (role definition, principal; the scope is in its ID), a diagnostic setting's, a lock's or a
/// resource group's repeats across the vaults of a subscription or environment. At 1,000
/// generated vaults 19 % of the body bytes were such repeats. Larger bodies (alerts, vaults)
/// name their vault and are never equal, so they are not hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct Body(Arc<str>);

/// Bodies up to this many bytes are shared when equal (see [`Body`]).
pub const SHARE_MAX_BYTES: usize = 512;

thread_local! {
    /// Reused serialisation buffer, so each body is one allocation of its exact size (growing a
    /// fresh buffer by doubling, then shrinking it, costs several allocations per body and
    /// leaves freed fragments between the long-lived texts). Grows to the largest body built on
    /// the thread (a few KB) and stays there.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Small bodies built on this thread since the last [`Body::forget_shared`].
    static SHARED: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
}

impl Body {
    /// The compact JSON text of `value`, keys in the order `value` holds them.
    ///
    /// Cannot fail: serialising a `Value` to memory has no error path (`Value` map keys are
    /// always strings and `Value` numbers are always finite).
    pub fn from_value(value: &Value) -> Self {
        SCRATCH.with_borrow_mut(|buf| {
            buf.clear();
            write_compact(value, buf);
            let text = std::str::from_utf8(buf).expect("only UTF-8 is written");
            if text.len() > SHARE_MAX_BYTES {
                return Body(Arc::from(text));
            }
            SHARED.with_borrow_mut(|shared| {
                if let Some(same) = shared.get(text) {
                    return Body(Arc::clone(same));
                }
                let text: Arc<str> = Arc::from(text);
                shared.insert(Arc::clone(&text));
                Body(text)
            })
        })
    }

    /// Empties this thread's pool of shared small bodies (the bodies already built keep their
    /// text). Call it when a batch of bodies is complete (the desired state does, per thread and
    /// chunk), so the pool does not keep texts alive after their state is dropped.
    pub fn forget_shared() {
        SHARED.with_borrow_mut(|shared| *shared = HashSet::new());
    }

    /// The body as a [`Value`]: a fresh parse of the text (objects in the text's key order).
    /// Allocates the whole tree; callers needing several fields parse once and keep the value.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).expect("a Body is always the JSON text of a Value")
    }

    /// The compact JSON text, e.g. `{"location":"westeurope","tags":{}}`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Appends the compact JSON text of `v` to `out`, byte for byte what `serde_json::to_writer`
/// writes: `serde_json`'s compact form leaves no choice in the structure (`[a,b]`, `{"k":v}`,
/// `null`, `true`, `false`), and numbers and every string that needs escaping are written by
/// `serde_json` itself.
///
/// Why not `serde_json::to_writer` for all of it: it looks every byte of every string up in its
/// escape table one at a time; the strings of ARM bodies (IDs, names, enum values) almost never
/// need escaping, and a branch-free pass over their bytes says so (−28 % instructions for
/// serialising, ~5 % of `desired_state`).
fn write_compact(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => by_serde_json(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_compact(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_compact(item, out);
            }
            out.push(b'}');
        }
    }
}

/// A JSON string: copied between quotes when no byte needs escaping (`"`, `\`, bytes below
/// 0x20: exactly the bytes `serde_json` escapes), else written by `serde_json`.
fn write_string(s: &str, out: &mut Vec<u8>) {
    // No early exit, so the compiler checks many bytes per instruction.
    let mut escape = false;
    for &b in s.as_bytes() {
        escape |= (b < 0x20) | (b == b'"') | (b == b'\\');
    }
    if escape {
        by_serde_json(s, out);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// `serde_json`'s own compact text of `v` (a number or a string).
fn by_serde_json<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    serde_json::to_writer(out, v).expect("serialising a string or number to memory cannot fail");
}

impl From<Value> for Body {
    /// [`Body::from_value`] of `value` (the `Value` is dropped).
    fn from(value: Value) -> Self {
        Body::from_value(&value)
    }
}

impl fmt::Debug for Body {
    /// `Body(<the JSON text>)`, unescaped so test failures stay readable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body({})", self.0)
    }
}

impl Serialize for Body {
    /// Serialises exactly as the [`Value`] it was built from would, in any format (JSON, pretty
    /// JSON, YAML), by parsing the text and serialising the parsed value. (`RawValue`'s own
    /// `Serialize` would embed the compact text verbatim in pretty JSON and only works with
    /// `serde_json`: other serialisers would print a private struct.)
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::Body;
    use serde_json::{Value, json};

    fn sample() -> Value {
        json!({
            "location": "westeurope",
            "tags": { "z": "last-first", "a": "ünïcode \"quoted\" \n" },
            "properties": {
                "threshold": 985.6906946328695,
                "whole": 90.0,
                "severity": 2,
                "negative": -3,
                "big": u64::MAX,
                "list": [{ "value": "203.0.113.4/32" }, [], {}],
                "enabled": true,
                "none": null
            }
        })
    }

    #[test]
    fn text_is_what_serde_json_writes_and_parses_back_in_order() {
        let v = sample();
        let b = Body::from_value(&v);
        assert_eq!(b.as_str(), serde_json::to_string(&v).unwrap());
        let back = b.to_value();
        assert_eq!(back, v);
        let keys: Vec<&String> = back["tags"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a"], "key order is kept");
        assert_eq!(serde_json::to_string(&back).unwrap(), b.as_str());
    }

    #[test]
    fn serialises_like_the_value_in_json_pretty_json_and_yaml() {
        let v = sample();
        let b = Body::from(v.clone());
        assert_eq!(
            serde_json::to_string_pretty(&b).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(
            serde_yaml::to_string(&b).unwrap(),
            serde_yaml::to_string(&v).unwrap()
        );
    }

    #[test]
    fn every_string_and_number_is_written_as_serde_json_writes_it() {
        let mut strings: Vec<String> = (0u8..0x80).map(|b| format!("a{}z", b as char)).collect();
        strings.extend(
            [
                "",
                "\"",
                "\\",
                "/",
                "\u{7f}",
                "ü",
                "€",
                "😀",
                "a\u{2028}b",
                "tab\there",
            ]
            .map(String::from),
        );
        for s in &strings {
            let v = json!({ s.as_str(): [s, 0, -1, 1.5, 1e300, -0.0, u64::MAX, i64::MIN, null, false] });
            assert_eq!(
                Body::from_value(&v).as_str(),
                serde_json::to_string(&v).unwrap(),
                "{s:?}"
            );
        }
        let empty = json!({ "a": [], "b": {}, "c": [[], [{}]] });
        assert_eq!(
            Body::from_value(&empty).as_str(),
            r#"{"a":[],"b":{},"c":[[],[{}]]}"#
        );
    }

    #[test]
    fn floats_round_trip_exactly() {
        // Without `float_roundtrip`, about one 17-digit float in ten parses back 1 ULP off.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = (x >> 11) as f64 / (1u64 << 53) as f64 * 1000.0;
            let v = json!({ "threshold": f });
            let b = Body::from_value(&v);
            assert_eq!(b.as_str(), serde_json::to_string(&v).unwrap());
            assert_eq!(b.to_value(), v, "{f:?}");
        }
    }

    #[test]
    fn equality_is_on_the_text_so_key_order_matters() {
        let a = Body::from(json!({ "a": 1, "b": 2 }));
        let b = Body::from(json!({ "b": 2, "a": 1 }));
        assert_ne!(a, b);
        assert_eq!(a.to_value(), b.to_value());
        assert_eq!(a, Body::from(json!({ "a": 1, "b": 2 })));
    }

    #[test]
    fn equal_small_bodies_share_one_text_until_forgotten() {
        let small = json!({"properties": {"principalId": "p", "roleDefinitionId": "r"}});
        let (a, b) = (Body::from_value(&small), Body::from_value(&small));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        let big = json!({"description": "x".repeat(super::SHARE_MAX_BYTES)});
        let (c, d) = (Body::from_value(&big), Body::from_value(&big));
        assert_eq!(c, d);
        assert!(!std::ptr::eq(c.as_str(), d.as_str()));
        Body::forget_shared();
        let e = Body::from_value(&small);
        assert_eq!(a, e);
        assert!(!std::ptr::eq(a.as_str(), e.as_str()));
    }
}
