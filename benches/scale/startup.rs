//! Benchmark 4, start-up: `kvinit --version` and `kvinit plan -f examples/contoso.yaml` run as
//! whole processes of the release binary Cargo built for this benchmark; min, median and max
//! wall time over repeated runs. Must not change any file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::stats::fmt_dur;

/// Runs per command.
pub const RUNS: usize = 20;

fn time_runs(args: &[&str]) -> Vec<Duration> {
    let exe = env!("CARGO_BIN_EXE_kvinit");
    let mut out = Vec::with_capacity(RUNS);
    // One unmeasured run warms the page cache.
    for i in 0..=RUNS {
        let t = Instant::now();
        let status = Command::new(exe)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run kvinit");
        let d = t.elapsed();
        assert!(status.success(), "kvinit {args:?} failed: {status}");
        if i > 0 {
            out.push(d);
        }
    }
    out.sort();
    out
}

/// Runs benchmark 4 and prints its table (Markdown).
pub fn run() {
    println!("## Benchmark 4: start-up (whole processes, {RUNS} runs each)\n");
    println!("| command | min | median | max |");
    println!("|---|---:|---:|---:|");
    for args in [
        &["--version"][..],
        &["plan", "-f", "examples/contoso.yaml"][..],
        &["plan", "-f", "examples/contoso.yaml", "-o", "json"][..],
    ] {
        let d = time_runs(args);
        println!(
            "| `kvinit {}` | {} | {} | {} |",
            args.join(" "),
            fmt_dur(d[0]),
            fmt_dur(d[d.len() / 2]),
            fmt_dur(d[d.len() - 1])
        );
    }
    println!();
}
