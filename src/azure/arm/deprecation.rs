//! ARM's api-version lifecycle notices as a pipeline policy: an answer that carries an
//! `azure-deprecating` header (ARM's notice that the api-version or a feature used is being
//! retired, with a date and a link) or a `Warning` header (RFC 7234, e.g. `299 - "…deprecated…"`)
//! is recorded once per run, keyed by header, api-version and ARM resource type, so the next
//! retirement is seen months ahead. The command layer prints the collected notices through the
//! ui; this module never prints. It must not change requests or answers.

use std::sync::{Arc, Mutex};

use azure_core::http::headers::HeaderName;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Request};

/// The headers ARM uses to announce a deprecation.
pub const DEPRECATION_HEADERS: [&str; 2] = ["azure-deprecating", "warning"];

/// Longest header text kept (ARM's notices are one sentence and a link).
const MAX_TEXT: usize = 400;

/// One notice ARM sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// The header it came in: `azure-deprecating` or `warning`.
    pub header: &'static str,
    /// The request's `api-version` query value (`unknown` when absent).
    pub api_version: String,
    /// The ARM resource type the request addressed, e.g. `Microsoft.KeyVault/vaults`.
    pub resource_type: String,
    /// The header's value, cut to 400 characters.
    pub text: String,
}

impl std::fmt::Display for Deprecation {
    /// `ARM flags api-version 2018-03-01 of Microsoft.Insights/metricAlerts (azure-deprecating:
    /// …)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ARM flags api-version {} of {} ({}: {})",
            self.api_version, self.resource_type, self.header, self.text
        )
    }
}

/// The notices of a run, each kept once; cheap to clone (clones share the list).
#[derive(Debug, Clone, Default)]
pub struct Deprecations(Arc<Mutex<Vec<Deprecation>>>);

impl Deprecations {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The notices so far, in the order first seen.
    pub fn snapshot(&self) -> Vec<Deprecation> {
        self.0.lock().expect("deprecations lock").clone()
    }

    /// Records `notice` unless the same header, api-version and resource type is already kept.
    pub fn record(&self, notice: Deprecation) {
        let mut list = self.0.lock().expect("deprecations lock");
        let seen = list.iter().any(|d| {
            d.header == notice.header
                && d.api_version == notice.api_version
                && d.resource_type.eq_ignore_ascii_case(&notice.resource_type)
        });
        if !seen {
            list.push(notice);
        }
    }

    /// The pipeline policy that reads the headers of every answer.
    pub fn policy(&self) -> Arc<dyn Policy> {
        Arc::new(DeprecationPolicy(self.clone()))
    }
}

/// The ARM resource type a request path addresses: the namespace and type segments after the
/// last `/providers/` (`Microsoft.KeyVault/locations/deletedVaults` for a deleted vault),
/// `Microsoft.Resources/resourceGroups` for a resource group, `Microsoft.Resources/subscriptions`
/// otherwise.
pub fn arm_type_of(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let last_providers = segments
        .iter()
        .rposition(|s| s.eq_ignore_ascii_case("providers"));
    match last_providers {
        Some(i) if i + 1 < segments.len() => {
            let namespace = segments[i + 1];
            // After the namespace, type segments alternate with names: type, name, type, …
            let types: Vec<&str> = segments[i + 2..].iter().step_by(2).copied().collect();
            if types.is_empty() {
                namespace.to_string()
            } else {
                format!("{namespace}/{}", types.join("/"))
            }
        }
        _ if segments
            .iter()
            .any(|s| s.eq_ignore_ascii_case("resourceGroups")) =>
        {
            "Microsoft.Resources/resourceGroups".into()
        }
        _ => "Microsoft.Resources/subscriptions".into(),
    }
}

#[derive(Debug)]
struct DeprecationPolicy(Deprecations);

#[async_trait::async_trait]
impl Policy for DeprecationPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let response = next[0].send(ctx, request, &next[1..]).await?;
        for header in DEPRECATION_HEADERS {
            let Some(value) = response
                .headers()
                .get_optional_str(&HeaderName::from_static(header))
            else {
                continue;
            };
            let api_version = request
                .url()
                .query_pairs()
                .find(|(k, _)| k == "api-version")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| "unknown".into());
            self.0.record(Deprecation {
                header,
                api_version,
                resource_type: arm_type_of(request.url().path()),
                text: value.trim().chars().take(MAX_TEXT).collect(),
            });
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::headers::Headers;
    use azure_core::http::{AsyncRawResponse, Method, StatusCode, Url};

    #[test]
    fn the_resource_type_comes_from_the_last_provider() {
        let cases = [
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
                "Microsoft.KeyVault/vaults",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings/d",
                "Microsoft.Insights/diagnosticSettings",
            ),
            (
                "/subscriptions/s/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv",
                "Microsoft.KeyVault/locations/deletedVaults",
            ),
            (
                "/subscriptions/s/providers/Microsoft.KeyVault/checkNameAvailability",
                "Microsoft.KeyVault/checkNameAvailability",
            ),
            (
                "/subscriptions/s/resourcegroups/rg",
                "Microsoft.Resources/resourceGroups",
            ),
        ];
        for (path, want) in cases {
            assert_eq!(arm_type_of(path), want, "{path}");
        }
    }

    #[derive(Debug)]
    struct Answer(Option<(&'static str, &'static str)>);

    #[async_trait::async_trait]
    impl Policy for Answer {
        async fn send(&self, _: &Context, _: &mut Request, _: &[Arc<dyn Policy>]) -> PolicyResult {
            let mut headers = Headers::new();
            if let Some((k, v)) = self.0 {
                headers.insert(k, v);
            }
            Ok(AsyncRawResponse::from_bytes(StatusCode::Ok, headers, "{}"))
        }
    }

    #[tokio::test]
    async fn each_notice_is_kept_once_with_its_api_version_and_type() {
        let list = Deprecations::new();
        let policy = list.policy();
        let notice = Answer(Some((
            "azure-deprecating",
            "api-version 2018-03-01 will be retired; see https://aka.ms/arm-api-versions",
        )));
        let next: Vec<Arc<dyn Policy>> = vec![Arc::new(notice)];
        for _ in 0..3 {
            let url = Url::parse(
                "https://arm/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/metricAlerts/a?api-version=2018-03-01",
            )
            .unwrap();
            let mut request = Request::new(url, Method::Get);
            policy
                .send(&Context::new(), &mut request, &next)
                .await
                .unwrap();
        }
        let quiet: Vec<Arc<dyn Policy>> = vec![Arc::new(Answer(None))];
        let url = Url::parse("https://arm/subscriptions/s?api-version=2021-04-01").unwrap();
        policy
            .send(&Context::new(), &mut Request::new(url, Method::Get), &quiet)
            .await
            .unwrap();
        let got = list.snapshot();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].api_version, "2018-03-01");
        assert_eq!(got[0].resource_type, "Microsoft.Insights/metricAlerts");
        let shown = got[0].to_string();
        assert!(
            shown.contains("2018-03-01") && shown.contains("Microsoft.Insights/metricAlerts"),
            "{shown}"
        );
    }
}
