//! Unit tests of parsing and validation: one `check(input, expect)` helper comparing the
//! rendered diagnostics (or a summary of the plan) with the expected text.

use std::path::Path;

use super::parse;

/// Parses `input` as `kvinit.yaml`; renders either the diagnostics or one line per cell
/// (`vault rg location subscription`).
fn check(input: &str, expect: &str) {
    let got = match parse(Path::new("kvinit.yaml"), input) {
        Ok(plan) => plan
            .cells
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {}",
                    c.vault_name, c.resource_group, c.region.name, c.subscription_id
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(d) => d.to_string(),
    };
    assert_eq!(got.trim(), expect.trim(), "\n--- got ---\n{got}\n");
}

const HEAD: &str = "apiVersion: kvinit/v1
tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
regions: [westeurope]
environments:
  - name: prod
    subscriptionId: 11111111-1111-1111-1111-111111111111
apps:
  - name: payments
";

#[test]
fn minimal_plan_expands() {
    check(
        HEAD,
        "kv-payments-prod-weu rg-payments-prod-weu westeurope 11111111-1111-1111-1111-111111111111",
    );
}

#[test]
fn matrix_order_excludes_and_tokens() {
    check(
        "apiVersion: kvinit/v1
tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
naming:
  vault: \"kv-{app:3}-{env:1}-{region}\"
  resourceGroup: \"rg-{app}-{location}\"
regions: [westeurope, northeurope]
environments:
  - { name: dev, subscriptionId: 6F1C2A9E-4B7D-4E3A-9C1F-2D8E5B7A3C10 }
  - { name: prod, subscriptionId: 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e }
apps: [{ name: payments }, { name: orders }]
exclude:
  - { app: payments, env: dev, region: northeurope }
  - { app: orders, env: prod }
",
        "kv-pay-d-weu rg-payments-westeurope westeurope 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10
kv-pay-p-weu rg-payments-westeurope westeurope 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e
kv-pay-p-neu rg-payments-northeurope northeurope 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e
kv-ord-d-weu rg-orders-westeurope westeurope 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10
kv-ord-d-neu rg-orders-northeurope northeurope 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10",
    );
}

/// Parses and renders selected settings of every cell, to test layering end to end.
fn check_settings(input: &str, expect: &str) {
    let plan = parse(Path::new("kvinit.yaml"), input).unwrap_or_else(|d| panic!("{d}"));
    let got: Vec<String> = plan
        .cells
        .iter()
        .map(|c| {
            let s = &c.settings;
            let roles: Vec<&str> = s
                .role_assignments
                .iter()
                .map(|r| r.role.name.as_str())
                .collect();
            format!(
                "{}: sku={} days={} ip={:?} vnet={:?} roles={:?} tags={:?} ag={}",
                c.vault_name,
                s.sku.arm(),
                s.soft_delete_retention_days,
                s.network.ip_rules,
                s.network.virtual_network_rules,
                roles,
                s.tags,
                s.alerts.action_group.name
            )
        })
        .collect();
    assert_eq!(got.join("\n"), expect.trim(), "\n{}", got.join("\n"));
}

