//! `kvinit emulator` as a process: banner with the base URL and dev client ID (never the secret),
//! serves ARM over HTTPS with the CA certificate it writes next to the state file, persists on Ctrl-C (SIGINT) and exits 0; a bad fault profile exits 2
//! naming the file and the field.
#![cfg(feature = "emulator")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

#[test]
fn serves_until_ctrl_c_then_saves_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("emu.json");
    let mut child = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["emulator", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let banner = banner.join("\n");
    let base = banner
        .lines()
        .find_map(|l| l.strip_prefix("kvinit ARM emulator listening on "))
        .expect("base URL in banner")
        .to_string();
    assert!(banner.contains(kvinit_emulator::DEFAULT_CLIENT_ID));
    assert!(banner.contains(&format!("AZURE_AUTHORITY_HOST={base}")));
    assert!(
        !banner.contains(kvinit_emulator::DEFAULT_CLIENT_SECRET),
        "the secret is never printed"
    );
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let mut ca_name = state.as_os_str().to_owned();
    ca_name.push(".ca.pem");
    let ca_path = std::path::PathBuf::from(ca_name);
    let ca_shown = ca_path.display().to_string();
    assert!(
        banner.contains(&format!("--ca-cert {ca_shown}")),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("KVINIT_CA_CERT={ca_shown}")),
        "{banner}"
    );
    let ca_pem = std::fs::read_to_string(&ca_path).expect("CA certificate next to the state file");
    assert!(ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
        let http = reqwest::Client::builder()
            .tls_certs_only([ca])
            .build()
            .unwrap();
        let token: serde_json::Value = http
            .post(format!("{base}/tenant/oauth2/v2.0/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", kvinit_emulator::DEFAULT_CLIENT_ID),
                ("client_secret", kvinit_emulator::DEFAULT_CLIENT_SECRET),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let resp = http
            .put(format!(
                "{base}/subscriptions/s1/resourceGroups/rg1?api-version=2021-04-01"
            ))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .json(&serde_json::json!({"location": "westeurope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
    });

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
    let rest: Vec<String> = lines.collect();
    assert!(rest.iter().any(|l| l.contains("state saved")), "{rest:?}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(
        saved["resources"]
            .get("/subscriptions/s1/resourcegroups/rg1")
            .is_some()
    );
}

#[test]
fn bad_fault_profile_exits_2_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let faults = dir.path().join("faults.yaml");
    std::fs::write(&faults, "seed: 1\nthrotleRate: 0.1\n").unwrap();
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["emulator", "--listen", "127.0.0.1:0", "--faults"])
        .arg(&faults)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("faults.yaml") && err.contains("throtleRate") && err.contains("throttleRate"),
        "{err}"
    );
    std::fs::write(&faults, "conflictRate: 2\n").unwrap();
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["emulator", "--faults"])
        .arg(&faults)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("conflictRate"));
}

/// The emulator's credentials are public and its certificate names loopback hosts only: a
/// non-loopback `--listen` is refused (exit 2) before anything is bound.
#[test]
fn a_non_loopback_listen_address_is_refused() {
    for addr in ["0.0.0.0:0", "[::]:0", "10.1.2.3:8443"] {
        let out = assert_cmd::Command::cargo_bin("kvinit")
            .unwrap()
            .args(["emulator", "--listen", addr])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{addr}: {err}");
        assert!(err.contains("not a loopback address"), "{addr}: {err}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("listening"),
            "{addr} was bound"
        );
    }
}

/// `--now` moves the emulator's clock: after 2027-02-27 a raw request with Key Vault
/// api-version 2022-02-01-preview gets ARM's 400 `InvalidApiVersionParameter`; without a state
/// file the CA certificate goes to the temp dir, named by port. A bad `--now` exits 2.
#[test]
fn now_moves_the_clock_past_the_key_vault_retirement() {
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["emulator", "--listen", "127.0.0.1:0", "--now", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--now") && err.contains("2027-03-01T00:00:00Z"),
        "{err}"
    );

    let mut child = Command::cargo_bin("kvinit")
        .unwrap()
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--now",
            "2027-03-01T00:00:00Z",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let banner = banner.join("\n");
    let base = banner
        .lines()
        .find_map(|l| l.strip_prefix("kvinit ARM emulator listening on "))
        .expect("base URL in banner")
        .to_string();
    assert!(banner.contains("now is 2027-03-01T00:00:0"), "{banner}");
    let port = base.rsplit(':').next().unwrap();
    let ca_path = std::env::temp_dir().join(format!("kvinit-emulator-{port}.ca.pem"));
    assert!(
        banner.contains(&format!("--ca-cert {}", ca_path.display())),
        "{banner}"
    );
    let ca_pem = std::fs::read_to_string(&ca_path).expect("CA certificate in the temp dir");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap()])
            .build()
            .unwrap();
        let token: serde_json::Value = http
            .post(format!("{base}/tenant/oauth2/v2.0/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", kvinit_emulator::DEFAULT_CLIENT_ID),
                ("client_secret", kvinit_emulator::DEFAULT_CLIENT_SECRET),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["access_token"].as_str().unwrap().to_string();
        let rg = http
            .put(format!("{base}/subscriptions/s1/resourceGroups/rg1?api-version=2021-04-01"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"location": "westeurope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(rg.status().as_u16(), 201);
        let vault = format!(
            "{base}/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1"
        );
        let old = http
            .get(format!("{vault}?api-version=2022-02-01-preview"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(old.status().as_u16(), 400);
        let body: serde_json::Value = old.json().await.unwrap();
        assert_eq!(body["error"]["code"], "InvalidApiVersionParameter");
        assert_eq!(
            body["error"]["message"],
            "The api-version '2022-02-01-preview' is invalid. The supported versions are '2026-02-01'."
        );
        let new = http
            .get(format!("{vault}?api-version=2026-02-01"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(new.status().as_u16(), 404, "no such vault yet, but the version is served");
    });
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let _ = std::fs::remove_file(&ca_path);
}
