//! Read live state for a desired state and compute the change set: `azure::observe` (one read
//! phase, list operations where ARM has them) then `change::diff_state`, then the subnets the
//! plan references are checked (`live::subnets`). Reads only.

use crate::azure::{ArmClient, AzureError, observe};
use crate::change::diff::DiffOptions;
use crate::change::{ChangeSet, diff_state};
use crate::resources::DesiredState;

/// Reads live state for `desired` and computes the change set. Fails only when nothing at all
/// could be read (no credential, no connection: the first read error's code and message); a
/// read failing for some resources fails just the vaults concerned (their resources are
/// `unreadable` in the change set).
pub async fn read_changes(
    clients: &ArmClient,
    desired: &DesiredState,
    diff: DiffOptions,
) -> Result<ChangeSet, AzureError> {
    let live = observe::observe(clients, desired).await;
    if let Some(e) = live.nothing_readable() {
        return Err(AzureError::new(e.code.clone(), e.message.clone()));
    }
    let mut changes = diff_state(desired, &live, diff);
    super::subnets::check_subnets(clients, desired, &mut changes).await;
    Ok(changes)
}
