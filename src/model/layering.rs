//! Layering of plan settings: defaults < environment < app < overrides (fewest selector keys
//! first, file order among equals), deeper wins. Maps merge key by key, lists replace, except
//! `roleAssignments`, which accumulate across layers (identical entries kept once).
//! Works on the schema's unchecked `Settings`; must not validate values or do I/O.

use crate::plan_file::schema::{
    ActionGroupSetting, AlertSettings, DiagnosticsSettings, LockSetting, NetworkSettings, Settings,
};

fn pick<T: Clone>(base: &Option<T>, over: &Option<T>) -> Option<T> {
    over.clone().or_else(|| base.clone())
}

fn merge_sub<T: Clone>(base: &Option<T>, over: &Option<T>, f: impl Fn(&T, &T) -> T) -> Option<T> {
    match (base, over) {
        (Some(b), Some(o)) => Some(f(b, o)),
        _ => pick(base, over),
    }
}

/// Returns `base` with `over` laid on top (see the module doc for the rules).
pub fn merge(base: &Settings, over: &Settings) -> Settings {
    Settings {
        sku: pick(&base.sku, &over.sku),
        soft_delete_retention_days: pick(
            &base.soft_delete_retention_days,
            &over.soft_delete_retention_days,
        ),
        purge_protection: pick(&base.purge_protection, &over.purge_protection),
        on_soft_deleted: pick(&base.on_soft_deleted, &over.on_soft_deleted),
        network: merge_sub(&base.network, &over.network, |b, o| NetworkSettings {
            public_network_access: pick(&b.public_network_access, &o.public_network_access),
            default_action: pick(&b.default_action, &o.default_action),
            bypass: pick(&b.bypass, &o.bypass),
            ip_rules: pick(&b.ip_rules, &o.ip_rules),
            virtual_network_rules: pick(&b.virtual_network_rules, &o.virtual_network_rules),
            mode: pick(&b.mode, &o.mode),
            private_endpoints: pick(&b.private_endpoints, &o.private_endpoints),
            allow_no_private_endpoint: pick(
                &b.allow_no_private_endpoint,
                &o.allow_no_private_endpoint,
            ),
        }),
        role_assignments: match (&base.role_assignments, &over.role_assignments) {
            (Some(b), Some(o)) => {
                let mut all = b.clone();
                for ra in o {
                    if !all.contains(ra) {
                        all.push(ra.clone());
                    }
                }
                Some(all)
            }
            (b, o) => pick(b, o),
        },
        diagnostics: merge_sub(&base.diagnostics, &over.diagnostics, |b, o| {
            DiagnosticsSettings {
                workspace_id: pick(&b.workspace_id, &o.workspace_id),
                logs: pick(&b.logs, &o.logs),
                metrics: pick(&b.metrics, &o.metrics),
            }
        }),
        alerts: merge_sub(&base.alerts, &over.alerts, |b, o| AlertSettings {
            action_group: merge_sub(&b.action_group, &o.action_group, |b, o| {
                ActionGroupSetting {
                    name: pick(&b.name, &o.name),
                    short_name: pick(&b.short_name, &o.short_name),
                    emails: pick(&b.emails, &o.emails),
                }
            }),
            availability: pick(&b.availability, &o.availability),
            saturation: pick(&b.saturation, &o.saturation),
            latency: pick(&b.latency, &o.latency),
            vault_deleted: pick(&b.vault_deleted, &o.vault_deleted),
        }),
        tags: merge_sub(&base.tags, &over.tags, |b, o| {
            let mut t = b.clone();
            t.extend(o.iter().map(|(k, v)| (k.clone(), v.clone())));
            t
        }),
        lock: merge_sub(&base.lock, &over.lock, |b, o| LockSetting {
            kind: pick(&b.kind, &o.kind),
            notes: pick(&b.notes, &o.notes),
        }),
    }
}

/// Merges `layers` in order (first = lowest).
pub fn merge_all<'a>(layers: impl IntoIterator<Item = &'a Settings>) -> Settings {
    layers
        .into_iter()
        .fold(Settings::default(), |acc, l| merge(&acc, l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(layers: &[&str], expect: &str) {
        let parsed: Vec<Settings> = layers
            .iter()
            .map(|l| serde_yaml::from_str(l).unwrap())
            .collect();
        let merged = merge_all(parsed.iter());
        let got = serde_yaml::to_string(&merged).unwrap();
        assert_eq!(got.trim(), expect.trim(), "\n{got}");
    }

    #[test]
    fn scalars_deeper_wins() {
        check(
            &["sku: standard\nsoftDeleteRetentionDays: 90", "sku: premium"],
            "sku: premium\nsoftDeleteRetentionDays: 90",
        );
    }

    #[test]
    fn maps_merge_lists_replace() {
        check(
            &[
                "network: { defaultAction: Deny, ipRules: [203.0.113.0/24] }\ntags: { owner: platform, cost: a }",
                "network: { ipRules: [] }\ntags: { cost: b }",
            ],
            "network:\n  defaultAction: Deny\n  ipRules: []\ntags:\n  cost: b\n  owner: platform",
        );
    }

    #[test]
    fn role_assignments_accumulate_without_duplicates() {
        let a = "roleAssignments: [{ principalId: a, role: Key Vault Reader }]";
        let b = "roleAssignments: [{ principalId: a, role: Key Vault Reader }, { principalId: b, role: Key Vault Secrets User }]";
        check(
            &[a, b],
            "roleAssignments:\n- principalId: a\n  role: Key Vault Reader\n- principalId: b\n  role: Key Vault Secrets User",
        );
    }

    #[test]
    fn nested_alert_settings_merge() {
        check(
            &[
                "alerts: { actionGroup: { name: ag, shortName: ops }, vaultDeleted: true }",
                "alerts: { actionGroup: { emails: [x@example.com] } }",
            ],
            "alerts:\n  actionGroup:\n    name: ag\n    shortName: ops\n    emails:\n    - x@example.com\n  vaultDeleted: true",
        );
    }
}
