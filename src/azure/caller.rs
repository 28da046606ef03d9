//! Who the run is: the object ID (`oid` claim) of the principal its ARM access token was issued
//! to, read from the token's payload (a JWT, as Microsoft Entra ID issues them). Used to find the
//! caller's own role assignments. It never prints, logs or keeps the token, and it does not
//! verify it (ARM does; kvinit only reads its own token's claims).

use base64::Engine as _;
use serde_json::Value;

use super::arm::client::ArmClient;

/// The caller's object ID, or `None` when the token is not a JWT or carries no `oid`.
pub async fn principal_id(clients: &ArmClient) -> Option<String> {
    let token = clients.access_token().await.ok()?;
    oid_claim(&token)
}

/// The `oid` claim of a JWT (`header.payload.signature`, base64url without padding).
pub fn oid_claim(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("oid")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_oid_from_a_jwt_and_nothing_from_an_opaque_token() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"oid":"5d2a3c1e-0000-4000-8000-000000000001","tid":"t"}"#);
        let jwt = format!("eyJhbGciOiJub25lIn0.{payload}.");
        assert_eq!(
            oid_claim(&jwt).as_deref(),
            Some("5d2a3c1e-0000-4000-8000-000000000001")
        );
        assert_eq!(oid_claim("opaque-token"), None);
    }
}
