//! `kvinit audit -o table`: findings grouped by vault, for people. Pure rendering; must not
//! evaluate rules.

use super::report::AuditReport;
use super::threshold;
use crate::rules::Severity;

/// The table text (ends with a newline).
pub fn render(report: &AuditReport, fail_on: Option<Severity>) -> String {
    let mut out = String::new();
    let compliant = report.vaults.iter().filter(|v| v.findings == 0).count();
    out.push_str(&format!(
        "Audited {} vault(s): {} compliant, {} finding(s) ({} high, {} medium, {} low)\n",
        report.vaults.len(),
        compliant,
        report.findings.len(),
        report.count(Severity::High),
        report.count(Severity::Medium),
        report.count(Severity::Low),
    ));
    for vault in &report.vaults {
        out.push('\n');
        if vault.findings == 0 {
            out.push_str(&format!("✓ {}\n", vault.id));
            continue;
        }
        out.push_str(&format!("✗ {}\n", vault.id));
        for f in report.findings.iter().filter(|f| f.vault_id == vault.id) {
            out.push_str(&format!(
                "  {:<6}  {:<9}  {}\n",
                f.severity.as_str().to_ascii_uppercase(),
                f.rule,
                f.found
            ));
            out.push_str(&format!("          compliant: {}\n", f.compliant));
            out.push_str(&format!("          fix:       {}\n", f.fix));
            out.push_str(&format!("          see:       {}\n", f.docs));
        }
    }
    for id in &report.not_found {
        out.push_str(&format!("\n✗ {id}\n"));
        for f in report.findings.iter().filter(|f| &f.vault_id == id) {
            out.push_str(&format!(
                "  {:<6}  {:<9}  {}\n",
                f.severity.as_str().to_ascii_uppercase(),
                f.rule,
                f.found
            ));
            out.push_str(&format!("          fix:       {}\n", f.fix));
            out.push_str(&format!("          see:       {}\n", f.docs));
        }
    }
    if let Some(t) = fail_on {
        out.push_str(&format!(
            "\n{} finding(s) at or above --fail-on {}\n",
            threshold::at_or_above(report, fail_on),
            t.as_str()
        ));
    }
    out
}
