//! kvinit's credential chain over azure_identity 1.x (which has no `DefaultAzureCredential`):
//! the same order as the Azure SDKs' default chain, each step named in errors —
//!
//! 1. **environment**: a service principal from `AZURE_CLIENT_ID` + `AZURE_TENANT_ID` +
//!    `AZURE_CLIENT_SECRET` (or `AZURE_CLIENT_CERTIFICATE_PATH`, PKCS#12, password in
//!    `AZURE_CLIENT_CERTIFICATE_PASSWORD`);
//! 2. **workload identity**: `AZURE_FEDERATED_TOKEN_FILE` (+ `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`);
//! 3. **managed identity** (a user-assigned one when `AZURE_CLIENT_ID` is set);
//! 4. **Azure CLI** (`az login`), then **Azure Developer CLI** (`azd auth login`).
//!
//! `--credential env|workload|managed-identity|cli|azd`, or `AZURE_TOKEN_CREDENTIALS` (the
//! SDKs' convention: `dev` = the developer tools, `prod` = environment, workload identity and
//! managed identity, or one credential's class name such as `AzureCliCredential`), picks steps.
//! A step that is not configured is passed over; a configured step that fails (a wrong secret)
//! ends the chain with its error, as the SDKs' default chain does.
//!
//! Loopback rule: when the ARM endpoint is on loopback (the emulator, or `--arm-endpoint
//! https://127.0.0.1:…`), no token request may leave the machine: managed identity (the
//! instance-metadata address) and the developer tools (Entra) are skipped, and the environment
//! and workload-identity steps run only when their authority host is on loopback too.
//! Secrets stay inside azure_identity's credentials; nothing here prints or keeps them.

use std::sync::{Arc, Mutex};

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error, ErrorKind};
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport, Url};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, AzureDeveloperCliCredential,
    ClientAssertionCredentialOptions, ClientCertificateCredential,
    ClientCertificateCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};

/// One step of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// Service principal from `AZURE_*` variables (`EnvironmentCredential`).
    Environment,
    /// Federated token file (`WorkloadIdentityCredential`).
    WorkloadIdentity,
    /// The host's managed identity (`ManagedIdentityCredential`).
    ManagedIdentity,
    /// `az account get-access-token` (`AzureCliCredential`).
    AzureCli,
    /// `azd auth token` (`AzureDeveloperCliCredential`).
    AzureDeveloperCli,
}

/// The chain's order.
pub const CHAIN: [CredentialKind; 5] = [
    CredentialKind::Environment,
    CredentialKind::WorkloadIdentity,
    CredentialKind::ManagedIdentity,
    CredentialKind::AzureCli,
    CredentialKind::AzureDeveloperCli,
];

impl CredentialKind {
    /// The name used in messages: `environment (EnvironmentCredential)`.
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::Environment => "environment (EnvironmentCredential)",
            CredentialKind::WorkloadIdentity => "workload identity (WorkloadIdentityCredential)",
            CredentialKind::ManagedIdentity => "managed identity (ManagedIdentityCredential)",
            CredentialKind::AzureCli => "Azure CLI (AzureCliCredential)",
            CredentialKind::AzureDeveloperCli => {
                "Azure Developer CLI (AzureDeveloperCliCredential)"
            }
        }
    }
}

/// Which steps a run uses, in chain order. Parsed from `--credential` or
/// `AZURE_TOKEN_CREDENTIALS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSelection(pub Vec<CredentialKind>);

impl Default for CredentialSelection {
    /// The whole chain.
    fn default() -> Self {
        Self(CHAIN.to_vec())
    }
}

impl std::str::FromStr for CredentialSelection {
    type Err = String;

