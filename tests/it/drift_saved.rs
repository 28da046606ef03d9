//! A saved change set (`plan --out FILE`) is applied exactly by `apply FILE`, and refused with
//! "plan is stale" (exit 5, naming the resources that moved) when live state moved since — here
//! the vault's `defaultAction` flipped out of band through the emulator's ARM API. The file
//! carries the plan file's hash, the target, each action with the exact body to send and the
//! live fingerprint, and no secret.

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

fn saved(d: &Drift, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(d.dir.path().join(name)).unwrap()).unwrap()
}

#[test]
fn a_saved_change_set_applies_exactly_and_goes_stale_when_live_moves() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| v["properties"]["networkAcls"]["defaultAction"] = json!("Allow"))
            .await;
    });
    let (plan, code) = d.plan_with(&["--out", "changes.json"]);
    assert_eq!(code, 3, "{plan:#}");
    let file = saved(&d, "changes.json");
    assert_eq!(file["format"], "kvinit-changeset/v1");
    assert_eq!(file["planFile"]["path"], "kvinit.yaml");
    assert_eq!(file["planFile"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(file["target"]["kind"], "emulator");
    let vault = file["vaults"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Microsoft.KeyVault/vaults")
        .unwrap()
        .clone();
    assert_eq!(vault["action"], "update");
    assert_eq!(
        vault["body"]["properties"]["networkAcls"]["defaultAction"],
        "Deny"
    );
    assert!(
        vault["liveFingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let text = std::fs::read_to_string(d.dir.path().join("changes.json")).unwrap();
    for secret in [
        kvinit_emulator::DEFAULT_CLIENT_SECRET,
        "access_token",
        "Bearer",
    ] {
        assert!(
            !text.contains(secret),
            "no secret in the saved file ({secret})"
        );
    }

    // Live moves again (someone else flips the firewall back and adds an IP rule): stale.
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| {
            v["properties"]["networkAcls"]["ipRules"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "value": "198.51.100.7/32" }))
        })
        .await;
    });
    let out = d.kvinit(&["apply", "changes.json", "--yes", "-o", "json"]);
    assert_eq!(out.status.code(), Some(5), "stale plan exit code");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("plan is stale"), "{stderr}");
    // The hint's command plans against the same target (the emulator), not Azure.
    assert!(
        stderr.contains(&format!("--emulator={} --out FILE", d.state.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{} changed since", vault_id())),
        "names the vault: {stderr}"
    );
    // Nothing applied: no report, one JSON error object (issue 11).
    let error: Value = serde_json::from_slice(&out.stdout).expect("one JSON value");
    assert_eq!(error["error"]["code"], "StalePlan", "{error:#}");
    assert_eq!(error["error"]["exitCode"], 5);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("plan is stale"),
        "{error:#}"
    );
    d.out_of_band(|arm| async move {
        let v = arm.get(&vault_id(), VAULT_API).await;
        assert_eq!(
            v["properties"]["networkAcls"]["defaultAction"], "Allow",
            "not written"
        );
    });

    // Plan again, apply exactly that file: converged.
    let (plan, code) = d.plan_with(&["--out", "changes.json", "--force"]);
    assert_eq!(code, 3, "{plan:#}");
    assert_only_vault_changes(
        &plan,
        json!([
            { "path": "properties.networkAcls.defaultAction", "before": "Allow", "after": "Deny" },
            { "path": "properties.networkAcls.ipRules",
              "before": [{ "value": "203.0.113.0/24" }, { "value": "198.51.100.7/32" }],
              "after": [{ "value": "203.0.113.0/24" }] }
        ]),
    );
    let out = d.kvinit(&["apply", "changes.json", "--yes", "-o", "json"]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["totals"]["updated"], 1);
    assert_eq!(
        report["requests"]["writes"], 1,
        "exactly the saved vault update"
    );
    d.assert_no_changes();
}

#[test]
fn a_saved_change_set_is_refused_on_another_target() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    let (_, code) = d.plan_with(&["--out", "changes.json"]);
    assert_eq!(code, 3);
    let out = assert_cmd::Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(d.dir.path())
        .args(["apply", "changes.json", "--yes", "--emulator=other.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was computed against the emulator on"),
        "{stderr}"
    );
    assert!(
        !d.dir.path().join("other.json").exists(),
        "no emulator started"
    );
}
