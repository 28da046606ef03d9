//! Renders a live `kvinit plan` — the change set computed from the plan and live state — as
//! the `-o json` / `-o yaml` value and as the human table. The JSON is the offline contract
//! (`plan_view::to_json`) with fields added, never renamed or removed:
//!
//! ```text
//! { "liveState": "read",
//!   "summary": { …offline fields…, "create", "update", "noChange", "blocked", "unreadable", "revoke",
//!                "refused" (resources with a refused change, updates included), "pending" },
//!   "requests": { "reads", "writes", "retries", "throttled" },
//!   "vaults": [ { …offline fields…, "nameCheck"?: { "status": "free"|"softDeleted"|
//!                   "existsHere"|"taken", … }, "outcome": { "headline", "written", "kept",
//!                 "blocked" }, "unmanaged"?: [ { "type", "id", "detail" } ],
//!                 "resources": [ { …offline fields…, "action": "create"|"update"|"noChange"|
//!                   "blocked"|"unreadable"|"revoke", "changes"?: [ { "path", "before"?, "after" } ],
//!                   "blocked"?: [..], "notReconcilable"?: [..],
//!                   "accessPoliciesStopApplying"?: [..], "readError"? } ] } ] }
//! ```
//! Formatting only; it must not compute or change the change set.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::azure::RequestCounts;
use crate::change::{Action, ChangeSet, ResourceChange};
use crate::resources::DesiredState;
use crate::rules::Compliance;

/// The `-o json` value of a live plan (also used for `-o yaml`).
pub fn to_json(
    state: &DesiredState,
    compliance: &Compliance,
    changes: &ChangeSet,
    requests: RequestCounts,
) -> Value {
    let mut out = super::plan_view::to_json(state, compliance);
    out["liveState"] = json!("read");
    let count = |a: Action| distinct_resources(changes, a);
    if let Some(summary) = out["summary"].as_object_mut() {
        summary.insert("create".into(), json!(count(Action::Create)));
        summary.insert("update".into(), json!(count(Action::Update)));
        summary.insert("noChange".into(), json!(count(Action::NoChange)));
        summary.insert("blocked".into(), json!(count(Action::Blocked)));
        summary.insert("unreadable".into(), json!(count(Action::Unreadable)));
        summary.insert("revoke".into(), json!(count(Action::Revoke)));
        summary.insert("refused".into(), json!(refused_resources(changes)));
        summary.insert("pending".into(), json!(changes.pending_resources()));
    }
    out["requests"] = json!(requests);
    if let Some(vaults) = out["vaults"].as_array_mut() {
        for (v, c) in vaults.iter_mut().zip(&changes.vaults) {
            if let Some(check) = &c.name_check {
                v["nameCheck"] = json!(check);
            }
            let outcome = c.outcome();
            v["outcome"] = json!({ "headline": outcome.headline(), "written": outcome.written,
                "kept": outcome.kept, "blocked": outcome.blocked });
            if !c.unmanaged.is_empty() {
                v["unmanaged"] = json!(c.unmanaged);
            }
            if let Some(resources) = v["resources"].as_array_mut() {
                let planned = resources.len();
                for (r, rc) in resources.iter_mut().zip(&c.resources) {
                    add_change(r, rc);
                }
                // Role assignments to revoke are not in the plan: listed after its resources.
                for rc in c.resources.iter().skip(planned) {
                    let mut r = json!({ "type": rc.kind.arm_type(), "id": rc.id });
                    add_change(&mut r, rc);
                    resources.push(r);
                }
            }
        }
    }
    out
}

fn add_change(r: &mut Value, rc: &ResourceChange) {
    let Ok(Value::Object(change)) = serde_json::to_value(rc) else {
        return;
    };
    for key in [
        "action",
        "changes",
        "blocked",
        "notReconcilable",
        "accessPoliciesStopApplying",
        "readError",
    ] {
        if let Some(v) = change.get(key) {
            r[key] = v.clone();
        }
    }
    if r.get("changes").is_none() {
        r["changes"] = json!([]);
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(other) => other.to_string(),
    }
}

