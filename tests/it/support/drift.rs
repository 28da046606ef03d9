//! The drift scenarios (tests/drift_*.rs, guard_*.rs, plan_live_names.rs): a plan file and an
//! emulator state in a temp folder; the real `kvinit` binary run on the embedded emulator (`--emulator=STATE`, real
//! credential flow over HTTP); and out-of-band changes made through the emulator's ARM API with a
//! bearer token from its token endpoint — never by editing the state file.

use std::path::PathBuf;
use std::process::Output;

use kvinit_emulator::EmulatorConfig;
use serde_json::{Value, json};

pub use super::arm::Arm;
use super::bin::kvinit;

pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const SUB: &str = "6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10";
pub const ADMIN_GROUP: &str = "3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58";
pub const VAULT: &str = "kv-payments-dev-weu";
pub const RG: &str = "rg-payments-dev-weu";

/// The vault's ARM resource ID.
pub fn vault_id() -> String {
    format!("/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/{VAULT}")
}

/// A one-vault plan; `network` and `extra` are YAML lines under `defaults:` (indented 2).
pub fn plan_yaml(network: &str, extra: &str) -> String {
    format!(
        "apiVersion: kvinit/v1\ntenantId: {TENANT}\nregions: [westeurope]\nenvironments:\n  - name: dev\n    subscriptionId: {SUB}\napps:\n  - name: payments\ndefaults:\n  network:\n{network}  roleAssignments:\n    - principalId: {ADMIN_GROUP}\n      principalType: Group\n      role: Key Vault Administrator\n  diagnostics:\n    workspaceId: /subscriptions/{SUB}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-platform\n  alerts:\n    actionGroup: {{ name: \"ag-kv-{{env}}\", shortName: kvops, emails: [oncall@example.com] }}\n  tags: {{ owner: platform }}\n{extra}"
    )
}

/// One drift scenario's files.
pub struct Drift {
    pub dir: tempfile::TempDir,
    pub plan: PathBuf,
    pub state: PathBuf,
}

impl Drift {
    /// Writes `plan` to a fresh temp folder.
    pub fn new(plan: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let plan_path = dir.path().join("kvinit.yaml");
        std::fs::write(&plan_path, plan).unwrap();
        let state = dir.path().join("emulator.json");
        Self {
            dir,
            plan: plan_path,
            state,
        }
    }

    /// Runs `kvinit ARGS --emulator=STATE` in the temp folder.
    pub fn kvinit(&self, args: &[&str]) -> Output {
        kvinit()
            .current_dir(self.dir.path())
            .args(args)
            .arg(format!("--emulator={}", self.state.display()))
            .output()
            .unwrap()
    }

    /// `kvinit apply --yes -o json` (plus `extra`); returns the report and exit code.
    pub fn apply_with(&self, extra: &[&str]) -> (Value, i32) {
        let mut args = vec!["apply", "-f", "kvinit.yaml", "--yes", "-o", "json"];
        args.extend_from_slice(extra);
        let out = self.kvinit(&args);
        (json_of(&out), out.status.code().unwrap_or(-1))
    }

    /// `kvinit apply`, which must converge every vault (exit 0).
    pub fn apply(&self) -> Value {
        let (report, code) = self.apply_with(&[]);
        assert_eq!(code, 0, "apply exit code; report: {report:#}");
        report
    }

    /// `kvinit plan --detailed-exitcode -o json` (plus `extra`); returns the plan and exit code.
    pub fn plan_with(&self, extra: &[&str]) -> (Value, i32) {
        let mut args = vec![
            "plan",
            "-f",
            "kvinit.yaml",
            "--detailed-exitcode",
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = self.kvinit(&args);
        (json_of(&out), out.status.code().unwrap_or(-1))
    }

    /// Asserts that a live plan shows no changes and exits 0.
    pub fn assert_no_changes(&self) {
        let (plan, code) = self.plan_with(&[]);
        assert_eq!(code, 0, "plan --detailed-exitcode after apply: {plan:#}");
        assert_eq!(plan["liveState"], "read");
        assert_eq!(plan["summary"]["pending"], 0, "{:#}", plan["summary"]);
        for r in resources(&plan) {
            assert_eq!(r["action"], "noChange", "{r:#}");
            assert_eq!(r["changes"], json!([]), "{r:#}");
        }
    }

    /// Runs `f` against the emulator serving this state (started in-process for the change,
    /// then shut down so the state file is saved), with a token from its token endpoint.
    pub fn out_of_band<F, Fut>(&self, f: F)
    where
        F: FnOnce(Arm) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let emu = kvinit_emulator::start(EmulatorConfig {
                state_path: Some(self.state.clone()),
                ..EmulatorConfig::default()
            })
            .await
            .unwrap();
            let arm = Arm::connect(emu.base_url(), emu.ca_certificate_pem(), TENANT).await;
            f(arm).await;
            emu.shutdown().await.unwrap();
        });
    }
}

/// Parses stdout as JSON, showing stderr when it is not.
pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}); exit {:?}; stdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every resource entry of every vault of a plan's JSON.
pub fn resources(plan: &Value) -> Vec<&Value> {
    plan["vaults"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["resources"].as_array().unwrap())
        .collect()
}

/// The plan's vault resource entry.
pub fn vault_entry(plan: &Value) -> &Value {
    resources(plan)
        .into_iter()
        .find(|r| r["type"] == "Microsoft.KeyVault/vaults")
        .expect("the plan has a vault")
}

/// Asserts that only the vault is pending, as an update of exactly `changes` (path, before,
/// after), and everything else is unchanged.
pub fn assert_only_vault_changes(plan: &Value, changes: Value) {
    for r in resources(plan) {
        if r["type"] == "Microsoft.KeyVault/vaults" {
            assert_eq!(r["action"], "update", "{r:#}");
            assert_eq!(r["changes"], changes, "{r:#}");
        } else {
            assert_eq!(r["action"], "noChange", "{r:#}");
        }
    }
    assert_eq!(plan["summary"]["pending"], 1, "{:#}", plan["summary"]);
}

impl Arm {
    /// Reads the vault, lets `edit` change its body, and PUTs it back (as the portal or another
    /// tool does: the whole vault, read-only fields dropped).
    pub async fn edit_vault(&self, edit: impl FnOnce(&mut Value)) {
        let id = vault_id();
        let mut body = self.get(&id, VAULT_API).await;
        for k in ["id", "name", "type", "systemData", "etag"] {
            body.as_object_mut().unwrap().remove(k);
        }
        let props = body["properties"].as_object_mut().unwrap();
        for k in [
            "provisioningState",
            "vaultUri",
            "hsmPoolResourceId",
            "privateEndpointConnections",
        ] {
            props.remove(k);
        }
        edit(&mut body);
        self.put(&id, VAULT_API, body).await;
    }
}

/// Key Vault's api-version.
pub const VAULT_API: &str = "2026-02-01";
/// Role assignments' api-version.
pub const RA_API: &str = "2022-04-01";
