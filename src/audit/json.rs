//! `kvinit audit -o json`: the report as one JSON document (documented contract: `summary`,
//! `vaults`, `notFound`, `findings`, `requests`). Pure rendering; must not evaluate rules.

use serde_json::{Value, json};

use super::report::AuditReport;
use super::threshold;
use crate::azure::RequestCounts;
use crate::rules::Severity;

/// The JSON document. `requests` are the ARM requests the audit made (it makes no writes).
pub fn render(report: &AuditReport, fail_on: Option<Severity>, requests: RequestCounts) -> Value {
    json!({
        "summary": {
            "vaults": report.vaults.len(),
            "compliantVaults": report.vaults.iter().filter(|v| v.findings == 0).count(),
            "findings": report.findings.len(),
            "high": report.count(Severity::High),
            "medium": report.count(Severity::Medium),
            "low": report.count(Severity::Low),
            "failOn": fail_on.map(Severity::as_str),
            "atOrAboveFailOn": threshold::at_or_above(report, fail_on),
        },
        "vaults": report.vaults,
        "notFound": report.not_found,
        "findings": report.findings,
        "requests": requests,
    })
}
