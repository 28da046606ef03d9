//! Drift that kvinit must leave alone, each case: apply; something is added out of band through
//! the emulator's ARM API by "another team"; a live `plan` shows no change for it (or lists it as
//! not managed by kvinit); `apply` keeps it; `plan` shows no changes.

use crate::support;

use serde_json::json;
use support::drift::*;

const OTHER_PRINCIPAL: &str = "5d2a3c1e-7b4f-4e6a-9c8d-1f0e2b3a4c5d";
const SECRETS_OFFICER: &str = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

#[test]
fn another_teams_tag_is_kept_and_no_diff() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| v["tags"]["dataClassification"] = json!("confidential"))
            .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 0, "another team's tag is not kvinit's: {plan:#}");
    // An update for something kvinit owns carries the tag over (read-modify-write).
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| v["properties"]["networkAcls"]["defaultAction"] = json!("Allow"))
            .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3);
    assert_only_vault_changes(
        &plan,
        json!([{ "path": "properties.networkAcls.defaultAction", "before": "Allow", "after": "Deny" }]),
    );
    d.apply();
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(v["tags"]["dataClassification"], "confidential", "{v:#}");
        assert_eq!(v["tags"]["owner"], "platform");
        assert_eq!(v["properties"]["networkAcls"]["defaultAction"], "Deny");
    });
    d.assert_no_changes();
}

#[test]
fn a_role_assignment_and_a_diagnostic_setting_made_out_of_band_are_left_alone_and_listed() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    let name = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    let ra_id = format!(
        "{}/providers/Microsoft.Authorization/roleAssignments/{name}",
        vault_id()
    );
    let put_id = ra_id.clone();
    d.out_of_band(|arm| async move {
        arm.put(
            &put_id,
            RA_API,
            json!({ "properties": {
                "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{SECRETS_OFFICER}"),
                "principalId": OTHER_PRINCIPAL, "principalType": "ServicePrincipal" } }),
        )
        .await;
    });
    let ds_id = format!(
        "{}/providers/Microsoft.Insights/diagnosticSettings/team-siem",
        vault_id()
    );
    let ws = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-siem/providers/Microsoft.OperationalInsights/workspaces/law-siem"
    );
    let (put_ds, put_ws) = (ds_id.clone(), ws.clone());
    d.out_of_band(|arm| async move {
        arm.put(
            &put_ds,
            "2021-05-01-preview",
            json!({ "properties": { "workspaceId": put_ws,
                "logs": [{ "categoryGroup": "allLogs", "enabled": true }] } }),
        )
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 0, "not kvinit's, so no change: {plan:#}");
    let unmanaged = &plan["vaults"][0]["unmanaged"];
    assert_eq!(
        unmanaged,
        &json!([
            { "type": "Microsoft.Authorization/roleAssignments", "id": ra_id,
              "detail": format!("role assignment {name} (Key Vault Secrets Officer → principal {OTHER_PRINCIPAL} (ServicePrincipal))") },
            { "type": "Microsoft.Insights/diagnosticSettings", "id": ds_id,
              "detail": format!("diagnostic setting team-siem (workspaceId {ws})") }
        ]),
        "{plan:#}"
    );
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(&format!(
            "not managed by kvinit (left alone): role assignment {name} (Key Vault Secrets Officer → principal {OTHER_PRINCIPAL}"
        )),
        "{table}"
    );
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 0);
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
    d.out_of_band(|arm| async move {
        let ra = arm.get(&ra_id, RA_API).await;
        assert_eq!(ra["properties"]["principalId"], OTHER_PRINCIPAL);
    });
    d.assert_no_changes();
}
