//! Issue 11, item 7: with `-o json`, a run that fails before its first request (bad plan), at
//! the credential (wrong client secret) or in the read phase (nothing answers) prints one JSON
//! error object on stdout — `{"error": {"code", "message", "exitCode"}}` — so pipelines can
//! parse every outcome; never the secret. Loopback only.

use crate::support;

use serde_json::Value;
use support::bin::kvinit;
use support::drift::*;

fn error_of(out: &std::process::Output) -> Value {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON value ({e}); stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v["error"].clone()
}

#[test]
fn a_bad_plan_prints_a_json_error_with_its_location() {
    let d = Drift::new(&plan_yaml("", "").replace("      principalType: Group\n", ""));
    for cmd in ["plan", "apply"] {
        let mut args = vec![cmd, "-f", "kvinit.yaml", "-o", "json"];
        if cmd == "apply" {
            args.push("--yes");
        }
        let out = d.kvinit(&args);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let e = error_of(&out);
        assert_eq!(e["code"], "BadInput", "{cmd}: {e:#}");
        assert_eq!(e["exitCode"], 2);
        let message = e["message"].as_str().unwrap();
        assert!(message.contains("has no principalType"), "{message}");
        assert!(message.contains("(at kvinit.yaml:"), "{message}");
    }
}

#[test]
fn a_wrong_client_secret_and_an_unreachable_arm_print_json_errors_without_the_secret() {
    let d = Drift::new(&plan_yaml("", ""));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime
        .block_on(kvinit_emulator::start(
            kvinit_emulator::EmulatorConfig::default(),
        ))
        .unwrap();
    let base = emu.base_url();
    let ca = d.dir.path().join("emulator-ca.pem");
    std::fs::write(&ca, emu.ca_certificate_pem()).unwrap();
    let ca = ca.display().to_string();
    let wrong = "not-the-secret-Zq9";
    let run = |endpoint: &str, secret: &str| {
        kvinit()
            .current_dir(d.dir.path())
            .args(["apply", "-f", "kvinit.yaml", "--yes", "-o", "json"])
            .args(["--arm-endpoint", endpoint, "--authority-host", &base])
            .args(["--ca-cert", &ca])
            .env("AZURE_TENANT_ID", TENANT)
            .env("AZURE_CLIENT_ID", kvinit_emulator::DEFAULT_CLIENT_ID)
            .env("AZURE_CLIENT_SECRET", secret)
            .output()
            .unwrap()
    };
    let out = run(&base, wrong);
    assert_eq!(out.status.code(), Some(1));
    let e = error_of(&out);
    assert_eq!(e["code"], "Failure", "{e:#}");
    assert_eq!(e["exitCode"], 1);
    // Entra's own code is kept in the JSON error (the emulator answers as Entra does).
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("AADSTS7000215"), "{e:#}");
    assert!(message.contains("AuthenticationFailed"), "{e:#}");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(wrong), "the secret is never printed: {all}");

    // Nothing listens on 127.0.0.1:9: the read phase fails before any write.
    let out = run(
        "https://127.0.0.1:9/",
        kvinit_emulator::DEFAULT_CLIENT_SECRET,
    );
    assert_eq!(out.status.code(), Some(1));
    let e = error_of(&out);
    assert_eq!(e["code"], "Failure", "{e:#}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("reading live state"),
        "{e:#}"
    );
    runtime.block_on(emu.shutdown()).unwrap();
}
