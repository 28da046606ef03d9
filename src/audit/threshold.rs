//! The `--fail-on` threshold: which findings make `kvinit audit` exit 4. Pure.

use super::report::AuditReport;
use crate::cli::SeverityArg;
use crate::rules::Severity;

/// The rule severity a `--fail-on` value names.
pub fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
    }
}

/// How many findings are at or above `threshold` (`None`: no threshold, always 0).
pub fn at_or_above(report: &AuditReport, threshold: Option<Severity>) -> usize {
    match threshold {
        None => 0,
        Some(t) => report.findings.iter().filter(|f| f.severity >= t).count(),
    }
}
