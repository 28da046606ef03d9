//! Authentication: the token endpoint as azure_identity's ClientSecretCredential calls it, and
//! every ARM route requiring a bearer token this emulator issued.
mod common;
use std::sync::Arc;

use azure_core::auth::TokenCredential;
use common::*;
use kvinit_emulator::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FaultProfile};
use serde_json::{Value, json};

#[tokio::test]
async fn real_client_secret_credential_gets_a_working_token() {
    let emu = start(FaultProfile::none()).await;
    let http: Arc<dyn azure_core::HttpClient> = azure_core::new_http_client();
    let authority = azure_core::Url::parse(&emu.base_url()).unwrap();
    let cred = azure_identity::ClientSecretCredential::new(
        http,
        authority,
        TENANT.into(),
        DEFAULT_CLIENT_ID.into(),
        DEFAULT_CLIENT_SECRET.into(),
    );
    let token = cred
        .get_token(&["https://management.azure.com/.default"])
        .await
        .expect("token from emulator");
    let secret = token.token.secret().to_string();
    assert!(secret.len() >= 32);
    let resp = reqwest::Client::new()
        .put(format!("{}{}?{RG_API}", emu.base_url(), rg_path(SUB, "rg")))
        .bearer_auth(&secret)
        .json(&json!({"location": "westeurope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    // The request log never holds the token.
    let log = reqwest::get(format!("{}/_emulator/requests", emu.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!log.contains(&secret));
    assert!(log.contains("oauth2/v2.0/token"));
}

#[tokio::test]
async fn wrong_secret_is_refused_like_entra() {
    let emu = start(FaultProfile::none()).await;
    let http: Arc<dyn azure_core::HttpClient> = azure_core::new_http_client();
    let authority = azure_core::Url::parse(&emu.base_url()).unwrap();
    let cred = azure_identity::ClientSecretCredential::new(
        http,
        authority,
        TENANT.into(),
        DEFAULT_CLIENT_ID.into(),
        "wrong".into(),
    );
    let err = cred
        .get_token(&["https://management.azure.com/.default"])
        .await
        .expect_err("refused");
    assert!(!err.to_string().contains(DEFAULT_CLIENT_SECRET));
    let resp = reqwest::Client::new()
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", emu.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", "wrong"),
            ("scope", "x/.default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215")
    );
}

#[tokio::test]
async fn arm_routes_need_a_token_this_emulator_issued() {
    let emu = start(FaultProfile::none()).await;
    let other = start(FaultProfile::none()).await;
    let http = reqwest::Client::new();
    let url = format!("{}{}?{RG_API}", emu.base_url(), rg_path(SUB, "rg"));
    let none = http.get(&url).send().await.unwrap();
    assert_eq!(none.status().as_u16(), 401);
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["error"]["code"], "AuthenticationFailed");
    let foreign_token = token(&other.base_url(), &http).await;
    let foreign = http
        .get(&url)
        .bearer_auth(&foreign_token)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 401);
    assert!(foreign.headers().contains_key("www-authenticate"));
    let body: Value = foreign.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    let stats: Value = http
        .get(format!("{}/_emulator/stats", emu.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["rejected"], 2);
    assert_eq!(stats["byMethod"]["GET"], 2);
}

/// Tokens are JWT-shaped like Entra's, so a client can read its own principal (`oid`): the
/// emulator's service principal, which role assignments name to grant the caller a role.
#[tokio::test]
async fn tokens_carry_the_callers_principal_and_tenant() {
    use base64::Engine as _;
    let emu = start(FaultProfile::none()).await;
    let http = reqwest::Client::new();
    let jwt = token(&emu.base_url(), &http).await;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "header.payload.signature");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .unwrap();
    let claims: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(claims["oid"], kvinit_emulator::DEFAULT_PRINCIPAL_ID);
    assert_eq!(claims["tid"], TENANT);
    assert_eq!(claims["appid"], DEFAULT_CLIENT_ID);
    assert_eq!(claims["aud"], "https://management.azure.com/");
    assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
    let again = token(&emu.base_url(), &http).await;
    assert_ne!(jwt, again, "every token is new");
    emu.shutdown().await.unwrap();
}
