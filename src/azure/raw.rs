//! Untyped ARM requests through the same pipeline (policies, retry, pacing, counting) and the
//! same credential as the typed clients, for bodies an azure_mgmt 0.20 model cannot carry.
//! Known case: `MetricCriteria` in package_2021_05_metrics flattens `MultiMetricCriteria`
//! and drops the required `criterionType` discriminator, so a metric alert sent through the
//! typed client would be rejected by ARM. The same loss makes typed *list* answers unfit for
//! the diff (a listed metric alert would lack `criterionType` and look changed), so list reads
//! go through [`RawArm::list`] and keep ARM's JSON verbatim. It must not be used where the typed
//! client works.

use std::sync::Arc;

use azure_core::auth::TokenCredential;
use azure_core::{ClientOptions, Context, Method, Pipeline, Request, Url};
use serde_json::Value;

use super::error::AzureError;

/// A pipeline plus credential for untyped calls.
#[derive(Clone)]
pub struct RawArm {
    endpoint: Url,
    credential: Arc<dyn TokenCredential>,
    scopes: Vec<String>,
    pipeline: Pipeline,
}

impl RawArm {
    /// Builds the pipeline from the run's client options.
    pub fn new(
        endpoint: Url,
        credential: Arc<dyn TokenCredential>,
        scopes: Vec<String>,
        options: ClientOptions,
    ) -> Self {
        let pipeline = Pipeline::new(
            option_env!("CARGO_PKG_NAME"),
            option_env!("CARGO_PKG_VERSION"),
            options,
            Vec::new(),
            Vec::new(),
        );
        Self {
            endpoint,
            credential,
            scopes,
            pipeline,
        }
    }

    /// GETs every page of the ARM list at `path` (`{"value": [...], "nextLink": ...}`) and
    /// returns the items verbatim. `query` is extra query pairs (e.g. `$filter`).
    pub async fn list(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, AzureError> {
        let mut url = self.url(path)?;
        url.query_pairs_mut()
            .append_pair("api-version", api_version);
        for (k, v) in query {
            url.query_pairs_mut().append_pair(k, v);
        }
        let mut items = Vec::new();
        let mut next = Some(url);
        while let Some(url) = next.take() {
            let mut request = Request::new(url, Method::Get);
            self.authorize(&mut request).await?;
            let response = self.pipeline.send(&Context::new(), &mut request).await?;
            let page = super::observe::body_json(response).await?;
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

    fn url(&self, path: &str) -> Result<Url, AzureError> {
        self.endpoint
            .join(path.trim_start_matches('/'))
            .map_err(|_| {
                AzureError::new("InvalidResourceId", format!("`{path}` is not a valid path"))
            })
    }

    /// The run's access token for ARM (from the credential's cache). Only for reading the
    /// caller's own claims inside the adapter; never print, log or keep it.
    pub(crate) async fn access_token(&self) -> Result<String, AzureError> {
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        let token = self.credential.get_token(&scopes).await?;
        Ok(token.token.secret().to_string())
    }

    async fn authorize(&self, request: &mut Request) -> Result<(), AzureError> {
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        let token = self.credential.get_token(&scopes).await?;
        request.insert_header(
            azure_core::headers::AUTHORIZATION,
            format!("Bearer {}", token.token.secret()),
        );
        Ok(())
    }

    /// DELETEs `{endpoint}{id}?api-version={api_version}`. Only `write::revoke_role_assignment`
    /// calls it (the one DELETE kvinit sends).
    pub async fn delete(&self, id: &str, api_version: &str) -> Result<(), AzureError> {
        let mut url = self.url(id)?;
        url.query_pairs_mut()
            .append_pair("api-version", api_version);
        let mut request = Request::new(url, Method::Delete);
        self.authorize(&mut request).await?;
        self.pipeline.send(&Context::new(), &mut request).await?;
        Ok(())
    }

    /// PUTs `body` to `{endpoint}{id}?api-version={api_version}`.
    pub async fn put(
        &self,
        id: &str,
        api_version: &str,
        body: &Value,
    ) -> Result<azure_core::Response, AzureError> {
        let mut url = self
            .endpoint
            .join(id.trim_start_matches('/'))
            .map_err(|_| {
                AzureError::new("InvalidResourceId", format!("`{id}` is not a valid path"))
            })?;
        url.query_pairs_mut()
            .append_pair("api-version", api_version);
        let mut request = Request::new(url, Method::Put);
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        let token = self.credential.get_token(&scopes).await?;
        request.insert_header(
            azure_core::headers::AUTHORIZATION,
            format!("Bearer {}", token.token.secret()),
        );
        request.insert_header("content-type", "application/json");
        let bytes = serde_json::to_vec(body)
            .map_err(|_| AzureError::new("InvalidBody", "the request body is not serialisable"))?;
        request.set_body(bytes);
        Ok(self.pipeline.send(&Context::new(), &mut request).await?)
    }
}
