//! KV-FW (firewall default-deny) and KV-VNET (VNet service endpoints). Checks only; no I/O.

use super::{Rule, Severity, Status, VaultEvidence};

/// Key Vault network security guidance.
pub const NETWORK_SECURITY: &str =
    "https://learn.microsoft.com/azure/key-vault/general/network-security";

/// KV-FW.
pub const KV_FW: Rule = Rule {
    id: "KV-FW",
    title: "Firewall denies by default",
    severity: Severity::High,
    best_practice: "Turn on firewall and virtual network service endpoints: restrict access to \
                    the vault, default action Deny (security baseline NS-2).",
    source: NETWORK_SECURITY,
    check: check_fw,
};

/// KV-VNET.
pub const KV_VNET: Rule = Rule {
    id: "KV-VNET",
    title: "Private callers come through VNet service endpoints",
    severity: Severity::Medium,
    best_practice: "Use virtual network service endpoints so that only the listed subnets reach \
                    the vault over the Azure backbone; do not ignore missing service endpoints.",
    source: NETWORK_SECURITY,
    check: check_vnet,
};

/// Passes when public network access is disabled, or when `networkAcls.defaultAction` is
/// `Deny` and no IP rule opens the whole internet (`0.0.0.0/0`).
fn check_fw(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    let pna = e
        .prop("/publicNetworkAccess")
        .and_then(|v| v.as_str())
        .unwrap_or("Enabled");
    if pna.eq_ignore_ascii_case("Disabled") {
        return (Status::Pass, "public network access disabled".into());
    }
    let action = e
        .prop("/networkAcls/defaultAction")
        .and_then(|v| v.as_str())
        .unwrap_or("Allow");
    if !action.eq_ignore_ascii_case("Deny") {
        return (
            Status::Fail,
            format!("networkAcls.defaultAction is {action}; every network can reach the vault"),
        );
    }
    let ips: Vec<&str> = e
        .prop("/networkAcls/ipRules")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("value").and_then(|v| v.as_str()))
                .collect()
        })
        .unwrap_or_default();
    if ips.iter().any(|ip| ip.ends_with("/0")) {
        return (
            Status::Fail,
            "an IP rule allows the whole internet (/0)".into(),
        );
    }
    (
        Status::Pass,
        format!("default action Deny; {} IP rule(s)", ips.len()),
    )
}

/// Passes when every virtual network rule requires the subnet's `Microsoft.KeyVault` service
/// endpoint (`ignoreMissingVnetServiceEndpoint` not true).
fn check_vnet(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    let rules = e
        .prop("/networkAcls/virtualNetworkRules")
        .and_then(|v| v.as_array())
        .map_or(&[][..], Vec::as_slice);
    let ignoring = rules
        .iter()
        .filter(|r| {
            r.get("ignoreMissingVnetServiceEndpoint")
                .and_then(|v| v.as_bool())
                == Some(true)
        })
        .count();
    if ignoring > 0 {
        return (
            Status::Fail,
            format!("{ignoring} VNet rule(s) ignore a missing Microsoft.KeyVault service endpoint"),
        );
    }
    if rules.is_empty() {
        return (
            Status::Pass,
            "no VNet rules; no subnet bypasses the firewall".into(),
        );
    }
    (
        Status::Pass,
        format!(
            "{} VNet rule(s), each requiring the Microsoft.KeyVault service endpoint",
            rules.len()
        ),
    )
}
