//! Creating a vault whose name may be held: the decision between create, recover (per the
//! plan's `onSoftDeleted`) and fail, with the messages users see. It asks the adapter and must
//! not build bodies beyond adding `createMode: recover`.

use serde_json::{Value, json};

use super::report::{ReportError, ResourceStatus};
use crate::azure::{ArmClients, AzureError, NameStatus, names, write};
use crate::change::diff::DiffOptions;
use crate::change::{Action, VaultChanges, diff_resource};
use crate::model::desired::{DesiredResource, OnSoftDeleted, ResourceKind};

/// Creates the vault of `vault` (its change `body` is the desired body), after checking its
/// name: free → create; soft-deleted here → fail or recover per `onSoftDeleted`; taken
/// elsewhere → fail with a suggestion.
pub async fn create_vault(
    clients: &ArmClients,
    vault: &VaultChanges,
    id: &str,
    body: &Value,
    diff: DiffOptions,
) -> Result<(ResourceStatus, Vec<String>), ReportError> {
    let fail = |e: AzureError| ReportError::from_azure(&e, id);
    let status = names::vault_name_status(clients, &vault.subscription_id, &vault.name)
        .await
        .map_err(fail)?;
    match status {
        NameStatus::Free => {
            write::put(clients, ResourceKind::Vault, id, body)
                .await
                .map_err(fail)?;
            Ok((ResourceStatus::Created, Vec::new()))
        }
        NameStatus::SoftDeleted {
            location,
            scheduled_purge_date,
        } => match vault.on_soft_deleted {
            OnSoftDeleted::Fail => Err(ReportError {
                code: "VaultNameSoftDeleted".into(),
                message: soft_deleted_message(
                    vault,
                    location.as_deref(),
                    scheduled_purge_date.as_deref(),
                ),
                resource: id.to_string(),
            }),
            OnSoftDeleted::Recover => recover(clients, id, body, diff).await.map_err(fail),
        },
        NameStatus::ExistsHere { id: existing } => Err(ReportError {
            code: "VaultNameTaken".into(),
            message: format!(
                "a vault named `{}` already exists in this subscription as {existing}; kvinit \
                 does not move vaults: point `naming.resourceGroup` at its resource group, or \
                 change `naming.vault`",
                vault.name
            ),
            resource: id.to_string(),
        }),
        NameStatus::Taken { reason, message } => Err(ReportError {
            code: "VaultNameTaken".into(),
            message: format!(
                "{message} (reason: {reason}). Vault names are global across Azure and this one \
                 belongs to someone else: change `naming.vault` in the plan, e.g. add a prefix \
                 or suffix unique to your organisation"
            ),
            resource: id.to_string(),
        }),
    }
}

/// The message for a name held by a soft-deleted vault with `onSoftDeleted: fail`.
pub fn soft_deleted_message(
    vault: &VaultChanges,
    location: Option<&str>,
    purge: Option<&str>,
) -> String {
    format!(
        "the name `{}` is held by a soft-deleted vault in subscription {}{}; it is scheduled to \
         be purged on {}. Either set `onSoftDeleted: recover` in the plan to recover it (its old \
         secrets, keys and settings come back, then kvinit converges it to the plan), or use a \
         different name (change `naming.vault`)",
        vault.name,
        vault.subscription_id,
        location
            .map(|l| format!(" (deleted from {l})"))
            .unwrap_or_default(),
        purge.unwrap_or("an unknown date"),
    )
}

/// Recovers the deleted vault (`createMode: recover`), reads it back and updates every owned
/// property that differs from the plan. Returns the changes kvinit refused on the recovered
/// vault (e.g. its retention differs from the plan's).
async fn recover(
    clients: &ArmClients,
    id: &str,
    body: &Value,
    diff: DiffOptions,
) -> Result<(ResourceStatus, Vec<String>), AzureError> {
    let mut recover_body = body.clone();
    recover_body["properties"]["createMode"] = json!("recover");
    let live = write::put(clients, ResourceKind::Vault, id, &recover_body).await?;
    let desired = DesiredResource {
        kind: ResourceKind::Vault,
        id: id.to_string(),
        api_version: ResourceKind::Vault.api_version(),
        body: body.clone(),
    };
    let change = diff_resource(&desired, Some(&live), diff);
    if change.action == Action::Update {
        write::put(clients, ResourceKind::Vault, id, &change.body).await?;
    }
    Ok((ResourceStatus::Recovered, change.blocked))
}
