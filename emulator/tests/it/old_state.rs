//! A state file written by kvinit 0.1.0 (Key Vault bodies from 2022-02-01-preview; the fixture
//! `tests/fixtures/state-0.1.0-contoso.json` at the repository root, made before the move to
//! 2026-02-01) loads, and every vault in it reads back under 2026-02-01 — also after the
//! 2022-02-01-preview retirement — conforming to the 2026-02-01 response schema.
use crate::common;
use common::*;
use kvinit_emulator::spec::validate_response;
use kvinit_emulator::{EmulatorConfig, parse_now};
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/state-0.1.0-contoso.json"
);

#[tokio::test]
async fn vaults_written_by_the_previous_release_read_back_under_2026_02_01() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::copy(FIXTURE, &state).unwrap();
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let vault_ids: Vec<String> = fixture["resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|v| v["type"] == "Microsoft.KeyVault/vaults")
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(vault_ids.len(), 18, "the contoso example has 18 vaults");

    let emu = kvinit_emulator::start(EmulatorConfig {
        state_path: Some(state.clone()),
        now: Some(parse_now("2027-03-01T00:00:00Z").unwrap()),
        read_only: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&emu).await;
    for id in &vault_ids {
        let a = c.get(&format!("{id}?api-version=2026-02-01")).await;
        assert_eq!(a.status, 200, "{id}: {}", a.body);
        let problems = validate_response("2026-02-01/openapi.json", "Vaults_Get", 200, &a.body);
        assert!(problems.is_empty(), "{id}: {problems:?}\n{}", a.body);
        assert_eq!(a.body["id"], id.as_str());
        assert_eq!(a.body["properties"]["enableRbacAuthorization"], true);
        assert_eq!(a.body["properties"]["enablePurgeProtection"], true);
        let old = c.get(&format!("{id}?api-version=2022-02-01-preview")).await;
        assert_eq!(old.code(), "InvalidApiVersionParameter");
    }
    let mut subscriptions: Vec<&str> = vault_ids
        .iter()
        .map(|id| id.split('/').nth(2).unwrap())
        .collect();
    subscriptions.sort_unstable();
    subscriptions.dedup();
    let mut listed = 0;
    for sub in subscriptions {
        let list = c
            .get(&format!(
                "/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01"
            ))
            .await;
        assert_eq!(list.status, 200);
        listed += list.body["value"].as_array().unwrap().len();
        let problems = validate_response(
            "2026-02-01/openapi.json",
            "Vaults_ListBySubscription",
            200,
            &list.body,
        );
        assert!(problems.is_empty(), "{problems:?}");
    }
    assert_eq!(listed, 18);
    emu.shutdown().await.unwrap();
    // A read-only run never rewrites the old file.
    assert_eq!(
        std::fs::read(&state).unwrap(),
        std::fs::read(FIXTURE).unwrap()
    );
}