/// The human view of a live plan: per vault, per resource its action and each changed field
/// as before → after, refusals, notes and unmanaged findings; then the totals. `source` says
/// where live state was read (e.g. `the emulator (.kvinit/emulator.json)`).
pub fn render_table(
    file: &str,
    source: &str,
    state: &DesiredState,
    compliance: &Compliance,
    changes: &ChangeSet,
    requests: RequestCounts,
) -> String {
    use crate::ui::escape as e;
    let mut out = String::new();
    let n = changes.vaults.len();
    let _ = writeln!(
        out,
        "kvinit plan: {} ({n} vault{}), live state read from {}",
        e(file),
        if n == 1 { "" } else { "s" },
        e(source)
    );
    for (d, v) in state.vaults.iter().zip(&changes.vaults) {
        let _ = writeln!(
            out,
            "\n== vault {} (app {}, environment {}, region {} / {})",
            e(&v.name),
            e(&d.app),
            e(&d.environment),
            e(&v.location),
            e(&d.region)
        );
        if let Some(check) = &v.name_check {
            let _ = writeln!(out, "  name: {}", e(&check.describe()));
        }
        let _ = writeln!(out, "  outcome: {}", v.outcome().headline());
        for r in &v.resources {
            let name = r.id.rsplit('/').next().unwrap_or(&r.id);
            let (mark, word) = match r.action {
                Action::Create => ("+", "create"),
                Action::Update => ("~", "update"),
                Action::NoChange => ("=", "no change"),
                Action::Blocked => ("!", "blocked"),
                Action::Unreadable => ("?", "unreadable"),
                Action::Revoke => ("-", "revoke"),
            };
            let _ = writeln!(out, "  {mark} {} {}: {word}", r.kind.arm_type(), e(name));
            for c in &r.changes {
                let _ = writeln!(
                    out,
                    "      {}: {} → {}",
                    e(&c.path),
                    e(&show(c.before.as_ref())),
                    e(&show(Some(&c.after)))
                );
            }
            for b in &r.blocked {
                let _ = writeln!(out, "      blocked, not sent: {}", e(b));
            }
            for note in &r.not_reconcilable {
                let _ = writeln!(out, "      note: {}", e(note));
            }
            if !r.access_policies_stop_applying.is_empty() {
                let _ = writeln!(
                    out,
                    "      access policies that stop applying when it switches to RBAC:"
                );
                for p in &r.access_policies_stop_applying {
                    let _ = writeln!(out, "        {}", e(&access_policy(p)));
                }
            }
            if let Some(err) = &r.read_error {
                let _ = writeln!(
                    out,
                    "      could not read it ({}): {}",
                    e(&err.code),
                    e(&err.message)
                );
            }
        }
        for u in &v.unmanaged {
            let _ = writeln!(
                out,
                "  not managed by kvinit (left alone): {}",
                e(&u.detail)
            );
        }
    }
    let count = |a: Action| distinct_resources(changes, a);
    let failed = super::plan_view::failed_rule_checks(compliance);
    let _ = writeln!(
        out,
        "\nPlan: {} to create, {} to update{}, {}{} unchanged, {} blocked{}; {failed} failed rule \
         check{}. Requests: {} reads, {} writes.",
        count(Action::Create),
        count(Action::Update),
        match refused_resources(changes) - count(Action::Blocked) {
            0 => String::new(),
            r => format!(" ({r} of them with a refused field, not sent)"),
        },
        match count(Action::Revoke) {
            0 => String::new(),
            r => format!("{r} to revoke, "),
        },
        count(Action::NoChange),
        count(Action::Blocked),
        match count(Action::Unreadable) {
            0 => String::new(),
            u => format!(", {u} unreadable"),
        },
        if failed == 1 { "" } else { "s" },
        requests.reads,
        requests.writes,
    );
    if changes.pending_resources() == 0 && !changes.any_unreadable() {
        out.push_str("No changes: live state matches the plan.\n");
    }
    out
}

/// Distinct resources with a refused change (`blocked`, or an update some of whose fields are
/// refused).
fn refused_resources(changes: &ChangeSet) -> usize {
    changes
        .vaults
        .iter()
        .flat_map(|v| &v.resources)
        .filter(|r| !r.blocked.is_empty() || r.action == Action::Blocked)
        .map(|r| r.id.to_ascii_lowercase())
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// How many distinct resources (ARM resource IDs compared case-insensitively, as ARM does) have
/// `action` across every vault of `changes`: a shared resource (an action group several vaults
/// use) counts once.
fn distinct_resources(changes: &ChangeSet, action: Action) -> usize {
    changes
        .vaults
        .iter()
        .flat_map(|v| &v.resources)
        .filter(|r| r.action == action)
        .map(|r| r.id.to_ascii_lowercase())
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// `objectId O (keys: get; secrets: get, list)`.
fn access_policy(p: &Value) -> String {
    let object = p.get("objectId").and_then(Value::as_str).unwrap_or("?");
    let mut parts = Vec::new();
    if let Some(perms) = p.get("permissions").and_then(Value::as_object) {
        for (k, v) in perms {
            let list: Vec<&str> = v
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if !list.is_empty() {
                parts.push(format!("{k}: {}", list.join(", ")));
            }
        }
    }
    format!("objectId {object} ({})", parts.join("; "))
}
