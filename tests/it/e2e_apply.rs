//! End to end: the real `kvinit` binary applies the examples on the embedded emulator over HTTP
//! with the real credential flow, every setting of every vault is checked in the emulator's
//! state file against what the example plan says (expectations written out here, not computed
//! by kvinit), and a second apply makes zero writes.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use assert_cmd::Command;
use serde_json::Value;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ADMIN_GROUP: &str = "3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58";
const KV_ADMINISTRATOR: &str = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
const KV_READER: &str = "21090545-7ca7-4776-b22c-e363652d74d2";

fn apply(plan: &str, state: &Path) -> (Value, i32, f64) {
    let started = Instant::now();
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["apply", "-f", plan, "--yes", "-o", "json"])
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is the JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().unwrap_or(-1), secs)
}

fn state(path: &Path) -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["resources"]
        .as_object()
        .expect("state has `resources`")
        .clone()
}

fn get<'a>(res: &'a serde_json::Map<String, Value>, id: &str) -> &'a Value {
    res.get(&id.to_ascii_lowercase())
        .unwrap_or_else(|| panic!("state holds {id}"))
}

/// Resources of `kind` (last provider segment, e.g. `roleassignments`) directly under `scope`.
fn children<'a>(
    res: &'a serde_json::Map<String, Value>,
    scope: &str,
    kind: &str,
) -> Vec<&'a Value> {
    let prefix = format!("{}/providers/", scope.to_ascii_lowercase());
    res.iter()
        .filter(|(k, _)| {
            k.starts_with(&prefix)
                && k[prefix.len()..].split('/').nth(1) == Some(kind)
                && k[prefix.len()..].split('/').count() == 3
        })
        .map(|(_, v)| v)
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

struct Expect {
    app: &'static str,
    env: &'static str,
    region: &'static str,
    code: &'static str,
    sub: &'static str,
}

impl Expect {
    fn vault(&self) -> String {
        format!("kv-{}-{}-{}", self.app, self.env, self.code)
    }
    fn rg_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/rg-{}-{}-{}",
            self.sub, self.app, self.env, self.code
        )
    }
    fn vault_id(&self) -> String {
        format!(
            "{}/providers/Microsoft.KeyVault/vaults/{}",
            self.rg_id(),
            self.vault()
        )
    }
    fn ag_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/rg-kvinit-{}/providers/Microsoft.Insights/actionGroups/ag-kv-{}",
            self.sub, self.env, self.env
        )
    }
    fn prod(&self) -> bool {
        self.env == "prod"
    }
}

fn role_def(sub: &str, guid: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
        .to_ascii_lowercase()
}

