//! The run's one HTTP client (reqwest with rustls), shared by the ARM pipeline and the
//! credential's token requests, and the certificates it trusts: the platform's roots for Azure,
//! plus a CA given with `--ca-cert` / `KVINIT_CA_CERT`, or *only* the in-process emulator's
//! self-signed certificate for the emulator target. azure_core 1.x sends tokens over https only,
//! so the emulator serves https with a certificate it makes at start-up. It must not log or keep
//! anything but the client.

use std::sync::Arc;
use std::time::Duration;

use azure_core::http::{HttpClient, Transport};

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
    Ok(Arc::new(client))
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
