//! The rules reference (`docs/rules/<ID>.md`, one page per rule, and `docs/rules/README.md`),
//! rendered from the rule catalog and [`super::remedy`] so the pages cannot drift from the code:
//! `tests/audit_docs.rs` compares the files with this rendering. Pure; must not write files.

use super::remedy;
use crate::rules::{Rule, audit_catalog, catalog};

/// The folder of the rules reference, relative to the repository root.
pub const DOCS_DIR: &str = "docs/rules";

const GENERATED: &str = "<!-- Generated from src/rules and src/audit/remedy.rs; regenerate with \
`KVINIT_BLESS_DOCS=1 cargo test --test audit_docs`. Do not edit by hand. -->";

/// `docs/rules/<ID>.md`.
pub fn page_path(rule_id: &str) -> String {
    format!("{DOCS_DIR}/{rule_id}.md")
}

fn plan_rule(rule: &Rule) -> bool {
    catalog().iter().any(|r| r.id == rule.id)
}

/// The page of one rule: what it checks, why (the best practice and its source), what
/// compliant looks like, how to fix.
pub fn page(rule: &Rule) -> String {
    let r = remedy::for_rule(rule.id);
    let checked_by = if plan_rule(rule) {
        "`kvinit plan`, `kvinit apply` (on the desired state) and `kvinit audit` (on existing vaults)"
    } else {
        "`kvinit audit` (on existing vaults)"
    };
    format!(
        "{GENERATED}\n\n# {id} — {title}\n\n- Severity: **{sev}**\n- Checked by: {checked_by}\n\n\
         ## What it checks\n\n{checks}\n\n## Why\n\n{why}\n\nSource: <{source}>\n\n\
         ## Compliant\n\n{compliant}\n\n## How to fix\n\n{fix}\n",
        id = rule.id,
        title = rule.title,
        sev = rule.severity.as_str(),
        checks = r.checks,
        why = rule.best_practice,
        source = rule.source,
        compliant = r.compliant,
        fix = r.fix,
    )
}

/// `docs/rules/README.md`: every rule with its severity and where it is checked.
pub fn index() -> String {
    let mut out = format!(
        "{GENERATED}\n\n# kvinit rules reference\n\nEvery compliance rule kvinit checks, by \
         stable ID. `kvinit plan` evaluates the plan's rules on the desired state; `kvinit audit` \
         evaluates all of them on existing vaults and exits 4 when a finding is at or above \
         `--fail-on`.\n\n| ID | Rule | Severity | Checked by |\n|---|---|---|---|\n"
    );
    for rule in audit_catalog() {
        let by = if plan_rule(rule) {
            "plan, audit"
        } else {
            "audit"
        };
        out.push_str(&format!(
            "| [{id}]({id}.md) | {title} | {sev} | {by} |\n",
            id = rule.id,
            title = rule.title,
            sev = rule.severity.as_str()
        ));
    }
    out
}
