//! Diagnostic settings on any resource (Microsoft.Insights 2021-05-01-preview): PUT, GET, list.
//! Owns their rules: the resource must exist, at least one destination, and Key Vault's log
//! categories / category groups.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Outcome, Reply, Req, body, ensure_scope, list_reply, method_not_allowed, visible};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::Store;
use crate::target::parse_resource_id;

const TYPE: &str = "Microsoft.Insights/diagnosticSettings";

/// Key Vault's log categories and category groups (source: Azure Monitor supported logs for
/// Microsoft.KeyVault/vaults).
const KV_CATEGORIES: [&str; 2] = ["AuditEvent", "AzurePolicyEvaluationDetails"];
const CATEGORY_GROUPS: [&str; 2] = ["audit", "allLogs"];

/// ARM's message for a `logs` array that selects both categories and category groups.
const MIX_MESSAGE: &str =
    "Diagnostic setting does not support mix of log category and log category group.";

/// True when `properties.logs` holds at least one `category` entry and at least one
/// `categoryGroup` entry: one diagnostic setting uses one form or the other, on every resource.
fn mixes_category_and_group(props: &Value) -> bool {
    let logs = props.get("logs").and_then(Value::as_array);
    let has = |key: &str| {
        logs.is_some_and(|l| {
            l.iter().any(|e| {
                e.get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            })
        })
    };
    has("category") && has("categoryGroup")
}

fn setting_id(resource: &str, name: &str) -> String {
    format!("{resource}/providers/Microsoft.Insights/diagnosticSettings/{name}")
}

/// This route's descriptor (registered in `routes::ROUTES`): a diagnostic setting on a resource, and the settings of a resource.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: DIAGNOSTIC_SETTING,
            pattern: "{scope}/providers/microsoft.insights/diagnosticsettings/{name}",
        },
        PathShape {
            name: DIAGNOSTIC_SETTINGS,
            pattern: "{scope}/providers/microsoft.insights/diagnosticsettings",
        },
    ],
    versions: &[current("2021-05-01-preview", SPEC_2021_05_01_PREVIEW)],
    operations: &[
        op(
            DIAGNOSTIC_SETTING,
            "PUT",
            "DiagnosticSettings_CreateOrUpdate",
        ),
        op(DIAGNOSTIC_SETTING, "GET", "DiagnosticSettings_Get"),
        op(DIAGNOSTIC_SETTINGS, "GET", "DiagnosticSettings_List"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

/// The `{scope}/providers/microsoft.insights/diagnosticsettings/{name}` path shape.
const DIAGNOSTIC_SETTING: &str = "DiagnosticSetting";
/// The `{scope}/providers/microsoft.insights/diagnosticsettings` path shape.
const DIAGNOSTIC_SETTINGS: &str = "DiagnosticSettings";
/// The 2021-05-01-preview spec file.
const SPEC_2021_05_01_PREVIEW: SpecFile = spec_file!(
    "monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json"
);

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (resource, name) = (t.param("scope"), t.param("name"));
    match (req.target.shape, &req.method) {
        (DIAGNOSTIC_SETTING, &Method::PUT) => put(req, store, resource, name),
        (DIAGNOSTIC_SETTING, &Method::GET) => {
            ensure_scope(req, store, resource)?;
            let id = setting_id(resource, name);
            match store.get(&id) {
                Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
                _ => Err(ArmError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    format!("The diagnostic setting '{name}' doesn't exist."),
                )),
            }
        }
        (DIAGNOSTIC_SETTINGS, &Method::GET) => {
            ensure_scope(req, store, resource)?;
            let prefix = format!(
                "{}/providers/microsoft.insights/diagnosticsettings/",
                resource.to_ascii_lowercase()
            );
            let lag = req.app.faults.profile.read_after_write_lag_ms;
            let items = store
                .with_prefix(&prefix)
                .filter(|(k, _)| !store.in_lag_window(k, lag))
                .map(|(_, v)| v.clone())
                .collect();
            list_reply(items)
        }
        _ => Err(method_not_allowed(req)),
    }
}

fn put(req: &Req<'_>, store: &mut Store, resource: &str, name: &str) -> Outcome {
    let body = body(req)?;
    ensure_scope(req, store, resource)?;
    let props = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    let has_destination = [
        "workspaceId",
        "storageAccountId",
        "eventHubAuthorizationRuleId",
        "marketplacePartnerId",
    ]
    .iter()
    .any(|k| {
        props
            .get(*k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    });
    if !has_destination {
        return Err(ArmError::bad_request(
            "At least one destination (workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId) must be set.",
        )
        .with_target("properties"));
    }
    if mixes_category_and_group(&props) {
        // ARM's own answer (400 BadRequest, this exact message), as reported against the
        // Insights RP in Azure/azure-rest-api-specs#22719 and Azure/azure-sdk-for-java#35427.
        return Err(ArmError::bad_request(MIX_MESSAGE).with_target("properties.logs"));
    }
    let is_vault =
        parse_resource_id(resource).is_some_and(|(_, _, t, _)| t == "microsoft.keyvault/vaults");
    if is_vault {
        let logs = props
            .get("logs")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, log) in logs.iter().enumerate() {
            if let Some(c) = log.get("category").and_then(Value::as_str)
                && !KV_CATEGORIES.iter().any(|k| k.eq_ignore_ascii_case(c))
            {
                return Err(
                    ArmError::bad_request(format!("Category '{c}' is not supported."))
                        .with_target(format!("properties.logs[{i}].category")),
                );
            }
            if let Some(g) = log.get("categoryGroup").and_then(Value::as_str)
                && !CATEGORY_GROUPS.iter().any(|k| k.eq_ignore_ascii_case(g))
            {
                return Err(ArmError::bad_request(format!(
                    "Category group '{g}' is not supported."
                ))
                .with_target(format!("properties.logs[{i}].categoryGroup")));
            }
        }
    }
    let id = setting_id(resource, name);
    let created = store.get(&id).is_none();
    let setting = json!({"id": id, "name": name, "type": TYPE, "properties": props});
    store.put(&id, setting.clone(), created);
    Ok(Reply::json(StatusCode::OK, setting))
}
