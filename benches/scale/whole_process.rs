//! Benchmark 5, the offline plan as users run it (issue 15, target 1): the release binary as a
//! whole process, `kvinit plan -f F -o json > /dev/null` and the default table written to a
//! file, for generated plans of 100, 1,000 and 10,000 cells. One warm-up run, then [`RUNS`]
//! measured runs: min / median / max wall time and the peak RSS of each run, read from the
//! kernel's `wait4` resource usage (`ru_maxrss`, KiB on Linux) of exactly that child. Linux
//! keeps a process's high-water mark across `exec`, and Rust spawns with posix_spawn (a vfork
//! sharing this process's memory until `exec`), so a child's figure is at least this benchmark
//! process's own peak at the time: it runs first, while that is a few MB, and prints it.
//! Writes only under a temporary directory it removes.

use std::fs::File;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::plan_gen::{Shape, plan_yaml};
use crate::stats::fmt_dur;

/// Measured runs per command and size (after one warm-up).
pub const RUNS: usize = 5;
/// Sizes measured (cells).
pub const SIZES: [usize; 3] = [100, 1_000, 10_000];
/// Target at 10,000 cells: median wall time (issue 15).
pub const TARGET_TIME: Duration = Duration::from_millis(500);
/// Target at 10,000 cells: peak RSS, bytes (issue 15: 150 MB).
pub const TARGET_PEAK_BYTES: u64 = 150 * 1_000_000;

/// One whole-process run: wall time and peak RSS in bytes.
fn run_once(args: &[&str], stdout: Stdio) -> (Duration, u64) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_kvinit"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .env_remove("KVINIT_ARM_ENDPOINT")
        .spawn()
        .expect("spawn kvinit");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data the kernel fills in; `pid` is our own unreaped child
    // (the `Child` handle is dropped without waiting, so it is reaped exactly once, here).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(rc, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let status = std::process::ExitStatus::from_raw(status);
    assert!(status.success(), "kvinit {args:?} failed: {status}");
    drop(child);
    (wall, u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024)
}

struct Figures {
    wall: Vec<Duration>,
    peak: Vec<u64>,
}

fn measure(args: &[&str], out_file: Option<&Path>) -> Figures {
    let stdout = || match out_file {
        Some(path) => Stdio::from(File::create(path).expect("output file")),
        None => Stdio::null(),
    };
    run_once(args, stdout());
    let (mut wall, mut peak) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (w, p) = run_once(args, stdout());
        wall.push(w);
        peak.push(p);
    }
    wall.sort();
    peak.sort();
    Figures { wall, peak }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Runs benchmark 5 and prints its table (Markdown).
pub fn run() {
    println!(
        "## Benchmark 5: offline plan as a whole process (release binary, {RUNS} runs after a warm-up)\n"
    );
    let floor = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or_else(|| "unknown".to_string(), |kb| mb(kb * 1024));
    println!(
        "(Peak RSS of a child is at least this benchmark process's own peak at spawn time: {floor}.)\n"
    );
    println!("| cells | output | min | median | max | peak RSS (median, max) | output size |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut at_10k = Vec::new();
    for cells in SIZES {
        let plan = dir.path().join(format!("plan-{cells}.yaml"));
        std::fs::write(&plan, plan_yaml(Shape::offline(cells))).expect("write plan");
        let plan = plan.to_str().expect("utf-8 temp path");
        let table_out = dir.path().join(format!("table-{cells}.txt"));
        for (label, args, file) in [
            (
                "`-o json > /dev/null`",
                vec!["plan", "-f", plan, "-o", "json"],
                None,
            ),
            (
                "table `> file`",
                vec!["plan", "-f", plan],
                Some(table_out.as_path()),
            ),
        ] {
            let f = measure(&args, file);
            let size = file
                .and_then(|p| std::fs::metadata(p).ok())
                .map_or_else(|| "—".to_string(), |m| mb(m.len()));
            println!(
                "| {cells} | {label} | {} | {} | {} | {}, {} | {size} |",
                fmt_dur(f.wall[0]),
                fmt_dur(f.wall[RUNS / 2]),
                fmt_dur(f.wall[RUNS - 1]),
                mb(f.peak[RUNS / 2]),
                mb(f.peak[RUNS - 1]),
            );
            if cells == 10_000 {
                at_10k.push((label, f.wall[RUNS / 2], f.peak[RUNS / 2]));
            }
        }
    }
    println!();
    for (label, wall, peak) in at_10k {
        println!(
            "10,000 cells, {label}: median {} (target < {}) — {}; peak RSS {} (target < {}) — {}",
            fmt_dur(wall),
            fmt_dur(TARGET_TIME),
            if wall < TARGET_TIME { "met" } else { "MISSED" },
            mb(peak),
            mb(TARGET_PEAK_BYTES),
            if peak < TARGET_PEAK_BYTES {
                "met"
            } else {
                "MISSED"
            },
        );
    }
    println!();
}
