//! KV-SEP: one vault per application, environment and region. Check only; no I/O.

use super::{BEST_PRACTICES, Rule, Severity, Status, VaultEvidence};
use crate::model::tags::{TAG_APP, TAG_ENV, TAG_REGION};

/// KV-SEP.
pub const KV_SEP: Rule = Rule {
    id: "KV-SEP",
    title: "One vault per application, environment and region",
    severity: Severity::Medium,
    best_practice: "Use separate key vaults: use a vault per application per environment \
                    (development, pre-production, and production), per region.",
    source: BEST_PRACTICES,
    check,
};

/// Passes when the vault's tags name exactly one app, environment and region and the region
/// tag is the vault's location (kvinit tags every vault it creates; the plan guarantees one
/// vault per cell).
fn check(e: &VaultEvidence<'_>) -> (Status, String) {
    let Some(v) = e.vault else {
        return (Status::Fail, "the vault does not exist".into());
    };
    let tag = |k: &str| {
        v.get("tags")
            .and_then(|t| t.get(k))
            .and_then(|x| x.as_str())
    };
    let location = v
        .get("location")
        .and_then(|l| l.as_str())
        .unwrap_or_default();
    match (tag(TAG_APP), tag(TAG_ENV), tag(TAG_REGION)) {
        (Some(a), Some(env), Some(r)) if r.eq_ignore_ascii_case(location) => (
            Status::Pass,
            format!("dedicated to app `{a}`, environment `{env}`, region `{r}`"),
        ),
        (Some(_), Some(_), Some(r)) => (
            Status::Fail,
            format!("tagged for region `{r}` but located in `{location}`"),
        ),
        _ => (
            Status::Fail,
            format!(
                "not tagged with {TAG_APP}, {TAG_ENV} and {TAG_REGION}; cannot show it serves one cell"
            ),
        ),
    }
}
