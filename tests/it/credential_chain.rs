//! kvinit's credential chain through the real binary: against a loopback ARM endpoint with no
//! `AZURE_*` variables, the chain names every step it tried and never falls through to managed
//! identity (the instance-metadata address) or the developer tools — no request leaves the
//! machine. Each run has a short timeout, so a request to 169.254.169.254 (which would hang on a
//! machine that is not an Azure VM) fails the test instead of stalling it.

use crate::support;

use std::time::{Duration, Instant};

use support::bin::kvinit;

const SUB: &str = "0a1b2c3d-4e5f-4a6b-8c7d-000000000a01";
/// Nothing listens on port 9 (discard) of loopback in CI.
const LOOPBACK: &str = "https://127.0.0.1:9";
const TIMEOUT: Duration = Duration::from_secs(30);

fn audit_on_loopback(extra: &[&str]) -> (Option<i32>, String, Duration) {
    let mut cmd = kvinit();
    cmd.args(["audit", "--subscription", SUB, "--arm-endpoint", LOOPBACK])
        .args(extra)
        .env("PATH", "/nonexistent");
    for var in [
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_AUTHORITY_HOST",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
    ] {
        cmd.env_remove(var);
    }
    let started = Instant::now();
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_loopback_target_never_falls_through_to_managed_identity() {
    let (code, stderr, took) = audit_on_loopback(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(took < TIMEOUT, "the run hung ({took:?}): {stderr}");
    for step in [
        "environment (EnvironmentCredential): not configured",
        "workload identity (WorkloadIdentityCredential): not configured",
        "managed identity (ManagedIdentityCredential): skipped: the ARM endpoint is on loopback",
        "Azure CLI (AzureCliCredential): skipped",
        "Azure Developer CLI (AzureDeveloperCliCredential): skipped",
    ] {
        assert!(stderr.contains(step), "missing `{step}` in: {stderr}");
    }
    assert!(!stderr.contains("169.254.169.254"), "{stderr}");
}

#[test]
fn an_explicit_managed_identity_is_refused_for_a_loopback_target() {
    for flag in [
        vec!["--credential", "managed-identity"],
        vec!["--credential", "prod"],
    ] {
        let (code, stderr, took) = audit_on_loopback(&flag);
        assert_eq!(code, Some(1), "{flag:?}: {stderr}");
        assert!(took < TIMEOUT, "{flag:?} hung: {stderr}");
        assert!(
            stderr.contains("managed identity (ManagedIdentityCredential): skipped"),
            "{flag:?}: {stderr}"
        );
        assert!(!stderr.contains("Azure CLI"), "{flag:?}: {stderr}");
    }
}

#[test]
fn an_unknown_credential_name_is_bad_input() {
    let (code, stderr, _) = audit_on_loopback(&["--credential", "browser"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`browser` is not a credential"), "{stderr}");
}

/// A service principal whose certificate cannot be used (a file that is not PKCS#12, as with a
/// wrong password or a PEM file) is configured but broken: the chain stops at the environment
/// step and says so, rather than falling through to managed identity or `az login` and running
/// as another identity (it fell through, and against a non-loopback endpoint hung on
/// 169.254.169.254).
#[test]
fn a_broken_service_principal_certificate_ends_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("sp.p12");
    std::fs::write(&cert, b"-----BEGIN CERTIFICATE-----\nnot pkcs12\n").unwrap();
    let mut cmd = kvinit();
    cmd.args(["audit", "--subscription", SUB, "--arm-endpoint", LOOPBACK])
        .args(["--authority-host", LOOPBACK])
        .env("PATH", "/nonexistent")
        .env("AZURE_CLIENT_ID", "00000000-0000-0000-0000-00000000e001")
        .env("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47")
        .env("AZURE_CLIENT_CERTIFICATE_PATH", &cert)
        .env("AZURE_CLIENT_CERTIFICATE_PASSWORD", "wrong")
        .env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env_remove("AZURE_AUTHORITY_HOST");
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("environment (EnvironmentCredential): configured but unusable"),
        "{stderr}"
    );
    assert!(stderr.contains("the chain stops here"), "{stderr}");
    for later in [
        "WorkloadIdentityCredential",
        "ManagedIdentityCredential",
        "AzureCliCredential",
    ] {
        assert!(
            !stderr.contains(later),
            "the chain went on to {later}: {stderr}"
        );
    }
    assert!(!stderr.contains("wrong"), "the password leaked: {stderr}");
}

/// `AZURE_TOKEN_CREDENTIALS` is shared by every Azure SDK tool on a machine: a value meant for
/// another tool never stops an `--emulator` run (which issues its own token), and an empty value
/// counts as unset (the SDKs' rule) — both exited 2 with "invalid value '' for '--credential'".
#[test]
fn azure_token_credentials_is_ignored_by_the_emulator_and_empty_means_unset() {
    let dir = tempfile::tempdir().unwrap();
    for value in ["garbage", ""] {
        let state = dir.path().join(format!("state-{}.json", value.len()));
        let out = kvinit()
            .args(["plan", "-f", "examples/minimal.yaml"])
            .arg(format!("--emulator={}", state.display()))
            .env("AZURE_TOKEN_CREDENTIALS", value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{value:?}: {stderr}");
    }
    // Empty against a loopback ARM endpoint: the whole chain runs (and is cut at loopback).
    let mut cmd = kvinit();
    cmd.args(["audit", "--subscription", SUB, "--arm-endpoint", LOOPBACK])
        .env("PATH", "/nonexistent")
        .env("AZURE_TOKEN_CREDENTIALS", "");
    for var in ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"] {
        cmd.env_remove(var);
    }
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("environment (EnvironmentCredential): not configured"),
        "{stderr}"
    );
}
