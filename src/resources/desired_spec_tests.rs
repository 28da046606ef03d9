//! Checks every desired body kind against the official spec for its api-version (the
//! contract: the exact copies vendored in `emulator/arm-specs` from the project's shared specs; Key Vault 2026-02-01 is
//! one TypeSpec-generated `openapi.json`): required fields, enums, types, read-only fields, unknown fields, polymorphic
//! `discriminator`s. A simple structural check; the emulator does full JSON-schema validation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::resources::{DesiredResource, ResourceKind, desired_state};

const SPECS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/emulator/arm-specs/specification"
);

/// The swagger file and definition of each kind's PUT body (its descriptor's
/// `request_schema`).
fn body_schema(kind: ResourceKind) -> (&'static str, &'static str) {
    kind.descriptor().request_schema
}

#[derive(Default)]
struct Specs {
    files: HashMap<PathBuf, Value>,
}

impl Specs {
    fn file(&mut self, path: &Path) -> &Value {
        let path = normalise(path);
        self.files.entry(path.clone()).or_insert_with(|| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            serde_json::from_str(&text).unwrap()
        })
    }

    /// Follows `$ref`s to a schema node; returns it with the file it lives in.
    fn resolve(&mut self, file: &Path, node: &Value) -> (PathBuf, Value) {
        let mut file = file.to_path_buf();
        let mut node = node.clone();
        while let Some(r) = node
            .get("$ref")
            .and_then(|r| r.as_str())
            .map(str::to_string)
        {
            let (f, pointer) = r.split_once('#').unwrap();
            if !f.is_empty() {
                file = normalise(&file.parent().unwrap().join(f));
            }
            node = self
                .file(&file)
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{r} in {}", file.display()))
                .clone();
        }
        (file, node)
    }

    /// All `properties`, `required` and whether additional properties are allowed, across
    /// `allOf`.
    fn collect(
        &mut self,
        file: &Path,
        node: &Value,
        props: &mut Vec<(String, PathBuf, Value)>,
        required: &mut Vec<String>,
    ) -> bool {
        let (file, node) = self.resolve(file, node);
        let mut open = node.get("additionalProperties").is_some();
        for (k, v) in node
            .get("properties")
            .and_then(|p| p.as_object())
            .into_iter()
            .flatten()
        {
            props.push((k.clone(), file.clone(), v.clone()));
        }
        for r in node
            .get("required")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            required.push(r.as_str().unwrap().to_string());
        }
        for base in node
            .get("allOf")
            .and_then(|a| a.as_array())
            .cloned()
            .unwrap_or_default()
        {
            open |= self.collect(&file, &base, props, required);
        }
        open
    }

    fn check(
        &mut self,
        file: &Path,
        schema: &Value,
        value: &Value,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        let (file, mut node) = self.resolve(file, schema);
        // Polymorphism: pick the subtype named by the discriminator value.
        if let Some(d) = node.get("discriminator").and_then(|d| d.as_str()) {
            if let Some(tag) = value.get(d).and_then(|t| t.as_str()) {
                let defs = self.file(&file)["definitions"].as_object().unwrap().clone();
                match defs.values().find(|def| {
                    def.get("x-ms-discriminator-value").and_then(|v| v.as_str()) == Some(tag)
                }) {
                    Some(sub) => node = sub.clone(),
                    None => errors.push(format!("{path}.{d}: no subtype `{tag}`")),
                }
            }
        }
        if let Some(allowed) = node.get("enum").and_then(|e| e.as_array()) {
            if !allowed.contains(value) {
                errors.push(format!("{path}: {value} not in {allowed:?}"));
            }
        }
        let ty = node.get("type").and_then(|t| t.as_str()).unwrap_or(
            if node.get("properties").is_some() {
                "object"
            } else {
                ""
            },
        );
        let ok = match ty {
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: {value} is not {ty}"));
            return;
        }
        if let (Some(items), Some(arr)) = (node.get("items"), value.as_array()) {
            for (i, v) in arr.iter().enumerate() {
                self.check(&file, items, v, &format!("{path}[{i}]"), errors);
            }
        }
        if let Some(obj) = value.as_object() {
            let mut props = Vec::new();
            let mut required = Vec::new();
            let open = self.collect(&file, &node, &mut props, &mut required);
            for r in &required {
                if !obj.contains_key(r) {
                    errors.push(format!("{path}: required `{r}` missing"));
                }
            }
            for (k, v) in obj {
                match props.iter().find(|(name, _, _)| name == k) {
                    Some((_, f, s)) => {
                        let (_, resolved) = self.resolve(f, s);
                        if s.get("readOnly") == Some(&Value::Bool(true))
                            || resolved.get("readOnly") == Some(&Value::Bool(true))
                        {
                            errors.push(format!("{path}.{k}: read-only field sent"));
                        }
                        let (f, s) = (f.clone(), s.clone());
                        self.check(&f, &s, v, &format!("{path}.{k}"), errors);
                    }
                    None if open => {}
                    None => errors.push(format!("{path}.{k}: not in the schema")),
                }
            }
        }
    }
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn sample_resources() -> Vec<DesiredResource> {
    let text = include_str!("../../examples/contoso.yaml");
    let plan = crate::plan_file::parse(Path::new("examples/contoso.yaml"), text).unwrap();
    desired_state(&plan)
        .vaults
        .into_iter()
        .flat_map(|v| v.resources)
        .collect()
}

