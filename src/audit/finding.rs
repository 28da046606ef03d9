//! One finding: a rule a vault fails, with what was found, what compliant looks like and the
//! exact fix. Built from a rule result; must not evaluate rules itself.

use serde::Serialize;

use super::remedy;
use crate::rules::{Rule, Severity};

/// A failed rule on one vault.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable rule ID, e.g. `KV-RBAC`.
    pub rule: &'static str,
    /// The rule's title.
    pub title: &'static str,
    /// `low` | `medium` | `high`.
    pub severity: Severity,
    /// The vault's ARM resource ID.
    pub vault_id: String,
    /// What was found, in one sentence (the rule's detail).
    pub found: String,
    /// What compliant looks like.
    pub compliant: &'static str,
    /// The exact fix: the plan field to set or the `kvinit` command to run.
    pub fix: &'static str,
    /// The rule's reference page in the repository, e.g. `docs/rules/KV-RBAC.md`.
    pub docs: String,
}

impl Finding {
    /// The finding for `rule` failing on `vault_id` with `detail`.
    pub fn new(rule: &Rule, vault_id: &str, detail: String) -> Self {
        let r = remedy::for_rule(rule.id);
        Self {
            rule: rule.id,
            title: rule.title,
            severity: rule.severity,
            vault_id: vault_id.to_string(),
            found: detail,
            compliant: r.compliant,
            fix: r.fix,
            docs: super::docs::page_path(rule.id),
        }
    }
}
