//! Every request kvinit sends, and its api-version, against the in-process emulator over real
//! HTTPS with the real credential flow: a full apply, a live plan, an audit by plan and by
//! subscription, and a soft-deleted-name recover. Each ARM request's api-version must be the one
//! of issue 10's table for its resource type (a type the table does not name — one added later —
//! must use the api-version of its kvinit descriptor, `ResourceKind::api_version`); no
//! `Microsoft.KeyVault` request may use a version older than 2026-02-01, and no request a
//! `-preview` version other than diagnostic settings'.

use std::path::Path;
use std::sync::Arc;

use kvinit::apply::{self, ApplyOptions, Interrupt, RecordingReporter, SilentReporter};
use kvinit::azure::inventory::{self, InventoryScope};
use kvinit::azure::{ArmClient, ClientSettings, Target};
use kvinit::model::desired::{DesiredState, ResourceKind, desired_state};
use kvinit_emulator::{EmulatorConfig, LoggedRequest, RunningEmulator};

const TENANT: &str = "00000000-0000-0000-0000-00000000aaaa";
const SUB: &str = "11111111-1111-1111-1111-111111111111";
const SECRET: &str = "test-secret-api-versions";

/// Issue 10's table: (lower-case path marker, ARM type, api-version). The first marker found
/// from the end of the path decides.
const TABLE: &[(&str, &str, &str)] = &[
    (
        "/providers/microsoft.insights/diagnosticsettings",
        "Microsoft.Insights/diagnosticSettings",
        "2021-05-01-preview",
    ),
    (
        "/providers/microsoft.authorization/roleassignments",
        "Microsoft.Authorization/roleAssignments",
        "2022-04-01",
    ),
    (
        "/providers/microsoft.authorization/roledefinitions",
        "Microsoft.Authorization/roleDefinitions",
        "2022-04-01",
    ),
    (
        "/providers/microsoft.insights/activitylogalerts",
        "Microsoft.Insights/activityLogAlerts",
        "2026-01-01",
    ),
    (
        "/providers/microsoft.insights/actiongroups",
        "Microsoft.Insights/actionGroups",
        "2023-01-01",
    ),
    (
        "/providers/microsoft.insights/metricalerts",
        "Microsoft.Insights/metricAlerts",
        "2018-03-01",
    ),
    (
        "/providers/microsoft.keyvault/",
        "Microsoft.KeyVault/*",
        "2026-02-01",
    ),
    (
        "/resourcegroups",
        "Microsoft.Resources/resourceGroups",
        "2021-04-01",
    ),
    (
        "/providers/microsoft.network/privateendpoints",
        "Microsoft.Network/privateEndpoints",
        "2023-09-01",
    ),
    (
        "/privatednszonegroups",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "2023-09-01",
    ),
    (
        "/providers/microsoft.network/virtualnetworks/",
        "Microsoft.Network/virtualNetworks/subnets",
        "2023-09-01",
    ),
    (
        "/providers/microsoft.authorization/locks",
        "Microsoft.Authorization/locks",
        "2020-05-01",
    ),
];

fn expected(path: &str) -> Option<(&'static str, &'static str)> {
    // A type kvinit manages that the table does not name (added after it, e.g. an extension
    // resource on the vault, whose path the `Microsoft.KeyVault/` row would otherwise take):
    // the api-version of its descriptor.
    if let Some(kind) = arm_type(path).and_then(|t| ResourceKind::from_arm_type(&t))
        && !TABLE
            .iter()
            .any(|(_, named, _)| names(named, kind.arm_type()))
    {
        return Some((kind.arm_type(), kind.api_version()));
    }
    let lower = path.to_ascii_lowercase();
    TABLE
        .iter()
        .filter_map(|(marker, kind, version)| lower.rfind(marker).map(|at| (at, *kind, *version)))
        .max_by_key(|(at, ..)| *at)
        .map(|(_, kind, version)| (kind, version))
}

