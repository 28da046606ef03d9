//! Reads the subnets a plan references (`Microsoft.Network/virtualNetworks/subnets`, api-version
//! [`SUBNET_API_VERSION`]): one GET per distinct subnet (case-insensitive), concurrently. Reads
//! only; it must not judge what it reads (`live::subnets` does).

use std::collections::BTreeMap;

use futures::StreamExt;
use serde_json::Value;

use super::arm::client::ArmClient;
use super::error::AzureError;
use super::observe::OBSERVE_CONCURRENCY;

/// The Network api-version subnets are read at (the one private endpoints are written at).
pub const SUBNET_API_VERSION: &str = "2023-09-01";

/// What a subnet read found: its body, `None` when ARM answered 404, or the read's error.
pub type SubnetRead = Result<Option<Value>, AzureError>;

/// GETs every subnet of `ids` once; the map is keyed by lower-cased subnet ID.
pub async fn read_subnets(
    clients: &ArmClient,
    ids: impl IntoIterator<Item = String>,
) -> BTreeMap<String, SubnetRead> {
    let mut unique: BTreeMap<String, String> = BTreeMap::new();
    for id in ids {
        unique.entry(id.to_ascii_lowercase()).or_insert(id);
    }
    futures::stream::iter(unique)
        .map(|(key, id)| async move {
            let read = match clients.get(&id, SUBNET_API_VERSION).await {
                Ok(body) => Ok(Some(body)),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            };
            (key, read)
        })
        .buffer_unordered(OBSERVE_CONCURRENCY)
        .collect()
        .await
}
