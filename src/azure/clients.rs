//! The typed azure_mgmt clients of a run, built once and sharing one credential (so the token
//! is fetched once), one request counter, one pacer and one retry configuration. It must
//! not send anything by itself.

use azure_core::ClientOptions;

use super::counting::RequestCounter;
use super::credential::Target;
use super::error::AzureError;
use super::json_body::StripNullsPolicy;
use super::pacer::Pacer;
use super::raw::RawArm;
use super::retry::RetrySettings;
use super::url_path::NormalizePathPolicy;

pub(crate) use azure_mgmt_authorization::package_2022_04_01 as authorization;
pub(crate) use azure_mgmt_keyvault::package_preview_2022_02 as keyvault;
pub(crate) use azure_mgmt_monitor::package_2021_05_metrics as metrics;
pub(crate) use azure_mgmt_monitor::package_2021_05_preview_diagnostics as diagnostics;
pub(crate) use azure_mgmt_monitor::package_preview_2023_01 as activity;
pub(crate) use azure_mgmt_resources::package_resources_2021_04 as resources;

/// Tuning for a run's clients.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// Retry and timeout settings.
    pub retry: RetrySettings,
    /// The per-subscription read and write pacer (shared by every client).
    pub pacer: Pacer,
    /// The run's Ctrl-C flag: once set, calls are refused, and those in progress abandoned
    /// after [`super::interrupt::GRACE`].
    pub interrupt: super::interrupt::Interrupt,
}

/// Every client kvinit uses, ready to call. Cheap to clone.
#[derive(Clone)]
pub struct ArmClients {
    pub(crate) keyvault: keyvault::Client,
    pub(crate) diagnostics: diagnostics::Client,
    pub(crate) metrics: metrics::Client,
    pub(crate) activity: activity::Client,
    pub(crate) authorization: authorization::Client,
    pub(crate) resources: resources::Client,
    pub(crate) raw: RawArm,
    counter: RequestCounter,
    settings: ClientSettings,
}

impl ArmClients {
    /// Builds every client for `target`. Fails when the endpoint is not a URL or no credential
    /// is available; no request is sent here.
    pub fn connect(target: &Target, settings: ClientSettings) -> Result<Self, AzureError> {
        let endpoint = target.endpoint()?;
        let credential = target.credential()?;
        let scope = format!("{}/.default", endpoint.as_str().trim_end_matches('/'));
        let counter = RequestCounter::new();
        let mut options = ClientOptions::default().retry(settings.retry.core_options());
        options.per_call_policies_mut().extend([
            settings.interrupt.policy(),
            NormalizePathPolicy::shared(),
            StripNullsPolicy::shared(),
            counter.call_policy(),
            settings.retry.arm_policy(),
        ]);
        options.per_retry_policies_mut().extend([
            settings.pacer.policy(),
            settings.retry.timeout_policy(),
            counter.attempt_policy(),
        ]);
        let scopes = vec![scope];
        Ok(Self {
            keyvault: keyvault::Client::new(
                endpoint.clone(),
                credential.clone(),
                scopes.clone(),
                options.clone(),
            ),
            diagnostics: diagnostics::Client::new(
                endpoint.clone(),
                credential.clone(),
                scopes.clone(),
                options.clone(),
            ),
            metrics: metrics::Client::new(
                endpoint.clone(),
                credential.clone(),
                scopes.clone(),
                options.clone(),
            ),
            activity: activity::Client::new(
                endpoint.clone(),
                credential.clone(),
                scopes.clone(),
                options.clone(),
            ),
            authorization: authorization::Client::new(
                endpoint.clone(),
                credential.clone(),
                scopes.clone(),
                options.clone(),
            ),
            resources: resources::Client::new(
                endpoint.clone(),
                credential.clone(),
                scopes.clone(),
                options.clone(),
            ),
            raw: RawArm::new(endpoint, credential, scopes, options),
            counter,
            settings,
        })
    }

    /// The run's request counter.
    pub fn counter(&self) -> &RequestCounter {
        &self.counter
    }

    /// The settings the clients were built with.
    pub fn settings(&self) -> &ClientSettings {
        &self.settings
    }
}
