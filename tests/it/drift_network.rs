//! Drift in the vault's firewall (`networkAcls`), each case: apply; change one thing out of band
//! through the emulator's ARM API; a live `plan` shows exactly that field (or nothing, when ARM
//! only re-spelled what the plan says); `apply` fixes it; `plan` shows no changes.

use crate::support;

use serde_json::json;
use support::drift::*;

#[test]
fn default_action_flipped_to_allow_is_shown_fixed_and_gone() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.assert_no_changes();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| v["properties"]["networkAcls"]["defaultAction"] = json!("Allow"))
            .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "changes pending: {plan:#}");
    assert_only_vault_changes(
        &plan,
        json!([{ "path": "properties.networkAcls.defaultAction", "before": "Allow", "after": "Deny" }]),
    );
    let report = d.apply();
    assert_eq!(report["totals"]["updated"], 1, "{report:#}");
    assert_eq!(
        report["requests"]["writes"], 1,
        "only the vault is written: {report:#}"
    );
    d.assert_no_changes();
}

#[test]
fn an_ip_rule_added_out_of_band_is_shown_and_removed() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["networkAcls"]["ipRules"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "value": "198.51.100.7/32" }))
        })
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "{plan:#}");
    assert_only_vault_changes(
        &plan,
        json!([{ "path": "properties.networkAcls.ipRules",
            "before": [{ "value": "203.0.113.0/24" }, { "value": "198.51.100.7/32" }],
            "after": [{ "value": "203.0.113.0/24" }] }]),
    );
    d.apply();
    d.assert_no_changes();
}

#[test]
fn lower_cased_subnet_ids_from_arm_are_no_change() {
    let subnet = format!(
        "/subscriptions/{SUB}/resourceGroups/RG-Network-Dev/providers/Microsoft.Network/virtualNetworks/VNet-Dev-WEU/subnets/Snet-Payments"
    );
    let d = Drift::new(&plan_yaml(
        &format!("    ipRules: []\n    virtualNetworkRules: [\"{subnet}\"]\n"),
        "",
    ));
    d.apply();
    d.assert_no_changes();
    // ARM answers some IDs lower-cased: re-spell the live rule that way.
    let lower = subnet.to_ascii_lowercase();
    d.out_of_band(move |arm| async move {
        arm.edit_vault(move |v| {
            v["properties"]["networkAcls"]["virtualNetworkRules"] =
                json!([{ "id": lower, "ignoreMissingVnetServiceEndpoint": false }])
        })
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 0, "no diff for a lower-cased subnet ID: {plan:#}");
    // The user's casing is what the plan shows.
    let rules = &vault_entry(&plan)["properties"]["networkAcls"]["virtualNetworkRules"];
    assert_eq!(rules[0]["id"], subnet.as_str());
    let (report, code) = d.apply_with(&[]);
    assert_eq!(code, 0);
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
    d.assert_no_changes();
}

#[test]
fn a_bare_ip_in_the_plan_equals_its_slash_32_live() {
    let d = Drift::new(&plan_yaml(
        "    ipRules: [203.0.113.4, 198.51.100.0/24]\n",
        "",
    ));
    d.apply();
    d.assert_no_changes();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["networkAcls"]["ipRules"] =
                json!([{ "value": "198.51.100.0/24" }, { "value": "203.0.113.4/32" }])
        })
        .await;
    });
    let (plan, code) = d.plan_with(&[]);
    assert_eq!(
        code, 0,
        "203.0.113.4 == 203.0.113.4/32, order does not matter: {plan:#}"
    );
    let (report, _) = d.apply_with(&[]);
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
    d.assert_no_changes();
}
