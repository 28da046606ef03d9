//! Vault names in the read phase: who holds the name of every vault a plan would create
//! (`checkNameAvailability`, then the deleted-vault and vault lists when it is not free), and how
//! that reads under the vault's `onSoftDeleted`. Shared by a live `plan` (which records it on the
//! change set) and `apply` (which decides create / recover / fail from it). Reads only.

use crate::azure::{ArmClient, NameStatus, names};
use crate::change::{Action, NameCheck, VaultChanges};
use crate::resources::ResourceKind;

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

/// For `plan`: asks ARM who holds the name of every vault that would be created and records the
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
        Some(names::vault_name_status(clients, &v.subscription_id, &v.name).await)
    }))
    .buffered(crate::azure::observe::OBSERVE_CONCURRENCY)
    .collect()
    .await;
    for (vault, check) in changes.vaults.iter_mut().zip(checks) {
        match check {
            None => {}
            Some(Ok(status)) => {
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