#[test]
fn every_body_kind_conforms_to_its_swagger() {
    let resources = sample_resources();
    let mut specs = Specs::default();
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    for r in &resources {
        let (file, def) = body_schema(r.kind);
        let file = Path::new(SPECS).join(file);
        let schema = serde_json::json!({ "$ref": format!("#/definitions/{def}") });
        specs.check(
            &file,
            &schema,
            &r.body.to_value(),
            r.kind.arm_type(),
            &mut errors,
        );
        if !seen.contains(&r.kind) {
            seen.push(r.kind);
        }
    }
    errors.sort();
    errors.dedup();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(seen.len(), 7, "every resource kind is exercised: {seen:?}");
}

#[test]
fn every_body_is_the_text_serde_json_writes() {
    let resources = sample_resources();
    assert!(!resources.is_empty());
    for r in &resources {
        let text = serde_json::to_string(&r.body.to_value()).unwrap();
        assert_eq!(r.body.as_str(), text, "{}", r.id);
    }
}

#[test]
fn the_checker_catches_bad_bodies() {
    let mut specs = Specs::default();
    let (file, def) = body_schema(ResourceKind::Vault);
    let file = Path::new(SPECS).join(file);
    let schema = serde_json::json!({ "$ref": format!("#/definitions/{def}") });
    let body = serde_json::json!({
        "location": "westeurope",
        "properties": { "sku": { "family": "B", "name": "standard" }, "hsmPoolResourceId": "x", "bogus": 1 }
    });
    let mut errors = Vec::new();
    specs.check(&file, &schema, &body, "vault", &mut errors);
    errors.sort();
    assert_eq!(
        errors,
        [
            "vault.properties.bogus: not in the schema",
            "vault.properties.hsmPoolResourceId: read-only field sent",
            "vault.properties.sku.family: \"B\" not in [String(\"A\")]",
            "vault.properties: required `tenantId` missing",
        ]
    );
}

#[test]
fn purge_protection_false_is_never_sent_and_role_assignment_names_are_stable() {
    let text = "apiVersion: kvinit/v1\ntenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\nregions: [westeurope]\nenvironments: [{ name: dev, subscriptionId: 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10 }]\napps: [{ name: app }]\ndefaults:\n  purgeProtection: false\n  roleAssignments: [{ principalId: 3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58, principalType: Group, role: Key Vault Reader }]\n";
    let plan = crate::plan_file::parse(Path::new("p.yaml"), text).unwrap();
    let state = desired_state(&plan);
    let v = &state.vaults[0];
    let vault = v
        .resources
        .iter()
        .find(|r| r.kind == ResourceKind::Vault)
        .unwrap();
    assert!(
        vault.body.to_value()["properties"]
            .get("enablePurgeProtection")
            .is_none()
    );
    // (KV-PP failing for this plan is checked where the rules run: `rules::compliance`.)
    let ra = v
        .resources
        .iter()
        .find(|r| r.kind == ResourceKind::RoleAssignment)
        .unwrap();
    let expected = crate::resources::role_assignment::name(
        &vault.id.to_uppercase(),
        "3C7E9A21-5F4B-4D8E-A6C2-9B1D0E7F4A58",
        "21090545-7ca7-4776-b22c-e363652d74d2",
    );
    assert!(
        ra.id.ends_with(&format!("/roleAssignments/{expected}")),
        "{}",
        ra.id
    );
    // Same plan again → same IDs.
    assert_eq!(desired_state(&plan), state);
}
