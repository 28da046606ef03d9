//! The per-subscription request pacer: an adaptive token bucket per subscription and budget
//! (reads, writes) in front of every request attempt, so a run paces itself under the
//! subscription's ARM budgets instead of collecting 429s. It must not retry or count; it only
//! delays requests.
//!
//! Budgets: ARM's published per-subscription limits — writes (every method but GET and HEAD)
//! burst 200 and refill 10 per second, reads (GET, HEAD) burst 250 and refill 25 per second
//! (source: "Understand how Azure Resource Manager throttles requests", token bucket
//! algorithm) — are the most the pacer ever assumes. A subscription's real budget can be lower,
//! or partly spent by someone else, so the pacer follows what ARM says:
//!
//! - **Start**: the first request of a subscription and budget goes alone; the others wait for
//!   its answer, whose `x-ms-ratelimit-remaining-subscription-{reads,writes}` header sets the
//!   tokens (minus requests still in flight), so a small or spent budget is known before a
//!   burst is sent.
//! - **Header, afterwards**: each answer's header can only *lower* the tokens (to the figure
//!   minus the requests still in flight), never raise them. ARM computes the figure when it
//!   answers, and answers overtake each other on the way back: raising the tokens to an older
//!   figure is what made an earlier version of this pacer overshoot the budget by a few writes
//!   at the end of the burst. Tokens come back only by the refill, at the estimated rate; so
//!   while the estimate is not above ARM's real rate the pacer's tokens never exceed ARM's, and
//!   no request is throttled.
//! - **Ceiling**: the tokens refill up to the most ARM has shown it can hold (the highest
//!   header + 1), not to the published burst: after an idle spell, a pacer that had refilled
//!   to 19 tokens against a budget of 4 sent 5 reads at once and collected two 429s.
//! - **429**: requests to that subscription and budget pause until `Retry-After` (1 s when
//!   absent) and the tokens are emptied. When the answer says the budget is spent
//!   (remaining < 1 or no header), the first request after the pause goes alone as a *probe*:
//!   its header shows what ARM refilled since the 429, and the refill estimate becomes
//!   max(remaining, ½) / seconds since the 429 (bounded by 0.05/s and ARM's published rate):
//!   the lower bound of what ARM refilled, because an estimate above ARM's rate costs a 429
//!   about every second once the budget runs at its limit (an earlier (remaining + 1) / seconds
//!   overshot by up to 1/seconds and cost one 429 too many on a 10/s budget). A
//!   probe that is throttled again, or answers without a header, halves the estimate instead.
//!   An earlier version only halved and then crept back at +0.02/s per success, and left one
//!   subscription writing at half speed for 21 s after a single 429.
//! - **Recovery**: ARM's *surplus* is its header minus every request in flight minus the
//!   pacer's tokens. When it has grown by [`RECOVERY_MARGIN`] tokens since its lowest point,
//!   ARM refills faster than the estimate, which then grows by 5 % (up to ARM's published rate)
//!   and the surplus seen becomes the new low. An estimate that is right never sees a surplus
//!   grow, so it is not pushed into the next 429 (a blind +0.02/s per success cost one more 429
//!   every few seconds on a small budget; counting the same standing surplus on every answer
//!   raised a 4/s estimate to 6.5/s in nine answers against a 5/s budget).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Method, Request};

/// A subscription budget ARM throttles on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// GET and HEAD requests.
    Reads,
    /// Every other method (PUT, PATCH, DELETE, POST actions such as `checkNameAvailability`).
    Writes,
}

impl Budget {
    /// The budget a request of `method` spends. ARM's throttling counts by HTTP method, so a
    /// POST action that only reads (`checkNameAvailability`, `list…`) is a write here.
    pub fn of(method: &Method) -> Self {
        if matches!(method, Method::Get | Method::Head) {
            Budget::Reads
        } else {
            Budget::Writes
        }
    }

