//! Parsing a request path into the ARM operation target it names (resource group, vault, role
//! assignment at a scope, …) and the api-version and spec operation each target answers to. Pure
//! string work: it does not look at the store.

/// What a request path names. Strings keep the request's casing (ARM echoes it in IDs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    ResourceGroup {
        sub: String,
        rg: String,
    },
    /// `GET /subscriptions/{sub}/resourcegroups` (ResourceGroups_List).
    ResourceGroups {
        sub: String,
    },
    Vault {
        sub: String,
        rg: String,
        name: String,
    },
    VaultsInGroup {
        sub: String,
        rg: String,
    },
    VaultsInSubscription {
        sub: String,
    },
    DeletedVault {
        sub: String,
        location: String,
        name: String,
    },
    PurgeDeletedVault {
        sub: String,
        location: String,
        name: String,
    },
    DeletedVaults {
        sub: String,
    },
    CheckVaultName {
        sub: String,
    },
    RoleAssignment {
        scope: String,
        name: String,
    },
    RoleAssignments {
        scope: String,
    },
    RoleDefinition {
        scope: String,
        id: String,
    },
    DiagnosticSetting {
        resource: String,
        name: String,
    },
    DiagnosticSettings {
        resource: String,
    },
    ActionGroup {
        sub: String,
        rg: String,
        name: String,
    },
    MetricAlert {
        sub: String,
        rg: String,
        name: String,
    },
    MetricAlertsInGroup {
        sub: String,
        rg: String,
    },
    ActivityLogAlert {
        sub: String,
        rg: String,
        name: String,
    },
    ActivityLogAlertsInGroup {
        sub: String,
        rg: String,
    },
    /// `GET /subscriptions/{sub}/providers/Microsoft.Insights/metricAlerts`.
    MetricAlertsInSubscription {
        sub: String,
    },
    /// `GET /subscriptions/{sub}/providers/Microsoft.Insights/activityLogAlerts`.
    ActivityLogAlertsInSubscription {
        sub: String,
    },
    Subnet {
        sub: String,
        rg: String,
        vnet: String,
        name: String,
    },
    /// `{rg}/providers/Microsoft.Network/privateEndpoints/{name}`.
    PrivateEndpoint {
        sub: String,
        rg: String,
        name: String,
    },
    /// `GET /subscriptions/{sub}/providers/Microsoft.Network/privateEndpoints`.
    PrivateEndpointsInSubscription {
        sub: String,
    },
    /// `{privateEndpointId}/privateDnsZoneGroups/{name}`.
    PrivateDnsZoneGroup {
        sub: String,
        rg: String,
        endpoint: String,
        name: String,
    },
    /// `GET {privateEndpointId}/privateDnsZoneGroups`.
    PrivateDnsZoneGroups {
        sub: String,
        rg: String,
        endpoint: String,
    },
    /// `{scope}/providers/Microsoft.Authorization/locks/{name}` (a management lock at any scope).
    Lock {
        scope: String,
        name: String,
    },
    /// `GET {scope}/providers/Microsoft.Authorization/locks`.
    Locks {
        scope: String,
    },
    /// Anything else: answered with ARM's generic 404s.
    Unknown,
}

/// Collapses repeated slashes and drops a trailing slash (the azure_mgmt clients build
/// `{endpoint}/{scope}` with scopes that start with `/`).
pub(crate) fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(seg);
    }
    if out.is_empty() { "/".into() } else { out }
}

/// Splits `path` at the last `/providers/{namespace}/{kind}` (case-insensitive): the scope before
/// it and what follows.
fn split_extension<'a>(path: &'a str, marker: &str) -> Option<(String, &'a str)> {
    let lower = path.to_ascii_lowercase();
    let idx = lower.rfind(marker)?;
    let rest = &path[idx + marker.len()..];
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let scope = if idx == 0 {
        "/".to_string()
    } else {
        path[..idx].to_string()
    };
    Some((scope, rest.trim_start_matches('/')))
}

