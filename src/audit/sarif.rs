//! `kvinit audit -o sarif`: the report as SARIF 2.1.0 (OASIS), for code-scanning dashboards.
//! One `tool.driver.rules` entry per rule ID of the audit catalog (with `helpUri` to its
//! reference page and `properties.security-severity`), one result per finding located at the
//! vault's ARM resource ID (as a logical location and as an artifact URI relative to the ARM
//! endpoint). Pure rendering; must not evaluate rules. Validated against the official schema in
//! `tests/fixtures/sarif-schema-2.1.0.json`.

use serde_json::{Value, json};

use super::remedy;
use super::report::AuditReport;
use crate::rules::{Rule, Severity, audit_catalog};

/// The `$schema` kvinit declares: the OASIS SARIF 2.1.0 schema (errata 01).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the rules reference is published: `{base}{ID}.md`. From the package's `repository`
/// (Cargo.toml) when set, else this default.
pub const DEFAULT_RULES_DOCS_BASE: &str = "https://github.com/kvinit/kvinit/blob/main/docs/rules/";

/// The `uriBaseId` result locations are relative to (ARM's public endpoint).
pub const ARM_URI_BASE_ID: &str = "ARM";

/// `helpUri` of a rule: an absolute URL of `docs/rules/<ID>.md`.
pub fn help_uri(rule_id: &str) -> String {
    match option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty()) {
        Some(repo) => format!(
            "{}/blob/main/docs/rules/{rule_id}.md",
            repo.trim_end_matches('/')
        ),
        None => format!("{DEFAULT_RULES_DOCS_BASE}{rule_id}.md"),
    }
}

/// SARIF `level` for a severity: high → `error`, medium → `warning`, low → `note`.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// `properties.security-severity` (0.0–10.0, as GitHub code scanning reads it: ≥7 high,
/// 4–6.9 medium, <4 low).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// The rule's PascalCase name from its title ("IP rules no wider than a /16" →
/// `IPRulesNoWiderThanA16`).
fn rule_name(rule: &Rule) -> String {
    rule.title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn descriptor(rule: &Rule) -> Value {
    let r = remedy::for_rule(rule.id);
    json!({
        "id": rule.id,
        "name": rule_name(rule),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.best_practice },
        "helpUri": help_uri(rule.id),
        "help": {
            "text": format!("{}\nCompliant: {}\nFix: {}\nSource: {}", r.checks, r.compliant, r.fix, rule.source),
            "markdown": format!("{}\n\n**Compliant:** {}\n\n**Fix:** {}\n\nSource: <{}>", r.checks, r.compliant, r.fix, rule.source),
        },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "security-severity": security_severity(rule.severity),
            "severity": rule.severity.as_str(),
            "tags": ["security", "azure", "key-vault"],
            "precision": "very-high",
        },
    })
}

fn uri_base_ids() -> Value {
    let mut ids = serde_json::Map::new();
    ids.insert(
        ARM_URI_BASE_ID.to_string(),
        json!({
            "uri": format!("{}/", crate::azure::arm::target::AZURE_ARM_ENDPOINT.trim_end_matches('/')),
            "description": { "text": "Azure Resource Manager; result locations are ARM resource IDs" },
        }),
    );
    Value::Object(ids)
}

/// The SARIF log.
pub fn render(report: &AuditReport) -> Value {
    let rules = audit_catalog();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let name = f.vault_id.rsplit('/').next().unwrap_or(&f.vault_id);
            json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "kind": "fail",
                "message": {
                    "text": format!("{}: {}. Compliant: {} Fix: {}", name, f.found, f.compliant, f.fix),
                },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": f.vault_id.trim_start_matches('/'),
                            "uriBaseId": ARM_URI_BASE_ID,
                        },
                    },
                    "logicalLocations": [{
                        "name": name,
                        "fullyQualifiedName": f.vault_id,
                        "kind": "resource",
                    }],
                }],
                "partialFingerprints": {
                    "kvinitRuleVault/v1": format!("{}:{}", f.rule, f.vault_id.to_ascii_lowercase()),
                },
                "properties": { "severity": f.severity.as_str() },
            })
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kvinit",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
                },
            },
            "originalUriBaseIds": uri_base_ids(),
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
