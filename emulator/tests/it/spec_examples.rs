//! Every spec example in emulator/arm-specs for the operations the emulator serves is replayed
//! against it over HTTP; the answer's status must be one the example lists and its body must
//! conform to the operation's response schema. Examples that only exist at a substitute
//! api-version (see arm-specs/README.md) are replayed at the api-version the emulator serves.
use crate::common;
use common::*;
use kvinit_emulator::FaultProfile;
use kvinit_emulator::spec::validate_response;
use serde_json::{Value, json};

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/arm-specs/specification/");

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

/// Sends the example's request and checks status and response schema.
async fn replay(
    c: &Client,
    ex: &Value,
    method: &str,
    url: &str,
    body: Option<Value>,
    file: &str,
    op: &'static str,
) -> Answer {
    let a = c.send(method, url, body).await;
    assert!(
        statuses(ex).contains(&a.status),
        "{op}: status {} not in example {:?}: {}",
        a.status,
        statuses(ex),
        a.body
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

const KVF: &str = "2022-02-01-preview/keyvault.json";
const KVX: &str =
    "keyvault/resource-manager/Microsoft.KeyVault/preview/2022-02-01-preview/examples/";

async fn kv_setup(c: &Client, ex: &Value) -> String {
    let (sub, rg, name) = (
        p(ex, "subscriptionId"),
        p(ex, "resourceGroupName"),
        p(ex, "vaultName"),
    );
    make_rg(c, sub, rg).await;
    vault_path(sub, rg, name)
}

#[tokio::test]
async fn resource_group_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let file = "2021-04-01/resources.json";
    let ex = example(
        "resources/resource-manager/Microsoft.Resources/stable/2021-04-01/examples/CreateResourceGroup.json",
    );
    let url = format!(
        "{}?{RG_API}",
        rg_path(p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"))
    );
    let a = replay(
        &c,
        &ex,
        "PUT",
        &url,
        Some(ex["parameters"]["parameters"].clone()),
        file,
        "ResourceGroups_CreateOrUpdate",
    )
    .await;
    assert_eq!(a.status, 201);
    assert_eq!(a.body["properties"]["provisioningState"], "Succeeded");

    let ex = example(
        "resources/resource-manager/Microsoft.Resources/stable/2021-04-01/examples/GetResourceGroups.json",
    );
    let (sub, rg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, sub, rg).await;
    let a = replay(
        &c,
        &ex,
        "GET",
        &format!("{}?{RG_API}", rg_path(sub, rg)),
        None,
        file,
        "ResourceGroups_Get",
    )
    .await;
    assert_eq!(a.body["name"], rg);
    let head = c
        .send("HEAD", &format!("{}?{RG_API}", rg_path(sub, rg)), None)
        .await;
    assert_eq!(head.status, 204);
    let head = c
        .send("HEAD", &format!("{}?{RG_API}", rg_path(sub, "nope")), None)
        .await;
    assert_eq!(head.status, 404);
}

#[tokio::test]
async fn vault_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    for name in ["createVault.json", "createVaultWithNetworkAcls.json"] {
        let emu = start(FaultProfile::none()).await;
        let c = Client::new(&emu).await;
        let ex = example(&format!("{KVX}{name}"));
        let path = kv_setup(&c, &ex).await;
        let a = replay(
            &c,
            &ex,
            "PUT",
            &format!("{path}?{KV}"),
            Some(ex["parameters"]["parameters"].clone()),
            KVF,
            "Vaults_CreateOrUpdate",
        )
        .await;
        assert_eq!(a.status, 201);
        assert_eq!(
            a.body["properties"]["vaultUri"],
            "https://sample-vault.vault.azure.net/"
        );
        // The same PUT again is an update: 200.
        let again = replay(
            &c,
            &ex,
            "PUT",
            &format!("{path}?{KV}"),
            Some(ex["parameters"]["parameters"].clone()),
            KVF,
            "Vaults_CreateOrUpdate",
        )
        .await;
        assert_eq!(again.status, 200);
    }

    let create = example(&format!("{KVX}createVault.json"))["parameters"]["parameters"].clone();
    let ex = example(&format!("{KVX}updateVault.json"));
    let path = kv_setup(&c, &ex).await;
    c.put(&format!("{path}?{KV}"), create.clone()).await;
    replay(
        &c,
        &ex,
        "PATCH",
        &format!("{path}?{KV}"),
        Some(ex["parameters"]["parameters"].clone()),
        KVF,
        "Vaults_Update",
    )
    .await;

    let ex = example(&format!("{KVX}getVault.json"));
    let path = kv_setup(&c, &ex).await;
    let a = replay(
        &c,
        &ex,
        "GET",
        &format!("{path}?{KV}"),
        None,
        KVF,
        "Vaults_Get",
    )
    .await;
    assert_eq!(a.body["name"], "sample-vault");

    let ex = example(&format!("{KVX}listVaultByResourceGroup.json"));
    let (sub, rg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, sub, rg).await;
    c.put(
        &format!("{}?{KV}", vault_path(sub, rg, "sample-vault-2")),
        create.clone(),
    )
    .await;
    let a = replay(
        &c,
        &ex,
        "GET",
        &format!(
            "{}/providers/Microsoft.KeyVault/vaults?{KV}&$top=1",
            rg_path(sub, rg)
        ),
        None,
        KVF,
        "Vaults_ListByResourceGroup",
    )
    .await;
    assert_eq!(a.body["value"].as_array().unwrap().len(), 1);

    let ex = example(&format!("{KVX}deleteVault.json"));
    let path = kv_setup(&c, &ex).await;
    replay(
        &c,
        &ex,
        "DELETE",
        &format!("{path}?{KV}"),
        None,
        KVF,
        "Vaults_Delete",
    )
    .await;
    let gone = c.get(&format!("{path}?{KV}")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.code(), "ResourceNotFound");
}

#[tokio::test]
async fn deleted_vault_and_name_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let create = example(&format!("{KVX}createVault.json"))["parameters"]["parameters"].clone();

    let ex = example(&format!("{KVX}getDeletedVault.json"));
    let (sub, loc, name) = (
        p(&ex, "subscriptionId"),
        p(&ex, "location"),
        p(&ex, "vaultName"),
    );
    make_rg(&c, sub, "sample-group").await;
    let mut body = create.clone();
    body["location"] = json!(loc);
    c.put(
        &format!("{}?{KV}", vault_path(sub, "sample-group", name)),
        body.clone(),
    )
    .await;
    c.send(
        "DELETE",
        &format!("{}?{KV}", vault_path(sub, "sample-group", name)),
        None,
    )
    .await;
    let url = format!(
        "/subscriptions/{sub}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{name}?{KV}"
    );
    let a = replay(&c, &ex, "GET", &url, None, KVF, "Vaults_GetDeleted").await;
    assert_eq!(
        a.body["properties"]["vaultId"],
        format!(
            "/subscriptions/{sub}/resourceGroups/sample-group/providers/Microsoft.KeyVault/vaults/{name}"
        )
    );
    let list = c
        .get(&format!(
            "/subscriptions/{sub}/providers/Microsoft.KeyVault/deletedVaults?{KV}"
        ))
        .await;
    assert_eq!(list.status, 200);
    assert!(validate_response(KVF, "Vaults_ListDeleted", 200, &list.body).is_empty());
    assert_eq!(list.body["value"].as_array().unwrap().len(), 1);

    let ex = example(&format!("{KVX}purgeDeletedVault.json"));
    replay(
        &c,
        &ex,
        "POST",
        &url.replace("?", "/purge?"),
        None,
        KVF,
        "Vaults_PurgeDeleted",
    )
    .await;
    assert_eq!(c.get(&url).await.status, 404);

    let ex = example(
        "keyvault/resource-manager/Microsoft.KeyVault/stable/2022-07-01/examples/checkVaultNameAvailability.json",
    );
    let url = format!(
        "/subscriptions/{}/providers/Microsoft.KeyVault/checkNameAvailability?{KV}",
        p(&ex, "subscriptionId")
    );
    let a = replay(
        &c,
        &ex,
        "POST",
        &url,
        Some(ex["parameters"]["vaultName"].clone()),
        KVF,
        "Vaults_CheckNameAvailability",
    )
    .await;
    assert_eq!(a.body, ex["responses"]["200"]["body"]);
}

