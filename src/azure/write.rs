//! Writes: one PUT per resource, through the typed azure_mgmt client. The JSON body is first
//! deserialised into the SDK's model type and checked to survive the round trip (this proves
//! kvinit's bodies fit the SDK's types), then sent with `.send()` — never the SDK's LRO
//! `.await`, which re-sends the PUT in a loop. A resource whose answer carries a non-terminal
//! `properties.provisioningState` is polled with GET (honouring `Retry-After`) until
//! `Succeeded`, `Failed` or `Canceled`. It never sends purge or PATCH, and DELETE only through
//! [`revoke_role_assignment`] (a grant kvinit made itself); it must not decide what to write.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::clients::{
    ArmClients, activity, authorization, diagnostics, keyvault, metrics, resources,
};
use super::error::AzureError;
use super::ids::ArmId;
use super::observe::{body_json, get};
use crate::model::desired::ResourceKind;

/// Longest wait for a long-running operation to reach a terminal state.
pub const LRO_TIMEOUT: Duration = Duration::from_secs(600);
/// Poll interval when ARM gives no `Retry-After`.
pub const LRO_DEFAULT_POLL: Duration = Duration::from_millis(500);
/// Longest poll interval kvinit honours.
pub const LRO_MAX_POLL: Duration = Duration::from_secs(15);

/// PUTs `body` to resource `id` of `kind` and waits until it is provisioned. Returns the body
/// of the final GET (or of the PUT when nothing had to be polled).
pub async fn put(
    clients: &ArmClients,
    kind: ResourceKind,
    id: &str,
    body: &Value,
) -> Result<Value, AzureError> {
    let a = ArmId::parse(id)?;
    let response: azure_core::Response = match kind {
        ResourceKind::ResourceGroup => {
            let model: resources::models::ResourceGroup = fit(body, "ResourceGroup")?;
            clients
                .resources
                .resource_groups_client()
                .create_or_update(a.name.clone(), model, a.subscription()?)
                .send()
                .await?
                .into_raw_response()
        }
        ResourceKind::Vault => {
            let model: keyvault::models::VaultCreateOrUpdateParameters =
                fit(body, "VaultCreateOrUpdateParameters")?;
            clients
                .keyvault
                .vaults_client()
                .create_or_update(a.group()?, a.name.clone(), model, a.subscription()?)
                .send()
                .await?
                .into_raw_response()
        }
        ResourceKind::RoleAssignment => {
            let model: authorization::models::RoleAssignmentCreateParameters =
                fit(body, "RoleAssignmentCreateParameters")?;
            clients
                .authorization
                .role_assignments_client()
                .create(a.parent.clone(), a.name.clone(), model)
                .send()
                .await?
                .into_raw_response()
        }
        ResourceKind::DiagnosticSetting => {
            let model: diagnostics::models::DiagnosticSettingsResource =
                fit(body, "DiagnosticSettingsResource")?;
            clients
                .diagnostics
                .diagnostic_settings_client()
                .create_or_update(a.parent.clone(), model, a.name.clone())
                .send()
                .await?
                .into_raw_response()
        }
        ResourceKind::ActionGroup => {
            let model: diagnostics::models::ActionGroupResource = fit(body, "ActionGroupResource")?;
            clients
                .diagnostics
                .action_groups_client()
                .create_or_update(a.group()?, a.name.clone(), model, a.subscription()?)
                .send()
                .await?
                .into_raw_response()
        }
        ResourceKind::MetricAlert => {
            // The SDK's `MetricCriteria` drops the required `criterionType` discriminator (see
            // raw.rs): check everything else fits, then send the body untyped.
            let mut checked = body.clone();
            strip_key(&mut checked, "criterionType");
            let _: metrics::models::MetricAlertResource = fit(&checked, "MetricAlertResource")?;
            clients.raw.put(id, kind.api_version(), body).await?
        }
        ResourceKind::ActivityLogAlert => {
            let model: activity::models::ActivityLogAlertResource =
                fit(body, "ActivityLogAlertResource")?;
            clients
                .activity
                .activity_log_alerts_client()
                .create_or_update(a.subscription()?, a.group()?, a.name.clone(), model)
                .send()
                .await?
                .into_raw_response()
        }
    };
    let retry_after = retry_after(&response);
    let body = body_json(response).await?;
    match provisioning_state(&body) {
        Some(state) if !is_terminal(&state) => poll(clients, kind, id, retry_after).await,
        Some(state) => finished(state, body),
        None => Ok(body),
    }
}

/// Revokes a role assignment kvinit created (the executor sends it only for an `Action::Revoke`,
/// which the diff gives only for an assignment whose UUID v5 name proves kvinit made it): one
/// DELETE, the only one kvinit sends. An assignment already gone (404) counts as revoked.
pub async fn revoke_role_assignment(clients: &ArmClients, id: &str) -> Result<(), AzureError> {
    let kind = ResourceKind::RoleAssignment;
    match clients.raw.delete(id, kind.api_version()).await {
        Err(e) if e.code == "RoleAssignmentNotFound" => Ok(()),
        other => other,
    }
}

