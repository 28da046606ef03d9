//! `--fail-on SEVERITY` of `kvinit plan` and `kvinit apply`: the planned vaults' failing rules at
//! or above the threshold, as the message both commands print. Glue only: the rules decide
//! (`rules::gate`).

use crate::cli::SeverityArg;
use crate::resources::DesiredState;
use crate::rules::Compliance;
use crate::rules::gate::violations;

/// `None` when `fail_on` is unset or no planned vault fails a rule at or above it; otherwise
/// the error and hint lines to print (to stderr) before exiting 4.
pub fn check(
    state: &DesiredState,
    compliance: &Compliance,
    fail_on: Option<SeverityArg>,
    file: &str,
) -> Option<String> {
    let threshold = crate::audit::threshold::severity(fail_on?);
    let found = violations(state, compliance, threshold);
    if found.is_empty() {
        return None;
    }
    let width = found.iter().map(|v| v.vault.len()).max().unwrap_or(0);
    let mut out = format!(
        "error: {} at or above --fail-on {} in {}:\n",
        crate::ui::count::count(found.len(), "compliance finding", "compliance findings"),
        threshold.as_str(),
        vaults_in(&found)
    );
    for v in &found {
        out.push_str(&format!(
            "  {:<width$}  {} ({})  {}\n",
            v.vault,
            v.rule,
            v.severity.as_str(),
            v.detail
        ));
    }
    out.push_str(&format!(
        "hint: change the plan so these rules pass (`kvinit plan -f {file}` shows every result; \
         `kvinit rules ID` explains each rule), or raise --fail-on"
    ));
    Some(out)
}

/// Without `--fail-on`, `apply` still says when the plan it is about to apply fails rules: one
/// warning line (stderr) with the count per severity, or `None` when every rule passes.
pub fn warning(state: &DesiredState, compliance: &Compliance, file: &str) -> Option<String> {
    let found = violations(state, compliance, crate::rules::Severity::Low);
    if found.is_empty() {
        return None;
    }
    let rules: std::collections::BTreeSet<&str> = found.iter().map(|v| v.rule).collect();
    Some(format!(
        "warning: the plan fails compliance rules ({}) in {}; `kvinit plan -f {file}` shows \
         them, and --fail-on SEVERITY refuses such a plan",
        rules.into_iter().collect::<Vec<_>>().join(", "),
        vaults_in(&found)
    ))
}

/// "N vault(s)" with violations (they come in matrix order, so one vault's are adjacent).
fn vaults_in(found: &[crate::rules::gate::Violation<'_>]) -> String {
    let mut vaults: Vec<&str> = found.iter().map(|v| v.vault).collect();
    vaults.dedup();
    crate::ui::count::vaults(vaults.len())
}
