//! The vault-name outcome for a vault kvinit would create: free, held by a soft-deleted vault
//! in the same subscription (then `onSoftDeleted` decides: fail or recover), existing in another
//! resource group here, or taken elsewhere — and the sentences users see for each. Pure data and
//! wording; the Azure adapter answers the question, and it must not ask ARM anything itself.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::set::{Action, VaultChanges};
use crate::model::settings::OnSoftDeleted;
use crate::resources::ResourceKind;

/// Who holds a vault name, as ARM answered, with what kvinit will do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum NameCheck {
    /// Nobody holds the name: the vault is created.
    Free,
    /// A soft-deleted vault in this subscription holds the name.
    SoftDeleted {
        /// Where the deleted vault lived.
        #[serde(skip_serializing_if = "Option::is_none")]
        location: Option<String>,
        /// When Key Vault purges it (RFC 3339); the name is free after that.
        #[serde(skip_serializing_if = "Option::is_none")]
        scheduled_purge_date: Option<String>,
        /// `true` with `onSoftDeleted: recover` (the vault is recovered and converged);
        /// `false` with `fail` (blocked).
        recover: bool,
    },
    /// The name belongs to the plan's own vault, at exactly its ARM resource ID: created moments
    /// ago (this run's earlier create, or a concurrent apply) and not yet in the read phase's
    /// answers because of ARM's read-after-write lag. It is ours: converged, never refused.
    Ours {
        /// Its ARM resource ID (the planned one).
        id: String,
    },
    /// A vault with this name exists in this subscription, in another resource group.
    ExistsHere {
        /// Its ARM resource ID.
        id: String,
    },
    /// Someone else holds the name (any subscription, any tenant), or ARM rejects it.
    Taken {
        /// ARM's reason, e.g. `AlreadyExists`.
        reason: String,
        /// ARM's message.
        message: String,
    },
}

impl NameCheck {
    /// `(ARM-style error code, sentence naming the cause and the fix)` when the name stops the
    /// create; `None` when the vault can be created or recovered.
    pub fn refusal(&self, vault: &str, subscription_id: &str) -> Option<(&'static str, String)> {
        match self {
            NameCheck::Free
            | NameCheck::Ours { .. }
            | NameCheck::SoftDeleted { recover: true, .. } => None,
            NameCheck::SoftDeleted {
                location,
                scheduled_purge_date,
                ..
            } => Some((
                "VaultNameSoftDeleted",
                soft_deleted_message(
                    vault,
                    subscription_id,
                    location.as_deref(),
                    scheduled_purge_date.as_deref(),
                ),
            )),
            NameCheck::ExistsHere { id } => Some((
                "VaultNameTaken",
                format!(
                    "a vault named `{vault}` already exists in this subscription as {id}; kvinit \
                     does not move vaults: point `naming.resourceGroup` at its resource group, or \
                     change `naming.vault`"
                ),
            )),
            NameCheck::Taken { reason, message } => Some((
                "VaultNameTaken",
                format!(
                    "{message} (reason: {reason}). Vault names are global across Azure and this \
                     one belongs to someone else: change `naming.vault` in the plan, e.g. add a \
                     prefix or suffix unique to your organisation"
                ),
            )),
        }
    }

    /// A short phrase for tables: `free`, `held by a soft-deleted vault here → recover`, …
    pub fn describe(&self) -> String {
        match self {
            NameCheck::Free => "name is free".into(),
            NameCheck::SoftDeleted { recover: true, .. } => {
                "name held by a soft-deleted vault here → onSoftDeleted: recover (recovered, then \
                 converged; it comes back with its old soft-delete retention and permission \
                 model, which kvinit does not change)"
                    .into()
            }
            NameCheck::SoftDeleted { .. } => {
                "name held by a soft-deleted vault here → onSoftDeleted: fail".into()
            }
            NameCheck::Ours { .. } => "name used by this plan's own vault (created moments ago; \
                 ARM had not listed it yet) → converged"
                .into(),
            NameCheck::ExistsHere { id } => format!("name used by an existing vault here: {id}"),
            NameCheck::Taken { .. } => "name taken elsewhere".into(),
        }
    }

    /// The outcome for a soft-deleted holder under the plan's `onSoftDeleted`.
    pub fn soft_deleted(
        on_soft_deleted: OnSoftDeleted,
        location: Option<String>,
        scheduled_purge_date: Option<String>,
    ) -> Self {
        NameCheck::SoftDeleted {
            location,
            scheduled_purge_date,
            recover: on_soft_deleted == OnSoftDeleted::Recover,
        }
    }
}

