//! The adapter's error type: ARM's status, code and message, sanitised. It must never carry
//! request details (headers, tokens, URLs with secrets): azure_core errors are reduced to what a
//! user needs before they leave this module.

use std::fmt;

use serde::Serialize;

/// An ARM call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AzureError {
    /// HTTP status, when ARM answered (absent for connection or credential failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// ARM's `error.code` (e.g. `VaultAlreadyExists`), or a kvinit code such as
    /// `CredentialUnavailable`, `AuthenticationFailed` (Entra refused the credential), `TokenEndpointUnreachable`, `ConnectionFailed`, `Timeout`, `LongRunningOperationFailed`.
    pub code: String,
    /// ARM's `error.message`, or a sanitised description.
    pub message: String,
}

/// The code of an error for a call refused or abandoned because of Ctrl-C
/// ([`super::interrupt`]); the executor reports such resources as interrupted, not failed.
pub const INTERRUPTED: &str = "Interrupted";

impl AzureError {
    /// A kvinit-made error (no HTTP status).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: None,
            code: code.into(),
            message: message.into(),
        }
    }

    /// Whether ARM answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    /// ARM's answer `status` with body `body` (`{"error": {"code", "message"}}`, ARM's
    /// `ErrorResponse`; some services answer without the `error` wrapper) as an error.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let detail = parsed
            .as_ref()
            .map(|v| v.get("error").unwrap_or(v))
            .filter(|v| v.is_object());
        let field = |name: &str| {
            detail
                .and_then(|d| d.get(name))
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Self {
            status: Some(status),
            code: field("code").unwrap_or_else(|| format!("Http{status}")),
            message: field("message").unwrap_or_else(|| format!("ARM answered HTTP {status}")),
        }
    }

    /// Reduces an azure_core error to a code and a sanitised message. Transport errors keep
    /// only their kind (their text can include request details); credential errors keep the
    /// credential chain's text (step names and the token endpoint's answer, secrets redacted).
    pub fn from_core(err: &azure_core::Error) -> Self {
        use azure_core::error::ErrorKind;
        let text = err.to_string();
        if text.contains(super::interrupt::INTERRUPTED_MARKER) {
            return Self::new(
                INTERRUPTED,
                "Ctrl-C came before this request was answered; run apply again to converge",
            );
        }
        let mut chain = chain_text(err);
        // A token request that got no HTTP answer: the credential's cache drops the cause, so
        // name a certificate refusal seen on this run's client.
        if matches!(err.kind(), ErrorKind::Credential)
            && chain.contains("non-transport error occurred")
            && let Some(untrusted) = super::tls::last_untrusted()
        {
            chain.push('\n');
            chain.push_str(&untrusted);
        }
        if let Some(at) = chain.find(super::tls::UNTRUSTED_MARKER) {
            return Self::new(
                "CertificateNotTrusted",
                format!(
                    "{} — for the standalone emulator pass the CA file it printed with --ca-cert \
                     PATH (or KVINIT_CA_CERT=PATH); behind a TLS-inspecting proxy, its CA",
                    &chain[at + "kvinit: ".len()..]
                        .lines()
                        .next()
                        .unwrap_or_default()
                ),
            );
        }
        match err.kind() {
            ErrorKind::HttpResponse {
                status, error_code, ..
            } => {
                let status = u16::from(*status);
                Self {
                    status: Some(status),
                    code: error_code
                        .clone()
                        .unwrap_or_else(|| format!("Http{status}")),
                    message: format!("ARM answered HTTP {status}"),
                }
            }
            // Entra answered and refused the credential (an `AADSTS…` code): the credential is
            // there but wrong — say so, and where its parts come from. Otherwise no step of the
            // chain could produce a token.
            ErrorKind::Credential if chain.contains("AADSTS") => Self::new(
                "AuthenticationFailed",
                format!(
                    "the token endpoint refused the credential: {} — check AZURE_TENANT_ID, \
                     AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (the secret's value, not its ID) or \
                     AZURE_CLIENT_CERTIFICATE_PATH",
                    credential_cause(err)
                ),
            ),
            // The token request got no answer at all (connection refused, timed out) after its
            // few retries: the credential's cache keeps only this line of the cause.
            ErrorKind::Credential if chain.contains("retry policy expired") => Self::new(
                "TokenEndpointUnreachable",
                format!(
                    "could not reach the token endpoint (no answer after retries): {} — check \
                     --authority-host / AZURE_AUTHORITY_HOST and that the endpoint is up",
                    credential_cause(err)
                ),
            ),
            ErrorKind::Credential => Self::new(
                "CredentialUnavailable",
                format!(
                    "could not get an access token for ARM: {}",
                    credential_cause(err)
                ),
            ),
            ErrorKind::Io | ErrorKind::Connection => {
                if text.contains(super::retry::TIMEOUT_MARKER) {
                    Self::new("Timeout", "ARM did not answer in time (retries exhausted)")
                } else {
                    Self::new(
                        "ConnectionFailed",
                        "could not reach ARM (retries exhausted)",
                    )
                }
            }
            ErrorKind::DataConversion => Self::new(
                "UnexpectedResponse",
                "ARM's answer did not match the expected shape",
            ),
            _ if text.contains("non-TLS") => Self::new(
                "InsecureEndpoint",
                "azure_core sends access tokens over https only: give an https ARM endpoint \
                 (the emulator serves https; see --ca-cert)",
            ),
            _ => Self::new("RequestFailed", "the ARM request failed"),
        }
    }
}

