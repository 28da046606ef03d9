//! `kvinit audit` end to end on the embedded emulator, over real HTTP with the real credential
//! flow. The state holds five compliant vaults made by `kvinit apply` and vaults that fall short
//! in one way each, created through the emulator's ARM API (PUTs with a bearer token from its
//! token endpoint), never by writing kvinit's structures or the state file. The real binary then
//! audits them: exact findings for exactly the non-compliant vaults, SARIF validated against the
//! official SARIF 2.1.0 schema, and the exit code for each `--fail-on` level.

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kvinit_emulator::EmulatorConfig;
use serde_json::{Value, json};
use support::arm::Arm;
use support::bin::kvinit;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The subscription with 5 compliant and 5 non-compliant vaults.
const SUB: &str = "0a1b2c3d-4e5f-4a6b-8c7d-000000000a01";
/// One vault whose only finding is low (KV-RETAIN).
const SUB_LOW: &str = "0a1b2c3d-4e5f-4a6b-8c7d-000000000a02";
/// One vault whose only finding is medium (KV-IPWIDE).
const SUB_MEDIUM: &str = "0a1b2c3d-4e5f-4a6b-8c7d-000000000a03";
const APP_SP: &str = "9d2f4b61-3c8e-4f7a-b5d1-6e0a2c4f8b13";
const ADMIN_GROUP: &str = "3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58";
const KV_ADMINISTRATOR: &str = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
const BAD_RG: &str = "rg-audit-seeded";
const COMPLIANT_APPS: [&str; 5] = ["alpha", "bravo", "charlie", "delta", "echo"];

fn workspace(sub: &str) -> String {
    format!(
        "/subscriptions/{sub}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-audit"
    )
}

fn plan_yaml(apps: &[&str]) -> String {
    let apps: String = apps.iter().map(|a| format!("  - name: {a}\n")).collect();
    format!(
        "apiVersion: kvinit/v1\ntenantId: {TENANT}\nregions: [westeurope]\nenvironments:\n  - name: prod\n    subscriptionId: {SUB}\napps:\n{apps}defaults:\n  network:\n    ipRules: [203.0.113.0/24]\n  roleAssignments:\n    - principalId: {ADMIN_GROUP}\n      principalType: Group\n      role: Key Vault Administrator\n  diagnostics:\n    workspaceId: {ws}\n  alerts:\n    actionGroup: {{ name: \"ag-kv-{{env}}\", shortName: kvops, emails: [oncall@example.com] }}\n",
        ws = workspace(SUB)
    )
}

fn rg_id(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}

fn vault_id(sub: &str, rg: &str, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.KeyVault/vaults/{name}",
        rg_id(sub, rg)
    )
}

/// How a seeded vault departs from a fully compliant one.
#[derive(Default, Clone, Copy)]
struct Flaw {
    access_policies: bool,
    default_allow: bool,
    ip_rule: Option<&'static str>,
    no_purge_protection: bool,
    retention_days: Option<i64>,
    unwatched: bool,
    admin_service_principal: bool,
}

