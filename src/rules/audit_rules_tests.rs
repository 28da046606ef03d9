//! Unit tests of the audit-only rules (KV-IPWIDE, KV-PRIV, KV-RETAIN) over hand-written ARM
//! bodies, the shape `kvinit audit` reads.

use serde_json::{Value, json};

use super::*;

fn vault(props: Value) -> Value {
    json!({ "location": "westeurope", "properties": props })
}

fn check(rule: &str, e: &VaultEvidence<'_>, expect: &str) {
    let r = audit_catalog().iter().find(|r| r.id == rule).unwrap();
    let (status, detail) = (r.check)(e);
    assert_eq!(format!("{status:?}: {detail}"), expect);
}

fn on<'a>(v: &'a Value) -> VaultEvidence<'a> {
    VaultEvidence {
        vault_id: "id",
        vault: Some(v),
        ..Default::default()
    }
}

#[test]
fn ip_rules_wider_than_a_16_fail() {
    let ips = |list: &[&str]| {
        vault(json!({ "networkAcls": { "defaultAction": "Deny",
            "ipRules": list.iter().map(|v| json!({ "value": v })).collect::<Vec<_>>() } }))
    };
    let v = ips(&["203.0.113.4", "198.51.100.0/24", "10.1.0.0/16"]);
    check(
        "KV-IPWIDE",
        &on(&v),
        "Pass: 3 IP rule(s), none wider than a /16",
    );
    let v = ips(&["203.0.113.4", "20.0.0.0/8", "198.18.0.0/15"]);
    check(
        "KV-IPWIDE",
        &on(&v),
        "Fail: IP rule(s) `20.0.0.0/8`, `198.18.0.0/15` wider than a /16",
    );
    let v = ips(&["20.0.0.0/8", "0.0.0.0/0"]);
    check(
        "KV-IPWIDE",
        &on(&v),
        "Fail: IP rule `0.0.0.0/0` is open to all IPv4 addresses",
    );
    let v = vault(json!({}));
    check(
        "KV-IPWIDE",
        &on(&v),
        "Pass: 0 IP rule(s), none wider than a /16",
    );
}

#[test]
fn privileged_roles_for_service_principals_fail() {
    let ra = |role: &str, kind: &str| {
        json!({ "properties": {
            "roleDefinitionId": format!("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{role}"),
            "principalId": "p1",
            "principalType": kind,
        } })
    };
    let v = vault(json!({ "enableRbacAuthorization": true }));
    let admin_group = ra("00482a5a-887f-4fb3-b363-3b7fe8e74483", "Group");
    let secrets_user_sp = ra("4633458b-17de-408a-b874-0445c86b69e6", "ServicePrincipal");
    let e = VaultEvidence {
        role_assignments: vec![&admin_group, &secrets_user_sp],
        ..on(&v)
    };
    check(
        "KV-PRIV",
        &e,
        "Pass: no service principal holds Owner, Contributor or Key Vault Administrator at vault scope",
    );
    let admin_sp = ra("00482A5A-887F-4FB3-B363-3B7FE8E74483", "ServicePrincipal");
    let contributor_sp = ra("b24988ac-6180-42a0-ab88-20f7382dd24c", "ServicePrincipal");
    let e = VaultEvidence {
        role_assignments: vec![&admin_sp, &contributor_sp, &admin_group],
        ..on(&v)
    };
    check(
        "KV-PRIV",
        &e,
        "Fail: role assignment(s) at vault scope grant Key Vault Administrator to service principal `p1`; Contributor to service principal `p1`",
    );
}

#[test]
fn retention_below_the_profile_minimum_fails() {
    let v = vault(json!({ "softDeleteRetentionInDays": 7 }));
    check(
        "KV-RETAIN",
        &on(&v),
        "Fail: soft-delete retention of 7 days is below the profile's minimum of 30",
    );
    let v = vault(json!({ "softDeleteRetentionInDays": 30 }));
    check(
        "KV-RETAIN",
        &on(&v),
        "Pass: soft-delete retention of 30 days (minimum 30)",
    );
    let v = vault(json!({}));
    check(
        "KV-RETAIN",
        &on(&v),
        "Pass: soft-delete retention of 90 days (minimum 30)",
    );
    check(
        "KV-RETAIN",
        &VaultEvidence::default(),
        "Fail: the vault does not exist",
    );
}

#[test]
fn audit_catalog_extends_the_plan_catalog_with_unique_ids() {
    let ids: Vec<&str> = audit_catalog().iter().map(|r| r.id).collect();
    let plan: Vec<&str> = catalog().iter().map(|r| r.id).collect();
    assert_eq!(ids[..plan.len()], plan[..]);
    assert_eq!(ids[plan.len()..], ["KV-IPWIDE", "KV-PRIV", "KV-RETAIN"]);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    assert!(audit_catalog().iter().all(
        |r| r.source.starts_with("https://learn.microsoft.com/") && !r.best_practice.is_empty()
    ));
}
