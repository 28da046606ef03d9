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

/// The `"vaults"` elements as compact JSON text, one at a time (matrix order): the same values
/// as [`vaults`], written from each resource's stored body text without parsing it (the
/// streamed `-o json` path; a test keeps the two equal).
pub fn vaults_compact<'a>(
    state: &'a DesiredState,
    compliance: &'a Compliance,
) -> impl Iterator<Item = String> + 'a {
    state
        .vaults
        .iter()
        .enumerate()
        .map(|(i, v)| vault_compact(v, compliance.of(i)))
}

fn vault_compact(v: &DesiredVault, compliance: &[crate::rules::RuleResult]) -> String {
    let text = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut out = String::with_capacity(4096);
    out.push_str("{\"name\":");
    out.push_str(&text(&v.name));
    for (key, value) in [
        ("app", &v.app),
        ("environment", &v.environment),
        ("region", &v.region),
        ("location", &v.location),
        ("subscriptionId", &v.subscription_id),
        ("resourceGroup", &v.resource_group),
    ] {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":");
        out.push_str(&text(value));
    }
    out.push_str(",\"onSoftDeleted\":");
    out.push_str(&serde_json::to_string(&v.on_soft_deleted).expect("serialises"));
    out.push_str(",\"resources\":[");
    for (n, r) in v.resources.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let body = r.body.as_str();
        if !body.starts_with('{') || has_top_level_key(body, &["type", "id", "apiVersion"]) {
            // The tree's rules are the contract: take the tree path for such a body.
            out.push_str(&serde_json::to_string(&resource_json(r)).expect("serialises"));
            continue;
        }
        out.push_str("{\"type\":");
        out.push_str(&text(r.kind.arm_type()));
        out.push_str(",\"id\":");
        out.push_str(&text(&r.id));
        out.push_str(",\"apiVersion\":");
        out.push_str(&text(r.api_version));
        if body.len() > 2 {
            out.push(',');
            out.push_str(&body[1..body.len() - 1]);
        }
        out.push('}');
    }
    out.push_str("],\"compliance\":");
    out.push_str(&serde_json::to_string(compliance).expect("serialises"));
    out.push('}');
    out
}

/// Whether the compact JSON object `text` has one of `keys` at its top level.
fn has_top_level_key(text: &str, keys: &[&str]) -> bool {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = super::json_reindent::string_end(bytes, i);
                let is_key = depth == 1 && bytes.get(end + 1) == Some(&b':');
                if is_key && keys.iter().any(|k| k.as_bytes() == &bytes[i + 1..end]) {
                    return true;
                }
                i = end;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
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

/// One `"resources"` element: `type`, `id`, `apiVersion`, then the body's fields (a body field
/// of the same name replaces the one before it; a non-object body adds nothing).
fn resource_json(r: &crate::resources::DesiredResource) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("type".into(), json!(r.kind.arm_type()));
    obj.insert("id".into(), json!(r.id));
    obj.insert("apiVersion".into(), json!(r.api_version));
    if let Value::Object(body) = r.body.to_value() {
        obj.extend(body);
    }
    Value::Object(obj)
}

