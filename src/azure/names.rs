//! Vault names before a create: `checkNameAvailability` and the subscription's deleted vaults.
//! Answers one question — free, held by a soft-deleted vault here, existing here in another
//! resource group, or taken elsewhere — and must not decide what to do about it (the executor
//! does, per `onSoftDeleted`).

use serde_json::{Value, json};

use super::arm::client::ArmClient;
use super::error::AzureError;
use crate::model::desired::ResourceKind;

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

/// Asks ARM about `name` from `subscription`'s point of view: `checkNameAvailability`, then
/// the subscription's deleted vaults, then its vaults — all at the Key Vault api-version
/// (`ResourceKind::Vault.api_version()`).
pub async fn vault_name_status(
    clients: &ArmClient,
    subscription: &str,
    name: &str,
) -> Result<NameStatus, AzureError> {
    let api_version = ResourceKind::Vault.api_version();
    let result = clients
        .post(
            &format!(
                "/subscriptions/{subscription}/providers/Microsoft.KeyVault/checkNameAvailability"
            ),
            api_version,
            &json!({ "name": name, "type": "Microsoft.KeyVault/vaults" }),
        )
        .await?;
    if result
        .get("nameAvailable")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return Ok(NameStatus::Free);
    }
    let deleted = clients
        .list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.KeyVault/deletedVaults"),
            api_version,
            &[],
        )
        .await?;
    let text = |v: &Value, pointer: &str| {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if let Some(found) = deleted.iter().find(|d| {
        d.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }) {
        return Ok(NameStatus::SoftDeleted {
            location: text(found, "/properties/location"),
            scheduled_purge_date: text(found, "/properties/scheduledPurgeDate")
                .map(|d| rfc3339_seconds(&d)),
        });
    }
    let listed = clients
        .list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.KeyVault/vaults"),
            api_version,
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
        reason: text(&result, "/reason").unwrap_or_else(|| "AlreadyExists".into()),
        message: text(&result, "/message")
            .unwrap_or_else(|| format!("The vault name `{name}` is already in use.")),
    })
}

/// An RFC 3339 date-time cut to whole seconds in UTC (`2026-03-01T10:00:00Z`), as the typed
/// client reported it; text that does not parse is kept as ARM sent it.
fn rfc3339_seconds(raw: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .map(|d| d.to_offset(time::UtcOffset::UTC))
        .and_then(|d| d.replace_nanosecond(0).ok())
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_else(|| raw.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn purge_dates_are_cut_to_seconds() {
        assert_eq!(
            super::rfc3339_seconds("2026-03-01T10:00:00.1234567Z"),
            "2026-03-01T10:00:00Z"
        );
        assert_eq!(super::rfc3339_seconds("soon"), "soon");
    }
}
