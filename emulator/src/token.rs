//! The emulated Microsoft Entra token endpoint (`POST /{tenant}/oauth2/v2.0/token`,
//! client-credentials grant, as azure_identity 1.x's `ClientSecretCredential` calls it: a form
//! with `client_id`, `client_secret`, `grant_type`, `scope`; it reads `access_token` and
//! `expires_in` from a 200, `error_codes` and `error_description` from an error) and the set of tokens it issued. Owns issuing and checking bearer tokens; never
//! logs or returns a secret or a token except in the token response itself.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::{Value, json};

/// Client ID of the emulator's dev-only app registration (accepted by the token endpoint).
pub const DEFAULT_CLIENT_ID: &str = "00000000-0000-0000-0000-00000000e001";

/// Client secret of the emulator's dev-only app registration. Not a secret: it only unlocks a
/// local emulator, never Azure. Pass it as `AZURE_CLIENT_SECRET` when pointing kvinit at a
/// standalone `kvinit emulator`.
pub const DEFAULT_CLIENT_SECRET: &str = "kvinit-emulator-dev-secret";

/// Object ID of the dev-only app's service principal: the `oid` claim of every token the
/// emulator issues, i.e. the principal a role assignment must name to grant the caller a role
/// (e.g. Owner or User Access Administrator, which a vault's permission-model switch needs).
pub const DEFAULT_PRINCIPAL_ID: &str = "00000000-0000-0000-0000-00000000e0b1";

/// Lifetime of an issued token, seconds (as Entra's default: about an hour).
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 3599;

/// Tokens issued by this emulator and the client each belongs to.
#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    tokens: Mutex<HashMap<String, (String, Instant)>>,
}

impl TokenStore {
    /// Issues a fresh token for `client_id` in `tenant`: JWT-shaped like Entra's
    /// (`header.payload.signature`, base64url) so clients can read their own claims (`oid`
    /// [`DEFAULT_PRINCIPAL_ID`], `tid`, `appid`, `aud`, `exp`); the signature part is random and
    /// never verified by anyone but this store, which only accepts tokens it issued.
    pub fn issue(&self, client_id: &str, tenant: &str) -> String {
        use base64::Engine as _;
        let b64 = |v: Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header = b64(json!({ "typ": "JWT", "alg": "none" }));
        let payload = b64(json!({
            "aud": "https://management.azure.com/",
            "iss": format!("https://sts.windows.net/{tenant}/"),
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME_SECS,
            "appid": client_id,
            "idtyp": "app",
            "oid": DEFAULT_PRINCIPAL_ID,
            "sub": DEFAULT_PRINCIPAL_ID,
            "tid": tenant,
        }));
        let signature: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(43)
            .map(char::from)
            .collect();
        let token = format!("{header}.{payload}.{signature}");
        let expires = Instant::now() + Duration::from_secs(TOKEN_LIFETIME_SECS);
        self.tokens
            .lock()
            .expect("tokens")
            .insert(token.clone(), (client_id.to_string(), expires));
        token
    }

    /// The client ID a valid, unexpired token was issued to.
    pub fn client_of(&self, token: &str) -> Option<String> {
        let tokens = self.tokens.lock().expect("tokens");
        tokens
            .get(token)
            .filter(|(_, exp)| *exp > Instant::now())
            .map(|(client, _)| client.clone())
    }
}

/// Now as Entra writes an error's `timestamp`: `2026-12-04 15:40:07Z` (UTC, seconds).
fn entra_timestamp() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

/// The token endpoint's answer to a form body: `(status, JSON)`.
///
/// Errors follow Entra's OAuth 2.0 error shape (`error`, `error_description`, `error_codes`):
/// wrong client → 401 `invalid_client` AADSTS7000215 (invalid secret) / AADSTS700016 (unknown
/// application); other grant types → 400 `unsupported_grant_type`; missing scope → 400
/// `invalid_request` AADSTS90014.
pub(crate) fn answer(
    store: &TokenStore,
    tenant: &str,
    form: &HashMap<String, String>,
    secret: &str,
) -> (StatusCode, Value) {
    let error = |status: StatusCode, error: &str, code: u32, text: String| {
        (
            status,
            json!({
                "error": error,
                "error_description": format!("AADSTS{code}: {text}"),
                "error_codes": [code],
                "timestamp": entra_timestamp(),
                "trace_id": uuid::Uuid::new_v4().to_string(),
                "correlation_id": uuid::Uuid::new_v4().to_string(),
                "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
            }),
        )
    };
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type; the emulator supports client_credentials only.".into(),
        );
    }
    let client_id = form.get("client_id").cloned().unwrap_or_default();
    if client_id != DEFAULT_CLIENT_ID {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{tenant}'."
            ),
        );
    }
    if form.get("client_secret").map(String::as_str) != Some(secret) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
            ),
        );
    }
    if form.get("scope").is_none_or(|s| s.trim().is_empty()) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90014,
            "The required field 'scope' is missing from the credential.".into(),
        );
    }
    let token = store.issue(&client_id, tenant);
    (
        StatusCode::OK,
        json!({
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECS,
            "ext_expires_in": TOKEN_LIFETIME_SECS,
            "access_token": token,
        }),
    )
}