    /// Accepts (case-insensitive) `env`, `workload`, `managed-identity`, `cli`, `azd`, the SDKs'
    /// `dev` and `prod`, and the credential class names (`EnvironmentCredential`,
    /// `WorkloadIdentityCredential`, `ManagedIdentityCredential`, `AzureCliCredential`,
    /// `AzureDeveloperCliCredential`).
    fn from_str(raw: &str) -> Result<Self, String> {
        use CredentialKind::*;
        let kinds = match raw.trim().to_ascii_lowercase().as_str() {
            "env" | "environment" | "environmentcredential" => vec![Environment],
            "workload" | "workload-identity" | "workloadidentitycredential" => {
                vec![WorkloadIdentity]
            }
            "managed-identity" | "managedidentitycredential" => vec![ManagedIdentity],
            "cli" | "azurecli" | "azureclicredential" => vec![AzureCli],
            "azd" | "azuredeveloperclicredential" => vec![AzureDeveloperCli],
            "dev" => vec![AzureCli, AzureDeveloperCli],
            "prod" => vec![Environment, WorkloadIdentity, ManagedIdentity],
            other => {
                return Err(format!(
                    "`{other}` is not a credential: use env, workload, managed-identity, cli, azd, \
                     dev or prod"
                ));
            }
        };
        Ok(Self(kinds))
    }
}

/// What a chain for Azure is built from (everything but the environment variables, which
/// are read when it is built).
#[derive(Debug, Clone)]
pub struct ChainSettings {
    /// The steps to try.
    pub selection: CredentialSelection,
    /// Authority host override (`--authority-host`); `None` = `AZURE_AUTHORITY_HOST` or
    /// Microsoft Entra's public cloud.
    pub authority_host: Option<String>,
    /// The ARM endpoint is on loopback: see the module docs.
    pub loopback: bool,
}

/// A step as built: ready, not configured, or skipped by the loopback rule.
#[derive(Debug)]
enum Step {
    Ready(CredentialKind, Arc<dyn TokenCredential>),
    /// Its variables are not set: the chain goes on to the next step.
    NotConfigured(CredentialKind, String),
    /// Its variables are set but unusable (an unreadable or undecodable certificate, a wrong
    /// password, a malformed tenant ID): the chain stops here, as it does when Entra refuses a
    /// configured service principal — falling through would run as another identity (the
    /// machine's managed identity, whoever ran `az login`) without saying so.
    Broken(CredentialKind, String),
    Skipped(CredentialKind, String),
}

