//! The state file: persisted after every write, loaded at start, and never torn — not even when
//! the emulator process is SIGKILLed in the middle of writes.
use crate::common;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use kvinit_emulator::EmulatorConfig;
use serde_json::{Value, json};

const CHILD_ENV: &str = "KVINIT_EMULATOR_TEST_CHILD_STATE";

async fn start_at(path: &std::path::Path) -> kvinit_emulator::RunningEmulator {
    kvinit_emulator::start(EmulatorConfig {
        state_path: Some(path.to_path_buf()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/state.json");
    let emu = start_at(&path).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "RG-Mixed").await;
    let vault = make_vault(&c, SUB, "RG-Mixed", "kv-persist").await;
    make_vault(&c, SUB, "RG-Mixed", "kv-gone").await;
    c.send(
        "DELETE",
        &format!("{}?{KV}", vault_path(SUB, "RG-Mixed", "kv-gone")),
        None,
    )
    .await;
    // Persisted after every write, before shutdown.
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let key = vault_path(SUB, "RG-Mixed", "kv-persist").to_ascii_lowercase();
    assert_eq!(file["resources"][&key], vault.body);
    assert!(
        file["deletedVaults"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.ends_with("/deletedvaults/kv-gone"))
    );
    emu.shutdown().await.unwrap();

    let emu = start_at(&path).await;
    let c = Client::new(&emu).await;
    let g = c
        .get(&format!(
            "{}?{KV}",
            vault_path(SUB, "rg-mixed", "kv-persist")
        ))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body, vault.body);
    assert_eq!(
        g.body["id"],
        vault_path(SUB, "RG-Mixed", "kv-persist"),
        "IDs keep their original casing"
    );
    let a = make_vault(&c, SUB, "RG-Mixed", "kv-gone").await;
    assert_eq!(
        a.code(),
        "ConflictError",
        "the soft-deleted name is still held after restart"
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_state_file_that_is_not_the_emulators_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "[1, 2").unwrap();
    let err = kvinit_emulator::start(EmulatorConfig {
        state_path: Some(path.clone()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("state.json") && text.contains("not an emulator state file"),
        "{text}"
    );
}

/// Run as a child process by `sigkill_never_tears_the_state_file` (the env var names the state
/// file): serves until killed. Run as a test on its own, it checks that the same start path
/// works and prints the URL line the parent waits for.
#[tokio::test]
async fn child_server() {
    let (path, child) = match std::env::var(CHILD_ENV) {
        Ok(p) => (std::path::PathBuf::from(p), true),
        Err(_) => (tempfile::tempdir().unwrap().keep().join("s.json"), false),
    };
    let emu = start_at(&path).await;
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    let ca = path.with_extension("ca.pem");
    std::fs::write(&ca, emu.ca_certificate_pem()).unwrap();
    println!("READY {}", emu.base_url());
    if child {
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn sigkill_never_tears_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (mut total_acked, mut total_cut) = (0usize, 0usize);
    for round in 0..4u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "persistence::child_server",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let base = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.split("READY ").nth(1).map(|s| s.trim().to_string()))
            .expect("child ready");
        let ca = std::fs::read_to_string(path.with_extension("ca.pem")).expect("child's CA");
        let http = https_client(&ca);
        let c = Client {
            token: token(&base, &http).await,
            base,
            http,
        };
        make_rg(&c, SUB, "rg").await;
        // Open (and TLS-handshake) the 40 connections first, so the writes below start together
        // and the kill lands among them rather than among handshakes.
        let warm: Vec<_> = (0..40)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.get(&format!("{}?{RG_API}", rg_path(SUB, "rg")))
                        .await
                        .status
                })
            })
            .collect();
        for w in warm {
            assert_eq!(w.await.unwrap(), 200);
        }
        // Many concurrent vault writes; kill the process while they are in flight.
        let mut tasks = Vec::new();
        for i in 0..40 {
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                let name = format!("kv-r{round}-{i:02}");
                let url = format!("{}?{KV}", vault_path(SUB, "rg", &name));
                let status = c
                    .try_send("PUT", &url, Some(vault_body(json!({}))))
                    .await
                    .map(|a| a.status);
                (name, status)
            }));
        }
        tokio::time::sleep(Duration::from_millis(20 + 37 * round)).await;
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let mut acknowledged = Vec::new();
        for t in tasks {
            let (name, status) = t.await.unwrap();
            match status {
                Some(201) => acknowledged.push(name),
                None => total_cut += 1,
                Some(other) => panic!("{name}: unexpected {other}"),
            }
        }
        total_acked += acknowledged.len();
        let text = std::fs::read_to_string(&path).expect("state file exists");
        let file: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: torn state file: {e}"));
        for name in &acknowledged {
            let key = vault_path(SUB, "rg", name).to_ascii_lowercase();
            assert!(
                file["resources"].get(&key).is_some(),
                "round {round}: acknowledged {name} lost"
            );
        }
        // The next emulator loads it and cleans up temp files a kill left behind.
        let emu = start_at(&path).await;
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
        emu.shutdown().await.unwrap();
    }
    println!(
        "SIGKILL test: {total_acked} writes acknowledged and kept, {total_cut} cut off by the kill"
    );
    assert!(
        total_acked > 0 && total_cut > 0,
        "the kill must land while writes are in flight"
    );
}
