//! `ArmClient`: kvinit's thin typed layer over ARM's uniform REST surface. Every request (GET,
//! PUT, list with all pages, POST actions such as `checkNameAvailability`, and DELETE, which
//! kvinit does not call yet) goes through one azure_core pipeline ([`super::pipeline`]) with
//! one credential, one counter, one pacer and one retry configuration. Bodies are JSON
//! (`serde_json::Value`) in and out, exactly as ARM sends them; the api-version is data the
//! caller passes (per resource type, `ResourceKind::api_version`). Non-2xx answers become
//! [`AzureError`]s with ARM's status, code and message. It decides nothing.

use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::http::{Context, Method, Pipeline, PipelineSendOptions, Request, Url};
use serde_json::Value;

use super::counting::RequestCounter;
use super::deprecation::Deprecations;
use super::error::AzureError;
use super::pacer::Pacer;
use super::pipeline::{PipelineParts, build};
use super::retry::RetrySettings;
use super::target::Target;

/// Tuning for a run's client.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// Retry and timeout settings.
    pub retry: RetrySettings,
    /// The per-subscription read and write pacer.
    pub pacer: Pacer,
    /// The run's Ctrl-C flag: once set, calls are refused, and those in progress abandoned
    /// after [`super::interrupt::GRACE`].
    pub interrupt: super::interrupt::Interrupt,
}

/// One ARM answer that succeeded (2xx).
#[derive(Debug, Clone)]
pub struct ArmResponse {
    /// HTTP status (200, 201, 202).
    pub status: u16,
    /// `Retry-After` in seconds, when sent (long-running operations).
    pub retry_after: Option<Duration>,
    /// The body as JSON (`{}` when empty).
    pub body: Value,
}

/// The run's ARM client. Cheap to clone (clones share everything).
#[derive(Clone)]
pub struct ArmClient {
    endpoint: Url,
    credential: Arc<dyn TokenCredential>,
    scope: String,
    pipeline: Pipeline,
    counter: RequestCounter,
    deprecations: Deprecations,
    settings: ClientSettings,
}

impl ArmClient {
    /// Builds the client for `target`. Fails when the endpoint is not a URL or the CA
    /// certificate is not PEM; no request is sent here (the credential is asked for a token
    /// on the first request).
    pub fn connect(target: &Target, settings: ClientSettings) -> Result<Self, AzureError> {
        let endpoint = target.endpoint()?;
        let http = target.http_client()?;
        let credential = target.credential(&http);
        let scope = format!("{}/.default", endpoint.as_str().trim_end_matches('/'));
        let counter = RequestCounter::new();
        let deprecations = Deprecations::new();
        let pipeline = build(PipelineParts {
            credential: credential.clone(),
            scope: scope.clone(),
            retry: &settings.retry,
            pacer: &settings.pacer,
            interrupt: &settings.interrupt,
            counter: &counter,
            deprecations: &deprecations,
            transport: super::tls::transport(&http),
        });
        Ok(Self {
            endpoint,
            credential,
            scope,
            pipeline,
            counter,
            deprecations,
            settings,
        })
    }

    /// The run's request counter.
    pub fn counter(&self) -> &RequestCounter {
        &self.counter
    }

    /// ARM's deprecation notices seen so far (each once).
    pub fn deprecations(&self) -> &Deprecations {
        &self.deprecations
    }

    /// The settings the client was built with.
    pub fn settings(&self) -> &ClientSettings {
        &self.settings
    }

    /// GETs `path` (an ARM resource ID or any ARM path) at `api_version`.
    pub async fn get(&self, path: &str, api_version: &str) -> Result<Value, AzureError> {
        let url = self.url(path, api_version, &[])?;
        Ok(self.send(Request::new(url, Method::Get)).await?.body)
    }

    /// PUTs `body` to `path` at `api_version`.
    pub async fn put(
        &self,
        path: &str,
        api_version: &str,
        body: &Value,
    ) -> Result<ArmResponse, AzureError> {
        let url = self.url(path, api_version, &[])?;
        let mut request = Request::new(url, Method::Put);
        set_json(&mut request, body)?;
        self.send(request).await
    }

