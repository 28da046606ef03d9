//! The executor against the in-process emulator over real HTTP, with the real credential flow
//! (azure_identity's client-secret credential against the emulator's token endpoint): shared
//! resources are created once, one vault's failure does not stop the others, soft-deleted and
//! taken names, and kvinit never sends DELETE.

use std::path::Path;
use std::sync::Arc;

use kvinit::apply::{
    self, ApplyOptions, ApplyReport, Interrupt, RecordingReporter, ResourceStatus, VaultStatus,
};
use kvinit::azure::{ArmClient, ClientSettings, Target};
use kvinit::model::desired::{DesiredState, desired_state};
use kvinit_emulator::{EmulatorConfig, RunningEmulator};

const TENANT: &str = "00000000-0000-0000-0000-00000000aaaa";
const SUB_A: &str = "11111111-1111-1111-1111-111111111111";
const SUB_B: &str = "22222222-2222-2222-2222-222222222222";
const SECRET: &str = "test-secret-apply";

fn plan(subscription: &str, apps: &[&str], regions: &[&str], extra_defaults: &str) -> DesiredState {
    parse(&plan_yaml(subscription, apps, regions, extra_defaults))
}

fn parse(yaml: &str) -> DesiredState {
    let plan = kvinit::plan_file::parse(Path::new("test.yaml"), yaml)
        .unwrap_or_else(|d| panic!("test plan is valid:\n{d}\n{yaml}"));
    desired_state(&plan)
}

