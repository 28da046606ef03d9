//! Creating a vault whose name may be held: the decision between create, recover (per the
//! plan's `onSoftDeleted`) and fail, with the messages users see. It asks the adapter and must
//! not build bodies beyond adding `createMode: recover`.

use serde_json::{Value, json};

use super::report::{ReportError, ResourceStatus};
use crate::azure::{ArmClient, AzureError, NameStatus, names, write};
use crate::change::diff::DiffOptions;
use crate::change::{Action, NameCheck, VaultChanges, diff_resource};
use crate::model::body::Body;
use crate::model::settings::OnSoftDeleted;
use crate::resources::{DesiredResource, ResourceKind};

/// Creates the vault of `vault` (its change `body` is the desired body), after checking its
/// name: free → create; soft-deleted here → fail or recover per `onSoftDeleted`; taken
/// elsewhere → fail with a suggestion.
pub async fn create_vault(
    clients: &ArmClient,
    vault: &VaultChanges,
    id: &str,
    body: &Value,
    diff: DiffOptions,
) -> Result<(ResourceStatus, Vec<String>), ReportError> {
    let fail = |e: AzureError| ReportError::from_azure(&e, id);
    let status = names::vault_name_status(clients, &vault.subscription_id, &vault.name)
        .await
        .map_err(fail)?;
    if crate::live::names::is_ours(clients, &status, id)
        .await
        .map_err(fail)?
    {
        // Ours, inside ARM's read-after-write window (a re-apply seconds after the create, or
        // a concurrent apply): converge it like any existing vault.
        return converge_ours(clients, id, body, diff).await.map_err(fail);
    }
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
            OnSoftDeleted::Fail => Err(refused(
                vault,
                id,
                &NameCheck::soft_deleted(OnSoftDeleted::Fail, location, scheduled_purge_date),
            )),
            OnSoftDeleted::Recover => recover(clients, id, body, diff).await.map_err(fail),
        },
        NameStatus::ExistsHere { id: existing } => {
            Err(refused(vault, id, &NameCheck::ExistsHere { id: existing }))
        }
        NameStatus::Taken { reason, message } => {
            Err(refused(vault, id, &NameCheck::Taken { reason, message }))
        }
    }
}

/// The report error for a name that stops the create (wording shared with `plan`).
fn refused(vault: &VaultChanges, id: &str, check: &NameCheck) -> ReportError {
    let (code, message) = check
        .refusal(&vault.name, &vault.subscription_id)
        .unwrap_or(("VaultNameTaken", String::new()));
    ReportError {
        code: code.into(),
        message,
        resource: id.to_string(),
    }
}

/// The plan's own vault, found at its planned ID after ARM's read-after-write lag: diffed like
/// any existing vault (same guard) and updated when it differs. Returns the refused changes.
async fn converge_ours(
    clients: &ArmClient,
    id: &str,
    body: &Value,
    diff: DiffOptions,
) -> Result<(ResourceStatus, Vec<String>), AzureError> {
    let Some(live) = crate::live::names::read_after_lag(clients, id).await? else {
        return Err(AzureError::new(
            "VaultNotVisible",
            format!("the vault {id} holds its name but ARM did not show it; run apply again"),
        ));
    };
    let desired = DesiredResource {
        kind: ResourceKind::Vault,
        id: id.to_string(),
        api_version: ResourceKind::Vault.api_version(),
        body: Body::from_value(body),
    };
    let change = diff_resource(&desired, Some(&live), diff);
    if change.action == Action::Update {
        write::put(clients, ResourceKind::Vault, id, &change.body).await?;
        return Ok((ResourceStatus::Updated, change.blocked));
    }
    Ok((ResourceStatus::Unchanged, change.blocked))
}

/// Recovers the deleted vault (`createMode: recover`), reads it back and updates every owned
/// property that differs from the plan. Returns the changes kvinit refused on the recovered
/// vault (e.g. its retention differs from the plan's).
async fn recover(
    clients: &ArmClient,
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
        body: Body::from_value(body),
    };
    // The recovered vault is the plan's vault being created: its firewall gets the plan's
    // rules (the deleted vault's rule lists served no one); every other guarded field (purge
    // protection, default action, public access, RBAC, retention) stays as strict as recovered.
    let diff = DiffOptions {
        allow_weaken: diff
            .allow_weaken
            .with("networkAcls.ipRules")
            .with("networkAcls.virtualNetworkRules"),
        ..diff
    };
    let change = diff_resource(&desired, Some(&live), diff);
    if change.action == Action::Update {
        write::put(clients, ResourceKind::Vault, id, &change.body).await?;
    }
    Ok((ResourceStatus::Recovered, change.blocked))
}
