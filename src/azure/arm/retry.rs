//! Retrying: azure_core's exponential retry policy for what it already handles (408, 429, 500,
//! 502, 503, 504 and I/O errors, honouring `Retry-After`), a per-attempt timeout, and kvinit's
//! own layer for the two ARM behaviours azure_core cannot express:
//!
//! - 409 `Conflict` (and ARM's other "operation in progress" codes) on a write: another write
//!   to the same vault is in flight, so the same write is sent again after a backoff;
//! - 404 inside the read-after-write window: right after our own successful PUT of a resource,
//!   ARM may briefly answer 404 for it (or for a child of it); such a 404 is retried.
//!
//! Everything else (400 validation, 403, a name taken, 404 outside the window) is terminal and
//! returned at once. This module must not count or pace.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::error::{Error, ErrorKind};
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{
    AsyncRawResponse, Context, ExponentialRetryOptions, Method, Request, RetryOptions,
};

/// Text in the error of an attempt that ran out of time (kept so errors can say "Timeout").
pub const TIMEOUT_MARKER: &str = "kvinit: attempt timed out";

/// How hard kvinit tries.
#[derive(Debug, Clone, Copy)]
pub struct RetrySettings {
    /// Retries after the first attempt, for each layer.
    pub max_retries: u32,
    /// First backoff; doubles each retry (plus jitter).
    pub initial_delay: Duration,
    /// Longest single backoff.
    pub max_delay: Duration,
    /// Give up retrying a call after this long.
    pub max_elapsed: Duration,
    /// Time allowed for one attempt (connect + answer).
    pub attempt_timeout: Duration,
    /// How long after our own PUT a 404 for that resource counts as read-after-write lag.
    pub read_after_write_window: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            max_retries: 8,
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_elapsed: Duration::from_secs(180),
            attempt_timeout: Duration::from_secs(60),
            read_after_write_window: Duration::from_secs(60),
        }
    }
}

impl RetrySettings {
    /// azure_core's retry options for these settings.
    pub fn core_options(&self) -> RetryOptions {
        let span = |d: Duration| {
            azure_core::time::Duration::try_from(d).unwrap_or(azure_core::time::Duration::MAX)
        };
        RetryOptions::exponential(ExponentialRetryOptions {
            initial_delay: span(self.initial_delay),
            max_retries: self.max_retries,
            max_delay: span(self.max_delay),
            max_total_elapsed: span(self.max_elapsed),
        })
    }

    /// The per-attempt timeout policy (per-retry, so a timed-out attempt is retried as I/O).
    pub fn timeout_policy(&self) -> Arc<dyn Policy> {
        Arc::new(AttemptTimeoutPolicy(self.attempt_timeout))
    }

    /// kvinit's own retry layer (per-call, outside azure_core's retry).
    pub fn arm_policy(&self) -> Arc<dyn Policy> {
        Arc::new(ArmRetryPolicy {
            settings: *self,
            written: Arc::default(),
        })
    }
}

#[derive(Debug)]
struct AttemptTimeoutPolicy(Duration);

#[async_trait::async_trait]
impl Policy for AttemptTimeoutPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        match tokio::time::timeout(self.0, next[0].send(ctx, request, &next[1..])).await {
            Ok(result) => result,
            Err(_) => Err(Error::with_message(ErrorKind::Io, TIMEOUT_MARKER)),
        }
    }
}

/// ARM codes that mean "another operation on this resource is in progress; try again".
const IN_FLIGHT_CODES: &[&str] = &[
    "Conflict",
    "ConflictingUserOperation",
    "AnotherOperationInProgress",
    "OperationInProgress",
    "ConcurrentUpdate",
];

#[derive(Debug)]
struct ArmRetryPolicy {
    settings: RetrySettings,
    /// Lower-cased path → when our PUT of it succeeded.
    written: Arc<Mutex<HashMap<String, Instant>>>,
}

impl ArmRetryPolicy {
    fn recently_written(&self, path: &str, method: &Method) -> bool {
        let written = self.written.lock().expect("retry lock");
        let window = self.settings.read_after_write_window;
        written.iter().any(|(p, at)| {
            let covers = if *method == Method::Get {
                path == p || path.starts_with(&format!("{p}/"))
            } else {
                path.starts_with(&format!("{p}/"))
            };
            covers && at.elapsed() < window
        })
    }

    /// Whether an answer `status` (with ARM error `code`) to `method` on `path` is worth
    /// sending again.
    fn retryable(&self, status: u16, code: Option<&str>, method: &Method, path: &str) -> bool {
        match status {
            409 => {
                *method != Method::Get
                    && code
                        .is_some_and(|c| IN_FLIGHT_CODES.iter().any(|k| k.eq_ignore_ascii_case(c)))
            }
            404 => self.recently_written(path, method),
            _ => false,
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        let base = self.settings.initial_delay.as_millis() as u64 * 2u64.saturating_pow(retry);
        let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]);
        Duration::from_millis(base.saturating_add(jitter)).min(self.settings.max_delay)
    }
}

