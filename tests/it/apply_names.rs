//! Issue 11, items 4 and 6: vault names at apply time. `apply` shows the same name outcomes as
//! a live `plan` before it asks (a taken name is "not created", never counted as a create), and
//! a `VaultNameTaken` inside ARM's read-after-write window for the planned ARM resource ID is
//! ours: re-read after the lag and converged. Over real HTTP against the embedded emulator.

use crate::support;

use serde_json::json;
use support::drift::*;

const OTHER_SUB: &str = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

#[test]
fn apply_shows_a_taken_name_before_it_asks_and_does_not_count_it_as_a_create() {
    let d = Drift::new(&plan_yaml("", ""));
    d.out_of_band(|arm| async move {
        arm.put(
            &format!("/subscriptions/{OTHER_SUB}/resourceGroups/rg-else"),
            "2021-04-01",
            json!({ "location": "westeurope" }),
        )
        .await;
        arm.put(
            &format!(
                "/subscriptions/{OTHER_SUB}/resourceGroups/rg-else/providers/Microsoft.KeyVault/vaults/{VAULT}"
            ),
            VAULT_API,
            json!({ "location": "westeurope", "properties": { "tenantId": TENANT,
                "sku": { "family": "A", "name": "standard" }, "softDeleteRetentionInDays": 90 } }),
        )
        .await;
    });
    let out = d.kvinit(&["apply", "-f", "kvinit.yaml", "--yes", "-o", "json"]);
    let preview = String::from_utf8_lossy(&out.stderr);
    let head = preview
        .lines()
        .find(|l| l.starts_with("Plan:"))
        .unwrap_or_default();
    assert!(
        head.contains("0 to create, 0 to update, 0 unchanged, 1 not created (name taken or held)"),
        "{preview}"
    );
    assert!(
        preview.contains(&format!("  {VAULT}: name taken elsewhere")),
        "{preview}"
    );
    assert!(
        preview.contains(&format!("  ! {VAULT}: not created: VaultNameTaken:")),
        "{preview}"
    );
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(report["vaults"][0]["error"]["code"], "VaultNameTaken");
}

#[test]
fn a_re_apply_inside_the_read_after_write_window_converges_its_own_vault() {
    // One emulator for both runs, so the second one falls inside the first one's
    // read-after-write window (GETs and lists answer 404 for 4 s after a write).
    let d = Drift::new(&plan_yaml("", ""));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime
        .block_on(kvinit_emulator::start(kvinit_emulator::EmulatorConfig {
            faults: kvinit_emulator::FaultProfile {
                read_after_write_lag_ms: 4000,
                ..kvinit_emulator::FaultProfile::none()
            },
            ..kvinit_emulator::EmulatorConfig::default()
        }))
        .unwrap();
    let base = emu.base_url();
    let ca = d.dir.path().join("emulator-ca.pem");
    std::fs::write(&ca, emu.ca_certificate_pem()).unwrap();
    let apply = || {
        let out = support::bin::kvinit()
            .current_dir(d.dir.path())
            .args(["apply", "-f", "kvinit.yaml", "--yes", "-o", "json"])
            .args(["--arm-endpoint", &base, "--authority-host", &base])
            .arg("--ca-cert")
            .arg(&ca)
            .env("AZURE_TENANT_ID", TENANT)
            .env("AZURE_CLIENT_ID", kvinit_emulator::DEFAULT_CLIENT_ID)
            .env(
                "AZURE_CLIENT_SECRET",
                kvinit_emulator::DEFAULT_CLIENT_SECRET,
            )
            .output()
            .unwrap();
        (
            out.status.code(),
            json_of(&out),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, report, err) = apply();
    assert_eq!(code, Some(0), "{report:#} {err}");
    assert_eq!(report["vaults"][0]["status"], "created");
    // At once again: the read phase does not see the vault yet (the lag); its name is not free.
    let (code, report, err) = apply();
    assert_eq!(code, Some(0), "ours, converged: {report:#}\n{err}");
    let text = format!("{report}{err}");
    assert!(!text.contains("naming.resourceGroup"), "{text}");
    assert!(!text.contains("VaultNameTaken"), "{text}");
    assert!(
        err.contains("name used by this plan's own vault"),
        "the preview says whose name it is: {err}"
    );
    assert_ne!(report["vaults"][0]["status"], "failed", "{report:#}");
    runtime.block_on(emu.shutdown()).unwrap();
}
