//! Vault names in the read phase: who holds the name of every vault a plan would create
//! (`checkNameAvailability`, then the deleted-vault and vault lists when it is not free), and how
//! that reads under the vault's `onSoftDeleted`. Shared by a live `plan` (which records it on the
//! change set) and `apply` (which decides create / recover / fail from it). Reads only.

use std::time::Duration;

use serde_json::Value;

use crate::azure::{ArmClient, AzureError, NameStatus, names, observe};
use crate::change::{Action, NameCheck, VaultChanges};
use crate::resources::ResourceKind;

/// How long kvinit waits out ARM's read-after-write lag for a vault that may be its own (the
/// name is not free, and the vault may be at the planned ARM resource ID): GETs after pauses of
/// 0.25, 0.5, 1, 2 and 4 s, under 8 s in all. A name that is really someone else's costs this
/// wait once, before it is reported taken.
pub const OURS_WAIT: [Duration; 5] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// The vault at `id` once ARM shows it, retrying a 404 over [`OURS_WAIT`] (ARM's
/// read-after-write window); `Ok(None)` when it never appears (the name is someone else's).
pub async fn read_after_lag(clients: &ArmClient, id: &str) -> Result<Option<Value>, AzureError> {
    if let Some(v) = observe::get(clients, ResourceKind::Vault, id).await? {
        return Ok(Some(v));
    }
    for pause in OURS_WAIT {
        tokio::time::sleep(pause).await;
        if let Some(v) = observe::get(clients, ResourceKind::Vault, id).await? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// Whether a name that is not free belongs to the plan's vault at `planned_id`: ARM names that
/// very ID, or a GET of it finds the vault within ARM's read-after-write window
/// ([`OURS_WAIT`]).
pub async fn is_ours(
    clients: &ArmClient,
    status: &NameStatus,
    planned_id: &str,
) -> Result<bool, AzureError> {
    match status {
        NameStatus::ExistsHere { id } if id.eq_ignore_ascii_case(planned_id) => Ok(true),
        NameStatus::ExistsHere { .. } | NameStatus::Taken { .. } => {
            Ok(read_after_lag(clients, planned_id).await?.is_some())
        }
        _ => Ok(false),
    }
}

/// How `status` reads for `vault` under its `onSoftDeleted` (what a live `plan` shows).
pub fn name_check(vault: &VaultChanges, status: NameStatus) -> NameCheck {
    match status {
        NameStatus::Free => NameCheck::Free,
        NameStatus::SoftDeleted {
            location,
            scheduled_purge_date,
        } => NameCheck::soft_deleted(vault.on_soft_deleted, location, scheduled_purge_date),
        NameStatus::ExistsHere { id } => NameCheck::ExistsHere { id },
        NameStatus::Taken { reason, message } => NameCheck::Taken { reason, message },
    }
}

/// A name's holder as the read phase decides it.
enum Holder {
    /// The plan's own vault (see [`NameCheck::Ours`]).
    Ours(String),
    /// Anything else, as ARM answered.
    Theirs(NameStatus),
}
use Holder::{Ours, Theirs};

/// For `plan` and `apply` (before it asks for confirmation): asks ARM who holds the name of every vault that would be created and records the
/// outcome on the change set (a held or taken name blocks the vault and what needs it). One
/// `checkNameAvailability` per such vault, plus the deleted-vault and vault lists when the name
/// is not free. A failed check makes that vault's resource unreadable.
pub async fn check_names(clients: &ArmClient, changes: &mut crate::change::ChangeSet) {
    use futures::StreamExt;
    let checks: Vec<_> = futures::stream::iter(changes.vaults.iter().map(|v| async move {
        let creates = v.vault().is_some_and(|r| r.action == Action::Create);
        if !creates {
            return None;
        }
        let planned = v.vault().map(|r| r.id.clone()).unwrap_or_default();
        let status = names::vault_name_status(clients, &v.subscription_id, &v.name).await;
        Some(match status {
            Ok(s) => match is_ours(clients, &s, &planned).await {
                Ok(true) => Ok(Ours(planned)),
                Ok(false) => Ok(Theirs(s)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        })
    }))
    .buffered(crate::azure::observe::OBSERVE_CONCURRENCY)
    .collect()
    .await;
    for (vault, check) in changes.vaults.iter_mut().zip(checks) {
        match check {
            None => {}
            Some(Ok(Ours(id))) => crate::change::name_check::attach(vault, NameCheck::Ours { id }),
            Some(Ok(Theirs(status))) => {
                let check = name_check(vault, status);
                crate::change::name_check::attach(vault, check);
            }
            Some(Err(e)) => {
                if let Some(r) = vault
                    .resources
                    .iter_mut()
                    .find(|r| r.kind == ResourceKind::Vault)
                {
                    r.action = Action::Unreadable;
                    r.read_error = Some(crate::change::ReadError {
                        code: e.code.clone(),
                        message: format!("checking the vault name failed: {}", e.message),
                    });
                }
            }
        }
    }
}