#[test]
fn layering_defaults_env_app_overrides() {
    check_settings(
        &format!(
            "{HEAD}  - name: orders
regions: [westeurope, northeurope]
defaults:
  softDeleteRetentionDays: 30
  network: {{ ipRules: [203.0.113.7], virtualNetworkRules: [\"/subscriptions/{{subscriptionId}}/resourceGroups/rg-net-{{region}}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/{{app}}\"] }}
  roleAssignments: [{{ principalId: 3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58, principalType: Group, role: Key Vault Administrator }}]
  tags: {{ owner: platform }}
apps:
  - name: payments
    settings:
      sku: premium
      roleAssignments: [{{ principalId: 9e1a3c5b-7d2f-4a8e-b6c0-1f3e5a7c9d24, principalType: ServicePrincipal, role: Key Vault Crypto User }}]
overrides:
  - {{ app: payments, region: northeurope, settings: {{ network: {{ ipRules: [] }}, tags: {{ dr: \"yes\" }} }} }}
  - {{ region: northeurope, settings: {{ softDeleteRetentionDays: 90, network: {{ ipRules: [198.51.100.0/24] }} }} }}
"
        )
        .replace("apps:\n  - name: payments\n  - name: orders\nregions: [westeurope, northeurope]\n", "")
        .replace("regions: [westeurope]\n", "regions: [westeurope, northeurope]\n"),
        r#"
kv-payments-prod-weu: sku=premium days=30 ip=["203.0.113.7/32"] vnet=["/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net-weu/providers/Microsoft.Network/virtualNetworks/vnet/subnets/payments"] roles=["Key Vault Administrator", "Key Vault Crypto User"] tags={"managedBy": "kvinit", "owner": "platform"} ag=ag-kv-prod
kv-payments-prod-neu: sku=premium days=90 ip=[] vnet=["/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net-neu/providers/Microsoft.Network/virtualNetworks/vnet/subnets/payments"] roles=["Key Vault Administrator", "Key Vault Crypto User"] tags={"dr": "yes", "managedBy": "kvinit", "owner": "platform"} ag=ag-kv-prod
"#,
    );
}

#[test]
fn all_problems_are_reported_at_once_in_a_stable_order() {
    check(
        "apiVersion: kvinit/v1
tenantId: nope
regions: [westeurope, mars]
environments:
  - { name: prod, subscriptionId: 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e }
apps: [{ name: payments }]
defaults:
  softDeleteRetentionDays: 3
  network: { bypass: none, ipRules: [192.168.1.1] }
",
        "error: tenant ID `nope` is not a GUID
  --> kvinit.yaml:2:11 (tenantId)
hint: write it as 8-4-4-4-12 hex digits, e.g. `72f988bf-86f1-41af-91ab-2d7cd011db47`

error: unknown Azure region `mars`
  --> kvinit.yaml:3:23 (regions[1])
hint: use an ARM location name such as `westeurope` (see `az account list-locations`)

error: softDeleteRetentionDays is 3; Key Vault allows 7–90 days
  --> kvinit.yaml:8:28 (defaults.softDeleteRetentionDays)
hint: use 90 (the compliance profile's value); it cannot be changed after the vault is created

error: IP rule `192.168.1.1` is a private or reserved range (in 192.168.0.0/16, RFC 1918 private); Key Vault firewall rules accept public addresses only
  --> kvinit.yaml:9:38 (defaults.network.ipRules[0])
hint: reach the vault from private networks with `virtualNetworkRules` (subnets with the Microsoft.KeyVault service endpoint)

error: 4 problems in kvinit.yaml; nothing was sent to Azure",
    );
}

#[test]
fn shared_action_group_must_not_differ_between_cells() {
    check(
        &format!(
            "{HEAD}  - name: orders
    settings:
      alerts: {{ actionGroup: {{ emails: [orders@example.com] }} }}
"
        ),
        "error: action group `ag-kv-prod` is shared by environment `prod`, but this cell sets it differently from app `payments`, region `westeurope`
  --> kvinit.yaml:11:32 (apps[1].settings.alerts.actionGroup) for app `orders`, env `prod`, region `westeurope`
hint: set `alerts.actionGroup` in `defaults` or in the environment's settings, not per app or region

error: 1 problem in kvinit.yaml; nothing was sent to Azure",
    );
}

#[test]
fn vault_names_are_unique_case_insensitively_across_subscriptions() {
    check(
        "apiVersion: kvinit/v1
tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
naming: { vault: \"kv-{app}-{region}\" }
regions: [westeurope]
environments:
  - { name: dev, subscriptionId: 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10 }
  - { name: prod, subscriptionId: 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e }
apps: [{ name: payments }]
",
        "error: vault name `kv-payments-weu` is also generated for app `payments`, env `dev`, region `westeurope`; vault names are global
  --> kvinit.yaml:3:18 (naming.vault) for app `payments`, env `prod`, region `westeurope`
hint: include {app}, {env} and {region} in `naming.vault` so every cell gets its own vault

error: 1 problem in kvinit.yaml; nothing was sent to Azure",
    );
}

#[test]
fn empty_and_syntax_errors() {
    check(
        "",
        "error: the plan file is empty\n  --> kvinit.yaml\nhint: start from `kvinit init --defaults`\n\nerror: 1 problem in kvinit.yaml; nothing was sent to Azure",
    );
    check(
        "- a\n- b\n",
        "error: `the plan` must be a mapping (key: value pairs)\n  --> kvinit.yaml:1:1\n\nerror: 1 problem in kvinit.yaml; nothing was sent to Azure",
    );
}

#[test]
fn shipped_plans_are_valid() {
    for (name, text) in [
        (
            "examples/minimal.yaml",
            include_str!("../../examples/minimal.yaml"),
        ),
        (
            "examples/contoso.yaml",
            include_str!("../../examples/contoso.yaml"),
        ),
    ] {
        let plan = parse(Path::new(name), text).unwrap_or_else(|d| panic!("{d}"));
        assert!(!plan.cells.is_empty(), "{name}");
    }
}

#[test]
fn the_starter_plan_lists_every_placeholder_to_replace() {
    let text = include_str!("../../templates/starter.yaml");
    let d = parse(Path::new("kvinit.yaml"), text).unwrap_err();
    let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "tenantId",
            "environments[0].subscriptionId",
            "environments[1].subscriptionId",
            "defaults.roleAssignments[0].principalId",
            "defaults.diagnostics.workspaceId",
        ]
    );
    assert!(
        d.iter().all(|d| d.message.contains("placeholder")
            && d.hint
                .as_deref()
                .unwrap()
                .starts_with("replace the placeholder")),
        "{d}"
    );
    // With real IDs in place of the placeholders, the starter plan is valid.
    let filled = text
        .replacen(
            "00000000-0000-0000-0000-000000000000",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            1,
        )
        .replacen(
            "00000000-0000-0000-0000-000000000000",
            "11111111-1111-1111-1111-111111111111",
            1,
        )
        .replacen(
            "00000000-0000-0000-0000-000000000000",
            "22222222-2222-2222-2222-222222222222",
            1,
        )
        .replace(
            "00000000-0000-0000-0000-000000000000",
            "33333333-3333-3333-3333-333333333333",
        );
    let plan = parse(Path::new("kvinit.yaml"), &filled).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(plan.cells.len(), 2);
}

#[test]
fn a_byte_order_mark_is_ignored_and_locations_stay_right() {
    let text = format!("\u{feff}{HEAD}defaults:\n  softDeleteRetentionDays: 3\n");
    check(
        &text,
        "error: softDeleteRetentionDays is 3; Key Vault allows 7–90 days
  --> kvinit.yaml:10:28 (defaults.softDeleteRetentionDays)
hint: use 90 (the compliance profile's value); it cannot be changed after the vault is created

error: 1 problem in kvinit.yaml; nothing was sent to Azure",
    );
    let ok = format!("\u{feff}{HEAD}");
    assert!(parse(Path::new("kvinit.yaml"), &ok).is_ok());
}

#[test]
fn duplicate_principal_and_role_across_layers_is_one_assignment() {
    let text = format!(
        "{HEAD}  - name: orders
    settings:
      roleAssignments:
        - {{ principalId: 3C7E1D5A-0B4F-4E0A-9C1D-2B3A4C5D6E7F, role: key vault administrator }}
defaults:
  roleAssignments:
    - {{ principalId: 3c7e1d5a-0b4f-4e0a-9c1d-2b3a4c5d6e7f, principalType: Group, role: Key Vault Administrator }}
"
    );
    let plan = parse(Path::new("kvinit.yaml"), &text).unwrap_or_else(|d| panic!("{d}"));
    for c in &plan.cells {
        let ras = &c.settings.role_assignments;
        assert_eq!(ras.len(), 1, "{}: {ras:?}", c.app);
        assert_eq!(
            ras[0].principal_type,
            Some(crate::model::settings::PrincipalType::Group)
        );
    }
    let state = crate::model::desired::desired_state(&plan);
    for v in &state.vaults {
        let ids: Vec<&str> = v
            .resources
            .iter()
            .filter(|r| r.kind == crate::model::desired::ResourceKind::RoleAssignment)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids.len(), 1, "{ids:?}");
        let body = v
            .resources
            .iter()
            .find(|r| r.id == ids[0])
            .unwrap()
            .body
            .to_value();
        assert_eq!(
            body["properties"]["principalId"],
            "3c7e1d5a-0b4f-4e0a-9c1d-2b3a4c5d6e7f"
        );
    }
}

#[test]
fn non_utf8_files_are_reported_with_a_location_and_a_hint() {
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"defaults:\n  tags: { owner: caf\xe9 }\n");
    let d = super::parse_bytes(Path::new("kvinit.yaml"), &bytes).unwrap_err();
    assert_eq!(
        d.to_string(),
        "error: the plan file is not UTF-8 text (byte 0xe9 at offset 232)
  --> kvinit.yaml:10:21
hint: save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8; in VS Code: \"Save with Encoding\")

error: 1 problem in kvinit.yaml; nothing was sent to Azure"
    );
    assert!(super::parse_bytes(Path::new("kvinit.yaml"), HEAD.as_bytes()).is_ok());
    assert!(
        super::read_error_hint(std::io::ErrorKind::IsADirectory)
            .unwrap()
            .contains("not a directory")
    );
}

#[test]
fn sovereign_cloud_regions_are_accepted_one_cloud_per_plan() {
    let text = HEAD.replace(
        "regions: [westeurope]",
        "regions: [usgovvirginia, usgovtexas]",
    );
    let plan = parse(Path::new("kvinit.yaml"), &text).unwrap_or_else(|d| panic!("{d}"));
    let names: Vec<&str> = plan.cells.iter().map(|c| c.vault_name.as_str()).collect();
    assert_eq!(names, ["kv-payments-prod-ugv", "kv-payments-prod-ugt"]);
    let text = HEAD.replace("regions: [westeurope]", "regions: [chinanorth3]");
    assert!(parse(Path::new("kvinit.yaml"), &text).is_ok());
}

#[test]
fn empty_blocks_mean_nothing_set() {
    let text = format!("{HEAD}defaults:\nexclude:\noverrides:\n");
    assert!(parse(Path::new("kvinit.yaml"), &text).is_ok());
}