/// `err` and every error in its source chain, one per line.
fn chain_text(err: &azure_core::Error) -> String {
    let mut text = err.to_string();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push('\n');
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The innermost causes of a credential failure (e.g. Entra's `AADSTS7000215: Invalid client
/// secret provided`, or a refused connection), joined and cut to 1500 characters. Anything that
/// looks like a secret or token is redacted first: the chain carries the token endpoint's answer
/// and transport errors, never our request body, but this stays safe if that changes.
fn credential_cause(err: &azure_core::Error) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(text.trim())) {
            parts.push(text);
        }
        source = cause.source();
    }
    // azure_core's retry policy wraps the credential's error in its own context line.
    parts.retain(|p| !p.starts_with("non-transport error occurred"));
    let joined = parts.join(": ");
    let redacted = redact_secrets(&joined);
    let mut cut: String = redacted.chars().take(1500).collect();
    if cut.len() < redacted.len() {
        cut.push('…');
    }
    cut
}

/// Replaces the value after `client_secret=`, `access_token`, `Bearer ` and `assertion=` with
/// `[redacted]`.
fn redact_secrets(text: &str) -> String {
    let mut out = text.to_string();
    for marker in [
        "client_secret=",
        "Bearer ",
        "access_token\":\"",
        "access_token=",
        "assertion=",
    ] {
        let mut from = 0;
        while let Some(pos) = out[from..].find(marker) {
            let start = from + pos + marker.len();
            let end = out[start..]
                .find(['&', '"', ' ', ','])
                .map_or(out.len(), |e| start + e);
            out.replace_range(start..end, "[redacted]");
            from = start + "[redacted]".len();
        }
    }
    out
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AzureError {}

impl From<azure_core::Error> for AzureError {
    fn from(err: azure_core::Error) -> Self {
        Self::from_core(&err)
    }
}

#[cfg(test)]
mod tests {
    use super::redact_secrets;

    #[test]
    fn secrets_and_tokens_are_redacted_from_credential_causes() {
        let text = "POST body client_secret=s3cr3t&scope=x; header Bearer eyJ.abc.def, \
                    {\"access_token\":\"tok\"}";
        let red = redact_secrets(text);
        assert!(!red.contains("s3cr3t"), "{red}");
        assert!(!red.contains("eyJ.abc.def"), "{red}");
        assert!(!red.contains("\"tok\""), "{red}");
        assert_eq!(red.matches("[redacted]").count(), 3, "{red}");
    }
}
