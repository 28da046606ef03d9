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
  roleAssignments: [{{ principalId: 3c7e9a21-5f4b-4d8e-a6c2-9b1d0e7f4a58, role: Key Vault Administrator }}]
  tags: {{ owner: platform }}
apps:
  - name: payments
    settings:
      sku: premium
      roleAssignments: [{{ principalId: 9e1a3c5b-7d2f-4a8e-b6c0-1f3e5a7c9d24, role: Key Vault Crypto User }}]
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
hint: write it as 8-4-4-4-12 hex digits, e.g. `00000000-0000-0000-0000-000000000000`

error: unknown Azure region `mars`
  --> kvinit.yaml:3:23 (regions[1])
hint: use an ARM location name such as `westeurope` (see `az account list-locations`)

error: softDeleteRetentionDays is 3; Key Vault allows 7–90 days
  --> kvinit.yaml:8:28 (defaults.softDeleteRetentionDays)
hint: use 90 (the compliance profile's value); it cannot be changed after the vault is created

error: IP rule `192.168.1.1` is a private or reserved range; Key Vault firewall rules accept public addresses only
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
        (
            "templates/starter.yaml",
            include_str!("../../templates/starter.yaml"),
        ),
    ] {
        let plan = parse(Path::new(name), text).unwrap_or_else(|d| panic!("{d}"));
        assert!(!plan.cells.is_empty(), "{name}");
    }
}
