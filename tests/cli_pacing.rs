//! The write pacer against a subscription budget far below ARM's default, over real HTTP: the
//! embedded emulator throttles writes with a token bucket of burst 5 and 5 per second per
//! subscription, and `kvinit apply` must learn that budget and converge with few 429s (the
//! pacer sized for ARM's 200/10 used to collect hundreds here).
#![cfg(feature = "emulator")]

use std::path::Path;

use assert_cmd::cargo::CommandCargoExt;
use std::process::Command;

#[test]
fn a_small_write_budget_is_learned_and_the_apply_converges_with_few_429s() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("budget.yaml"),
        "writeBurst: 5\nwriteRefillPerSec: 5\n",
    )
    .unwrap();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.yaml");
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["apply", "--yes", "-o", "json", "-f"])
        .arg(&plan)
        .args(["--emulator=arm.json", "--emulator-faults=budget.yaml"])
        .current_dir(dir.path())
        .env_remove("KVINIT_ARM_ENDPOINT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["created"], 18, "{report}");
    assert_eq!(report["totals"]["failed"], 0, "{report}");
    let throttled = report["requests"]["throttled"].as_u64().unwrap();
    let writes = report["requests"]["writes"].as_u64().unwrap();
    // 3 subscriptions: a few 429s each while the pace halves down to the budget, then AIMD.
    assert!(
        throttled <= 15,
        "{throttled} of {writes} write attempts were throttled: {}",
        report["requests"]
    );
}