/// Creates, through ARM, a vault in `sub`/`rg` with every control kvinit checks — diagnostic
/// setting, three metric alerts, a deletion alert, an action group with a receiver — except
/// what `flaw` takes away.
async fn seed_vault(arm: &Arm, sub: &str, rg: &str, name: &str, flaw: Flaw) -> String {
    let rg_id = rg_id(sub, rg);
    let id = vault_id(sub, rg, name);
    let mut props = json!({
        "tenantId": TENANT,
        "sku": { "family": "A", "name": "standard" },
        "enableRbacAuthorization": !flaw.access_policies,
        "enableSoftDelete": true,
        "softDeleteRetentionInDays": flaw.retention_days.unwrap_or(90),
        "publicNetworkAccess": "Enabled",
        "networkAcls": {
            "defaultAction": if flaw.default_allow { "Allow" } else { "Deny" },
            "bypass": "AzureServices",
            "ipRules": [{ "value": flaw.ip_rule.unwrap_or("203.0.113.0/24") }],
            "virtualNetworkRules": [],
        },
    });
    if !flaw.no_purge_protection {
        props["enablePurgeProtection"] = json!(true);
    }
    if flaw.access_policies {
        props["accessPolicies"] = json!([{
            "tenantId": TENANT,
            "objectId": ADMIN_GROUP,
            "permissions": { "secrets": ["get", "list"] },
        }]);
    }
    let tags = json!({ "kvinit-app": name, "kvinit-env": "prod", "kvinit-region": "westeurope" });
    arm.put(
        &id,
        "2026-02-01",
        json!({ "location": "westeurope", "tags": tags, "properties": props }),
    )
    .await;
    if flaw.admin_service_principal {
        let ra = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, id.as_bytes());
        arm.put(
            &format!("{id}/providers/Microsoft.Authorization/roleAssignments/{ra}"),
            "2022-04-01",
            json!({ "properties": {
                "roleDefinitionId": format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{KV_ADMINISTRATOR}"),
                "principalId": APP_SP,
                "principalType": "ServicePrincipal",
            } }),
        )
        .await;
    }
    if flaw.unwatched {
        return id;
    }
    arm.put(
        &format!("{id}/providers/Microsoft.Insights/diagnosticSettings/audit-logs"),
        "2021-05-01-preview",
        json!({ "properties": {
            "workspaceId": workspace(sub),
            "logs": [{ "categoryGroup": "audit", "enabled": true }],
            "metrics": [{ "category": "AllMetrics", "enabled": true }],
        } }),
    )
    .await;
    let ag = format!("{rg_id}/providers/Microsoft.Insights/actionGroups/ag-seeded");
    arm.put(
        &ag,
        "2021-09-01",
        json!({ "location": "Global", "properties": {
            "groupShortName": "seeded",
            "enabled": true,
            "emailReceivers": [{ "name": "ops", "emailAddress": "ops@example.com", "useCommonAlertSchema": true }],
        } }),
    )
    .await;
    for (metric, operator, threshold) in [
        ("Availability", "LessThan", 90),
        ("SaturationShoebox", "GreaterThan", 75),
        ("ServiceApiLatency", "GreaterThan", 1000),
    ] {
        arm.put(
            &format!("{rg_id}/providers/Microsoft.Insights/metricAlerts/{name}-{metric}"),
            "2018-03-01",
            json!({ "location": "global", "properties": {
                "description": format!("{metric} of {name}"),
                "severity": 1,
                "enabled": true,
                "scopes": [id],
                "evaluationFrequency": "PT5M",
                "windowSize": "PT5M",
                "criteria": {
                    "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    "allOf": [{
                        "criterionType": "StaticThresholdCriterion",
                        "name": metric,
                        "metricName": metric,
                        "metricNamespace": "Microsoft.KeyVault/vaults",
                        "operator": operator,
                        "threshold": threshold,
                        "timeAggregation": "Average",
                    }],
                },
                "autoMitigate": true,
                "actions": [{ "actionGroupId": ag }],
            } }),
        )
        .await;
    }
    arm.put(
        &format!("{rg_id}/providers/Microsoft.Insights/activityLogAlerts/{name}-deleted"),
        "2026-01-01",
        json!({ "location": "Global", "properties": {
            "scopes": [format!("/subscriptions/{sub}")],
            "condition": { "allOf": [
                { "field": "category", "equals": "Administrative" },
                { "field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete" },
                { "field": "resourceId", "equals": id },
            ] },
            "actions": { "actionGroups": [{ "actionGroupId": ag }] },
            "enabled": true,
        } }),
    )
    .await;
    id
}

struct Seeded {
    dir: PathBuf,
    state: PathBuf,
    compliant: Vec<String>,
    policies: String,
    public: String,
    open_ip: String,
    purge: String,
    unwatched: String,
    low: String,
    medium: String,
}

