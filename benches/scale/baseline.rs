//! The sequential baseline (issue 6): what a shell script over `az` does — one vault at a time,
//! one resource at a time, a GET before every write, each long-running operation waited for —
//! run with the same adapter calls (`azure::observe::get`, `azure::write::put`) against the same
//! emulator profile, so the ratio to kvinit's apply measures only the scheduling.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::emulated::{self, counts, realistic};
use crate::stats::fmt_dur;

/// Vaults in the baseline run (~3 s each sequentially; a sequential run of 300 would take
/// ~15 minutes, so the comparison is made at this size, kvinit's apply included).
pub const VAULTS: usize = 12;

/// The baseline's figures.
pub struct Baseline {
    pub wall: Duration,
    pub reads: usize,
    pub writes: usize,
    pub kvinit_wall: Duration,
}

/// Runs the baseline and kvinit's apply on fresh emulators with the same plan.
pub async fn run() -> Baseline {
    let desired = emulated::desired(VAULTS);
    let emu = emulated::start(realistic()).await;
    // A script's `az resource show` fails at once on 404; kvinit's adapter treats a 404 right
    // after its own PUT of a parent as read-after-write lag and retries it (issue 3), which
    // would make every GET-before-create here wait out that window. The baseline turns it off.
    let settings = kvinit::azure::ClientSettings {
        retry: kvinit::azure::retry::RetrySettings {
            read_after_write_window: Duration::ZERO,
            ..Default::default()
        },
        ..Default::default()
    };
    let clients = emulated::clients_with(&emu, settings);
    let t = Instant::now();
    let mut done: HashSet<String> = HashSet::new();
    for vault in &desired.vaults {
        for r in &vault.resources {
            // A script creates the shared resource group and action group once.
            if !done.insert(r.id.to_ascii_lowercase()) {
                continue;
            }
            kvinit::azure::observe::get(&clients, r.kind, &r.id)
                .await
                .expect("GET");
            kvinit::azure::write::put(&clients, r.kind, &r.id, &r.body.to_value())
                .await
                .expect("PUT");
        }
    }
    let wall = t.elapsed();
    let (reads, writes, _, _) = counts(&emu.requests());
    let _ = emu.shutdown().await;
    eprintln!("  baseline: {VAULTS} vaults in {}", fmt_dur(wall));

    let emu = emulated::start(realistic()).await;
    let run = emulated::apply(&emu, &desired, kvinit::apply::DEFAULT_CONCURRENCY).await;
    assert_eq!(run.report.totals.failed, 0);
    let _ = emu.shutdown().await;
    Baseline {
        wall,
        reads,
        writes,
        kvinit_wall: run.wall,
    }
}

/// Prints the baseline comparison (Markdown).
pub fn print(b: &Baseline) {
    println!("## Sequential baseline ({VAULTS} vaults, same emulator profile)\n");
    println!("| run | wall time | reads | writes |");
    println!("|---|---:|---:|---:|");
    println!(
        "| sequential script (concurrency 1, GET before every write) | {} | {} | {} |",
        fmt_dur(b.wall),
        b.reads,
        b.writes
    );
    println!(
        "| `kvinit apply` (concurrency {}) | {} | | |",
        kvinit::apply::DEFAULT_CONCURRENCY,
        fmt_dur(b.kvinit_wall)
    );
    println!(
        "\nkvinit is {:.1}× faster than the sequential baseline.\n",
        b.wall.as_secs_f64() / b.kvinit_wall.as_secs_f64()
    );
}
