//! Writes a [`PlanFile`] as YAML a person can read: a header comment and a short comment above
//! each section and each default control. Pure (returns text; the caller writes the file) and
//! it must not validate: `plan_file::parse` checks what this produces.

use serde_yaml::{Mapping, Value};

use super::schema::PlanFile;

/// The header written at the top of every generated plan file.
const HEADER: &str = "\
# kvinit plan file (apiVersion kvinit/v1), written by `kvinit init`.
# One Azure Key Vault per app x environment x region, each with the controls under `defaults`.
# Preview (sends nothing):  kvinit plan -f <this file>
# Create or converge:       kvinit apply -f <this file>
# Reference: README.md \"Plan reference\". Layering: defaults < environment < app < override.
";

/// The comment above each top-level section.
fn section_comment(key: &str) -> Option<&'static str> {
    Some(match key {
        "apiVersion" => "Plan format version.",
        "tenantId" => "Microsoft Entra tenant (GUID) that every vault trusts for RBAC.",
        "naming" => {
            "Name patterns. Tokens: {app} {env} {region} (short code, e.g. weu) {location}; {env:N} truncates.\n\
             Vault names: 3-24 characters, letters/digits/hyphens, globally unique."
        }
        "regions" => "Azure locations; every app gets a vault in each.",
        "environments" => "Environments, each bound to the subscription its vaults live in.",
        "apps" => "Applications; one vault per app, environment and region (KV-SEP).",
        "exclude" => "Cells left out of the matrix.",
        "overrides" => "Settings for the cells a selector matches (deepest layer wins).",
        "defaults" => "Controls for every vault; environments, apps and overrides may refine them.",
        _ => return None,
    })
}

/// The comment above each control under `defaults`.
fn control_comment(key: &str) -> Option<&'static str> {
    Some(match key {
        "sku" => "standard | premium (premium adds HSM-protected keys).",
        "softDeleteRetentionDays" => {
            "Days a deleted vault stays recoverable, 7-90 (KV-SD). Fixed at creation."
        }
        "purgeProtection" => {
            "No purge before retention ends (KV-PP). Cannot be turned off; a deleted vault's name stays reserved."
        }
        "onSoftDeleted" => "fail | recover: when the name is held by a soft-deleted vault.",
        "network" => {
            "Firewall: deny by default, allow listed IPv4 ranges and subnets (KV-FW, KV-VNET)."
        }
        "roleAssignments" => "RBAC role assignments at vault scope, least privilege (KV-RBAC).",
        "diagnostics" => "Diagnostic setting: audit logs and metrics to Log Analytics (KV-LOG).",
        "alerts" => {
            "Action group, metric alerts and a vault-deleted activity log alert (KV-ALERT)."
        }
        "tags" => "Tags on every resource group and vault.",
        _ => return None,
    })
}

/// Renders `plan` as commented YAML. Section order follows the schema; empty optional sections
/// are left out. The result parses back (through `plan_file::parse`) to the same plan.
pub fn render(plan: &PlanFile) -> String {
    let mut out = String::from(HEADER);
    let mut value = serde_yaml::to_value(plan).expect("a PlanFile always serialises");
    whole_numbers_as_integers(&mut value);
    let Value::Mapping(top) = value else {
        unreachable!("PlanFile serialises to a mapping")
    };
    for (key, value) in &top {
        let name = key.as_str().unwrap_or_default();
        out.push('\n');
        if let Some(comment) = section_comment(name) {
            push_comment(&mut out, comment, "");
        }
        match (name, value) {
            ("defaults", Value::Mapping(controls)) if !controls.is_empty() => {
                out.push_str("defaults:\n");
                for (ckey, cvalue) in controls {
                    if let Some(comment) = control_comment(ckey.as_str().unwrap_or_default()) {
                        push_comment(&mut out, comment, "  ");
                    }
                    push_entry(&mut out, ckey, cvalue, "  ");
                }
            }
            _ => push_entry(&mut out, key, value, ""),
        }
    }
    out
}

/// Writes thresholds such as `90.0` as `90` (they read back as the same `f64`).
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15)
            {
                *value = Value::Number((f as i64).into());
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Mapping(map) => map
            .iter_mut()
            .for_each(|(_, v)| whole_numbers_as_integers(v)),
        Value::Tagged(t) => whole_numbers_as_integers(&mut t.value),
        _ => {}
    }
}

fn push_comment(out: &mut String, comment: &str, indent: &str) {
    for line in comment.lines() {
        out.push_str(indent);
        out.push_str("# ");
        out.push_str(line.trim());
        out.push('\n');
    }
}

fn push_entry(out: &mut String, key: &Value, value: &Value, indent: &str) {
    let mut one = Mapping::new();
    one.insert(key.clone(), value.clone());
    let text = serde_yaml::to_string(&one).expect("YAML values always serialise");
    for line in text.lines() {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_file::schema::{App, Environment, Settings};

    #[test]
    fn renders_comments_and_round_trips_through_serde() {
        let plan = PlanFile {
            api_version: "kvinit/v1".into(),
            tenant_id: "11111111-1111-1111-1111-111111111111".into(),
            regions: vec!["westeurope".into()],
            environments: vec![Environment {
                name: "dev".into(),
                subscription_id: "22222222-2222-2222-2222-222222222222".into(),
                settings: Settings::default(),
            }],
            apps: vec![App {
                name: "payments".into(),
                settings: Settings::default(),
            }],
            defaults: Settings {
                sku: Some("standard".into()),
                soft_delete_retention_days: Some(90),
                ..Settings::default()
            },
            ..PlanFile::default()
        };
        let text = render(&plan);
        assert!(text.starts_with("# kvinit plan file"));
        assert!(text.contains("# Days a deleted vault stays recoverable"));
        assert!(text.contains("  softDeleteRetentionDays: 90\n"));
        let back: PlanFile = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, plan);
    }
}
