//! For each rule ID of [`crate::rules::audit_catalog`]: what the check looks at, what compliant
//! looks like, and the exact fix (the plan field to set or the `kvinit` command to run). Used by
//! findings, SARIF `help` and the rules reference pages. Static text only; must not evaluate.

/// The guidance for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remedy {
    /// Stable rule ID.
    pub id: &'static str,
    /// What the check reads and when it fails.
    pub checks: &'static str,
    /// What a compliant vault looks like.
    pub compliant: &'static str,
    /// The exact fix.
    pub fix: &'static str,
}

/// Every rule's guidance, in catalog order (a test keeps it in step with the catalog).
pub const REMEDIES: &[Remedy] = &[
    Remedy {
        id: "KV-SEP",
        checks: "The vault's tags `kvinit-app`, `kvinit-env` and `kvinit-region` name one \
                 application, environment and region, and the region tag is the vault's \
                 location. Fails when a tag is missing or the region tag names another location.",
        compliant: "The vault serves one application, environment and region and carries \
                    `kvinit-app`, `kvinit-env` and `kvinit-region` tags matching its location.",
        fix: "Give each application × environment × region its own vault: list them under \
              `apps`, `environments` and `regions` in a plan and run `kvinit apply -f PLAN`, \
              which creates and tags one vault per cell; then move each application's secrets \
              to its own vault.",
    },
    Remedy {
        id: "KV-RBAC",
        checks: "`properties.enableRbacAuthorization`, `properties.accessPolicies` and the role \
                 assignments at vault scope. Fails when the vault uses the access-policy \
                 permission model, still has access policies, or grants Owner, Contributor or \
                 User Access Administrator at vault scope.",
        compliant: "`enableRbacAuthorization: true`, no access policies, and role assignments at \
                    vault scope only for Key Vault built-in roles.",
        fix: "Add the vault's callers to the plan's `roleAssignments` (Key Vault built-in roles) \
              and run `kvinit apply -f PLAN --allow-permission-model-switch` (needs Owner or User \
              Access Administrator): kvinit always sets `enableRbacAuthorization: true`. Remove \
              Owner/Contributor/User Access Administrator assignments at vault scope yourself \
              (`az role assignment delete --ids ID`); kvinit never deletes.",
    },
    Remedy {
        id: "KV-FW",
        checks: "`properties.publicNetworkAccess` and `properties.networkAcls`. Fails when \
                 public network access is enabled and the default action is not Deny, or an IP \
                 rule is `/0`.",
        compliant: "`publicNetworkAccess: Disabled`, or `networkAcls.defaultAction: Deny` with no \
                    IP rule open to all.",
        fix: "Set `network.defaultAction: Deny` (the profile's default), list callers in \
              `network.ipRules` or `network.virtualNetworkRules`, and run `kvinit apply -f PLAN`.",
    },
    Remedy {
        id: "KV-VNET",
        checks: "`properties.networkAcls.virtualNetworkRules`. Fails when a rule sets \
                 `ignoreMissingVnetServiceEndpoint: true`, so a subnet without the \
                 Microsoft.KeyVault service endpoint is listed.",
        compliant: "Every virtual network rule requires the subnet's Microsoft.KeyVault service \
                    endpoint (`ignoreMissingVnetServiceEndpoint: false`).",
        fix: "Add the Microsoft.KeyVault service endpoint to each subnet, list the subnets in \
              `network.virtualNetworkRules` (kvinit sends `ignoreMissingVnetServiceEndpoint: \
              false`), and run `kvinit apply -f PLAN`.",
    },
    Remedy {
        id: "KV-SD",
        checks: "`properties.enableSoftDelete` and `properties.softDeleteRetentionInDays`. Fails \
                 when soft delete is off or retention is outside 7–90 days.",
        compliant: "`enableSoftDelete: true` with `softDeleteRetentionInDays` between 7 and 90.",
        fix: "Put the vault in a plan and run `kvinit apply -f PLAN`: kvinit always sends \
              `enableSoftDelete: true`. Retention (`softDeleteRetentionDays`) is fixed when a \
              vault is created.",
    },
    Remedy {
        id: "KV-PP",
        checks: "`properties.enablePurgeProtection`. Fails when it is not true.",
        compliant: "`enablePurgeProtection: true`.",
        fix: "Set `purgeProtection: true` (the profile's default) and run `kvinit apply -f PLAN`. \
              Purge protection cannot be turned off again.",
    },
    Remedy {
        id: "KV-LOG",
        checks: "The vault's diagnostic settings. Fails when none sends audit logs (category \
                 group `audit` or `allLogs`, or category `AuditEvent`) and `AllMetrics` to a Log \
                 Analytics workspace.",
        compliant: "A diagnostic setting sends category group `audit` (or `allLogs` / \
                    `AuditEvent`) and `AllMetrics` to a Log Analytics workspace.",
        fix: "Set `diagnostics.workspaceId` (with `diagnostics.logs: [audit]` and \
              `diagnostics.metrics: true`, the profile's defaults) and run `kvinit apply -f \
              PLAN`; kvinit creates the diagnostic setting `kvinit`.",
    },
    Remedy {
        id: "KV-ALERT",
        checks: "Metric alerts scoped to the vault, activity log alerts that watch it, and the \
                 action groups they notify. Fails when Availability, SaturationShoebox, \
                 ServiceApiLatency or vault deletion has no enabled alert, or an action group is \
                 missing, disabled or has no receiver.",
        compliant: "Enabled metric alerts on Availability, SaturationShoebox and \
                    ServiceApiLatency and an activity log alert on \
                    `Microsoft.KeyVault/vaults/delete`, all notifying an enabled action group \
                    with at least one receiver.",
        fix: "Keep `alerts` on (the profile's default), set `alerts.actionGroup.emails`, and run \
              `kvinit apply -f PLAN`; kvinit creates the action group and the four alerts.",
    },
    Remedy {
        id: "KV-IPWIDE",
        checks: "`properties.networkAcls.ipRules`. Fails when a rule's prefix is shorter than the \
                 profile's `audit.widestIpRulePrefix` (a /15 or wider with the built-in 16), \
                 and reports `0.0.0.0/0` as open to all.",
        compliant: "Every IP rule is a /16 or narrower (a bare address counts as /32); none is \
                    `0.0.0.0/0`.",
        fix: "Replace wide ranges in `network.ipRules` with your callers' egress addresses (a /16 \
              or narrower, ideally /32), or admit them through `network.virtualNetworkRules`, \
              and run `kvinit apply -f PLAN`.",
    },
    Remedy {
        id: "KV-PRIV",
        checks: "Role assignments whose scope is the vault. Fails when one gives a principal of \
                 type `ServicePrincipal` the Owner, Contributor or Key Vault Administrator role.",
        compliant: "No service principal holds Owner, Contributor or Key Vault Administrator at \
                    vault scope; applications hold data-plane roles such as Key Vault Secrets \
                    User.",
        fix: "Grant the application a least-privileged role in the plan's `roleAssignments` \
              (e.g. `role: Key Vault Secrets User`, `principalType: ServicePrincipal`) and run \
              `kvinit apply -f PLAN`; then delete the privileged assignment yourself (`az role \
              assignment delete --ids ID`); kvinit never deletes.",
    },
    Remedy {
        id: "KV-RETAIN",
        checks: "`properties.softDeleteRetentionInDays` (90 when absent). Fails when it is below \
                 the profile's `audit.minSoftDeleteRetentionDays` (30 days in the built-in profile).",
        compliant: "Soft-delete retention of at least the profile's minimum (30 days in the \
                    built-in profile; Azure's default is 90).",
        fix: "Retention cannot be changed after a vault is created: create a replacement with \
              `softDeleteRetentionDays: 90` (the profile's default) via `kvinit apply -f PLAN` \
              and move the secrets, keys and certificates to it.",
    },
];

