//! Fault injection: the YAML fault profile and the engine that turns it into per-request
//! decisions (latency, token-bucket throttling, random 500/503, in-flight 409). Decisions are
//! deterministic for a seed: each one is drawn from a ChaCha8 stream keyed by
//! (seed, method, path, how many times this method+path has been seen). This file decides *whether*
//! a fault fires; it does not render ARM bodies for success cases.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;

/// Faults and limits the emulator injects. YAML/JSON field names are camelCase; unknown fields
/// are refused (a typo must not silently disable a fault).
///
/// A burst of `0` means "no limit" for that bucket. Rates are probabilities in `0.0..=1.0`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FaultProfile {
    /// Seed of every random decision (same seed + same requests → same faults). Default 0.
    pub seed: u64,
    /// Added latency per ARM request, milliseconds. Default 0.
    pub latency_ms: u64,
    /// Write token bucket size per subscription (PUT/PATCH/DELETE/POST), requests; 0 = unlimited.
    /// ARM's published figure: 200.
    pub write_burst: u32,
    /// Write tokens refilled per second per subscription. ARM: 10.
    pub write_refill_per_sec: f64,
    /// Read token bucket size per subscription (GET/HEAD), requests; 0 = unlimited. ARM: 250.
    pub read_burst: u32,
    /// Read tokens refilled per second per subscription. ARM: 25.
    pub read_refill_per_sec: f64,
    /// Probability that a request answers 429 even with tokens left (0.0–1.0). Default 0.
    pub throttle_rate: f64,
    /// Probability that a request answers 500 or 503 (0.0–1.0). Default 0.
    pub server_error_rate: f64,
    /// Probability that a write to a vault answers 409 `Conflict` as if another write to that vault
    /// were in flight (0.0–1.0); when > 0, a genuinely concurrent write to the same vault always
    /// answers 409. Default 0.
    pub conflict_rate: f64,
    /// After a resource is created, GETs of it (and lists) do not see it for this long,
    /// milliseconds (ARM's read-after-write lag; GET answers 404). Default 0.
    pub read_after_write_lag_ms: u64,
    /// Vault creation is a long-running operation: `provisioningState` stays `RegisteringDns` for
    /// this long, milliseconds, then becomes `Succeeded`. Default 0 (immediately Succeeded).
    pub provisioning_ms: u64,
    /// A private endpoint's connection to a vault stays `Pending` for this long after its PUT,
    /// milliseconds, then becomes `Approved` (auto-approval, as for a caller with rights on the
    /// vault). Default 0 (approved at once).
    pub private_endpoint_approval_ms: u64,
    /// Where the emulator's clock starts, RFC 3339 UTC such as `2027-03-01T00:00:00Z` (then it
    /// runs at real speed); decides api-version retirement, e.g. Key Vault versions before
    /// 2026-02-01 are refused from 2027-02-27T00:00:00Z on. Default: none (real time).
    /// [`crate::EmulatorConfig::now`] wins over it.
    pub now: Option<String>,
    /// Microsoft Entra replication delay: for this long after the emulator starts, milliseconds,
    /// a role assignment PUT answers 400 `PrincipalNotFound` (as ARM does for a principal
    /// created minutes earlier). Default 0.
    pub principal_unknown_ms: u64,
}

impl Default for FaultProfile {
    fn default() -> Self {
        Self::none()
    }
}

impl FaultProfile {
    /// No faults and no limits: every request succeeds at once (the default for tests and
    /// `kvinit apply --emulator`).
    pub fn none() -> Self {
        Self {
            seed: 0,
            latency_ms: 0,
            write_burst: 0,
            write_refill_per_sec: 0.0,
            read_burst: 0,
            read_refill_per_sec: 0.0,
            throttle_rate: 0.0,
            server_error_rate: 0.0,
            conflict_rate: 0.0,
            read_after_write_lag_ms: 0,
            provisioning_ms: 0,
            private_endpoint_approval_ms: 0,
            now: None,
            principal_unknown_ms: 0,
        }
    }

