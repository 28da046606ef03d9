//! The per-subscription write pacer: an adaptive token bucket per subscription in front of every
//! write attempt, so an apply paces itself under the subscription's write budget instead of
//! collecting 429s. It must not retry or count; it only delays writes.
//!
//! Budget: ARM's published per-subscription write limit, burst 200 and refill 10 per second
//! (source: "Understand how Azure Resource Manager throttles requests", token bucket
//! algorithm), is the most the pacer ever assumes. A subscription's real budget can be lower, so
//! the pacer follows what ARM says:
//!
//! - **Header**: each answer's `x-ms-ratelimit-remaining-subscription-writes` is the truth about
//!   the bucket at that moment. The pacer sets its tokens to that figure minus the writes still
//!   in flight (never more than the header allows; raised only by answers to newer requests).
//! - **Start**: the first write of a subscription goes alone; the others wait for its header,
//!   so a small budget is known before a burst is sent.
//! - **429**: writes to that subscription pause until `Retry-After` (1 s when absent), the
//!   tokens are emptied, and when the answer says the budget is spent (remaining < 1 or no
//!   header) the refill rate is halved (multiplicative decrease, floor 0.05/s).
//! - **Success**: the refill rate grows by 0.02 tokens/s per successful write (additive
//!   increase), up to ARM's 10/s — so a halved rate comes back slowly and the run converges with
//!   few 429s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::{Context, Policy, PolicyResult, Request};

/// ARM's write burst per subscription.
pub const DEFAULT_BURST: f64 = 200.0;
/// ARM's write refill per subscription, tokens per second (the most the pacer assumes).
pub const DEFAULT_REFILL_PER_SEC: f64 = 10.0;
/// Lowest refill rate the pacer backs off to, tokens per second.
pub const MIN_REFILL_PER_SEC: f64 = 0.05;
/// Additive increase of the refill rate per successful write, tokens per second.
pub const RATE_INCREASE_PER_SUCCESS: f64 = 0.02;
const REMAINING_WRITES: &str = "x-ms-ratelimit-remaining-subscription-writes";
/// Pause after a 429 without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often a write waiting for a subscription's first answer looks again.
const FIRST_ANSWER_POLL: Duration = Duration::from_millis(5);

/// Adaptive token buckets keyed by lower-cased subscription ID; cheap to clone.
#[derive(Debug, Clone)]
pub struct WritePacer {
    burst: f64,
    max_refill_per_sec: f64,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// Current refill estimate, tokens per second.
    rate: f64,
    /// No write starts before this instant (a 429's `Retry-After`).
    paused_until: Option<Instant>,
    /// Writes sent and not answered yet.
    in_flight: u32,
    /// Sequence number of the last write sent.
    sent: u64,
    /// Sequence number of the write whose answer last set the tokens.
    synced: u64,
    /// Whether any answer has come back (before that, one write at a time).
    answered: bool,
}

/// What one write's answer told the pacer.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOutcome {
    /// `true` for 429 Too Many Requests.
    pub throttled: bool,
    /// `true` for a 2xx answer.
    pub succeeded: bool,
    /// `x-ms-ratelimit-remaining-subscription-writes`, when sent.
    pub remaining: Option<f64>,
    /// `Retry-After`, when sent with a 429.
    pub retry_after: Option<Duration>,
}

/// A write that was let through; hand it back with [`WritePacer::answered`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl Default for WritePacer {
    fn default() -> Self {
        Self::new(DEFAULT_BURST, DEFAULT_REFILL_PER_SEC)
    }
}

impl WritePacer {
    /// A pacer assuming at most `burst` tokens per subscription, refilled at most at
    /// `refill_per_sec` (it adapts downwards from there).
    pub fn new(burst: f64, refill_per_sec: f64) -> Self {
        Self {
            burst: burst.max(1.0),
            max_refill_per_sec: refill_per_sec.max(MIN_REFILL_PER_SEC),
            buckets: Arc::default(),
        }
    }

    /// Takes one write token for `subscription`, waiting until one is available, the
    /// subscription's pause is over, and (for its very first writes) its first answer is in.
    pub async fn acquire(&self, subscription: &str) -> Ticket {
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().expect("pacer lock");
                let now = Instant::now();
                let bucket = self.refilled(&mut buckets, subscription, now);
                if let Some(until) = bucket.paused_until {
                    until.saturating_duration_since(now)
                } else if !bucket.answered && bucket.in_flight > 0 {
                    FIRST_ANSWER_POLL
                } else if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    bucket.in_flight += 1;
                    bucket.sent += 1;
                    return Ticket(bucket.sent);
                } else {
                    Duration::from_secs_f64((1.0 - bucket.tokens) / bucket.rate)
                }
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// Learns from the answer to the write of `ticket` (see the module docs). A write that got
    /// no answer (I/O error) passes `WriteOutcome::default()`.
    pub fn answered(&self, subscription: &str, ticket: Ticket, outcome: WriteOutcome) {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        let now = Instant::now();
        let burst = self.burst;
        let max_rate = self.max_refill_per_sec;
        let bucket = self.refilled(&mut buckets, subscription, now);
        bucket.in_flight = bucket.in_flight.saturating_sub(1);
        bucket.answered = true;
        if let Some(remaining) = outcome.remaining {
            let left = (remaining.max(0.0) - f64::from(bucket.in_flight)).max(0.0);
            if ticket.0 > bucket.synced {
                bucket.synced = ticket.0;
                bucket.tokens = left.min(burst);
            } else {
                bucket.tokens = bucket.tokens.min(left);
            }
        }
        if outcome.throttled {
            let until = now + outcome.retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
            bucket.paused_until = Some(bucket.paused_until.map_or(until, |p| p.max(until)));
            bucket.tokens = 0.0;
            if outcome.remaining.is_none_or(|r| r < 1.0) {
                bucket.rate = (bucket.rate / 2.0).max(MIN_REFILL_PER_SEC);
            }
        } else if outcome.succeeded {
            bucket.rate = (bucket.rate + RATE_INCREASE_PER_SUCCESS).min(max_rate);
        }
    }

