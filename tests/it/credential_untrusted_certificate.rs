//! An emulator (or any https endpoint) whose certificate kvinit was not told to trust
//! (`--ca-cert` / `KVINIT_CA_CERT` missing): the token request is refused by rustls. That is not a
//! transient I/O error: kvinit must not retry it for the retry policy's whole budget (minutes,
//! silently — 2 min 43 s before this test existed), and its error must name the certificate
//! problem and the fix. Through the real binary, the real credential flow and real TLS.

use crate::support;

use std::time::Duration;

use kvinit_emulator::EmulatorConfig;
use support::bin::kvinit;

const TENANT: &str = "00000000-0000-0000-0000-00000000aaaa";
const SUB: &str = "11111111-1111-1111-1111-111111111111";

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_fails_at_once_and_names_the_fix() {
    let emu = kvinit_emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts");
    let base = emu.base_url();
    let mut cmd = kvinit();
    cmd.args(["audit", "--subscription", SUB, "--arm-endpoint", &base])
        .args(["--authority-host", &base])
        .env("AZURE_CLIENT_ID", kvinit_emulator::DEFAULT_CLIENT_ID)
        .env("AZURE_TENANT_ID", TENANT)
        .env(
            "AZURE_CLIENT_SECRET",
            kvinit_emulator::DEFAULT_CLIENT_SECRET,
        )
        .env("PATH", "/nonexistent")
        .env_remove("KVINIT_CA_CERT")
        .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env_remove("AZURE_AUTHORITY_HOST");
    // The bound is the assertion: retrying the handshake as an I/O error takes minutes.
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
    assert!(stderr.contains("CertificateNotTrusted"), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(stderr.contains(&base), "the endpoint is named: {stderr}");
    assert!(stderr.contains("--ca-cert"), "the fix is named: {stderr}");
    assert!(
        !stderr.contains(kvinit_emulator::DEFAULT_CLIENT_SECRET),
        "the secret leaked: {stderr}"
    );
    // The handshake failed, so no request reached the emulator's handlers at all.
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
    emu.shutdown().await.unwrap();
}
