//! Benchmark 2, apply at scale: N = 30, 150, 300 vaults over 3 subscriptions against the
//! emulator with issue 6's realistic timing; wall time against the lower bound
//! max(critical path of one vault, time the write budget needs for all writes), 429s received,
//! and whether a subscription sat idle while it still had writes to do. Each N is followed by
//! an unchanged re-apply and a live plan on the same emulator (benchmark 3's figures).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::calls::CallRow;
use crate::emulated::{self, Run, counts, realistic, subscription_of};
use crate::stats::fmt_dur;

/// Vault counts measured (`--vaults 30,150` measures others).
pub const SIZES: [usize; 3] = [30, 150, 300];

/// Analytic critical path of one vault under [`realistic`]: provisioning (2 s) plus the
/// requests that must follow each other — observe GET, resource group PUT, vault PUT, the GET
/// that sees `Succeeded`, then the PUTs that depend on the vault (role assignments, diagnostic
/// setting, alerts; in parallel) — 5 × 20 ms.
pub const CRITICAL_PATH: Duration = Duration::from_millis(2_000 + 5 * 20);

/// ARM's write budget per subscription (burst, refill per second).
const BURST: f64 = 200.0;
const REFILL: f64 = 10.0;

/// One N's figures.
pub struct ScaleRow {
    pub vaults: usize,
    pub wall: Duration,
    pub lower_bound: Duration,
    /// The write-budget time without the name checks (PUTs only).
    pub budget_puts_only: Duration,
    pub writes_per_sub: BTreeMap<String, usize>,
    pub throttled: usize,
    pub kvinit_throttled: u64,
    pub failed: usize,
    pub idle: String,
}

/// Seconds the write budget needs for `writes` writes in one subscription.
fn budget_time(writes: usize) -> Duration {
    Duration::from_secs_f64(((writes as f64 - BURST).max(0.0)) / REFILL)
}

/// Idle analysis from the timeline of write completions: for each subscription, when its last
/// write finished and its longest gap between two writes; a subscription "sat idle" when it
/// finished well before the run while another still wrote, or paused > 1.5 s in the middle.
fn idle_summary(run: &Run) -> String {
    let mut by_sub: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for w in &run.writes {
        by_sub.entry(&w.subscription).or_default().push(w.at);
    }
    let end = run.writes.iter().map(|w| w.at).max().unwrap_or_default();
    let mut parts = Vec::new();
    for (sub, mut at) in by_sub {
        at.sort();
        let gap = at.windows(2).map(|w| w[1] - w[0]).max().unwrap_or_default();
        let last = *at.last().unwrap();
        parts.push(format!(
            "{}…: last write {} (run's last {}), longest pause {}",
            &sub[..8.min(sub.len())],
            fmt_dur(last),
            fmt_dur(end),
            fmt_dur(gap)
        ));
    }
    parts.join("; ")
}

/// Runs benchmark 2 (and collects benchmark 3's re-apply and live-plan rows).
pub async fn run(sizes: &[usize], concurrency: usize, calls: &mut Vec<CallRow>) -> Vec<ScaleRow> {
    let mut rows = Vec::new();
    for &n in sizes {
        let desired = emulated::desired(n);
        let emu = emulated::start(realistic()).await;
        let t = Instant::now();
        let create = emulated::apply(&emu, &desired, concurrency).await;
        let wall = t.elapsed();
        let (_, _, throttled, _) = counts(&create.log);
        let mut writes_per_sub: BTreeMap<String, usize> = BTreeMap::new();
        // What the emulator charged to the write budget: every non-GET ARM request.
        for r in create
            .log
            .iter()
            .filter(|r| emulated::is_arm(r) && !matches!(r.method.as_str(), "GET" | "HEAD"))
        {
            *writes_per_sub.entry(subscription_of(&r.path)).or_default() += 1;
        }
        // The work itself, per subscription: one PUT per distinct resource, plus the one
        // `checkNameAvailability` POST each new vault needs (issue 3), which ARM charges to the
        // same write budget ("-writes for non-GET requests").
        let mut needed: BTreeMap<String, std::collections::HashSet<String>> = BTreeMap::new();
        for r in desired.vaults.iter().flat_map(|v| &v.resources) {
            needed
                .entry(subscription_of(&r.id))
                .or_default()
                .insert(r.id.to_ascii_lowercase());
        }
        let vaults_per_sub = |sub: &str| {
            desired
                .vaults
                .iter()
                .filter(|v| v.subscription_id.eq_ignore_ascii_case(sub))
                .count()
        };
        let budget = needed
            .iter()
            .map(|(sub, ids)| budget_time(ids.len() + vaults_per_sub(sub)))
            .max()
            .unwrap_or_default();
        let budget_puts_only = needed
            .values()
            .map(|ids| budget_time(ids.len()))
            .max()
            .unwrap_or_default();
        let lower_bound = budget.max(CRITICAL_PATH);
        eprintln!(
            "  apply: {n} vaults created in {} (lower bound {})",
            fmt_dur(wall),
            fmt_dur(lower_bound)
        );
        calls.push(CallRow::from_run("create", n, &desired, &create));
        let idle = idle_summary(&create);
        rows.push(ScaleRow {
            vaults: n,
            wall,
            lower_bound,
            budget_puts_only,
            writes_per_sub,
            throttled,
            kvinit_throttled: create.report.requests.throttled,
            failed: create.report.totals.failed,
            idle,
        });
        let again = emulated::apply(&emu, &desired, concurrency).await;
        eprintln!("  apply: {n} vaults re-applied in {}", fmt_dur(again.wall));
        calls.push(CallRow::from_run("unchanged re-apply", n, &desired, &again));
        calls.push(crate::calls::live_plan(&emu, &desired).await);
        let _ = emu.shutdown().await;
    }
    rows
}

/// Prints benchmark 2's table (Markdown).
pub fn print(rows: &[ScaleRow], concurrency: usize) {
    println!(
        "## Benchmark 2: apply at scale (emulator: 20 ms/request, 2 s provisioning, writes 200 + 10/s and reads 250 + 25/s per subscription; 3 subscriptions; `--concurrency {concurrency}`)\n"
    );
    println!(
        "| vaults | wall time | lower bound | ratio | ratio to the PUT-only bound | write attempts per subscription | 429s received (emulator / kvinit's count) | failed vaults |"
    );
    println!("|---:|---:|---:|---:|---:|---|---:|---:|");
    for r in rows {
        let subs: Vec<String> = r.writes_per_sub.values().map(|w| w.to_string()).collect();
        let puts_bound = r.budget_puts_only.max(CRITICAL_PATH);
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {} | {} / {} | {} |",
            r.vaults,
            fmt_dur(r.wall),
            fmt_dur(r.lower_bound),
            r.wall.as_secs_f64() / r.lower_bound.as_secs_f64(),
            r.wall.as_secs_f64() / puts_bound.as_secs_f64(),
            subs.join(", "),
            r.throttled,
            r.kvinit_throttled,
            r.failed
        );
    }
    println!(
        "\nLower bound = max(critical path of one vault = {}, (writes the busiest subscription needs − 200) / 10 per s), where the writes needed are one PUT per distinct resource plus one `checkNameAvailability` POST per new vault (ARM charges every non-GET request to the write budget); the PUT-only bound leaves the name checks out. Write attempts per subscription count everything the emulator charged to the write budget, retries of throttled writes included.\n",
        fmt_dur(CRITICAL_PATH)
    );
    println!("Subscriptions over time (write completions):\n");
    for r in rows {
        println!("- {} vaults: {}", r.vaults, r.idle);
    }
    println!();
}
