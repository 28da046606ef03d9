//! Benchmark 3, calls: reads and writes per vault when creating, when re-applying an unchanged
//! plan (target: 0 writes, ≤ 3 reads per vault) and for a live plan (the read phase alone), from
//! the emulator's request log of each run.

use std::time::Instant;

use kvinit::apply::SilentReporter;
use kvinit::model::desired::DesiredState;
use kvinit_emulator::RunningEmulator;

use crate::emulated::{self, Run, counts};
use crate::stats::fmt_dur;

/// One scenario's counts.
pub struct CallRow {
    pub scenario: &'static str,
    pub vaults: usize,
    pub resources: usize,
    pub reads: usize,
    pub writes: usize,
    pub throttled: usize,
    /// Token requests (the credential's; not ARM calls).
    pub tokens: usize,
    pub wall: std::time::Duration,
    /// Requests by method and path shape (names replaced by `*`), most frequent first.
    pub shapes: Vec<(String, usize)>,
}

/// `GET /subscriptions/*/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`: the request's
/// method and path with every name segment replaced by `*`.
fn shape(r: &kvinit_emulator::LoggedRequest) -> String {
    let segs: Vec<&str> = r.path.split('/').collect();
    let mut out = Vec::with_capacity(segs.len());
    for (i, s) in segs.iter().enumerate() {
        // ARM paths alternate `collection/name`; keep collections and provider namespaces.
        let prev = if i > 0 { segs[i - 1] } else { "" };
        let is_name = !s.is_empty()
            && !prev.is_empty()
            && !prev.eq_ignore_ascii_case("providers")
            && (i % 2 == 0);
        out.push(if is_name { "*" } else { s });
    }
    format!("{} {}", r.method, out.join("/"))
}

/// Request shapes of `log`, most frequent first.
pub fn shapes(log: &[kvinit_emulator::LoggedRequest]) -> Vec<(String, usize)> {
    let mut m: std::collections::BTreeMap<String, usize> = Default::default();
    for r in log {
        *m.entry(shape(r)).or_default() += 1;
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by_key(|b| std::cmp::Reverse(b.1));
    v
}

/// Distinct ARM resources of `desired` (shared ones once).
pub fn distinct_resources(desired: &DesiredState) -> usize {
    let ids: std::collections::HashSet<String> = desired
        .vaults
        .iter()
        .flat_map(|v| v.resources.iter().map(|r| r.id.to_ascii_lowercase()))
        .collect();
    ids.len()
}

impl CallRow {
    /// Counts of one apply.
    pub fn from_run(scenario: &'static str, n: usize, desired: &DesiredState, run: &Run) -> Self {
        let (reads, writes, throttled, tokens) = counts(&run.log);
        Self {
            scenario,
            vaults: n,
            resources: distinct_resources(desired),
            reads,
            writes,
            throttled,
            tokens,
            wall: run.wall,
            shapes: shapes(&run.log),
        }
    }
}

/// A live plan: the read phase of apply (observe + diff), which `kvinit plan` against live
/// state runs, with fresh clients.
pub async fn live_plan(emu: &RunningEmulator, desired: &DesiredState) -> CallRow {
    let before = emu.requests().len();
    let t = Instant::now();
    let clients = emulated::clients(emu);
    let changes = kvinit::apply::plan_changes(
        &clients,
        desired,
        kvinit::apply::ApplyOptions::default(),
        &SilentReporter,
    )
    .await
    .expect("read live state");
    let wall = t.elapsed();
    assert!(
        changes.vaults.iter().all(|v| v.is_unchanged()),
        "a live plan right after apply shows no change"
    );
    let log = emu.requests().split_off(before);
    let (reads, writes, throttled, tokens) = counts(&log);
    CallRow {
        scenario: "live plan",
        vaults: desired.vaults.len(),
        resources: distinct_resources(desired),
        reads,
        writes,
        throttled,
        tokens,
        wall,
        shapes: shapes(&log),
    }
}

/// Prints benchmark 3's table (Markdown).
pub fn print(rows: &[CallRow]) {
    println!("## Benchmark 3: ARM calls per vault (emulator request log)\n");
    println!(
        "| scenario | vaults | distinct resources | reads | writes | reads per vault | writes per vault | writes per resource | 429s | token requests | wall time |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {} | {} | {} |",
            r.scenario,
            r.vaults,
            r.resources,
            r.reads,
            r.writes,
            r.reads as f64 / r.vaults as f64,
            r.writes as f64 / r.vaults as f64,
            r.writes as f64 / r.resources as f64,
            r.throttled,
            r.tokens,
            fmt_dur(r.wall)
        );
    }
    println!();
    if let Some(smallest) = rows.iter().map(|r| r.vaults).min() {
        println!("Requests by shape ({smallest} vaults):\n");
        for r in rows.iter().filter(|r| r.vaults == smallest) {
            println!("- {}:", r.scenario);
            for (shape, n) in &r.shapes {
                println!("  - {n} × `{shape}`");
            }
        }
        println!();
    }
}
