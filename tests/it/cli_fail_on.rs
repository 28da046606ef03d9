//! `--fail-on SEVERITY` on `kvinit plan` and `kvinit apply`: a plan whose vaults fail a
//! compliance rule at or above the threshold exits 4, naming vault, rule, severity and detail;
//! `plan` still prints the plan; `apply` sends nothing at all — checked on a standalone emulator
//! reached over real HTTP with the real credential flow, whose request log stays empty (and
//! records the requests of the same apply without the gate, so the check can fail).
#![cfg(feature = "emulator")]

use crate::support;

use support::bin::{assert_exit, kvinit};

/// `examples/minimal.yaml` with its firewall opened (KV-FW, high) and a /8 IP rule
/// (KV-IPWIDE, medium).
fn open_plan(dir: &std::path::Path) -> std::path::PathBuf {
    let minimal = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/minimal.yaml"),
    )
    .unwrap();
    let open = minimal.replace(
        "    ipRules: [203.0.113.0/24]",
        "    defaultAction: Allow\n    ipRules: [20.0.0.0/8]",
    );
    assert_ne!(open, minimal, "examples/minimal.yaml changed shape");
    let path = dir.join("open.yaml");
    std::fs::write(&path, open).unwrap();
    path
}

#[test]
fn plan_prints_the_plan_then_exits_4_at_or_above_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let plan = open_plan(dir.path());
    let plan = plan.to_str().unwrap();

    let out = kvinit().args(["plan", "-f", plan]).output().unwrap();
    assert_exit(&out, 0);

    let out = kvinit()
        .args(["plan", "-f", plan, "--fail-on", "high"])
        .output()
        .unwrap();
    assert_exit(&out, 4);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("kv-payments-dev-weu"), "{stdout}");
    assert!(
        stderr.contains("1 compliance finding at or above --fail-on high in 1 vault:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("kv-payments-dev-weu  KV-FW (high)  networkAcls.defaultAction is Allow"),
        "{stderr}"
    );
    assert!(!stderr.contains("KV-IPWIDE"), "{stderr}");

    let out = kvinit()
        .args(["plan", "-f", plan, "--fail-on", "medium", "-o", "json"])
        .output()
        .unwrap();
    assert_exit(&out, 4);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("KV-IPWIDE (medium)"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["vaults"].as_array().unwrap().len(), 1);

    // A compliant plan passes the strictest gate.
    let out = kvinit()
        .args(["plan", "-f", "examples/contoso.yaml", "--fail-on", "low"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
}

#[test]
fn apply_refuses_before_any_arm_request() {
    let dir = tempfile::tempdir().unwrap();
    let plan = open_plan(dir.path());
    let plan = plan.to_str().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime
        .block_on(kvinit_emulator::start(
            kvinit_emulator::EmulatorConfig::default(),
        ))
        .unwrap();
    let base = emu.base_url();
    let ca = dir.path().join("emulator-ca.pem");
    std::fs::write(&ca, emu.ca_certificate_pem()).unwrap();
    let apply = |extra: &[&str]| {
        kvinit()
            .args(["apply", "-f", plan, "--yes", "-o", "json"])
            .args([
                "--arm-endpoint",
                &base,
                "--authority-host",
                &base,
                "--ca-cert",
            ])
            .arg(&ca)
            .args(extra)
            .env("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47")
            .env("AZURE_CLIENT_ID", kvinit_emulator::DEFAULT_CLIENT_ID)
            .env(
                "AZURE_CLIENT_SECRET",
                kvinit_emulator::DEFAULT_CLIENT_SECRET,
            )
            .output()
            .unwrap()
    };

    let out = apply(&["--fail-on", "high"]);
    assert_exit(&out, 4);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("KV-FW (high)"), "{stderr}");
    assert!(stderr.contains("nothing was sent to ARM"), "{stderr}");
    // `-o json`: no report, one JSON error object (issue 11).
    let error: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON value");
    assert_eq!(error["error"]["code"], "FindingsAtThreshold", "{error:#}");
    assert_eq!(error["error"]["exitCode"], 4);
    assert_eq!(emu.requests().len(), 0, "{:?}", emu.requests());

    // The same apply without the gate does reach the emulator (token + ARM requests), and says
    // which rules the plan fails.
    let out = apply(&[]);
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the plan fails compliance rules (KV-FW, KV-IPWIDE) in 1 vault"),
        "{stderr}"
    );
    assert!(emu.requests().len() > 10, "{:?}", emu.requests());

    // --fail-on applies to plan files, not to a saved change set.
    let out = kvinit()
        .args(["apply", "saved.json", "--fail-on", "high"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    runtime.block_on(emu.shutdown()).unwrap();
}
