//! Unit tests of the rules over hand-written ARM bodies (the shape `audit` will read).

use serde_json::{Value, json};

use super::*;

fn vault(props: Value) -> Value {
    json!({ "location": "westeurope", "tags": { "kvinit-app": "a", "kvinit-env": "e", "kvinit-region": "westeurope" }, "properties": props })
}

fn check(rule: &str, e: &VaultEvidence<'_>, expect: &str) {
    let r = catalog().iter().find(|r| r.id == rule).unwrap();
    let (status, detail) = (r.check)(e);
    assert_eq!(format!("{status:?}: {detail}"), expect);
}

#[test]
fn network_rules() {
    let v = vault(json!({ "networkAcls": { "defaultAction": "Allow" } }));
    let e = VaultEvidence {
        vault_id: "id",
        vault: Some(&v),
        ..Default::default()
    };
    check(
        "KV-FW",
        &e,
        "Fail: networkAcls.defaultAction is Allow; every network can reach the vault",
    );
    let v = vault(json!({ "publicNetworkAccess": "Disabled" }));
    let e = VaultEvidence {
        vault_id: "id",
        vault: Some(&v),
        ..Default::default()
    };
    check("KV-FW", &e, "Pass: public network access disabled");
    let v = vault(
        json!({ "networkAcls": { "defaultAction": "Deny", "virtualNetworkRules": [{ "id": "s", "ignoreMissingVnetServiceEndpoint": true }] } }),
    );
    let e = VaultEvidence {
        vault_id: "id",
        vault: Some(&v),
        ..Default::default()
    };
    check(
        "KV-VNET",
        &e,
        "Fail: 1 VNet rule(s) ignore a missing Microsoft.KeyVault service endpoint",
    );
}

#[test]
fn recovery_and_access_rules() {
    let v = vault(
        json!({ "enableRbacAuthorization": false, "enableSoftDelete": true, "softDeleteRetentionInDays": 30 }),
    );
    let e = VaultEvidence {
        vault_id: "id",
        vault: Some(&v),
        ..Default::default()
    };
    check(
        "KV-RBAC",
        &e,
        "Fail: enableRbacAuthorization is not true (access policies in use)",
    );
    check("KV-SD", &e, "Pass: soft delete on, 30-day retention");
    check(
        "KV-PP",
        &e,
        "Fail: purge protection is off; a deleted vault can be purged before its retention ends",
    );
    let ra = json!({ "properties": { "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "principalId": "p" } });
    let v = vault(json!({ "enableRbacAuthorization": true }));
    let e = VaultEvidence {
        vault_id: "id",
        vault: Some(&v),
        role_assignments: vec![&ra],
        ..Default::default()
    };
    check(
        "KV-RBAC",
        &e,
        "Fail: a role assignment grants the broad role Owner",
    );
}

#[test]
fn monitoring_rules() {
    let v = vault(json!({}));
    let e = VaultEvidence {
        vault_id: "id",
        vault: Some(&v),
        ..Default::default()
    };
    check(
        "KV-LOG",
        &e,
        "Fail: no diagnostic setting sends logs to a Log Analytics workspace",
    );
    check(
        "KV-ALERT",
        &e,
        "Fail: no alert on Availability, SaturationShoebox, ServiceApiLatency, vault deletion",
    );
    check(
        "KV-SEP",
        &e,
        "Pass: dedicated to app `a`, environment `e`, region `westeurope`",
    );
    let missing = VaultEvidence::default();
    check("KV-SEP", &missing, "Fail: the vault does not exist");
}

#[test]
fn catalog_ids_are_unique_and_documented() {
    let mut ids: Vec<&str> = catalog().iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [
            "KV-SEP", "KV-RBAC", "KV-FW", "KV-VNET", "KV-SD", "KV-PP", "KV-LOG", "KV-ALERT"
        ]
    );
    ids.dedup();
    assert_eq!(ids.len(), 8);
    assert!(catalog().iter().all(
        |r| r.source.starts_with("https://learn.microsoft.com/") && !r.best_practice.is_empty()
    ));
}

/// The built-in compliance profile (model) lists exactly the catalog's rules, in order, with
/// their severities and titles (moved here from `model::profile`: the rules sit above the model).
#[test]
fn profile_parses_and_lists_every_rule_of_the_catalog() {
    let p = crate::model::profile::builtin();
    let ids: Vec<&str> = p.rules.iter().map(|r| r.id.as_str()).collect();
    let catalog: Vec<&str> = crate::rules::catalog().iter().map(|r| r.id).collect();
    assert_eq!(ids, catalog);
    for (pr, r) in p.rules.iter().zip(crate::rules::catalog()) {
        assert_eq!(pr.severity, r.severity.as_str(), "{}", r.id);
        assert_eq!(pr.title, r.title, "{}", r.id);
    }
}