fn check_contoso_vault(res: &serde_json::Map<String, Value>, e: &Expect) {
    let who = e.vault();
    // Resource group.
    let rg = get(res, &e.rg_id());
    assert_eq!(rg["location"], e.region, "{who} rg");
    // The vault.
    let v = get(res, &e.vault_id());
    let p = &v["properties"];
    assert_eq!(v["location"], e.region, "{who}");
    assert_eq!(p["tenantId"], TENANT, "{who}");
    let sku = if e.app == "payments" {
        "premium"
    } else {
        "standard"
    };
    assert_eq!(
        p["sku"]["name"].as_str().unwrap().to_lowercase(),
        sku,
        "{who} sku"
    );
    assert_eq!(p["enableRbacAuthorization"], true, "{who} KV-RBAC");
    assert_eq!(p["enableSoftDelete"], true, "{who} KV-SD");
    assert_eq!(
        p["softDeleteRetentionInDays"],
        if e.prod() { 90 } else { 30 },
        "{who} retention"
    );
    assert_eq!(p["enablePurgeProtection"], true, "{who} KV-PP");
    assert_eq!(p["publicNetworkAccess"], "Enabled", "{who}");
    let acls = &p["networkAcls"];
    assert_eq!(acls["defaultAction"], "Deny", "{who} KV-FW");
    assert_eq!(acls["bypass"], "AzureServices", "{who}");
    let ips: Vec<String> = acls["ipRules"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["value"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    let vnets: Vec<String> = acls["virtualNetworkRules"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["id"].as_str().unwrap().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    if e.prod() {
        assert!(ips.is_empty(), "{who} prod has no IP rules: {ips:?}");
        let subnet = format!(
            "/subscriptions/{}/resourceGroups/rg-network-prod-{}/providers/Microsoft.Network/virtualNetworks/vnet-prod-{}/subnets/snet-{}",
            e.sub, e.code, e.code, e.app
        );
        assert_eq!(vnets, vec![subnet.to_ascii_lowercase()], "{who} KV-VNET");
    } else {
        assert_eq!(ips, vec!["203.0.113.0/24".to_string()], "{who} ipRules");
        assert!(vnets.is_empty(), "{who} {vnets:?}");
    }
    let tags = &v["tags"];
    assert_eq!(tags["owner"], "platform", "{who}");
    assert_eq!(tags["costCenter"], "4711", "{who}");
    assert_eq!(tags["kvinit-app"], e.app, "{who}");
    assert_eq!(tags["kvinit-env"], e.env, "{who}");
    assert_eq!(tags["kvinit-region"], e.region, "{who}");
    if e.prod() {
        assert_eq!(tags["criticality"], "high", "{who}");
    }

    // Role assignments at vault scope: exactly the plan's, no duplicates.
    let ras = children(res, &e.vault_id(), "roleassignments");
    let got: BTreeSet<(String, String)> = ras
        .iter()
        .map(|r| {
            (
                r["properties"]["principalId"].as_str().unwrap().to_string(),
                r["properties"]["roleDefinitionId"]
                    .as_str()
                    .unwrap()
                    .to_ascii_lowercase(),
            )
        })
        .collect();
    let app_role = match e.app {
        "payments" => (
            "9e1a3c5b-7d2f-4a8e-b6c0-1f3e5a7c9d24",
            "12338af0-0e69-4776-bea7-57ae8d297424",
        ),
        "orders" => (
            "4a6c8e0b-2d4f-4b6a-8c0e-3f5a7b9c1d36",
            "4633458b-17de-408a-b874-0445c86b69e6",
        ),
        _ => (
            "7b9d1f3a-5c7e-4d9b-a1c3-6e8f0a2b4c48",
            "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
        ),
    };
    let mut want: BTreeSet<(String, String)> = [
        (ADMIN_GROUP.to_string(), role_def(e.sub, KV_ADMINISTRATOR)),
        (app_role.0.to_string(), role_def(e.sub, app_role.1)),
    ]
    .into();
    if e.prod() {
        want.insert((
            "5d2f8b14-7a3c-4e9d-b1f6-0c8a2e4d6b90".into(),
            role_def(e.sub, KV_READER),
        ));
    }
    assert_eq!(ras.len(), want.len(), "{who}: role assignments {got:?}");
    assert_eq!(got, want, "{who}: role assignments");

    // One diagnostic setting: logs + AllMetrics → the environment's workspace.
    let diags = children(res, &e.vault_id(), "diagnosticsettings");
    assert_eq!(diags.len(), 1, "{who} KV-LOG");
    let d = &diags[0]["properties"];
    let ws = if e.prod() {
        "/subscriptions/2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e/resourceGroups/rg-monitoring-prod/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod"
    } else {
        "/subscriptions/6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-contoso-nonprod"
    };
    assert_eq!(
        d["workspaceId"].as_str().unwrap().to_lowercase(),
        ws.to_lowercase(),
        "{who}"
    );
    let group = if e.prod() { "allLogs" } else { "audit" };
    assert_eq!(d["logs"].as_array().unwrap().len(), 1, "{who}");
    assert_eq!(d["logs"][0]["categoryGroup"], group, "{who}");
    assert_eq!(d["logs"][0]["enabled"], true, "{who}");
    assert_eq!(d["metrics"][0]["category"], "AllMetrics", "{who}");
    assert_eq!(d["metrics"][0]["enabled"], true, "{who}");

    // Three metric alerts on the vault, to the environment's action group.
    let (avail, avail_sev) = if e.prod() { (99.0, 0) } else { (90.0, 1) };
    for (suffix, metric, op, threshold, sev, freq) in [
        (
            "availability",
            "Availability",
            "LessThan",
            avail,
            avail_sev,
            "PT1M",
        ),
        (
            "saturation",
            "SaturationShoebox",
            "GreaterThan",
            75.0,
            1,
            "PT5M",
        ),
        (
            "latency",
            "ServiceApiLatency",
            "GreaterThan",
            1000.0,
            3,
            "PT5M",
        ),
    ] {
        let id = format!(
            "{}/providers/Microsoft.Insights/metricAlerts/{}-{suffix}",
            e.rg_id(),
            e.vault()
        );
        let a = &get(res, &id)["properties"];
        assert_eq!(a["enabled"], true, "{id}");
        assert_eq!(a["severity"], sev, "{id}");
        assert_eq!(a["evaluationFrequency"], freq, "{id}");
        assert_eq!(a["windowSize"], "PT5M", "{id}");
        assert_eq!(
            strs(&a["scopes"])
                .iter()
                .map(|s| s.to_lowercase())
                .collect::<Vec<_>>(),
            vec![e.vault_id().to_lowercase()],
            "{id}"
        );
        let c = &a["criteria"]["allOf"][0];
        assert_eq!(c["metricName"], metric, "{id}");
        assert_eq!(c["operator"], op, "{id}");
        assert_eq!(c["threshold"].as_f64(), Some(threshold), "{id}");
        assert_eq!(
            a["actions"][0]["actionGroupId"]
                .as_str()
                .unwrap()
                .to_lowercase(),
            e.ag_id().to_lowercase(),
            "{id}"
        );
    }
    // The activity log alert on vault deletion.
    let id = format!(
        "{}/providers/Microsoft.Insights/activityLogAlerts/{}-deleted",
        e.rg_id(),
        e.vault()
    );
    let a = &get(res, &id)["properties"];
    assert_eq!(a["enabled"], true, "{id}");
    let conds = a["condition"]["allOf"].as_array().unwrap();
    let has = |field: &str, value: &str| {
        conds.iter().any(|c| {
            c["field"] == field
                && c["equals"]
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
        })
    };
    assert!(
        has("operationName", "Microsoft.KeyVault/vaults/delete"),
        "{id}"
    );
    assert!(has("resourceId", &e.vault_id()), "{id}");
    assert_eq!(
        a["actions"]["actionGroups"][0]["actionGroupId"]
            .as_str()
            .unwrap()
            .to_lowercase(),
        e.ag_id().to_lowercase(),
        "{id}"
    );
}

#[test]
fn contoso_applies_18_compliant_vaults_and_a_second_apply_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state_path = dir.path().join("s.json");
    let (report, code, secs) = apply("examples/contoso.yaml", &state_path);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["totals"]["vaults"], 18);
    assert_eq!(report["totals"]["created"], 18, "{report:#}");
    assert_eq!(report["totals"]["failed"], 0);
    let writes = report["requests"]["writes"].as_u64().unwrap();
    let reads = report["requests"]["reads"].as_u64().unwrap();
    println!("contoso create: {reads} reads, {writes} writes, {secs:.2} s wall");
    assert!(writes > 0);

    let res = state(&state_path);
    let subs = [
        (
            "dev",
            "6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10",
            "kvdev",
            vec!["dev-team@contoso.com"],
        ),
        (
            "test",
            "8a3d5e7f-1c2b-4a6d-8e9f-0b1c2d3e4f50",
            "kvtest",
            vec!["qa-team@contoso.com"],
        ),
        (
            "prod",
            "2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e",
            "kvprod",
            vec!["oncall@contoso.com", "secops@contoso.com"],
        ),
    ];
    let mut checked = 0;
    for app in ["payments", "orders", "identity"] {
        for (env, sub, _, _) in &subs {
            for (region, code) in [("westeurope", "weu"), ("northeurope", "neu")] {
                check_contoso_vault(
                    &res,
                    &Expect {
                        app,
                        env,
                        region,
                        code,
                        sub,
                    },
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 18);
    let vaults = res
        .keys()
        .filter(|k| {
            k.contains("/providers/microsoft.keyvault/vaults/") && k.split('/').count() == 9
        })
        .count();
    assert_eq!(vaults, 18, "exactly 18 vaults in the state");
    // One shared resource group and action group per environment.
    for (env, sub, short, emails) in &subs {
        let rg = get(
            &res,
            &format!("/subscriptions/{sub}/resourceGroups/rg-kvinit-{env}"),
        );
        assert!(rg["location"].is_string());
        let ag = &get(
            &res,
            &format!(
                "/subscriptions/{sub}/resourceGroups/rg-kvinit-{env}/providers/Microsoft.Insights/actionGroups/ag-kv-{env}"
            ),
        )["properties"];
        assert_eq!(ag["groupShortName"], *short);
        assert_eq!(ag["enabled"], true);
        let got: Vec<String> = ag["emailReceivers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["emailAddress"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(&got, emails);
    }
    let groups = res
        .keys()
        .filter(|k| k.split('/').count() == 5 && k.contains("/resourcegroups/"))
        .count();
    assert_eq!(
        groups,
        18 + 3,
        "a resource group per vault plus one shared per environment"
    );

    let (again, code, secs) = apply("examples/contoso.yaml", &state_path);
    assert_eq!(code, 0, "{again:#}");
    assert_eq!(again["totals"]["unchanged"], 18, "{again:#}");
    assert_eq!(again["requests"]["writes"], 0, "{again:#}");
    println!(
        "contoso re-apply: {} reads, 0 writes, {secs:.2} s wall",
        again["requests"]["reads"]
    );
    assert_eq!(
        state(&state_path),
        res,
        "a second apply changes nothing in ARM"
    );
}

#[test]
fn minimal_applies_one_vault_and_a_second_apply_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state_path = dir.path().join("nested").join("s.json");
    let (report, code, _) = apply("examples/minimal.yaml", &state_path);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["totals"]["created"], 1);
    let res = state(&state_path);
    let sub = "6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10";
    let vault_id = format!(
        "/subscriptions/{sub}/resourceGroups/rg-payments-dev-weu/providers/Microsoft.KeyVault/vaults/kv-payments-dev-weu"
    );
    let p = &get(&res, &vault_id)["properties"];
    assert_eq!(p["enableRbacAuthorization"], true);
    assert_eq!(p["networkAcls"]["defaultAction"], "Deny");
    assert_eq!(p["networkAcls"]["ipRules"][0]["value"], "203.0.113.0/24");
    assert_eq!(p["softDeleteRetentionInDays"], 90);
    assert_eq!(p["enablePurgeProtection"], true);
    let ras = children(&res, &vault_id, "roleassignments");
    assert_eq!(ras.len(), 1);
    assert_eq!(ras[0]["properties"]["principalId"], ADMIN_GROUP);
    assert_eq!(children(&res, &vault_id, "diagnosticsettings").len(), 1);
    for suffix in ["availability", "saturation", "latency"] {
        get(
            &res,
            &format!(
                "/subscriptions/{sub}/resourceGroups/rg-payments-dev-weu/providers/Microsoft.Insights/metricAlerts/kv-payments-dev-weu-{suffix}"
            ),
        );
    }
    get(
        &res,
        &format!(
            "/subscriptions/{sub}/resourceGroups/rg-payments-dev-weu/providers/Microsoft.Insights/activityLogAlerts/kv-payments-dev-weu-deleted"
        ),
    );
    get(
        &res,
        &format!(
            "/subscriptions/{sub}/resourceGroups/rg-kvinit-dev/providers/Microsoft.Insights/actionGroups/ag-kv-dev"
        ),
    );

    let (again, code, _) = apply("examples/minimal.yaml", &state_path);
    assert_eq!(code, 0);
    assert_eq!(again["totals"]["unchanged"], 1, "{again:#}");
    assert_eq!(again["requests"]["writes"], 0);
}
