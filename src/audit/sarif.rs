//! `kvinit audit -o sarif`: the report as SARIF 2.1.0 (OASIS), for code-scanning dashboards.
//! One `tool.driver.rules` entry per rule ID of the audit catalog (with `helpUri` to its
//! reference page in the repository named by Cargo.toml `repository`, and
//! `properties.security-severity`), one result per finding located at the vault's ARM resource ID
//! (as a logical location and as an artifact URI relative to the ARM endpoint); each result's
//! message ends with the `kvinit rules ID` command that prints the rule's page offline. Pure rendering; must not evaluate rules. Validated against the official schema in
//! `tests/fixtures/sarif-schema-2.1.0.json`.

use serde_json::{Value, json};

use super::remedy;
use super::report::AuditReport;
use crate::rules::{Rule, Severity, audit_catalog};

/// The `$schema` kvinit declares: the OASIS SARIF 2.1.0 schema (errata 01).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The project's repository (Cargo.toml `repository`): the rules reference is published there.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
const _: () = assert!(
    !REPOSITORY.is_empty(),
    "set `repository` in Cargo.toml: SARIF helpUri is built from it"
);

/// The `uriBaseId` result locations are relative to (ARM's public endpoint).
pub const ARM_URI_BASE_ID: &str = "ARM";

/// `helpUri` of a rule: `<repository>/blob/main/docs/rules/<ID>.md`, the rule's page on the
/// repository's `main` branch (an absolute URL, as SARIF requires).
pub fn help_uri(rule_id: &str) -> String {
    format!(
        "{}/blob/main/{}",
        REPOSITORY.trim_end_matches('/'),
        super::docs::page_path(rule_id)
    )
}

/// The command that prints a rule's page from the installed binary: `kvinit rules <ID>`.
pub fn rules_command(rule_id: &str) -> String {
    format!("kvinit rules {rule_id}")
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
            "text": format!("{}\nCompliant: {}\nFix: {}\nSource: {}\nDetails: `{}`", r.checks, r.compliant, r.fix, rule.source, rules_command(rule.id)),
            "markdown": format!("{}\n\n**Compliant:** {}\n\n**Fix:** {}\n\nSource: <{}>\n\nDetails: `{}`", r.checks, r.compliant, r.fix, rule.source, rules_command(rule.id)),
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
                    "text": format!("{}: {}. Compliant: {} Fix: {} Details: `{}`", name, f.found, f.compliant, f.fix, rules_command(f.rule)),
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
