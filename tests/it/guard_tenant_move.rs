//! A plan that moves an existing vault to another tenant is blocked: in Azure a tenant change
//! cuts off every principal that has access today. Over real HTTP on the emulator
//! (`--emulator=STATE`): `plan` shows the vault blocked with the reason and the fix and counts it
//! as pending; `apply` sends nothing, fails that vault (exit 1), and the vault keeps its tenant.

use crate::support;

use serde_json::json;
use support::drift::*;

const OTHER_TENANT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

#[test]
fn a_tenant_move_is_blocked_not_sent_and_fails_the_vault() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    let moved = plan_yaml("    ipRules: [203.0.113.0/24]\n", "").replace(
        &format!("tenantId: {TENANT}"),
        &format!("tenantId: {OTHER_TENANT}"),
    );
    std::fs::write(&d.plan, moved).unwrap();
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "the plan cannot be met: pending: {plan:#}");
    let vault = vault_entry(&plan);
    assert_eq!(vault["action"], "blocked", "{vault:#}");
    assert_eq!(vault["changes"], json!([]), "{vault:#}");
    let blocked = vault["blocked"].as_array().expect("a reason");
    assert_eq!(blocked.len(), 1, "{vault:#}");
    let reason = blocked[0].as_str().unwrap();
    assert!(
        reason.starts_with(&format!(
            "tenantId cannot change on an existing vault (live {TENANT}, plan {OTHER_TENANT})"
        )),
        "{reason}"
    );
    assert!(reason.contains("cuts off every principal"), "{reason}");
    assert!(
        reason.contains(&format!(
            "az keyvault update --name {VAULT} --resource-group {RG} --set \
             properties.tenantId={OTHER_TENANT}"
        )),
        "{reason}"
    );
    assert!(reason.contains("or use a new vault name"), "{reason}");

    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 1, "an error for that vault: {report:#}");
    assert_eq!(report["vaults"][0]["status"], "failed", "{report:#}");
    assert_eq!(report["vaults"][0]["error"]["code"], "ChangeBlocked");
    assert_eq!(report["requests"]["writes"], 0, "nothing sent: {report:#}");
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(v["properties"]["tenantId"], TENANT, "{v:#}");
    });
}
