//! Checked names and identifiers with Azure's rules (vault, resource group, GUID, CIDR, ARM
//! resource IDs, app/env labels). One rule set, used by plan validation and by the wizard as
//! answers are typed. Must not do I/O or know about YAML locations.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use uuid::Uuid;

/// Why a value was rejected: a one-line message and, when there is an obvious fix, a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// What is wrong, e.g. ``vault name `kv-a--b` contains `--` ``.
    pub message: String,
    /// How to fix it, when kvinit knows.
    pub hint: Option<String>,
}

impl Invalid {
    /// A problem without a hint.
    pub fn new(message: impl Into<String>) -> Self {
        Invalid {
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Shortest Key Vault name (characters).
pub const VAULT_NAME_MIN: usize = 3;
/// Longest Key Vault name (characters).
pub const VAULT_NAME_MAX: usize = 24;

/// Checks a Key Vault name: 3–24 characters, ASCII letters, digits and hyphens, starts with a
/// letter, ends with a letter or digit, no consecutive hyphens. Vault names are global (they
/// become `https://{name}.vault.azure.net`) and compared case-insensitively.
///
/// Source: Azure naming rules for Microsoft.KeyVault (`vaults`),
/// <https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault>.
pub fn check_vault_name(name: &str) -> Result<(), Invalid> {
    let len = name.chars().count();
    if !(VAULT_NAME_MIN..=VAULT_NAME_MAX).contains(&len) {
        return Err(Invalid::new(format!(
            "vault name `{name}` is {len} characters; Key Vault allows {VAULT_NAME_MIN}–{VAULT_NAME_MAX}"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(Invalid::new(format!(
            "vault name `{name}` contains `{c}`; Key Vault allows only letters, digits and hyphens"
        )));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Invalid::new(format!(
            "vault name `{name}` must start with a letter"
        )));
    }
    if name.ends_with('-') {
        return Err(Invalid::new(format!(
            "vault name `{name}` must end with a letter or digit"
        )));
    }
    if name.contains("--") {
        return Err(Invalid::new(format!(
            "vault name `{name}` contains `--`; Key Vault does not allow consecutive hyphens"
        )));
    }
    Ok(())
}

/// A checked Key Vault name (see [`check_vault_name`]). Keeps the casing given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VaultName(String);

impl VaultName {
    /// Checks and wraps `name`.
    pub fn parse(name: &str) -> Result<Self, Invalid> {
        check_vault_name(name).map(|()| VaultName(name.to_string()))
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VaultName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest resource group name (characters).
pub const RESOURCE_GROUP_MAX: usize = 90;

/// Checks a resource group name: 1–90 characters; letters, digits, underscores, hyphens,
/// periods and parentheses (Unicode letters and digits are allowed by ARM); must not end with a
/// period.
///
/// Source: Azure naming rules for Microsoft.Resources (`resourcegroups`),
/// <https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources>.
pub fn check_resource_group_name(name: &str) -> Result<(), Invalid> {
    let len = name.chars().count();
    if len == 0 || len > RESOURCE_GROUP_MAX {
        return Err(Invalid::new(format!(
            "resource group name `{name}` is {len} characters; ARM allows 1–{RESOURCE_GROUP_MAX}"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')')))
    {
        return Err(Invalid::new(format!(
            "resource group name `{name}` contains `{c}`; ARM allows letters, digits, `_`, `-`, `.`, `(` and `)`"
        )));
    }
    if name.ends_with('.') {
        return Err(Invalid::new(format!(
            "resource group name `{name}` must not end with a period"
        )));
    }
    Ok(())
}

/// Longest app or environment name (characters) when the vault name pattern uses it whole
/// (`{app}`, `{env}`): longer ones cannot fit a 24-character vault name with any other part.
pub const LABEL_MAX: usize = 20;

/// Longest app or environment name (characters) when the vault name pattern truncates it
/// (`{app:8}`) or does not use it: a DNS label's length, so any name kvinit derives from it
/// (resource group names, tags) stays within ARM's limits, which are checked per cell anyway.
pub const LABEL_MAX_TRUNCATED: usize = 63;

/// Checks an app or environment name as used in the plan and in name patterns: 1–20
/// ([`LABEL_MAX`]) characters, lower-case ASCII letters, digits and hyphens, not starting or
/// ending with a hyphen. Lower case because vault names are case-insensitive and DNS labels.
/// A leading digit is fine (`365portal`): whether a generated name may start with it is the
/// generated name's rule (a vault name starts with a letter), checked per cell.
///
/// `what` names the kind in messages (`app` or `environment`).
pub fn check_label(what: &str, name: &str) -> Result<(), Invalid> {
    check_label_max(what, name, LABEL_MAX)
}

/// [`check_label`] with another length limit: [`LABEL_MAX_TRUNCATED`] when every name pattern
/// that uses the name truncates it.
pub fn check_label_max(what: &str, name: &str, max: usize) -> Result<(), Invalid> {
    let len = name.chars().count();
    if len == 0 || len > max {
        return Err(Invalid::new(format!(
            "{what} name `{name}` is {len} characters; kvinit allows 1–{max}"
        ))
        .with_hint("use a short name such as `payments` or `prod`"));
    }
    let hint = || {
        let suggestion = suggest_label(name);
        if suggestion == name {
            "use lower-case letters, digits and hyphens".to_string()
        } else {
            format!("use lower-case letters, digits and hyphens, e.g. `{suggestion}`")
        }
    };
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(Invalid::new(format!(
            "{what} name `{name}` may contain only lower-case letters, digits and hyphens"
        ))
        .with_hint(hint()));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(Invalid::new(format!(
            "{what} name `{name}` must start and end with a letter or digit"
        ))
        .with_hint(hint()));
    }
    Ok(())
}

fn suggest_label(name: &str) -> String {
    let s: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "app".to_string() } else { s }
}

/// Parses a GUID written as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hyphenated, 36 characters,
/// hex digits in either case), as ARM writes tenant, subscription, principal and role IDs.
/// `what` names the field in messages (e.g. `subscription ID`). The nil GUID
/// (`00000000-0000-0000-0000-000000000000`, the placeholder in `templates/starter.yaml`) is
/// rejected: no tenant, subscription, principal or role definition has it.
pub fn parse_guid(what: &str, value: &str) -> Result<Uuid, Invalid> {
    let ok_shape = value.len() == 36
        && value.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    match (ok_shape, Uuid::parse_str(value)) {
        (true, Ok(id)) if id.is_nil() => Err(Invalid::new(format!(
            "{what} `{value}` is the all-zero placeholder GUID"
        ))
        .with_hint(format!("replace the placeholder with your real {what}"))),
        (true, Ok(id)) => Ok(id),
        _ => Err(
            Invalid::new(format!("{what} `{}` is not a GUID", shown(value))).with_hint(
                "write it as 8-4-4-4-12 hex digits, e.g. `72f988bf-86f1-41af-91ab-2d7cd011db47`",
            ),
        ),
    }
}

/// Most IP rules one vault accepts. Source: Azure Key Vault service limits
/// (<https://learn.microsoft.com/azure/key-vault/general/service-limits>).
pub const MAX_IP_RULES: usize = 1000;
/// Most virtual network rules one vault accepts. Source: Azure Key Vault service limits.
pub const MAX_VNET_RULES: usize = 200;

/// Address ranges a Key Vault IP rule must not overlap: private and reserved IPv4 space, with
/// why. Sources: RFC 1918 (private), RFC 1122 (`0.0.0.0/8` "this network", `127.0.0.0/8`
/// loopback), RFC 6598 (`100.64.0.0/10` shared address space), RFC 3927 (`169.254.0.0/16`
/// link-local), RFC 5771 (`224.0.0.0/4` multicast), RFC 1112 (`240.0.0.0/4` reserved, which
/// includes the limited broadcast address `255.255.255.255`).
pub const RESERVED_IPV4: &[(&str, &str)] = &[
    ("0.0.0.0/8", "\"this network\""),
    ("10.0.0.0/8", "RFC 1918 private"),
    ("100.64.0.0/10", "RFC 6598 shared address space"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "RFC 1918 private"),
    ("192.168.0.0/16", "RFC 1918 private"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved, incl. broadcast 255.255.255.255"),
];

/// The first private or reserved range ([`RESERVED_IPV4`]) that `net` overlaps, with its kind.
/// Whole ranges are compared, not only the network address: `128.0.0.0/1` overlaps
/// `172.16.0.0/12`.
pub fn reserved_overlap(net: &Ipv4Net) -> Option<(Ipv4Net, &'static str)> {
    RESERVED_IPV4.iter().find_map(|(r, why)| {
        let r: Ipv4Net = r.parse().expect("table ranges are valid");
        (r.contains(&net.network()) || net.contains(&r.network())).then_some((r, *why))
    })
}

/// Why a normalised network cannot be a Key Vault IP rule (`None` when it can).
fn ip_rule_problem(value: &str, net: &Ipv4Net) -> Option<Invalid> {
    if net.prefix_len() == 0 {
        return Some(
            Invalid::new(format!(
                "IP rule `{}` opens the vault to the whole internet",
                shown(value)
            ))
            .with_hint("list only your callers' public egress addresses or ranges; reach private callers with `virtualNetworkRules`"),
        );
    }
    let (r, why) = reserved_overlap(net)?;
    let what = if r.contains(&net.network()) && r.prefix_len() <= net.prefix_len() {
        format!("is a private or reserved range (in {r}, {why})")
    } else {
        format!("includes a private or reserved range ({r}, {why})")
    };
    Some(Invalid::new(format!(
        "IP rule `{}` {what}; Key Vault firewall rules accept public addresses only",
        shown(value)
    ))
    .with_hint(if net.prefix_len() < 8 {
        "list only your callers' public egress ranges (each no wider than needed); reach private networks with `virtualNetworkRules`".to_string()
    } else {
        "reach the vault from private networks with `virtualNetworkRules` (subnets with the Microsoft.KeyVault service endpoint)".to_string()
    }))
}

/// Parses a Key Vault IP rule: a public IPv4 address (normalised to `/32`) or an IPv4 CIDR range
/// whose host bits are zero. Returns the normalised `a.b.c.d/n` string ARM stores.
///
/// Rejected: IPv6 (Key Vault `ipRules` are "an IPv4 address range in CIDR notation" — swagger
/// `IPRule.value`); `0.0.0.0/0` (the whole internet); and any range that overlaps a private or
/// reserved range of [`RESERVED_IPV4`] — the whole range is checked, not only its first address:
/// Key Vault firewall rules apply to public addresses only; private callers reach the vault
/// through VNet rules (source: Key Vault network security docs, "IP network rules are only
/// allowed for public IP addresses"; `Add-AzKeyVaultNetworkRule`, "any IP range inside
/// 10.0.0.0-10.255.255.255 (private IP addresses) cannot be used").
pub fn parse_ip_rule(value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let net: Ipv4Net = if let Ok(addr) = v.parse::<Ipv4Addr>() {
        Ipv4Net::new(addr, 32).expect("32 is a valid prefix")
    } else if let Ok(net) = v.parse::<Ipv4Net>() {
        if net.network() != net.addr() {
            let trunc = net.trunc();
            let err = Invalid::new(format!(
                "IP rule `{}` has host bits set; the range starts at {}",
                shown(value),
                net.network()
            ));
            return Err(match ip_rule_problem(&trunc.to_string(), &trunc) {
                None => err.with_hint(format!("write `{trunc}`")),
                Some(p) => err.with_hint(format!(
                    "`{trunc}` would not be accepted either ({}); list only your public egress addresses or ranges",
                    p.message
                        .split_once("` ")
                        .map_or(p.message.as_str(), |(_, rest)| rest)
                        .split(';')
                        .next()
                        .unwrap_or_default()
                )),
            });
        }
        net
    } else if v.contains(':') {
        return Err(Invalid::new(format!(
            "IP rule `{}` is IPv6; Key Vault firewall rules accept IPv4 only",
            shown(value)
        ))
        .with_hint("use a VNet rule for private callers, or the IPv4 address of your egress"));
    } else {
        return Err(Invalid::new(format!("IP rule `{}` is not an IPv4 address or CIDR range", shown(value)))
            .with_hint("write an address such as `203.0.113.7` (means /32) or a range such as `203.0.113.0/24`"));
    };
    if let Some(p) = ip_rule_problem(value, &net) {
        return Err(p);
    }
    Ok(format!("{}/{}", net.addr(), net.prefix_len()))
}

/// Longest value echoed in full in a message (characters); longer values are abbreviated by
/// [`shown`].
pub const SHOWN_MAX: usize = 200;

/// A user value as shown in messages: in full up to [`SHOWN_MAX`] characters, otherwise its
/// first 40 characters and its length, e.g. `aaaa… (1048576 characters)`, so a huge value never
/// floods the terminal.
pub fn shown(value: &str) -> String {
    let n = value.chars().count();
    if n <= SHOWN_MAX {
        value.to_string()
    } else {
        let head: String = value.chars().take(40).collect();
        format!("{head}… ({n} characters)")
    }
}

/// The parts of a subnet ARM resource ID:
/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}`.
pub fn check_subnet_id(value: &str) -> Result<(), Invalid> {
    check_resource_id(
        value,
        "subnet ID",
        &["Microsoft.Network", "virtualNetworks", "*", "subnets", "*"],
        "/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
    )
}

/// Checks a private DNS zone ARM resource ID:
/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsZones/{zone}`.
pub fn check_private_dns_zone_id(value: &str) -> Result<(), Invalid> {
    check_resource_id(
        value,
        "private DNS zone ID",
        &["Microsoft.Network", "privateDnsZones", "*"],
        "/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net",
    )
}

/// Checks a Log Analytics workspace ARM resource ID:
/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}`.
pub fn check_workspace_id(value: &str) -> Result<(), Invalid> {
    check_resource_id(
        value,
        "workspace ID",
        &["Microsoft.OperationalInsights", "workspaces", "*"],
        "/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>",
    )
}

/// Checks a resource-group-scoped ARM resource ID whose segments after `providers` match
/// `tail` (case-insensitive; `*` = any non-empty name).
fn check_resource_id(value: &str, what: &str, tail: &[&str], shape: &str) -> Result<(), Invalid> {
    let bad = || {
        Invalid::new(format!("{what} `{value}` is not a valid ARM resource ID"))
            .with_hint(format!("write it as `{shape}`"))
    };
    let rest = value.strip_prefix('/').ok_or_else(bad)?;
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.len() != 5 + tail.len() || segs.iter().any(|s| s.is_empty()) {
        return Err(bad());
    }
    if !segs[0].eq_ignore_ascii_case("subscriptions")
        || !segs[2].eq_ignore_ascii_case("resourceGroups")
        || !segs[4].eq_ignore_ascii_case("providers")
    {
        return Err(bad());
    }
    if Uuid::parse_str(segs[1]).is_ok_and(|u| u.is_nil()) {
        return Err(Invalid::new(format!(
            "{what} `{value}` has the all-zero placeholder subscription ID"
        ))
        .with_hint("replace the placeholder with the subscription that holds the resource"));
    }
    if parse_guid("subscription ID", segs[1]).is_err() {
        return Err(Invalid::new(format!(
            "{what} `{value}` has `{}` where the subscription ID (a GUID) goes",
            segs[1]
        ))
        .with_hint(format!("write it as `{shape}`")));
    }
    if check_resource_group_name(segs[3]).is_err() {
        return Err(bad());
    }
    for (seg, want) in segs[5..].iter().zip(tail) {
        if *want != "*" && !seg.eq_ignore_ascii_case(want) {
            return Err(bad());
        }
        if *want == "*" && !is_child_resource_name(seg) {
            return Err(Invalid::new(format!(
                "{what} `{}` has the name `{seg}`, which ARM does not allow",
                shown(value)
            ))
            .with_hint(
                "resource names here are 1–80 letters, digits, `_`, `.` and `-`, starting with a letter or digit (no spaces)",
            ));
        }
    }
    Ok(())
}

/// Whether `name` can be the name of a virtual network, subnet or Log Analytics workspace: 1–80
/// characters, letters, digits, `_`, `.` and `-`, starting with a letter or digit. The widest of
/// those types' rules (source: Azure naming rules for Microsoft.Network `virtualNetworks` 2–64,
/// `virtualNetworks/subnets` 1–80, Microsoft.OperationalInsights `workspaces` 4–63 with the
/// same characters or fewer); ARM checks the narrower limits itself.
fn is_child_resource_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=80).contains(&n)
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Longest action group `groupShortName` (characters). Source: swagger
/// `ActionGroup.groupShortName` (`maxLength: 12`), monitor 2021-09-01.
pub const ACTION_GROUP_SHORT_NAME_MAX: usize = 12;

/// Checks an action group short name (shown in SMS and e-mail): 1–12 characters.
pub fn check_action_group_short_name(value: &str) -> Result<(), Invalid> {
    let len = value.chars().count();
    if len == 0 || len > ACTION_GROUP_SHORT_NAME_MAX {
        return Err(Invalid::new(format!(
            "action group short name `{value}` is {len} characters; ARM allows 1–{ACTION_GROUP_SHORT_NAME_MAX}"
        ))
        .with_hint("use a short label such as `kvops`"));
    }
    Ok(())
}

/// Checks an action group name: 1–260 characters, no `<>%&:\?/#` and not ending with a space or
/// period (ARM's generic rule for Microsoft.Insights names).
pub fn check_action_group_name(value: &str) -> Result<(), Invalid> {
    let len = value.chars().count();
    if len == 0 || len > 260 {
        return Err(Invalid::new(format!(
            "action group name `{value}` is {len} characters; ARM allows 1–260"
        )));
    }
    if let Some(c) = value
        .chars()
        .find(|c| "<>%&:\\?/#".contains(*c) || c.is_control())
    {
        return Err(Invalid::new(format!(
            "action group name `{value}` contains `{c}`"
        )));
    }
    if value.ends_with('.') || value.ends_with(' ') {
        return Err(Invalid::new(format!(
            "action group name `{value}` must not end with a period or space"
        )));
    }
    Ok(())
}

/// Checks an e-mail address loosely: one `@`, non-empty local part, a dot in the domain, no
/// spaces. (Azure Monitor validates deliverability itself.)
pub fn check_email(value: &str) -> Result<(), Invalid> {
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(
            Invalid::new(format!("e-mail address `{value}` is not valid"))
                .with_hint("write it as `name@example.com`"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl Fn(&str) -> Result<(), Invalid>, input: &str, expect: &str) {
        let got = match f(input) {
            Ok(()) => "ok".to_string(),
            Err(e) => e.message,
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn vault_names() {
        check(check_vault_name, "kv-payments-prod-weu", "ok");
        check(check_vault_name, "kv1", "ok");
        check(
            check_vault_name,
            "kv",
            "vault name `kv` is 2 characters; Key Vault allows 3–24",
        );
        check(
            check_vault_name,
            "kv-payments-production-weu",
            "vault name `kv-payments-production-weu` is 26 characters; Key Vault allows 3–24",
        );
        check(
            check_vault_name,
            "1kv",
            "vault name `1kv` must start with a letter",
        );
        check(
            check_vault_name,
            "kv-a-",
            "vault name `kv-a-` must end with a letter or digit",
        );
        check(
            check_vault_name,
            "kv--a",
            "vault name `kv--a` contains `--`; Key Vault does not allow consecutive hyphens",
        );
        check(
            check_vault_name,
            "kv_a",
            "vault name `kv_a` contains `_`; Key Vault allows only letters, digits and hyphens",
        );
        assert_eq!(VaultName::parse("KvA").unwrap().as_str(), "KvA");
    }

    #[test]
    fn resource_group_names() {
        check(check_resource_group_name, "rg-app_(1).x", "ok");
        check(
            check_resource_group_name,
            "rg.",
            "resource group name `rg.` must not end with a period",
        );
        check(
            check_resource_group_name,
            "rg a",
            "resource group name `rg a` contains ` `; ARM allows letters, digits, `_`, `-`, `.`, `(` and `)`",
        );
        let long = "r".repeat(91);
        check(
            check_resource_group_name,
            &long,
            &format!("resource group name `{long}` is 91 characters; ARM allows 1–90"),
        );
    }

    #[test]
    fn labels() {
        check(|s| check_label("app", s), "payments", "ok");
        check(
            |s| check_label("app", s),
            "Payments",
            "app name `Payments` may contain only lower-case letters, digits and hyphens",
        );
        // Issue 11 item 10: a leading digit is fine (the vault name's own rule decides).
        check(|s| check_label("app", s), "365portal", "ok");
        check(
            |s| check_label("environment", s),
            "-x",
            "environment name `-x` must start and end with a letter or digit",
        );
        // The hint never proposes the rejected name itself.
        let e = check_label("app", "pay-").unwrap_err();
        assert!(!e.hint.unwrap_or_default().contains("`pay-`"));
        check(
            |s| check_label_max("app", s, LABEL_MAX_TRUNCATED),
            "customer-self-service-portal",
            "ok",
        );
    }

    #[test]
    fn guids() {
        check(
            |s| parse_guid("tenant ID", s).map(|_| ()),
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "ok",
        );
        check(
            |s| parse_guid("tenant ID", s).map(|_| ()),
            "72f988bf86f141af91ab2d7cd011db47",
            "tenant ID `72f988bf86f141af91ab2d7cd011db47` is not a GUID",
        );
        check(
            |s| parse_guid("x", s).map(|_| ()),
            "not-a-guid",
            "x `not-a-guid` is not a GUID",
        );
        let e = parse_guid("tenant ID", "00000000-0000-0000-0000-000000000000").unwrap_err();
        assert_eq!(
            e.message,
            "tenant ID `00000000-0000-0000-0000-000000000000` is the all-zero placeholder GUID"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("replace the placeholder with your real tenant ID")
        );
        let long = "a".repeat(1_000_000);
        let e = parse_guid("tenant ID", &long).unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "tenant ID `{}… (1000000 characters)` is not a GUID",
                "a".repeat(40)
            )
        );
    }

    #[test]
    fn ip_rules() {
        assert_eq!(parse_ip_rule("203.0.113.7").unwrap(), "203.0.113.7/32");
        assert_eq!(parse_ip_rule("203.0.113.0/24").unwrap(), "203.0.113.0/24");
        let e = parse_ip_rule("203.0.113.5/24").unwrap_err();
        assert_eq!(
            e.message,
            "IP rule `203.0.113.5/24` has host bits set; the range starts at 203.0.113.0"
        );
        assert_eq!(e.hint.as_deref(), Some("write `203.0.113.0/24`"));
        check(
            |s| parse_ip_rule(s).map(|_| ()),
            "10.1.0.0/16",
            "IP rule `10.1.0.0/16` is a private or reserved range (in 10.0.0.0/8, RFC 1918 private); Key Vault firewall rules accept public addresses only",
        );
        // Whole ranges are checked, not only the network address.
        for (wide, inside) in [
            ("128.0.0.0/1", "169.254.0.0/16"),
            ("64.0.0.0/2", "100.64.0.0/10"),
            ("8.0.0.0/5", "10.0.0.0/8"),
            ("1.0.0.0/8", ""),
            ("172.0.0.0/8", "172.16.0.0/12"),
            ("192.0.0.0/8", "192.168.0.0/16"),
            ("169.0.0.0/8", "169.254.0.0/16"),
            ("255.255.255.255", "240.0.0.0/4"),
            ("224.0.0.1", "224.0.0.0/4"),
            ("0.1.2.3", "0.0.0.0/8"),
        ] {
            let got = parse_ip_rule(wide);
            if inside.is_empty() {
                assert_eq!(got.unwrap(), wide);
            } else {
                let e = got.unwrap_err();
                assert!(e.message.contains(inside), "{wide}: {}", e.message);
            }
        }
        let e = parse_ip_rule("0.0.0.0/0").unwrap_err();
        assert_eq!(
            e.message,
            "IP rule `0.0.0.0/0` opens the vault to the whole internet"
        );
        // The host-bits hint never suggests a range that is itself rejected.
        let e = parse_ip_rule("1.0.0.0/1").unwrap_err();
        assert_eq!(
            e.message,
            "IP rule `1.0.0.0/1` has host bits set; the range starts at 0.0.0.0"
        );
        assert!(!e.hint.as_deref().unwrap().starts_with("write"), "{e:?}");
        assert!(
            e.hint.as_deref().unwrap().contains("would not be accepted"),
            "{e:?}"
        );
        check(
            |s| parse_ip_rule(s).map(|_| ()),
            "2001:db8::/32",
            "IP rule `2001:db8::/32` is IPv6; Key Vault firewall rules accept IPv4 only",
        );
        check(
            |s| parse_ip_rule(s).map(|_| ()),
            "300.1.1.1",
            "IP rule `300.1.1.1` is not an IPv4 address or CIDR range",
        );
    }

    #[test]
    fn resource_ids() {
        let subnet = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app";
        check(check_subnet_id, subnet, "ok");
        check(
            check_subnet_id,
            "/subscriptions/abc/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
            "subnet ID `/subscriptions/abc/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s` has `abc` where the subscription ID (a GUID) goes",
        );
        check(
            check_subnet_id,
            "vnet/app",
            "subnet ID `vnet/app` is not a valid ARM resource ID",
        );
        let spaced = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet 3";
        check(
            check_subnet_id,
            spaced,
            &format!("subnet ID `{spaced}` has the name `snet 3`, which ARM does not allow"),
        );
        let ws = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law";
        check(check_workspace_id, ws, "ok");
        check(
            check_workspace_id,
            subnet,
            &format!("workspace ID `{subnet}` is not a valid ARM resource ID"),
        );
    }

    #[test]
    fn short_names_and_emails() {
        check(check_action_group_short_name, "kvops", "ok");
        check(
            check_action_group_short_name,
            "kv-operations",
            "action group short name `kv-operations` is 13 characters; ARM allows 1–12",
        );
        check(check_email, "oncall@example.com", "ok");
        check(
            check_email,
            "oncall",
            "e-mail address `oncall` is not valid",
        );
    }
}
