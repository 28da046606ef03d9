//! Ctrl-C / SIGTERM during `kvinit apply` while it waits on ARM — for a write budget that
//! refills once every 20 s — stops the run instead of waiting it out: exit 130 with the JSON
//! report (vaults interrupted, nothing failed), and a re-run converges. Before, every waiting
//! write counted as "in flight" and the run went on writing for minutes.
#![cfg(all(feature = "emulator", unix))]

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::bin::{assert_exit, kvinit};

/// `kvinit apply -f examples/minimal.yaml --yes -o json --emulator=STATE`.
fn apply_minimal(state: &std::path::Path) -> Command {
    let mut cmd = kvinit();
    cmd.args([
        "apply",
        "-f",
        "examples/minimal.yaml",
        "--yes",
        "-o",
        "json",
    ])
    .arg(format!("--emulator={}", state.display()));
    cmd
}

fn run_and_signal(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("slow.yaml"),
        "writeBurst: 2\nwriteRefillPerSec: 0.05\n",
    )
    .unwrap();
    let state = dir.path().join("arm.json");
    let child = apply_minimal(&state)
        .arg(format!(
            "--emulator-faults={}",
            dir.path().join("slow.yaml").display()
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Two writes go at once, then one every 20 s: by now the run is waiting on the budget.
    std::thread::sleep(Duration::from_secs(2));
    let signalled = Instant::now();
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stopped_after = signalled.elapsed();
    assert_exit(&out, 130);
    // The budget would have held the run for minutes; the grace for requests in flight is 3 s.
    assert!(
        stopped_after < Duration::from_secs(15),
        "{signal}: still running {stopped_after:?} after the signal"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["interrupted"], true, "{report}");
    assert_eq!(report["totals"]["interrupted"], 1, "{report}");
    assert_eq!(report["totals"]["failed"], 0, "{report}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("interrupted: no new request is sent"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("\u{1b}["),
        "no escape codes off a terminal: {stderr:?}"
    );

    // Without the slow budget, the next run converges and the one after changes nothing.
    let again = || apply_minimal(&state).output().unwrap();
    let out = again();
    assert_exit(&out, 0);
    let out = again();
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["requests"]["writes"], 0, "{report}");
}

#[test]
fn sigint_while_waiting_for_the_write_budget_stops_the_run() {
    run_and_signal("-INT");
}

#[test]
fn sigterm_while_waiting_for_the_write_budget_stops_the_run() {
    run_and_signal("-TERM");
}