    /// The response header that tells how many requests of this budget are left.
    pub fn remaining_header(self) -> &'static str {
        match self {
            Budget::Reads => "x-ms-ratelimit-remaining-subscription-reads",
            Budget::Writes => "x-ms-ratelimit-remaining-subscription-writes",
        }
    }

    /// ARM's published bucket for this budget: (burst, refill per second).
    pub fn arm_limits(self) -> (f64, f64) {
        match self {
            Budget::Reads => (READ_BURST, READ_REFILL_PER_SEC),
            Budget::Writes => (WRITE_BURST, WRITE_REFILL_PER_SEC),
        }
    }
}

/// ARM's write burst per subscription.
pub const WRITE_BURST: f64 = 200.0;
/// ARM's write refill per subscription, tokens per second.
pub const WRITE_REFILL_PER_SEC: f64 = 10.0;
/// ARM's read burst per subscription.
pub const READ_BURST: f64 = 250.0;
/// ARM's read refill per subscription, tokens per second.
pub const READ_REFILL_PER_SEC: f64 = 25.0;
/// Lowest refill rate the pacer backs off to, tokens per second.
pub const MIN_REFILL_PER_SEC: f64 = 0.05;
/// How many tokens more than the pacer holds a header must show (after subtracting every
/// request in flight) to count as evidence that the refill estimate is too low. 2, not 1: one
/// answer overtaking another can make a header look one token richer than ARM is.
pub const RECOVERY_MARGIN: f64 = 2.0;
/// Factor by which such evidence raises the refill estimate (up to ARM's published rate).
pub const RECOVERY_FACTOR: f64 = 1.05;
/// Pause after a 429 without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often a request waiting for its subscription's first answer looks again.
const FIRST_ANSWER_POLL: Duration = Duration::from_millis(5);

/// Adaptive token buckets keyed by lower-cased subscription ID and [`Budget`]; cheap to clone
/// (clones share the buckets).
#[derive(Debug, Clone)]
pub struct Pacer {
    reads: Limits,
    writes: Limits,
    buckets: Arc<Mutex<HashMap<(String, Budget), Bucket>>>,
}

/// The most a pacer assumes for one budget.
#[derive(Debug, Clone, Copy)]
struct Limits {
    burst: f64,
    max_refill_per_sec: f64,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// Current refill estimate, tokens per second.
    rate: f64,
    /// No request starts before this instant (a 429's `Retry-After`).
    paused_until: Option<Instant>,
    /// Requests sent and not answered yet.
    in_flight: u32,
    /// Sequence number of the last request sent.
    sent: u64,
    /// One request at a time until its answer tells the budget: `Some` at the start and after
    /// a 429 that spent the budget.
    solo: Option<Solo>,
    /// The lowest surplus (ARM's header minus requests in flight, minus the pacer's tokens)
    /// seen since the refill estimate last changed; `None` before the first such answer.
    low_surplus: Option<f64>,
    /// The most tokens ARM has shown it can hold: the highest header + 1 (the request that
    /// header answered took one); `None` until a header is seen. The tokens refill up to
    /// this, never to ARM's published burst, so an idle spell cannot pile up a burst a small
    /// budget would answer with a row of 429s.
    ceiling: Option<f64>,
}

/// A request that goes alone to learn the budget.
#[derive(Debug, Clone, Copy)]
struct Solo {
    /// When the 429 that started the probe was answered (`None` at the start of a run).
    since_throttle: Option<Instant>,
    /// Sequence number of the request sent alone, once sent.
    probe: Option<u64>,
}

/// What one request's answer told the pacer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    /// `true` for 429 Too Many Requests.
    pub throttled: bool,
    /// `true` for a 2xx answer.
    pub succeeded: bool,
    /// `x-ms-ratelimit-remaining-subscription-{reads,writes}`, when sent.
    pub remaining: Option<f64>,
    /// `Retry-After`, when sent with a 429.
    pub retry_after: Option<Duration>,
}