#[tokio::test]
async fn role_assignment_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let file = "authorization-RoleAssignmentsCalls.json";
    let dir = "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/";
    for name in [
        "RoleAssignments_CreateForSubscription.json",
        "RoleAssignments_CreateForResourceGroup.json",
        "RoleAssignments_CreateForResource.json",
    ] {
        let ex = example(&format!("{dir}{name}"));
        let scope = p(&ex, "scope");
        let segs: Vec<&str> = scope.split('/').collect();
        if segs.len() >= 4 {
            make_rg(&c, segs[1], segs[3]).await;
        }
        let url = format!(
            "/{scope}/providers/Microsoft.Authorization/roleAssignments/{}?{AUTHZ}",
            p(&ex, "roleAssignmentName")
        );
        let a = replay(
            &c,
            &ex,
            "PUT",
            &url,
            Some(ex["parameters"]["parameters"].clone()),
            file,
            "RoleAssignments_Create",
        )
        .await;
        assert_eq!(a.status, 201);
        assert_eq!(a.body["properties"]["scope"], format!("/{scope}"));
        // Clean slate for the next scope: a fresh emulator would also do, but the same principal
        // and role at another scope is a different assignment, so they coexist.
    }

    let ex = example(&format!("{dir}RoleAssignments_Get.json"));
    let scope = p(&ex, "scope");
    let name = p(&ex, "roleAssignmentName");
    let body = json!({"properties": {"roleDefinitionId": format!("/{scope}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"), "principalId": "ce2ce14e-85d7-4629-bdbc-454d0519d9aa", "principalType": "Group"}});
    let url = format!("/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?{AUTHZ}");
    assert_eq!(c.put(&url, body).await.status, 201);
    replay(&c, &ex, "GET", &url, None, file, "RoleAssignments_Get").await;

    let ex = example(&format!("{dir}RoleAssignments_ListForScope.json"));
    let url = format!(
        "/{}/providers/Microsoft.Authorization/roleAssignments?{AUTHZ}",
        p(&ex, "scope")
    );
    let a = replay(
        &c,
        &ex,
        "GET",
        &url,
        None,
        file,
        "RoleAssignments_ListForScope",
    )
    .await;
    // Subscription scope lists assignments at it and below: 3 at sub/RG/resource + the Get one.
    assert_eq!(a.body["value"].as_array().unwrap().len(), 4);
    let at = c.get(&format!("{}&$filter=atScope()", url)).await;
    assert_eq!(at.body["value"].as_array().unwrap().len(), 2);

    // Role definitions: the example's placeholders replaced by a built-in role at a real scope.
    let ex = example(&format!("{dir}GetRoleDefinitionByName.json"));
    let url = format!(
        "/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483?{AUTHZ}"
    );
    let a = replay(
        &c,
        &ex,
        "GET",
        &url,
        None,
        "authorization-RoleDefinitionsCalls.json",
        "RoleDefinitions_Get",
    )
    .await;
    assert_eq!(a.body["properties"]["roleName"], "Key Vault Administrator");
}

