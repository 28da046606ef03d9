//! Validation against the official Azure REST API specs in `emulator/arm-specs` (exact copies of the official specs) (swagger 2.0):
//! every swagger file the served operations need is embedded at build time, registered under its
//! repository path, and each operation's body/response schema is compiled with the jsonschema
//! crate (draft 4, swagger's base) with every `$ref` resolved. Each route names its own spec file
//! per api-version and its operation IDs (`Route::versions`, `Route::operations`); this file owns
//! the files those reference ([`SHARED`]), the substitutes for files that are not in the spec
//! copy, and the validation. It does not decide anything else about a request.
//!
//! Substitutes and unresolved `$ref`s (see `arm-specs/README.md`), mapped explicitly:
//! * `network/.../2023-09-01/network.json` → the 2023-11-01 copy (registered at the 2023-09-01
//!   path; every definition `virtualNetwork.json` needs exists in it).
//! * `network/.../2023-09-01/{networkSecurityGroup, routeTable, serviceEndpointPolicy,
//!   networkInterface, networkProfile, applicationGateway, networkWatcher, publicIpAddress,
//!   applicationSecurityGroup, loadBalancer}.json` → permissive stubs (`{}` per referenced
//!   definition): they are read-only or optional sub-objects of `Subnet`, `PrivateEndpoint` and
//!   `PrivateLinkService`, so only their own contents go unchecked. `privateEndpoint.json` and
//!   `privateLinkService.json` are the real 2023-09-01 copies.
//! * `monitor/.../stable/2016-03-01/alertRules_API.json#/definitions/ErrorResponse` → a
//!   permissive stub (used only as metric alerts' `default` error schema).
//! * Swagger-only keywords (`discriminator`, `readOnly`, `x-ms-*`) are annotations to a JSON
//!   Schema validator; `format` is not asserted (ARM's formats such as `arm-id` are not JSON
//!   Schema formats).

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::Method;
use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

use crate::arm_error::ArmError;
use crate::target::Target;

/// The base URI the spec files are registered under (never fetched).
const BASE: &str = "https://arm-specs.kvinit.invalid/specification/";

/// An official spec file embedded at build time: its path below `arm-specs/specification/` and
/// its text. A route names the file of each api-version it serves (`Version::spec`, built with
/// [`spec_file!`]); [`SHARED`] holds the files those reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpecFile {
    /// Path below `specification/`, e.g.
    /// `resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json`.
    pub path: &'static str,
    /// The file's text (JSON).
    pub text: &'static str,
}

/// `spec_file!("path below specification/")`: the [`SpecFile`] of that vendored spec copy,
/// embedded with `include_str!` (a missing file fails the build).
macro_rules! spec_file {
    ($path:literal) => {
        $crate::spec::SpecFile {
            path: $path,
            text: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/arm-specs/specification/",
                $path
            )),
        }
    };
}
pub(crate) use spec_file;

/// Spec files the routes' own files reference (common types, the network definitions a
/// private endpoint's spec shares), embedded here once.
const SHARED: &[SpecFile] = &[
    spec_file!(
        "keyvault/resource-manager/Microsoft.KeyVault/preview/2022-02-01-preview/common.json"
    ),
    spec_file!("common-types/resource-management/v1/types.json"),
    spec_file!("common-types/resource-management/v2/types.json"),
    spec_file!("common-types/resource-management/v3/types.json"),
    spec_file!(
        "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/common-types.json"
    ),
    spec_file!(
        "network/resource-manager/Microsoft.Network/stable/2023-09-01/privateLinkService.json"
    ),
    spec_file!("network/resource-manager/Microsoft.Network/stable/2023-11-01/network.json"),
    spec_file!("common-types/resource-management/v5/types.json"),
    spec_file!("common-types/resource-management/v5/managedidentity.json"),
];

/// Every embedded spec file: [`SHARED`] and each route's version files, each path once.
fn files() -> &'static [SpecFile] {
    static FILES: OnceLock<Vec<SpecFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut out: Vec<SpecFile> = SHARED.to_vec();
        for route in crate::routes::ROUTES {
            for v in route.versions {
                if !out.iter().any(|f| f.path == v.spec.path) {
                    out.push(v.spec);
                }
            }
        }
        out
    })
}