impl Target {
    /// Parses a normalized path.
    pub fn parse(path: &str) -> Target {
        if let Some((scope, rest)) =
            split_extension(path, "/providers/microsoft.authorization/roleassignments")
        {
            return match rest {
                "" => Target::RoleAssignments { scope },
                name if !name.contains('/') => Target::RoleAssignment {
                    scope,
                    name: name.into(),
                },
                _ => Target::Unknown,
            };
        }
        if let Some((scope, rest)) =
            split_extension(path, "/providers/microsoft.authorization/roledefinitions")
        {
            return match rest {
                id if !id.is_empty() && !id.contains('/') => Target::RoleDefinition {
                    scope,
                    id: id.into(),
                },
                _ => Target::Unknown,
            };
        }
        if let Some((scope, rest)) =
            split_extension(path, "/providers/microsoft.authorization/locks")
        {
            return match rest {
                "" => Target::Locks { scope },
                name if !name.contains('/') => Target::Lock {
                    scope,
                    name: name.into(),
                },
                _ => Target::Unknown,
            };
        }
        if let Some((resource, rest)) =
            split_extension(path, "/providers/microsoft.insights/diagnosticsettings")
        {
            return match rest {
                "" => Target::DiagnosticSettings { resource },
                name if !name.contains('/') => Target::DiagnosticSetting {
                    resource,
                    name: name.into(),
                },
                _ => Target::Unknown,
            };
        }
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
        let l: Vec<&str> = lower.iter().map(String::as_str).collect();
        let s = |i: usize| segs[i].to_string();
        match l.as_slice() {
            ["subscriptions", _, "resourcegroups"] => Target::ResourceGroups { sub: s(1) },
            ["subscriptions", _, "resourcegroups", _] => Target::ResourceGroup {
                sub: s(1),
                rg: s(3),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.keyvault",
                "vaults",
            ] => Target::VaultsInGroup {
                sub: s(1),
                rg: s(3),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.keyvault",
                "vaults",
                _,
            ] => Target::Vault {
                sub: s(1),
                rg: s(3),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.keyvault",
                "vaults",
            ] => Target::VaultsInSubscription { sub: s(1) },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.keyvault",
                "deletedvaults",
            ] => Target::DeletedVaults { sub: s(1) },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.keyvault",
                "checknameavailability",
            ] => Target::CheckVaultName { sub: s(1) },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.keyvault",
                "locations",
                _,
                "deletedvaults",
                _,
            ] => Target::DeletedVault {
                sub: s(1),
                location: s(5),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.keyvault",
                "locations",
                _,
                "deletedvaults",
                _,
                "purge",
            ] => Target::PurgeDeletedVault {
                sub: s(1),
                location: s(5),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.insights",
                "actiongroups",
                _,
            ] => Target::ActionGroup {
                sub: s(1),
                rg: s(3),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.insights",
                "metricalerts",
            ] => Target::MetricAlertsInSubscription { sub: s(1) },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.insights",
                "activitylogalerts",
            ] => Target::ActivityLogAlertsInSubscription { sub: s(1) },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.insights",
                "metricalerts",
            ] => Target::MetricAlertsInGroup {
                sub: s(1),
                rg: s(3),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.insights",
                "metricalerts",
                _,
            ] => Target::MetricAlert {
                sub: s(1),
                rg: s(3),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.insights",
                "activitylogalerts",
            ] => Target::ActivityLogAlertsInGroup {
                sub: s(1),
                rg: s(3),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.insights",
                "activitylogalerts",
                _,
            ] => Target::ActivityLogAlert {
                sub: s(1),
                rg: s(3),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.network",
                "virtualnetworks",
                _,
                "subnets",
                _,
            ] => Target::Subnet {
                sub: s(1),
                rg: s(3),
                vnet: s(7),
                name: s(9),
            },
            [
                "subscriptions",
                _,
                "providers",
                "microsoft.network",
                "privateendpoints",
            ] => Target::PrivateEndpointsInSubscription { sub: s(1) },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.network",
                "privateendpoints",
                _,
            ] => Target::PrivateEndpoint {
                sub: s(1),
                rg: s(3),
                name: s(7),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.network",
                "privateendpoints",
                _,
                "privatednszonegroups",
            ] => Target::PrivateDnsZoneGroups {
                sub: s(1),
                rg: s(3),
                endpoint: s(7),
            },
            [
                "subscriptions",
                _,
                "resourcegroups",
                _,
                "providers",
                "microsoft.network",
                "privateendpoints",
                _,
                "privatednszonegroups",
                _,
            ] => Target::PrivateDnsZoneGroup {
                sub: s(1),
                rg: s(3),
                endpoint: s(7),
                name: s(9),
            },
            _ => Target::Unknown,
        }
    }

    /// The subscription the request is billed to (token buckets are per subscription).
    pub fn subscription(path: &str) -> String {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segs.as_slice() {
            [first, sub, ..] if first.eq_ignore_ascii_case("subscriptions") => {
                sub.to_ascii_lowercase()
            }
            _ => "tenant".to_string(),
        }
    }

    /// The vault a write to this target serializes on (ARM's one-write-at-a-time per vault).
    pub fn vault_write_key(&self) -> Option<String> {
        match self {
            Target::Vault { sub, rg, name } => Some(vault_id(sub, rg, name).to_ascii_lowercase()),
            _ => None,
        }
    }
}

