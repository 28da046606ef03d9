//! The plan file's mapping shapes — each map's known fields (in declaration order), which of
//! them nest another map or a list of maps, and which are required — derived from the JSON
//! Schema the plan types generate ([`super::json_schema::generate`], itself derived from
//! [`super::schema`]). The structural check ([`super::locate::check_structure`]) walks the YAML
//! tree with them, so a new plan field is declared once, on its serde type, and never listed
//! here.
//!
//! Derivation (schemars 1, draft 2020-12): a property whose schema is a `$ref` (possibly inside
//! `anyOf`/`allOf` with `{"type": "null"}`) nests that definition's map; an array whose `items`
//! is such a `$ref` is a list of them; anything else (a scalar, a list of scalars, a free map
//! such as `tags`) is not checked further. `required` is the schema's `required`. Built once per
//! process (a few microseconds); pure, no I/O.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// One mapping shape of the plan file: an index into the derived table. [`Shape::ROOT`] is the
/// whole file; the others are the schema's `$defs` entries that are reached from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape(usize);

/// How a field's value nests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    /// A single nested mapping.
    One(Shape),
    /// A list of mappings.
    List(Shape),
}

/// A shape's fields, in the order the serde type declares them (the order hints list them in).
#[derive(Debug)]
struct ShapeDef {
    /// The `$defs` name (`Settings`, `PrivateEndpointSetting`, …); `PlanFile` for the root.
    name: String,
    /// `(camelCase field name, how its value nests)`; `None` = scalar, list of scalars or free
    /// map.
    fields: Vec<(String, Option<Child>)>,
    /// Fields that must be present.
    required: Vec<String>,
}

impl Shape {
    /// The whole plan file.
    pub const ROOT: Shape = Shape(0);

    /// Known fields and the shape of their value (`None` = scalar, list of scalars, or free map),
    /// in declaration order.
    pub fn fields(self) -> &'static [(String, Option<Child>)] {
        &table()[self.0].fields
    }

    /// Fields that must be present.
    pub fn required(self) -> &'static [String] {
        &table()[self.0].required
    }

    /// The schema definition this shape is derived from, e.g. `Settings` (`PlanFile` for
    /// [`Shape::ROOT`]).
    pub fn name(self) -> &'static str {
        &table()[self.0].name
    }

    /// The shape of the `$defs` entry `name`, when the plan file reaches it.
    pub fn named(name: &str) -> Option<Shape> {
        table().iter().position(|d| d.name == name).map(Shape)
    }
}

fn table() -> &'static [ShapeDef] {
    static TABLE: OnceLock<Vec<ShapeDef>> = OnceLock::new();
    TABLE.get_or_init(|| derive(&super::json_schema::generate()))
}

/// Builds the table from a draft 2020-12 schema whose root is the plan file.
///
/// # Panics
/// When a `$ref` names a definition the schema does not hold (schemars never emits one).
fn derive(schema: &Value) -> Vec<ShapeDef> {
    let defs = schema.get("$defs").and_then(Value::as_object);
    let mut table: Vec<ShapeDef> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // Breadth-first from the root; each definition once.
    let mut queue: Vec<(String, &Value)> = vec![("PlanFile".to_string(), schema)];
    index.insert("PlanFile".into(), 0);
    let mut next = 0;
    while next < queue.len() {
        let (name, node) = (queue[next].0.clone(), queue[next].1);
        next += 1;
        let mut fields = Vec::new();
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (field, prop) in props {
                let child = nesting(prop).map(|(list, def)| {
                    let shape = match index.get(def) {
                        Some(&i) => Shape(i),
                        None => {
                            let body = defs
                                .and_then(|d| d.get(def))
                                .unwrap_or_else(|| panic!("$ref to a missing definition {def}"));
                            let i = queue.len();
                            index.insert(def.to_string(), i);
                            queue.push((def.to_string(), body));
                            Shape(i)
                        }
                    };
                    if list {
                        Child::List(shape)
                    } else {
                        Child::One(shape)
                    }
                });
                fields.push((field.clone(), child));
            }
        }
        let required = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        table.push(ShapeDef {
            name,
            fields,
            required,
        });
    }
    table
}

/// `Some((is_list, definition))` when `prop` nests a definition's map (directly or as the items
/// of an array), looking through `anyOf`/`allOf`/`oneOf` alternatives that only add `null`.
fn nesting(prop: &Value) -> Option<(bool, &str)> {
    if let Some(def) = ref_name(prop) {
        return Some((false, def));
    }
    if let Some(items) = prop.get("items") {
        return ref_name(items).map(|def| (true, def));
    }
    for key in ["anyOf", "allOf", "oneOf"] {
        if let Some(alts) = prop.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = alts
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [one] = non_null.as_slice() {
                return nesting(one);
            }
        }
    }
    None
}

/// `Name` for `{"$ref": "#/$defs/Name"}`.
fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(fields: &[(String, Option<Child>)]) -> Vec<&str> {
        fields.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn the_root_and_nested_shapes_come_from_the_plan_types() {
        let root = Shape::ROOT;
        assert_eq!(root.name(), "PlanFile");
        assert_eq!(
            names(root.fields()),
            [
                "apiVersion",
                "tenantId",
                "naming",
                "regions",
                "environments",
                "apps",
                "exclude",
                "overrides",
                "defaults"
            ]
        );
        assert_eq!(root.required(), ["apiVersion", "tenantId"]);
        let settings = Shape::named("Settings").unwrap();
        let nested = |shape: Shape, field: &str| {
            shape
                .fields()
                .iter()
                .find(|(n, _)| n == field)
                .and_then(|(_, c)| *c)
        };
        assert_eq!(nested(root, "defaults"), Some(Child::One(settings)));
        assert_eq!(nested(root, "regions"), None);
        let env = Shape::named("Environment").unwrap();
        assert_eq!(nested(root, "environments"), Some(Child::List(env)));
        assert_eq!(env.required(), ["name", "subscriptionId"]);
        assert_eq!(nested(settings, "tags"), None, "a free map is not checked");
        let network = Shape::named("NetworkSettings").unwrap();
        assert_eq!(nested(settings, "network"), Some(Child::One(network)));
        let pe = Shape::named("PrivateEndpointSetting").unwrap();
        assert_eq!(nested(network, "privateEndpoints"), Some(Child::List(pe)));
        assert_eq!(pe.required(), ["subnetId"]);
        assert_eq!(
            names(Shape::named("LockSetting").unwrap().fields()),
            ["kind", "notes"]
        );
    }

    #[test]
    fn nullable_refs_and_lists_of_refs_nest() {
        let schema = serde_json::json!({
            "properties": {
                "a": { "anyOf": [{ "$ref": "#/$defs/A" }, { "type": "null" }] },
                "b": { "type": ["array", "null"], "items": { "$ref": "#/$defs/A" } },
                "c": { "type": ["array", "null"], "items": { "type": "string" } },
                "d": { "$ref": "#/$defs/A" }
            },
            "required": ["d"],
            "$defs": { "A": { "properties": { "x": { "type": "string" } } } }
        });
        let t = derive(&schema);
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[0].fields,
            vec![
                ("a".to_string(), Some(Child::One(Shape(1)))),
                ("b".to_string(), Some(Child::List(Shape(1)))),
                ("c".to_string(), None),
                ("d".to_string(), Some(Child::One(Shape(1)))),
            ]
        );
        assert_eq!(t[0].required, ["d"]);
        assert_eq!(t[1].name, "A");
    }
}
