//! The spec examples of the current api-versions — Key Vault 2026-02-01 (TypeSpec
//! `openapi.json`, common-types v5) and activity log alerts 2026-01-01 — replayed against the
//! emulator over HTTPS at those api-versions: each answer's status must be one the example lists
//! and its body must conform to that version's response schema; requests are checked against
//! that version's request schema by the emulator itself.
use crate::common;
use common::*;
use kvinit_emulator::FaultProfile;
use kvinit_emulator::spec::{validate_request, validate_response};
use serde_json::{Value, json};

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/arm-specs/specification/");
const KV26: &str = "api-version=2026-02-01";
const KVF: &str = "2026-02-01/openapi.json";
const KVX: &str =
    "keyvault/resource-manager/Microsoft.KeyVault/KeyVault/stable/2026-02-01/examples/";
const KVX2: &str = "keyvault/resource-manager/Microsoft.KeyVault/KeyVault/examples/2026-02-01/";

fn example(path: &str) -> Value {
    let text =
        std::fs::read_to_string(format!("{SPECS}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("example json")
}

fn p<'a>(ex: &'a Value, name: &str) -> &'a str {
    ex["parameters"][name]
        .as_str()
        .unwrap_or_else(|| panic!("parameter {name}"))
}

fn statuses(ex: &Value) -> Vec<u16> {
    ex["responses"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.parse().unwrap())
        .collect()
}

