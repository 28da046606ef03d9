//! Issue 11, item 1: a saved change set is input, not trusted data. `plan --out cs.json`, then
//! edit a vault `body` (`networkAcls.defaultAction: Allow`, `enablePurgeProtection: false`),
//! or its body and digest and `desired` together: `apply cs.json --yes` refuses (exit 2, naming
//! the resource and field) and sends nothing; the vault stays `Deny`. Over real HTTP against the
//! embedded emulator.

use crate::support;

use serde_json::{Value, json};
use support::drift::*;

fn vault_resource(file: &mut Value) -> &mut Value {
    file["vaults"][0]["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["type"] == "Microsoft.KeyVault/vaults")
        .unwrap()
}

fn sha256_of(v: &Value) -> String {
    use sha2::{Digest, Sha256};
    fn canonical(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), canonical(&m[k])))
                        .collect(),
                )
            }
            Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
            o => o.clone(),
        }
    }
    let hex: String = Sha256::digest(canonical(v).to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Saves a change set whose vault update puts the owner tag back, lets `edit` change it, and
/// applies it; returns (exit code, stderr).
fn apply_edited(d: &Drift, edit: impl FnOnce(&mut Value)) -> (i32, String) {
    let (plan, code) = d.plan_with(&["--out", "cs.json", "--force"]);
    assert_eq!(code, 3, "{plan:#}");
    let path = d.dir.path().join("cs.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut file);
    std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    let out = d.kvinit(&["apply", "cs.json", "--yes", "-o", "json"]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn live_vault(d: &Drift) -> Value {
    let (tx, rx) = std::sync::mpsc::channel();
    d.out_of_band(|arm| async move {
        tx.send(arm.get(&vault_id(), VAULT_API).await).unwrap();
    });
    rx.recv().unwrap()
}

#[test]
fn an_edited_body_is_refused_naming_the_resource_and_field_and_nothing_is_sent() {
    let d = Drift::new(&plan_yaml(
        "    ipRules: [203.0.113.0/24]\n",
        "  purgeProtection: true\n",
    ));
    d.apply();
    // Someone changes the owner tag out of band: the saved change set updates it back.
    d.out_of_band(|arm| async move {
        arm.edit_vault(|v| v["tags"]["owner"] = json!("someone-else"))
            .await;
    });
    let id = vault_id();

    // 1. The body alone edited: its digest no longer matches.
    let (code, err) = apply_edited(&d, |f| {
        let v = vault_resource(f);
        v["body"]["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
    });
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&id), "{err}");
    assert!(
        err.contains(
            "field `properties.networkAcls.defaultAction`: the body's digest does not match"
        ),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");

    // 2. Body, digest and desired edited together (a careful forger): the body is not what the
    //    guard gives against live state, and the desired body is not the plan file's.
    for field in ["defaultAction", "purge"] {
        let (code, err) = apply_edited(&d, |f| {
            let v = vault_resource(f);
            if field == "purge" {
                v["body"]["properties"]["enablePurgeProtection"] = json!(false);
                v["desired"]["properties"]["enablePurgeProtection"] = json!(false);
            } else {
                v["body"]["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
                v["desired"]["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
            }
            let digest = sha256_of(&v["body"]);
            v["bodySha256"] = json!(digest);
        });
        assert_eq!(code, 2, "{field}: {err}");
        assert!(err.contains(&id), "{field}: {err}");
        let named = if field == "purge" {
            "properties.enablePurgeProtection"
        } else {
            "properties.networkAcls.defaultAction"
        };
        assert!(err.contains(&format!("field `{named}`")), "{field}: {err}");
    }

    // 2b. Only the api-version edited (kvinit would send its own, but what was reviewed is what
    //     is applied): refused, the field named.
    let (code, err) = apply_edited(&d, |f| {
        vault_resource(f)["apiVersion"] = json!("2022-02-01-preview");
    });
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&id), "{err}");
    assert!(err.contains("field `apiVersion`"), "{err}");

    // 3. The plan file changed since (so `desired` cannot be checked against it): the guard
    //    still keeps live's Deny, so the forged body is refused.
    let (code, err) = apply_edited(&d, |f| {
        f["planFile"]["sha256"] = json!("0".repeat(64));
        let v = vault_resource(f);
        v["body"]["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
        v["desired"]["properties"]["networkAcls"]["defaultAction"] = json!("Allow");
        let digest = sha256_of(&v["body"]);
        v["bodySha256"] = json!(digest);
    });
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "field `properties.networkAcls.defaultAction`: the body is not what kvinit would send"
        ),
        "{err}"
    );

    let v = live_vault(&d);
    assert_eq!(
        v["properties"]["networkAcls"]["defaultAction"], "Deny",
        "{v:#}"
    );
    assert_eq!(v["properties"]["enablePurgeProtection"], true, "{v:#}");

    // The unedited file applies.
    let (code, err) = apply_edited(&d, |_| {});
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        live_vault(&d)["properties"]["networkAcls"]["defaultAction"],
        "Deny"
    );
}