/// Waits until resource `id` (found still provisioning by observe) reaches a terminal
/// `provisioningState`; fails when it ends `Failed` or `Canceled`.
pub async fn wait_until_provisioned(
    clients: &ArmClients,
    kind: ResourceKind,
    id: &str,
) -> Result<Value, AzureError> {
    poll(clients, kind, id, None).await
}

/// Polls GET until `properties.provisioningState` is terminal.
async fn poll(
    clients: &ArmClients,
    kind: ResourceKind,
    id: &str,
    first_wait: Option<Duration>,
) -> Result<Value, AzureError> {
    let started = Instant::now();
    let mut wait = first_wait.unwrap_or(LRO_DEFAULT_POLL);
    loop {
        if !clients
            .settings()
            .interrupt
            .sleep(wait.min(LRO_MAX_POLL))
            .await
        {
            return Err(AzureError::from_core(&super::interrupt::interrupted_error()));
        }
        if let Some(body) = get(clients, kind, id).await? {
            match provisioning_state(&body) {
                Some(state) if !is_terminal(&state) => {}
                Some(state) => return finished(state, body),
                None => return Ok(body),
            }
        }
        if started.elapsed() > LRO_TIMEOUT {
            return Err(AzureError::new(
                "LongRunningOperationTimeout",
                format!(
                    "`{id}` was still provisioning after {} s",
                    LRO_TIMEOUT.as_secs()
                ),
            ));
        }
        wait = LRO_DEFAULT_POLL;
    }
}

fn finished(state: String, body: Value) -> Result<Value, AzureError> {
    if state.eq_ignore_ascii_case("Succeeded") {
        Ok(body)
    } else {
        Err(AzureError::new(
            "LongRunningOperationFailed",
            format!("provisioning ended in state `{state}`"),
        ))
    }
}

fn provisioning_state(body: &Value) -> Option<String> {
    body.pointer("/properties/provisioningState")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn is_terminal(state: &str) -> bool {
    ["Succeeded", "Failed", "Canceled"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(state))
}

fn retry_after(response: &azure_core::Response) -> Option<Duration> {
    response
        .headers()
        .get_optional_str(&azure_core::headers::RETRY_AFTER)
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_secs)
}

fn strip_key(value: &mut Value, key: &str) {
    match value {
        Value::Object(map) => {
            map.remove(key);
            map.values_mut().for_each(|v| strip_key(v, key));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_key(v, key)),
        _ => {}
    }
}

/// Deserialises `body` into the SDK model `T` and checks that nothing was lost on the way
/// (every field of `body` comes back when `T` is serialised again).
pub fn fit<T: DeserializeOwned + Serialize>(
    body: &Value,
    type_name: &str,
) -> Result<T, AzureError> {
    let model: T = serde_json::from_value(body.clone()).map_err(|e| {
        AzureError::new(
            "BodyDoesNotFitSdkType",
            format!("the body does not fit the SDK type {type_name}: {e}"),
        )
    })?;
    let back = serde_json::to_value(&model)
        .map_err(|e| AzureError::new("BodyDoesNotFitSdkType", format!("{type_name}: {e}")))?;
    if let Some(path) = first_lost("", body, &back) {
        return Err(AzureError::new(
            "BodyDoesNotFitSdkType",
            format!("the SDK type {type_name} drops or changes `{path}`"),
        ));
    }
    Ok(model)
}

/// The first path of `sent` that does not survive in `back`, if any.
fn first_lost(path: &str, sent: &Value, back: &Value) -> Option<String> {
    match (sent, back) {
        (Value::Null, _) => None,
        (Value::Object(s), Value::Object(b)) => s.iter().find_map(|(k, v)| {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match b.get(k) {
                Some(bv) => first_lost(&child, v, bv),
                None if v.is_null() => None,
                None if v.as_array().is_some_and(Vec::is_empty) => None,
                None => Some(child),
            }
        }),
        (Value::Array(s), Value::Array(b)) if s.len() == b.len() => s
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (sv, bv))| first_lost(&format!("{path}[{i}]"), sv, bv)),
        (Value::Number(s), Value::Number(b)) => {
            (s.as_f64() != b.as_f64()).then(|| path.to_string())
        }
        (s, b) => (s != b).then(|| path.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_vault_body_fits_and_an_unknown_field_does_not() {
        let body = json!({
            "location": "westeurope", "tags": { "owner": "platform" },
            "properties": { "tenantId": "00000000-0000-0000-0000-000000000001",
                "sku": { "family": "A", "name": "standard" }, "enableRbacAuthorization": true,
                "softDeleteRetentionInDays": 90, "enablePurgeProtection": true,
                "networkAcls": { "defaultAction": "Deny", "bypass": "AzureServices",
                    "ipRules": [{ "value": "203.0.113.4/32" }], "virtualNetworkRules": [] } }
        });
        fit::<keyvault::models::VaultCreateOrUpdateParameters>(&body, "Vault").unwrap();
        let mut bad = body.clone();
        bad["properties"]["enableTypo"] = json!(true);
        let err =
            fit::<keyvault::models::VaultCreateOrUpdateParameters>(&bad, "Vault").unwrap_err();
        assert!(err.message.contains("properties.enableTypo"), "{err}");
    }
}
