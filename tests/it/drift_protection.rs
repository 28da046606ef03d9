//! Purge protection switched on out of band while the plan says off: the live `plan` reports it
//! as not reconcilable (Key Vault cannot turn it off), never sends it, and does not count it as a
//! pending change, so `plan --detailed-exitcode` exits 0 and `apply` writes nothing — run after
//! run.

use crate::support;

use serde_json::json;
use support::drift::*;

#[test]
fn purge_protection_on_out_of_band_is_not_reconcilable_and_stays_quiet() {
    let d = Drift::new(&plan_yaml(
        "    ipRules: [203.0.113.0/24]\n",
        "  purgeProtection: false\n",
    ));
    d.apply();
    d.assert_no_changes();
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert!(
            v["properties"]
                .get("enablePurgeProtection")
                .is_none_or(|p| p == false)
        );
        arm.edit_vault(|v| v["properties"]["enablePurgeProtection"] = json!(true))
            .await;
    });
    for run in 0..2 {
        let (plan, code) = d.plan_with(&[]);
        assert_eq!(code, 0, "run {run}: not a pending change: {plan:#}");
        let vault = vault_entry(&plan);
        assert_eq!(vault["action"], "noChange", "{vault:#}");
        assert_eq!(vault["changes"], json!([]));
        let notes = vault["notReconcilable"].as_array().expect("a note");
        assert_eq!(notes.len(), 1);
        let note = notes[0].as_str().unwrap();
        assert!(
            note.starts_with("properties.enablePurgeProtection: not reconcilable"),
            "{note}"
        );
        let (report, code) = d.apply_with(&[]);
        assert_eq!(code, 0, "{report:#}");
        assert_eq!(report["requests"]["writes"], 0, "never sent: {report:#}");
    }
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(v["properties"]["enablePurgeProtection"], true);
    });
    d.assert_no_changes();
}
