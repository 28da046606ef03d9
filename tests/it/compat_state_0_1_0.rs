//! Issue 10, done-when 4 and 5, end to end with the real binary: the emulator state written by
//! kvinit 0.1.0 (`tests/fixtures/state-0.1.0-contoso.json`, made at commit 69b7638 before the move
//! to Key Vault api-version 2026-02-01) is converged by this build with 0 writes, and with the
//! emulator's clock past Key Vault's retirement of older api-versions (2027-03-01, set by the
//! fault profile's `now:`) `apply`, `plan` and `audit` (by plan and by subscription) still
//! succeed — kvinit must send only current api-versions.
#![cfg(feature = "emulator")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/state-0.1.0-contoso.json"
);
const PLAN: &str = "examples/contoso.yaml";
const SUBSCRIPTIONS: [&str; 3] = [
    "2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e",
    "6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10",
    "8a3d5e7f-1c2b-4a6d-8e9f-0b1c2d3e4f50",
];

/// A copy of the fixture in a fresh directory (the fixture itself is never written).
fn old_state(dir: &Path) -> PathBuf {
    let state = dir.join("state.json");
    std::fs::copy(FIXTURE, &state).unwrap();
    state
}

/// `kvinit ARGS --emulator=STATE [--emulator-faults FAULTS] -o json`: (JSON stdout, exit code).
fn run(args: &[&str], state: &Path, faults: Option<&Path>) -> (Value, i32) {
    let mut cmd = Command::cargo_bin("kvinit").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["-o", "json"])
        .arg(format!("--emulator={}", state.display()));
    if let Some(f) = faults {
        cmd.arg("--emulator-faults").arg(f);
    }
    let out = cmd.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}

fn assert_converged_without_writes(state: &Path, faults: Option<&Path>) {
    let (report, code) = run(&["apply", "-f", PLAN, "--yes"], state, faults);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["totals"]["unchanged"], 18, "{report:#}");
    assert_eq!(report["requests"]["writes"], 0, "{report:#}");
    let (plan, code) = run(&["plan", "-f", PLAN, "--detailed-exitcode"], state, faults);
    assert_eq!(code, 0, "no changes: {:#}", plan["summary"]);
    assert_eq!(plan["summary"]["pending"], 0);
}

#[test]
fn state_written_by_0_1_0_converges_with_zero_writes() {
    let dir = tempfile::tempdir().unwrap();
    let state = old_state(dir.path());
    assert_converged_without_writes(&state, None);
}

#[test]
fn after_the_key_vault_retirement_apply_plan_and_audit_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let state = old_state(dir.path());
    let faults = dir.path().join("faults.yaml");
    std::fs::write(&faults, "now: 2027-03-01T00:00:00Z\n").unwrap();
    assert_converged_without_writes(&state, Some(&faults));
    let (by_plan, code) = run(&["audit", "-f", PLAN], &state, Some(&faults));
    assert_eq!(code, 0, "{by_plan:#}");
    let mut by_subscription = vec!["audit"];
    for sub in SUBSCRIPTIONS {
        by_subscription.extend(["--subscription", sub]);
    }
    let (report, code) = run(&by_subscription, &state, Some(&faults));
    assert_eq!(code, 0, "{report:#}");
    assert!(report["findings"].is_array(), "{report:#}");
}
