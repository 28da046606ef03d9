//! Private vaults (issue 12) end to end on the emulator over real HTTPS with the real
//! credential flow: `examples/private.yaml` applies 8 vaults with public network access off,
//! one approved private endpoint with a DNS zone group and a `CanNotDelete` lock each, a second
//! apply writes nothing, a DELETE of a locked vault is refused with 409 `ScopeLocked`, the
//! emulator's approval delay is waited out, and a plan that disables public access without a
//! private endpoint is refused before any ARM call.

use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use kvinit::apply::{self, ApplyOptions, Interrupt, RecordingReporter, SilentReporter};
use kvinit::azure::{ArmClient, ClientSettings, Target};
use kvinit::model::desired::{DesiredState, ResourceKind, desired_state};
use kvinit_emulator::{EmulatorConfig, FaultProfile, RunningEmulator};
use serde_json::Value;

const TENANT: &str = "00000000-0000-0000-0000-00000000aaaa";
const SUB: &str = "11111111-1111-1111-1111-111111111111";
const SECRET: &str = "test-secret-private-vaults";
const ZONE: &str = "privatelink.vaultcore.azure.net";

fn kvinit(args: &[&str], plan: &str, state: &Path) -> (Value, i32, String) {
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["-f", plan, "-o", "json"])
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (json, out.status.code().unwrap_or(-1), stderr)
}

fn resources(state: &Path) -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    v["resources"].as_object().unwrap().clone()
}

#[test]
fn private_example_applies_8_private_locked_vaults_and_reapplies_with_no_write() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (report, code, stderr) = kvinit(&["apply", "--yes"], "examples/private.yaml", &state);
    assert_eq!(code, 0, "{report:#}\n{stderr}");

    let res = resources(&state);
    let of_type = |t: &str| -> Vec<&Value> {
        res.values()
            .filter(|v| {
                v["type"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(t))
            })
            .collect()
    };
    let vaults = of_type("Microsoft.KeyVault/vaults");
    assert_eq!(vaults.len(), 8);
    for v in &vaults {
        let id = v["id"].as_str().unwrap();
        let name = v["name"].as_str().unwrap();
        let p = &v["properties"];
        assert_eq!(p["publicNetworkAccess"], "Disabled", "{name}");
        assert_eq!(p["networkAcls"]["defaultAction"], "Deny", "{name}");
        assert_eq!(p["networkAcls"]["ipRules"], serde_json::json!([]), "{name}");
        // Exactly one private endpoint connection, approved, from the endpoint kvinit named.
        let pecs = p["privateEndpointConnections"].as_array().unwrap();
        assert_eq!(pecs.len(), 1, "{name}: {pecs:#?}");
        assert_eq!(
            pecs[0]["properties"]["privateLinkServiceConnectionState"]["status"],
            "Approved"
        );
        let pe_id = pecs[0]["properties"]["privateEndpoint"]["id"]
            .as_str()
            .unwrap();
        assert!(
            pe_id.ends_with(&format!("/privateEndpoints/pe-{name}")),
            "{pe_id}"
        );
        // The endpoint: in the vault's resource group and region, tagged as the vault, group ID
        // `vault`, in the app's subnet of its environment and region.
        let pe = &res[&pe_id.to_ascii_lowercase()];
        assert_eq!(pe["location"], v["location"], "{name}");
        assert_eq!(pe["tags"], v["tags"], "{name}");
        let rg = &id[..id.to_ascii_lowercase().find("/providers/").unwrap()];
        assert!(pe_id.starts_with(rg), "{pe_id} in {rg}");
        let conn = &pe["properties"]["privateLinkServiceConnections"][0]["properties"];
        assert_eq!(conn["privateLinkServiceId"].as_str().unwrap(), id);
        assert_eq!(conn["groupIds"], serde_json::json!(["vault"]));
        let app = v["tags"]["kvinit-app"].as_str().unwrap();
        let env = v["tags"]["kvinit-env"].as_str().unwrap();
        let region = if v["location"] == "westeurope" {
            "weu"
        } else {
            "neu"
        };
        assert!(
            pe["properties"]["subnet"]["id"]
                .as_str()
                .unwrap()
                .ends_with(&format!(
                    "/virtualNetworks/vnet-{env}-{region}/subnets/snet-pe-{app}"
                )),
            "{pe:#}"
        );
        // Its zone group points at the central privatelink zone.
        let zg = &res[&format!(
            "{}/privatednszonegroups/default",
            pe_id.to_ascii_lowercase()
        )];
        let zone = zg["properties"]["privateDnsZoneConfigs"][0]["properties"]["privateDnsZoneId"]
            .as_str()
            .unwrap();
        assert!(
            zone.ends_with(&format!("/privateDnsZones/{ZONE}")),
            "{zone}"
        );
        // The lock.
        let lock = &res[&format!(
            "{}/providers/microsoft.authorization/locks/kvinit",
            id.to_ascii_lowercase()
        )];
        assert_eq!(lock["properties"]["level"], "CanNotDelete", "{name}");
        assert!(
            lock["properties"]["notes"]
                .as_str()
                .unwrap()
                .contains("kvinit")
        );
    }
    assert_eq!(of_type("Microsoft.Network/privateEndpoints").len(), 8);
    assert_eq!(of_type("Microsoft.Authorization/locks").len(), 8);

    let (again, code, stderr) = kvinit(&["apply", "--yes"], "examples/private.yaml", &state);
    assert_eq!(code, 0, "{again:#}\n{stderr}");
    assert_eq!(again["requests"]["writes"], 0, "{again:#}");
    let (plan, code, stderr) = kvinit(
        &["plan", "--detailed-exitcode"],
        "examples/private.yaml",
        &state,
    );
    assert_eq!(code, 0, "{:#}\n{stderr}", plan["summary"]);
}

