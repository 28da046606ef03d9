//! The requests kvinit's plan describes (issue 2 §3: resource group, vault with RBAC, firewall,
//! VNet rule, soft delete and purge protection, role assignment, diagnostic setting, action group,
//! three metric alerts, activity log alert), sent over HTTP: every request body conforms to its
//! spec schema, every answer conforms to its response schema, and GET answers what PUT answered
//! (so a second apply can see nothing changed).
use crate::common;
use common::*;
use kvinit_emulator::FaultProfile;
use kvinit_emulator::spec::{validate_request, validate_response};
use serde_json::{Value, json};

struct Call {
    method: &'static str,
    url: String,
    body: Option<Value>,
    file: &'static str,
    op: &'static str,
    expect: u16,
}

fn call(
    method: &'static str,
    url: String,
    body: Option<Value>,
    file: &'static str,
    op: &'static str,
    expect: u16,
) -> Call {
    Call {
        method,
        url,
        body,
        file,
        op,
        expect,
    }
}

/// The api-versions one flow is sent at, and the spec files that describe them.
struct Versions {
    /// Key Vault api-version and its spec file.
    kv: (&'static str, &'static str),
    /// Activity log alerts api-version and its spec file.
    activity_log_alerts: (&'static str, &'static str),
    /// Action groups api-version (validated with the 2021-09-01 spec file).
    action_groups: &'static str,
}

/// kvinit 0.1.0's versions (Key Vault 2022-02-01-preview, activity log alerts
/// 2023-01-01-preview), which still work before Key Vault's retirement.
#[tokio::test]
async fn a_compliant_vault_and_its_controls_conform_end_to_end() {
    flow(Versions {
        kv: ("2022-02-01-preview", "2022-02-01-preview/keyvault.json"),
        activity_log_alerts: (
            "2023-01-01-preview",
            "2023-01-01-preview/activityLogAlerts_API.json",
        ),
        action_groups: "2021-09-01",
    })
    .await;
}

/// Issue 10's versions: Key Vault 2026-02-01, activity log alerts 2026-01-01, action groups
/// 2023-01-01; every request and response checked against the 2026-02-01 / 2026-01-01 schemas.
#[tokio::test]
async fn the_same_flow_conforms_at_the_current_api_versions() {
    flow(Versions {
        kv: ("2026-02-01", "2026-02-01/openapi.json"),
        activity_log_alerts: ("2026-01-01", "2026-01-01/activityLogAlerts_API.json"),
        action_groups: "2023-01-01",
    })
    .await;
}

