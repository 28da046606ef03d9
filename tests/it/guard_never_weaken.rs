//! kvinit never weakens an existing vault. Each case: apply on the emulator (`--emulator=STATE`,
//! real credential flow); someone hardens the vault out of band through the emulator's ARM API
//! (token from its token endpoint), or the plan asks for something weaker than live; then a live
//! `plan` keeps the stricter live value with a note — not a pending change, so
//! `plan --detailed-exitcode` exits 0 — and `apply` sends nothing for it, run after run; an update
//! for something else carries the stricter value over (read-modify-write).

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

const PUBLIC_KEPT: &str = "kept: live value is stricter than the plan (publicNetworkAccess \
                           Disabled; plan: Enabled) — change it by hand if intended";
const BYPASS_KEPT: &str = "kept: live value is stricter than the plan (networkAcls.bypass None; \
                           plan: AzureServices) — change it by hand if intended";

fn notes(plan: &Value) -> Vec<String> {
    vault_entry(plan)["notReconcilable"]
        .as_array()
        .map(|a| a.iter().map(|n| n.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn vault_report(report: &Value) -> &Value {
    &report["vaults"][0]
}

#[test]
fn a_vault_hardened_out_of_band_stays_hardened_and_the_plan_stays_quiet() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.assert_no_changes();
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(v["properties"]["publicNetworkAccess"], "Enabled", "{v:#}");
        assert_eq!(v["properties"]["networkAcls"]["bypass"], "AzureServices");
        arm.edit_vault(|v| {
            v["properties"]["publicNetworkAccess"] = json!("Disabled");
            v["properties"]["networkAcls"]["bypass"] = json!("None");
        })
        .await;
    });
    for run in 0..2 {
        let (plan, code) = d.plan_with(&[]);
        assert_eq!(code, 0, "run {run}: kept values are not pending: {plan:#}");
        assert_eq!(plan["summary"]["pending"], 0);
        let vault = vault_entry(&plan);
        assert_eq!(vault["action"], "noChange", "{vault:#}");
        assert_eq!(vault["changes"], json!([]));
        assert_eq!(notes(&plan), [PUBLIC_KEPT, BYPASS_KEPT], "{vault:#}");
        let (report, code) = d.apply_with(&[]);
        assert_eq!(code, 0, "run {run}: {report:#}");
        assert_eq!(report["requests"]["writes"], 0, "nothing sent: {report:#}");
        assert_eq!(vault_report(&report)["status"], "unchanged", "{report:#}");
    }
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains(&format!("note: {PUBLIC_KEPT}")), "{table}");
    assert!(
        table.contains("No changes: live state matches the plan."),
        "{table}"
    );

    // Another team opens the firewall: kvinit closes it again, and its update keeps the
    // stricter values the vault was hardened with.
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["networkAcls"]["ipRules"] =
                json!([{ "value": "203.0.113.0/24" }, { "value": "198.51.100.7/32" }]);
        })
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "{plan:#}");
    let vault = vault_entry(&plan);
    assert_eq!(vault["action"], "update", "{vault:#}");
    let paths: Vec<&str> = vault["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["properties.networkAcls.ipRules"], "{vault:#}");
    assert_eq!(notes(&plan), [PUBLIC_KEPT, BYPASS_KEPT]);
    let report = d.apply();
    assert_eq!(vault_report(&report)["status"], "updated", "{report:#}");
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        let p = &v["properties"];
        assert_eq!(p["publicNetworkAccess"], "Disabled", "{v:#}");
        assert_eq!(p["networkAcls"]["bypass"], "None", "{v:#}");
        assert_eq!(p["networkAcls"]["defaultAction"], "Deny", "{v:#}");
        assert_eq!(
            p["networkAcls"]["ipRules"],
            json!([{ "value": "203.0.113.0/24" }]),
            "{v:#}"
        );
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(notes(&plan), [PUBLIC_KEPT, BYPASS_KEPT]);
}

#[test]
fn a_plan_that_opens_the_firewall_does_not_reopen_a_vault_closed_by_hand() {
    let d = Drift::new(&plan_yaml(
        "    defaultAction: Allow\n    ipRules: [203.0.113.0/24]\n",
        "",
    ));
    d.apply();
    d.assert_no_changes();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| v["properties"]["networkAcls"]["defaultAction"] = json!("Deny"))
            .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(vault_entry(&plan)["action"], "noChange");
    assert_eq!(
        notes(&plan),
        [
            "kept: live value is stricter than the plan (networkAcls.defaultAction Deny; plan: \
          Allow) — change it by hand if intended"
        ]
    );
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(v["properties"]["networkAcls"]["defaultAction"], "Deny");
    });
}

#[test]
fn a_shorter_retention_in_the_plan_keeps_the_set_once_live_retention() {
    let d = Drift::new(&plan_yaml(
        "    ipRules: [203.0.113.0/24]\n",
        "  softDeleteRetentionDays: 90\n",
    ));
    d.apply();
    std::fs::write(
        &d.plan,
        plan_yaml(
            "    ipRules: [203.0.113.0/24]\n",
            "  softDeleteRetentionDays: 30\n",
        ),
    )
    .unwrap();
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 0, "{plan:#}");
    let vault = vault_entry(&plan);
    assert_eq!(vault["action"], "noChange", "{vault:#}");
    let notes = notes(&plan);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(
            "properties.softDeleteRetentionInDays: not reconcilable — kept: live value is \
             stricter than the plan (softDeleteRetentionInDays 90; plan: 30)"
        ),
        "{}",
        notes[0]
    );
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
}
