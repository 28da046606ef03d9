//! `kvinit rules`: the rule list as a table and the rules as a JSON value (one object per rule).
//! Rendering only: the rules come from [`crate::rules::audit_catalog`], their guidance and pages
//! from [`crate::audit::remedy`] and [`crate::audit::docs`].

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::audit::{docs, remedy};
use crate::rules::Rule;

/// One line per rule: ID, severity, where it is checked, title and best-practice source (a URL),
/// columns padded to the widest entry; then how to read a rule's page.
pub fn render_table(rules: &[Rule]) -> String {
    let id_w = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let title_w = rules
        .iter()
        .map(|r| r.title.chars().count())
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<id_w$}  {:<8}  {:<11}  {:<title_w$}  SOURCE",
        "ID", "SEVERITY", "CHECKED BY", "RULE"
    );
    for rule in rules {
        let _ = writeln!(
            out,
            "{:<id_w$}  {:<8}  {:<11}  {:<title_w$}  {}",
            rule.id,
            rule.severity.as_str(),
            docs::checked_by(rule).join(", "),
            rule.title,
            rule.source
        );
    }
    let _ = writeln!(
        out,
        "\n{} rules. `kvinit rules ID` prints a rule's page: what it checks, why, what compliant \
         looks like and how to fix it.",
        rules.len()
    );
    out
}

/// One rule as JSON: `id`, `severity` (`low` | `medium` | `high`), `title`, `checkedBy`
/// (`plan`, `audit`), `bestPractice`, `source` (URL), `checks`, `compliant`, `fix`, and `page`
/// (its page in the repository, `docs/rules/<ID>.md`).
pub fn to_json(rule: &Rule) -> Value {
    let r = remedy::for_rule(rule.id);
    json!({
        "id": rule.id,
        "severity": rule.severity.as_str(),
        "title": rule.title,
        "checkedBy": docs::checked_by(rule),
        "bestPractice": rule.best_practice,
        "source": rule.source,
        "checks": r.checks,
        "compliant": r.compliant,
        "fix": r.fix,
        "page": docs::page_path(rule.id),
    })
}