async fn flow(versions: Versions) {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let rg = rg_path(SUB, "rg-payments-prod-weu");
    let vault = vault_path(SUB, "rg-payments-prod-weu", "kv-payments-prod-weu");
    let subnet = format!(
        "{}/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/apps",
        rg_path(SUB, "rg-net")
    );
    let workspace = format!(
        "{}/providers/Microsoft.OperationalInsights/workspaces/law-prod",
        rg_path(SUB, "rg-logs")
    );
    let ag = format!("{rg}/providers/Microsoft.Insights/actionGroups/ag-kv-prod");
    let kv = versions.kv.1;
    let kv_q = format!("api-version={}", versions.kv.0);
    let (ala, ala_file) = versions.activity_log_alerts;
    let ins = |x: &str| format!("api-version={x}");

    let vault_body = json!({
        "location": "westeurope",
        "tags": {"owner": "platform", "kvinit": "payments/prod/weu"},
        "properties": {
            "tenantId": TENANT,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": true,
            "enableSoftDelete": true,
            "softDeleteRetentionInDays": 90,
            "enablePurgeProtection": true,
            "publicNetworkAccess": "Enabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices",
                "ipRules": [{"value": "203.0.113.0/24"}], "virtualNetworkRules": [{"id": subnet}]},
        }
    });
    let metric = |name: &str, metric: &str, op: &str, threshold: f64, severity: u8| {
        json!({
            "location": "global",
            "properties": {
                "description": format!("kvinit KV-ALERT: {name}"),
                "severity": severity, "enabled": true, "scopes": [vault.clone()],
                "evaluationFrequency": "PT1M", "windowSize": "PT5M",
                "criteria": {"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", "allOf": [{
                    "criterionType": "StaticThresholdCriterion", "name": metric, "metricName": metric,
                    "metricNamespace": "Microsoft.KeyVault/vaults", "operator": op, "threshold": threshold,
                    "timeAggregation": "Average"}]},
                "autoMitigate": true,
                "actions": [{"actionGroupId": ag.clone()}],
            }
        })
    };
    let ra = "6f1b3c1e-0000-5000-8000-00000000a001";
    let calls = vec![
        call(
            "PUT",
            format!("{rg}?{RG_API}"),
            Some(json!({"location": "westeurope", "tags": {"owner": "platform"}})),
            "2021-04-01/resources.json",
            "ResourceGroups_CreateOrUpdate",
            201,
        ),
        call(
            "POST",
            format!(
                "/subscriptions/{SUB}/providers/Microsoft.KeyVault/checkNameAvailability?{kv_q}"
            ),
            Some(json!({"name": "kv-payments-prod-weu", "type": "Microsoft.KeyVault/vaults"})),
            kv,
            "Vaults_CheckNameAvailability",
            200,
        ),
        call(
            "GET",
            format!("/subscriptions/{SUB}/providers/Microsoft.KeyVault/deletedVaults?{kv_q}"),
            None,
            kv,
            "Vaults_ListDeleted",
            200,
        ),
        call(
            "GET",
            format!("{subnet}?{}", ins("2023-09-01")),
            None,
            "2023-09-01/virtualNetwork.json",
            "Subnets_Get",
            200,
        ),
        call(
            "PUT",
            format!("{vault}?{kv_q}"),
            Some(vault_body.clone()),
            kv,
            "Vaults_CreateOrUpdate",
            201,
        ),
        call(
            "PUT",
            format!("{vault}/providers/Microsoft.Authorization/roleAssignments/{ra}?{AUTHZ}"),
            Some(json!({"properties": {
            "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483"),
            "principalId": "11111111-2222-3333-4444-555555555555", "principalType": "Group"}})),
            "authorization-RoleAssignmentsCalls.json",
            "RoleAssignments_Create",
            201,
        ),
        call(
            "PUT",
            format!(
                "{vault}/providers/Microsoft.Insights/diagnosticSettings/kvinit-logs?{}",
                ins("2021-05-01-preview")
            ),
            Some(json!({"properties": {
            "workspaceId": workspace, "logs": [{"categoryGroup": "audit", "enabled": true}], "metrics": [{"category": "AllMetrics", "enabled": true}]}})),
            "diagnosticsSettings_API.json",
            "DiagnosticSettings_CreateOrUpdate",
            200,
        ),
        call(
            "PUT",
            format!("{ag}?{}", ins(versions.action_groups)),
            Some(
                json!({"location": "Global", "properties": {"groupShortName": "kvops", "enabled": true,
            "emailReceivers": [{"name": "oncall", "emailAddress": "oncall@example.com", "useCommonAlertSchema": true}]}}),
            ),
            "actionGroups_API.json",
            "ActionGroups_CreateOrUpdate",
            201,
        ),
        call(
            "PUT",
            format!(
                "{rg}/providers/Microsoft.Insights/metricAlerts/kv-payments-prod-weu-availability?{}",
                ins("2018-03-01")
            ),
            Some(metric("availability", "Availability", "LessThan", 90.0, 1)),
            "metricAlert_API.json",
            "MetricAlerts_CreateOrUpdate",
            200,
        ),
        call(
            "PUT",
            format!(
                "{rg}/providers/Microsoft.Insights/metricAlerts/kv-payments-prod-weu-saturation?{}",
                ins("2018-03-01")
            ),
            Some(metric(
                "saturation",
                "SaturationShoebox",
                "GreaterThan",
                75.0,
                1,
            )),
            "metricAlert_API.json",
            "MetricAlerts_CreateOrUpdate",
            200,
        ),
        call(
            "PUT",
            format!(
                "{rg}/providers/Microsoft.Insights/metricAlerts/kv-payments-prod-weu-latency?{}",
                ins("2018-03-01")
            ),
            Some(metric(
                "latency",
                "ServiceApiLatency",
                "GreaterThan",
                1000.0,
                3,
            )),
            "metricAlert_API.json",
            "MetricAlerts_CreateOrUpdate",
            200,
        ),
        call(
            "PUT",
            format!(
                "{rg}/providers/Microsoft.Insights/activityLogAlerts/kv-payments-prod-weu-deleted?{}",
                ins(ala)
            ),
            Some(json!({"location": "Global", "properties": {
            "description": "kvinit KV-ALERT: vault deleted", "enabled": true, "scopes": [format!("/subscriptions/{SUB}")],
            "condition": {"allOf": [{"field": "category", "equals": "Administrative"}, {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete"}, {"field": "resourceId", "equals": vault.clone()}]},
            "actions": {"actionGroups": [{"actionGroupId": ag.clone()}]}}})),
            ala_file,
            "ActivityLogAlerts_CreateOrUpdate",
            201,
        ),
    ];
    let mut written = Vec::new();
    for call in &calls {
        if let Some(body) = &call.body {
            let problems = validate_request(call.file, call.op, body);
            assert!(
                problems.is_empty(),
                "{}: request does not conform: {problems:?}",
                call.op
            );
        }
        let a = c.send(call.method, &call.url, call.body.clone()).await;
        assert_eq!(
            a.status, call.expect,
            "{} {}: {}",
            call.method, call.op, a.body
        );
        let problems = validate_response(call.file, call.op, a.status, &a.body);
        assert!(
            problems.is_empty(),
            "{}: response does not conform: {problems:?}\n{}",
            call.op,
            a.body
        );
        if call.method == "PUT" {
            written.push((
                call.url.clone(),
                call.file,
                call.op
                    .replace("CreateOrUpdate", "Get")
                    .replace("_Create", "_Get"),
                a.body,
            ));
        }
    }
    // GET answers exactly what PUT answered, and conforms.
    for (url, file, op, put_body) in written {
        let op: &'static str = Box::leak(op.into_boxed_str());
        let g = c.get(&url).await;
        assert_eq!(g.status, 200, "{op}: {}", g.body);
        assert_eq!(g.body, put_body, "{op}: GET differs from the PUT answer");
        let problems = validate_response(file, op, 200, &g.body);
        assert!(problems.is_empty(), "{op}: {problems:?}");
    }
    // The vault as stored has every control.
    let v = c.get(&format!("{vault}?{kv_q}")).await.body;
    assert_eq!(v["properties"]["enableRbacAuthorization"], true);
    assert_eq!(v["properties"]["enablePurgeProtection"], true);
    assert_eq!(v["properties"]["networkAcls"]["defaultAction"], "Deny");
    assert_eq!(
        v["systemData"]["createdBy"],
        kvinit_emulator::DEFAULT_CLIENT_ID
    );
    // Lists a second apply would read.
    let lists = [
        (
            format!(
                "{vault}/providers/Microsoft.Authorization/roleAssignments?{AUTHZ}&$filter=atScope()"
            ),
            "authorization-RoleAssignmentsCalls.json",
            "RoleAssignments_ListForScope",
            1,
        ),
        (
            format!(
                "{vault}/providers/Microsoft.Insights/diagnosticSettings?{}",
                ins("2021-05-01-preview")
            ),
            "diagnosticsSettings_API.json",
            "DiagnosticSettings_List",
            1,
        ),
        (
            format!(
                "{rg}/providers/Microsoft.Insights/metricAlerts?{}",
                ins("2018-03-01")
            ),
            "metricAlert_API.json",
            "MetricAlerts_ListByResourceGroup",
            3,
        ),
        (
            format!(
                "{rg}/providers/Microsoft.Insights/activityLogAlerts?{}",
                ins(ala)
            ),
            ala_file,
            "ActivityLogAlerts_ListByResourceGroup",
            1,
        ),
        (
            format!("/subscriptions/{SUB}/providers/Microsoft.KeyVault/vaults?{kv_q}"),
            kv,
            "Vaults_ListBySubscription",
            1,
        ),
    ];
    for (url, file, op, n) in lists {
        let a = c.get(&url).await;
        assert_eq!(a.status, 200, "{op}");
        assert_eq!(
            a.body["value"].as_array().map(Vec::len),
            Some(n),
            "{op}: {}",
            a.body
        );
        let problems = validate_response(file, op, 200, &a.body);
        assert!(problems.is_empty(), "{op}: {problems:?}");
    }
    let stats = emu.stats();
    assert_eq!(stats.by_method.get("PUT"), Some(&9));
    assert_eq!(stats.by_method.get("POST"), Some(&1));
    assert_eq!(stats.rejected, 0);
}
