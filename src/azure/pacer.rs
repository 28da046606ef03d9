//! The per-subscription write pacer: a token bucket per subscription in front of every write
//! attempt, so a large apply paces itself under ARM's write budget instead of collecting 429s.
//! It must not retry or count; it only delays writes.
//!
//! Budget: ARM's published per-subscription write limit, burst 200 and refill 10 per second
//! (source: "Understand how Azure Resource Manager throttles requests", token bucket
//! algorithm). Each answer's `x-ms-ratelimit-remaining-subscription-writes` header lowers the
//! bucket to what ARM says is left, and a 429 empties it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::{Context, Policy, PolicyResult, Request};

use super::counting::is_write;

/// ARM's write burst per subscription.
pub const DEFAULT_BURST: f64 = 200.0;
/// ARM's write refill per subscription, tokens per second.
pub const DEFAULT_REFILL_PER_SEC: f64 = 10.0;
const REMAINING_WRITES: &str = "x-ms-ratelimit-remaining-subscription-writes";

/// Token buckets keyed by lower-cased subscription ID; cheap to clone.
#[derive(Debug, Clone)]
pub struct WritePacer {
    burst: f64,
    refill_per_sec: f64,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Default for WritePacer {
    fn default() -> Self {
        Self::new(DEFAULT_BURST, DEFAULT_REFILL_PER_SEC)
    }
}

impl WritePacer {
    /// A pacer with `burst` tokens per subscription refilled at `refill_per_sec`.
    pub fn new(burst: f64, refill_per_sec: f64) -> Self {
        Self {
            burst: burst.max(1.0),
            refill_per_sec: refill_per_sec.max(0.1),
            buckets: Arc::default(),
        }
    }

    /// Takes one write token for `subscription`, waiting until one is available.
    pub async fn acquire(&self, subscription: &str) {
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().expect("pacer lock");
                let bucket = self.refilled(&mut buckets, subscription);
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - bucket.tokens) / self.refill_per_sec)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Lowers the bucket of `subscription` to `remaining` tokens (what ARM reports).
    pub fn observe_remaining(&self, subscription: &str, remaining: f64) {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        let bucket = self.refilled(&mut buckets, subscription);
        bucket.tokens = bucket.tokens.min(remaining.max(0.0));
    }

    /// Tokens currently available for `subscription`.
    pub fn available(&self, subscription: &str) -> f64 {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        self.refilled(&mut buckets, subscription).tokens
    }

    fn refilled<'a>(&self, buckets: &'a mut HashMap<String, Bucket>, sub: &str) -> &'a mut Bucket {
        let now = Instant::now();
        let bucket = buckets.entry(sub.to_ascii_lowercase()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let elapsed = now.duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.refill_per_sec).min(self.burst);
        bucket.at = now;
        bucket
    }

    /// The pipeline policy (goes among the per-retry policies, before the attempt timeout).
    pub fn policy(&self) -> Arc<dyn Policy> {
        Arc::new(PacingPolicy(self.clone()))
    }
}

/// The subscription ID in an ARM request path, if any.
pub fn subscription_of(path: &str) -> Option<&str> {
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    while let Some(seg) = segs.next() {
        if seg.eq_ignore_ascii_case("subscriptions") {
            return segs.next();
        }
    }
    None
}

#[derive(Debug)]
struct PacingPolicy(WritePacer);

#[async_trait::async_trait]
impl Policy for PacingPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let path = request.url().path().to_string();
        let sub = subscription_of(&path)
            .filter(|_| is_write(request.method(), &path))
            .map(str::to_owned);
        if let Some(sub) = &sub {
            self.0.acquire(sub).await;
        }
        let result = next[0].send(ctx, request, &next[1..]).await;
        if let (Some(sub), Ok(response)) = (&sub, &result) {
            let header = azure_core::headers::HeaderName::from_static(REMAINING_WRITES);
            if let Some(remaining) = response
                .headers()
                .get_optional_str(&header)
                .and_then(|v| v.parse::<f64>().ok())
            {
                self.0.observe_remaining(sub, remaining);
            }
            if response.status() == azure_core::StatusCode::TooManyRequests {
                self.0.observe_remaining(sub, 0.0);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn paces_after_the_burst_and_follows_the_header() {
        let pacer = WritePacer::new(3.0, 20.0);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.acquire("S").await;
        }
        // 3 from the burst, 2 more at 20/s: at least ~100 ms.
        assert!(start.elapsed() >= Duration::from_millis(90));
        pacer.observe_remaining("s", 0.0);
        assert!(pacer.available("s") < 1.0);
        assert_eq!(
            subscription_of("/subscriptions/abc/resourceGroups/x"),
            Some("abc")
        );
    }
}
