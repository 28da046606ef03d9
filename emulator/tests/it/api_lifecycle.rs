//! The api-version lifecycle over real HTTPS: Key Vault versions before 2026-02-01 work with an
//! `azure-deprecating` notice until 2027-02-27 and are refused with ARM's 400
//! `InvalidApiVersionParameter` from then on (the emulator's clock is settable); 2026-02-01's
//! `enableRbacAuthorization` default; the request log records each request's api-version.
use crate::common;
use common::*;
use kvinit_emulator::{EmulatorConfig, FaultProfile, RunningEmulator, parse_now};
use serde_json::json;

const KV26: &str = "api-version=2026-02-01";

async fn start_at_time(now: &str) -> RunningEmulator {
    kvinit_emulator::start(EmulatorConfig {
        now: Some(parse_now(now).unwrap()),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start")
}

#[tokio::test]
async fn after_the_retirement_old_key_vault_versions_get_arms_400() {
    let emu = start_at_time("2027-03-01T00:00:00Z").await;
    assert!(emu.now() >= parse_now("2027-03-01T00:00:00Z").unwrap());
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let path = vault_path(SUB, "rg", "kv-lifecycle");
    let made = c
        .put(&format!("{path}?{KV26}"), vault_body(json!({})))
        .await;
    assert_eq!(made.status, 201, "{}", made.body);

    let old = c
        .get(&format!("{path}?api-version=2022-02-01-preview"))
        .await;
    assert_eq!(old.status, 400);
    assert_eq!(old.code(), "InvalidApiVersionParameter");
    assert_eq!(
        old.body["error"]["message"],
        "The api-version '2022-02-01-preview' is invalid. The supported versions are '2026-02-01'."
    );
    let put_old = c
        .put(
            &format!("{path}?api-version=2022-02-01-preview"),
            vault_body(json!({})),
        )
        .await;
    assert_eq!(put_old.status, 400);
    assert_eq!(put_old.code(), "InvalidApiVersionParameter");
    let list_old = c
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.KeyVault/deletedVaults?api-version=2022-02-01-preview"
        ))
        .await;
    assert_eq!(list_old.code(), "InvalidApiVersionParameter");

    let now = c.get(&format!("{path}?{KV26}")).await;
    assert_eq!(now.status, 200);
    assert!(now.header("azure-deprecating").is_none());
    // Timestamps come from the emulator's clock.
    assert!(
        now.body["systemData"]["createdAt"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-01T"),
        "{}",
        now.body
    );

    let log = emu.requests();
    let versions: Vec<(String, Option<String>, u16)> = log
        .iter()
        .filter(|r| r.path.contains("kv-lifecycle"))
        .map(|r| (r.method.clone(), r.api_version.clone(), r.status))
        .collect();
    assert_eq!(
        versions,
        vec![
            ("PUT".into(), Some("2026-02-01".into()), 201),
            ("GET".into(), Some("2022-02-01-preview".into()), 400),
            ("PUT".into(), Some("2022-02-01-preview".into()), 400),
            ("GET".into(), Some("2026-02-01".into()), 200),
        ]
    );
    assert!(
        log.iter()
            .any(|r| r.path.ends_with("/oauth2/v2.0/token") && r.api_version.is_none())
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn before_the_retirement_old_versions_work_with_a_deprecation_notice() {
    let emu = start_at_time("2027-02-26T23:00:00Z").await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let path = vault_path(SUB, "rg", "kv-notice");
    let a = c.put(&format!("{path}?{KV}"), vault_body(json!({}))).await;
    assert_eq!(a.status, 201);
    assert_eq!(
        a.header("azure-deprecating").as_deref(),
        Some(
            "API version 2022-02-01-preview will retire on 2027-02-27 (https://learn.microsoft.com/azure/key-vault/general/migrate-api-version)"
        )
    );
    let new = c.get(&format!("{path}?{KV26}")).await;
    assert_eq!(new.status, 200);
    assert!(new.header("azure-deprecating").is_none());
    // Versions no resource type of this kind ever had are refused at any time, listing both.
    let never = c.get(&format!("{path}?api-version=2019-09-01")).await;
    assert_eq!(never.code(), "InvalidApiVersionParameter");
    assert!(
        never.body["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("The supported versions are '2026-02-01,2022-02-01-preview'."),
        "{}",
        never.body
    );
}

/// The fault profile's `now:` sets the clock too (how `kvinit --emulator` runs set it).
#[tokio::test]
async fn the_fault_profile_sets_the_clock() {
    let faults = FaultProfile::from_yaml("now: 2027-03-01T00:00:00Z\n").unwrap();
    let emu = start(faults).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let a = c
        .get(&format!("{}?{KV}", vault_path(SUB, "rg", "kv")))
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.code(), "InvalidApiVersionParameter");
    let bad = FaultProfile::from_yaml("now: next week\n")
        .unwrap_err()
        .to_string();
    assert!(
        bad.contains("now:") && bad.contains("2027-03-01T00:00:00Z"),
        "{bad}"
    );
    // The config's clock wins over the fault profile's.
    let emu = kvinit_emulator::start(EmulatorConfig {
        faults: FaultProfile::from_yaml("now: 2027-03-01T00:00:00Z\n").unwrap(),
        now: Some(parse_now("2026-12-01T00:00:00Z").unwrap()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert!(emu.now() < kvinit_emulator::KEYVAULT_RETIREMENT);
}

/// 2026-02-01 creates vaults with Azure RBAC when `enableRbacAuthorization` is absent; older
/// versions with access policies; an update at 2026-02-01 that omits it keeps the vault's.
#[tokio::test]
async fn enable_rbac_authorization_defaults_follow_the_api_version() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let mut body = vault_body(json!({}));
    body["properties"]
        .as_object_mut()
        .unwrap()
        .remove("enableRbacAuthorization");
    let new = c
        .put(
            &format!("{}?{KV26}", vault_path(SUB, "rg", "kv-new")),
            body.clone(),
        )
        .await;
    assert_eq!(new.status, 201);
    assert_eq!(new.body["properties"]["enableRbacAuthorization"], true);
    let old = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-old")),
            body.clone(),
        )
        .await;
    assert_eq!(old.status, 201);
    assert_eq!(old.body["properties"]["enableRbacAuthorization"], false);
    let kept = c
        .put(&format!("{}?{KV26}", vault_path(SUB, "rg", "kv-old")), body)
        .await;
    assert_eq!(kept.status, 200);
    assert_eq!(kept.body["properties"]["enableRbacAuthorization"], false);
}
