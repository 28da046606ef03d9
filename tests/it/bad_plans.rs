//! Bad plans: every `tests/bad_plans/*.yaml` must make `kvinit plan` exit 2 with nothing on
//! stdout and exactly the diagnostics in the matching `.stderr` file (file:line:column, field,
//! cell, hint). Data-driven: add a plan and its expected output to add a case. Set
//! `UPDATE_EXPECT=1` to rewrite the `.stderr` files from the current output (review the diff!).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn bad_plans() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_plans");
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad_plans exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    plans
}

#[test]
fn every_bad_plan_exits_2_with_its_exact_diagnostics() {
    let plans = bad_plans();
    assert!(
        plans.len() >= 15,
        "expected at least 15 bad plans, found {}",
        plans.len()
    );
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for plan in &plans {
        let rel = plan.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        let out = Command::cargo_bin("kvinit")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["plan", "-f"])
            .arg(rel)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let expect_path = plan.with_extension("stderr");
        if update {
            std::fs::write(&expect_path, &stderr).unwrap();
        }
        let expect = std::fs::read_to_string(&expect_path).unwrap_or_default();
        if out.status.code() != Some(2) {
            failures.push(format!(
                "{}: exit {:?}, want 2",
                rel.display(),
                out.status.code()
            ));
        }
        if !out.stdout.is_empty() {
            failures.push(format!("{}: stdout is not empty", rel.display()));
        }
        if stderr != expect {
            failures.push(format!(
                "{}:\n--- want ---\n{expect}--- got ---\n{stderr}",
                rel.display()
            ));
        }
        // Every diagnostic names the file, a line and column, and the summary says nothing was sent.
        assert!(
            stderr.contains(&format!("  --> {}:", rel.display())),
            "{stderr}"
        );
        assert!(
            stderr.trim_end().ends_with("nothing was sent to Azure"),
            "{stderr}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn missing_plan_file_exits_2_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(dir.path())
        .args(["plan", "-f", "nope.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot read the plan file `nope.yaml`: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: pass the plan with `-f FILE`, or write one with `kvinit init`"),
        "{stderr}"
    );
}

#[test]
fn a_bad_plan_with_live_flags_exits_2_before_reading_live_state() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("bad.yaml");
    std::fs::write(&plan, "apiVersion: kvinit/v1\ntenantId: not-a-guid\n").unwrap();
    let state = dir.path().join(".kvinit").join("emulator.json");
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["plan", "--detailed-exitcode", "--out"])
        .arg(dir.path().join("changes.json"))
        .arg("-f")
        .arg(&plan)
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("tenantId"), "{stderr}");
    assert!(!state.parent().unwrap().exists(), "no emulator was started");
    assert!(
        !dir.path().join("changes.json").exists(),
        "no change set saved"
    );
}

/// Issue 11 item 10: an app name starting with a digit is fine when the vault pattern starts
/// with a letter (`kv-{app}`), and an app name longer than 20 characters is fine when
/// `naming.vault` truncates it (`{app:8}`); the generated names are what ARM checks.
#[test]
fn digit_first_and_long_truncated_app_names_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("names.yaml");
    std::fs::write(
        &plan,
        "apiVersion: kvinit/v1\ntenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\nregions: [westeurope]\nnaming:\n  vault: \"kv-{app:8}-{env}\"\n  resourceGroup: \"rg-{app}-{env}\"\nenvironments:\n  - name: prod\n    subscriptionId: 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e\napps:\n  - name: 365portal\n  - name: customer-self-service-portal\n",
    )
    .unwrap();
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["plan", "-o", "json", "-f"])
        .arg(&plan)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"kv-365porta-prod\""), "{text}");
    assert!(text.contains("\"kv-customer-prod\""), "{text}");
    assert!(
        text.contains("\"rg-customer-self-service-portal-prod\""),
        "{text}"
    );
}
