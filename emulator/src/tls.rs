//! HTTPS on loopback. At start-up the emulator generates a throw-away certificate authority and a
//! server (leaf) certificate it signs, both ECDSA P-256 (about a millisecond), and serves TLS with
//! rustls. A client trusts the CA's PEM ([`crate::RunningEmulator::ca_certificate_pem`]) as a root:
//! rustls-webpki refuses a `CA:true` certificate used as the end entity, hence CA + leaf rather
//! than one self-signed certificate.
//!
//! Owns the certificates and the TLS listener handed to `axum::serve`; it knows nothing of ARM.
//! Handshakes run in their own tasks (at most [`HANDSHAKE_TIMEOUT`] each), so a slow or broken
//! client never holds up the accept loop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;

use crate::error::EmulatorError;

/// Names the server certificate is valid for (its subject alternative names): the loopback
/// addresses a client may use. Tests and CI only ever talk to loopback.
pub(crate) const SERVER_NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];

/// Longest TLS handshake the emulator waits for before dropping the connection.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Validity of the generated certificates: from a day before start-up (clock skew) to this many
/// days after (an emulator is not expected to run longer).
const VALID_DAYS: i64 = 397;

/// The generated CA (its PEM, for clients) and the rustls server configuration (leaf + key).
pub(crate) struct Certificates {
    /// The CA certificate, PEM (`-----BEGIN CERTIFICATE-----…`): the one trust anchor a client
    /// needs.
    pub ca_pem: String,
    /// TLS 1.2/1.3, ALPN `http/1.1`, chain = leaf then CA.
    pub server_config: Arc<ServerConfig>,
}

impl std::fmt::Debug for Certificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificates").finish_non_exhaustive()
    }
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Tls(format!("{what}: {e}"))
}

/// Generates a fresh CA and a leaf for [`SERVER_NAMES`] signed by it.
///
/// # Errors
/// [`EmulatorError::Tls`] if generation or the rustls configuration fails (not expected).
pub(crate) fn generate() -> Result<Certificates, EmulatorError> {
    let now = time::OffsetDateTime::now_utc();
    let not_before = now - time::Duration::days(1);
    let not_after = now + time::Duration::days(VALID_DAYS);

    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| tls_error("CA key", e))?;
    let mut ca = CertificateParams::default();
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CommonName, "kvinit ARM emulator local CA");
    ca_name.push(DnType::OrganizationName, "kvinit (dev only, loopback)");
    ca.distinguished_name = ca_name;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = not_before;
    ca.not_after = not_after;
    let ca_cert = ca.self_signed(&ca_key).map_err(|e| tls_error("CA", e))?;

    let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| tls_error("server key", e))?;
    let mut leaf = CertificateParams::new(SERVER_NAMES.map(String::from).to_vec())
        .map_err(|e| tls_error("server names", e))?;
    let mut leaf_name = DistinguishedName::new();
    leaf_name.push(DnType::CommonName, "kvinit ARM emulator");
    leaf.distinguished_name = leaf_name;
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    leaf.not_before = not_before;
    leaf.not_after = not_after;
    let leaf_cert = leaf
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .map_err(|e| tls_error("server certificate", e))?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("TLS versions", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| tls_error("TLS configuration", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Certificates {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(config),
    })
}

/// A TCP listener that hands `axum::serve` connections whose TLS handshake has finished. Dropping
/// it (when the server stops) stops the accept task and closes the port.
pub(crate) struct TlsListener {
    accepted: tokio::sync::mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accept_task: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `listener` with `config`.
    pub fn new(listener: TcpListener, config: Arc<ServerConfig>, local: SocketAddr) -> Self {
        let (tx, accepted) = tokio::sync::mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        let accept_task = tokio::spawn(async move {
            loop {
                let (tcp, peer) = match listener.accept().await {
                    Ok(conn) => conn,
                    Err(_) => {
                        // Out of file descriptors and the like: back off, as axum's own loop does.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                    {
                        let _ = tx.send((tls, peer)).await;
                    }
                });
            }
        });
        Self {
            accepted,
            local,
            accept_task,
        }
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(conn) => conn,
            // The accept task is gone (only after drop): never yield another connection.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_ca_and_a_leaf_quickly() {
        let started = std::time::Instant::now();
        let certs = generate().expect("certificates");
        assert!(certs.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(certs.ca_pem.matches("BEGIN CERTIFICATE").count(), 1);
        assert_eq!(
            certs.server_config.alpn_protocols,
            vec![b"http/1.1".to_vec()]
        );
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "took {:?}",
            started.elapsed()
        );
        let again = generate().expect("certificates");
        assert_ne!(certs.ca_pem, again.ca_pem, "a new CA per start");
    }
}
