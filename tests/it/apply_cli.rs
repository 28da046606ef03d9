//! `kvinit apply`'s refusals, through the real binary: bad input exits 2 before the emulator
//! starts or any request is made (so no emulator state file appears), and without a terminal
//! it refuses to apply without `--yes`.

use crate::support;

use support::bin::{assert_exit, kvinit};

#[test]
fn without_a_terminal_and_without_yes_it_refuses_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let out = kvinit()
        .args(["apply", "-f", "examples/minimal.yaml", "-o", "json"])
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--yes"), "{stderr}");
    // `-o json`: the refusal is one JSON error object on stdout (issue 11), nothing else.
    let error: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON value");
    assert_eq!(error["error"]["code"], "BadInput", "{error:#}");
    assert_eq!(error["error"]["exitCode"], 2);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("needs confirmation"),
        "{error:#}"
    );
    assert!(!state.exists(), "no emulator was started");
}

#[test]
fn a_bad_plan_exits_2_and_starts_no_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("bad.yaml");
    std::fs::write(
        &plan,
        "apiVersion: kvinit/v1\ntenantId: not-a-guid\nregions: [westeurope]\nenvironments:\n  - name: dev\n    subscriptionId: 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10\napps:\n  - name: payments\n",
    )
    .unwrap();
    let state = dir.path().join(".kvinit").join("emulator.json");
    let out = kvinit()
        .args(["apply", "--yes", "-f"])
        .arg(&plan)
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tenantId"), "{stderr}");
    assert!(stderr.contains("bad.yaml"), "{stderr}");
    assert!(!state.exists(), "the emulator state file was not created");
    assert!(!state.parent().unwrap().exists(), "not even its directory");
}

#[test]
fn a_missing_plan_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let out = kvinit()
        .args(["apply", "--yes", "-f", "does-not-exist.yaml"])
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does-not-exist.yaml"));
    assert!(!state.exists());
}

#[test]
fn the_table_report_names_every_vault_and_the_request_counts() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let out = kvinit()
        .args(["apply", "--yes", "-f", "examples/minimal.yaml"])
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("kv-payments-dev-weu  created"), "{stdout}");
    assert!(stdout.contains("1 vault: 1 created"), "{stdout}");
    assert!(stdout.contains("writes"), "{stdout}");
    // Progress goes to stderr as plain lines without a terminal; no secret appears anywhere.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kv-payments-dev-weu: created"), "{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.to_lowercase().contains("bearer"), "{text}");
        assert!(!text.contains("client_secret"), "{text}");
    }
}

/// `-o yaml` is the JSON report as YAML: the same fields, the same values.
#[test]
fn the_yaml_report_is_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let run = |format: &str| {
        let out = kvinit()
            .args([
                "apply",
                "--yes",
                "-f",
                "examples/minimal.yaml",
                "-o",
                format,
            ])
            .arg(format!("--emulator={}", state.display()))
            .output()
            .unwrap();
        assert_exit(&out, 0);
        out.stdout
    };
    let created: serde_json::Value = serde_yaml::from_slice(&run("yaml")).expect("YAML");
    assert_eq!(created["vaults"][0]["name"], "kv-payments-dev-weu");
    assert_eq!(created["vaults"][0]["status"], "created");
    // A second run changes nothing; its YAML and JSON reports are the same document.
    let yaml: serde_json::Value = serde_yaml::from_slice(&run("yaml")).expect("YAML");
    let json: serde_json::Value = serde_json::from_slice(&run("json")).expect("JSON");
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&yaml), keys(&json));
    assert_eq!(yaml["vaults"], json["vaults"]);
    assert_eq!(yaml["vaults"][0]["status"], "unchanged");
}

#[test]
fn ctrl_c_stops_starting_work_reports_what_was_done_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let faults = dir.path().join("slow.yaml");
    // Slow answers so the apply is still running when the signal arrives.
    std::fs::write(&faults, "latencyMs: 150\nprovisioningMs: 500\n").unwrap();
    let child = kvinit()
        .args([
            "apply",
            "--yes",
            "-o",
            "json",
            "--concurrency",
            "2",
            "-f",
            "examples/contoso.yaml",
        ])
        .arg(format!("--emulator={}", state.display()))
        .arg("--emulator-faults")
        .arg(&faults)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_exit(&out, 130);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the report is printed");
    assert_eq!(report["interrupted"], true);
    let totals = &report["totals"];
    assert!(totals["interrupted"].as_u64().unwrap_or(0) > 0, "{totals}");
    assert!(totals["created"].as_u64().unwrap() < 18, "{totals}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));

    // What was left is converged by the next run.
    let out = kvinit()
        .args([
            "apply",
            "--yes",
            "-o",
            "json",
            "-f",
            "examples/contoso.yaml",
        ])
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["failed"], 0);
}
