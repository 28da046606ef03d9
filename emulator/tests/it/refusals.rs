//! Each ARM refusal the emulator reproduces, over HTTP, with ARM's status and error code.
use crate::common;
use common::*;
use kvinit_emulator::{EmulatorConfig, FaultProfile};
use serde_json::{Value, json};

fn subnet_path(sub: &str, rg: &str, vnet: &str, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}",
        rg_path(sub, rg)
    )
}

#[tokio::test]
async fn purge_protection_cannot_be_false() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-pp-false")),
            vault_body(json!({"enablePurgeProtection": false})),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.code(), "BadRequest");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"enablePurgeProtection\" cannot be set to false")
    );
    // Nothing was created.
    assert_eq!(
        c.get(&format!("{}?{KV}", vault_path(SUB, "rg", "kv-pp-false")))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn retention_cannot_change_and_purge_protection_stays_on() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let path = format!("{}?{KV}", vault_path(SUB, "rg", "kv-retention"));
    assert_eq!(
        c.put(&path, vault_body(json!({"softDeleteRetentionInDays": 30})))
            .await
            .status,
        201
    );
    let a = c
        .put(&path, vault_body(json!({"softDeleteRetentionInDays": 60})))
        .await;
    assert_eq!((a.status, a.code()), (400, "BadRequest"));
    assert_eq!(
        a.body["error"]["target"],
        "properties.softDeleteRetentionInDays"
    );
    let a = c
        .send(
            "PATCH",
            &path,
            Some(json!({"properties": {"softDeleteRetentionInDays": 7}})),
        )
        .await;
    assert_eq!(a.status, 400);
    // A PUT that omits purge protection does not turn it off.
    let mut body = vault_body(json!({"softDeleteRetentionInDays": 30}));
    body["properties"]
        .as_object_mut()
        .unwrap()
        .remove("enablePurgeProtection");
    let a = c.put(&path, body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["properties"]["enablePurgeProtection"], true);
    assert_eq!(a.body["properties"]["softDeleteRetentionInDays"], 30);
}

#[tokio::test]
async fn vnet_rule_needs_key_vault_service_endpoint() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let no_ep = subnet_path(SUB, "rg-net", "vnet1", "plain");
    let a = c.put(&format!("{no_ep}?api-version=2023-09-01"), json!({"properties": {"addressPrefix": "10.0.1.0/24", "serviceEndpoints": [{"service": "Microsoft.Storage"}]}})).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let with_ep = subnet_path(SUB, "rg-net", "vnet1", "kv");
    c.put(&format!("{with_ep}?api-version=2023-09-01"), json!({"properties": {"addressPrefix": "10.0.2.0/24", "serviceEndpoints": [{"service": "Microsoft.KeyVault"}]}})).await;

    let acls = |id: &str| json!({"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": [{"id": id}]}});
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-vnet-bad")),
            vault_body(acls(&no_ep)),
        )
        .await;
    assert_eq!(
        (a.status, a.code()),
        (400, "SubnetsHaveNoServiceEndpointsConfigured"),
        "{}",
        a.body
    );
    assert_eq!(
        a.body["error"]["target"],
        "properties.networkAcls.virtualNetworkRules[0].id"
    );
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-vnet-good")),
            vault_body(acls(&with_ep)),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    // Not created anywhere, but referenced: assumed to exist with the endpoint (default config).
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-vnet-assumed")),
            vault_body(acls(&subnet_path(SUB, "x", "y", "z"))),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
}

#[tokio::test]
async fn without_assumptions_unknown_references_fail() {
    let emu = kvinit_emulator::start(EmulatorConfig {
        assume_referenced_exist: false,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let missing = subnet_path(SUB, "x", "y", "z");
    assert_eq!(
        c.get(&format!("{missing}?api-version=2023-09-01"))
            .await
            .status,
        404
    );
    let body = vault_body(
        json!({"networkAcls": {"defaultAction": "Deny", "virtualNetworkRules": [{"id": missing}]}}),
    );
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-vnet-missing")),
            body,
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "InvalidResourceReference"));
    // A workspace the emulator does not model is not assumed either.
    let ws = format!(
        "{}/providers/Microsoft.OperationalInsights/workspaces/law",
        rg_path(SUB, "rg")
    );
    let a = c.put(&format!("/{ws}/providers/Microsoft.Insights/diagnosticSettings/d?api-version=2021-05-01-preview"), json!({"properties": {"workspaceId": ws, "logs": []}})).await;
    assert_eq!((a.status, a.code()), (404, "ResourceNotFound"));
}

fn ra_body(principal: &str, role: &str) -> Value {
    json!({"properties": {
        "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}"),
        "principalId": principal, "principalType": "Group"}})
}

