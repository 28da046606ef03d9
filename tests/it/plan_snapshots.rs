//! Snapshot tests of `kvinit plan` for every example (table and JSON), running the real binary.
//! Also checks the done-criteria on the JSON contract: 18 valid vaults for contoso,
//! each with all eight plan rules — and the three profile-threshold rules `audit` adds
//! (KV-IPWIDE, KV-PRIV, KV-RETAIN) — passing, so an applied plan audits clean.

use crate::support;

use serde_json::Value;
use support::bin::{assert_exit, kvinit};

fn plan(file: &str, output: &str) -> String {
    let out = kvinit()
        .args(["plan", "-f", file, "-o", output])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn minimal_table() {
    insta::assert_snapshot!(plan("examples/minimal.yaml", "table"));
}

#[test]
fn minimal_json() {
    insta::assert_snapshot!(plan("examples/minimal.yaml", "json"));
}

#[test]
fn contoso_table() {
    insta::assert_snapshot!(plan("examples/contoso.yaml", "table"));
}

#[test]
fn contoso_json() {
    insta::assert_snapshot!(plan("examples/contoso.yaml", "json"));
}

/// The starter plan (`kvinit init --defaults`) holds all-zero placeholder GUIDs: `plan` must
/// refuse it (exit 2, nothing on stdout) and list every placeholder to replace.
#[test]
fn starter_template_lists_its_placeholders() {
    let out = kvinit()
        .args(["plan", "-f", "templates/starter.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(String::from_utf8(out.stderr).unwrap());
}

/// With its placeholders replaced, the starter plan plans cleanly.
#[test]
fn starter_template_plans_cleanly_once_placeholders_are_replaced() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/starter.yaml"),
    )
    .unwrap()
    .replacen(
        "00000000-0000-0000-0000-000000000000",
        "72f988bf-86f1-41af-91ab-2d7cd011db47",
        1,
    )
    .replace(
        "00000000-0000-0000-0000-000000000000",
        "2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kvinit.yaml");
    std::fs::write(&file, text).unwrap();
    let out = kvinit()
        .args(["plan", "-o", "json", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["vaults"].as_array().unwrap().len(), 2);
}

/// `plan` evaluates the audit's profile-threshold rules too: a /8 IP rule (public, so valid)
/// fails KV-IPWIDE in the plan, exactly as `audit` would report it after an apply.
#[test]
fn a_wide_ip_rule_fails_kv_ipwide_in_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.yaml");
    std::fs::write(
        &file,
        "apiVersion: kvinit/v1
tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
regions: [westeurope]
environments: [{ name: prod, subscriptionId: 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e }]
apps: [{ name: payments }]
defaults:
  softDeleteRetentionDays: 7
  network: { ipRules: [1.0.0.0/8, 203.0.113.0/24] }
  roleAssignments:
    - { principalId: 3c7e1d5a-0b4f-4e0a-9c1d-2b3a4c5d6e7f, principalType: ServicePrincipal, role: Key Vault Administrator }
",
    )
    .unwrap();
    let out = kvinit()
        .args(["plan", "-o", "json", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let compliance = v["vaults"][0]["compliance"].as_array().unwrap();
    let status = |rule: &str| {
        compliance
            .iter()
            .find(|c| c["rule"] == rule)
            .map(|c| (c["status"].as_str().unwrap(), c["detail"].as_str().unwrap()))
            .unwrap()
    };
    assert_eq!(
        status("KV-IPWIDE"),
        ("fail", "IP rule(s) `1.0.0.0/8` wider than a /16")
    );
    assert_eq!(status("KV-FW").0, "pass");
    assert_eq!(status("KV-RETAIN").0, "fail");
    assert_eq!(status("KV-PRIV").0, "fail");
    assert_eq!(status("KV-SD").0, "pass");
}

#[test]
fn yaml_output_is_the_same_value_as_json() {
    let json: Value = serde_json::from_str(&plan("examples/contoso.yaml", "json")).unwrap();
    let yaml: Value = serde_yaml::from_str(&plan("examples/contoso.yaml", "yaml")).unwrap();
    assert_eq!(json, yaml);
}

#[test]
fn contoso_has_18_valid_vaults_each_passing_all_eight_rules() {
    let v: Value = serde_json::from_str(&plan("examples/contoso.yaml", "json")).unwrap();
    let vaults = v["vaults"].as_array().unwrap();
    assert_eq!(vaults.len(), 18);
    for vault in vaults {
        let name = vault["name"].as_str().unwrap();
        assert!(
            kvinit::model::names::check_vault_name(name).is_ok(),
            "{name}"
        );
        for key in [
            "app",
            "environment",
            "region",
            "location",
            "subscriptionId",
            "resourceGroup",
        ] {
            assert!(vault[key].is_string(), "{name}: {key}");
        }
        let rules: Vec<(&str, &str)> = vault["compliance"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["rule"].as_str().unwrap(), c["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            rules,
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
            .map(|r| (r, "pass")),
            "{name}"
        );
        for r in vault["resources"].as_array().unwrap() {
            assert!(
                r["type"].is_string() && r["id"].is_string() && r["apiVersion"].is_string(),
                "{name}"
            );
        }
        // Prod is stricter: no IP rules, VNet rules, 90-day retention.
        let props = &vault["resources"][1]["properties"];
        if vault["environment"] == "prod" {
            assert_eq!(
                props["networkAcls"]["ipRules"],
                serde_json::json!([]),
                "{name}"
            );
            assert_eq!(
                props["networkAcls"]["virtualNetworkRules"]
                    .as_array()
                    .unwrap()
                    .len(),
                1,
                "{name}"
            );
            assert_eq!(props["softDeleteRetentionInDays"], 90, "{name}");
        }
    }
    // One action group per environment (three subscriptions).
    let mut groups: Vec<&str> = vaults
        .iter()
        .flat_map(|v| v["resources"].as_array().unwrap())
        .filter(|r| r["type"] == "Microsoft.Insights/actionGroups")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    groups.sort();
    groups.dedup();
    assert_eq!(groups.len(), 3, "{groups:?}");
}
