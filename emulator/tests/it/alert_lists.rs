//! MetricAlerts_ListBySubscription and ActivityLogAlerts_ListBySubscriptionId over real HTTP:
//! every alert of the subscription across its resource groups, none of another subscription's,
//! each answer valid against the spec. kvinit's observe reads alerts this way (one list per
//! subscription instead of one read per resource group).

use crate::common;

use common::*;
use kvinit_emulator::FaultProfile;
use kvinit_emulator::spec::validate_response;
use serde_json::{Value, json};

const METRIC_API: &str = "api-version=2018-03-01";
const ACTIVITY_API: &str = "api-version=2023-01-01-preview";

fn metric_alert(vault: &str) -> Value {
    json!({"location": "global", "properties": {
        "description": "availability", "severity": 1, "enabled": true, "scopes": [vault],
        "evaluationFrequency": "PT1M", "windowSize": "PT5M",
        "criteria": {"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            "allOf": [{"criterionType": "StaticThresholdCriterion", "name": "Availability",
                "metricName": "Availability", "metricNamespace": "Microsoft.KeyVault/vaults",
                "operator": "LessThan", "threshold": 90, "timeAggregation": "Average"}]},
        "autoMitigate": true, "actions": []}})
}

fn activity_alert(sub: &str) -> Value {
    json!({"location": "Global", "properties": {
        "scopes": [format!("/subscriptions/{sub}")], "enabled": true,
        "condition": {"allOf": [{"field": "category", "equals": "Administrative"}]},
        "actions": {"actionGroups": []}}})
}

fn names(a: &Answer) -> Vec<String> {
    a.body["value"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {}", a.body))
        .iter()
        .map(|x| x["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn alerts_list_by_subscription_across_resource_groups() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    for (sub, rg) in [(SUB, "rg-a"), (SUB, "rg-b"), (SUB2, "rg-c")] {
        make_rg(&c, sub, rg).await;
        let v = make_vault(&c, sub, rg, &format!("kv-list-{rg}")).await;
        assert!(v.status < 300, "{}", v.body);
        let vault = vault_path(sub, rg, &format!("kv-list-{rg}"));
        let m = c
            .put(
                &format!(
                    "{}/providers/Microsoft.Insights/metricAlerts/{rg}-availability?{METRIC_API}",
                    rg_path(sub, rg)
                ),
                metric_alert(&vault),
            )
            .await;
        assert_eq!(m.status, 200, "{}", m.body);
        let a = c
            .put(
                &format!(
                    "{}/providers/Microsoft.Insights/activityLogAlerts/{rg}-deleted?{ACTIVITY_API}",
                    rg_path(sub, rg)
                ),
                activity_alert(sub),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let metric = c
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.Insights/metricAlerts?{METRIC_API}"
        ))
        .await;
    assert_eq!(metric.status, 200, "{}", metric.body);
    assert_eq!(names(&metric), ["rg-a-availability", "rg-b-availability"]);
    let problems = validate_response(
        "metricAlert_API.json",
        "MetricAlerts_ListBySubscription",
        200,
        &metric.body,
    );
    assert!(problems.is_empty(), "{problems:?}");

    let activity = c
        .get(&format!(
            "/subscriptions/{SUB2}/providers/Microsoft.Insights/activityLogAlerts?{ACTIVITY_API}"
        ))
        .await;
    assert_eq!(activity.status, 200, "{}", activity.body);
    assert_eq!(names(&activity), ["rg-c-deleted"]);
    let problems = validate_response(
        "activityLogAlerts_API.json",
        "ActivityLogAlerts_ListBySubscriptionId",
        200,
        &activity.body,
    );
    assert!(problems.is_empty(), "{problems:?}");
    emu.shutdown().await.unwrap();
}
