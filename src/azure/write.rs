//! Writes: one PUT per resource at its type's api-version (`ResourceKind::api_version`), with
//! the body exactly as the desired state holds it (checked against the ARM specs by
//! `resources::desired_spec_tests`), then, for an answer that is still provisioning, GET polling
//! until a terminal state ([`super::arm::lro`]). It never sends purge or PATCH, and DELETE only
//! through [`revoke_role_assignment`] (a grant kvinit made itself); it must not decide what to
//! write.

use serde_json::Value;

use super::arm::client::ArmClient;
use super::arm::lro;
use super::error::AzureError;
use super::ids::ArmId;
use crate::model::desired::ResourceKind;

pub use super::arm::lro::{LRO_DEFAULT_POLL, LRO_MAX_POLL, LRO_TIMEOUT};

/// PUTs `body` to resource `id` of `kind` and waits until it is provisioned. Returns the body
/// of the final GET (or of the PUT when nothing had to be polled).
pub async fn put(
    clients: &ArmClient,
    kind: ResourceKind,
    id: &str,
    body: &Value,
) -> Result<Value, AzureError> {
    ArmId::parse(id)?;
    let api_version = kind.api_version();
    let response = clients.put(id, api_version, body).await?;
    let done = lro::settle(
        clients,
        id,
        api_version,
        response.body,
        response.retry_after,
    )
    .await?;
    match kind.descriptor().ready {
        Some(ready) if !ready(&done) => wait_until_ready(clients, kind, id, ready).await,
        _ => Ok(done),
    }
}

/// Polls GET of `id` every [`LRO_DEFAULT_POLL`] (Ctrl-C ends the wait) until its type's `ready` check holds (a private
/// endpoint's connection `Approved`), for at most [`LRO_TIMEOUT`]; then fails with
/// `NotReady`, naming the resource and its last state.
async fn wait_until_ready(
    clients: &ArmClient,
    kind: ResourceKind,
    id: &str,
    ready: fn(&Value) -> bool,
) -> Result<Value, AzureError> {
    let started = std::time::Instant::now();
    loop {
        if !clients.settings().interrupt.sleep(LRO_DEFAULT_POLL).await {
            return Err(AzureError::from_core(
                &super::arm::interrupt::interrupted_error(),
            ));
        }
        let body = clients.get(id, kind.api_version()).await?;
        if ready(&body) {
            return Ok(body);
        }
        if started.elapsed() >= LRO_TIMEOUT {
            let state = body
                .pointer("/properties/privateLinkServiceConnections/0/properties/privateLinkServiceConnectionState/status")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            return Err(AzureError::new(
                "NotReady",
                format!(
                    "{} `{id}` is not ready after {} s (connection state: {state}); approve the connection on the vault, then run apply again",
                    kind.arm_type(),
                    LRO_TIMEOUT.as_secs()
                ),
            ));
        }
    }
}

/// Revokes a role assignment kvinit created (the executor sends it only for an `Action::Revoke`,
/// which the diff gives only for an assignment whose UUID v5 name proves kvinit made it): one
/// DELETE, the only one kvinit sends. An assignment already gone (404) counts as revoked.
pub async fn revoke_role_assignment(clients: &ArmClient, id: &str) -> Result<(), AzureError> {
    let kind = ResourceKind::RoleAssignment;
    match clients.delete(id, kind.api_version()).await {
        Err(e) if e.code == "RoleAssignmentNotFound" => Ok(()),
        other => other,
    }
}

/// Waits until resource `id` (found still provisioning by observe) reaches a terminal
/// `provisioningState`; fails when it ends `Failed` or `Canceled`.
pub async fn wait_until_provisioned(
    clients: &ArmClient,
    kind: ResourceKind,
    id: &str,
) -> Result<Value, AzureError> {
    lro::poll(clients, id, kind.api_version(), None).await
}