fn vault_json(v: &DesiredVault, compliance: &[crate::rules::RuleResult]) -> Value {
    let resources: Vec<Value> = v.resources.iter().map(resource_json).collect();
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

/// Plans of at most this many vaults show every resource and setting in the table without
/// `--detail`.
pub const DETAIL_AUTO_MAX_VAULTS: usize = 25;

/// Streams the offline plan's human table into `sink` in chunks (about one vault each): the
/// header, the matrix, one line per vault, then — with `detail`, or for a plan of at most
/// [`DETAIL_AUTO_MAX_VAULTS`] vaults — every resource with its ARM resource ID, api-version
/// and flattened body and each vault's rule results; else the compliance summary per rule and
/// a line saying how to see the details. Ends with the totals.
pub fn write_table(
    file: &str,
    state: &DesiredState,
    compliance: &Compliance,
    detail: bool,
    sink: &mut dyn FnMut(&str),
) {
    let mut out = String::new();
    let n = state.vaults.len();
    let detail = detail || n <= DETAIL_AUTO_MAX_VAULTS;
    let _ = writeln!(out, "kvinit plan: {file} ({})\n", super::count::vaults(n));
    if !detail {
        let _ = writeln!(out, "{}\n", matrix_line(state));
    }
    let mut rows = vec![vec![
        "NAME".to_string(),
        "SUBSCRIPTION".into(),
        "RESOURCE GROUP".into(),
        "LOCATION".into(),
    ]];
    if !detail {
        rows[0].push("RULES".into());
    }
    for (i, v) in state.vaults.iter().enumerate() {
        let mut row = vec![
            v.name.clone(),
            v.subscription_id.clone(),
            v.resource_group.clone(),
            v.location.clone(),
        ];
        if !detail {
            row.push(rules_cell(compliance.of(i)));
        }
        rows.push(row);
    }
    out.push_str(&table(&rows));
    drop(rows);
    sink(&out);
    if detail {
        for (i, v) in state.vaults.iter().enumerate() {
            sink(&vault_detail(v, compliance.of(i)));
        }
    } else {
        sink(&compliance_summary(compliance));
    }
    let mut out = String::new();
    let failed = failed_rule_checks(compliance);
    let resources = state.distinct_resources();
    let _ = writeln!(
        out,
        "\n{}, {resources} resources, {}.",
        super::count::vaults(n),
        super::count::count(failed, "failed rule check", "failed rule checks")
    );
    if !detail {
        out.push_str(
            "Resources and settings of each vault not shown: `kvinit plan --detail` prints them (or `-o json`).\n",
        );
    }
    out.push_str(
        "Live state was not read: this is the full desired state; nothing was sent to Azure.\n",
    );
    sink(&out);
}

/// `matrix: 3 apps × 2 environments × 3 regions = 18 vaults in 3 subscriptions` (or
/// `= 18 cells, 16 vaults after exclusions`).
fn matrix_line(state: &DesiredState) -> String {
    use std::collections::BTreeSet;
    let distinct = |f: &dyn Fn(&DesiredVault) -> &str| {
        state.vaults.iter().map(f).collect::<BTreeSet<_>>().len()
    };
    let (apps, envs, regions, subs) = (
        distinct(&|v| v.app.as_str()),
        distinct(&|v| v.environment.as_str()),
        distinct(&|v| v.region.as_str()),
        distinct(&|v| v.subscription_id.as_str()),
    );
    use super::count::count as plural;
    let cells = apps * envs * regions;
    let vaults = state.vaults.len();
    let count = if cells == vaults {
        super::count::vaults(vaults)
    } else {
        format!("{cells} cells, {vaults} vaults after exclusions")
    };
    format!(
        "matrix: {} × {} × {} = {count} in {}",
        plural(apps, "app", "apps"),
        plural(envs, "environment", "environments"),
        plural(regions, "region", "regions"),
        plural(subs, "subscription", "subscriptions"),
    )
}

/// `14 pass` or `12 pass, FAIL KV-PE KV-LOCK`.
fn rules_cell(results: &[crate::rules::RuleResult]) -> String {
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| r.rule.to_string())
        .collect();
    let passed = results.len() - failed.len();
    if failed.is_empty() {
        format!("{passed} pass")
    } else {
        format!("{passed} pass, FAIL {}", failed.join(" "))
    }
}

/// Per rule: how many vaults pass and fail it (rule order as first seen).
fn compliance_summary(compliance: &Compliance) -> String {
    let mut order: Vec<String> = Vec::new();
    let mut counts: std::collections::HashMap<String, (usize, usize)> = Default::default();
    for r in compliance.iter() {
        let key = r.rule.to_string();
        let entry = counts.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            (0, 0)
        });
        match r.status {
            Status::Pass => entry.0 += 1,
            Status::Fail => entry.1 += 1,
        }
    }
    let mut rows = vec![vec![
        "  RULE".to_string(),
        "VAULTS PASSING".into(),
        "FAILING".into(),
    ]];
    for rule in order {
        let (pass, fail) = counts[&rule];
        rows.push(vec![
            format!("  {rule}"),
            pass.to_string(),
            fail.to_string(),
        ]);
    }
    format!("\ncompliance:\n{}", table(&rows))
}

/// One vault's resources (type, name, api-version, ARM resource ID, flattened body) and rule
/// results.
fn vault_detail(v: &DesiredVault, results: &[crate::rules::RuleResult]) -> String {
    let mut out = String::new();
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
    let rows: Vec<Vec<String>> = results
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

#[cfg(test)]
mod tests {
    use super::has_top_level_key;

    #[test]
    fn only_top_level_keys_count() {
        let keys = &["type", "id", "apiVersion"];
        assert!(!has_top_level_key(
            r#"{"properties":{"rules":[{"id":"x"}]},"odata.type":"t","name":"id"}"#,
            keys
        ));
        assert!(has_top_level_key(r#"{"a":{"b":1},"id":"x"}"#, keys));
        assert!(has_top_level_key(r#"{"k\"":"v","type":1}"#, keys));
        assert!(!has_top_level_key(r#"{"s":"\"id\":"}"#, keys));
    }
}
