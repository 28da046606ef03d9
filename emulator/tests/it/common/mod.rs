//! Test harness shared by the emulator's integration tests: start an emulator, get a token the
//! way azure_identity does (form POST), and send ARM requests over real HTTPS, trusting only the
//! emulator's own certificate authority.
#![allow(dead_code)]

use kvinit_emulator::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig, FaultProfile, RunningEmulator,
};
use serde_json::{Value, json};

pub const SUB: &str = "00000000-0000-0000-0000-0000000000aa";
pub const SUB2: &str = "00000000-0000-0000-0000-0000000000bb";
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
}

/// One answer: status, headers, JSON body (Null when empty).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body
            .pointer("/error/code")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

pub async fn start(faults: FaultProfile) -> RunningEmulator {
    kvinit_emulator::start(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
    .await
    .expect("start")
}

/// An HTTPS client whose only trust anchor is `ca_pem` (an emulator's
/// [`RunningEmulator::ca_certificate_pem`]); the public web roots are not trusted.
pub fn https_client(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("emulator CA PEM");
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .build()
        .expect("https client")
}

/// [`https_client`] for `emu`.
pub fn http_for(emu: &RunningEmulator) -> reqwest::Client {
    https_client(emu.ca_certificate_pem())
}

pub async fn token(base: &str, http: &reqwest::Client) -> String {
    let resp = http
        .post(format!("{base}/{TENANT}/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("scope", "https://management.azure.com/.default"),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.expect("token json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

impl Client {
    pub async fn new(emu: &RunningEmulator) -> Self {
        let http = http_for(emu);
        let base = emu.base_url();
        let token = token(&base, &http).await;
        Self { base, http, token }
    }

    pub async fn send(&self, method: &str, path_and_query: &str, body: Option<Value>) -> Answer {
        self.try_send(method, path_and_query, body)
            .await
            .expect("request")
    }

    /// Like `send`, but `None` when the transport fails (server gone).
    pub async fn try_send(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
    ) -> Option<Answer> {
        let url = format!("{}{}", self.base, path_and_query);
        let mut req = self
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.ok()?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.ok()?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Some(Answer {
            status,
            headers,
            body,
        })
    }

    pub async fn get(&self, p: &str) -> Answer {
        self.send("GET", p, None).await
    }
    pub async fn put(&self, p: &str, b: Value) -> Answer {
        self.send("PUT", p, Some(b)).await
    }
}

pub const KV: &str = "api-version=2022-02-01-preview";
pub const RG_API: &str = "api-version=2021-04-01";
pub const AUTHZ: &str = "api-version=2022-04-01";

pub fn rg_path(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}

pub fn vault_path(sub: &str, rg: &str, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.KeyVault/vaults/{name}",
        rg_path(sub, rg)
    )
}

pub async fn make_rg(c: &Client, sub: &str, rg: &str) {
    let a = c
        .put(
            &format!("{}?{RG_API}", rg_path(sub, rg)),
            json!({"location": "westeurope"}),
        )
        .await;
    assert!(
        a.status == 201 || a.status == 200,
        "rg put: {} {}",
        a.status,
        a.body
    );
}

pub fn vault_body(extra: Value) -> Value {
    let mut props = json!({
        "tenantId": TENANT,
        "sku": {"family": "A", "name": "standard"},
        "enableRbacAuthorization": true,
        "enableSoftDelete": true,
        "softDeleteRetentionInDays": 90,
        "enablePurgeProtection": true,
        "publicNetworkAccess": "Enabled",
        "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [{"value": "203.0.113.0/24"}], "virtualNetworkRules": []},
    });
    if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            p.insert(k.clone(), v.clone());
        }
    }
    json!({"location": "westeurope", "tags": {"owner": "platform"}, "properties": props})
}

pub async fn make_vault(c: &Client, sub: &str, rg: &str, name: &str) -> Answer {
    c.put(
        &format!("{}?{KV}", vault_path(sub, rg, name)),
        vault_body(json!({})),
    )
    .await
}
