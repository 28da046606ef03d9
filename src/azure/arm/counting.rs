//! Request counting as azure_core pipeline policies: how many ARM calls a run made, split into
//! reads and writes, with retries and throttled (429) answers. It must not change requests.
//!
//! Classification (per attempt, i.e. every request that reaches the wire): GET and HEAD are
//! reads; PUT, PATCH, DELETE and POST are writes, except the read-only POSTs kvinit makes
//! (`…/checkNameAvailability` and `…/list*`), which change nothing and count as reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Method, Request};
use serde::Serialize;

/// Shared counters; cheap to clone (an `Arc` inside).
#[derive(Debug, Default, Clone)]
pub struct RequestCounter(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    reads: AtomicU64,
    writes: AtomicU64,
    throttled: AtomicU64,
}

/// A snapshot of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    /// Read requests sent (every attempt).
    pub reads: u64,
    /// Write requests sent (every attempt).
    pub writes: u64,
    /// Attempts beyond the first of each call (azure_core's retries and kvinit's own).
    pub retries: u64,
    /// Answers with HTTP 429 Too Many Requests.
    pub throttled: u64,
}

impl RequestCounter {
    /// Fresh counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The counts so far.
    pub fn snapshot(&self) -> RequestCounts {
        let c = &self.0;
        let reads = c.reads.load(Ordering::Relaxed);
        let writes = c.writes.load(Ordering::Relaxed);
        let calls = c.calls.load(Ordering::Relaxed);
        RequestCounts {
            reads,
            writes,
            retries: (reads + writes).saturating_sub(calls),
            throttled: c.throttled.load(Ordering::Relaxed),
        }
    }

    /// The policy counting logical calls (goes first among the per-call policies).
    pub fn call_policy(&self) -> Arc<dyn Policy> {
        Arc::new(CallCountingPolicy(self.clone()))
    }

    /// The policy counting attempts (goes last among the per-retry policies).
    pub fn attempt_policy(&self) -> Arc<dyn Policy> {
        Arc::new(AttemptCountingPolicy(self.clone()))
    }
}

/// Whether `request` changes anything in ARM (see the module docs).
pub fn is_write(method: &Method, path: &str) -> bool {
    match method {
        Method::Get | Method::Head => false,
        Method::Post => {
            let p = path.to_ascii_lowercase();
            let last = p.rsplit('/').next().unwrap_or("");
            !(last == "checknameavailability" || last.starts_with("list"))
        }
        _ => true,
    }
}

#[derive(Debug)]
struct CallCountingPolicy(RequestCounter);

#[async_trait::async_trait]
impl Policy for CallCountingPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        self.0.0.calls.fetch_add(1, Ordering::Relaxed);
        next[0].send(ctx, request, &next[1..]).await
    }
}

#[derive(Debug)]
struct AttemptCountingPolicy(RequestCounter);

#[async_trait::async_trait]
impl Policy for AttemptCountingPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let counters = &self.0.0;
        if is_write(&request.method(), request.url().path()) {
            counters.writes.fetch_add(1, Ordering::Relaxed);
        } else {
            counters.reads.fetch_add(1, Ordering::Relaxed);
        }
        let result = next[0].send(ctx, request, &next[1..]).await;
        if let Ok(response) = &result
            && response.status() == azure_core::http::StatusCode::TooManyRequests
        {
            counters.throttled.fetch_add(1, Ordering::Relaxed);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_posts_are_reads() {
        let p = "/subscriptions/s/providers/Microsoft.KeyVault/checkNameAvailability";
        assert!(!is_write(&Method::Post, p));
        assert!(is_write(&Method::Put, p));
        assert!(is_write(&Method::Post, "/subscriptions/s/x/recover"));
        assert!(!is_write(&Method::Get, "/subscriptions/s"));
    }
}