/// Network files the 2023-09-01 `virtualNetwork.json` references but the spec copy lacks, with
/// the definitions referenced from each.
const NETWORK_STUBS: &[(&str, &[&str])] = &[
    ("networkSecurityGroup.json", &["NetworkSecurityGroup"]),
    ("routeTable.json", &["RouteTable"]),
    ("serviceEndpointPolicy.json", &["ServiceEndpointPolicy"]),
    (
        "networkInterface.json",
        &["IPConfiguration", "NetworkInterface"],
    ),
    (
        "applicationSecurityGroup.json",
        &["ApplicationSecurityGroup"],
    ),
    ("loadBalancer.json", &["FrontendIPConfiguration"]),
    ("networkProfile.json", &["IPConfigurationProfile"]),
    (
        "applicationGateway.json",
        &["ApplicationGatewayIPConfiguration"],
    ),
    ("networkWatcher.json", &["FlowLog"]),
    (
        "publicIpAddress.json",
        &["PublicIpDdosProtectionStatusResult"],
    ),
];

const NETWORK_2309: &str = "network/resource-manager/Microsoft.Network/stable/2023-09-01/";
const NETWORK_2311: &str =
    "network/resource-manager/Microsoft.Network/stable/2023-11-01/network.json";
const ALERT_RULES_2016: &str =
    "monitor/resource-manager/Microsoft.Insights/stable/2016-03-01/alertRules_API.json";

/// A spec operation: the file that defines it and its `operationId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Operation {
    /// Path of the swagger file below `specification/`.
    pub file: &'static str,
    /// The swagger `operationId`, e.g. `Vaults_CreateOrUpdate`.
    pub operation_id: &'static str,
}

fn file(suffix: &str) -> &'static str {
    files()
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .map(|f| f.path)
        .unwrap_or("")
}

/// The spec operation a request at `api_version` calls, if the emulator serves it: the route's
/// operation for the target's shape and method, in the spec file of that version
/// (`Route::operations`, `Version::spec`).
pub(crate) fn operation_for(
    target: &Target,
    method: &Method,
    api_version: Option<&str>,
) -> Option<Operation> {
    let route = target.route()?;
    let operation_id = route.operation_id(target.shape, method.as_str())?;
    let version = route.version(api_version)?;
    Some(Operation {
        file: version.spec.path,
        operation_id,
    })
}

struct Specs {
    docs: HashMap<&'static str, Value>,
    registry: Registry<'static>,
}

fn specs() -> &'static Specs {
    static SPECS: OnceLock<Specs> = OnceLock::new();
    SPECS.get_or_init(|| {
        let mut docs = HashMap::new();
        let mut resources: Vec<(String, Value)> = Vec::new();
        for f in files() {
            let mut doc: Value = serde_json::from_str(f.text)
                .expect("embedded spec files are JSON (checked in arm-specs/README.md)");
            expand_discriminators(&mut doc);
            resources.push((format!("{BASE}{}", f.path), doc.clone()));
            docs.insert(f.path, doc);
        }
        // Substitute: 2023-11-01 network.json at the 2023-09-01 path.
        let network = docs.get(NETWORK_2311).cloned().unwrap_or_else(|| json!({}));
        resources.push((format!("{BASE}{NETWORK_2309}network.json"), network));
        for (name, defs) in NETWORK_STUBS {
            let definitions: serde_json::Map<String, Value> =
                defs.iter().map(|d| (d.to_string(), json!({}))).collect();
            resources.push((
                format!("{BASE}{NETWORK_2309}{name}"),
                json!({ "definitions": definitions }),
            ));
        }
        resources.push((
            format!("{BASE}{ALERT_RULES_2016}"),
            json!({"definitions": {"ErrorResponse": {}}}),
        ));
        let registry = Registry::new()
            .draft(Draft::Draft4)
            .retrieve_known_draft_meta_schemas(false)
            .extend(
                resources
                    .into_iter()
                    .map(|(uri, v)| (uri, Draft::Draft4.create_resource(v))),
            )
            .and_then(|b| b.prepare())
            .expect("spec registry");
        Specs { docs, registry }
    })
}