/// Runs the real binary: `kvinit apply --yes -o json -f PLAN --emulator=STATE`, which must
/// converge every vault (exit 0); `what` names the run in the failure message.
fn apply_on(state: &Path, plan: &Path, what: &str) {
    let out = kvinit()
        .args(["apply", "--yes", "-o", "json", "-f"])
        .arg(plan)
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the emulator state once for every test of this file.
fn seeded() -> &'static Seeded {
    static SEEDED: OnceLock<Seeded> = OnceLock::new();
    SEEDED.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit_emulator");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let state = dir.join("state.json");
        // Five compliant vaults, by kvinit itself.
        let plan = dir.join("compliant.yaml");
        std::fs::write(&plan, plan_yaml(&COMPLIANT_APPS)).unwrap();
        apply_on(&state, &plan, "apply");
        // The non-compliant vaults, through the emulator's ARM API.
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let emu = kvinit_emulator::start(EmulatorConfig {
                state_path: Some(state.clone()),
                ..EmulatorConfig::default()
            })
            .await
            .expect("emulator starts");
            let arm = Arm::connect(emu.base_url(), emu.ca_certificate_pem(), TENANT).await;
            for sub in [SUB, SUB_LOW, SUB_MEDIUM] {
                arm.put(
                    &rg_id(sub, BAD_RG),
                    "2021-04-01",
                    json!({ "location": "westeurope" }),
                )
                .await;
            }
            let seed = |sub, name, flaw| seed_vault(&arm, sub, BAD_RG, name, flaw);
            let s = Seeded {
                policies: seed(
                    SUB,
                    "kv-bad-policies",
                    Flaw {
                        access_policies: true,
                        ..Flaw::default()
                    },
                )
                .await,
                public: seed(
                    SUB,
                    "kv-bad-public",
                    Flaw {
                        default_allow: true,
                        ..Flaw::default()
                    },
                )
                .await,
                open_ip: seed(
                    SUB,
                    "kv-bad-openip",
                    Flaw {
                        ip_rule: Some("0.0.0.0/0"),
                        ..Flaw::default()
                    },
                )
                .await,
                purge: seed(
                    SUB,
                    "kv-bad-purge",
                    Flaw {
                        no_purge_protection: true,
                        retention_days: Some(7),
                        ..Flaw::default()
                    },
                )
                .await,
                unwatched: seed(
                    SUB,
                    "kv-bad-unwatched",
                    Flaw {
                        unwatched: true,
                        admin_service_principal: true,
                        ..Flaw::default()
                    },
                )
                .await,
                low: seed(
                    SUB_LOW,
                    "kv-low-retention",
                    Flaw {
                        retention_days: Some(14),
                        ..Flaw::default()
                    },
                )
                .await,
                medium: seed(
                    SUB_MEDIUM,
                    "kv-medium-wide",
                    Flaw {
                        ip_rule: Some("198.18.0.0/15"),
                        ..Flaw::default()
                    },
                )
                .await,
                compliant: COMPLIANT_APPS
                    .iter()
                    .map(|a| {
                        vault_id(
                            SUB,
                            &format!("rg-{a}-prod-weu"),
                            &format!("kv-{a}-prod-weu"),
                        )
                    })
                    .collect(),
                dir: dir.clone(),
                state: state.clone(),
            };
            emu.shutdown().await.expect("emulator saves its state");
            s
        })
    })
}

/// Runs the real binary: `kvinit audit ARGS --emulator=STATE`; (stdout, stderr, exit code).
fn audit(args: &[&str]) -> (String, String, i32) {
    audit_on(&seeded().state, args)
}

fn audit_on(state: &Path, args: &[&str]) -> (String, String, i32) {
    let out = kvinit()
        .arg("audit")
        .args(args)
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn json_audit(args: &[&str]) -> (Value, i32) {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let (stdout, stderr, code) = audit(&all);
    let v = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}); stderr:\n{stderr}"));
    (v, code)
}

