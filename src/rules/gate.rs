//! The compliance gate of `kvinit plan --fail-on` and `kvinit apply --fail-on`: which planned
//! vaults fail a rule at or above a severity. Pure; evaluated on the desired state, so `apply`
//! refuses before any ARM call.

use super::Compliance;
use super::{Severity, Status};
use crate::resources::DesiredState;

/// One failing rule of one planned vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation<'a> {
    /// Vault name.
    pub vault: &'a str,
    /// Rule ID, e.g. `KV-FW`.
    pub rule: &'static str,
    /// The rule's severity.
    pub severity: Severity,
    /// What the rule found.
    pub detail: &'a str,
}

/// Every failing rule at or above `threshold`, in matrix order and rule order. Rules are looked
/// up in [`super::audit_catalog`]; a result whose rule is unknown (cannot happen for a desired
/// state computed by this build) counts as [`Severity::High`].
pub fn violations<'a>(
    state: &'a DesiredState,
    compliance: &'a Compliance,
    threshold: Severity,
) -> Vec<Violation<'a>> {
    let severity_of = |id: &str| {
        super::audit_catalog()
            .iter()
            .find(|r| r.id == id)
            .map_or(Severity::High, |r| r.severity)
    };
    state
        .vaults
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            compliance
                .of(i)
                .iter()
                .filter(|c| c.status == Status::Fail)
                .map(move |c| Violation {
                    vault: &v.name,
                    rule: c.rule,
                    severity: severity_of(c.rule),
                    detail: &c.detail,
                })
        })
        .filter(|v| v.severity >= threshold)
        .collect()
}