/// Swagger polymorphism as JSON Schema. A definition `D` with a `discriminator` is the base of the
/// definitions whose `allOf` refers to it (each tagged by `x-ms-discriminator-value`, else its
/// name). JSON Schema has no discriminator, and `D`'s own `additionalProperties` would refuse
/// every subtype property, so within one document:
/// * `D__base` = `D` without `additionalProperties`; subtypes' `allOf` now refer to it;
/// * `D` = any of: for each subtype, "discriminator = its value, and the subtype's schema"; or
///   "discriminator is none of those values, and the original `D`".
fn expand_discriminators(doc: &mut Value) {
    let Some(defs) = doc.get("definitions").and_then(Value::as_object).cloned() else {
        return;
    };
    let bases: Vec<(String, String)> = defs
        .iter()
        .filter_map(|(name, d)| {
            d.get("discriminator")
                .and_then(Value::as_str)
                .map(|disc| (name.clone(), disc.to_string()))
        })
        .collect();
    let mut out = defs.clone();
    for (base, disc) in bases {
        let base_ref = format!("#/definitions/{base}");
        let base_only = format!("#/definitions/{base}__base");
        let mut branches = Vec::new();
        let mut values = Vec::new();
        for (name, d) in &defs {
            let refers = d.get("allOf").and_then(Value::as_array).is_some_and(|all| {
                all.iter()
                    .any(|a| a.get("$ref").and_then(Value::as_str) == Some(base_ref.as_str()))
            });
            if !refers {
                continue;
            }
            let value = d
                .get("x-ms-discriminator-value")
                .and_then(Value::as_str)
                .unwrap_or(name)
                .to_string();
            if let Some(all) = out
                .get_mut(name)
                .and_then(|s| s.get_mut("allOf"))
                .and_then(Value::as_array_mut)
            {
                for a in all.iter_mut() {
                    if a.get("$ref").and_then(Value::as_str) == Some(base_ref.as_str()) {
                        *a = json!({"$ref": base_only});
                    }
                }
            }
            branches.push(json!({"allOf": [
                {"properties": {disc.clone(): {"enum": [value.clone()]}}, "required": [disc.clone()]},
                {"$ref": format!("#/definitions/{name}")},
            ]}));
            values.push(Value::String(value));
        }
        if branches.is_empty() {
            continue;
        }
        let original = defs[&base].clone();
        let mut stripped = original.clone();
        if let Some(o) = stripped.as_object_mut() {
            o.remove("additionalProperties");
            o.remove("discriminator");
        }
        let mut unknown = original;
        if let Some(o) = unknown.as_object_mut() {
            o.remove("discriminator");
        }
        branches.push(json!({"allOf": [
            {"properties": {disc.clone(): {"not": {"enum": values}}}},
            unknown,
        ]}));
        out.insert(format!("{base}__base"), stripped);
        out.insert(base.clone(), json!({"anyOf": branches}));
    }
    doc["definitions"] = Value::Object(out);
}

/// Resolves `reference` (as written in `file`) to an absolute URI.
fn absolute_ref(file: &str, reference: &str) -> String {
    if reference.starts_with('#') {
        return format!("{BASE}{file}{reference}");
    }
    let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("{BASE}{}#{fragment}", parts.join("/"))
}

fn absolutize(file: &str, v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "$ref" {
                    if let Value::String(r) = child {
                        *r = absolute_ref(file, r);
                    }
                } else {
                    absolutize(file, child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| absolutize(file, c)),
        _ => {}
    }
}

/// The operation object (and its path-level parameters) in its swagger file.
fn find_operation(op: Operation) -> Option<(Value, Vec<Value>)> {
    let doc = specs().docs.get(op.file)?;
    for (_, item) in doc.get("paths")?.as_object()? {
        for (method, operation) in item.as_object()? {
            if method == "parameters" {
                continue;
            }
            if operation.get("operationId").and_then(Value::as_str) == Some(op.operation_id) {
                let shared = item
                    .get("parameters")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                return Some((operation.clone(), shared));
            }
        }
    }
    None
}

