//! Where kvinit sends requests and how it authenticates: Azure (or any `--arm-endpoint`) with
//! kvinit's credential chain ([`super::credential`]), or the in-process emulator with
//! azure_identity's client-secret credential against the emulator's token endpoint, trusting
//! only the emulator's certificate. The same adapter code runs for both; only endpoint,
//! authority and trusted certificate differ. It must never print or keep a secret anywhere but
//! inside the credential.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::{HttpClient, Url};

use super::credential::{ChainSettings, CredentialChain, CredentialSelection, is_loopback_url};
use super::error::AzureError;
use super::tls::{self, Trust};

/// ARM's public-cloud endpoint.
pub const AZURE_ARM_ENDPOINT: &str = "https://management.azure.com";

/// The ARM endpoint and the identity used against it.
#[derive(Clone)]
pub enum Target {
    /// Real Azure (or a sovereign cloud / standalone emulator through `--arm-endpoint` and
    /// `--authority-host`), authenticated by kvinit's credential chain.
    Azure {
        /// ARM endpoint, default [`AZURE_ARM_ENDPOINT`].
        arm_endpoint: String,
        /// Authority host override (e.g. `https://login.microsoftonline.us`).
        authority_host: Option<String>,
        /// The chain's steps (`--credential` / `AZURE_TOKEN_CREDENTIALS`; default all).
        credential: CredentialSelection,
        /// An extra CA to trust, PEM (`--ca-cert` / `KVINIT_CA_CERT`, e.g. the standalone
        /// emulator's certificate): the only one trusted when the ARM endpoint is on loopback,
        /// else trusted besides the platform's roots.
        ca_certificate_pem: Option<String>,
    },
    /// The in-process ARM emulator: its URL is both ARM endpoint and authority host.
    Emulator {
        /// `https://127.0.0.1:PORT`.
        base_url: String,
        /// The plan's tenant ID.
        tenant_id: String,
        /// The emulator's client ID.
        client_id: String,
        /// The emulator's client secret (random per run).
        client_secret: String,
        /// The emulator's self-signed certificate, PEM: the only certificate trusted for this
        /// target (`None`: the platform's roots).
        ca_certificate_pem: Option<String>,
    },
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Azure { arm_endpoint, .. } => write!(f, "Azure({arm_endpoint})"),
            Target::Emulator { base_url, .. } => write!(f, "Emulator({base_url})"),
        }
    }
}

impl std::fmt::Display for Target {
    /// Where requests go, for messages: `ARM at https://management.azure.com` or
    /// `the emulator at https://127.0.0.1:PORT`. Never includes a credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Azure { arm_endpoint, .. } => write!(f, "ARM at {arm_endpoint}"),
            Target::Emulator { base_url, .. } => write!(f, "the emulator at {base_url}"),
        }
    }
}

impl Target {
    /// Azure at `arm_endpoint` with the whole credential chain and the platform's roots.
    pub fn azure(arm_endpoint: impl Into<String>) -> Self {
        Target::Azure {
            arm_endpoint: arm_endpoint.into(),
            authority_host: None,
            credential: CredentialSelection::default(),
            ca_certificate_pem: None,
        }
    }

    /// The ARM endpoint URL.
    pub fn endpoint(&self) -> Result<Url, AzureError> {
        let raw = match self {
            Target::Azure { arm_endpoint, .. } => arm_endpoint.as_str(),
            Target::Emulator { base_url, .. } => base_url.as_str(),
        };
        Url::parse(raw)
            .map_err(|_| AzureError::new("InvalidEndpoint", format!("`{raw}` is not a valid URL")))
    }

    /// Whether requests stay on this machine (the emulator, or an endpoint on loopback).
    pub fn is_loopback(&self) -> bool {
        matches!(self, Target::Emulator { .. })
            || self.endpoint().is_ok_and(|u| is_loopback_url(&u))
    }

    /// The run's HTTP client, trusting what this target needs.
    pub fn http_client(&self) -> Result<Arc<dyn HttpClient>, AzureError> {
        let trust = match self {
            // A loopback endpoint (a standalone emulator) is the only host the run talks to
            // when the authority is on loopback too: trust only the given CA there.
            Target::Azure {
                ca_certificate_pem: Some(pem),
                ..
            } if self.is_loopback() => Trust::Only(pem.clone()),
            Target::Azure {
                ca_certificate_pem: Some(pem),
                ..
            } => Trust::PlatformAnd(pem.clone()),
            Target::Emulator {
                ca_certificate_pem: Some(pem),
                ..
            } => Trust::Only(pem.clone()),
            _ => Trust::Platform,
        };
        tls::http_client(&trust)
    }

    /// Builds the one credential of a run (its token cache is shared by every request), whose
    /// token requests go through `client`. Sends nothing.
    pub fn credential(&self, client: &Arc<dyn HttpClient>) -> Arc<dyn TokenCredential> {
        let transport = tls::transport(client);
        match self {
            Target::Azure {
                authority_host,
                credential,
                ..
            } => Arc::new(CredentialChain::for_azure(
                &ChainSettings {
                    selection: credential.clone(),
                    authority_host: authority_host.clone(),
                    loopback: self.is_loopback(),
                },
                &transport,
            )),
            Target::Emulator {
                base_url,
                tenant_id,
                client_id,
                client_secret,
                ..
            } => Arc::new(CredentialChain::for_emulator(
                base_url,
                tenant_id,
                client_id,
                client_secret,
                &transport,
            )),
        }
    }
}
