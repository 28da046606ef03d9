//! Renders the offline plan preview from a [`DesiredState`] and its [`Compliance`]: the `-o json` / `-o yaml` value
//! (the documented, stable contract) and the human table. Formatting only; must not compute
//! or change the plan.
//!
//! JSON contract (`kvinit plan -o json`):
//! ```text
//! { "liveState": "notRead",
//!   "summary": { "vaults": N, "resources": N (distinct), "rulesPassed": N, "rulesFailed": N },
//!   "vaults": [ { "name", "app", "environment", "region", "location", "subscriptionId",
//!                 "resourceGroup", "onSoftDeleted",
//!                 "resources": [ { "type", "id", "apiVersion", <body: "location", "tags",
//!                                  "properties", …> } ],
//!                 "compliance": [ { "rule", "status": "pass"|"fail", "detail" } ] } ] }
//! ```
//! Fields are only ever added, never renamed or removed.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::resources::{DesiredState, DesiredVault};
use crate::rules::{Compliance, Status};

/// The `-o json` value (also used for `-o yaml`) as one tree; the live plan's view extends it.
/// The offline plan streams the same document with [`head`] and [`vaults`] instead.
pub fn to_json(state: &DesiredState, compliance: &Compliance) -> Value {
    let mut doc = head(state, compliance);
    doc.insert(
        "vaults".into(),
        Value::Array(vaults(state, compliance).collect()),
    );
    Value::Object(doc)
}

/// The fields before `"vaults"`: `liveState` and `summary`.
pub fn head(state: &DesiredState, compliance: &Compliance) -> serde_json::Map<String, Value> {
    let resources = state.distinct_resources();
    let passed = compliance
        .iter()
        .filter(|r| r.status == Status::Pass)
        .count();
    let failed = failed_rule_checks(compliance);
    let mut doc = serde_json::Map::new();
    doc.insert("liveState".into(), json!("notRead"));
    doc.insert(
        "summary".into(),
        json!({
            "vaults": state.vaults.len(),
            "resources": resources,
            "rulesPassed": passed,
            "rulesFailed": failed,
        }),
    );
    doc
}

/// The `"vaults"` elements, one at a time (matrix order).
pub fn vaults<'a>(
    state: &'a DesiredState,
    compliance: &'a Compliance,
) -> impl Iterator<Item = Value> + 'a {
    state
        .vaults
        .iter()
        .enumerate()
        .map(|(i, v)| vault_json(v, compliance.of(i)))
}

fn vault_json(v: &DesiredVault, compliance: &[crate::rules::RuleResult]) -> Value {
    let resources: Vec<Value> = v
        .resources
        .iter()
        .map(|r| {
            let mut obj = serde_json::Map::new();
            obj.insert("type".into(), json!(r.kind.arm_type()));
            obj.insert("id".into(), json!(r.id));
            obj.insert("apiVersion".into(), json!(r.api_version));
            if let Value::Object(body) = r.body.to_value() {
                obj.extend(body);
            }
            Value::Object(obj)
        })
        .collect();
    json!({
        "name": v.name,
        "app": v.app,
        "environment": v.environment,
        "region": v.region,
        "location": v.location,
        "subscriptionId": v.subscription_id,
        "resourceGroup": v.resource_group,
        "onSoftDeleted": v.on_soft_deleted,
        "resources": resources,
        "compliance": compliance,
    })
}

/// Left-aligned columns separated by two spaces; every cell passes through
/// [`crate::ui::escape`] (a value with `\n` stays on its row).
fn table(rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| crate::ui::escape(c).into_owned())
                .collect()
        })
        .collect();
    let rows = &rows[..];
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ", w = widths[c]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Flattens a JSON body into `path value` pairs (`properties.sku.name standard`); empty
/// arrays and objects show as `[]` / `{}`.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), x, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The human preview: the matrix, then per vault every resource with every setting, then the
/// compliance results, and a closing line saying live state was not read.
pub fn render_table(file: &str, state: &DesiredState, compliance: &Compliance) -> String {
    let mut out = String::new();
    let n = state.vaults.len();
    let _ = writeln!(
        out,
        "kvinit plan: {file} ({n} vault{})\n",
        if n == 1 { "" } else { "s" }
    );
    let mut rows = vec![vec![
        "NAME".to_string(),
        "SUBSCRIPTION".into(),
        "RESOURCE GROUP".into(),
        "LOCATION".into(),
    ]];
    for v in &state.vaults {
        rows.push(vec![
            v.name.clone(),
            v.subscription_id.clone(),
            v.resource_group.clone(),
            v.location.clone(),
        ]);
    }
    out.push_str(&table(&rows));
    for (i, v) in state.vaults.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n== vault {} (app {}, environment {}, region {} / {})",
            v.name, v.app, v.environment, v.location, v.region
        );
        for r in &v.resources {
            let name = r.id.rsplit('/').next().unwrap_or(&r.id);
            let _ = writeln!(
                out,
                "  {} {} (api-version {})",
                r.kind.arm_type(),
                name,
                r.api_version
            );
            let _ = writeln!(out, "      id  {}", r.id);
            let mut pairs = Vec::new();
            flatten("", &r.body.to_value(), &mut pairs);
            let rows: Vec<Vec<String>> = pairs
                .into_iter()
                .map(|(k, v)| vec![format!("      {k}"), v])
                .collect();
            out.push_str(&table(&rows));
        }
        out.push_str("  compliance:\n");
        let rows: Vec<Vec<String>> = compliance
            .of(i)
            .iter()
            .map(|c| {
                let s = match c.status {
                    Status::Pass => "pass",
                    Status::Fail => "FAIL",
                };
                vec![format!("    {s}"), c.rule.to_string(), c.detail.to_string()]
            })
            .collect();
        out.push_str(&table(&rows));
    }
    let failed = failed_rule_checks(compliance);
    let resources = state.distinct_resources();
    let _ = writeln!(
        out,
        "\n{n} vault{}, {resources} resources, {failed} failed rule check{}.",
        if n == 1 { "" } else { "s" },
        if failed == 1 { "" } else { "s" }
    );
    out.push_str(
        "Live state was not read: this is the full desired state; nothing was sent to Azure.\n",
    );
    out
}

/// How many compliance rule checks fail across every vault (each vault × rule that has
/// [`Status::Fail`] counts once); the `failed` figure of the plan views' summaries.
pub(crate) fn failed_rule_checks(compliance: &Compliance) -> usize {
    compliance
        .iter()
        .filter(|r| r.status == Status::Fail)
        .count()
}