/// Whether the table's `named` type (`Microsoft.KeyVault/*` for a whole namespace) covers
/// `arm_type` (case-insensitive).
fn names(named: &str, arm_type: &str) -> bool {
    let (named, arm_type) = (named.to_ascii_lowercase(), arm_type.to_ascii_lowercase());
    match named.strip_suffix('*') {
        Some(namespace) => arm_type.starts_with(namespace),
        None => named == arm_type,
    }
}

/// The ARM type a path names, from its last `/providers/{namespace}/{type}[/{name}/{type}…]`
/// (e.g. `Microsoft.Network/privateEndpoints/privateDnsZoneGroups`); `None` without one.
fn arm_type(path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let at = segs
        .iter()
        .rposition(|s| s.eq_ignore_ascii_case("providers"))?;
    let namespace = segs.get(at + 1)?;
    let types: Vec<&str> = segs[at + 2..].iter().step_by(2).copied().collect();
    (!types.is_empty()).then(|| format!("{namespace}/{}", types.join("/")))
}

fn plan(extra_defaults: &str) -> DesiredState {
    let yaml = format!(
        r#"apiVersion: kvinit/v1
tenantId: {TENANT}
regions: [westeurope]
environments:
  - name: dev
    subscriptionId: {SUB}
apps: [{{ name: payments }}, {{ name: orders }}]
defaults:
  network:
    ipRules: [203.0.113.4]
  roleAssignments:
    - {{ principalId: 33333333-3333-3333-3333-333333333333, principalType: Group, role: Key Vault Administrator }}
  diagnostics:
    workspaceId: /subscriptions/{SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law
  alerts:
    actionGroup: {{ name: "ag-kv-{{env}}", shortName: kvops, emails: [oncall@example.com] }}
{extra_defaults}
overrides:
  - app: orders
    settings:
      network:
        privateEndpoints:
          - subnetId: /subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe
            privateDnsZoneIds: [/subscriptions/{SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net]
      lock: {{ kind: CanNotDelete, notes: kvinit }}
"#
    );
    let plan = kvinit::plan_file::parse(Path::new("test.yaml"), &yaml)
        .unwrap_or_else(|d| panic!("test plan is valid:\n{d}"));
    desired_state(&plan)
}

fn client(emu: &RunningEmulator) -> ArmClient {
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT.into(),
        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.into(),
        client_secret: SECRET.into(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    ArmClient::connect(&target, ClientSettings::default()).expect("client")
}

#[tokio::test]
async fn every_request_uses_the_api_version_of_its_resource_type() {
    let emu = kvinit_emulator::start(EmulatorConfig {
        client_secret: SECRET.into(),
        assume_referenced_exist: true,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let arm = client(&emu);
    let desired = plan("");

    // 1. A full apply.
    let report = apply::apply(
        &arm,
        &desired,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("apply");
    assert!(report.all_converged(), "{report:#?}");

    // 2. A live plan (read phase and name checks).
    let mut changes = apply::plan_changes(&arm, &desired, ApplyOptions::default(), &SilentReporter)
        .await
        .expect("live plan");
    kvinit::live::check_names(&arm, &mut changes).await;

    // 3. Audit by plan, 4. audit by subscription.
    let planned_vaults: Vec<String> = desired
        .vaults
        .iter()
        .flat_map(|v| v.resources.iter())
        .filter(|r| r.kind == ResourceKind::Vault)
        .map(|r| r.id.clone())
        .collect();
    let by_plan = inventory::read(
        &arm,
        &InventoryScope {
            subscriptions: Vec::new(),
            planned_vaults: planned_vaults.clone(),
        },
    )
    .await
    .expect("audit by plan");
    assert_eq!(by_plan.vaults.len(), 2);
    inventory::read(
        &arm,
        &InventoryScope {
            subscriptions: vec![SUB.into()],
            planned_vaults: Vec::new(),
        },
    )
    .await
    .expect("audit by subscription");

    // 5. A soft-deleted name recovered (the test deletes like a user would, outside kvinit;
    // the first vault, `payments`, has no lock — the `orders` vault's lock would refuse it).
    arm.delete(&planned_vaults[0], ResourceKind::Vault.api_version())
        .await
        .expect("soft delete");
    let recover = plan("  onSoftDeleted: recover\n");
    let report = apply::apply(
        &arm,
        &recover,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("recover");
    assert!(report.all_converged(), "{report:#?}");

    let log: Vec<LoggedRequest> = emu.requests();
    let arm_requests: Vec<&LoggedRequest> = log
        .iter()
        .filter(|r| r.path.to_ascii_lowercase().starts_with("/subscriptions/"))
        .collect();
    assert!(arm_requests.len() > 40, "{}", arm_requests.len());
    let mut seen = std::collections::BTreeSet::new();
    for r in &arm_requests {
        let version = r
            .api_version
            .as_deref()
            .unwrap_or_else(|| panic!("no api-version: {r:?}"));
        let (kind, want) =
            expected(&r.path).unwrap_or_else(|| panic!("no table row for {} {}", r.method, r.path));
        assert_eq!(version, want, "{} {} ({kind})", r.method, r.path);
        if kind == "Microsoft.KeyVault/*" {
            assert!(
                !version.ends_with("-preview") && version >= "2026-02-01",
                "Key Vault request at {version}: {} {}",
                r.method,
                r.path
            );
        }
        if version.ends_with("-preview") {
            assert_eq!(kind, "Microsoft.Insights/diagnosticSettings", "{r:?}");
        }
        seen.insert(kind);
    }
    // Every row of the table was exercised (role definitions are read by ID only when a plan
    // names a custom role, so they may be absent).
    for (_, kind, _) in TABLE {
        if *kind != "Microsoft.Authorization/roleDefinitions" {
            assert!(seen.contains(kind), "no request for {kind}: {seen:?}");
        }
    }
    // checkNameAvailability and deleted vaults were asked (the recover needs both).
    let lower: Vec<String> = arm_requests
        .iter()
        .map(|r| r.path.to_ascii_lowercase())
        .collect();
    assert!(lower.iter().any(|p| p.ends_with("/checknameavailability")));
    assert!(lower.iter().any(|p| p.contains("/deletedvaults")));
    emu.shutdown().await.unwrap();
}

/// The descriptor fallback of [`expected`] finds every managed type from its ARM resource ID
/// shape (item and list paths), so a type added later is checked against its descriptor.
#[test]
fn a_type_the_table_does_not_name_is_found_by_its_arm_type() {
    for kind in ResourceKind::ALL {
        let d = kind.descriptor();
        // `{vaultId}/…`, `{privateEndpointId}/…`: under the parent's own ID shape.
        let id = match (d.id_shape.strip_prefix('{'), d.parent.resource_kind()) {
            (Some(rest), Some(parent)) => format!(
                "{}{}",
                parent.descriptor().id_shape,
                &rest[rest.find('}').unwrap() + 1..]
            ),
            _ => d.id_shape.to_string(),
        };
        if !id.contains("/providers/") {
            continue;
        }
        assert_eq!(
            arm_type(&id).and_then(|t| ResourceKind::from_arm_type(&t)),
            Some(kind),
            "{id}"
        );
        let list = &id[..id.rfind('/').unwrap()];
        assert_eq!(
            arm_type(list).and_then(|t| ResourceKind::from_arm_type(&t)),
            Some(kind),
            "{list}"
        );
    }
    assert_eq!(arm_type("/subscriptions/s/resourcegroups/rg"), None);
    // The table decides for the types it names, the `Microsoft.KeyVault/*` row included.
    assert!(names("Microsoft.KeyVault/*", "Microsoft.KeyVault/vaults"));
    assert!(names(
        "Microsoft.Authorization/locks",
        "microsoft.authorization/LOCKS"
    ));
    assert!(!names("Microsoft.KeyVault/*", "Microsoft.Dummy/widgets"));
}