/// The chain itself: a [`TokenCredential`] that tries its steps in order and keeps using the
/// first that gave a token.
#[derive(Debug)]
pub struct CredentialChain {
    steps: Vec<Step>,
    chosen: Mutex<Option<usize>>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether `url`'s host is a loopback address or `localhost`.
pub fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Retries of one token request: a few quick ones for a passing fault (a dropped connection, a
/// 5xx from Entra), never the minutes the ARM pipeline allows — the token request sits inside an
/// ARM request's attempt, and a token endpoint that stays unreachable (a closed port, a wrong
/// authority host) must be reported while the user still waits for it (it took 2 min 44 s).
fn token_retry() -> RetryOptions {
    RetryOptions::exponential(ExponentialRetryOptions {
        initial_delay: azure_core::time::Duration::milliseconds(250),
        max_retries: 3,
        max_delay: azure_core::time::Duration::seconds(2),
        max_total_elapsed: azure_core::time::Duration::seconds(10),
    })
}

fn client_options(transport: &Transport, authority_host: Option<&str>) -> ClientOptions {
    let mut options = ClientOptions {
        transport: Some(transport.clone()),
        retry: token_retry(),
        ..ClientOptions::default()
    };
    if let Some(host) = authority_host {
        let mut custom = CustomConfiguration::default();
        custom.authority_host = host.to_string();
        options.cloud = Some(Arc::new(CloudConfiguration::from(custom)));
    }
    options
}

impl CredentialChain {
    /// Builds the chain for Azure (or an `--arm-endpoint`): reads the `AZURE_*` variables,
    /// applies the loopback rule, and prepares each remaining step with `transport`. Sends
    /// nothing.
    pub fn for_azure(settings: &ChainSettings, transport: &Transport) -> Self {
        let authority = settings
            .authority_host
            .clone()
            .or_else(|| env("AZURE_AUTHORITY_HOST"));
        let authority_on_loopback = authority
            .as_deref()
            .and_then(|a| Url::parse(a).ok())
            .is_some_and(|u| is_loopback_url(&u));
        let options = || client_options(transport, authority.as_deref());
        let steps = settings
            .selection
            .0
            .iter()
            .map(|&kind| {
                let leaves_machine = match kind {
                    CredentialKind::Environment | CredentialKind::WorkloadIdentity => {
                        !authority_on_loopback
                    }
                    _ => true,
                };
                if settings.loopback && leaves_machine {
                    let why = match kind {
                        CredentialKind::Environment | CredentialKind::WorkloadIdentity => {
                            // Say "not configured" when it is not: that is what a user fixes.
                            if let step @ Step::NotConfigured(..) = build_step(kind, &options) {
                                return step;
                            }
                            "skipped: the ARM endpoint is on loopback but the authority host is \
                             not (give --authority-host https://127.0.0.1:PORT)"
                        }
                        _ => {
                            "skipped: the ARM endpoint is on loopback, and kvinit sends no token \
                             request off the machine for a loopback target"
                        }
                    };
                    return Step::Skipped(kind, why.into());
                }
                build_step(kind, &options)
            })
            .collect();
        Self {
            steps,
            chosen: Mutex::new(None),
        }
    }

    /// The emulator's credential: azure_identity's client-secret credential against the
    /// emulator's token endpoint (`{base_url}/{tenant}/oauth2/v2.0/token`), the code that runs
    /// against Microsoft Entra ID.
    pub fn for_emulator(
        base_url: &str,
        tenant_id: &str,
        client_id: &str,
        client_secret: &str,
        transport: &Transport,
    ) -> Self {
        let options = ClientSecretCredentialOptions {
            client_options: client_options(transport, Some(base_url)),
        };
        let step = match ClientSecretCredential::new(
            tenant_id,
            client_id.to_string(),
            Secret::new(client_secret.to_string()),
            Some(options),
        ) {
            Ok(c) => Step::Ready(CredentialKind::Environment, c),
            Err(e) => Step::NotConfigured(CredentialKind::Environment, e.to_string()),
        };
        Self {
            steps: vec![step],
            chosen: Mutex::new(None),
        }
    }

    fn failure(&self, tried: Vec<String>) -> Error {
        Error::with_message(
            ErrorKind::Credential,
            format!(
                "no credential in kvinit's chain gave a token; tried: {}",
                tried.join("; ")
            ),
        )
    }
}

fn build_step(kind: CredentialKind, options: &dyn Fn() -> ClientOptions) -> Step {
    let built: Result<Arc<dyn TokenCredential>, Unusable> = match kind {
        CredentialKind::Environment => environment(options),
        CredentialKind::WorkloadIdentity => match env("AZURE_FEDERATED_TOKEN_FILE") {
            None => Err(Unusable::NotSet(
                "AZURE_FEDERATED_TOKEN_FILE is not set".into(),
            )),
            Some(_) => WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                credential_options: ClientAssertionCredentialOptions {
                    client_options: options(),
                },
                ..WorkloadIdentityCredentialOptions::default()
            }))
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| Unusable::Broken(e.to_string())),
        },
        CredentialKind::ManagedIdentity => {
            ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
                user_assigned_id: env("AZURE_CLIENT_ID").map(UserAssignedId::ClientId),
                client_options: options(),
            }))
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| Unusable::NotSet(e.to_string()))
        }
        CredentialKind::AzureCli => AzureCliCredential::new(Some(AzureCliCredentialOptions {
            tenant_id: env("AZURE_TENANT_ID"),
            ..AzureCliCredentialOptions::default()
        }))
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| Unusable::NotSet(e.to_string())),
        CredentialKind::AzureDeveloperCli => AzureDeveloperCliCredential::new(None)
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| Unusable::NotSet(e.to_string())),
    };
    match built {
        Ok(c) => Step::Ready(kind, c),
        Err(Unusable::NotSet(why)) => Step::NotConfigured(kind, why),
        Err(Unusable::Broken(why)) => Step::Broken(kind, why),
    }
}

/// Why a step could not be built.
enum Unusable {
    /// Its variables are not set.
    NotSet(String),
    /// Its variables are set, but what they name cannot be used.
    Broken(String),
}