fn resolve_local(op: Operation, v: &Value) -> Value {
    if let Some(r) = v.get("$ref").and_then(Value::as_str)
        && let Some(pointer) = r.strip_prefix('#')
        && let Some(found) = specs().docs.get(op.file).and_then(|d| d.pointer(pointer))
    {
        return found.clone();
    }
    v.clone()
}

fn compile(op: Operation, mut schema: Value) -> Option<Validator> {
    absolutize(op.file, &mut schema);
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .with_registry(&specs().registry)
        .should_validate_formats(false)
        .build(&schema)
        .map_err(|e| {
            eprintln!(
                "kvinit-emulator: schema for {} not compiled: {e}",
                op.operation_id
            )
        })
        .ok()
}

/// The request-body schema of `op` (None when the operation takes no body).
fn request_validator(op: Operation) -> Option<&'static Validator> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<Operation, Option<&'static Validator>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().expect("schema cache").get(&op) {
        return *v;
    }
    let built = find_operation(op).and_then(|(operation, shared)| {
        let params = operation
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        params
            .iter()
            .chain(shared.iter())
            .map(|p| resolve_local(op, p))
            .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))
            .and_then(|p| p.get("schema").cloned())
            .and_then(|schema| compile(op, schema))
            .map(|v| &*Box::leak(Box::new(v)))
    });
    cache.lock().expect("schema cache").insert(op, built);
    built
}

/// Compiled response schemas by (operation, status); `None` = no schema.
type ResponseCache = std::sync::Mutex<HashMap<(Operation, u16), Option<&'static Validator>>>;

/// The response schema of `op` for `status` (falls back to `default` for error statuses).
fn response_validator(op: Operation, status: u16) -> Option<&'static Validator> {
    static CACHE: OnceLock<ResponseCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().expect("schema cache").get(&(op, status)) {
        return *v;
    }
    let built = find_operation(op).and_then(|(operation, _)| {
        let responses = operation.get("responses")?;
        let response = responses.get(status.to_string()).or_else(|| {
            if status >= 400 {
                responses.get("default")
            } else {
                None
            }
        })?;
        let schema = response.get("schema")?.clone();
        compile(op, schema).map(|v| &*Box::leak(Box::new(v)))
    });
    cache
        .lock()
        .expect("schema cache")
        .insert((op, status), built);
    built
}

/// `/properties/sku/name` → `properties.sku.name`; array indexes as `[0]`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        if seg.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

fn problems(validator: &Validator, value: &Value) -> Vec<(String, String)> {
    validator
        .iter_errors(value)
        .map(|e| (dotted(e.instance_path().as_str()), e.to_string()))
        .collect()
}

/// Validates a request body against `op`'s body schema.
///
/// # Errors
/// 400 `InvalidRequestContent` with `target` = the first offending field (dotted JSON path) and
/// every problem in `details`.
pub(crate) fn check_request(op: Operation, body: &Value) -> Result<(), ArmError> {
    let Some(validator) = request_validator(op) else {
        return Ok(());
    };
    let found = problems(validator, body);
    let Some((target, message)) = found.first().cloned() else {
        return Ok(());
    };
    let mut err = ArmError::invalid_request_content(&format!(
        "'{message}' at '{}' (schema of {} in {}).",
        if target.is_empty() { "(body)" } else { &target },
        op.operation_id,
        op.file.rsplit('/').next().unwrap_or_default()
    ))
    .with_target(target);
    err.details = found
        .iter()
        .map(|(t, m)| json!({"code": "InvalidRequestContent", "target": t, "message": m}))
        .collect();
    Err(err)
}

/// Whether the emulator checks its own answers at `api_version` (Key Vault 2026-02-01 and
/// activity log alerts 2026-01-01, the versions kvinit sends from issue 10 on).
pub(crate) fn answers_are_checked(api_version: Option<&str>) -> bool {
    matches!(api_version, Some("2026-02-01" | "2026-01-01"))
}

