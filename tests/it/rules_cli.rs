//! `kvinit rules [ID]`: the list names every rule of the audit catalog with its severity, title
//! and best-practice source; a rule's page is exactly `docs/rules/<ID>.md` (without its
//! "generated" notice), from the binary; an unknown ID exits 2 with the closest IDs.

use crate::support;

use std::path::Path;

use kvinit::rules::audit_catalog;
use serde_json::Value;
use support::bin::{assert_exit, kvinit};

fn run(args: &[&str]) -> (String, String, Option<i32>) {
    let out = kvinit().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

#[test]
fn the_list_names_every_rule_with_severity_title_and_source() {
    let (stdout, stderr, code) = run(&["rules"]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("ID "), "{stdout}");
    for (i, rule) in audit_catalog().iter().enumerate() {
        let line = lines[i + 1];
        let cols: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cols[0], rule.id, "{line}");
        assert_eq!(cols[1], rule.severity.as_str(), "{line}");
        assert_eq!(cols[3], rule.title, "{line}");
        assert_eq!(cols[4], rule.source, "{line}");
    }
    assert!(stdout.contains(&format!("\n{} rules.", audit_catalog().len())));
}

#[test]
fn a_rules_page_is_its_docs_page_from_the_binary() {
    for rule in audit_catalog() {
        let (stdout, stderr, code) = run(&["rules", rule.id]);
        assert_eq!(code, Some(0), "{stderr}");
        let docs = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/rules/{}.md", rule.id)),
        )
        .unwrap();
        let (notice, body) = docs.split_once("\n\n").unwrap();
        assert!(notice.starts_with("<!-- Generated"), "{notice}");
        assert_eq!(stdout, body, "{}", rule.id);
    }
    // Any case, `KV-` optional.
    let (fw, _, _) = run(&["rules", "KV-FW"]);
    assert!(fw.starts_with("# KV-FW — "), "{fw}");
    assert_eq!(run(&["rules", "kv-fw"]).0, fw);
    assert_eq!(run(&["rules", "fw"]).0, fw);
}

#[test]
fn an_unknown_id_exits_2_with_the_closest_ids() {
    let (stdout, stderr, code) = run(&["rules", "KV-FX"]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "error: no rule `KV-FX`\nhint: did you mean `KV-FW`? `kvinit rules` lists every rule\n"
    );
    let (_, stderr, code) = run(&["rules", "KV-RBCA"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("did you mean `KV-RBAC`?"), "{stderr}");
    // Nothing close: every ID.
    let (_, stderr, code) = run(&["rules", "retention"]);
    assert_eq!(code, Some(2));
    for rule in audit_catalog() {
        assert!(stderr.contains(&format!("`{}`", rule.id)), "{stderr}");
    }
}

#[test]
fn json_and_yaml_carry_the_same_rules() {
    let out = kvinit().args(["rules", "-o", "json"]).output().unwrap();
    assert_exit(&out, 0);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = kvinit().args(["rules", "-o", "yaml"]).output().unwrap();
    assert_exit(&out, 0);
    let yaml: Value = serde_yaml::from_slice(&out.stdout).unwrap();
    assert_eq!(json, yaml);
    let rules = json.as_array().unwrap();
    assert_eq!(rules.len(), audit_catalog().len());
    for (r, rule) in rules.iter().zip(audit_catalog()) {
        assert_eq!(r["id"], rule.id);
        assert_eq!(r["severity"], rule.severity.as_str());
        assert_eq!(r["source"], rule.source);
        assert_eq!(r["page"], format!("docs/rules/{}.md", rule.id));
        assert!(!r["fix"].as_str().unwrap().is_empty());
    }
    let out = kvinit()
        .args(["rules", "KV-PRIV", "-o", "json"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let one: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one["id"], "KV-PRIV");
    // `plan` evaluates the whole audit catalog on the desired state (KV-PRIV included: a planned
    // Key Vault Administrator for a service principal fails it before apply).
    assert_eq!(
        one["checkedBy"],
        serde_json::json!(["plan", "apply", "audit"])
    );
}
