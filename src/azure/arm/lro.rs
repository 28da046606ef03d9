//! Long-running operations: a resource whose answer carries a non-terminal
//! `properties.provisioningState` is polled with GET (honouring the first `Retry-After`) until
//! `Succeeded`, `Failed` or `Canceled`, at most [`LRO_TIMEOUT`]. Every wait races the run's
//! Ctrl-C flag. It never re-sends the write (the azure_mgmt clients' LRO `.await` did).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::client::ArmClient;
use super::error::AzureError;

/// Longest wait for a long-running operation to reach a terminal state.
pub const LRO_TIMEOUT: Duration = Duration::from_secs(600);
/// Poll interval when ARM gives no `Retry-After`.
pub const LRO_DEFAULT_POLL: Duration = Duration::from_millis(500);
/// Longest poll interval kvinit honours.
pub const LRO_MAX_POLL: Duration = Duration::from_secs(15);

/// `properties.provisioningState`, when present.
pub fn provisioning_state(body: &Value) -> Option<String> {
    body.pointer("/properties/provisioningState")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Whether `state` is terminal (`Succeeded`, `Failed`, `Canceled`, any casing).
pub fn is_terminal(state: &str) -> bool {
    ["Succeeded", "Failed", "Canceled"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(state))
}

/// `body` when its provisioning ended in `Succeeded`, else `LongRunningOperationFailed`.
pub fn finished(state: String, body: Value) -> Result<Value, AzureError> {
    if state.eq_ignore_ascii_case("Succeeded") {
        Ok(body)
    } else {
        Err(AzureError::new(
            "LongRunningOperationFailed",
            format!("provisioning ended in state `{state}`"),
        ))
    }
}

/// Settles the answer of a write: returns `body` when it is terminal or has no provisioning
/// state, else polls `path` at `api_version` (first after `retry_after`, when given).
pub async fn settle(
    client: &ArmClient,
    path: &str,
    api_version: &str,
    body: Value,
    retry_after: Option<Duration>,
) -> Result<Value, AzureError> {
    match provisioning_state(&body) {
        Some(state) if !is_terminal(&state) => poll(client, path, api_version, retry_after).await,
        Some(state) => finished(state, body),
        None => Ok(body),
    }
}

/// Polls GET of `path` until its `properties.provisioningState` is terminal; fails when it
/// ends `Failed` or `Canceled`, after [`LRO_TIMEOUT`], or on Ctrl-C.
pub async fn poll(
    client: &ArmClient,
    path: &str,
    api_version: &str,
    first_wait: Option<Duration>,
) -> Result<Value, AzureError> {
    let started = Instant::now();
    let mut wait = first_wait.unwrap_or(LRO_DEFAULT_POLL);
    loop {
        if !client
            .settings()
            .interrupt
            .sleep(wait.min(LRO_MAX_POLL))
            .await
        {
            return Err(AzureError::from_core(&super::interrupt::interrupted_error()));
        }
        match client.get(path, api_version).await {
            Ok(body) => match provisioning_state(&body) {
                Some(state) if !is_terminal(&state) => {}
                Some(state) => return finished(state, body),
                None => return Ok(body),
            },
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        if started.elapsed() > LRO_TIMEOUT {
            return Err(AzureError::new(
                "LongRunningOperationTimeout",
                format!(
                    "`{path}` was still provisioning after {} s",
                    LRO_TIMEOUT.as_secs()
                ),
            ));
        }
        wait = LRO_DEFAULT_POLL;
    }
}
