//! Snapshot tests of `kvinit plan` for every example (table and JSON), running the real binary.
//! Also checks the done-criteria on the JSON contract: 18 valid vaults for contoso,
//! each with all eight rules passing.

use assert_cmd::Command;
use serde_json::Value;

fn plan(file: &str, output: &str) -> String {
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["plan", "-f", file, "-o", output])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

#[test]
fn starter_template_plans_cleanly() {
    insta::assert_snapshot!(plan("templates/starter.yaml", "table"));
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
                "KV-SEP", "KV-RBAC", "KV-FW", "KV-VNET", "KV-SD", "KV-PP", "KV-LOG", "KV-ALERT"
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
