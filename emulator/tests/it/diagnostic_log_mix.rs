//! Issue 11 item 9: a diagnostic setting whose `logs` mix a category group (`allLogs`) and a
//! category (`AuditEvent`) is refused as ARM refuses it (400 BadRequest, "Diagnostic setting does
//! not support mix of log category and log category group.", the text reported against the
//! Insights RP in Azure/azure-rest-api-specs#22719), over real HTTP; nothing is stored. Either
//! form on its own is accepted.
use crate::common;
use common::*;
use kvinit_emulator::FaultProfile;
use serde_json::json;

#[tokio::test]
async fn category_group_and_category_in_one_setting_is_refused_like_arm() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    make_vault(&c, SUB, "rg", "kv-diag-mix").await;
    let scope = vault_path(SUB, "rg", "kv-diag-mix");
    let ws =
        "/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/z";
    let url = |name: &str| {
        format!(
            "{scope}/providers/Microsoft.Insights/diagnosticSettings/{name}?api-version=2021-05-01-preview"
        )
    };
    let mixed = json!({"properties": {"workspaceId": ws, "logs": [
        {"categoryGroup": "allLogs", "enabled": true},
        {"category": "AuditEvent", "enabled": true}]}});
    let a = c.put(&url("mixed"), mixed).await;
    assert_eq!((a.status, a.code()), (400, "BadRequest"), "{}", a.body);
    assert_eq!(
        a.body["error"]["message"],
        "Diagnostic setting does not support mix of log category and log category group."
    );
    assert_eq!(c.get(&url("mixed")).await.status, 404);

    for (name, logs) in [
        (
            "groups",
            json!([{"categoryGroup": "allLogs", "enabled": true}]),
        ),
        (
            "categories",
            json!([{"category": "AuditEvent", "enabled": true},
                              {"category": "AzurePolicyEvaluationDetails", "enabled": true}]),
        ),
    ] {
        let a = c
            .put(
                &url(name),
                json!({"properties": {"workspaceId": ws, "logs": logs}}),
            )
            .await;
        assert_eq!(a.status, 200, "{name}: {}", a.body);
    }
}
