//! Issue 11, property test: for random pairs (live state, plan) drawn from the protective
//! controls — a vault's public network access, firewall default action, bypass, IP rules,
//! virtual network rules, RBAC, purge protection, soft delete and retention; a diagnostic
//! setting's logs and metrics; a metric alert's `enabled` and threshold — no body kvinit would
//! send (the `create`/`update` body the executor PUTs, from `change::diff_resource`, the same
//! diff the live plan, apply and `apply FILE` use) makes any control weaker than live, unless
//! `--allow-weaken` names it. A small hand-rolled generator (xorshift) over a fixed seed set, so
//! every run draws the same 600 cases; the oracle below is written independently of
//! `change::guard`.

use kvinit::change::diff::{DiffOptions, diff_resource};
use kvinit::change::{Action, ResourceChange};
use kvinit::resources::{AllowWeaken, DesiredResource, ResourceKind};
use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn coin(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
    fn subset(&mut self, items: &[&str]) -> Vec<String> {
        items
            .iter()
            .filter(|_| self.coin())
            .map(|s| s.to_string())
            .collect()
    }
}

const SUB: &str = "/subscriptions/s/resourceGroups/rg";
const IPS: &[&str] = &[
    "203.0.113.4",
    "203.0.113.0/24",
    "198.51.100.7",
    "198.51.100.0/25",
    "10.0.0.0/8",
    "0.0.0.0/0",
];
const SUBNETS: &[&str] = &[
    "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
    "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/b",
];
const LOGS: &[&str] = &["AuditEvent", "AzurePolicyEvaluationDetails"];

fn vault_body(r: &mut Rng, live: bool) -> Value {
    let ip_rules: Vec<Value> = r
        .subset(IPS)
        .into_iter()
        .map(|ip| json!({ "value": ip }))
        .collect();
    let vnet: Vec<Value> = r
        .subset(SUBNETS)
        .into_iter()
        .map(|id| json!({ "id": id, "ignoreMissingVnetServiceEndpoint": false }))
        .collect();
    let mut props = json!({
        "tenantId": "t", "sku": { "family": "A", "name": "standard" },
        "enableRbacAuthorization": r.coin(),
        "softDeleteRetentionInDays": *r.pick(&[7, 30, 90]),
        "publicNetworkAccess": *r.pick(&["Enabled", "Disabled"]),
        "networkAcls": { "defaultAction": *r.pick(&["Allow", "Deny"]),
            "bypass": *r.pick(&["AzureServices", "None"]),
            "ipRules": ip_rules, "virtualNetworkRules": vnet },
    });
    if live {
        props["enableSoftDelete"] = json!(true);
        props["enablePurgeProtection"] = json!(r.coin());
    } else {
        // The plan's body never carries `false` (kvinit's builder); a forged one may.
        props["enableSoftDelete"] = json!(r.coin() || r.coin());
        match r.next() % 3 {
            0 => props["enablePurgeProtection"] = json!(true),
            1 => props["enablePurgeProtection"] = json!(false),
            _ => {}
        }
    }
    json!({ "location": "westeurope", "tags": { "owner": *r.pick(&["a", "b"]) }, "properties": props })
}

fn diagnostic_body(r: &mut Rng) -> Value {
    let logs: Vec<Value> = r
        .subset(LOGS)
        .into_iter()
        .map(|c| json!({ "category": c, "enabled": true }))
        .collect();
    let metrics = if r.coin() {
        json!([{ "category": "AllMetrics", "enabled": true }])
    } else {
        json!([])
    };
    json!({ "properties": { "workspaceId": "/w", "logs": logs, "metrics": metrics } })
}

fn alert_body(r: &mut Rng, operator: &str) -> Value {
    json!({ "location": "global", "properties": {
        "enabled": r.coin(), "severity": 1, "scopes": ["/v"],
        "criteria": { "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            "allOf": [{ "criterionType": "StaticThresholdCriterion", "name": "m",
                "metricName": "m", "operator": operator,
                "threshold": *r.pick(&[10.0, 50.0, 80.0, 99.0]), "timeAggregation": "Average" }] } } })
}

