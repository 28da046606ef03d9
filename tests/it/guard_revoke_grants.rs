//! Issue 11, item 3: least privilege. A role assignment kvinit created (its UUID v5 name proves
//! it) that the plan no longer asks for is shown as `revoke` in the live plan and removed by
//! `apply` — the one DELETE kvinit sends — unless `--keep-revoked-grants`; an assignment kvinit
//! did not create stays "not managed" and untouched. Over real HTTP against the emulator.

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

const READER: &str = "9b2d4f61-7a3c-4e8b-b5d0-1c6e8f2a4b73";
const OTHERS_NAME: &str = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const KV_READER: &str = "21090545-7ca7-4776-b22c-e363652d74d2";

fn with_reader() -> String {
    plan_yaml("", "").replace(
        "  diagnostics:",
        &format!(
            "    - principalId: {READER}\n      principalType: ServicePrincipal\n      role: Key Vault Secrets User\n  diagnostics:"
        ),
    )
}

fn reader_ids(arm_list: &Value) -> Vec<String> {
    arm_list["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["properties"]["principalId"] == READER)
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

fn list_assignments(d: &Drift) -> Value {
    let (tx, rx) = std::sync::mpsc::channel();
    d.out_of_band(|arm| async move {
        let path = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments",
            vault_id()
        );
        tx.send(arm.get(&path, RA_API).await).unwrap();
    });
    rx.recv().unwrap()
}

#[test]
fn a_grant_kvinit_made_and_the_plan_dropped_is_revoked_and_one_it_did_not_make_is_left() {
    let d = Drift::new(&with_reader());
    d.apply();
    let mine = reader_ids(&list_assignments(&d));
    assert_eq!(mine.len(), 1);
    // Someone else grants the same principal another role under their own name.
    d.out_of_band(|arm| async move {
        let id = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments/{OTHERS_NAME}",
            vault_id()
        );
        arm.put(&id, RA_API, json!({ "properties": {
            "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{KV_READER}"),
            "principalId": READER, "principalType": "ServicePrincipal" } }))
            .await;
    });
    // The plan drops the reader.
    std::fs::write(&d.plan, plan_yaml("", "")).unwrap();

    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "{plan:#}");
    assert_eq!(plan["summary"]["revoke"], 1, "{:#}", plan["summary"]);
    let revoke: Vec<&Value> = resources(&plan)
        .into_iter()
        .filter(|r| r["action"] == "revoke")
        .collect();
    assert_eq!(revoke.len(), 1, "{plan:#}");
    assert!(
        revoke[0]["id"].as_str().unwrap().ends_with(&mine[0]),
        "{:#}",
        revoke[0]
    );
    assert!(
        revoke[0]["notReconcilable"][0]
            .as_str()
            .unwrap()
            .starts_with("revoke: created by kvinit, no longer in the plan"),
        "{:#}",
        revoke[0]
    );
    let unmanaged = plan["vaults"][0]["unmanaged"].as_array().unwrap();
    assert_eq!(
        unmanaged.len(),
        1,
        "only the one kvinit did not create: {unmanaged:#?}"
    );
    assert!(unmanaged[0]["id"].as_str().unwrap().ends_with(OTHERS_NAME));
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(&format!(
            "- Microsoft.Authorization/roleAssignments {}: revoke",
            mine[0]
        )),
        "{table}"
    );
    assert!(table.contains("1 to revoke"), "{table}");

    // --keep-revoked-grants: shown as kept, nothing deleted.
    let (plan, code) = d.plan_with(&["--keep-revoked-grants"]);
    assert_eq!(code, 0, "{plan:#}");
    let (report, code) = d.apply_with(&["--keep-revoked-grants"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
    assert_eq!(reader_ids(&list_assignments(&d)).len(), 2);

    // Through a saved change set: the file lists the revoke, and `apply FILE` sends it.
    let (_, code) = d.plan_with(&["--out", "cs.json"]);
    assert_eq!(code, 3);
    let saved = std::fs::read_to_string(d.dir.path().join("cs.json")).unwrap();
    assert!(saved.contains("\"action\": \"revoke\""), "{saved}");
    let out = d.kvinit(&["apply", "cs.json", "--yes", "-o", "json"]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["vaults"][0]["status"], "updated", "{report:#}");
    let revoked: Vec<&Value> = report["vaults"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "revoked")
        .collect();
    assert_eq!(revoked.len(), 1, "{report:#}");
    assert_eq!(report["requests"]["writes"], 1, "one DELETE: {report:#}");
    assert_eq!(
        reader_ids(&list_assignments(&d)),
        [OTHERS_NAME],
        "theirs is untouched"
    );
    d.assert_no_changes();
}
