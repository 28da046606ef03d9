//! Issue 11, item 5: one model for a vault's outcome everywhere. A change with one blocked field
//! (a new soft-delete retention, which Key Vault fixes at creation) plus an allowed one (an IP
//! rule removed): the live plan's summary and detail, apply's preview, table and `-o json` all
//! say "update (1 field), 1 kept/blocked" with the fields named; apply writes the allowed field
//! and reports the vault `updated` (not `failed`) with the refused field named; the totals add
//! up to the writes sent; the exit code is 1 because the plan is not fully met. Over real HTTP
//! against the embedded emulator.

use crate::support;

use serde_json::json;
use support::drift::*;

#[test]
fn a_blocked_field_next_to_an_allowed_one_is_updated_with_the_refusal_named() {
    let d = Drift::new(&plan_yaml(
        "    ipRules: [203.0.113.4, 198.51.100.7]\n",
        "  softDeleteRetentionDays: 30\n",
    ));
    d.apply();
    std::fs::write(
        &d.plan,
        plan_yaml(
            "    ipRules: [203.0.113.4]\n",
            "  softDeleteRetentionDays: 90\n",
        ),
    )
    .unwrap();

    let (plan, code) = d.plan_with(&[]);
    assert_eq!(code, 3, "{plan:#}");
    let outcome = &plan["vaults"][0]["outcome"];
    assert_eq!(
        outcome["headline"], "update (1 field), 1 kept/blocked",
        "{outcome:#}"
    );
    assert_eq!(
        outcome["written"],
        json!([format!("{VAULT}: properties.networkAcls.ipRules")])
    );
    assert!(
        outcome["blocked"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("{VAULT}: softDeleteRetentionInDays cannot change")),
        "{outcome:#}"
    );
    assert_eq!(plan["summary"]["update"], 1, "{:#}", plan["summary"]);
    assert_eq!(plan["summary"]["refused"], 1, "{:#}", plan["summary"]);
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("  outcome: update (1 field), 1 kept/blocked"),
        "{table}"
    );
    assert!(
        table.contains("1 to update (1 of them with a refused field, not sent)"),
        "{table}"
    );

    // The table first.
    let out = d.kvinit(&["apply", "-f", "kvinit.yaml", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "the plan is not fully met");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("updated      resources: 1 updated; 1 kept/blocked: kv-payments-dev-weu: softDeleteRetentionInDays cannot change"),
        "{table}"
    );
    assert!(table.contains("1 updated, 0 unchanged"), "{table}");
    assert!(
        table.contains("0 failed, 1 with a refused change"),
        "{table}"
    );
    // Someone puts the rule back: the same change is pending again, now with -o json.
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["networkAcls"]["ipRules"] =
                json!([{ "value": "203.0.113.4/32" }, { "value": "198.51.100.7/32" }]);
        })
        .await;
    });
    let out = d.kvinit(&["apply", "-f", "kvinit.yaml", "--yes", "-o", "json"]);
    let report = json_of(&out);
    let preview = String::from_utf8_lossy(&out.stderr);
    assert!(
        preview.contains(&format!("  {VAULT}: update (1 field), 1 kept/blocked")),
        "{preview}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the plan is not fully met: {report:#}"
    );
    let v = &report["vaults"][0];
    assert_eq!(v["status"], "updated", "not failed: {report:#}");
    assert!(v.get("error").is_none(), "{v:#}");
    assert!(
        v["blocked"][0]
            .as_str()
            .unwrap()
            .contains("softDeleteRetentionInDays cannot change"),
        "{v:#}"
    );
    assert_eq!(report["totals"]["updated"], 1, "{report:#}");
    assert_eq!(report["totals"]["failed"], 0, "{report:#}");
    assert_eq!(report["totals"]["refused"], 1, "{report:#}");
    assert_eq!(
        report["requests"]["writes"], 1,
        "the allowed field only: {report:#}"
    );
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(
            v["properties"]["networkAcls"]["ipRules"],
            json!([{ "value": "203.0.113.4/32" }])
        );
        assert_eq!(v["properties"]["softDeleteRetentionInDays"], 30);
    });
}