/// Checks the emulator's own answer against `op`'s response schema for `status`.
///
/// # Errors
/// 500 `InternalServerError` naming the operation, the spec file and the first problem (the
/// emulator produced a shape Azure never sends).
pub(crate) fn check_response(op: Operation, status: u16, body: &Value) -> Result<(), ArmError> {
    let Some(validator) = response_validator(op, status) else {
        return Ok(());
    };
    match problems(validator, body).first() {
        None => Ok(()),
        Some((target, message)) => Err(ArmError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            format!(
                "The emulator's answer does not conform to the {} response schema in {} ('{message}' at '{target}'); this is an emulator bug.",
                op.operation_id,
                op.file.rsplit('/').next().unwrap_or_default()
            ),
        )),
    }
}

/// Validates `body` against the request schema of the spec operation `operation_id` in the file
/// whose path ends with `file_suffix`. Returns every problem as `(dotted path, message)`; empty
/// when it conforms. For tests and for callers that want to check what they send.
pub fn validate_request(
    file_suffix: &str,
    operation_id: &'static str,
    body: &Value,
) -> Vec<(String, String)> {
    let op = Operation {
        file: file(file_suffix),
        operation_id,
    };
    request_validator(op)
        .map(|v| problems(v, body))
        .unwrap_or_else(|| {
            vec![(
                String::new(),
                format!("no request schema for {operation_id}"),
            )]
        })
}

