//! An access-policy vault (switched to access policies out of band, as vaults made by hand
//! are) and an access policy another team adds to it: the live `plan` refuses to switch it to
//! RBAC without `--allow-permission-model-switch` and lists the access policies that would stop
//! applying; the other team's policy is never diffed or dropped; with the flag but without Owner
//! or User Access Administrator for the caller (its token's principal) the switch stays blocked,
//! naming the role; once the caller holds one, `apply` switches the vault and carries every access
//! policy over (read-modify-write); `plan` then shows no changes.

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

fn policy(object_id: &str, secrets: &[&str]) -> Value {
    json!({ "tenantId": TENANT, "objectId": object_id, "permissions": { "secrets": secrets } })
}

const TEAM_A: &str = "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c21";
const TEAM_B: &str = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
/// The principal kvinit runs as on the emulator (its token's `oid`).
const CALLER: &str = kvinit_emulator::DEFAULT_PRINCIPAL_ID;

#[test]
fn another_teams_access_policy_is_kept_and_the_switch_needs_consent() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["enableRbacAuthorization"] = json!(false);
            v["properties"]["accessPolicies"] = json!([policy(TEAM_A, &["get", "list"])]);
        })
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "a blocked change is pending: {plan:#}");
    let vault = vault_entry(&plan);
    assert_eq!(vault["action"], "blocked", "{vault:#}");
    assert_eq!(vault["changes"], json!([]));
    let blocked = vault["blocked"][0].as_str().unwrap();
    assert!(
        blocked.contains("--allow-permission-model-switch"),
        "{blocked}"
    );
    assert_eq!(
        vault["accessPoliciesStopApplying"],
        json!([policy(TEAM_A, &["get", "list"])])
    );

    // Another team adds its own access policy: not kvinit's, no diff.
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["accessPolicies"]
                .as_array_mut()
                .unwrap()
                .push(policy(TEAM_B, &["get"]))
        })
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3);
    let vault = vault_entry(&plan);
    assert_eq!(vault["action"], "blocked");
    assert_eq!(
        vault["changes"],
        json!([]),
        "access policies are not diffed"
    );
    assert_eq!(
        vault["accessPoliciesStopApplying"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(&format!("objectId {TEAM_B} (secrets: get)")),
        "{table}"
    );

    // Without consent apply refuses the switch and writes nothing.
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["vaults"][0]["error"]["code"], "ChangeBlocked");
    assert_eq!(report["requests"]["writes"], 0);

    // With consent but without the role Key Vault requires for the switch: still blocked, and
    // the plan says which role the caller needs.
    let (plan, code) = d.plan_with(&["--allow-permission-model-switch"]);
    assert_eq!(code, 3);
    let vault = vault_entry(&plan);
    assert_eq!(vault["action"], "blocked", "{vault:#}");
    let blocked = vault["blocked"][0].as_str().unwrap();
    assert!(
        blocked.contains("needs Owner or User Access Administrator at the vault's scope"),
        "{blocked}"
    );
    assert!(
        blocked.contains(&format!("principal {CALLER}")),
        "{blocked}"
    );

    // The caller is granted User Access Administrator on the resource group (inherited by the
    // vault): with consent, the switch is an update, and the policies are carried over.
    d.out_of_band(|arm| async move {
        arm.put(
            &format!(
                "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Authorization/roleAssignments/6b1e2d3c-4a5f-4e6d-8c7b-9a0f1e2d3c4b"
            ),
            RA_API,
            json!({ "properties": {
                "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb2-a5c3-7773c20a72d9"),
                "principalId": CALLER, "principalType": "ServicePrincipal" } }),
        )
        .await;
    });
    let (plan, code) = d.plan_with(&["--allow-permission-model-switch"]);
    assert_eq!(code, 3);
    assert_only_vault_changes(
        &plan,
        json!([{ "path": "properties.enableRbacAuthorization", "before": false, "after": true }]),
    );
    let (report, code) = d.apply_with(&["--allow-permission-model-switch"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["requests"]["writes"], 1);
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(v["properties"]["enableRbacAuthorization"], true);
        assert_eq!(
            v["properties"]["accessPolicies"],
            json!([policy(TEAM_A, &["get", "list"]), policy(TEAM_B, &["get"])]),
            "kept"
        );
    });
    d.assert_no_changes();
}
