//! Layering of plan settings: defaults < environment < app < overrides (fewest selector keys
//! first, file order among equals), deeper wins. Maps merge key by key, lists replace, except
//! `roleAssignments`, which accumulate across layers (identical entries kept once).
//! Works on the schema's unchecked `Settings`; must not validate values or do I/O.
//!
//! Generic: each settings type says how it layers by implementing [`Layer`] where it is
//! declared (`plan_file::schema`): a struct declared inside [`layered!`] layers field by field,
//! so a new plan field needs no edit here; a value replaced whole, a map or an accumulating
//! list says so with [`Layer`] impls of its own (this file holds those of the primitive types).

use std::collections::BTreeMap;

use crate::plan_file::schema::Settings;

/// How a settings value lays a deeper layer's value (`over`) on top of its own.
pub trait Layer {
    /// `self` with `over` laid on top.
    fn layer(&self, over: &Self) -> Self;
}

/// Absent in one layer: the other's; set in both: layered.
impl<T: Layer + Clone> Layer for Option<T> {
    fn layer(&self, over: &Self) -> Self {
        match (self, over) {
            (Some(b), Some(o)) => Some(b.layer(o)),
            (b, None) => b.clone(),
            (None, o) => o.clone(),
        }
    }
}

/// Maps (`tags`) merge key by key, the deeper layer's value winning.
impl Layer for BTreeMap<String, String> {
    fn layer(&self, over: &Self) -> Self {
        let mut merged = self.clone();
        merged.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged
    }
}

/// `impl Layer` for types the deeper layer replaces whole (scalars, lists of scalars, alert
/// thresholds): `replaced_when_layered!(T, …)`.
macro_rules! replaced_when_layered {
    ($($t:ty),* $(,)?) => {
        $(
            impl $crate::model::layering::Layer for $t {
                fn layer(&self, over: &Self) -> Self {
                    over.clone()
                }
            }
        )*
    };
}
pub(crate) use replaced_when_layered;

replaced_when_layered!(String, i64, bool, f64, Vec<String>);

/// Declares a settings struct (attributes, doc comments and fields written as usual) and its
/// [`Layer`] impl: field by field, each with its own type's `Layer`. A field added to such a
/// struct layers with no other edit.
macro_rules! layered {
    (
        $(#[$smeta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$smeta])*
        $vis struct $name {
            $(
                $(#[$fmeta])*
                $fvis $field: $ty,
            )*
        }

        impl $crate::model::layering::Layer for $name {
            fn layer(&self, over: &Self) -> Self {
                Self {
                    $($field: $crate::model::layering::Layer::layer(&self.$field, &over.$field),)*
                }
            }
        }
    };
}
pub(crate) use layered;

/// Returns `base` with `over` laid on top (see the module doc for the rules).
pub fn merge(base: &Settings, over: &Settings) -> Settings {
    base.layer(over)
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

    #[test]
    fn thresholds_and_private_endpoints_are_replaced_whole() {
        check(
            &[
                "alerts: { availability: { below: 99, severity: 1 } }\nnetwork: { privateEndpoints: [{ subnetId: a, privateDnsZoneIds: [z] }] }",
                "alerts: { availability: { below: 98 } }\nnetwork: { privateEndpoints: [{ subnetId: b }] }",
            ],
            "network:\n  privateEndpoints:\n  - subnetId: b\nalerts:\n  availability:\n    below: 98.0",
        );
    }
}
