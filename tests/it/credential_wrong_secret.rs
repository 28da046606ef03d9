//! A wrong `AZURE_CLIENT_SECRET` against the emulator (standalone use: `--arm-endpoint`,
//! `--authority-host`, `--ca-cert`), through the real binary and the real azure_identity
//! client-secret credential: exit 1, the error names the environment credential and carries the
//! token endpoint's answer (Entra's `AADSTS7000215`), never the secret; the chain stops there
//! (no managed identity, no ARM request) and no request leaves the machine.

use crate::support;

use std::time::Duration;

use kvinit_emulator::EmulatorConfig;
use support::bin::kvinit;

const TENANT: &str = "00000000-0000-0000-0000-00000000aaaa";
const SUB: &str = "11111111-1111-1111-1111-111111111111";
const WRONG: &str = "not-the-emulators-secret-4711";

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_client_secret_names_the_environment_credential_and_entras_error() {
    let emu = kvinit_emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts");
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("emulator-ca.pem");
    std::fs::write(&pem, emu.ca_certificate_pem()).unwrap();
    let base = emu.base_url();
    let mut cmd = kvinit();
    cmd.args(["audit", "--subscription", SUB, "--arm-endpoint", &base])
        .args(["--authority-host", &base, "--ca-cert"])
        .arg(&pem)
        .env("AZURE_CLIENT_ID", kvinit_emulator::DEFAULT_CLIENT_ID)
        .env("AZURE_TENANT_ID", TENANT)
        .env("AZURE_CLIENT_SECRET", WRONG)
        .env("PATH", "/nonexistent")
        .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env_remove("AZURE_AUTHORITY_HOST");
    let out = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::from_std(cmd)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("environment (EnvironmentCredential) failed"),
        "{stderr}"
    );
    assert!(stderr.contains("AADSTS7000215"), "{stderr}");
    assert!(stderr.contains("AuthenticationFailed"), "{stderr}");
    assert!(
        stderr.contains("check AZURE_TENANT_ID"),
        "the fix is named: {stderr}"
    );
    assert!(!stderr.contains(WRONG), "the secret leaked: {stderr}");
    assert!(!stderr.contains("ManagedIdentityCredential"), "{stderr}");
    let log = emu.requests();
    assert!(
        log.iter().any(|r| r.method == "POST"
            && r.path.ends_with("/oauth2/v2.0/token")
            && r.status == 401),
        "{log:?}"
    );
    assert!(
        !log.iter().any(|r| r.path.starts_with("/subscriptions")),
        "an ARM request was sent without a token: {log:?}"
    );
    emu.shutdown().await.unwrap();
}

/// A token endpoint that does not answer at all (nothing listens on the port): the token
/// request's few retries end within seconds and the error says the endpoint could not be
/// reached and where it comes from (it was retried for 2 min 44 s, then "retry policy expired").
#[test]
fn an_unreachable_token_endpoint_is_named_within_seconds() {
    let endpoint = "https://127.0.0.1:9";
    let mut cmd = kvinit();
    cmd.args(["audit", "--subscription", SUB, "--arm-endpoint", endpoint])
        .args(["--authority-host", endpoint])
        .env("AZURE_CLIENT_ID", kvinit_emulator::DEFAULT_CLIENT_ID)
        .env("AZURE_TENANT_ID", TENANT)
        .env("AZURE_CLIENT_SECRET", WRONG)
        .env("PATH", "/nonexistent")
        .env_remove("KVINIT_CA_CERT")
        .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env_remove("AZURE_AUTHORITY_HOST");
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(40))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("TokenEndpointUnreachable"), "{stderr}");
    assert!(stderr.contains("--authority-host"), "{stderr}");
    assert!(!stderr.contains(WRONG), "the secret leaked: {stderr}");
}
