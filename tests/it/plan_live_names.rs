//! The vault-name outcome a live `plan` shows for a vault it would create (reliability issue):
//! free; held by a soft-deleted vault in the same subscription → blocked with
//! `onSoftDeleted: fail`, created by recovery with `recover`; taken by a vault in another
//! subscription → blocked with the fix. The holders are made through the emulator's ARM API.

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

const OTHER_SUB: &str = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

async fn make_vault(arm: &Arm, sub: &str, rg: &str) -> String {
    arm.put(
        &format!("/subscriptions/{sub}/resourceGroups/{rg}"),
        "2021-04-01",
        json!({ "location": "westeurope" }),
    )
    .await;
    let id = format!(
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{VAULT}"
    );
    arm.put(
        &id,
        VAULT_API,
        json!({ "location": "westeurope", "properties": { "tenantId": TENANT,
            "sku": { "family": "A", "name": "standard" }, "enableRbacAuthorization": true,
            "softDeleteRetentionInDays": 90 } }),
    )
    .await;
    id
}

fn blocked_vault(plan: &Value) -> String {
    let vault = vault_entry(plan);
    assert_eq!(vault["action"], "blocked", "{vault:#}");
    for r in resources(plan) {
        let inside = r["id"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase()
            .starts_with(&format!("{}/", vault_id().to_ascii_lowercase()));
        if inside {
            assert_eq!(r["action"], "blocked", "needs the vault: {r:#}");
        }
    }
    vault["blocked"][0].as_str().unwrap().to_string()
}

#[test]
fn a_name_held_by_a_soft_deleted_vault_here_is_blocked_or_recovered() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.out_of_band(|arm| async move {
        let id = make_vault(&arm, SUB, RG).await;
        arm.delete(&id, VAULT_API).await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "{plan:#}");
    let check = &plan["vaults"][0]["nameCheck"];
    assert_eq!(check["status"], "softDeleted", "{check:#}");
    assert_eq!(check["recover"], false);
    assert_eq!(check["location"], "westeurope");
    assert!(check["scheduledPurgeDate"].is_string(), "{check:#}");
    let reason = blocked_vault(&plan);
    assert!(reason.contains("held by a soft-deleted vault"), "{reason}");
    assert!(reason.contains("onSoftDeleted: recover"), "{reason}");

    std::fs::write(
        &d.plan,
        plan_yaml(
            "    ipRules: [203.0.113.0/24]\n",
            "  onSoftDeleted: recover\n",
        ),
    )
    .unwrap();
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3);
    assert_eq!(plan["vaults"][0]["nameCheck"]["recover"], true);
    assert_eq!(vault_entry(&plan)["action"], "create");
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("name: name held by a soft-deleted vault here → onSoftDeleted: recover"),
        "{table}"
    );
    // Recover, converge, and the plan is clean.
    let report = d.apply();
    assert_eq!(
        report["vaults"][0]["changes"][1]["status"], "recovered",
        "{report:#}"
    );
    d.assert_no_changes();
}

#[test]
fn a_name_taken_in_another_subscription_is_blocked_with_the_fix() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.out_of_band(|arm| async move {
        make_vault(&arm, OTHER_SUB, "rg-someone-else").await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "{plan:#}");
    assert_eq!(plan["vaults"][0]["nameCheck"]["status"], "taken");
    let reason = blocked_vault(&plan);
    assert!(reason.contains("change `naming.vault`"), "{reason}");
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 1);
    assert_eq!(report["vaults"][0]["error"]["code"], "VaultNameTaken");

    // A saved change set with the blocked vault: applied exactly, the vault and what needs it
    // are not attempted.
    let (_, code) = d.plan_with(&["--out", "changes.json"]);
    assert_eq!(code, 3);
    let out = d.kvinit(&["apply", "changes.json", "--yes", "-o", "json"]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let vault = &report["vaults"][0];
    assert_eq!(vault["error"]["code"], "VaultNameTaken", "{report:#}");
    for r in vault["changes"].as_array().unwrap() {
        let inside = r["id"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase()
            .starts_with(&vault_id().to_ascii_lowercase());
        if inside {
            assert!(
                r["status"] == "failed" || r["status"] == "skipped",
                "not attempted: {r:#}"
            );
        }
    }
}
