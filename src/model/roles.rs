//! The Key Vault built-in Azure roles and their role-definition GUIDs; lookup by name or GUID
//! with "did you mean". Must not do I/O or call Azure.
//!
//! Source: Azure built-in roles, Security section
//! (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security>).
//! Role-definition GUIDs are the same in every tenant and cloud.

use uuid::Uuid;

use crate::model::names::{Invalid, parse_guid};

/// A built-in role kvinit knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltInRole {
    /// Role name as Azure shows it, e.g. `Key Vault Secrets User`.
    pub name: &'static str,
    /// Role-definition GUID (the last segment of the role definition ID).
    pub id: &'static str,
    /// True when the role grants data-plane access (secrets, keys, certificates).
    pub data_plane: bool,
}

/// The Key Vault built-in roles.
pub const KEY_VAULT_ROLES: &[BuiltInRole] = &[
    BuiltInRole {
        name: "Key Vault Administrator",
        id: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Certificate User",
        id: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Certificates Officer",
        id: "a4417e6f-fecd-4de8-b567-7b0420556985",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Contributor",
        id: "f25e0fa2-a7c8-4377-a976-54943a77a395",
        data_plane: false,
    },
    BuiltInRole {
        name: "Key Vault Crypto Officer",
        id: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Crypto Service Encryption User",
        id: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Crypto Service Release User",
        id: "08bbd89e-9f13-488c-ac41-acfcb10c90ab",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Crypto User",
        id: "12338af0-0e69-4776-bea7-57ae8d297424",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Data Access Administrator",
        id: "8b54135c-b56d-4d72-a534-26097cfdc8d8",
        data_plane: false,
    },
    BuiltInRole {
        name: "Key Vault Reader",
        id: "21090545-7ca7-4776-b22c-e363652d74d2",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Secrets Officer",
        id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        data_plane: true,
    },
    BuiltInRole {
        name: "Key Vault Secrets User",
        id: "4633458b-17de-408a-b874-0445c86b69e6",
        data_plane: true,
    },
];

/// A role as the plan resolved it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Built-in role name, or the GUID again when the plan gave a GUID kvinit does not know.
    pub name: String,
    /// Role-definition GUID, lower case.
    pub id: Uuid,
}

impl Role {
    /// The subscription-scoped role definition ID ARM expects in `properties.roleDefinitionId`:
    /// `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}`.
    pub fn definition_id(&self, subscription_id: &str) -> String {
        format!(
            "/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{}",
            self.id
        )
    }
}

/// Finds a built-in role by its GUID (any case).
pub fn by_id(id: &Uuid) -> Option<&'static BuiltInRole> {
    KEY_VAULT_ROLES
        .iter()
        .find(|r| Uuid::parse_str(r.id).ok().as_ref() == Some(id))
}

/// Resolves a plan's `role`: a Key Vault built-in role name (case-insensitive) or any
/// role-definition GUID (custom roles too). Unknown names get a "did you mean".
pub fn parse(value: &str) -> Result<Role, Invalid> {
    let v = value.trim();
    if let Some(r) = KEY_VAULT_ROLES
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(v))
    {
        return Ok(Role {
            name: r.name.to_string(),
            id: Uuid::parse_str(r.id).expect("table GUIDs are valid"),
        });
    }
    if v.len() == 36 && v.contains('-') {
        let id = parse_guid("role-definition ID", v)?;
        let name = by_id(&id).map_or_else(|| id.to_string(), |r| r.name.to_string());
        return Ok(Role { name, id });
    }
    let err = Invalid::new(format!("unknown role `{value}`"));
    let best = KEY_VAULT_ROLES
        .iter()
        .map(|r| {
            (
                strsim::jaro_winkler(&v.to_ascii_lowercase(), &r.name.to_ascii_lowercase()),
                r,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Err(match best {
        Some((score, r)) if score >= 0.8 => err.with_hint(format!("did you mean `{}`?", r.name)),
        _ => err.with_hint("use a Key Vault built-in role name (e.g. `Key Vault Secrets User`) or a role-definition GUID"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let got = match parse(input) {
            Ok(r) => format!("{} {}", r.name, r.id),
            Err(e) => format!("{} / {}", e.message, e.hint.unwrap_or_default()),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn names_guids_and_suggestions() {
        check(
            "Key Vault Secrets User",
            "Key Vault Secrets User 4633458b-17de-408a-b874-0445c86b69e6",
        );
        check(
            "key vault administrator",
            "Key Vault Administrator 00482a5a-887f-4fb3-b363-3b7fe8e74483",
        );
        check(
            "21090545-7CA7-4776-B22C-E363652D74D2",
            "Key Vault Reader 21090545-7ca7-4776-b22c-e363652d74d2",
        );
        check(
            "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        );
        check(
            "Key Vault Secret User",
            "unknown role `Key Vault Secret User` / did you mean `Key Vault Secrets User`?",
        );
        check(
            "Owner",
            "unknown role `Owner` / use a Key Vault built-in role name (e.g. `Key Vault Secrets User`) or a role-definition GUID",
        );
    }

    #[test]
    fn definition_id_is_subscription_scoped() {
        let r = parse("Key Vault Reader").unwrap();
        assert_eq!(
            r.definition_id("11111111-1111-1111-1111-111111111111"),
            "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2"
        );
    }
}