    /// POSTs `body` to the action at `path` (e.g. `…/checkNameAvailability`).
    pub async fn post(
        &self,
        path: &str,
        api_version: &str,
        body: &Value,
    ) -> Result<Value, AzureError> {
        let url = self.url(path, api_version, &[])?;
        let mut request = Request::new(url, Method::Post);
        set_json(&mut request, body)?;
        Ok(self.send(request).await?.body)
    }

    /// DELETEs `path`. kvinit's only DELETE is `write::revoke_role_assignment` (a role
    /// assignment kvinit created that the plan no longer asks for); tests also use it to act
    /// as a user.
    pub async fn delete(&self, path: &str, api_version: &str) -> Result<(), AzureError> {
        let url = self.url(path, api_version, &[])?;
        self.send(Request::new(url, Method::Delete)).await?;
        Ok(())
    }

    /// GETs every page of the ARM list at `path` (`{"value": [...], "nextLink": ...}`) and
    /// returns the items verbatim. `query` is extra query pairs (e.g. `$filter`).
    pub async fn list(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, AzureError> {
        let mut items = Vec::new();
        let mut next = Some(self.url(path, api_version, query)?);
        while let Some(url) = next.take() {
            let page = self.send(Request::new(url, Method::Get)).await?.body;
            if let Some(values) = page.get("value").and_then(Value::as_array) {
                items.extend(values.iter().cloned());
            }
            next = page
                .get("nextLink")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty())
                .and_then(|l| Url::parse(l).ok());
        }
        Ok(items)
    }

    /// The run's access token for ARM (from the credential's cache). Only for reading the
    /// caller's own claims inside the adapter; never print, log or keep it.
    /// Outside the pipeline, so it races the run's Ctrl-C flag itself (given
    /// [`super::interrupt::GRACE`], as a pipeline call is).
    pub(crate) async fn access_token(&self) -> Result<String, AzureError> {
        let interrupt = &self.settings.interrupt;
        if interrupt.is_set() {
            return Err(AzureError::from_core(&super::interrupt::interrupted_error()));
        }
        let deadline = async {
            interrupt.triggered().await;
            tokio::time::sleep(super::interrupt::GRACE).await;
        };
        let scopes = [self.scope.as_str()];
        let token = tokio::select! {
            token = self.credential.get_token(&scopes, None) => token?,
            () = deadline => {
                return Err(AzureError::from_core(&super::interrupt::interrupted_error()));
            }
        };
        Ok(token.token.secret().to_string())
    }

    fn url(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Url, AzureError> {
        let mut url = self
            .endpoint
            .join(path.trim_start_matches('/'))
            .map_err(|_| {
                AzureError::new("InvalidResourceId", format!("`{path}` is not a valid path"))
            })?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("api-version", api_version);
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    async fn send(&self, mut request: Request) -> Result<ArmResponse, AzureError> {
        let response = self
            .pipeline
            .send(
                &Context::new(),
                &mut request,
                Some(PipelineSendOptions {
                    skip_checks: true,
                    ..PipelineSendOptions::default()
                }),
            )
            .await?;
        let status = u16::from(response.status());
        let retry_after = response
            .headers()
            .get_optional_str(&azure_core::http::headers::RETRY_AFTER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response.into_body();
        if !(200..300).contains(&status) {
            return Err(AzureError::from_response(status, bytes.as_ref()));
        }
        let body = if bytes.as_ref().is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_slice(bytes.as_ref()).map_err(|_| {
                AzureError::new(
                    "UnexpectedResponse",
                    "ARM answered with a body that is not JSON",
                )
            })?
        };
        Ok(ArmResponse {
            status,
            retry_after,
            body,
        })
    }
}

fn set_json(request: &mut Request, body: &Value) -> Result<(), AzureError> {
    request.insert_header("content-type", "application/json");
    let bytes = serde_json::to_vec(body)
        .map_err(|_| AzureError::new("InvalidBody", "the request body is not serialisable"))?;
    request.set_body(bytes);
    Ok(())
}
