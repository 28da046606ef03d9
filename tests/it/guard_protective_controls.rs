//! Issue 11, item 2: one rule for every protective control. A plan weaker than live — logs or
//! metrics dropped from the diagnostic setting, an IP rule widened, public access enabled — is
//! shown in the live plan as "kept: live value is stricter" and not sent, unless
//! `--allow-weaken FIELD` names it. Over real HTTP against the embedded emulator.

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

const DS_API: &str = "2021-05-01-preview";

fn ds_id() -> String {
    format!(
        "{}/providers/Microsoft.Insights/diagnosticSettings/kvinit",
        vault_id()
    )
}

fn entry<'a>(plan: &'a Value, kind: &str) -> &'a Value {
    resources(plan)
        .into_iter()
        .find(|r| r["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {plan:#}"))
}

fn notes(r: &Value) -> Vec<String> {
    r["notReconcilable"]
        .as_array()
        .map(|a| a.iter().map(|n| n.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn ds_with(logs: &str, metrics: bool) -> String {
    plan_yaml("    ipRules: [203.0.113.4]\n", "").replace(
        "    workspaceId:",
        &format!("    logs: {logs}\n    metrics: {metrics}\n    workspaceId:"),
    )
}

#[test]
fn removing_logging_from_the_plan_keeps_the_live_diagnostic_setting() {
    let d = Drift::new(&ds_with("[AuditEvent]", true));
    d.apply();
    d.out_of_band(|arm| async move {
        let ds = arm.get(&ds_id(), DS_API).await;
        assert_eq!(
            ds["properties"]["logs"][0]["category"], "AuditEvent",
            "{ds:#}"
        );
    });
    // The plan drops the audit log and the metrics, and widens the firewall.
    std::fs::write(
        &d.plan,
        ds_with("[AzurePolicyEvaluationDetails]", false)
            .replace("ipRules: [203.0.113.4]", "ipRules: [203.0.113.0/24]"),
    )
    .unwrap();
    let (plan, _) = d.plan_with(&[]);
    let ds = entry(&plan, "Microsoft.Insights/diagnosticSettings");
    let n = notes(ds);
    assert!(
        n.iter().any(|n| n.starts_with(
            "kept: live value is stricter than the plan (diagnostics.logs: the plan drops AuditEvent"
        )),
        "{ds:#}"
    );
    assert!(
        n.iter()
            .any(|n| n.contains("(diagnostics.metrics: the plan drops AllMetrics")),
        "{ds:#}"
    );
    let vault = vault_entry(&plan);
    assert!(
        notes(vault)
            .iter()
            .any(|n| n.contains("networkAcls.ipRules: the plan adds 203.0.113.0/24")),
        "{vault:#}"
    );
    assert_eq!(
        vault["action"], "noChange",
        "the widened rule is not a change: {vault:#}"
    );
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 0, "{report:#}");
    d.out_of_band(|arm| async move {
        let ds = arm.get(&ds_id(), DS_API).await;
        let logs: Vec<&str> = ds["properties"]["logs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["enabled"] == true)
            .map(|l| l["category"].as_str().unwrap())
            .collect();
        assert_eq!(
            logs,
            ["AzurePolicyEvaluationDetails", "AuditEvent"],
            "{ds:#}"
        );
        assert_eq!(
            ds["properties"]["metrics"][0]["category"], "AllMetrics",
            "{ds:#}"
        );
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(
            v["properties"]["networkAcls"]["ipRules"],
            json!([{ "value": "203.0.113.4/32" }]),
            "{v:#}"
        );
    });

    // Named in --allow-weaken: the plan's weaker value is shown as a change and sent.
    let (plan, code) = d.plan_with(&["--allow-weaken", "diagnostics.logs,networkAcls.ipRules"]);
    assert_eq!(code, 3, "{plan:#}");
    let ds = entry(&plan, "Microsoft.Insights/diagnosticSettings");
    assert_eq!(ds["action"], "update", "{ds:#}");
    let (report, code) = d.apply_with(&[
        "--allow-weaken",
        "diagnostics.logs",
        "--allow-weaken",
        "networkAcls.ipRules",
    ]);
    assert_eq!(code, 0, "{report:#}");
    d.out_of_band(|arm| async move {
        let ds = arm.get(&ds_id(), DS_API).await;
        assert_eq!(
            ds["properties"]["logs"].as_array().unwrap().len(),
            1,
            "{ds:#}"
        );
        assert_eq!(
            ds["properties"]["metrics"][0]["category"], "AllMetrics",
            "not named: {ds:#}"
        );
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(
            v["properties"]["networkAcls"]["ipRules"][0]["value"],
            "203.0.113.0/24"
        );
    });
}

#[test]
fn an_unknown_or_irreversible_allow_weaken_name_is_bad_input_before_any_request() {
    let d = Drift::new(&plan_yaml("", ""));
    for name in ["enablePurgeProtection", "firewall"] {
        let out = d.kvinit(&["plan", "-f", "kvinit.yaml", "--allow-weaken", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("accepted names: publicNetworkAccess"), "{err}");
        assert!(!d.state.exists(), "no emulator state: nothing was read");
    }
}