async fn replay(
    c: &Client,
    ex: &Value,
    method: &str,
    url: &str,
    body: Option<Value>,
    file: &str,
    op: &'static str,
) -> Answer {
    assert_eq!(
        ex["parameters"]["api-version"],
        url.split("api-version=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
    );
    let a = c.send(method, url, body).await;
    assert!(
        statuses(ex).contains(&a.status),
        "{op}: status {} not in example {:?}: {}",
        a.status,
        statuses(ex),
        a.body
    );
    assert!(
        a.header("azure-deprecating").is_none(),
        "{op}: current version"
    );
    if a.body != Value::Null {
        let problems = validate_response(file, op, a.status, &a.body);
        assert!(
            problems.is_empty(),
            "{op}: response does not conform: {problems:?}\n{}",
            a.body
        );
    }
    a
}

#[tokio::test]
async fn key_vault_2026_02_01_examples() {
    for name in ["createVault.json", "createVaultWithNetworkAcls.json"] {
        let emu = start(FaultProfile::none()).await;
        let c = Client::new(&emu).await;
        let ex = example(&format!("{KVX}{name}"));
        let body = ex["parameters"]["parameters"].clone();
        assert!(validate_request(KVF, "Vaults_CreateOrUpdate", &body).is_empty());
        let (sub, rg, vault) = (
            p(&ex, "subscriptionId"),
            p(&ex, "resourceGroupName"),
            p(&ex, "vaultName"),
        );
        make_rg(&c, sub, rg).await;
        let url = format!("{}?{KV26}", vault_path(sub, rg, vault));
        let a = replay(
            &c,
            &ex,
            "PUT",
            &url,
            Some(body.clone()),
            KVF,
            "Vaults_CreateOrUpdate",
        )
        .await;
        assert_eq!(a.status, 201);
        let again = replay(
            &c,
            &ex,
            "PUT",
            &url,
            Some(body),
            KVF,
            "Vaults_CreateOrUpdate",
        )
        .await;
        assert_eq!(again.status, 200);
    }

    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let create = example(&format!("{KVX}createVault.json"))["parameters"]["parameters"].clone();
    let ex = example(&format!("{KVX}getVault.json"));
    let (sub, rg, vault) = (
        p(&ex, "subscriptionId"),
        p(&ex, "resourceGroupName"),
        p(&ex, "vaultName"),
    );
    make_rg(&c, sub, rg).await;
    let url = format!("{}?{KV26}", vault_path(sub, rg, vault));
    c.put(&url, create.clone()).await;
    let a = replay(&c, &ex, "GET", &url, None, KVF, "Vaults_Get").await;
    assert_eq!(a.body["name"], vault);

    let ex = example(&format!("{KVX2}updateVault.json"));
    replay(
        &c,
        &ex,
        "PATCH",
        &url,
        Some(ex["parameters"]["parameters"].clone()),
        KVF,
        "Vaults_Update",
    )
    .await;

    let ex = example(&format!("{KVX2}listVaultByResourceGroup.json"));
    let (lsub, lrg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, lsub, lrg).await;
    c.put(
        &format!("{}?{KV26}", vault_path(lsub, lrg, "sample-vault-2")),
        create.clone(),
    )
    .await;
    let a = replay(
        &c,
        &ex,
        "GET",
        &format!(
            "{}/providers/Microsoft.KeyVault/vaults?{KV26}&$top=1",
            rg_path(lsub, lrg)
        ),
        None,
        KVF,
        "Vaults_ListByResourceGroup",
    )
    .await;
    assert_eq!(a.body["value"].as_array().unwrap().len(), 1);
    let ex = example(&format!("{KVX2}listVaultBySubscription.json"));
    let a = replay(
        &c,
        &ex,
        "GET",
        &format!("/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults?{KV26}&$top=5"),
        None,
        KVF,
        "Vaults_ListBySubscription",
    )
    .await;
    assert_eq!(a.body["value"].as_array().unwrap().len(), 2);

    let ex = example(&format!("{KVX2}deleteVault.json"));
    replay(&c, &ex, "DELETE", &url, None, KVF, "Vaults_Delete").await;
    assert_eq!(c.get(&url).await.status, 404);

    let ex = example(&format!("{KVX}getDeletedVault.json"));
    let loc = p(&ex, "location");
    assert_eq!(
        create["location"], loc,
        "the example vault lives where it is looked up"
    );
    let deleted = format!(
        "/subscriptions/{sub}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{vault}?{KV26}"
    );
    let a = replay(&c, &ex, "GET", &deleted, None, KVF, "Vaults_GetDeleted").await;
    assert_eq!(a.body["name"], vault);
    let ex = example(&format!("{KVX2}listDeletedVaults.json"));
    let a = replay(
        &c,
        &ex,
        "GET",
        &format!("/subscriptions/{sub}/providers/Microsoft.KeyVault/deletedVaults?{KV26}"),
        None,
        KVF,
        "Vaults_ListDeleted",
    )
    .await;
    assert_eq!(a.body["value"].as_array().unwrap().len(), 1);
    let ex = example(&format!("{KVX2}purgeDeletedVault.json"));
    replay(
        &c,
        &ex,
        "POST",
        &deleted.replace('?', "/purge?"),
        None,
        KVF,
        "Vaults_PurgeDeleted",
    )
    .await;
    assert_eq!(c.get(&deleted).await.status, 404);
    // Purged: the name is free again.
    let ex = example(&format!("{KVX2}checkVaultNameAvailability.json"));
    let a = replay(
        &c,
        &ex,
        "POST",
        &format!("/subscriptions/{sub}/providers/Microsoft.KeyVault/checkNameAvailability?{KV26}"),
        Some(ex["parameters"]["vaultName"].clone()),
        KVF,
        "Vaults_CheckNameAvailability",
    )
    .await;
    assert_eq!(a.body, ex["responses"]["200"]["body"]);
}

/// The 2026-02-01 request schema is enforced: a field of the wrong type is refused with ARM's
/// `InvalidRequestContent`, naming the field and the 2026-02-01 spec file.
#[tokio::test]
async fn key_vault_2026_02_01_bodies_are_checked_against_their_own_schema() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let mut body = vault_body(json!({}));
    body["properties"]["enableRbacAuthorization"] = json!("yes");
    let a = c
        .put(
            &format!("{}?{KV26}", vault_path(SUB, "rg", "kv-schema")),
            body,
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.code(), "InvalidRequestContent");
    assert_eq!(
        a.body["error"]["target"],
        "properties.enableRbacAuthorization"
    );
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("openapi.json"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn activity_log_alert_2026_01_01_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let file = "2026-01-01/activityLogAlerts_API.json";
    let dir = "monitor/resource-manager/Microsoft.Insights/stable/2026-01-01/examples/";
    let ex = example(&format!("{dir}ActivityLogAlertRule_CreateOrUpdate.json"));
    let (sub, rg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, sub, rg).await;
    let url = format!(
        "{}/providers/Microsoft.Insights/activityLogAlerts/{}?api-version=2026-01-01",
        rg_path(sub, rg),
        p(&ex, "activityLogAlertName")
    );
    let a = replay(
        &c,
        &ex,
        "PUT",
        &url,
        Some(ex["parameters"]["activityLogAlertRule"].clone()),
        file,
        "ActivityLogAlerts_CreateOrUpdate",
    )
    .await;
    assert_eq!(a.status, 201);
    let ex = example(&format!("{dir}ActivityLogAlertRule_Get.json"));
    replay(&c, &ex, "GET", &url, None, file, "ActivityLogAlerts_Get").await;
    let list = c
        .get(&format!(
            "{}/providers/Microsoft.Insights/activityLogAlerts?api-version=2026-01-01",
            rg_path(sub, rg)
        ))
        .await;
    assert_eq!(list.status, 200);
    let problems = validate_response(
        file,
        "ActivityLogAlerts_ListByResourceGroup",
        200,
        &list.body,
    );
    assert!(problems.is_empty(), "{problems:?}");
}
