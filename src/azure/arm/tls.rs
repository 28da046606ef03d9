//! The run's one HTTP client (reqwest with rustls), shared by the ARM pipeline and the
//! credential's token requests, and the certificates it trusts: the platform's roots for Azure,
//! plus a CA given with `--ca-cert` / `KVINIT_CA_CERT`, or *only* the in-process emulator's
//! self-signed certificate for the emulator target. azure_core 1.x sends tokens over https only,
//! so the emulator serves https with a certificate it makes at start-up. It must not log or keep
//! anything but the client.

use std::sync::Arc;
use std::time::Duration;

use azure_core::error::{Error, ErrorKind};
use azure_core::http::{AsyncRawResponse, HttpClient, Request, Transport};

use super::error::AzureError;

/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Time allowed between two reads of an answer.
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Which certificates the client trusts.
#[derive(Clone, PartialEq, Eq)]
pub enum Trust {
    /// The platform's roots (Azure).
    Platform,
    /// The platform's roots plus this PEM (one or more certificates): `--ca-cert`.
    PlatformAnd(String),
    /// Only this PEM: the in-process emulator's certificate, for the emulator target only.
    Only(String),
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Trust::Platform => "Platform",
            Trust::PlatformAnd(_) => "PlatformAnd(pem)",
            Trust::Only(_) => "Only(pem)",
        })
    }
}

/// Builds the client (no redirects: ARM does not use them, and a redirect must not carry a
/// token elsewhere). Fails when a PEM holds no certificate.
pub fn http_client(trust: &Trust) -> Result<Arc<dyn HttpClient>, AzureError> {
    let mut builder = reqwest::ClientBuilder::new()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    builder = match trust {
        Trust::Platform => builder,
        Trust::PlatformAnd(pem) => builder.tls_certs_merge(certificates(pem)?),
        Trust::Only(pem) => builder.tls_certs_only(certificates(pem)?),
    };
    let client = builder.build().map_err(|e| {
        AzureError::new(
            "TlsSetupFailed",
            format!("cannot set up the HTTPS client: {e}"),
        )
    })?;
    Ok(Arc::new(TrustChecked(client)))
}

/// Text in the error of a request whose server certificate was not trusted (kept so errors can
/// say `CertificateNotTrusted` and how to fix it).
pub const UNTRUSTED_MARKER: &str = "kvinit: the server's TLS certificate is not trusted";

/// The reqwest client, with one change to how its failures are classified: a server certificate
/// the client does not trust (rustls' `invalid peer certificate`, e.g. `UnknownIssuer` for an
/// emulator whose CA was not given) is not a transient I/O error. azure_core's retry policy
/// retries I/O errors for up to its whole time budget (minutes, silently); this one is answered
/// at once, as [`ErrorKind::Other`] carrying [`UNTRUSTED_MARKER`] and rustls' reason, for the
/// ARM pipeline and the credential's token requests alike (they share this client).
#[derive(Debug)]
struct TrustChecked(reqwest::Client);

#[async_trait::async_trait]
impl HttpClient for TrustChecked {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        match self.0.execute_request(request).await {
            Err(err) if matches!(err.kind(), ErrorKind::Io | ErrorKind::Connection) => {
                match untrusted_certificate(&err) {
                    Some(reason) => {
                        let host = request.url().host_str().unwrap_or_default().to_string();
                        let port = request.url().port_or_known_default().unwrap_or(443);
                        let text = format!("{UNTRUSTED_MARKER}: https://{host}:{port} ({reason})");
                        *LAST_UNTRUSTED.lock().unwrap_or_else(|e| e.into_inner()) =
                            Some(text.clone());
                        Err(Error::with_message(ErrorKind::Other, text))
                    }
                    None => Err(err),
                }
            }
            other => other,
        }
    }
}

/// The last untrusted-certificate failure of this process, for the credential's errors: the
/// SDK's token cache passes a failed token request on as text, without its cause, so the
/// reason is kept here to be named ([`last_untrusted`]). Only what [`UNTRUSTED_MARKER`]'s
/// message holds (URL and rustls' reason), never a header or a body.
static LAST_UNTRUSTED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// The last untrusted-certificate failure of this process (see [`LAST_UNTRUSTED`]).
pub fn last_untrusted() -> Option<String> {
    LAST_UNTRUSTED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// rustls' reason when `err`'s chain says the peer's certificate was refused.
fn untrusted_certificate(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if let Some(at) = text.find("invalid peer certificate") {
            return Some(text[at..].to_string());
        }
        source = cause.source();
    }
    None
}

/// The transport for azure_core pipelines (ARM's and the credential's) over `client`.
pub fn transport(client: &Arc<dyn HttpClient>) -> Transport {
    Transport::new(client.clone())
}

fn certificates(pem: &str) -> Result<Vec<reqwest::Certificate>, AzureError> {
    let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).unwrap_or_default();
    if certs.is_empty() {
        return Err(AzureError::new(
            "InvalidCaCertificate",
            "the CA certificate is not PEM (expected -----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_without_a_certificate_is_refused() {
        let err = http_client(&Trust::Only("not a pem".into())).err().unwrap();
        assert_eq!(err.code, "InvalidCaCertificate");
        assert!(http_client(&Trust::Platform).is_ok());
    }
}