#[tokio::test]
async fn monitor_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let dir = "monitor/resource-manager/Microsoft.Insights/";

    let file = "diagnosticsSettings_API.json";
    let ex = example(&format!(
        "{dir}preview/2021-05-01-preview/examples/createOrUpdateDiagnosticSetting.json"
    ));
    let url = format!(
        "/{}/providers/Microsoft.Insights/diagnosticSettings/{}?api-version=2021-05-01-preview",
        p(&ex, "resourceUri"),
        p(&ex, "name")
    );
    replay(
        &c,
        &ex,
        "PUT",
        &url,
        Some(ex["parameters"]["parameters"].clone()),
        file,
        "DiagnosticSettings_CreateOrUpdate",
    )
    .await;
    let ex = example(&format!(
        "{dir}preview/2021-05-01-preview/examples/getDiagnosticSetting.json"
    ));
    let a = replay(&c, &ex, "GET", &url, None, file, "DiagnosticSettings_Get").await;
    assert_eq!(a.body["name"], "mysetting");
    let list = c
        .get(&format!(
            "/{}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview",
            p(&ex, "resourceUri")
        ))
        .await;
    assert!(
        validate_response(file, "DiagnosticSettings_List", 200, &list.body).is_empty(),
        "{}",
        list.body
    );
    assert_eq!(list.body["value"].as_array().unwrap().len(), 1);

    let file = "actionGroups_API.json";
    let ex = example(&format!(
        "{dir}stable/2021-09-01/examples/createOrUpdateActionGroup.json"
    ));
    let (sub, rg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, sub, rg).await;
    let url = format!(
        "{}/providers/Microsoft.Insights/actionGroups/{}?api-version=2021-09-01",
        rg_path(sub, rg),
        p(&ex, "actionGroupName")
    );
    let a = replay(
        &c,
        &ex,
        "PUT",
        &url,
        Some(ex["parameters"]["actionGroup"].clone()),
        file,
        "ActionGroups_CreateOrUpdate",
    )
    .await;
    assert_eq!(a.status, 201);
    let ex = example(&format!(
        "{dir}stable/2021-09-01/examples/getActionGroup.json"
    ));
    replay(&c, &ex, "GET", &url, None, file, "ActionGroups_Get").await;

    let file = "metricAlert_API.json";
    let ex = example(&format!(
        "{dir}stable/2018-03-01/examples/createOrUpdateMetricAlertSingleResource.json"
    ));
    let (sub, rg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, sub, rg).await;
    let url = format!(
        "{}/providers/Microsoft.Insights/metricAlerts/{}?api-version=2018-03-01",
        rg_path(sub, rg),
        p(&ex, "ruleName")
    );
    replay(
        &c,
        &ex,
        "PUT",
        &url,
        Some(ex["parameters"]["parameters"].clone()),
        file,
        "MetricAlerts_CreateOrUpdate",
    )
    .await;
    let ex = example(&format!(
        "{dir}stable/2018-03-01/examples/getMetricAlertSingleResource.json"
    ));
    replay(&c, &ex, "GET", &url, None, file, "MetricAlerts_Get").await;
    let list = c
        .get(&format!(
            "{}/providers/Microsoft.Insights/metricAlerts?api-version=2018-03-01",
            rg_path(sub, rg)
        ))
        .await;
    assert!(
        validate_response(file, "MetricAlerts_ListByResourceGroup", 200, &list.body).is_empty(),
        "{}",
        list.body
    );

    let file = "activityLogAlerts_API.json";
    let ex = example(&format!(
        "{dir}preview/2023-01-01-preview/examples/ActivityLogAlertRule_CreateOrUpdate.json"
    ));
    let (sub, rg) = (p(&ex, "subscriptionId"), p(&ex, "resourceGroupName"));
    make_rg(&c, sub, rg).await;
    let url = format!(
        "{}/providers/Microsoft.Insights/activityLogAlerts/{}?api-version=2023-01-01-preview",
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
    let ex = example(&format!(
        "{dir}preview/2023-01-01-preview/examples/ActivityLogAlertRule_Get.json"
    ));
    replay(&c, &ex, "GET", &url, None, file, "ActivityLogAlerts_Get").await;
    let list = c
        .get(&format!(
            "{}/providers/Microsoft.Insights/activityLogAlerts?api-version=2023-01-01-preview",
            rg_path(sub, rg)
        ))
        .await;
    assert!(
        validate_response(
            file,
            "ActivityLogAlerts_ListByResourceGroup",
            200,
            &list.body
        )
        .is_empty(),
        "{}",
        list.body
    );
}