/// Validates a response `body` with `status` against the spec operation's response schema.
/// Returns every problem; a status the spec does not list for the operation is a problem too.
pub fn validate_response(
    file_suffix: &str,
    operation_id: &'static str,
    status: u16,
    body: &Value,
) -> Vec<(String, String)> {
    let op = Operation {
        file: file(file_suffix),
        operation_id,
    };
    let listed = find_operation(op)
        .and_then(|(o, _)| {
            o.get("responses")
                .and_then(|r| r.get(status.to_string()))
                .cloned()
        })
        .is_some();
    if !listed && status < 400 {
        return vec![(
            String::new(),
            format!("status {status} is not a response of {operation_id}"),
        )];
    }
    let has_schema = find_operation(op)
        .and_then(|(o, _)| {
            o.get("responses")
                .and_then(|r| r.get(status.to_string()).or_else(|| r.get("default")))
                .cloned()
        })
        .is_some_and(|r| r.get("schema").is_some());
    match response_validator(op, status) {
        Some(v) => problems(v, body),
        None if has_schema => vec![(
            String::new(),
            format!("the response schema of {operation_id} did not compile"),
        )],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation the emulator serves has a compiling request schema (when it takes a
    /// body) and compiling schemas for each listed response.
    #[test]
    fn every_served_operation_compiles() {
        let ops = [
            (
                "2021-04-01/resources.json",
                "ResourceGroups_CreateOrUpdate",
                true,
            ),
            (
                "2022-02-01-preview/keyvault.json",
                "Vaults_CreateOrUpdate",
                true,
            ),
            ("2022-02-01-preview/keyvault.json", "Vaults_Update", true),
            (
                "2022-02-01-preview/keyvault.json",
                "Vaults_CheckNameAvailability",
                true,
            ),
            (
                "authorization-RoleAssignmentsCalls.json",
                "RoleAssignments_Create",
                true,
            ),
            (
                "diagnosticsSettings_API.json",
                "DiagnosticSettings_CreateOrUpdate",
                true,
            ),
            ("actionGroups_API.json", "ActionGroups_CreateOrUpdate", true),
            ("metricAlert_API.json", "MetricAlerts_CreateOrUpdate", true),
            (
                "activityLogAlerts_API.json",
                "ActivityLogAlerts_CreateOrUpdate",
                true,
            ),
            (
                "2023-09-01/virtualNetwork.json",
                "Subnets_CreateOrUpdate",
                true,
            ),
        ];
        for (suffix, id, _) in ops {
            let op = Operation {
                file: file(suffix),
                operation_id: id,
            };
            assert!(!op.file.is_empty(), "{suffix} embedded");
            assert!(
                request_validator(op).is_some(),
                "{id}: request schema compiles"
            );
            let (operation, _) = find_operation(op).expect("operation in spec");
            for status in operation["responses"].as_object().unwrap().keys() {
                if let Ok(code) = status.parse::<u16>()
                    && operation["responses"][status].get("schema").is_some()
                {
                    assert!(
                        response_validator(op, code).is_some(),
                        "{id} {code}: response schema compiles"
                    );
                }
            }
        }
    }

    /// Every operation a route names exists in the spec file of every version it serves, its
    /// request body schema (when it takes a body) compiles, and so does each listed response's.
    #[test]
    fn every_operation_a_route_names_is_in_its_versions_spec_and_compiles() {
        for route in crate::routes::ROUTES {
            for version in route.versions {
                for spec_op in route.operations {
                    let op = Operation {
                        file: version.spec.path,
                        operation_id: spec_op.id,
                    };
                    let (operation, shared) = find_operation(op)
                        .unwrap_or_else(|| panic!("{} in {}", spec_op.id, version.spec.path));
                    let takes_body = operation
                        .get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .chain(shared.iter())
                        .map(|p| resolve_local(op, p))
                        .any(|p| p.get("in").and_then(Value::as_str) == Some("body"));
                    if takes_body {
                        assert!(
                            request_validator(op).is_some(),
                            "{} at {}: request schema compiles",
                            spec_op.id,
                            version.name
                        );
                    }
                    for (status, response) in operation["responses"].as_object().unwrap() {
                        if let Ok(code) = status.parse::<u16>()
                            && response.get("schema").is_some()
                        {
                            assert!(
                                response_validator(op, code).is_some(),
                                "{} {code} at {}: response schema compiles",
                                spec_op.id,
                                version.name
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn answers_at_the_current_versions_are_checked_against_their_response_schema() {
        let op = Operation {
            file: file("2026-02-01/openapi.json"),
            operation_id: "Vaults_Get",
        };
        let good = json!({
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
            "name": "kv", "type": "Microsoft.KeyVault/vaults", "location": "westeurope",
            "properties": {"tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "sku": {"family": "A", "name": "standard"}, "enableRbacAuthorization": true}
        });
        assert!(check_response(op, 200, &good).is_ok());
        let mut bad = good.clone();
        bad["properties"]["enableRbacAuthorization"] = json!("yes");
        let err = check_response(op, 200, &bad).unwrap_err();
        assert_eq!(err.status.as_u16(), 500);
        assert!(err.message.contains("Vaults_Get") && err.message.contains("openapi.json"));
        assert!(answers_are_checked(Some("2026-02-01")));
        assert!(answers_are_checked(Some("2026-01-01")));
        assert!(!answers_are_checked(Some("2022-02-01-preview")));
    }

    #[test]
    fn refs_resolve_relative_to_their_file() {
        assert_eq!(
            absolute_ref(
                "a/b/c/x.json",
                "../../../common-types/v1/types.json#/definitions/X"
            ),
            format!("{BASE}common-types/v1/types.json#/definitions/X")
        );
        assert_eq!(
            absolute_ref("a/b/x.json", "#/definitions/Y"),
            format!("{BASE}a/b/x.json#/definitions/Y")
        );
        assert_eq!(
            absolute_ref("a/b/x.json", "./common.json#/definitions/Z"),
            format!("{BASE}a/b/common.json#/definitions/Z")
        );
    }

    #[test]
    fn discriminated_subtypes_validate_and_unknown_fields_fail() {
        let good = json!({"location": "global", "properties": {
            "description": "availability", "severity": 3, "enabled": true, "scopes": ["/subscriptions/x"], "evaluationFrequency": "PT1M", "windowSize": "PT5M",
            "criteria": {"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", "allOf": [
                {"criterionType": "StaticThresholdCriterion", "name": "a", "metricName": "Availability", "operator": "LessThan", "threshold": 90, "timeAggregation": "Average"}
            ]}
        }});
        let p = validate_request("metricAlert_API.json", "MetricAlerts_CreateOrUpdate", &good);
        assert!(p.is_empty(), "{p:?}");
        let mut bad = good.clone();
        bad["properties"]["criteria"]["allOf"][0]["operator"] = json!("Sideways");
        assert!(
            !validate_request("metricAlert_API.json", "MetricAlerts_CreateOrUpdate", &bad)
                .is_empty()
        );
    }
}