/// A request that was let through; hand it back with [`Pacer::answered`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl Default for Pacer {
    /// ARM's published budgets (see the module docs).
    fn default() -> Self {
        Self::new(Budget::Writes.arm_limits(), Budget::Reads.arm_limits())
    }
}

impl Pacer {
    /// A pacer assuming at most `writes` and `reads` = (burst tokens, refill tokens per second)
    /// per subscription; it adapts downwards from there.
    pub fn new(writes: (f64, f64), reads: (f64, f64)) -> Self {
        let limits = |(burst, refill): (f64, f64)| Limits {
            burst: burst.max(1.0),
            max_refill_per_sec: refill.max(MIN_REFILL_PER_SEC),
        };
        Self {
            reads: limits(reads),
            writes: limits(writes),
            buckets: Arc::default(),
        }
    }

    fn limits(&self, budget: Budget) -> Limits {
        match budget {
            Budget::Reads => self.reads,
            Budget::Writes => self.writes,
        }
    }

    /// Takes one token of `budget` for `subscription`, waiting until one is available, the
    /// subscription's pause is over, and (while a request goes alone) its answer is in.
    pub async fn acquire(&self, subscription: &str, budget: Budget) -> Ticket {
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().expect("pacer lock");
                let now = Instant::now();
                let bucket = self.refilled(&mut buckets, subscription, budget, now);
                if let Some(until) = bucket.paused_until {
                    until.saturating_duration_since(now)
                } else if let Some(solo) = &mut bucket.solo {
                    if solo.probe.is_some() {
                        FIRST_ANSWER_POLL
                    } else {
                        bucket.sent += 1;
                        bucket.in_flight += 1;
                        bucket.tokens = (bucket.tokens - 1.0).max(0.0);
                        solo.probe = Some(bucket.sent);
                        return Ticket(bucket.sent);
                    }
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

    /// Learns from the answer to the request of `ticket` (see the module docs). A request
    /// that got no answer (I/O error) passes `Outcome::default()`.
    pub fn answered(&self, subscription: &str, budget: Budget, ticket: Ticket, outcome: Outcome) {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        let now = Instant::now();
        let limits = self.limits(budget);
        let bucket = self.refilled(&mut buckets, subscription, budget, now);
        bucket.in_flight = bucket.in_flight.saturating_sub(1);
        let left = outcome
            .remaining
            .map(|r| (r.max(0.0) - f64::from(bucket.in_flight)).max(0.0));
        let spent = outcome.remaining.is_none_or(|r| r < 1.0);
        if let Some(remaining) = outcome.remaining {
            let shown = remaining.max(0.0) + 1.0;
            bucket.ceiling = Some(bucket.ceiling.map_or(shown, |c| c.max(shown)));
        }
        let probe = bucket.solo.filter(|s| s.probe == Some(ticket.0));
        if outcome.throttled {
            let until = now + outcome.retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
            bucket.paused_until = Some(bucket.paused_until.map_or(until, |p| p.max(until)));
            bucket.tokens = 0.0;
            if let Some(solo) = probe {
                if solo.since_throttle.is_some() {
                    // Throttled again right after the pause: the estimate was far too high.
                    bucket.rate = (bucket.rate / 2.0).max(MIN_REFILL_PER_SEC);
                }
                bucket.solo = Some(Solo {
                    since_throttle: Some(now),
                    probe: None,
                });
            } else if spent && bucket.solo.is_none() {
                bucket.solo = Some(Solo {
                    since_throttle: Some(now),
                    probe: None,
                });
            }
            return;
        }
        match (probe, left) {
            (Some(solo), Some(left)) => {
                if let Some(since) = solo.since_throttle {
                    let secs = now.saturating_duration_since(since).as_secs_f64();
                    if secs > 0.0 {
                        // ARM's header is the floor of its tokens after the probe's take, and
                        // it held a fraction of a token (unknown, < 1) at the 429: the tokens
                        // refilled since are between `remaining` and `remaining + 2`. Take the
                        // lower bound, so the estimate never exceeds ARM's rate (every
                        // overshoot is a 429 once the budget runs at its limit); half a token
                        // when the header says 0, so a slow budget is not taken for none.
                        let remaining = outcome.remaining.unwrap_or(0.0).max(0.0);
                        let measured = remaining.max(0.5) / secs;
                        bucket.rate = measured.clamp(MIN_REFILL_PER_SEC, limits.max_refill_per_sec);
                    }
                }
                // The one answer allowed to raise the tokens: this request went alone.
                bucket.tokens = left.min(limits.burst);
                bucket.solo = None;
                bucket.low_surplus = None;
            }
            (Some(solo), None) => {
                if solo.since_throttle.is_some() {
                    bucket.rate = (bucket.rate / 2.0).max(MIN_REFILL_PER_SEC);
                }
                bucket.solo = None;
            }
            (None, Some(left)) => {
                let surplus = left - bucket.tokens;
                let low = bucket.low_surplus.map_or(surplus, |low| low.min(surplus));
                if outcome.succeeded && surplus >= low.max(0.0) + RECOVERY_MARGIN {
                    // ARM's surplus over the pacer (every request in flight subtracted) grew
                    // by the margin since its lowest point: ARM refills faster than the
                    // estimate. The surplus itself stays (the pacer never raises its tokens to
                    // a header), so it counts once: the next growth needs a new margin.
                    bucket.rate = (bucket.rate * RECOVERY_FACTOR).min(limits.max_refill_per_sec);
                    bucket.low_surplus = Some(surplus);
                } else {
                    bucket.low_surplus = Some(low);
                }
                bucket.tokens = bucket.tokens.min(left);
            }
            (None, None) => {}
        }
    }

    /// Tokens of `budget` currently available for `subscription`.
    pub fn available(&self, subscription: &str, budget: Budget) -> f64 {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        self.refilled(&mut buckets, subscription, budget, Instant::now())
            .tokens
    }

    /// The current refill estimate of `budget` for `subscription`, tokens per second.
    pub fn refill_rate(&self, subscription: &str, budget: Budget) -> f64 {
        let mut buckets = self.buckets.lock().expect("pacer lock");
        self.refilled(&mut buckets, subscription, budget, Instant::now())
            .rate
    }

    fn refilled<'a>(
        &self,
        buckets: &'a mut HashMap<(String, Budget), Bucket>,
        sub: &str,
        budget: Budget,
        now: Instant,
    ) -> &'a mut Bucket {
        let limits = self.limits(budget);
        let bucket = buckets
            .entry((sub.to_ascii_lowercase(), budget))
            .or_insert(Bucket {
                // One request until the first answer tells the real budget.
                tokens: 1.0,
                at: now,
                rate: limits.max_refill_per_sec,
                paused_until: None,
                in_flight: 0,
                sent: 0,
                solo: Some(Solo {
                    since_throttle: None,
                    probe: None,
                }),
                low_surplus: None,
                ceiling: None,
            });
        if let Some(until) = bucket.paused_until {
            if now < until {
                bucket.at = now;
                return bucket;
            }
            bucket.paused_until = None;
            bucket.at = until;
        }
        if bucket.solo.is_some() {
            // Nothing refills while the budget is unknown; the probe's answer sets it.
            bucket.at = now;
            return bucket;
        }
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        let cap = bucket.ceiling.map_or(limits.burst, |c| c.min(limits.burst));
        bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(cap.max(bucket.tokens));
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
struct PacingPolicy(Pacer);

#[async_trait::async_trait]
impl Policy for PacingPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let Some(sub) = subscription_of(request.url().path()).map(str::to_owned) else {
            return next[0].send(ctx, request, &next[1..]).await;
        };
        let budget = Budget::of(&request.method());
        let ticket = self.0.acquire(&sub, budget).await;
        let result = next[0].send(ctx, request, &next[1..]).await;
        let outcome = match &result {
            Ok(response) => {
                let header = |name: &'static str| {
                    response
                        .headers()
                        .get_optional_str(&azure_core::http::headers::HeaderName::from_static(name))
                        .map(str::to_owned)
                };
                let status = response.status();
                Outcome {
                    throttled: status == azure_core::http::StatusCode::TooManyRequests,
                    succeeded: (200..300).contains(&u16::from(status)),
                    remaining: header(budget.remaining_header())
                        .and_then(|v| v.trim().parse().ok()),
                    retry_after: header("retry-after")
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .map(|s| Duration::from_secs_f64(s.min(300.0))),
                }
            }
            Err(_) => Outcome::default(),
        };
        self.0.answered(&sub, budget, ticket, outcome);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Budget = Budget::Writes;