#[test]
fn disabled_public_access_without_a_private_endpoint_is_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.yaml");
    let base = format!(
        "apiVersion: kvinit/v1\ntenantId: {TENANT}\nregions: [westeurope]\nenvironments:\n  - {{ name: dev, subscriptionId: {SUB} }}\napps: [{{ name: payments }}]\ndefaults:\n  network:\n    mode: private\n"
    );
    std::fs::write(&plan, &base).unwrap();
    let state = dir.path().join("state.json");
    let (_, code, stderr) = kvinit(&["apply", "--yes"], plan.to_str().unwrap(), &state);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("defaults.network.mode"), "{stderr}");
    assert!(stderr.contains("no private endpoint"), "{stderr}");
    assert!(stderr.contains("allowNoPrivateEndpoint"), "{stderr}");
    assert!(!state.exists(), "no ARM call, no emulator state");

    // Meant: accepted.
    std::fs::write(&plan, format!("{base}    allowNoPrivateEndpoint: true\n")).unwrap();
    let (_, code, stderr) = kvinit(&["plan"], plan.to_str().unwrap(), &state);
    assert_eq!(code, 0, "{stderr}");

    // Private mode allows no IP rule.
    std::fs::write(
        &plan,
        format!("{base}    allowNoPrivateEndpoint: true\n    ipRules: [203.0.113.4]\n"),
    )
    .unwrap();
    let (_, code, stderr) = kvinit(&["plan"], plan.to_str().unwrap(), &state);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("defaults.network.ipRules"), "{stderr}");
}