#[tokio::test]
async fn duplicate_role_assignment_under_another_name_conflicts() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    make_vault(&c, SUB, "rg", "kv-ra").await;
    let scope = vault_path(SUB, "rg", "kv-ra");
    let admin = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
    let principal = "11111111-2222-3333-4444-555555555555";
    let url = |name: &str| {
        format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?{AUTHZ}")
    };
    let first = "6f1b3c1e-0000-5000-8000-000000000001";
    assert_eq!(
        c.put(&url(first), ra_body(principal, admin)).await.status,
        201
    );
    // Same name, same content: idempotent.
    assert_eq!(
        c.put(&url(first), ra_body(principal, admin)).await.status,
        201
    );
    let a = c
        .put(
            &url("6f1b3c1e-0000-5000-8000-000000000002"),
            ra_body(principal, admin),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "RoleAssignmentExists"));
    // Same name, different principal: assignments are immutable.
    let a = c
        .put(
            &url(first),
            ra_body("99999999-2222-3333-4444-555555555555", admin),
        )
        .await;
    assert_eq!(
        (a.status, a.code()),
        (400, "RoleAssignmentUpdateNotPermitted")
    );
    let a = c.put(&url("not-a-guid"), ra_body(principal, admin)).await;
    assert_eq!((a.status, a.code()), (400, "InvalidRoleAssignmentId"));
    let a = c.get(&url("6f1b3c1e-0000-5000-8000-0000000000ff")).await;
    assert_eq!((a.status, a.code()), (404, "RoleAssignmentNotFound"));
}

#[tokio::test]
async fn parents_must_exist() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let a = make_vault(&c, SUB, "rg-missing", "kv-orphan").await;
    assert_eq!((a.status, a.code()), (404, "ResourceGroupNotFound"));
    make_rg(&c, SUB, "rg").await;
    let scope = vault_path(SUB, "rg", "kv-not-there");
    let a = c.put(&format!("{scope}/providers/Microsoft.Authorization/roleAssignments/6f1b3c1e-0000-5000-8000-000000000001?{AUTHZ}"), ra_body("11111111-2222-3333-4444-555555555555", "00482a5a-887f-4fb3-b363-3b7fe8e74483")).await;
    assert_eq!((a.status, a.code()), (404, "ResourceNotFound"));
    let a = c.put(&format!("{scope}/providers/Microsoft.Insights/diagnosticSettings/d?api-version=2021-05-01-preview"), json!({"properties": {"workspaceId": "/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/z"}})).await;
    assert_eq!((a.status, a.code()), (404, "ResourceNotFound"));
    let a = c
        .put(
            &format!(
                "{}/providers/Microsoft.Insights/actionGroups/ag?api-version=2021-09-01",
                rg_path(SUB, "nope")
            ),
            json!({"location": "Global", "properties": {"groupShortName": "x", "enabled": true}}),
        )
        .await;
    assert_eq!((a.status, a.code()), (404, "ResourceGroupNotFound"));
    // Generic fallbacks.
    let a = c
        .get(&format!(
            "{}/providers/Microsoft.Storage/storageAccounts/s?api-version=2023-01-01",
            rg_path(SUB, "nope")
        ))
        .await;
    assert_eq!((a.status, a.code()), (404, "ResourceGroupNotFound"));
    let a = c
        .get(&format!(
            "{}/providers/Microsoft.Storage/storageAccounts/s?api-version=2023-01-01",
            rg_path(SUB, "rg")
        ))
        .await;
    assert_eq!((a.status, a.code()), (404, "InvalidResourceType"));
}

#[tokio::test]
async fn api_version_is_checked() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let a = c
        .put(&rg_path(SUB, "rg"), json!({"location": "westeurope"}))
        .await;
    assert_eq!((a.status, a.code()), (400, "MissingApiVersionParameter"));
    let a = c
        .put(
            &format!("{}?api-version=2019-01-01", rg_path(SUB, "rg")),
            json!({"location": "westeurope"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "InvalidApiVersionParameter"));
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2021-04-01")
    );
    assert_eq!(emu.stats().rejected, 2);
}

