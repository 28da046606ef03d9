//! The ARM pipeline: azure_core 1.x's `Pipeline` with kvinit's policies, in this order —
//!
//! per call: interrupt (Ctrl-C) → path normalisation → null stripping → call counter →
//! deprecation notices → ARM retry (409 in flight, 404 read-after-write lag) → azure_core's
//! exponential retry (408, 429, 5xx, I/O, honouring `Retry-After`) → per attempt: bearer token
//! → pacer → attempt timeout → attempt counter → transport (the run's reqwest client).
//!
//! It decides nothing about resources and sends nothing by itself.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::policies::Policy;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::{ClientOptions, Pipeline, Transport};

use super::counting::RequestCounter;
use super::deprecation::Deprecations;
use super::json_body::StripNullsPolicy;
use super::pacer::Pacer;
use super::retry::RetrySettings;
use super::url_path::NormalizePathPolicy;

/// What the pipeline is made of.
pub struct PipelineParts<'a> {
    /// The run's credential.
    pub credential: Arc<dyn TokenCredential>,
    /// OAuth scope for ARM: `{endpoint}/.default`.
    pub scope: String,
    /// Retry and timeout settings.
    pub retry: &'a RetrySettings,
    /// The shared pacer.
    pub pacer: &'a Pacer,
    /// The run's Ctrl-C flag.
    pub interrupt: &'a super::interrupt::Interrupt,
    /// The run's request counter.
    pub counter: &'a RequestCounter,
    /// Where deprecation notices are collected.
    pub deprecations: &'a Deprecations,
    /// The run's HTTP transport.
    pub transport: Transport,
}

/// Builds the pipeline (see the module docs for the order).
pub fn build(parts: PipelineParts<'_>) -> Pipeline {
    let per_call: Vec<Arc<dyn Policy>> = vec![
        parts.interrupt.policy(),
        NormalizePathPolicy::shared(),
        StripNullsPolicy::shared(),
        parts.counter.call_policy(),
        parts.deprecations.policy(),
        parts.retry.arm_policy(),
    ];
    let per_try: Vec<Arc<dyn Policy>> = vec![
        Arc::new(BearerTokenAuthorizationPolicy::new(
            parts.credential,
            [parts.scope],
        )),
        parts.pacer.policy(),
        parts.retry.timeout_policy(),
        parts.counter.attempt_policy(),
    ];
    let options = ClientOptions {
        retry: parts.retry.core_options(),
        transport: Some(parts.transport),
        ..ClientOptions::default()
    };
    Pipeline::new(
        option_env!("CARGO_PKG_NAME"),
        option_env!("CARGO_PKG_VERSION"),
        options,
        per_call,
        per_try,
        None,
    )
}
