//! The built-in compliance profile (`templates/compliance-profile.yaml`, compiled in with
//! `include_str!`): the defaults every plan starts from and each rule's severity and source.
//! One source of truth; must not do I/O at run time.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::plan_file::schema::Settings;

/// The profile's YAML text as shipped.
pub const PROFILE_YAML: &str = include_str!("../../templates/compliance-profile.yaml");

/// The parsed profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile name, e.g. `kvinit-baseline`.
    pub profile: String,
    /// Profile format version.
    pub version: u32,
    /// The lowest settings layer (same shape as a plan's `defaults`).
    pub defaults: Settings,
    /// One entry per rule ID.
    pub rules: Vec<ProfileRule>,
    /// Thresholds `kvinit audit` holds existing vaults to (rules KV-IPWIDE, KV-RETAIN).
    pub audit: AuditThresholds,
}

/// The profile's `audit` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuditThresholds {
    /// Shortest acceptable soft-delete retention in days (7–90; KV-RETAIN).
    pub min_soft_delete_retention_days: i64,
    /// Widest acceptable IP rule prefix length (e.g. 16: a /15 or wider fails KV-IPWIDE).
    pub widest_ip_rule_prefix: u8,
}

/// A rule as the profile documents it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRule {
    /// Stable rule ID, e.g. `KV-RBAC`.
    pub id: String,
    /// Short title (same as `rules::Rule::title`).
    pub title: String,
    /// `low` | `medium` | `high`.
    pub severity: String,
    /// The settings the rule implies, in words.
    pub implies: String,
    /// The best practice it enforces (quote and reference).
    pub source: String,
}

/// The built-in profile (parsed once; the file is tested, so parsing cannot fail at run time).
pub fn builtin() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| {
        serde_yaml::from_str(PROFILE_YAML).expect("templates/compliance-profile.yaml is valid")
    })
}