fn desired(extra: &str) -> DesiredState {
    let yaml = format!(
        r#"apiVersion: kvinit/v1
tenantId: {TENANT}
regions: [westeurope]
environments:
  - name: dev
    subscriptionId: {SUB}
apps: [{{ name: payments }}]
defaults:
  network:
    mode: private
    privateEndpoints:
      - subnetId: /subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe
        privateDnsZoneIds: [/subscriptions/{SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{ZONE}]
{extra}"#
    );
    let plan = kvinit::plan_file::parse(Path::new("test.yaml"), &yaml)
        .unwrap_or_else(|d| panic!("test plan is valid:\n{d}"));
    desired_state(&plan)
}

async fn emulator(faults: FaultProfile) -> (RunningEmulator, ArmClient) {
    let emu = kvinit_emulator::start(EmulatorConfig {
        client_secret: SECRET.into(),
        assume_referenced_exist: true,
        faults,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT.into(),
        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.into(),
        client_secret: SECRET.into(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    let arm = ArmClient::connect(&target, ClientSettings::default()).expect("client");
    (emu, arm)
}

fn vault_id(d: &DesiredState) -> String {
    d.vaults[0]
        .resources
        .iter()
        .find(|r| r.kind == ResourceKind::Vault)
        .unwrap()
        .id
        .clone()
}

#[tokio::test]
async fn deleting_a_locked_vault_through_the_emulator_api_gets_409_scope_locked() {
    let (emu, arm) = emulator(FaultProfile::none()).await;
    let d = desired("  lock: { kind: CanNotDelete }\n");
    let report = apply::apply(
        &arm,
        &d,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("apply");
    assert!(report.all_converged(), "{report:#?}");
    let id = vault_id(&d);
    let err = arm
        .delete(&id, ResourceKind::Vault.api_version())
        .await
        .expect_err("a locked vault is not deleted");
    assert_eq!(err.status, Some(409), "{err:?}");
    assert_eq!(err.code, "ScopeLocked", "{err:?}");
    assert!(
        err.message.contains("locks/") || err.message.contains(&id),
        "{err:?}"
    );
    // Still there.
    assert!(
        arm.get(&id, ResourceKind::Vault.api_version())
            .await
            .is_ok()
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn apply_waits_until_the_endpoints_connection_is_approved() {
    let (emu, arm) = emulator(FaultProfile {
        private_endpoint_approval_ms: 1_500,
        ..FaultProfile::none()
    })
    .await;
    let d = desired("");
    let started = std::time::Instant::now();
    let report = apply::apply(
        &arm,
        &d,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("apply");
    assert!(report.all_converged(), "{report:#?}");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(1_500),
        "the vault was reported done before its endpoint was approved ({:?})",
        started.elapsed()
    );
    let id = vault_id(&d);
    let vault = arm
        .get(&id, ResourceKind::Vault.api_version())
        .await
        .unwrap();
    let status = &vault["properties"]["privateEndpointConnections"][0]["properties"]["privateLinkServiceConnectionState"]
        ["status"];
    assert_eq!(status, "Approved", "{vault:#}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_endpoint_and_a_lock_kvinit_did_not_create_are_listed_as_unmanaged_and_left_alone() {
    let (emu, arm) = emulator(FaultProfile::none()).await;
    let d = desired("  lock: { kind: CanNotDelete }\n");
    let report = apply::apply(
        &arm,
        &d,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("apply");
    assert!(report.all_converged(), "{report:#?}");
    let vault = vault_id(&d);
    let rg = &vault[..vault.to_ascii_lowercase().find("/providers/").unwrap()];
    // Another team's endpoint to the vault and a ReadOnly lock of the operations team.
    let theirs = format!("{rg}/providers/Microsoft.Network/privateEndpoints/pe-other-team");
    let subnet = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-other"
    );
    let body = serde_json::json!({
        "location": "westeurope",
        "properties": {
            "subnet": { "id": subnet },
            "privateLinkServiceConnections": [{ "name": "other", "properties": {
                "privateLinkServiceId": vault, "groupIds": ["vault"] } }]
        }
    });
    arm.put(&theirs, ResourceKind::PrivateEndpoint.api_version(), &body)
        .await
        .expect("their endpoint");
    let ops_lock = format!("{vault}/providers/Microsoft.Authorization/locks/ops");
    arm.put(
        &ops_lock,
        ResourceKind::ManagementLock.api_version(),
        &serde_json::json!({ "properties": { "level": "ReadOnly" } }),
    )
    .await
    .expect("ops lock");

    let changes = apply::plan_changes(&arm, &d, ApplyOptions::default(), &SilentReporter)
        .await
        .expect("live plan");
    let unmanaged: Vec<(&str, &str)> = changes.vaults[0]
        .unmanaged
        .iter()
        .map(|u| (u.kind.as_str(), u.id.as_str()))
        .collect();
    assert!(
        unmanaged.contains(&("Microsoft.Network/privateEndpoints", theirs.as_str())),
        "{unmanaged:?}"
    );
    assert!(
        unmanaged.contains(&("Microsoft.Authorization/locks", ops_lock.as_str())),
        "{unmanaged:?}"
    );
    // kvinit's own endpoint and lock are not findings.
    assert_eq!(unmanaged.len(), 2, "{unmanaged:?}");

    // A re-apply writes nothing and leaves both alone.
    let before = emu.requests().len();
    let report = apply::apply(
        &arm,
        &d,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("re-apply");
    assert!(report.all_converged(), "{report:#?}");
    let writes: Vec<String> = emu.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert!(
        arm.get(&theirs, ResourceKind::PrivateEndpoint.api_version())
            .await
            .is_ok()
    );
    assert!(
        arm.get(&ops_lock, ResourceKind::ManagementLock.api_version())
            .await
            .is_ok()
    );
    emu.shutdown().await.unwrap();
}

#[test]
fn a_plan_that_opens_a_private_vault_or_drops_its_lock_changes_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (report, code, stderr) = kvinit(&["apply", "--yes"], "examples/private.yaml", &state);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    // The same plan, public and without its lock.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/private.yaml"),
    )
    .unwrap();
    let public: String = text
        .replace("    mode: private", "    mode: public")
        .lines()
        .filter(|l| !l.starts_with("  lock:") && !l.starts_with("    kind: CanNotDelete"))
        .filter(|l| !l.starts_with("    notes: \"Managed by kvinit"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!public.contains("lock:") && public.contains("mode: public"));
    let plan = dir.path().join("public.yaml");
    std::fs::write(&plan, public).unwrap();

    let (shown, code, stderr) = kvinit(
        &["plan", "--detailed-exitcode"],
        plan.to_str().unwrap(),
        &state,
    );
    assert_eq!(code, 0, "nothing to send: {:#}\n{stderr}", shown["summary"]);
    let vaults = shown["vaults"].as_array().unwrap();
    assert_eq!(vaults.len(), 8);
    for v in vaults {
        let text = v.to_string();
        assert!(
            text.contains("publicNetworkAccess Disabled; plan: Enabled"),
            "the kept stricter value is named: {v:#}"
        );
        assert!(
            text.contains("kvinit's lock, no longer in the plan; kvinit never removes a lock"),
            "{v:#}"
        );
    }
    let (again, code, stderr) = kvinit(&["apply", "--yes"], plan.to_str().unwrap(), &state);
    assert_eq!(code, 0, "{again:#}\n{stderr}");
    assert_eq!(again["requests"]["writes"], 0, "{again:#}");
    let res = resources(&state);
    let vaults: Vec<&Value> = res
        .values()
        .filter(|v| v["type"] == "Microsoft.KeyVault/vaults")
        .collect();
    assert_eq!(vaults.len(), 8);
    for v in vaults {
        assert_eq!(v["properties"]["publicNetworkAccess"], "Disabled");
        let lock = format!(
            "{}/providers/microsoft.authorization/locks/kvinit",
            v["id"].as_str().unwrap().to_ascii_lowercase()
        );
        assert_eq!(res[&lock]["properties"]["level"], "CanNotDelete");
    }
}

/// A plan whose four apps use: a subnet without the Microsoft.KeyVault endpoint (VNet rule), a
/// delegated subnet (private endpoint), a subnet that does not exist (VNet rule), and good ones.
fn subnet_plan() -> DesiredState {
    let net = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets"
    );
    let yaml = format!(
        r#"apiVersion: kvinit/v1
tenantId: {TENANT}
regions: [westeurope]
environments:
  - name: dev
    subscriptionId: {SUB}
apps: [{{ name: noep }}, {{ name: deleg }}, {{ name: missing }}, {{ name: good }}]
defaults:
  network:
    virtualNetworkRules: [{net}/snet-ok]
    privateEndpoints: [{{ subnetId: {net}/snet-ok }}]
overrides:
  - app: noep
    settings: {{ network: {{ virtualNetworkRules: [{net}/snet-noep] }} }}
  - app: deleg
    settings: {{ network: {{ privateEndpoints: [{{ subnetId: {net}/snet-deleg }}] }} }}
  - app: missing
    settings: {{ network: {{ virtualNetworkRules: [{net}/snet-missing] }} }}
"#
    );
    let plan = kvinit::plan_file::parse(Path::new("subnets.yaml"), &yaml)
        .unwrap_or_else(|d| panic!("test plan is valid:\n{d}"));
    desired_state(&plan)
}

#[tokio::test]
async fn subnets_are_read_once_and_their_problems_fail_only_the_vaults_that_use_them() {
    let emu = kvinit_emulator::start(EmulatorConfig {
        client_secret: SECRET.into(),
        assume_referenced_exist: false,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT.into(),
        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.into(),
        client_secret: SECRET.into(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    let arm = ArmClient::connect(&target, ClientSettings::default()).expect("client");
    // The network team's subnets, written by another client (kvinit's client treats a 404 right
    // after its own write under the same path as read-after-write lag).
    let network_team = ArmClient::connect(&target, ClientSettings::default()).expect("client");
    let rg = format!("/subscriptions/{SUB}/resourceGroups/rg-net");
    network_team
        .put(
            &rg,
            ResourceKind::ResourceGroup.api_version(),
            &serde_json::json!({ "location": "westeurope" }),
        )
        .await
        .unwrap();
    let subnet = |name: &str| {
        format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/{name}")
    };
    for (name, props) in [
        (
            "snet-ok",
            serde_json::json!({ "addressPrefix": "10.0.1.0/24",
                "serviceEndpoints": [{ "service": "Microsoft.KeyVault" }] }),
        ),
        (
            "snet-noep",
            serde_json::json!({ "addressPrefix": "10.0.2.0/24" }),
        ),
        (
            "snet-deleg",
            serde_json::json!({ "addressPrefix": "10.0.3.0/24",
                "delegations": [{ "name": "web", "properties": { "serviceName": "Microsoft.Web/serverFarms" } }] }),
        ),
    ] {
        network_team
            .put(
                &subnet(name),
                "2023-09-01",
                &serde_json::json!({ "properties": props }),
            )
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    let d = subnet_plan();
    let before = emu.requests().len();
    let changes = apply::plan_changes(&arm, &d, ApplyOptions::default(), &SilentReporter)
        .await
        .expect("live plan");
    // Each distinct subnet read once, shared by the vaults.
    let mut subnet_gets: Vec<String> = emu.requests()[before..]
        .iter()
        .filter(|r| r.method == "GET" && r.path.to_ascii_lowercase().contains("/subnets/"))
        .map(|r| r.path.to_ascii_lowercase())
        .collect();
    subnet_gets.sort();
    let statuses: Vec<String> = emu.requests()[before..]
        .iter()
        .filter(|r| r.path.to_ascii_lowercase().contains("/subnets/"))
        .map(|r| format!("{} {} {}", r.status, r.method, r.path))
        .collect();
    let n = subnet_gets.len();
    subnet_gets.dedup();
    assert_eq!(n, subnet_gets.len(), "one GET per subnet: {statuses:#?}");
    assert_eq!(n, 4, "{subnet_gets:?}");
    let blocked = |app: &str| -> Vec<String> {
        changes
            .vaults
            .iter()
            .find(|v| v.name.contains(app))
            .unwrap()
            .resources
            .iter()
            .flat_map(|r| {
                r.blocked
                    .iter()
                    .map(|b| format!("{}: {b}", r.kind.arm_type()))
            })
            .collect()
    };
    let noep = blocked("noep");
    assert!(
        noep.len() == 1
            && noep[0].starts_with("Microsoft.KeyVault/vaults: ")
            && noep[0].contains(&subnet("snet-noep"))
            && noep[0].contains("Microsoft.KeyVault` service endpoint"),
        "{noep:?}"
    );
    let deleg = blocked("deleg");
    assert!(
        deleg.len() == 1
            && deleg[0].starts_with("Microsoft.Network/privateEndpoints: ")
            && deleg[0].contains(&subnet("snet-deleg"))
            && deleg[0].contains("delegated to Microsoft.Web/serverFarms"),
        "{deleg:?}"
    );
    let missing = blocked("missing");
    assert!(
        missing.len() == 1
            && missing[0].contains(&subnet("snet-missing"))
            && missing[0].contains("does not exist"),
        "{missing:?}"
    );
    assert!(blocked("good").is_empty(), "{:?}", blocked("good"));

    // Apply: the three vaults fail naming their subnet, the good one converges.
    let report = apply::apply(
        &arm,
        &d,
        ApplyOptions::default(),
        Arc::new(RecordingReporter::default()),
        Interrupt::new(),
    )
    .await
    .expect("apply");
    let json = serde_json::to_value(&report).unwrap();
    for v in json["vaults"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        if name.contains("good") {
            assert_eq!(v["status"], "created", "{v:#}");
        } else {
            assert_eq!(v["status"], "failed", "{v:#}");
            let app = name.split('-').nth(1).unwrap();
            let message = v["error"]["message"].as_str().unwrap();
            assert!(message.contains(&format!("/subnets/snet-{app}")), "{v:#}");
        }
    }
    // Nothing was sent that Azure would refuse for those subnets.
    let refused: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.status >= 400)
        .map(|r| format!("{} {} {}", r.status, r.method, r.path))
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
    emu.shutdown().await.unwrap();
}
