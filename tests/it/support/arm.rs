//! A minimal ARM client for tests that change the emulator's resources out of band: a bearer
//! token from the emulator's token endpoint (client credentials), then GET / PUT / DELETE, over
//! HTTPS trusting only the emulator's own CA certificate.
//! It must not edit the emulator's state file or know kvinit's structures.

use kvinit_emulator::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET};
use serde_json::Value;

/// An HTTPS client whose only trust anchor is `ca_pem` (the emulator's
/// `RunningEmulator::ca_certificate_pem`, or the `.ca.pem` file `kvinit emulator` writes).
pub fn https_client(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("emulator CA PEM");
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .expect("https client")
}

/// An access token for `tenant` from the emulator at `base` (its `/{tenant}/oauth2/v2.0/token`
/// endpoint, the client-credentials grant with the emulator's default client). Panics unless
/// the endpoint answers 200 with an `access_token`.
pub async fn token(http: &reqwest::Client, base: &str, tenant: &str) -> String {
    let resp = http
        .post(format!("{base}/{tenant}/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("scope", "https://management.azure.com/.default"),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status().as_u16(), 200, "token endpoint");
    let body: Value = resp.json().await.expect("token JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// An authenticated client for the emulator's ARM API (`base` is its URL, no trailing slash).
pub struct Arm {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl Arm {
    /// Gets a token for `tenant` (see [`token`]) from the emulator at `base` whose CA
    /// certificate is `ca_pem`, and keeps it for every request.
    pub async fn connect(base: String, ca_pem: &str, tenant: &str) -> Self {
        let http = https_client(ca_pem);
        let token = token(&http, &base, tenant).await;
        Self { base, http, token }
    }

    /// GET `id` (an ARM resource ID) at `api_version`; the response as it came.
    pub async fn get_response(&self, id: &str, api_version: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{id}?api-version={api_version}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET")
    }

    /// GET `id`; its JSON body. Panics unless 200.
    pub async fn get(&self, id: &str, api_version: &str) -> Value {
        let resp = self.get_response(id, api_version).await;
        assert_eq!(resp.status().as_u16(), 200, "GET {id}");
        resp.json().await.unwrap()
    }

    /// PUT `body` to `id` at `api_version`; the response as it came.
    pub async fn put_response(
        &self,
        id: &str,
        api_version: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.http
            .put(format!("{}{id}?api-version={api_version}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    /// PUT `body` to `id`; the response's JSON body (`Null` when it has none). Panics unless 2xx.
    pub async fn put(&self, id: &str, api_version: &str, body: Value) -> Value {
        let resp = self.put_response(id, api_version, &body).await;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        assert!((200..300).contains(&status), "PUT {id}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// DELETE `id` (soft-deletes a vault); panics unless 2xx.
    pub async fn delete(&self, id: &str, api_version: &str) {
        let resp = self
            .http
            .delete(format!("{}{id}?api-version={api_version}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("DELETE");
        assert!(resp.status().is_success(), "DELETE {id}: {}", resp.status());
    }
}
