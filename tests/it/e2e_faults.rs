//! Apply converging through ARM as it really behaves (issue 3): 100 vaults (10 apps × 5
//! environments × 2 regions) against the emulator with faults at once — 10% 429, 5% 5xx, 2%
//! in-flight 409s, a 2-second read-after-write window, 1-second vault provisioning, ARM's write
//! and read budgets. Over HTTP, with the real credential flow. Also: SIGKILL in the middle of
//! such an apply, then apply again.

/// Prints the run's figures (requests, retries, 429s seen, wall time) straight to the process's
/// stderr, past libtest's output capture, so that every `cargo test` run — CI included — shows
/// them (issue: "its figures … are printed by the test").
macro_rules! figures {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "[e2e_faults] {}", format!($($arg)*));
    }};
}

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kvinit::apply::{self, ApplyOptions, Interrupt, SilentReporter};
use kvinit::azure::{ArmClient, ClientSettings, Target};
use kvinit::model::desired::desired_state;
use kvinit_emulator::{EmulatorConfig, FaultProfile, RunningEmulator};
use serde_json::Value;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ENVS: [&str; 5] = ["dev", "test", "stage", "prod", "qa"];

const FAULTS: &str = "seed: 7
throttleRate: 0.10
serverErrorRate: 0.05
conflictRate: 0.02
readAfterWriteLagMs: 2000
provisioningMs: 1000
writeBurst: 200
writeRefillPerSec: 10
readBurst: 250
readRefillPerSec: 25
";

fn sub(i: usize) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", i + 1, i + 1)
}