#[tokio::test]
async fn vault_names_are_global() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    make_rg(&c, SUB2, "rg2").await;
    assert_eq!(make_vault(&c, SUB, "rg", "kv-global").await.status, 201);
    let a = make_vault(&c, SUB2, "rg2", "KV-Global").await;
    assert_eq!((a.status, a.code()), (409, "VaultAlreadyExists"));
    let check = |name: &str| json!({"name": name, "type": "Microsoft.KeyVault/vaults"});
    let url =
        format!("/subscriptions/{SUB2}/providers/Microsoft.KeyVault/checkNameAvailability?{KV}");
    let a = c.send("POST", &url, Some(check("kv-global"))).await;
    assert_eq!(a.body["nameAvailable"], false);
    assert_eq!(a.body["reason"], "AlreadyExists");
    let a = c.send("POST", &url, Some(check("1-bad--name"))).await;
    assert_eq!(a.body["reason"], "AccountNameInvalid");
    let a = c.send("POST", &url, Some(check("kv-free-name"))).await;
    assert_eq!(a.body, json!({"nameAvailable": true}));
    let a = make_vault(&c, SUB, "rg", "kv").await;
    assert_eq!((a.status, a.code()), (400, "VaultNameNotValid"));
}

#[tokio::test]
async fn soft_deleted_names_recover_and_purge() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    make_rg(&c, SUB2, "rg2").await;
    let path = format!("{}?{KV}", vault_path(SUB, "rg", "kv-soft"));
    let original = c
        .put(&path, vault_body(json!({"softDeleteRetentionInDays": 7})))
        .await;
    assert_eq!(original.status, 201);
    assert_eq!(c.send("DELETE", &path, None).await.status, 200);
    assert_eq!(c.send("DELETE", &path, None).await.status, 204);

    let deleted_url = format!(
        "/subscriptions/{SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-soft?{KV}"
    );
    let d = c.get(&deleted_url).await;
    assert_eq!(d.status, 200);
    let deletion = time::OffsetDateTime::parse(
        d.body["properties"]["deletionDate"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let purge = time::OffsetDateTime::parse(
        d.body["properties"]["scheduledPurgeDate"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(purge - deletion, time::Duration::days(7));
    assert_eq!(d.body["properties"]["purgeProtectionEnabled"], true);

    // Create over a soft-deleted name: same subscription → ConflictError; elsewhere → taken.
    let a = c.put(&path, vault_body(json!({}))).await;
    assert_eq!((a.status, a.code()), (409, "ConflictError"));
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("recover or purge")
    );
    let a = make_vault(&c, SUB2, "rg2", "kv-soft").await;
    assert_eq!((a.status, a.code()), (409, "VaultAlreadyExists"));

    // Purge of a purge-protected vault fails.
    let a = c
        .send("POST", &deleted_url.replace("?", "/purge?"), None)
        .await;
    assert_eq!((a.status, a.code()), (405, "MethodNotAllowed"));

    // Recover restores the old vault exactly, not the request's properties.
    let mut req = vault_body(json!({"createMode": "recover"}));
    req["properties"]["networkAcls"]["ipRules"] = json!([{"value": "198.51.100.0/24"}]);
    req["tags"] = json!({"new": "tag"});
    let r = c.put(&path, req).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["properties"], original.body["properties"]);
    assert_eq!(r.body["tags"], original.body["tags"]);
    assert_eq!(c.get(&deleted_url).await.status, 404);
    assert_eq!(
        c.get(&path).await.body["properties"],
        original.body["properties"]
    );

    // Recover with nothing to recover.
    let a = c
        .put(
            &format!("{}?{KV}", vault_path(SUB, "rg", "kv-never")),
            vault_body(json!({"createMode": "recover"})),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "SoftDeletedVaultDoesNotExist"));
}

#[tokio::test]
async fn purge_without_protection_frees_the_name() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let path = format!("{}?{KV}", vault_path(SUB, "rg", "kv-purgeable"));
    let mut body = vault_body(json!({}));
    body["properties"]
        .as_object_mut()
        .unwrap()
        .remove("enablePurgeProtection");
    assert_eq!(c.put(&path, body).await.status, 201);
    let scope = vault_path(SUB, "rg", "kv-purgeable");
    let ra = format!(
        "{scope}/providers/Microsoft.Authorization/roleAssignments/6f1b3c1e-0000-5000-8000-000000000001?{AUTHZ}"
    );
    assert_eq!(
        c.put(
            &ra,
            ra_body(
                "11111111-2222-3333-4444-555555555555",
                "4633458b-17de-408a-b874-0445c86b69e6"
            )
        )
        .await
        .status,
        201
    );
    c.send("DELETE", &path, None).await;
    let purge = format!(
        "/subscriptions/{SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-purgeable/purge?{KV}"
    );
    assert_eq!(c.send("POST", &purge, None).await.status, 200);
    assert_eq!(make_vault(&c, SUB, "rg", "kv-purgeable").await.status, 201);
    // The purge took the old vault's role assignments with it.
    let list = c
        .get(&format!(
            "{scope}/providers/Microsoft.Authorization/roleAssignments?{AUTHZ}&$filter=atScope()"
        ))
        .await;
    assert_eq!(list.body["value"], json!([]));
}
