//! Vault names before a create: `checkNameAvailability` and the subscription's deleted vaults.
//! Answers one question — free, held by a soft-deleted vault here, existing here in another
//! resource group, or taken elsewhere — and must not decide what to do about it (the executor
//! does, per `onSoftDeleted`).

use futures::StreamExt;

use super::clients::{ArmClients, keyvault};
use super::error::AzureError;

/// Whether a vault name can be used for a new vault in a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameStatus {
    /// Nobody holds the name.
    Free,
    /// A soft-deleted vault in this subscription holds the name.
    SoftDeleted {
        /// Where the deleted vault lived.
        location: Option<String>,
        /// When Key Vault purges it (RFC 3339), after which the name is free.
        scheduled_purge_date: Option<String>,
    },
    /// A vault with this name already exists in this subscription, in another resource group.
    ExistsHere {
        /// Its ARM resource ID.
        id: String,
    },
    /// An existing vault elsewhere (any subscription, any tenant) or a soft-deleted vault in
    /// another subscription holds the name, or ARM rejects it.
    Taken {
        /// ARM's reason (`AlreadyExists`, `AccountNameInvalid`).
        reason: String,
        /// ARM's message.
        message: String,
    },
}

/// Asks ARM about `name` from `subscription`'s point of view.
pub async fn vault_name_status(
    clients: &ArmClients,
    subscription: &str,
    name: &str,
) -> Result<NameStatus, AzureError> {
    let params = keyvault::models::VaultCheckNameAvailabilityParameters::new(
        name.to_string(),
        keyvault::models::vault_check_name_availability_parameters::Type::MicrosoftKeyVaultVaults,
    );
    let result = clients
        .keyvault
        .vaults_client()
        .check_name_availability(params, subscription)
        .await?;
    if result.name_available.unwrap_or(false) {
        return Ok(NameStatus::Free);
    }
    let mut pages = clients
        .keyvault
        .vaults_client()
        .list_deleted(subscription)
        .into_stream();
    while let Some(page) = pages.next().await {
        for deleted in page?.value {
            if deleted
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
            {
                let props = deleted.properties.unwrap_or_default();
                return Ok(NameStatus::SoftDeleted {
                    location: props.location,
                    scheduled_purge_date: props.scheduled_purge_date.and_then(|d| {
                        d.replace_nanosecond(0)
                            .unwrap_or(d)
                            .format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    }),
                });
            }
        }
    }
    let listed = clients
        .raw
        .list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.KeyVault/vaults"),
            crate::model::desired::ResourceKind::Vault.api_version(),
            &[],
        )
        .await
        .unwrap_or_default();
    if let Some(id) = listed.iter().find_map(|v| {
        let vault_name = v.get("name")?.as_str()?;
        vault_name
            .eq_ignore_ascii_case(name)
            .then(|| v.get("id")?.as_str().map(str::to_owned))?
    }) {
        return Ok(NameStatus::ExistsHere { id });
    }
    Ok(NameStatus::Taken {
        reason: result
            .reason
            .map(|r| format!("{r:?}"))
            .unwrap_or_else(|| "AlreadyExists".into()),
        message: result
            .message
            .unwrap_or_else(|| format!("The vault name `{name}` is already in use.")),
    })
}
