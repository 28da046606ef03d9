//! Soft-deleted vaults (2022-02-01-preview): GET one, list by subscription, purge. Owns the
//! purge-protection refusal; the soft delete itself happens in `vaults.rs`.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::{Outcome, Reply, Req, list_reply, method_not_allowed};
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::store::Store;
use crate::target::deleted_vault_id;

/// This route's descriptor (registered in `routes::ROUTES`): a soft-deleted vault, its purge, and the deleted vaults of a subscription.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: DELETED_VAULT,
            pattern: "subscriptions/{sub}/providers/microsoft.keyvault/locations/{location}/deletedvaults/{name}",
        },
        PathShape {
            name: PURGE_DELETED_VAULT,
            pattern: "subscriptions/{sub}/providers/microsoft.keyvault/locations/{location}/deletedvaults/{name}/purge",
        },
        PathShape {
            name: DELETED_VAULTS,
            pattern: "subscriptions/{sub}/providers/microsoft.keyvault/deletedvaults",
        },
    ],
    versions: super::vaults::VERSIONS,
    operations: &[
        op(DELETED_VAULT, "GET", "Vaults_GetDeleted"),
        op(DELETED_VAULTS, "GET", "Vaults_ListDeleted"),
        op(PURGE_DELETED_VAULT, "POST", "Vaults_PurgeDeleted"),
    ],
    handle,
    settle: None,
    stored_types: &[],
};

/// The `subscriptions/{sub}/providers/microsoft.keyvault/locations/{location}/deletedvaults/{name}` path shape.
const DELETED_VAULT: &str = "DeletedVault";
/// The `subscriptions/{sub}/providers/microsoft.keyvault/locations/{location}/deletedvaults/{name}/purge` path shape.
const PURGE_DELETED_VAULT: &str = "PurgeDeletedVault";
/// The `subscriptions/{sub}/providers/microsoft.keyvault/deletedvaults` path shape.
const DELETED_VAULTS: &str = "DeletedVaults";

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, location, name) = (t.param("sub"), t.param("location"), t.param("name"));
    match (req.target.shape, &req.method) {
        (DELETED_VAULT, &Method::GET) => {
            match store
                .state
                .deleted_vaults
                .get(&deleted_vault_id(sub, location, name).to_ascii_lowercase())
            {
                Some(entry) => Ok(Reply::json(StatusCode::OK, entry.deleted_vault.clone())),
                None => Err(not_found(name)),
            }
        }
        (DELETED_VAULTS, &Method::GET) => {
            let prefix = format!("/subscriptions/{}/", sub.to_ascii_lowercase());
            let items = store
                .state
                .deleted_vaults
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .map(|(_, e)| e.deleted_vault.clone())
                .collect();
            list_reply(items)
        }
        (PURGE_DELETED_VAULT, &Method::POST) => {
            let key = deleted_vault_id(sub, location, name).to_ascii_lowercase();
            let Some(entry) = store.state.deleted_vaults.get(&key) else {
                return Err(not_found(name));
            };
            if entry
                .deleted_vault
                .pointer("/properties/purgeProtectionEnabled")
                == Some(&Value::Bool(true))
            {
                // Source: Key Vault RP's answer for purging a purge-protected vault
                // (microsoft/AzureTRE#1446: "(MethodNotAllowed) Operation 'DeletedVaultPurge' is not allowed.").
                return Err(ArmError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "MethodNotAllowed",
                    "Operation 'DeletedVaultPurge' is not allowed.",
                ));
            }
            if let Some(entry) = store.state.deleted_vaults.remove(&key) {
                // A purge is final: extension resources at the vault's scope (role assignments,
                // diagnostic settings) go with it.
                if let Some(vault_id) = entry.vault.get("id").and_then(Value::as_str) {
                    let prefix = format!("{}/", vault_id.to_ascii_lowercase());
                    let children: Vec<String> =
                        store.with_prefix(&prefix).map(|(k, _)| k.clone()).collect();
                    for child in children {
                        store.remove(&child);
                    }
                }
            }
            Ok(Reply::empty(StatusCode::OK))
        }
        _ => Err(method_not_allowed(req)),
    }
}

fn not_found(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!(
            "The Resource 'Microsoft.KeyVault/deletedVaults/{name}' was not found within the subscription. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        ),
    )
}