    fn ok(remaining: f64) -> Outcome {
        Outcome {
            succeeded: true,
            remaining: Some(remaining),
            ..Outcome::default()
        }
    }

    fn throttled(remaining: f64, retry_after: Duration) -> Outcome {
        Outcome {
            throttled: true,
            remaining: Some(remaining),
            retry_after: Some(retry_after),
            ..Outcome::default()
        }
    }

    fn pacer(burst: f64, refill: f64) -> Pacer {
        Pacer::new((burst, refill), (READ_BURST, READ_REFILL_PER_SEC))
    }

    #[tokio::test]
    async fn paces_after_the_burst_and_follows_the_header() {
        let pacer = pacer(3.0, 20.0);
        let t = pacer.acquire("S", W).await;
        pacer.answered("s", W, t, ok(2.0));
        let start = Instant::now();
        for _ in 0..4 {
            let t = pacer.acquire("S", W).await;
            pacer.answered("s", W, t, Outcome::default());
        }
        // 2 left per the header, 2 more at 20/s: at least ~100 ms.
        assert!(start.elapsed() >= Duration::from_millis(90));
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, ok(0.0));
        assert!(pacer.available("s", W) < 1.0);
        assert_eq!(
            subscription_of("/subscriptions/abc/resourceGroups/x"),
            Some("abc")
        );
    }

    #[tokio::test]
    async fn a_stale_header_never_raises_the_tokens() {
        let pacer = pacer(200.0, 0.05);
        let first = pacer.acquire("s", W).await;
        pacer.answered("s", W, first, ok(10.0));
        let tickets = [
            pacer.acquire("s", W).await,
            pacer.acquire("s", W).await,
            pacer.acquire("s", W).await,
        ];
        assert!((pacer.available("s", W) - 7.0).abs() < 0.01);
        // An answer ARM computed before the other two were counted: 10 − 2 in flight = 8 > 7.
        pacer.answered("s", W, tickets[0], ok(10.0));
        assert!((pacer.available("s", W) - 7.0).abs() < 0.01);
        // A lower figure does lower them: 5 − 1 in flight.
        pacer.answered("s", W, tickets[1], ok(5.0));
        assert!((pacer.available("s", W) - 4.0).abs() < 0.01);
    }

    #[tokio::test]
    async fn a_429_pauses_then_one_probe_measures_the_refill_rate() {
        let pacer = pacer(200.0, 10.0);
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, ok(5.0));
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, throttled(0.0, Duration::from_millis(400)));
        let start = Instant::now();
        let probe = pacer.acquire("s", W).await;
        assert!(start.elapsed() >= Duration::from_millis(390));
        // While the probe is out, nothing else goes.
        let other = tokio::time::timeout(Duration::from_millis(50), pacer.acquire("s", W)).await;
        assert!(other.is_err());
        // 2 left after the probe's take: ARM refilled at least 2 tokens in ~0.41 s, so the
        // estimate is the lower bound, ~4.9 per second, never the 7.3 of (2 + 1) / 0.41.
        pacer.answered("s", W, probe, ok(2.0));
        let rate = pacer.refill_rate("s", W);
        assert!(rate > 3.5 && rate <= 2.0 / 0.39, "measured {rate}");
        assert!((pacer.available("s", W) - 2.0).abs() < 0.1);
    }

    #[tokio::test]
    async fn the_estimate_grows_only_when_arm_holds_more_than_the_pacer() {
        let pacer = pacer(200.0, 10.0);
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, throttled(0.0, Duration::from_millis(100)));
        let probe = pacer.acquire("s", W).await;
        // 0 left after 0.1 s: half a token in 0.1 s, ~5 per second measured.
        pacer.answered("s", W, probe, ok(0.0));
        let measured = pacer.refill_rate("s", W);
        assert!(measured < 10.0, "{measured}");
        // Headers in line with the pacer's tokens leave the estimate alone ...
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, ok(pacer.available("s", W) + 1.0));
        assert!((pacer.refill_rate("s", W) - measured).abs() < 1e-9);
        // ... one showing ARM's surplus grown by 2+ tokens raises it by 5 % ...
        tokio::time::sleep(Duration::from_millis(150)).await;
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, ok(pacer.available("s", W) + 3.5));
        let raised = pacer.refill_rate("s", W);
        assert!((raised - (measured * RECOVERY_FACTOR).min(10.0)).abs() < 1e-9);
        // ... and the same standing surplus, answer after answer, does not raise it again.
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let t = pacer.acquire("s", W).await;
            pacer.answered("s", W, t, ok(pacer.available("s", W) + 3.5));
        }
        assert!((pacer.refill_rate("s", W) - raised).abs() < 1e-9);
    }

    #[tokio::test]
    async fn an_idle_spell_refills_only_to_what_arm_has_shown() {
        let pacer = pacer(200.0, 100.0);
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, ok(3.0));
        // ARM has shown a bucket of 4 (3 left + the one taken); 200 ms at 100/s would be 20.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!((pacer.available("s", W) - 4.0).abs() < 1e-9);
        // A larger header raises the ceiling.
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, ok(9.0));
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!((pacer.available("s", W) - 10.0).abs() < 1e-9);
    }

    #[tokio::test]
    async fn a_throttled_probe_halves_the_estimate() {
        let pacer = pacer(200.0, 10.0);
        let t = pacer.acquire("s", W).await;
        pacer.answered("s", W, t, throttled(0.0, Duration::from_millis(10)));
        let probe = pacer.acquire("s", W).await;
        pacer.answered("s", W, probe, throttled(0.0, Duration::from_millis(10)));
        assert!((pacer.refill_rate("s", W) - 5.0).abs() < 1e-9);
    }

    #[tokio::test]
    async fn the_first_request_goes_alone_and_budgets_are_apart() {
        let pacer = Pacer::default();
        let first = pacer.acquire("s", W).await;
        // A second write waits for the first answer ...
        let second = tokio::time::timeout(Duration::from_millis(50), pacer.acquire("s", W)).await;
        assert!(second.is_err());
        // ... but a read of the same subscription does not: reads have their own bucket.
        let read =
            tokio::time::timeout(Duration::from_millis(50), pacer.acquire("s", Budget::Reads))
                .await;
        assert!(read.is_ok());
        pacer.answered("s", W, first, ok(4.0));
        assert!((pacer.available("s", W) - 4.0).abs() < 0.01);
        assert_eq!(pacer.refill_rate("s", Budget::Reads), READ_REFILL_PER_SEC);
    }

    #[test]
    fn budgets_follow_the_http_method() {
        assert_eq!(Budget::of(&Method::Get), Budget::Reads);
        assert_eq!(Budget::of(&Method::Head), Budget::Reads);
        assert_eq!(Budget::of(&Method::Post), Budget::Writes);
        assert_eq!(Budget::of(&Method::Put), Budget::Writes);
        assert_eq!(
            Budget::Reads.remaining_header(),
            "x-ms-ratelimit-remaining-subscription-reads"
        );
    }
}
