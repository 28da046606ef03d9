//! Authentication: the token endpoint as azure_identity's ClientSecretCredential calls it, and
//! every ARM route requiring a bearer token this emulator issued.
use crate::common;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use common::*;
use kvinit_emulator::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FaultProfile, RunningEmulator};
use rustls::pki_types::pem::PemObject;
use serde_json::{Value, json};

/// azure_identity 1.x's `ClientSecretCredential` pointed at `emu` (authority host = its base URL,
/// a custom cloud), over a reqwest 0.13 transport whose only trust anchor is the emulator's CA.
fn credential(emu: &RunningEmulator, secret: &str) -> Arc<azure_identity::ClientSecretCredential> {
    let mut roots = rustls::RootCertStore::empty();
    let ca = rustls::pki_types::CertificateDer::from_pem_slice(emu.ca_certificate_pem().as_bytes())
        .expect("CA PEM");
    roots.add(ca).expect("CA is a trust anchor");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let http = reqwest13::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("client");
    let mut cloud = azure_core::cloud::CustomConfiguration::default();
    cloud.authority_host = emu.base_url();
    let options = azure_identity::ClientSecretCredentialOptions {
        client_options: azure_core::http::ClientOptions {
            transport: Some(azure_core::http::Transport::new(Arc::new(http))),
            cloud: Some(Arc::new(cloud.into())),
            ..Default::default()
        },
    };
    azure_identity::ClientSecretCredential::new(
        TENANT,
        DEFAULT_CLIENT_ID.into(),
        secret.to_string().into(),
        Some(options),
    )
    .expect("credential")
}

#[tokio::test]
async fn real_client_secret_credential_gets_a_working_token() {
    let emu = start(FaultProfile::none()).await;
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    let cred = credential(&emu, DEFAULT_CLIENT_SECRET);
    let token = cred
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .expect("token from emulator");
    let secret = token.token.secret().to_string();
    assert!(secret.len() >= 32);
    assert!(token.expires_on > time::OffsetDateTime::now_utc() + time::Duration::minutes(50));
    let http = http_for(&emu);
    let resp = http
        .put(format!("{}{}?{RG_API}", emu.base_url(), rg_path(SUB, "rg")))
        .bearer_auth(&secret)
        .json(&json!({"location": "westeurope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    // The request log never holds the token.
    let log = http
        .get(format!("{}/_emulator/requests", emu.base_url()))
        .send()
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
    let cred = credential(&emu, "wrong");
    let err = cred
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(!text.contains(DEFAULT_CLIENT_SECRET));
    assert!(
        text.starts_with("ClientSecretCredential authentication failed. AADSTS7000215: Invalid client secret provided."),
        "{text}"
    );
    let core = err
        .downcast_ref::<azure_core::Error>()
        .expect("wraps an azure_core::Error");
    match core.kind() {
        azure_core::error::ErrorKind::HttpResponse {
            status, error_code, ..
        } => {
            assert_eq!(u16::from(*status), 401);
            assert_eq!(error_code.as_deref(), Some("7000215"));
        }
        other => panic!("unexpected error kind {other:?}"),
    }
    let resp = http_for(&emu)
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
    assert_eq!(body["error_codes"], json!([7000215]));
    assert_eq!(
        body["error_uri"],
        "https://login.microsoftonline.com/error?code=7000215"
    );
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].is_string(), "{field}");
    }
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215: Invalid client secret provided.")
    );
}

/// Only clients that trust the emulator's CA get through: a client with the public web roots
/// alone fails the TLS handshake (the certificate is not from a public CA), and a plain-http
/// request to the port gets no HTTP answer.
#[tokio::test]
async fn the_server_certificate_chains_to_the_emulators_ca_only() {
    let emu = start(FaultProfile::none()).await;
    let url = format!("{}/_emulator/stats", emu.base_url());
    let public_roots_only = reqwest::Client::new();
    let err = public_roots_only
        .get(&url)
        .send()
        .await
        .expect_err("untrusted");
    assert!(err.is_connect(), "{err:?}");
    let other = start(FaultProfile::none()).await;
    let other_ca_only = http_for(&other);
    assert!(
        other_ca_only.get(&url).send().await.is_err(),
        "another emulator's CA"
    );
    for host in ["127.0.0.1", "localhost"] {
        let by_name = format!("https://{host}:{}/_emulator/stats", emu.local_addr().port());
        let resp = http_for(&emu).get(&by_name).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{host}");
    }
    let plain = reqwest::Client::new()
        .get(format!("http://{}/_emulator/stats", emu.local_addr()))
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}

#[tokio::test]
async fn arm_routes_need_a_token_this_emulator_issued() {
    let emu = start(FaultProfile::none()).await;
    let other = start(FaultProfile::none()).await;
    let http = http_for(&emu);
    let url = format!("{}{}?{RG_API}", emu.base_url(), rg_path(SUB, "rg"));
    let none = http.get(&url).send().await.unwrap();
    assert_eq!(none.status().as_u16(), 401);
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["error"]["code"], "AuthenticationFailed");
    let foreign_token = token(&other.base_url(), &http_for(&other)).await;
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
    let http = http_for(&emu);
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