#[tokio::test]
async fn subnet_examples() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let file = "2023-09-01/virtualNetwork.json";
    let ex = example(
        "network/resource-manager/Microsoft.Network/stable/2023-09-01/examples/SubnetCreateServiceEndpoint.json",
    );
    let url = format!(
        "{}/providers/Microsoft.Network/virtualNetworks/{}/subnets/{}?api-version=2023-09-01",
        rg_path(p(&ex, "subscriptionId"), p(&ex, "resourceGroupName")),
        p(&ex, "virtualNetworkName"),
        p(&ex, "subnetName")
    );
    let a = replay(
        &c,
        &ex,
        "PUT",
        &url,
        Some(ex["parameters"]["subnetParameters"].clone()),
        file,
        "Subnets_CreateOrUpdate",
    )
    .await;
    assert_eq!(
        a.body["properties"]["serviceEndpoints"][0]["provisioningState"],
        "Succeeded"
    );
    let ex = example(
        "network/resource-manager/Microsoft.Network/stable/2023-11-01/examples/SubnetGet.json",
    );
    replay(&c, &ex, "GET", &url, None, file, "Subnets_Get").await;
    // A subnet nobody created: synthetic, with the Key Vault service endpoint.
    let other = url.replace("subnet1", "elsewhere");
    let a = replay(&c, &ex, "GET", &other, None, file, "Subnets_Get").await;
    assert_eq!(
        a.body["properties"]["serviceEndpoints"][0]["service"],
        "Microsoft.KeyVault"
    );
}
