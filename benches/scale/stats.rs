//! Small statistics and formatting helpers shared by the benchmarks (median, min/max,
//! human-readable durations). Must not measure anything itself.

use std::time::Duration;

/// Median of `xs` (sorts in place). Panics on an empty slice.
pub fn median(xs: &mut [Duration]) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// `1.23 s`, `45.6 ms` or `789 µs`.
pub fn fmt_dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}
