//! Benchmark 1, offline plan: parse + validate + expand (`plan_file::parse`) and desired state
//! (`rules::desired_state_with_compliance`: the desired state and the compliance rules on it) for generated
//! plans of 10 … 10,000 cells; time per size, growth ratio, and the peak RSS of a child process
//! that runs the largest size once. Must not touch the network or the file system.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::alloc_count;
use crate::plan_gen::{Shape, plan_yaml};
use crate::stats::{fmt_dur, median};

/// Sizes measured.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// Target for 10,000 cells (issue 6).
pub const TARGET_TIME: Duration = Duration::from_millis(500);
/// Peak memory target for 10,000 cells, bytes (issue 6: 150 MB).
pub const TARGET_PEAK_BYTES: u64 = 150 * 1_000_000;

struct Row {
    cells: usize,
    parse: Duration,
    desired: Duration,
    total: Duration,
    /// Fastest run (the least disturbed by other load on the machine).
    min: Duration,
}

/// Runs the pipeline once on `text`, returning (parse, desired) times and the vault count.
fn once(text: &str) -> (Duration, Duration, usize) {
    let t0 = Instant::now();
    let plan = kvinit::plan_file::parse(Path::new("generated.yaml"), text)
        .unwrap_or_else(|d| panic!("the generated plan is invalid:\n{d}"));
    let t1 = Instant::now();
    let (state, compliance) = kvinit::rules::desired_state_with_compliance(&plan);
    let t2 = Instant::now();
    let n = state.vaults.len();
    drop((state, compliance));
    drop(plan);
    (t1 - t0, t2 - t1, n)
}

/// Runs benchmark 1 and prints its tables (Markdown).
pub fn run() {
    println!("## Benchmark 1: offline plan (parse + validate + expand + desired state)\n");
    let mut rows = Vec::new();
    for &cells in &SIZES {
        let text = plan_yaml(Shape::offline(cells));
        // Warm-up (first run pays for the built-in profile's one-time parse and page faults).
        let (_, _, n) = once(&text);
        assert_eq!(
            n, cells,
            "the generated plan expands to {n} cells, not {cells}"
        );
        let iters = match cells {
            0..=100 => 50,
            101..=1_000 => 10,
            _ => 5,
        };
        let mut parse = Vec::new();
        let mut desired = Vec::new();
        let mut total = Vec::new();
        for _ in 0..iters {
            let (p, d, _) = once(&text);
            parse.push(p);
            desired.push(d);
            total.push(p + d);
        }
        rows.push(Row {
            cells,
            parse: median(&mut parse),
            desired: median(&mut desired),
            total: median(&mut total),
            min: total.iter().copied().min().unwrap_or_default(),
        });
        eprintln!("  offline: {cells} cells done ({iters} runs)");
    }
    println!(
        "| cells | parse+validate+expand | desired state + rules | total (median) | fastest run | per cell | ratio to previous size |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut prev: Option<&Row> = None;
    for r in &rows {
        let ratio = prev.map_or("—".to_string(), |p| {
            format!(
                "{:.1}× for {}× cells",
                r.total.as_secs_f64() / p.total.as_secs_f64(),
                r.cells / p.cells
            )
        });
        println!(
            "| {} | {} | {} | {} | {} | {:.1} µs | {} |",
            r.cells,
            fmt_dur(r.parse),
            fmt_dur(r.desired),
            fmt_dur(r.total),
            fmt_dur(r.min),
            r.total.as_secs_f64() * 1e6 / r.cells as f64,
            ratio
        );
        prev = Some(r);
    }
    let big = rows.last().expect("sizes");
    let peak = child_peak(big.cells);
    println!();
    println!(
        "10,000 cells: {} median, {} fastest (target < {}) — {}",
        fmt_dur(big.total),
        fmt_dur(big.min),
        fmt_dur(TARGET_TIME),
        if big.total < TARGET_TIME {
            "met"
        } else {
            "MISSED"
        }
    );
    match peak {
        Some((base, hwm)) => println!(
            "peak RSS of a process that generates the 10,000-cell plan text and runs the pipeline once: {:.1} MB (process before the pipeline: {:.1} MB; target < {:.0} MB) — {}",
            hwm as f64 / 1e6,
            base as f64 / 1e6,
            TARGET_PEAK_BYTES as f64 / 1e6,
            if hwm < TARGET_PEAK_BYTES {
                "met"
            } else {
                "MISSED"
            }
        ),
        None => println!("peak RSS: could not be measured (no /proc/self/status)"),
    }
    println!();
}

/// Spawns this benchmark binary as `--child-offline CELLS` and reads back its peak RSS.
fn child_peak(cells: usize) -> Option<(u64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .args(["--child-offline", &cells.to_string()])
        .output()
        .ok()?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8_lossy(&out.stdout);
    let mut it = s.split_whitespace().map(|x| x.parse::<u64>().ok());
    Some((it.next()??, it.next()??))
}

/// The child side: generate, run once, print `BASELINE_BYTES PEAK_BYTES` (VmHWM).
pub fn child(cells: usize) {
    let text = plan_yaml(Shape::offline(cells));
    let base = vm_kb("VmHWM:").unwrap_or(0) * 1024;
    let (live0, _, count0) = alloc_count::snapshot();
    alloc_count::reset_peak();
    let plan = kvinit::plan_file::parse(Path::new("generated.yaml"), &text).expect("valid plan");
    let (live1, peak1, count1) = alloc_count::snapshot();
    let (state, compliance) = kvinit::rules::desired_state_with_compliance(&plan);
    let (live2, peak2, count2) = alloc_count::snapshot();
    assert_eq!(state.vaults.len(), cells);
    let peak = vm_kb("VmHWM:").unwrap_or(0) * 1024;
    println!("{base} {peak}");
    // Detail for the record (stderr): live bytes and allocations per stage.
    eprintln!(
        "parse: peak {:.1} MB, plan {:.1} MB live, {} allocations; desired state: {:.1} MB live ({:.1} KB per vault), peak {:.1} MB, {} allocations",
        (peak1 - live0) as f64 / 1e6,
        (live1 - live0) as f64 / 1e6,
        count1 - count0,
        (live2 - live1) as f64 / 1e6,
        (live2 - live1) as f64 / 1e3 / cells as f64,
        (peak2 - live0) as f64 / 1e6,
        count2 - count1
    );
    drop((state, compliance));
    drop(plan);
}

/// A `kB` field of /proc/self/status.
fn vm_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