    /// ARM's published subscription limits (writes: burst 200, refill 10/s; reads: burst 250,
    /// refill 25/s — source: Azure Resource Manager throttling docs, token bucket algorithm) and no
    /// random faults.
    pub fn arm_defaults() -> Self {
        Self {
            write_burst: 200,
            write_refill_per_sec: 10.0,
            read_burst: 250,
            read_refill_per_sec: 25.0,
            ..Self::none()
        }
    }

    /// Parses a YAML fault profile. Missing fields take [`FaultProfile::none`]'s values.
    ///
    /// # Errors
    /// [`EmulatorError::FaultProfile`] naming the field (and line/column from the YAML parser)
    /// when the text does not parse, has an unknown field, or a value is out of range (rates
    /// outside 0.0–1.0, negative or non-finite refill rates, a burst with a refill of 0).
    pub fn from_yaml(text: &str) -> Result<Self, EmulatorError> {
        let profile: FaultProfile = if text.trim().is_empty() {
            FaultProfile::none()
        } else {
            serde_yaml::from_str(text).map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
                    .unwrap_or_default();
                let text = e.to_string();
                let message = if at.is_empty() || text.contains(" at line ") {
                    text
                } else {
                    format!("{text}{at}")
                };
                EmulatorError::FaultProfile { message }
            })?
        };
        profile.check()?;
        Ok(profile)
    }

    fn check(&self) -> Result<(), EmulatorError> {
        if let Some(now) = &self.now {
            crate::clock::parse_now(now).map_err(|e| EmulatorError::FaultProfile {
                message: format!(
                    "now: {}",
                    e.to_string().trim_start_matches("emulator clock: ")
                ),
            })?;
        }
        for (field, rate) in [
            ("throttleRate", self.throttle_rate),
            ("serverErrorRate", self.server_error_rate),
            ("conflictRate", self.conflict_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(EmulatorError::FaultProfile {
                    message: format!(
                        "{field}: {rate} is not a probability; use a value from 0.0 to 1.0"
                    ),
                });
            }
        }
        for (field, burst, refill) in [
            (
                "writeRefillPerSec",
                self.write_burst,
                self.write_refill_per_sec,
            ),
            (
                "readRefillPerSec",
                self.read_burst,
                self.read_refill_per_sec,
            ),
        ] {
            if !refill.is_finite() || refill < 0.0 {
                return Err(EmulatorError::FaultProfile {
                    message: format!("{field}: {refill} must be a finite number ≥ 0"),
                });
            }
            if burst > 0 && refill == 0.0 {
                return Err(EmulatorError::FaultProfile {
                    message: format!(
                        "{field}: must be > 0 when the matching burst is set (else the bucket never refills)"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Read or write, for the token buckets and the remaining-requests headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Access {
    Read,
    Write,
}

impl Access {
    /// `reads` / `writes`, as in `x-ms-ratelimit-remaining-subscription-{reads,writes}`.
    pub fn plural(self) -> &'static str {
        match self {
            Access::Read => "reads",
            Access::Write => "writes",
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// A fault that fires for one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fault {
    /// 429; `retry_after_secs` for the `Retry-After` header.
    Throttled { retry_after_secs: u64 },
    /// 500 (`false`) or 503 (`true`).
    ServerError { unavailable: bool },
}

/// The per-emulator fault state: buckets, per-request counters, in-flight vault writes.
#[derive(Debug)]
pub(crate) struct FaultEngine {
    pub profile: FaultProfile,
    buckets: Mutex<HashMap<(String, Access), Bucket>>,
    seen: Mutex<HashMap<String, u64>>,
    in_flight: Mutex<HashMap<String, u32>>,
    /// When the emulator started (for `principal_unknown_ms`).
    started: std::time::Instant,
}

/// Remaining-requests figure sent when a bucket is unlimited (ARM's long-standing hourly figures).
const UNLIMITED_REMAINING: [(Access, u64); 2] = [(Access::Read, 11999), (Access::Write, 1199)];

impl FaultEngine {
    pub fn new(profile: FaultProfile) -> Self {
        Self {
            profile,
            buckets: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
            started: std::time::Instant::now(),
        }
    }

    /// Whether principals are still unknown to the directory (see
    /// [`FaultProfile::principal_unknown_ms`]).
    pub fn principal_unknown(&self) -> bool {
        self.started.elapsed().as_millis() < u128::from(self.profile.principal_unknown_ms)
    }

    fn limits(&self, access: Access) -> (u32, f64) {
        match access {
            Access::Read => (self.profile.read_burst, self.profile.read_refill_per_sec),
            Access::Write => (self.profile.write_burst, self.profile.write_refill_per_sec),
        }
    }

    /// A deterministic random stream for the n-th request with this method and path.
    pub fn rng_for(&self, method: &str, path: &str) -> ChaCha8Rng {
        let key = format!("{method} {}", path.to_ascii_lowercase());
        let n = {
            let mut seen = self.seen.lock().expect("fault counters");
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        ChaCha8Rng::seed_from_u64(self.profile.seed ^ h ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    /// Takes one token from `subscription`'s bucket for `access`; `Err(retry_after_secs)` when
    /// empty. Returns the tokens remaining after the take.
    pub fn take(&self, subscription: &str, access: Access) -> Result<u64, u64> {
        let (burst, refill) = self.limits(access);
        if burst == 0 {
            return Ok(unlimited(access));
        }
        let mut buckets = self.buckets.lock().expect("buckets");
        let now = Instant::now();
        let bucket = buckets
            .entry((subscription.to_ascii_lowercase(), access))
            .or_insert(Bucket {
                tokens: f64::from(burst),
                last: now,
            });
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * refill).min(f64::from(burst));
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(bucket.tokens.floor() as u64)
        } else {
            let wait = ((1.0 - bucket.tokens) / refill).ceil().max(1.0);
            Err(wait as u64)
        }
    }

    /// Tokens left (for the remaining-requests header) without taking one.
    pub fn remaining(&self, subscription: &str, access: Access) -> u64 {
        let (burst, refill) = self.limits(access);
        if burst == 0 {
            return unlimited(access);
        }
        let buckets = self.buckets.lock().expect("buckets");
        match buckets.get(&(subscription.to_ascii_lowercase(), access)) {
            Some(b) => {
                let elapsed = Instant::now().duration_since(b.last).as_secs_f64();
                (b.tokens + elapsed * refill).min(f64::from(burst)).floor() as u64
            }
            None => u64::from(burst),
        }
    }

    /// Random faults for one request, drawn from `rng` in a fixed order (throttle, then server
    /// error), so the outcome depends only on the seed and the request's identity.
    pub fn random_fault(&self, rng: &mut ChaCha8Rng) -> Option<Fault> {
        let throttle: f64 = rng.r#gen();
        let server: f64 = rng.r#gen();
        let which: f64 = rng.r#gen();
        if throttle < self.profile.throttle_rate {
            return Some(Fault::Throttled {
                retry_after_secs: 1,
            });
        }
        if server < self.profile.server_error_rate {
            return Some(Fault::ServerError {
                unavailable: which < 0.5,
            });
        }
        None
    }

    /// Whether a write to vault `vault_key` conflicts (409) — see [`FaultProfile::conflict_rate`].
    /// On `false` the write is registered as in flight; call [`FaultEngine::end_write`] after.
    pub fn begin_vault_write(&self, vault_key: &str, rng: &mut ChaCha8Rng) -> bool {
        let roll: f64 = rng.r#gen();
        let rate = self.profile.conflict_rate;
        let mut in_flight = self.in_flight.lock().expect("in flight");
        let busy = in_flight.get(vault_key).copied().unwrap_or(0) > 0;
        if rate > 0.0 && (busy || roll < rate) {
            return true;
        }
        *in_flight.entry(vault_key.to_string()).or_insert(0) += 1;
        false
    }

    /// Ends an in-flight vault write begun with [`FaultEngine::begin_vault_write`].
    pub fn end_write(&self, vault_key: &str) {
        let mut in_flight = self.in_flight.lock().expect("in flight");
        if let Some(n) = in_flight.get_mut(vault_key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                in_flight.remove(vault_key);
            }
        }
    }
}

fn unlimited(access: Access) -> u64 {
    UNLIMITED_REMAINING
        .iter()
        .find(|(a, _)| *a == access)
        .map(|(_, n)| *n)
        .unwrap_or(1199)
}
