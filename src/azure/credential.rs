//! Where kvinit sends requests and how it authenticates: Azure (azure_identity's default chain —
//! environment incl. workload identity, managed identity, Azure CLI) or the emulator
//! (azure_identity's client-secret credential against the emulator's token endpoint). The same
//! adapter code runs for both; only endpoint and authority differ. It must never print or keep
//! a secret anywhere but inside the credential.

use std::sync::Arc;

use azure_core::Url;
use azure_core::auth::TokenCredential;
use azure_identity::{
    ClientSecretCredential, DefaultAzureCredentialBuilder, TokenCredentialOptions,
};

use super::error::AzureError;

/// ARM's public-cloud endpoint.
pub const AZURE_ARM_ENDPOINT: &str = "https://management.azure.com";

/// The ARM endpoint and the identity used against it.
#[derive(Clone)]
pub enum Target {
    /// Real Azure (or a sovereign cloud / standalone emulator through `--arm-endpoint` and
    /// `--authority-host`), authenticated by the default credential chain.
    Azure {
        /// ARM endpoint, default [`AZURE_ARM_ENDPOINT`].
        arm_endpoint: String,
        /// Authority host override (e.g. `https://login.microsoftonline.us`).
        authority_host: Option<String>,
    },
    /// The ARM emulator: its URL is both ARM endpoint and authority host.
    Emulator {
        /// `http://127.0.0.1:PORT`.
        base_url: String,
        /// The plan's tenant ID.
        tenant_id: String,
        /// The emulator's client ID.
        client_id: String,
        /// The emulator's client secret (random per run).
        client_secret: String,
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
    /// `the emulator at http://127.0.0.1:PORT`. Never includes a credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Azure { arm_endpoint, .. } => write!(f, "ARM at {arm_endpoint}"),
            Target::Emulator { base_url, .. } => write!(f, "the emulator at {base_url}"),
        }
    }
}

impl Target {
    /// The ARM endpoint URL.
    pub fn endpoint(&self) -> Result<Url, AzureError> {
        let raw = match self {
            Target::Azure { arm_endpoint, .. } => arm_endpoint.as_str(),
            Target::Emulator { base_url, .. } => base_url.as_str(),
        };
        Url::parse(raw)
            .map_err(|_| AzureError::new("InvalidEndpoint", format!("`{raw}` is not a valid URL")))
    }

    /// Builds the one credential of a run (its token cache is shared by every client).
    pub fn credential(&self) -> Result<Arc<dyn TokenCredential>, AzureError> {
        match self {
            Target::Azure { authority_host, .. } => {
                let mut options = TokenCredentialOptions::default();
                if let Some(host) = authority_host {
                    options.set_authority_host(host.clone());
                }
                let credential = DefaultAzureCredentialBuilder::new()
                    .with_options(options)
                    .build()
                    .map_err(|e| AzureError::from_core(&e))?;
                Ok(Arc::new(credential))
            }
            Target::Emulator {
                base_url,
                tenant_id,
                client_id,
                client_secret,
            } => {
                let authority = Url::parse(base_url).map_err(|_| {
                    AzureError::new(
                        "InvalidEndpoint",
                        format!("`{base_url}` is not a valid URL"),
                    )
                })?;
                Ok(Arc::new(ClientSecretCredential::new(
                    azure_core::new_http_client(),
                    authority,
                    tenant_id.clone(),
                    client_id.clone(),
                    client_secret.clone(),
                )))
            }
        }
    }
}
