//! `kvinit audit -o table`: findings grouped by vault, for people. Pure rendering; must not
//! evaluate rules. Values from ARM (vault IDs, what was found) pass through [`escape`].

use super::report::AuditReport;
use super::threshold;
use crate::rules::Severity;
use crate::ui::escape;

/// The table text (ends with a newline).
pub fn render(report: &AuditReport, fail_on: Option<Severity>) -> String {
    let mut out = String::new();
    let compliant = report.vaults.iter().filter(|v| v.findings == 0).count();
    out.push_str(&format!(
        "Audited {}: {} compliant, {} ({} high, {} medium, {} low)\n",
        crate::ui::count::vaults(report.vaults.len()),
        compliant,
        crate::ui::count::count(report.findings.len(), "finding", "findings"),
        report.count(Severity::High),
        report.count(Severity::Medium),
        report.count(Severity::Low),
    ));
    // Compliant vaults are one line each, together; a vault with findings is a block of its own.
    let mut previous_compliant = false;
    for vault in &report.vaults {
        if !(vault.findings == 0 && previous_compliant) {
            out.push('\n');
        }
        previous_compliant = vault.findings == 0;
        if vault.findings == 0 {
            out.push_str(&format!("✓ {}\n", escape(&vault.id)));
            continue;
        }
        out.push_str(&format!("✗ {}\n", escape(&vault.id)));
        for f in report.findings.iter().filter(|f| f.vault_id == vault.id) {
            push_finding(&mut out, f, true);
        }
    }
    for id in &report.not_found {
        out.push_str(&format!("\n✗ {}\n", escape(id)));
        for f in report.findings.iter().filter(|f| &f.vault_id == id) {
            // A vault that is not there has nothing to compare with "compliant".
            push_finding(&mut out, f, false);
        }
    }
    if let Some(t) = fail_on {
        out.push_str(&format!(
            "\n{} at or above --fail-on {}\n",
            crate::ui::count::count(
                threshold::at_or_above(report, fail_on),
                "finding",
                "findings"
            ),
            t.as_str()
        ));
    }
    out
}

/// One finding's lines: severity, rule and what was found, then (`with_compliant`) what
/// compliant looks like, the fix and the rule's page.
fn push_finding(out: &mut String, f: &super::finding::Finding, with_compliant: bool) {
    out.push_str(&format!(
        "  {:<6}  {:<9}  {}\n",
        f.severity.as_str().to_ascii_uppercase(),
        f.rule,
        escape(&f.found)
    ));
    if with_compliant {
        out.push_str(&format!("          compliant: {}\n", escape(f.compliant)));
    }
    out.push_str(&format!("          fix:       {}\n", escape(f.fix)));
    out.push_str(&format!("          see:       {}\n", f.docs));
}