/// The generated plan: 10 apps × 5 environments (5 subscriptions) × 2 regions.
fn big_plan() -> String {
    let mut y = format!(
        "apiVersion: kvinit/v1\ntenantId: {TENANT}\nregions: [westeurope, northeurope]\nenvironments:\n"
    );
    for (i, env) in ENVS.iter().enumerate() {
        y += &format!("  - name: {env}\n    subscriptionId: {}\n", sub(i));
    }
    y += "apps:\n";
    for a in 0..10 {
        y += &format!("  - name: app{a}\n");
    }
    y += &format!(
        "defaults:
  network:
    ipRules: [203.0.113.0/24]
  roleAssignments:
    - {{ principalId: 3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58, principalType: Group, role: Key Vault Administrator }}
  diagnostics:
    workspaceId: /subscriptions/{}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law
  alerts:
    actionGroup: {{ name: \"ag-kv-{{env}}\", shortName: kvops, emails: [oncall@example.com] }}
",
        sub(0)
    );
    y
}

async fn start(state: &Path, faults: FaultProfile) -> RunningEmulator {
    kvinit_emulator::start(EmulatorConfig {
        state_path: Some(state.to_path_buf()),
        faults,
        client_secret: "faults-test-secret".into(),
        assume_referenced_exist: true,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts")
}

/// ARM clients for `emu` (started by [`start`]) over the real credential flow.
fn clients_for(emu: &RunningEmulator) -> ArmClient {
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT.into(),
        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.into(),
        client_secret: "faults-test-secret".into(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    ArmClient::connect(&target, ClientSettings::default()).unwrap()
}

fn resources(state: &Path) -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    v["resources"].as_object().unwrap().clone()
}

/// Every vault compliant, and no child resource duplicated.
fn assert_converged(state: &Path) {
    let res = resources(state);
    let mut vaults = 0;
    for (id, body) in &res {
        let segs = id.split('/').count();
        if id.contains("/providers/microsoft.keyvault/vaults/") && segs == 9 {
            vaults += 1;
            let p = &body["properties"];
            assert_eq!(p["enableRbacAuthorization"], true, "{id}");
            assert_eq!(p["enablePurgeProtection"], true, "{id}");
            assert_eq!(p["softDeleteRetentionInDays"], 90, "{id}");
            assert_eq!(p["networkAcls"]["defaultAction"], "Deny", "{id}");
            assert_eq!(p["provisioningState"], "Succeeded", "{id}");
            let under = |kind: &str| {
                res.keys()
                    .filter(|k| k.starts_with(&format!("{id}/providers/")) && k.contains(kind))
                    .count()
            };
            assert_eq!(under("/roleassignments/"), 1, "{id}: role assignments");
            assert_eq!(
                under("/diagnosticsettings/"),
                1,
                "{id}: diagnostic settings"
            );
            let rg = &id[..id.find("/providers/").unwrap()];
            let name = id.rsplit('/').next().unwrap();
            let alerts = res
                .keys()
                .filter(|k| {
                    k.starts_with(&format!(
                        "{rg}/providers/microsoft.insights/metricalerts/{name}-"
                    ))
                })
                .count();
            assert_eq!(alerts, 3, "{id}: metric alerts");
            assert!(res.contains_key(&format!(
                "{rg}/providers/microsoft.insights/activitylogalerts/{name}-deleted"
            )));
        }
    }
    assert_eq!(vaults, 100);
    let groups = res.keys().filter(|k| k.contains("/actiongroups/")).count();
    assert_eq!(groups, 5, "one action group per environment");
    let assignments = res
        .keys()
        .filter(|k| k.contains("/roleassignments/"))
        .count();
    assert_eq!(assignments, 100, "no duplicate role assignments");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_vaults_converge_through_faults_and_the_next_apply_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let plan = kvinit::plan_file::parse(Path::new("big.yaml"), &big_plan()).expect("valid plan");
    let desired = desired_state(&plan);
    assert_eq!(desired.vaults.len(), 100);
    let faults = FaultProfile::from_yaml(FAULTS).unwrap();

    let emu = start(&state, faults.clone()).await;
    let clients = clients_for(&emu);
    let started = Instant::now();
    let report = apply::apply(
        &clients,
        &desired,
        ApplyOptions::default(),
        Arc::new(SilentReporter),
        Interrupt::new(),
    )
    .await
    .expect("observe succeeds");
    let wall = started.elapsed();
    let stats = emu.stats();
    figures!(
        "100 vaults with faults: {} reads, {} writes, {} retries, {} answered 429 (emulator: {} throttled, {} 5xx, {} 409s, {} read-after-write 404s), {:.1} s wall",
        report.requests.reads,
        report.requests.writes,
        report.requests.retries,
        report.requests.throttled,
        stats.throttled,
        stats.server_errors,
        stats.conflicts,
        stats.lag_404s,
        wall.as_secs_f64()
    );
    let failed: Vec<_> = report.vaults.iter().filter(|v| v.error.is_some()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(report.totals.created, 100);
    assert!(
        stats.throttled + stats.server_errors > 0,
        "faults were injected"
    );
    let deletes: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE" || r.path.to_ascii_lowercase().ends_with("/purge"))
        .collect();
    assert!(deletes.is_empty(), "{deletes:?}");
    emu.shutdown().await.unwrap();
    assert_converged(&state);

    // The next apply (faults still on) writes nothing.
    let emu = start(&state, faults).await;
    let clients = clients_for(&emu);
    let again = apply::apply(
        &clients,
        &desired,
        ApplyOptions::default(),
        Arc::new(SilentReporter),
        Interrupt::new(),
    )
    .await
    .unwrap();
    figures!(
        "re-apply: {} reads, {} writes, {} retries",
        again.requests.reads,
        again.requests.writes,
        again.requests.retries
    );
    assert_eq!(again.totals.unchanged, 100, "{:#?}", again.totals);
    assert_eq!(again.requests.writes, 0);
    let writes = emu
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && r.path.starts_with("/subscriptions"))
        .count();
    assert_eq!(writes, 0);
    emu.shutdown().await.unwrap();
}

#[test]
fn sigkill_in_the_middle_then_apply_again_converges_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("big.yaml");
    std::fs::write(&plan, big_plan()).unwrap();
    let faults = dir.path().join("faults.yaml");
    std::fs::write(&faults, FAULTS).unwrap();
    let state = dir.path().join("s.json");
    let args = |cmd: &mut std::process::Command| {
        cmd.arg("apply")
            .arg("-f")
            .arg(&plan)
            .arg(format!("--emulator={}", state.display()))
            .arg("--emulator-faults")
            .arg(&faults)
            .args(["--yes", "-o", "json"]);
    };
    // A random moment between 2 and 12 seconds into the apply.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let kill_after = Duration::from_millis(2000 + u64::from(nanos % 10_000));
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kvinit"));
    args(&mut cmd);
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(kill_after);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    figures!("killed after {:.1} s", kill_after.as_secs_f64());

    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kvinit"));
    args(&mut cmd);
    let out = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["totals"]["failed"], 0);
    assert_converged(&state);

    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kvinit"));
    args(&mut cmd);
    let out = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["unchanged"], 100, "{:#}", report["totals"]);
    assert_eq!(report["requests"]["writes"], 0);
}
