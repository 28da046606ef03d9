//! Rendering of `apply`'s values: the change-set summary shown before confirmation, and the
//! apply report as a table or JSON (one value, two renderers, so they never disagree). It must
//! not compute anything the report does not hold.

use std::fmt::Write as _;

use crate::apply::{ApplyReport, ResourceStatus, VaultStatus};
use crate::change::{Action, ChangeSet};

/// The summary printed before asking for confirmation.
pub fn render_summary(changes: &ChangeSet) -> String {
    use crate::ui::escape as e;
    let (create, update, unchanged) = changes.summary();
    let refused_names: Vec<(&str, String)> = changes
        .vaults
        .iter()
        .filter_map(|v| {
            let check = v.name_check.as_ref()?;
            check
                .refusal(&v.name, &v.subscription_id)
                .map(|(code, m)| (v.name.as_str(), format!("{code}: {m}")))
        })
        .collect();
    let mut out = String::new();
    let writes: usize = changes
        .vaults
        .iter()
        .flat_map(|v| &v.resources)
        .filter(|r| matches!(r.action, Action::Create | Action::Update | Action::Revoke))
        .map(|r| r.id.to_ascii_lowercase())
        .collect::<std::collections::HashSet<_>>()
        .len();
    let _ = writeln!(
        out,
        "Plan: {} — {create} to create, {} to update, {unchanged} unchanged{} ({writes} resources to write).",
        super::count::vaults(changes.vaults.len()),
        update - refused_names.len(),
        match refused_names.len() {
            0 => String::new(),
            n => format!(", {n} not created (name taken or held)"),
        }
    );
    for v in &changes.vaults {
        if let Some(check) = &v.name_check {
            let _ = writeln!(out, "  {}: {}", v.name, check.describe());
        }
    }
    for (name, why) in &refused_names {
        let _ = writeln!(out, "  ! {name}: not created: {why}");
    }
    for v in &changes.vaults {
        if v.is_pending() {
            let _ = writeln!(out, "  {}: {}", v.name, v.outcome().headline());
        }
        for r in &v.resources {
            if r.action == Action::Update {
                for c in &r.changes {
                    let before = c
                        .before
                        .as_ref()
                        .map(|b| b.to_string())
                        .unwrap_or_else(|| "(absent)".into());
                    let _ = writeln!(
                        out,
                        "  ~ {} {}: {} → {}",
                        e(&v.name),
                        e(&c.path),
                        e(&before),
                        e(&c.after.to_string())
                    );
                }
            }
            if r.action == Action::Revoke {
                let note = r.not_reconcilable.join("; ");
                let _ = writeln!(out, "  - {} {}: {}", e(&v.name), e(&r.id), e(&note));
            }
            // What needs a vault whose name is refused is named once, with the vault.
            for b in r
                .blocked
                .iter()
                .filter(|b| !b.starts_with("not created: it needs the vault"))
            {
                let _ = writeln!(out, "  ! {}: refused: {}", e(&v.name), e(b));
            }
            if let Some(err) = &r.read_error {
                let _ = writeln!(
                    out,
                    "  ! {}: could not read {} ({}: {}); nothing is written for this vault's \
                     dependent resources",
                    e(&v.name),
                    e(&r.id),
                    e(&err.code),
                    e(&err.message)
                );
            }
        }
    }
    out
}

/// The report as the documented JSON contract (`vaults`, `totals`, `requests`, …).
pub fn render_json(report: &ApplyReport) -> String {
    serde_json::to_string_pretty(report).expect("the report serialises")
}

/// The report as a human table.
pub fn render_table(report: &ApplyReport) -> String {
    let width = report
        .vaults
        .iter()
        .map(|v| crate::ui::escape(&v.name).chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:<11}  DETAIL", "VAULT", "STATUS");
    for v in &report.vaults {
        let detail = match (&v.error, v.status) {
            // The status column already says "interrupted".
            (Some(e), VaultStatus::Interrupted) => crate::ui::escape(&e.message).into_owned(),
            (Some(e), _) => format!(
                "{}: {}",
                crate::ui::escape(&e.code),
                crate::ui::escape(&e.message)
            ),
            (None, VaultStatus::Unchanged) => "matches the plan".to_string(),
            (None, _) => {
                let count = |s: ResourceStatus| v.changes.iter().filter(|c| c.status == s).count();
                let mut parts = Vec::new();
                for (s, word) in [
                    (ResourceStatus::Created, "created"),
                    (ResourceStatus::Recovered, "recovered"),
                    (ResourceStatus::Updated, "updated"),
                ] {
                    let n = count(s);
                    if n > 0 {
                        parts.push(format!("{n} {word}"));
                    }
                }
                let mut detail = format!("resources: {}", parts.join(", "));
                if !v.kept.is_empty() || !v.blocked.is_empty() {
                    detail.push_str(&format!(
                        "; {} kept/blocked: {}",
                        v.kept.len() + v.blocked.len(),
                        v.kept
                            .iter()
                            .chain(&v.blocked)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
                detail
            }
        };
        let status = serde_json::to_value(v.status)
            .ok()
            .and_then(|s| s.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<width$}  {:<11}  {detail}",
            crate::ui::escape(&v.name),
            status
        );
    }
    let t = &report.totals;
    let r = &report.requests;
    let _ = writeln!(
        out,
        "\n{}: {} created, {} updated, {} unchanged, {} failed{}. Requests: {} reads, {} writes ({} retries, {} throttled). {:.1} s.",
        super::count::vaults(t.vaults),
        t.created,
        t.updated,
        t.unchanged,
        t.failed,
        match (t.interrupted, t.refused) {
            (0, 0) => String::new(),
            (0, r) => format!(", {r} with a refused change"),
            (i, 0) => format!(", {i} interrupted"),
            (i, r) => format!(", {i} interrupted, {r} with a refused change"),
        },
        r.reads,
        r.writes,
        r.retries,
        r.throttled,
        report.elapsed_ms as f64 / 1000.0
    );
    if t.failed > 0 {
        let _ = writeln!(
            out,
            "Some vaults did not converge. Fix the cause above and run `kvinit apply` again: it \
             converges what is left and never duplicates anything."
        );
    }
    out
}
