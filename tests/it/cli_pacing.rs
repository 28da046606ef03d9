//! The pacer against subscription budgets far below ARM's default, over real HTTP: the embedded
//! emulator throttles with a token bucket per subscription, and kvinit must learn the budget
//! from ARM's remaining-requests headers. Writes: `kvinit apply` with burst 5 and 5 per second
//! converges with about one 429 per subscription (the pacer sized for ARM's 200/10 used to
//! collect hundreds). Reads:
//! a live `kvinit plan` with a read burst of 4 receives no 429 at all (an unpaced one received
//! one per read past the burst).
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
    // 3 subscriptions: the pacer assumes ARM's 10/s until a 429 shows the budget spent, then a
    // probe measures the real 5/s — about one 429 per subscription (3 seen; two each at most).
    assert!(
        throttled <= 6,
        "{throttled} of {writes} write attempts were throttled: {}",
        report["requests"]
    );
}

fn kvinit(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("kvinit")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_remove("KVINIT_ARM_ENDPOINT")
        .output()
        .unwrap()
}

/// A live `kvinit plan` of `examples/contoso.yaml` (18 vaults, ~15 reads per subscription)
/// against an emulator state where everything exists, with a read bucket of `burst` and
/// `refill` per second per subscription; returns the JSON report's `requests`.
fn live_plan_with_read_budget(burst: u32, refill: f64) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.yaml");
    let plan = plan.to_str().unwrap();
    let created = kvinit(
        dir.path(),
        &[
            "apply",
            "--yes",
            "-o",
            "json",
            "-f",
            plan,
            "--emulator=arm.json",
        ],
    );
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    std::fs::write(
        dir.path().join("reads.yaml"),
        format!("readBurst: {burst}\nreadRefillPerSec: {refill}\n"),
    )
    .unwrap();
    let out = kvinit(
        dir.path(),
        &[
            "plan",
            "-o",
            "json",
            "-f",
            plan,
            "--emulator=arm.json",
            "--emulator-faults=reads.yaml",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let requests = report["requests"].clone();
    assert!(requests["reads"].as_u64().unwrap() > 12, "{requests}");
    assert_eq!(requests["writes"], 0, "{requests}");
    requests
}

#[test]
fn a_live_plan_waits_for_a_spent_read_budget_without_a_429() {
    // ARM's refill rate, but only 4 reads at once: most reads wait for the refill, and the
    // pacer, told the budget by the first answer's header, sends none too early.
    let requests = live_plan_with_read_budget(4, 25.0);
    assert_eq!(requests["throttled"], 0, "{requests}");
}

#[test]
fn a_live_plan_learns_a_read_refill_below_arms_with_one_429_per_subscription() {
    // A refill of 10/s where ARM publishes 25/s: the pacer cannot know it before the first 429
    // of each subscription (3 here); the probe after that 429 measures the rate, and no
    // further read is throttled.
    let requests = live_plan_with_read_budget(4, 10.0);
    assert!(requests["throttled"].as_u64().unwrap() <= 3, "{requests}");
}