fn ptr<'a>(v: &'a Value, p: &str) -> Option<&'a Value> {
    v.pointer(p).filter(|v| !v.is_null())
}

fn net(s: &str) -> ipnet::IpNet {
    s.parse::<ipnet::IpNet>()
        .map(|n| n.trunc())
        .unwrap_or_else(|_| ipnet::IpNet::from(s.parse::<std::net::IpAddr>().unwrap()))
}

/// Every protective control of `sent` that is weaker than in `live`, by name (the names
/// `--allow-weaken` takes). Written from the controls' meaning, not from `change::guard`.
fn weakened(kind: ResourceKind, live: &Value, sent: &Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    let is = |v: &Value, p: &str, s: &str| {
        ptr(v, p)
            .and_then(Value::as_str)
            .is_some_and(|x| x.eq_ignore_ascii_case(s))
    };
    let truthy = |v: &Value, p: &str| ptr(v, p) == Some(&Value::Bool(true));
    match kind {
        ResourceKind::Vault => {
            for (p, strict, name) in [
                (
                    "/properties/publicNetworkAccess",
                    "Disabled",
                    "publicNetworkAccess",
                ),
                (
                    "/properties/networkAcls/defaultAction",
                    "Deny",
                    "networkAcls.defaultAction",
                ),
                (
                    "/properties/networkAcls/bypass",
                    "None",
                    "networkAcls.bypass",
                ),
            ] {
                if is(live, p, strict) && !is(sent, p, strict) {
                    out.push(name);
                }
            }
            if truthy(live, "/properties/enableRbacAuthorization")
                && !truthy(sent, "/properties/enableRbacAuthorization")
            {
                out.push("enableRbacAuthorization");
            }
            if ptr(sent, "/properties/enablePurgeProtection") == Some(&Value::Bool(false))
                || (truthy(live, "/properties/enablePurgeProtection")
                    && !truthy(sent, "/properties/enablePurgeProtection"))
            {
                out.push("enablePurgeProtection");
            }
            if ptr(sent, "/properties/enableSoftDelete") == Some(&Value::Bool(false)) {
                out.push("enableSoftDelete");
            }
            let days =
                |v: &Value| ptr(v, "/properties/softDeleteRetentionInDays").and_then(Value::as_i64);
            if let (Some(l), Some(s)) = (days(live), days(sent)) {
                if s != l {
                    out.push("softDeleteRetentionInDays");
                }
            }
            let list = |v: &Value, key: &str, p: &str| -> Vec<String> {
                ptr(v, p)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e[key].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let live_ips = list(live, "value", "/properties/networkAcls/ipRules");
            let sent_ips = list(sent, "value", "/properties/networkAcls/ipRules");
            if sent_ips
                .iter()
                .any(|s| !live_ips.iter().any(|l| net(l).contains(&net(s))))
            {
                out.push("networkAcls.ipRules");
            }
            let live_vnet = list(live, "id", "/properties/networkAcls/virtualNetworkRules");
            let sent_vnet = list(sent, "id", "/properties/networkAcls/virtualNetworkRules");
            if sent_vnet
                .iter()
                .any(|s| !live_vnet.iter().any(|l| l.eq_ignore_ascii_case(s)))
            {
                out.push("networkAcls.virtualNetworkRules");
            }
        }
        ResourceKind::DiagnosticSetting => {
            for (p, name) in [
                ("/properties/logs", "diagnostics.logs"),
                ("/properties/metrics", "diagnostics.metrics"),
            ] {
                let enabled = |v: &Value| -> Vec<String> {
                    ptr(v, p)
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter(|e| e["enabled"] == true)
                                .filter_map(|e| e["category"].as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let sent_on = enabled(sent);
                if enabled(live).iter().any(|c| !sent_on.contains(c)) {
                    out.push(name);
                }
            }
        }
        ResourceKind::MetricAlert => {
            if truthy(live, "/properties/enabled") && !truthy(sent, "/properties/enabled") {
                out.push("alerts.enabled");
            }
            let t = |v: &Value| {
                ptr(v, "/properties/criteria/allOf/0/threshold").and_then(Value::as_f64)
            };
            let op = ptr(live, "/properties/criteria/allOf/0/operator")
                .and_then(Value::as_str)
                .unwrap_or("");
            if let (Some(l), Some(s)) = (t(live), t(sent)) {
                let later = if op.starts_with("Greater") {
                    s > l
                } else {
                    s < l
                };
                if later {
                    out.push("alerts.threshold");
                }
            }
        }
        _ => {}
    }
    out
}

/// The body the executor would send for `change`, if any.
fn sent(change: &ResourceChange) -> Option<&Value> {
    matches!(change.action, Action::Create | Action::Update).then_some(&change.body)
}

fn cases(seed: u64, allow: &[String]) -> Vec<String> {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let options = DiffOptions {
        allow_weaken: AllowWeaken::parse(allow).unwrap(),
        ..DiffOptions::default()
    };
    let mut failures = Vec::new();
    let op = *r.pick(&["GreaterThan", "LessThan"]);
    let pairs = [
        (
            ResourceKind::Vault,
            vault_body(&mut r, true),
            vault_body(&mut r, false),
        ),
        (
            ResourceKind::DiagnosticSetting,
            diagnostic_body(&mut r),
            diagnostic_body(&mut r),
        ),
        (
            ResourceKind::MetricAlert,
            alert_body(&mut r, op),
            alert_body(&mut r, op),
        ),
    ];
    for (kind, live, plan) in pairs {
        let desired = DesiredResource {
            kind,
            id: format!("{SUB}/providers/x/{kind:?}"),
            api_version: kind.api_version(),
            body: plan.clone().into(),
        };
        let change = diff_resource(&desired, Some(&live), options);
        let Some(body) = sent(&change) else { continue };
        for name in weakened(kind, &live, body) {
            if !allow.iter().any(|a| a == name) {
                failures.push(format!(
                    "seed {seed}: {kind:?} {name} weakened\n  live: {live}\n  plan: {plan}\n  sent: {body}"
                ));
            }
        }
    }
    failures
}

#[test]
fn no_body_kvinit_sends_weakens_a_protective_control_of_live_state() {
    let failures: Vec<String> = (1..=600u64).flat_map(|seed| cases(seed, &[])).collect();
    assert!(
        failures.is_empty(),
        "{} of 600 cases weaken live state; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn only_the_fields_allow_weaken_names_may_be_sent_weaker() {
    let by_hand = [
        "publicNetworkAccess",
        "networkAcls.defaultAction",
        "networkAcls.bypass",
        "networkAcls.ipRules",
        "networkAcls.virtualNetworkRules",
        "enableRbacAuthorization",
        "diagnostics.logs",
        "diagnostics.metrics",
        "alerts.enabled",
        "alerts.threshold",
    ];
    let mut r = Rng(42);
    for seed in 1..=300u64 {
        let allow = r.subset(&by_hand);
        let failures = cases(seed, &allow);
        assert!(
            failures.is_empty(),
            "allowed {allow:?}:\n{}",
            failures.join("\n")
        );
    }
    // A named field is sent weaker: live Disabled, plan Enabled, allowed.
    let live = json!({ "properties": { "publicNetworkAccess": "Disabled" } });
    let desired = DesiredResource {
        kind: ResourceKind::Vault,
        id: format!("{SUB}/providers/Microsoft.KeyVault/vaults/kv"),
        api_version: ResourceKind::Vault.api_version(),
        body: json!({ "properties": { "publicNetworkAccess": "Enabled" } }).into(),
    };
    let options = DiffOptions {
        allow_weaken: AllowWeaken::parse(&["publicNetworkAccess"]).unwrap(),
        ..DiffOptions::default()
    };
    let c = diff_resource(&desired, Some(&live), options);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.body["properties"]["publicNetworkAccess"], "Enabled");
}