#[async_trait::async_trait]
impl Policy for ArmRetryPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let path = request
            .url()
            .path()
            .trim_end_matches('/')
            .to_ascii_lowercase();
        let method = request.method();
        let started = Instant::now();
        let mut retry = 0;
        loop {
            // Bodies are always `Body::Bytes` here (the client serialises JSON), which need no
            // reset between attempts.
            let response = next[0].send(ctx, request, &next[1..]).await?;
            let status = u16::from(response.status());
            if (200..300).contains(&status) {
                if method == Method::Put {
                    self.written
                        .lock()
                        .expect("retry lock")
                        .insert(path.clone(), Instant::now());
                }
                return Ok(response);
            }
            if status != 409 && status != 404 {
                return Ok(response);
            }
            // Read the error body for its code, then hand the answer on unchanged.
            let (status_code, headers, body) = response.deconstruct();
            let bytes = body.collect().await?;
            let code = super::error::AzureError::from_response(status, &bytes).code;
            let give_up = retry >= self.settings.max_retries
                || started.elapsed() >= self.settings.max_elapsed;
            if give_up || !self.retryable(status, Some(&code), &method, &path) {
                return Ok(AsyncRawResponse::from_bytes(status_code, headers, bytes));
            }
            retry += 1;
            tokio::time::sleep(self.backoff(retry)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use azure_core::http::headers::Headers;
    use azure_core::http::{StatusCode, Url};

    use super::*;

    /// Stands in for azure_core's retry policy + transport: answers the scripted statuses in
    /// order, with ARM's error body.
    #[derive(Debug)]
    struct Script {
        answers: Mutex<Vec<(u16, &'static str)>>,
        calls: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl Policy for Script {
        async fn send(&self, _: &Context, _: &mut Request, _: &[Arc<dyn Policy>]) -> PolicyResult {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let (status, code) = self.answers.lock().unwrap().remove(0);
            let status = StatusCode::from(status);
            let body = format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#);
            let mut headers = Headers::new();
            headers.insert("content-type", "application/json");
            Ok(AsyncRawResponse::from_bytes(
                status,
                headers,
                body.into_bytes(),
            ))
        }
    }
    fn fast() -> RetrySettings {
        RetrySettings {
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetrySettings::default()
        }
    }

    async fn send(
        policy: &Arc<dyn Policy>,
        method: Method,
        answers: Vec<(u16, &'static str)>,
    ) -> (bool, usize) {
        let script = Arc::new(Script {
            answers: Mutex::new(answers),
            calls: AtomicUsize::new(0),
        });
        let next: Vec<Arc<dyn Policy>> = vec![script.clone()];
        let url = Url::parse(
            "http://arm/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        )
        .unwrap();
        let mut request = Request::new(url, method);
        let ok = policy
            .send(&Context::new(), &mut request, &next)
            .await
            .is_ok_and(|r| r.status().is_success());
        (ok, script.calls.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn an_in_flight_conflict_is_retried_but_a_taken_name_is_not() {
        let policy = fast().arm_policy();
        let (ok, calls) = send(
            &policy,
            Method::Put,
            vec![(409, "Conflict"), (409, "Conflict"), (201, "")],
        )
        .await;
        assert!(ok);
        assert_eq!(calls, 3);
        let (ok, calls) = send(
            &policy,
            Method::Put,
            vec![(409, "VaultAlreadyExists"), (201, "")],
        )
        .await;
        assert!(!ok);
        assert_eq!(calls, 1);
        let (ok, calls) = send(&policy, Method::Put, vec![(400, "BadRequest"), (201, "")]).await;
        assert!(!ok);
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn a_404_is_retried_only_right_after_our_own_put() {
        let policy = fast().arm_policy();
        // Never written: terminal.
        let (ok, calls) = send(
            &policy,
            Method::Get,
            vec![(404, "ResourceNotFound"), (200, "")],
        )
        .await;
        assert!(!ok);
        assert_eq!(calls, 1);
        // After our PUT succeeded, a 404 is read-after-write lag.
        let (ok, _) = send(&policy, Method::Put, vec![(201, "")]).await;
        assert!(ok);
        let (ok, calls) = send(
            &policy,
            Method::Get,
            vec![
                (404, "ResourceNotFound"),
                (404, "ResourceNotFound"),
                (200, ""),
            ],
        )
        .await;
        assert!(ok);
        assert_eq!(calls, 3);
    }
}
