//! The rules reference (`docs/rules/<ID>.md`, one page per rule, and `docs/rules/README.md`),
//! rendered from the rule catalog and [`super::remedy`] so the pages cannot drift from the code:
//! `tests/it/audit_docs.rs` compares the files with this rendering. `kvinit rules ID` prints the same
//! page from the binary ([`page_body`]), so a rule link works where only the binary is installed.
//! Pure; must not write files.

use super::remedy;
use crate::rules::{Rule, audit_catalog};

/// The folder of the rules reference, relative to the repository root.
pub const DOCS_DIR: &str = "docs/rules";

const GENERATED: &str = "<!-- Generated from src/rules and src/audit/remedy.rs; regenerate with \
`KVINIT_BLESS_DOCS=1 cargo test --test audit_docs`. Do not edit by hand. -->";

/// `docs/rules/<ID>.md`.
pub fn page_path(rule_id: &str) -> String {
    format!("{DOCS_DIR}/{rule_id}.md")
}

/// The commands that evaluate `rule`: every rule of the audit catalog is evaluated by `plan` on
/// the desired state (and gated by `apply --fail-on`) and by `audit` on existing vaults
/// (`rules::compliance` evaluates the whole audit catalog on a plan).
pub fn checked_by(_rule: &Rule) -> &'static [&'static str] {
    &["plan", "apply", "audit"]
}

/// The rule whose ID is `id`, read leniently: any case, `KV-` optional (`kv-fw`, `fw` →
/// `KV-FW`). `Err` holds the closest IDs of the audit catalog, for a "did you mean" hint: up to 3,
/// nearest first: IDs that start with what was typed, or within one typo per three characters of it
/// (a transposition is one typo); empty when none is that close.
pub fn find_rule(id: &str) -> Result<&'static Rule, Vec<&'static str>> {
    let wanted = id.trim().to_ascii_uppercase();
    let wanted = if wanted.starts_with("KV-") {
        wanted
    } else {
        format!("KV-{wanted}")
    };
    let rules = audit_catalog();
    if let Some(rule) = rules.iter().find(|r| r.id == wanted) {
        return Ok(rule);
    }
    // Compare what follows `KV-`: one typo per three characters (at least one) is "close", and so
    // is the start of an ID (`ip` → `KV-IPWIDE`).
    let suffix = &wanted[3..];
    let limit = (suffix.chars().count() / 3).max(1);
    let mut close: Vec<(usize, &'static str)> = rules
        .iter()
        .map(|r| {
            let theirs = &r.id[3..];
            let distance = if !suffix.is_empty() && theirs.starts_with(suffix) {
                0
            } else {
                strsim::osa_distance(suffix, theirs)
            };
            (distance, r.id)
        })
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    Err(close.into_iter().take(3).map(|(_, id)| id).collect())
}

/// The page of one rule as published in `docs/rules/<ID>.md`: a "generated" notice, then
/// [`page_body`].
pub fn page(rule: &Rule) -> String {
    format!("{GENERATED}\n\n{}", page_body(rule))
}

/// The page of one rule without the "generated" notice (what `kvinit rules ID` prints): what it
/// checks, why (the best practice and its source), what compliant looks like, how to fix.
pub fn page_body(rule: &Rule) -> String {
    let r = remedy::for_rule(rule.id);
    let checked_by = "`kvinit plan`, `kvinit apply` (on the desired state) and `kvinit audit` (on existing vaults)";
    format!(
        "# {id} — {title}\n\n- Severity: **{sev}**\n- Checked by: {checked_by}\n\n\
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
         `--fail-on`. From an installed binary, `kvinit rules` lists them and `kvinit rules ID` \
         prints a rule's page.\n\n| ID | Rule | Severity | Checked by |\n|---|---|---|---|\n"
    );
    for rule in audit_catalog() {
        let by = checked_by(rule).join(", ");
        out.push_str(&format!(
            "| [{id}]({id}.md) | {title} | {sev} | {by} |\n",
            id = rule.id,
            title = rule.title,
            sev = rule.severity.as_str()
        ));
    }
    out
}
