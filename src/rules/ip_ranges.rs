//! KV-IPWIDE: firewall IP rules no wider than the profile allows (profile-threshold rule,
//! evaluated by `plan` and `audit`). Check only; no I/O.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::network::NETWORK_SECURITY;
use super::{Rule, Severity, Status, VaultEvidence};

/// KV-IPWIDE.
pub const KV_IPWIDE: Rule = Rule {
    id: "KV-IPWIDE",
    title: "IP rules no wider than a /16",
    severity: Severity::Medium,
    best_practice: "Turn on firewall and virtual network service endpoints: allow only the \
                    public IP ranges your callers use; a rule wider than a /16, or 0.0.0.0/0, \
                    lets much of the internet past the firewall.",
    source: NETWORK_SECURITY,
    check,
};

/// `203.0.113.4` (a bare address, meaning /32) or `203.0.113.0/24` as a network; `None` when
/// it is neither.
fn parse(value: &str) -> Option<Ipv4Net> {
    let v = value.trim();
    if let Ok(net) = v.parse::<Ipv4Net>() {
        return Some(net);
    }
    v.parse::<Ipv4Addr>()
        .ok()
        .and_then(|a| Ipv4Net::new(a, 32).ok())
}

/// Passes when no `networkAcls.ipRules` entry has a prefix shorter than the profile's
/// `audit.widestIpRulePrefix` (16 in the built-in profile). `/0` is reported as open to all.
fn check(e: &VaultEvidence<'_>) -> (Status, String) {
    if e.vault.is_none() {
        return (Status::Fail, "the vault does not exist".into());
    }
    let widest = crate::model::profile::builtin().audit.widest_ip_rule_prefix;
    let values: Vec<&str> = e
        .prop("/networkAcls/ipRules")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("value").and_then(|v| v.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let wide: Vec<(&str, Ipv4Net)> = values
        .iter()
        .filter_map(|v| parse(v).map(|n| (*v, n)))
        .filter(|(_, n)| n.prefix_len() < widest)
        .collect();
    if let Some((v, _)) = wide.iter().find(|(_, n)| n.prefix_len() == 0) {
        return (
            Status::Fail,
            format!("IP rule `{v}` is open to all IPv4 addresses"),
        );
    }
    if !wide.is_empty() {
        let list: Vec<String> = wide.iter().map(|(v, _)| format!("`{v}`")).collect();
        return (
            Status::Fail,
            format!("IP rule(s) {} wider than a /{widest}", list.join(", ")),
        );
    }
    (
        Status::Pass,
        format!("{} IP rule(s), none wider than a /{widest}", values.len()),
    )
}