/// The environment step: a client secret or a certificate, or why it is not configured.
fn environment(options: &dyn Fn() -> ClientOptions) -> Result<Arc<dyn TokenCredential>, Unusable> {
    let (Some(client_id), Some(tenant_id)) = (env("AZURE_CLIENT_ID"), env("AZURE_TENANT_ID"))
    else {
        return Err(Unusable::NotSet(
            "AZURE_CLIENT_ID and AZURE_TENANT_ID are not both set".into(),
        ));
    };
    if let Some(secret) = env("AZURE_CLIENT_SECRET") {
        return ClientSecretCredential::new(
            &tenant_id,
            client_id,
            Secret::new(secret),
            Some(ClientSecretCredentialOptions {
                client_options: options(),
            }),
        )
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| Unusable::Broken(e.to_string()));
    }
    if let Some(path) = env("AZURE_CLIENT_CERTIFICATE_PATH") {
        let bytes = std::fs::read(&path).map_err(|e| {
            Unusable::Broken(format!(
                "cannot read AZURE_CLIENT_CERTIFICATE_PATH `{path}`: {e}"
            ))
        })?;
        return ClientCertificateCredential::new(
            tenant_id,
            client_id,
            bytes.into(),
            Some(ClientCertificateCredentialOptions {
                client_options: options(),
                password: env("AZURE_CLIENT_CERTIFICATE_PASSWORD").map(Secret::new),
            }),
        )
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| Unusable::Broken(e.to_string()));
    }
    Err(Unusable::NotSet(
        "neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set".into(),
    ))
}

#[async_trait::async_trait]
impl TokenCredential for CredentialChain {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let chosen = *self.chosen.lock().expect("chain lock");
        if let Some(i) = chosen
            && let Step::Ready(kind, credential) = &self.steps[i]
        {
            return credential
                .get_token(scopes, options)
                .await
                .map_err(|e| step_error(*kind, &e));
        }
        let mut tried = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Ready(kind, credential) => {
                    match credential.get_token(scopes, options.clone()).await {
                        Ok(token) => {
                            *self.chosen.lock().expect("chain lock") = Some(i);
                            return Ok(token);
                        }
                        // A configured service principal that is refused ends the chain (the
                        // SDKs' behaviour): falling through would hide the real problem.
                        Err(e) if *kind == CredentialKind::Environment => {
                            return Err(step_error(*kind, &e));
                        }
                        Err(e) => tried.push(format!("{}: {}", kind.label(), one_line(&e))),
                    }
                }
                Step::NotConfigured(kind, why) => {
                    tried.push(format!("{}: not configured: {why}", kind.label()))
                }
                Step::Broken(kind, why) => {
                    tried.push(format!(
                        "{}: configured but unusable: {why} (the chain stops here rather than \
                         run as another identity; fix or unset its variables)",
                        kind.label()
                    ));
                    break;
                }
                Step::Skipped(kind, why) => tried.push(format!("{}: {why}", kind.label())),
            }
        }
        if tried.is_empty() {
            tried.push("no step selected".into());
        }
        Err(self.failure(tried))
    }
}

fn one_line(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(more.trim()) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("To troubleshoot"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn step_error(kind: CredentialKind, err: &Error) -> Error {
    Error::with_message(
        ErrorKind::Credential,
        format!("{} failed: {}", kind.label(), one_line(err)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_follow_the_flag_and_the_sdks_convention() {
        use CredentialKind::*;
        let parse = |s: &str| s.parse::<CredentialSelection>().unwrap().0;
        assert_eq!(parse("env"), vec![Environment]);
        assert_eq!(parse("managed-identity"), vec![ManagedIdentity]);
        assert_eq!(parse("AzureCliCredential"), vec![AzureCli]);
        assert_eq!(parse("dev"), vec![AzureCli, AzureDeveloperCli]);
        assert_eq!(
            parse("prod"),
            vec![Environment, WorkloadIdentity, ManagedIdentity]
        );
        assert_eq!(CredentialSelection::default().0, CHAIN.to_vec());
        assert!("browser".parse::<CredentialSelection>().is_err());
    }

    #[test]
    fn loopback_hosts() {
        for (url, want) in [
            ("https://127.0.0.1:9", true),
            ("https://127.8.9.1", true),
            ("https://[::1]:8443", true),
            ("https://localhost", true),
            ("https://management.azure.com", false),
            ("https://169.254.169.254", false),
        ] {
            assert_eq!(is_loopback_url(&Url::parse(url).unwrap()), want, "{url}");
        }
    }
}
