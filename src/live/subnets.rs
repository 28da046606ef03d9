//! Subnets checked before apply: the live plan reads each subnet the plan references once
//! (shared across vaults, through `azure::subnets`) and, before anything is sent, blocks the
//! resource that would fail on it — the vault, when a `networkAcls.virtualNetworkRules` subnet
//! does not exist or lacks the `Microsoft.KeyVault` service endpoint (Azure would answer
//! `SubnetsHaveNoServiceEndpointsConfigured`), or the private endpoint, when its subnet does not
//! exist or is delegated (Azure: `PrivateEndpointCreationNotAllowedAsSubnetIsDelegated`). A
//! blocked resource fails only its vault at apply, with the subnet named; the other vaults go
//! on. A subnet that cannot be read (other than 404) is left to ARM. Reads only.

use serde_json::Value;

use crate::azure::ArmClient;
use crate::azure::subnets::read_subnets;
use crate::change::ChangeSet;
use crate::change::set::Action;
use crate::resources::{DesiredState, ResourceKind};

/// How a resource uses a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// A vault's `networkAcls.virtualNetworkRules` entry: needs the Microsoft.KeyVault endpoint.
    ServiceEndpoint,
    /// A private endpoint's `properties.subnet`: must not be delegated.
    PrivateEndpoint,
}

/// `(vault index, resource ID, use, subnet ID)` for every subnet reference of `desired`.
fn references(desired: &DesiredState) -> Vec<(usize, String, Use, String)> {
    let mut out = Vec::new();
    for (i, vault) in desired.vaults.iter().enumerate() {
        for r in &vault.resources {
            let subnets: Vec<(Use, String)> = match r.kind {
                ResourceKind::Vault | ResourceKind::PrivateEndpoint => {
                    let body = r.body.to_value();
                    let mut found = Vec::new();
                    for rule in body
                        .pointer("/properties/networkAcls/virtualNetworkRules")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(id) = rule.get("id").and_then(Value::as_str) {
                            found.push((Use::ServiceEndpoint, id.to_string()));
                        }
                    }
                    if let Some(id) = body
                        .pointer("/properties/subnet/id")
                        .and_then(Value::as_str)
                    {
                        found.push((Use::PrivateEndpoint, id.to_string()));
                    }
                    found
                }
                _ => Vec::new(),
            };
            for (u, subnet) in subnets {
                out.push((i, r.id.clone(), u, subnet));
            }
        }
    }
    out
}

/// The problem of `subnet` (its body, `None` when it does not exist) for use `u`, if any.
fn problem(subnet_id: &str, subnet: Option<&Value>, u: Use) -> Option<String> {
    let Some(subnet) = subnet else {
        return Some(format!(
            "subnet `{subnet_id}` does not exist; create it or correct the ID in the plan"
        ));
    };
    match u {
        Use::ServiceEndpoint => {
            let has = subnet
                .pointer("/properties/serviceEndpoints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|e| {
                    e.get("service")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("Microsoft.KeyVault"))
                });
            (!has).then(|| {
                format!(
                    "subnet `{subnet_id}` lacks the `Microsoft.KeyVault` service endpoint (Azure would answer SubnetsHaveNoServiceEndpointsConfigured); add it to the subnet, or remove the subnet from network.virtualNetworkRules"
                )
            })
        }
        Use::PrivateEndpoint => {
            let delegated: Vec<&str> = subnet
                .pointer("/properties/delegations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|d| {
                    d.pointer("/properties/serviceName")
                        .or_else(|| d.get("name"))
                        .and_then(Value::as_str)
                })
                .collect();
            (!delegated.is_empty()).then(|| {
                format!(
                    "subnet `{subnet_id}` is delegated to {}; a private endpoint cannot be placed in a delegated subnet (choose another subnet in network.privateEndpoints)",
                    delegated.join(", ")
                )
            })
        }
    }
}

/// Reads every subnet `desired` references once and blocks, in `changes`, each resource whose
/// subnet would make ARM refuse it (see the module doc). Returns how many subnets were read.
pub async fn check_subnets(
    clients: &ArmClient,
    desired: &DesiredState,
    changes: &mut ChangeSet,
) -> usize {
    let refs = references(desired);
    if refs.is_empty() {
        return 0;
    }
    let reads = read_subnets(clients, refs.iter().map(|(_, _, _, s)| s.clone())).await;
    for (i, resource_id, u, subnet_id) in refs {
        let Some(Ok(found)) = reads.get(&subnet_id.to_ascii_lowercase()) else {
            continue; // unreadable: ARM will say
        };
        let Some(message) = problem(&subnet_id, found.as_ref(), u) else {
            continue;
        };
        let Some(vault) = changes.vaults.get_mut(i) else {
            continue;
        };
        if let Some(r) = vault
            .resources
            .iter_mut()
            .find(|r| r.id.eq_ignore_ascii_case(&resource_id))
            && !r.blocked.contains(&message)
        {
            r.action = Action::Blocked;
            r.blocked.push(message);
        }
    }
    reads.len()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const S: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a";

    #[test]
    fn each_use_has_its_own_problem() {
        assert!(
            problem(S, None, Use::ServiceEndpoint)
                .unwrap()
                .contains("does not exist")
        );
        let bare = json!({ "properties": {} });
        let m = problem(S, Some(&bare), Use::ServiceEndpoint).unwrap();
        assert!(m.contains(S) && m.contains("Microsoft.KeyVault"), "{m}");
        assert_eq!(problem(S, Some(&bare), Use::PrivateEndpoint), None);
        let ok = json!({ "properties": { "serviceEndpoints": [{ "service": "Microsoft.KeyVault" }],
            "delegations": [{ "name": "d", "properties": { "serviceName": "Microsoft.Web/serverFarms" } }] } });
        assert_eq!(problem(S, Some(&ok), Use::ServiceEndpoint), None);
        let m = problem(S, Some(&ok), Use::PrivateEndpoint).unwrap();
        assert!(m.contains("Microsoft.Web/serverFarms"), "{m}");
    }
}