/// The message for a name held by a soft-deleted vault with `onSoftDeleted: fail`.
pub fn soft_deleted_message(
    vault: &str,
    subscription_id: &str,
    location: Option<&str>,
    purge: Option<&str>,
) -> String {
    format!(
        "the name `{vault}` is held by a soft-deleted vault in subscription {subscription_id}{}; \
         it is scheduled to be purged on {}. Either set `onSoftDeleted: recover` in the plan to \
         recover it (its old secrets, keys and settings come back, then kvinit converges it to \
         the plan), or use a different name (change `naming.vault`)",
        location
            .map(|l| format!(" (deleted from {l})"))
            .unwrap_or_default(),
        purge.unwrap_or("an unknown date"),
    )
}

/// Records `check` on `vault` (whose vault resource is to be created). When the name stops the
/// create, the vault becomes `blocked` with the reason, and so does everything that needs the
/// vault (resources inside it and those naming it in their body).
pub fn attach(vault: &mut VaultChanges, check: NameCheck) {
    let refusal = check.refusal(&vault.name, &vault.subscription_id);
    vault.name_check = Some(check);
    let Some((_, reason)) = refusal else {
        return;
    };
    let Some(vault_id) = vault
        .resources
        .iter()
        .find(|r| r.kind == ResourceKind::Vault && r.action == Action::Create)
        .map(|r| r.id.to_ascii_lowercase())
    else {
        return;
    };
    let name = vault.name.clone();
    for r in &mut vault.resources {
        let id = r.id.to_ascii_lowercase();
        if id == vault_id {
            r.action = Action::Blocked;
            r.blocked = vec![reason.clone()];
        } else if r.action == Action::Create
            && (id.starts_with(&format!("{vault_id}/")) || mentions(&r.body, &vault_id))
        {
            r.action = Action::Blocked;
            r.blocked = vec![format!(
                "not created: it needs the vault `{name}`, whose name is held (see the vault)"
            )];
        }
    }
}

fn mentions(body: &Value, id_lower: &str) -> bool {
    match body {
        Value::String(s) => s.eq_ignore_ascii_case(id_lower),
        Value::Array(a) => a.iter().any(|v| mentions(v, id_lower)),
        Value::Object(m) => m.values().any(|v| mentions(v, id_lower)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::diff::{DiffOptions, diff_state};
    use crate::change::live::LiveState;
    use crate::resources::{DesiredResource, DesiredState, DesiredVault};
    use serde_json::json;

    fn changes(on: OnSoftDeleted) -> VaultChanges {
        let vault = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
        let r = |kind: ResourceKind, id: String, body: Value| DesiredResource {
            kind,
            id,
            api_version: kind.api_version(),
            body: body.into(),
        };
        let desired = DesiredState {
            vaults: vec![DesiredVault {
                name: "kv".into(),
                app: "a".into(),
                environment: "e".into(),
                region: "weu".into(),
                location: "westeurope".into(),
                subscription_id: "s".into(),
                resource_group: "rg".into(),
                on_soft_deleted: on,
                resources: vec![
                    r(ResourceKind::ResourceGroup, "/subscriptions/s/resourceGroups/rg".into(), json!({})),
                    r(ResourceKind::Vault, vault.into(), json!({})),
                    r(ResourceKind::DiagnosticSetting,
                        format!("{vault}/providers/Microsoft.Insights/diagnosticSettings/kvinit"), json!({})),
                    r(ResourceKind::MetricAlert,
                        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/metricAlerts/m".into(),
                        json!({ "properties": { "scopes": [vault] } })),
                ],
            }],
        };
        diff_state(&desired, &LiveState::new(), DiffOptions::default())
            .vaults
            .remove(0)
    }

    #[test]
    fn a_held_name_blocks_the_vault_and_what_needs_it() {
        let mut v = changes(OnSoftDeleted::Fail);
        attach(
            &mut v,
            NameCheck::soft_deleted(OnSoftDeleted::Fail, Some("westeurope".into()), None),
        );
        let actions: Vec<Action> = v.resources.iter().map(|r| r.action).collect();
        assert_eq!(
            actions,
            [
                Action::Create,
                Action::Blocked,
                Action::Blocked,
                Action::Blocked
            ]
        );
        assert!(v.resources[1].blocked[0].contains("onSoftDeleted: recover"));
        let v2 = {
            let mut v = changes(OnSoftDeleted::Recover);
            attach(
                &mut v,
                NameCheck::soft_deleted(OnSoftDeleted::Recover, None, None),
            );
            v
        };
        assert!(v2.resources.iter().all(|r| r.action == Action::Create));
        assert_eq!(
            serde_json::to_value(&v2.name_check).unwrap(),
            json!({ "status": "softDeleted", "recover": true })
        );
    }

    #[test]
    fn taken_elsewhere_says_how_to_fix() {
        let mut v = changes(OnSoftDeleted::Fail);
        attach(
            &mut v,
            NameCheck::Taken {
                reason: "AlreadyExists".into(),
                message: "The vault name 'kv' is already in use.".into(),
            },
        );
        assert_eq!(v.resources[1].action, Action::Blocked);
        assert!(v.resources[1].blocked[0].contains("change `naming.vault`"));
    }
}