    /// Tokens currently available for `subscription`.
    pub fn available(&self, subscription: &str) -> f64 {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        self.refilled(&mut buckets, subscription, Instant::now())
            .tokens
    }

    /// The current refill estimate for `subscription`, tokens per second.
    pub fn refill_rate(&self, subscription: &str) -> f64 {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        self.refilled(&mut buckets, subscription, Instant::now())
            .rate
    }

    fn refilled<'a>(
        &self,
        buckets: &'a mut HashMap<String, Bucket>,
        sub: &str,
        now: Instant,
    ) -> &'a mut Bucket {
        let bucket = buckets.entry(sub.to_ascii_lowercase()).or_insert(Bucket {
            // One write until the first answer tells the real budget.
            tokens: 1.0,
            at: now,
            rate: self.max_refill_per_sec,
            paused_until: None,
            in_flight: 0,
            sent: 0,
            synced: 0,
            answered: false,
        });
        if let Some(until) = bucket.paused_until {
            if now < until {
                bucket.at = now;
                return bucket;
            }
            bucket.paused_until = None;
            bucket.at = until;
        }
        if !bucket.answered {
            bucket.at = now;
            return bucket;
        }
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(self.burst);
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

/// Whether a request spends the subscription's write budget: every method but GET and HEAD,
/// including POST actions such as `checkNameAvailability` that the request counter reports as
/// reads (ARM's throttling counts by HTTP method, like the emulator's `writeBurst`).
fn uses_write_budget(method: &azure_core::Method) -> bool {
    !matches!(method, azure_core::Method::Get | azure_core::Method::Head)
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
            .filter(|_| uses_write_budget(request.method()))
            .map(str::to_owned);
        let Some(sub) = sub else {
            return next[0].send(ctx, request, &next[1..]).await;
        };
        let ticket = self.0.acquire(&sub).await;
        let result = next[0].send(ctx, request, &next[1..]).await;
        let outcome = match &result {
            Ok(response) => {
                let header = |name: &'static str| {
                    response
                        .headers()
                        .get_optional_str(&azure_core::headers::HeaderName::from_static(name))
                        .map(str::to_owned)
                };
                let status = response.status();
                WriteOutcome {
                    throttled: status == azure_core::StatusCode::TooManyRequests,
                    succeeded: (200..300).contains(&u16::from(status)),
                    remaining: header(REMAINING_WRITES).and_then(|v| v.trim().parse().ok()),
                    retry_after: header("retry-after")
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .map(|s| Duration::from_secs_f64(s.min(300.0))),
                }
            }
            Err(_) => WriteOutcome::default(),
        };
        self.0.answered(&sub, ticket, outcome);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(remaining: f64) -> WriteOutcome {
        WriteOutcome {
            succeeded: true,
            remaining: Some(remaining),
            ..WriteOutcome::default()
        }
    }

    #[tokio::test]
    async fn paces_after_the_burst_and_follows_the_header() {
        let pacer = WritePacer::new(3.0, 20.0);
        let t = pacer.acquire("S").await;
        pacer.answered("s", t, ok(2.0));
        let start = Instant::now();
        for _ in 0..4 {
            let t = pacer.acquire("S").await;
            pacer.answered("s", t, WriteOutcome::default());
        }
        // 2 left per the header, 2 more at 20/s: at least ~100 ms.
        assert!(start.elapsed() >= Duration::from_millis(90));
        let t = pacer.acquire("s").await;
        pacer.answered("s", t, ok(0.0));
        assert!(pacer.available("s") < 1.0);
        assert_eq!(
            subscription_of("/subscriptions/abc/resourceGroups/x"),
            Some("abc")
        );
    }

    #[tokio::test]
    async fn a_429_pauses_until_retry_after_and_halves_the_rate() {
        let pacer = WritePacer::new(200.0, 10.0);
        let t = pacer.acquire("s").await;
        pacer.answered(
            "s",
            t,
            WriteOutcome {
                throttled: true,
                remaining: Some(0.0),
                retry_after: Some(Duration::from_millis(300)),
                ..WriteOutcome::default()
            },
        );
        assert!((pacer.refill_rate("s") - 5.0).abs() < 1e-9);
        let start = Instant::now();
        let t = pacer.acquire("s").await;
        assert!(start.elapsed() >= Duration::from_millis(290));
        pacer.answered("s", t, ok(0.0));
        assert!(pacer.refill_rate("s") > 5.0 && pacer.refill_rate("s") < 5.1);
    }

    #[tokio::test]
    async fn the_first_write_goes_alone_and_the_header_bounds_the_rest() {
        let pacer = WritePacer::default();
        let first = pacer.acquire("s").await;
        // A second write waits for the first answer.
        let second = tokio::time::timeout(Duration::from_millis(50), pacer.acquire("s")).await;
        assert!(second.is_err());
        pacer.answered("s", first, ok(4.0));
        assert!((pacer.available("s") - 4.0).abs() < 0.01);
    }
}
