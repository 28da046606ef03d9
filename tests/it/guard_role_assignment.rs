//! A role assignment the plan asks for that already exists at the vault scope under another name
//! (made by the portal, `az` or Terraform) satisfies the plan: kvinit sends no PUT (ARM would
//! answer 409 `RoleAssignmentExists` on every run) and says which assignment satisfies it. And
//! when one appears between the read phase and the PUT, the 409 is re-read and treated the same.
//! Over real HTTP against the emulator with the real credential flow; the out-of-band role
//! assignment is made through the emulator's ARM API with a token from its token endpoint.

use crate::support;

use std::path::Path;
use std::sync::Arc;

use kvinit::apply::{
    self, ApplyOptions, Interrupt, RecordingReporter, ResourceStatus, VaultStatus,
};
use kvinit::azure::{ArmClient, ClientSettings, Target};
use kvinit_emulator::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig};
use serde_json::{Value, json};
use support::drift::*;

const OTHER_PRINCIPAL: &str = "5d2a3c1e-7b4f-4e6a-9c8d-1f0e2b3a4c5d";
const SECRETS_OFFICER: &str = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
/// The name the portal gave the assignment (not kvinit's UUID v5).
const PORTAL_NAME: &str = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

/// The drift plan with one more grant: the other principal as Key Vault Secrets Officer.
fn plan_with_grant() -> String {
    plan_yaml("    ipRules: [203.0.113.0/24]\n", "").replace(
        "      role: Key Vault Administrator\n",
        &format!(
            "      role: Key Vault Administrator\n    - principalId: {OTHER_PRINCIPAL}\n      \
             principalType: ServicePrincipal\n      role: Key Vault Secrets Officer\n"
        ),
    )
}

fn portal_id() -> String {
    format!(
        "{}/providers/Microsoft.Authorization/roleAssignments/{PORTAL_NAME}",
        vault_id()
    )
}

/// The portal's body: the same grant, IDs in other casings.
fn portal_body() -> Value {
    json!({ "properties": {
        "roleDefinitionId": format!(
            "/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{}",
            SECRETS_OFFICER.to_ascii_uppercase()
        ),
        "principalId": OTHER_PRINCIPAL.to_ascii_uppercase(),
        "principalType": "ServicePrincipal" } })
}

fn grant_entry(plan: &Value) -> &Value {
    resources(plan)
        .into_iter()
        .filter(|r| r["type"] == "Microsoft.Authorization/roleAssignments")
        .find(|r| r["principalId"] == OTHER_PRINCIPAL || r.to_string().contains(OTHER_PRINCIPAL))
        .expect("the plan has the grant")
}

#[test]
fn an_equivalent_role_assignment_made_by_the_portal_satisfies_the_plan() {
    let d = Drift::new(&plan_yaml("    ipRules: [203.0.113.0/24]\n", ""));
    d.apply();
    d.out_of_band(|arm| async move {
        arm.put(&portal_id(), RA_API, portal_body()).await;
    });
    std::fs::write(&d.plan, plan_with_grant()).unwrap();
    for run in 0..2 {
        let (plan, code) = d.plan_with(&[]);
        assert_eq!(code, 0, "run {run}: satisfied, not pending: {plan:#}");
        let grant = grant_entry(&plan);
        assert_eq!(grant["action"], "noChange", "{grant:#}");
        assert_eq!(
            grant["notReconcilable"],
            json!([format!(
                "satisfied by existing role assignment {PORTAL_NAME} (not created by kvinit)"
            )]),
            "{grant:#}"
        );
        assert!(
            plan["vaults"][0].get("unmanaged").is_none(),
            "shown on the grant, not again as unmanaged: {plan:#}"
        );
        let (report, code) = d.apply_with(&[]);
        assert_eq!(code, 0, "run {run}: {report:#}");
        assert_eq!(report["vaults"][0]["status"], "unchanged", "{report:#}");
        assert_eq!(report["requests"]["writes"], 0, "no PUT: {report:#}");
    }
    let table = d.kvinit(&["plan", "-f", "kvinit.yaml"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(&format!(
            "note: satisfied by existing role assignment {PORTAL_NAME} (not created by kvinit)"
        )),
        "{table}"
    );
}

fn desired(yaml: &str) -> kvinit::model::desired::DesiredState {
    let plan = kvinit::plan_file::parse(Path::new("kvinit.yaml"), yaml)
        .unwrap_or_else(|d| panic!("test plan is valid:\n{d}"));
    kvinit::model::desired::desired_state(&plan)
}

#[tokio::test]
async fn a_409_role_assignment_exists_after_the_read_phase_is_re_read_and_satisfied() {
    let emu = kvinit_emulator::start(EmulatorConfig {
        assume_referenced_exist: true,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT.into(),
        client_id: DEFAULT_CLIENT_ID.into(),
        client_secret: DEFAULT_CLIENT_SECRET.into(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    let clients = ArmClient::connect(&target, ClientSettings::default()).expect("clients");
    let quiet = Arc::new(RecordingReporter::default());
    let first = apply::apply(
        &clients,
        &desired(&plan_yaml("    ipRules: [203.0.113.0/24]\n", "")),
        ApplyOptions::default(),
        quiet.clone(),
        Interrupt::new(),
    )
    .await
    .expect("observe");
    assert_eq!(first.vaults[0].status, VaultStatus::Created, "{first:#?}");

    // The read phase sees no such grant, so the change set creates it under kvinit's name …
    let with_grant = desired(&plan_with_grant());
    let changes = apply::plan_changes(
        &clients,
        &with_grant,
        ApplyOptions::default(),
        quiet.as_ref(),
    )
    .await
    .expect("observe");
    let mine = changes.vaults[0]
        .resources
        .iter()
        .find(|r| r.body.to_string().contains(OTHER_PRINCIPAL))
        .expect("the grant is created")
        .id
        .clone();
    // … and the portal makes it before the PUT.
    let arm = Arm::connect(emu.base_url(), emu.ca_certificate_pem(), TENANT).await;
    let resp = arm.put_response(&portal_id(), RA_API, &portal_body()).await;
    assert_eq!(resp.status().as_u16(), 201);

    let report = apply::execute(
        &clients,
        &changes,
        ApplyOptions::default(),
        quiet.clone(),
        Interrupt::new(),
        std::time::Instant::now(),
    )
    .await;
    let vault = &report.vaults[0];
    assert_ne!(vault.status, VaultStatus::Failed, "{vault:#?}");
    let grant = vault
        .changes
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(&mine))
        .unwrap();
    assert_eq!(grant.status, ResourceStatus::Unchanged, "{grant:#?}");
    let puts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path.eq_ignore_ascii_case(&mine))
        .collect();
    assert_eq!(puts.len(), 1, "one PUT answered 409, not retried: {puts:?}");
    let mine_now = arm.get_response(&mine, RA_API).await;
    assert_eq!(mine_now.status().as_u16(), 404, "no duplicate grant");
    emu.shutdown().await.unwrap();
}
