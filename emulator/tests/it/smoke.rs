//! Basic flow over HTTP: token, resource group, vault create/get/list, stats.
use crate::common;
use common::*;
use kvinit_emulator::FaultProfile;

#[tokio::test]
async fn token_rg_vault_roundtrip() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg-a").await;
    let a = make_vault(&c, SUB, "rg-a", "kv-smoke-1").await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        a.body["properties"]["vaultUri"],
        "https://kv-smoke-1.vault.azure.net/"
    );
    let g = c
        .get(&format!("{}?{KV}", vault_path(SUB, "rg-a", "kv-smoke-1")))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body, a.body);
    let l = c
        .get(&format!(
            "{}/providers/Microsoft.KeyVault/vaults?{KV}",
            rg_path(SUB, "rg-a")
        ))
        .await;
    assert_eq!(l.body["value"].as_array().unwrap().len(), 1);
    let s = emu.stats();
    assert_eq!(s.by_method.get("PUT"), Some(&2));
    assert_eq!(s.by_method.get("GET"), Some(&2));
    assert!(
        g.header("x-ms-ratelimit-remaining-subscription-reads")
            .is_some()
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn non_conforming_body_is_refused_with_target() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg-a").await;
    let mut body = vault_body(serde_json::json!({}));
    body["properties"]["sku"]["name"] = serde_json::json!("bogus");
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg-a", "kv-bad-1")),
            body,
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.code(), "InvalidRequestContent");
    assert_eq!(a.body["error"]["target"], "properties.sku.name");
    assert_eq!(emu.stats().rejected, 1);
}