/// The guidance for `rule_id`.
///
/// # Panics
/// When the rule has no entry; a unit test checks every rule of the audit catalog has one.
pub fn for_rule(rule_id: &str) -> &'static Remedy {
    REMEDIES
        .iter()
        .find(|r| r.id == rule_id)
        .unwrap_or_else(|| panic!("rule {rule_id} has no remedy in src/audit/remedy.rs"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_audit_rule_has_exactly_one_remedy_in_catalog_order() {
        let ids: Vec<&str> = super::REMEDIES.iter().map(|r| r.id).collect();
        let catalog: Vec<&str> = crate::rules::audit_catalog().iter().map(|r| r.id).collect();
        assert_eq!(ids, catalog);
    }

    #[test]
    fn thresholds_quoted_in_the_text_are_the_profiles() {
        let t = &crate::model::profile::builtin().audit;
        let retain = super::for_rule("KV-RETAIN");
        let days = format!(
            "{} days in the built-in profile",
            t.min_soft_delete_retention_days
        );
        assert!(retain.checks.contains(&days) && retain.compliant.contains(&days));
        let ip = super::for_rule("KV-IPWIDE");
        let prefix = format!("/{} or narrower", t.widest_ip_rule_prefix);
        assert!(ip.compliant.contains(&prefix) && ip.fix.contains(&prefix));
        assert!(
            ip.checks
                .contains(&format!("built-in {}", t.widest_ip_rule_prefix))
        );
    }
}