/// `/subscriptions/{sub}/resourceGroups/{rg}`.
pub(crate) fn rg_id(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}

/// A vault's ARM resource ID.
pub(crate) fn vault_id(sub: &str, rg: &str, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.KeyVault/vaults/{name}",
        rg_id(sub, rg)
    )
}

/// A deleted vault's ARM resource ID.
pub(crate) fn deleted_vault_id(sub: &str, location: &str, name: &str) -> String {
    format!(
        "/subscriptions/{sub}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}"
    )
}

/// Parts of a resource ID: (subscription, resource group, provider type like
/// `microsoft.keyvault/vaults`, name) — lower-cased type, original casing elsewhere.
pub(crate) fn parse_resource_id(id: &str) -> Option<(String, String, String, String)> {
    let segs: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    if segs.len() < 8
        || !segs[0].eq_ignore_ascii_case("subscriptions")
        || !segs[2].eq_ignore_ascii_case("resourcegroups")
        || !segs[4].eq_ignore_ascii_case("providers")
    {
        return None;
    }
    let mut rtype = segs[5].to_ascii_lowercase();
    let mut i = 6;
    while i + 1 < segs.len() {
        rtype.push('/');
        rtype.push_str(&segs[i].to_ascii_lowercase());
        i += 2;
    }
    if i != segs.len() {
        return None;
    }
    Some((
        segs[1].to_string(),
        segs[3].to_string(),
        rtype,
        segs[segs.len() - 1].to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_built_with_a_leading_slash_normalize() {
        let path = normalize(
            "//subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv//providers/Microsoft.Authorization/roleAssignments/a/",
        );
        assert_eq!(
            Target::parse(&path),
            Target::RoleAssignment {
                scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
                    .into(),
                name: "a".into()
            }
        );
        assert_eq!(normalize("/"), "/");
        assert_eq!(
            Target::parse("/providers/Microsoft.Authorization/roleAssignments"),
            Target::RoleAssignments { scope: "/".into() }
        );
    }

    #[test]
    fn keywords_match_case_insensitively_and_keep_the_callers_casing() {
        assert_eq!(
            Target::parse(
                "/SUBSCRIPTIONS/S1/resourcegroups/RG-One/PROVIDERS/microsoft.keyvault/VAULTS/Kv-1"
            ),
            Target::Vault {
                sub: "S1".into(),
                rg: "RG-One".into(),
                name: "Kv-1".into()
            }
        );
        assert_eq!(
            Target::parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/x"),
            Target::Unknown
        );
        assert_eq!(Target::subscription("/subscriptions/ABC/x"), "abc");
        assert_eq!(Target::subscription("/providers/x"), "tenant");
    }

    #[test]
    fn resource_ids_split_into_parts() {
        assert_eq!(
            parse_resource_id(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/sn"
            ),
            Some((
                "s".into(),
                "rg".into(),
                "microsoft.network/virtualnetworks/subnets".into(),
                "sn".into()
            ))
        );
        assert_eq!(
            parse_resource_id("/subscriptions/s/resourceGroups/rg"),
            None
        );
    }
}