#[test]
fn json_reports_exactly_the_findings_of_the_five_non_compliant_vaults() {
    let s = seeded();
    let (report, code) = json_audit(&["--subscription", SUB]);
    assert_eq!(code, 0, "no --fail-on: findings do not fail the run");
    let mut got: Vec<(String, String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            (
                text("vaultId"),
                text("rule"),
                text("severity"),
                text("found"),
            )
        })
        .collect();
    got.sort();
    let e = |v: &String, rule: &str, sev: &str, found: &str| {
        (
            v.clone(),
            rule.to_string(),
            sev.to_string(),
            found.to_string(),
        )
    };
    let mut expected = vec![
        e(
            &s.policies,
            "KV-RBAC",
            "high",
            "enableRbacAuthorization is not true (access policies in use)",
        ),
        e(
            &s.public,
            "KV-FW",
            "high",
            "networkAcls.defaultAction is Allow; every network can reach the vault",
        ),
        e(
            &s.open_ip,
            "KV-FW",
            "high",
            "an IP rule allows the whole internet (/0)",
        ),
        e(
            &s.open_ip,
            "KV-IPWIDE",
            "medium",
            "IP rule `0.0.0.0/0` is open to all IPv4 addresses",
        ),
        e(
            &s.purge,
            "KV-PP",
            "high",
            "purge protection is off; a deleted vault can be purged before its retention ends",
        ),
        e(
            &s.purge,
            "KV-RETAIN",
            "low",
            "soft-delete retention of 7 days is below the profile's minimum of 30",
        ),
        e(
            &s.unwatched,
            "KV-LOG",
            "high",
            "no diagnostic setting sends logs to a Log Analytics workspace",
        ),
        e(
            &s.unwatched,
            "KV-ALERT",
            "medium",
            "no alert on Availability, SaturationShoebox, ServiceApiLatency, vault deletion",
        ),
        e(
            &s.unwatched,
            "KV-PRIV",
            "high",
            &format!(
                "role assignment(s) at vault scope grant Key Vault Administrator to service principal `{APP_SP}`"
            ),
        ),
    ];
    expected.sort();
    assert_eq!(got, expected);

    // Every finding says what compliant looks like, the fix, and where the rule is documented.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in report["findings"].as_array().unwrap() {
        assert!(!f["compliant"].as_str().unwrap().is_empty(), "{f}");
        assert!(
            f["fix"].as_str().unwrap().contains("kvinit")
                || f["fix"].as_str().unwrap().contains('`'),
            "{f}"
        );
        let docs = f["docs"].as_str().unwrap();
        assert_eq!(
            docs,
            format!("docs/rules/{}.md", f["rule"].as_str().unwrap())
        );
        assert!(root.join(docs).is_file(), "{docs} exists");
    }

    // Exactly the ten vaults of the subscription; the five compliant ones have no finding.
    let mut vaults: Vec<(String, u64)> = report["vaults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    vaults.sort();
    let mut expected_vaults: Vec<(String, u64)> =
        s.compliant.iter().map(|v| (v.clone(), 0)).collect();
    expected_vaults.extend([
        (s.policies.clone(), 1),
        (s.public.clone(), 1),
        (s.open_ip.clone(), 2),
        (s.purge.clone(), 2),
        (s.unwatched.clone(), 3),
    ]);
    expected_vaults.sort();
    assert_eq!(vaults, expected_vaults);
    assert_eq!(report["summary"]["vaults"], 10);
    assert_eq!(report["summary"]["compliantVaults"], 5);
    assert_eq!(report["summary"]["findings"], 9);
    assert_eq!(report["summary"]["high"], 6);
    assert_eq!(report["summary"]["medium"], 2);
    assert_eq!(report["summary"]["low"], 1);
    // Reads only.
    assert_eq!(report["requests"]["writes"], 0);
    assert!(report["requests"]["reads"].as_u64().unwrap() > 0);
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_one_rule_per_rule_id() {
    let s = seeded();
    let (stdout, stderr, code) = audit(&["--subscription", SUB, "-o", "sarif"]);
    assert_eq!(code, 0, "{stderr}");
    let sarif: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
    // The official OASIS schema, vendored verbatim from oasis-tcs/sarif-spec
    // `Schemata/sarif-schema-2.1.0.json` (commit 0a8091f7d4057e57b6d8d9b56129e5f918747b34,
    // 112,768 bytes; its `id` is the errata01 URL).
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");
    // The validator has teeth: a wrong version, a relative helpUri and an unknown level fail.
    for (pointer, bad) in [
        ("/version", json!("2.0.0")),
        (
            "/runs/0/tool/driver/rules/0/helpUri",
            json!("docs/rules/KV-SEP.md"),
        ),
        ("/runs/0/results/0/level", json!("critical")),
    ] {
        let mut broken = sarif.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(!validator.is_valid(&broken), "{pointer} must be checked");
    }

    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .unwrap()
            .ends_with("sarif-schema-2.1.0.json")
    );
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "KV-SEP",
            "KV-RBAC",
            "KV-FW",
            "KV-VNET",
            "KV-SD",
            "KV-PP",
            "KV-LOG",
            "KV-ALERT",
            "KV-IPWIDE",
            "KV-PRIV",
            "KV-RETAIN"
        ]
    );
    for r in rules {
        let id = r["id"].as_str().unwrap();
        for key in ["name", "shortDescription", "fullDescription", "helpUri"] {
            assert!(!r[key].is_null(), "{id} has {key}");
        }
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/rules/{id}.md"))
        );
        // The page in the repository Cargo.toml names, and the command that prints it offline.
        assert_eq!(
            r["helpUri"],
            format!(
                "{}/blob/main/docs/rules/{id}.md",
                env!("CARGO_PKG_REPOSITORY")
            )
        );
        assert!(
            r["help"]["text"]
                .as_str()
                .unwrap()
                .ends_with(&format!("Details: `kvinit rules {id}`")),
            "{id}"
        );
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    let levels = |v: &String| -> Vec<(String, String)> {
        let mut l: Vec<(String, String)> = results
            .iter()
            .filter(|r| {
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == v.as_str()
            })
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["level"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        l.sort();
        l
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(levels(&s.policies), [pair("KV-RBAC", "error")]);
    assert_eq!(
        levels(&s.open_ip),
        [pair("KV-FW", "error"), pair("KV-IPWIDE", "warning")]
    );
    assert_eq!(
        levels(&s.purge),
        [pair("KV-PP", "error"), pair("KV-RETAIN", "note")]
    );
    for c in &s.compliant {
        assert!(levels(c).is_empty(), "{c} is compliant");
    }
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let message = r["message"]["text"].as_str().unwrap();
        assert!(
            message.ends_with(&format!(
                "Details: `kvinit rules {}`",
                r["ruleId"].as_str().unwrap()
            )),
            "{message}"
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(
            format!("/{uri}"),
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
        );
    }
}

#[test]
fn yaml_is_the_json_report_as_yaml() {
    seeded();
    let (yaml, stderr, code) = audit(&["--subscription", SUB, "-o", "yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let mut from_yaml: Value = serde_yaml::from_str(&yaml).expect("stdout is YAML");
    let (mut from_json, _) = json_audit(&["--subscription", SUB]);
    // The request counts of two runs may differ in retries; everything else is the same report.
    for report in [&mut from_yaml, &mut from_json] {
        assert!(report["requests"]["reads"].as_u64().unwrap() > 0);
        report.as_object_mut().unwrap().remove("requests");
    }
    assert_eq!(from_yaml, from_json);
    assert_eq!(from_yaml["summary"]["findings"], 9);
}

/// Like `plan` and `apply`, `audit` without `-f` or `--subscription` reads `kvinit.yaml` in the
/// current directory and audits its vaults.
#[test]
fn without_f_or_subscription_it_audits_kvinit_yaml_here() {
    let s = seeded();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kvinit.yaml"), plan_yaml(&COMPLIANT_APPS)).unwrap();
    let out = kvinit()
        .current_dir(dir.path())
        .args(["audit", "-o", "json", "--fail-on", "low"])
        .arg(format!("--emulator={}", s.state.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<&str> = report["vaults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected: Vec<&str> = s.compliant.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(report["summary"]["findings"], 0);
}

#[test]
fn exit_code_follows_fail_on() {
    let s = seeded();
    // SUB has high findings; SUB_MEDIUM's worst is medium; SUB_LOW's worst is low.
    let cases = [
        (SUB, None, 0),
        (SUB, Some("high"), 4),
        (SUB, Some("medium"), 4),
        (SUB, Some("low"), 4),
        (SUB_MEDIUM, Some("high"), 0),
        (SUB_MEDIUM, Some("medium"), 4),
        (SUB_MEDIUM, Some("low"), 4),
        (SUB_LOW, Some("high"), 0),
        (SUB_LOW, Some("medium"), 0),
        (SUB_LOW, Some("low"), 4),
    ];
    for (sub, fail_on, expected) in cases {
        let mut args = vec!["--subscription", sub];
        if let Some(level) = fail_on {
            args.extend(["--fail-on", level]);
        }
        let (report, code) = json_audit(&args);
        assert_eq!(code, expected, "audit {args:?}: {report}");
    }
    let (low, _) = json_audit(&["--subscription", SUB_LOW]);
    assert_eq!(low["findings"][0]["rule"], "KV-RETAIN");
    assert_eq!(low["findings"][0]["vaultId"], s.low.as_str());
    assert_eq!(low["findings"].as_array().unwrap().len(), 1);
    let (medium, _) = json_audit(&["--subscription", SUB_MEDIUM]);
    assert_eq!(medium["findings"][0]["rule"], "KV-IPWIDE");
    assert_eq!(
        medium["findings"][0]["found"],
        "IP rule(s) `198.18.0.0/15` wider than a /16"
    );
    assert_eq!(medium["findings"][0]["vaultId"], s.medium.as_str());
    assert_eq!(medium["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn plan_mode_audits_the_plans_vaults_and_names_the_missing_ones() {
    let s = seeded();
    let plan = s.dir.join("plus-one.yaml");
    let mut apps = COMPLIANT_APPS.to_vec();
    apps.push("foxtrot");
    std::fs::write(&plan, plan_yaml(&apps)).unwrap();
    let (report, code) = json_audit(&["-f", plan.to_str().unwrap(), "--fail-on", "low"]);
    // A planned vault that does not exist is a high finding (KV-SEP): exit 4.
    assert_eq!(code, 4, "{report}");
    let mut ids: Vec<&str> = report["vaults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected: Vec<&str> = s.compliant.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(ids, expected);
    let missing = vault_id(SUB, "rg-foxtrot-prod-weu", "kv-foxtrot-prod-weu");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["rule"], "KV-SEP");
    assert_eq!(findings[0]["severity"], "high");
    assert_eq!(findings[0]["vaultId"], missing.as_str());
    assert_eq!(
        findings[0]["found"],
        "not found: the plan names this vault but it does not exist"
    );
    assert_eq!(report["notFound"], json!([missing]));
}

#[test]
fn table_groups_findings_by_vault() {
    let s = seeded();
    let (stdout, stderr, code) = audit(&["--subscription", SUB, "--fail-on", "high"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stdout
            .starts_with("Audited 10 vaults: 5 compliant, 9 findings (6 high, 2 medium, 1 low)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "✗ {}\n  HIGH    KV-RBAC    enableRbacAuthorization is not true",
            s.policies
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("✓ {}\n", s.compliant[0])),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\n6 findings at or above --fail-on high\n"),
        "{stdout}"
    );
}

#[test]
fn bad_input_exits_2_before_any_request() {
    // A state path in a folder that does not exist: bad input stops before the emulator
    // (which would create it) starts.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit_bad_input");
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state.json");
    let audit = |args: &[&str]| audit_on(&state, args);
    let (_, stderr, code) = audit(&[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("needs vaults to audit"), "{stderr}");
    let (_, stderr, code) = audit(&["--subscription", "not-a-guid"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`not-a-guid` is not a subscription ID"),
        "{stderr}"
    );
    let (_, stderr, code) = audit(&["-f", "/nonexistent/plan.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the plan file"), "{stderr}");
    assert!(!dir.exists(), "no emulator was started");
}

#[test]
fn arm_failure_exits_1_with_a_clear_error() {
    let out = kvinit()
        .args([
            "audit",
            "--subscription",
            SUB,
            "--arm-endpoint",
            "https://127.0.0.1:9",
            "--authority-host",
            "https://127.0.0.1:9",
        ])
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("AZURE_TENANT_ID")
        .env_remove("AZURE_CLIENT_SECRET")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: reading the vaults failed: "),
        "{stderr}"
    );
}

#[test]
fn table_and_json_output_snapshots() {
    let (table, stderr, code) = audit(&["--subscription", SUB, "--fail-on", "medium"]);
    assert_eq!(code, 4, "{stderr}");
    insta::assert_snapshot!("audit_table", table);
    // `requests` depends on which lists ARM offers; the request counts are asserted above.
    let (mut report, _) = json_audit(&["--subscription", SUB]);
    report.as_object_mut().unwrap().remove("requests");
    insta::assert_json_snapshot!("audit_json", report);
}

/// What `kvinit apply` makes passes `kvinit audit`: for every example plan, apply it on a fresh
/// emulator state, then audit the plan's vaults with `--fail-on low`.
#[test]
fn every_example_applied_by_kvinit_passes_the_audit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    examples.sort();
    assert!(!examples.is_empty());
    for plan in examples {
        let name = plan.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("audit_example_{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        let state = dir.join("state.json");
        apply_on(&state, &plan, &format!("apply {name}"));
        let (stdout, stderr, code) = audit_on(
            &state,
            &[
                "-f",
                plan.to_str().unwrap(),
                "--fail-on",
                "low",
                "-o",
                "json",
            ],
        );
        assert_eq!(code, 0, "audit {name}: {stdout}{stderr}");
        let report: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(report["findings"], json!([]), "{name}");
        assert_eq!(report["notFound"], json!([]), "{name}");
        assert!(report["summary"]["vaults"].as_u64().unwrap() > 0, "{name}");
    }
}