fn plan_yaml(subscription: &str, apps: &[&str], regions: &[&str], extra_defaults: &str) -> String {
    format!(
        r#"apiVersion: kvinit/v1
tenantId: {TENANT}
regions: [{regions}]
environments:
  - name: dev
    subscriptionId: {subscription}
apps: [{apps}]
defaults:
  network:
    ipRules: [203.0.113.4]
  roleAssignments:
    - {{ principalId: 33333333-3333-3333-3333-333333333333, principalType: Group, role: Key Vault Administrator }}
  diagnostics:
    workspaceId: /subscriptions/{subscription}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law
  alerts:
    actionGroup: {{ name: "ag-kv-{{env}}", shortName: kvops, emails: [oncall@example.com] }}
{extra_defaults}"#,
        regions = regions.join(", "),
        apps = apps
            .iter()
            .map(|a| format!("{{ name: {a} }}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

async fn emulator() -> RunningEmulator {
    kvinit_emulator::start(EmulatorConfig {
        client_secret: SECRET.into(),
        assume_referenced_exist: true,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts")
}

fn clients(emu: &RunningEmulator) -> ArmClient {
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT.into(),
        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.into(),
        client_secret: SECRET.into(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    ArmClient::connect(&target, ClientSettings::default()).expect("clients")
}

async fn run(
    emu: &RunningEmulator,
    desired: &DesiredState,
) -> (ApplyReport, Arc<RecordingReporter>) {
    let recorder = Arc::new(RecordingReporter::default());
    let report = apply::apply(
        &clients(emu),
        desired,
        ApplyOptions::default(),
        recorder.clone(),
        Interrupt::new(),
    )
    .await
    .expect("observe succeeds");
    (report, recorder)
}

fn puts_to(emu: &RunningEmulator, path_suffix: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|r| {
            r.method == "PUT"
                && r.path
                    .to_ascii_lowercase()
                    .ends_with(&path_suffix.to_ascii_lowercase())
        })
        .count()
}

fn assert_no_delete(emu: &RunningEmulator) {
    let deletes: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE" || r.path.to_ascii_lowercase().ends_with("/purge"))
        .collect();
    assert!(deletes.is_empty(), "kvinit sent DELETE/purge: {deletes:?}");
}

#[tokio::test]
async fn shared_resources_are_created_once_and_a_rerun_writes_nothing() {
    let emu = emulator().await;
    let desired = plan(
        SUB_A,
        &["payments", "orders"],
        &["westeurope", "northeurope"],
        "",
    );
    assert_eq!(desired.vaults.len(), 4);
    let (report, recorder) = run(&emu, &desired).await;
    assert_eq!(report.totals.created, 4, "{report:#?}");
    assert!(report.all_converged());
    assert_eq!(
        emu.stats().rejected,
        0,
        "every request conforms to the ARM schemas"
    );
    // One action group and one shared resource group for the environment, written once.
    assert_eq!(
        puts_to(&emu, "/providers/Microsoft.Insights/actionGroups/ag-kv-dev"),
        1
    );
    assert_eq!(puts_to(&emu, "/resourceGroups/rg-kvinit-dev"), 1);
    // Every vault was written exactly once.
    for v in &desired.vaults {
        assert_eq!(
            puts_to(&emu, &format!("/vaults/{}", v.name)),
            1,
            "{}",
            v.name
        );
    }
    let finished = recorder
        .events()
        .iter()
        .filter(|e| matches!(e, apply::ApplyEvent::VaultFinished(_)))
        .count();
    assert_eq!(finished, 4);

    let before = emu.requests().len();
    let (again, _) = run(&emu, &desired).await;
    assert_eq!(again.totals.unchanged, 4, "{again:#?}");
    assert_eq!(again.requests.writes, 0);
    let writes_seen_by_emulator = emu.requests()[before..]
        .iter()
        // ARM requests only: the new run's token request is not an ARM call.
        .filter(|r| r.method != "GET" && r.path.starts_with("/subscriptions"))
        .count();
    assert_eq!(
        writes_seen_by_emulator,
        0,
        "{:?}",
        &emu.requests()[before..]
    );
    assert_no_delete(&emu);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_name_taken_in_another_subscription_fails_only_that_vault() {
    let emu = emulator().await;
    // Someone else (subscription A) owns kv-payments-dev-weu.
    let (first, _) = run(&emu, &plan(SUB_A, &["payments"], &["westeurope"], "")).await;
    assert_eq!(first.totals.created, 1);

    let desired = plan(SUB_B, &["payments", "orders"], &["westeurope"], "");
    let (report, _) = run(&emu, &desired).await;
    assert_eq!(report.totals.vaults, 2);
    assert_eq!(report.totals.failed, 1, "{report:#?}");
    assert_eq!(report.totals.created, 1);
    let failed = report
        .vaults
        .iter()
        .find(|v| v.name == "kv-payments-dev-weu")
        .unwrap();
    assert_eq!(failed.status, VaultStatus::Failed);
    let err = failed.error.as_ref().unwrap();
    assert_eq!(err.code, "VaultNameTaken");
    assert!(err.message.contains("naming.vault"), "{}", err.message);
    // Its dependents were skipped, not attempted; the root cause is said once, on the vault.
    let skipped = failed
        .changes
        .iter()
        .filter(|c| c.status == ResourceStatus::Skipped)
        .count();
    assert!(skipped >= 5, "{failed:#?}");
    assert_eq!(
        failed.changes.iter().filter(|c| c.error.is_some()).count(),
        1
    );
    assert_eq!(
        puts_to(
            &emu,
            &format!(
                "/subscriptions/{SUB_B}/resourceGroups/rg-payments-dev-weu/providers/Microsoft.Insights/metricAlerts/kv-payments-dev-weu-availability"
            )
        ),
        0
    );
    let ok = report
        .vaults
        .iter()
        .find(|v| v.name == "kv-orders-dev-weu")
        .unwrap();
    assert_eq!(ok.status, VaultStatus::Created);
    assert_no_delete(&emu);
    emu.shutdown().await.unwrap();
}

/// Soft-deletes a vault the way a user would (outside kvinit), through the emulator's ARM API.
async fn soft_delete(emu: &RunningEmulator, sub: &str, rg: &str, name: &str) {
    clients(emu)
        .delete(
            &format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}"),
            kvinit::model::desired::ResourceKind::Vault.api_version(),
        )
        .await
        .expect("delete");
}

#[tokio::test]
async fn a_soft_deleted_name_fails_by_default_and_is_recovered_on_request() {
    let emu = emulator().await;
    let desired = plan(SUB_A, &["payments"], &["westeurope"], "");
    let (first, _) = run(&emu, &desired).await;
    assert_eq!(first.totals.created, 1);
    soft_delete(&emu, SUB_A, "rg-payments-dev-weu", "kv-payments-dev-weu").await;
    let deletes_by_test = 1;

    // onSoftDeleted: fail (the default).
    let (report, _) = run(&emu, &desired).await;
    let v = &report.vaults[0];
    assert_eq!(v.status, VaultStatus::Failed, "{v:#?}");
    let err = v.error.as_ref().unwrap();
    assert_eq!(err.code, "VaultNameSoftDeleted");
    assert!(
        err.message.contains("onSoftDeleted: recover"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("scheduled to be purged on 20"),
        "{}",
        err.message
    );

    // onSoftDeleted: recover, with network rules that differ from the deleted vault's.
    let recover = plan(
        SUB_A,
        &["payments"],
        &["westeurope"],
        "  onSoftDeleted: recover\n",
    );
    let mut recover = recover;
    let new_rules = serde_json::json!([{ "value": "198.51.100.0/24" }]);
    for r in &mut recover.vaults[0].resources {
        if r.kind == kvinit::model::desired::ResourceKind::Vault {
            let mut body = r.body.to_value();
            body["properties"]["networkAcls"]["ipRules"] = new_rules.clone();
            r.body = body.into();
        }
    }
    let (report, _) = run(&emu, &recover).await;
    let v = &report.vaults[0];
    assert_eq!(v.status, VaultStatus::Created, "{v:#?}");
    let vault_change = v
        .changes
        .iter()
        .find(|c| c.kind == kvinit::model::desired::ResourceKind::Vault)
        .unwrap();
    assert_eq!(vault_change.status, ResourceStatus::Recovered);

    // The recovered vault ends with the plan's network rules, not the old ones.
    let (again, _) = run(&emu, &recover).await;
    assert_eq!(again.totals.unchanged, 1, "{again:#?}");
    assert_eq!(again.requests.writes, 0);
    let deletes = emu
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, deletes_by_test, "only the test's own DELETE");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_resource_that_could_not_be_read_fails_its_vault_and_nothing_is_written_for_it() {
    use kvinit::change::{LiveState, ReadError, diff::DiffOptions, diff_state};
    let emu = emulator().await;
    let desired = plan(SUB_A, &["payments", "orders"], &["westeurope"], "");
    let blind = &desired.vaults[0];
    // As if reading the first vault's resource group had answered 403.
    let mut live = LiveState::new();
    for r in &blind.resources {
        if r.id
            .ends_with(&format!("/resourceGroups/{}", blind.resource_group))
        {
            live.mark_unreadable(
                &r.id,
                ReadError {
                    code: "AuthorizationFailed".into(),
                    message: "no read access".into(),
                },
            );
        }
    }
    let changes = diff_state(&desired, &live, DiffOptions::default());
    let report = apply::execute(
        &clients(&emu),
        &changes,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
        std::time::Instant::now(),
    )
    .await;
    let failed = &report.vaults[0];
    assert_eq!(failed.status, VaultStatus::Failed);
    assert_eq!(failed.error.as_ref().unwrap().code, "AuthorizationFailed");
    assert_eq!(puts_to(&emu, &format!("/vaults/{}", blind.name)), 0);
    assert_eq!(
        puts_to(&emu, &format!("/resourceGroups/{}", blind.resource_group)),
        0
    );
    assert_eq!(report.vaults[1].status, VaultStatus::Created, "{report:#?}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_name_already_used_in_this_subscription_by_another_resource_group_is_named() {
    let emu = emulator().await;
    let (first, _) = run(&emu, &plan(SUB_A, &["payments"], &["westeurope"], "")).await;
    assert_eq!(first.totals.created, 1);
    // Same vault name, another resource-group pattern.
    let yaml = plan_yaml(SUB_A, &["payments"], &["westeurope"], "").replace(
        "regions:",
        "naming:\n  resourceGroup: \"rg2-{app}-{env}-{region}\"\nregions:",
    );
    let (report, _) = run(&emu, &parse(&yaml)).await;
    let v = &report.vaults[0];
    assert_eq!(v.status, VaultStatus::Failed, "{v:#?}");
    let err = v.error.as_ref().unwrap();
    assert_eq!(err.code, "VaultNameTaken");
    assert!(
        err.message.contains("already exists in this subscription"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("rg-payments-dev-weu"),
        "{}",
        err.message
    );
    emu.shutdown().await.unwrap();
}
