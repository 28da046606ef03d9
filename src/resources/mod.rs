//! The ARM resource types kvinit manages: ONE FILE PER TYPE, each owning its ARM type string,
//! api-version, ARM resource ID shape and parent, desired-body builder, owned fields and compare
//! hints, how it is observed (GET or list, with the list's path and `$filter`), where its body
//! goes in the compliance evidence, and the swagger definition its PUT body must satisfy.
//!
//! Dispatch: [`ResourceKind::descriptor`] looks the kind up in one static table of
//! [`ResourceType`] descriptors (an array index, no `match`); nothing outside this folder matches
//! on the kind. [`ResourceKind::ALL`] lists every kind in dependency order (the order of a vault's
//! resources in the desired state).
//!
//! Adding a type (ARCHITECTURE.md, "Adding an ARM resource type"): its file here (a `TYPE`
//! descriptor and its builder), the enum variant + `ALL` + `TYPES` entry below, its plan-file
//! fields, its rule (if any), its emulator route, its spec copy.
//!
//! Pure: no I/O. Arrows: `resources` → `model` (cells, settings, names); `change`, `rules`,
//! `live`, `apply` and the Azure adapter sit above it.

use serde::Serialize;
use serde_json::Value;

pub mod action_group;
pub mod activity_log_alert;
pub mod build;
pub mod desired;
pub mod diagnostic_setting;
pub mod evidence;
pub mod guarded_field;
pub mod management_lock;
pub mod metric_alert;
pub mod private_dns_zone_group;
pub mod private_endpoint;
pub mod resource_group;
pub mod role_assignment;
pub mod vault;

pub use build::{BuildContext, BuiltResource};
pub use desired::{DesiredResource, DesiredState, DesiredVault, desired_state, desired_state_with};
pub use evidence::VaultEvidence;
pub use guarded_field::{AllowWeaken, GuardedField, Permanence, Stricter, allow_weaken_names};

/// The ARM resource types kvinit manages. The discriminant indexes [`TYPES`]; the variant order
/// is the dependency order of [`ResourceKind::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ResourceKind {
    /// `Microsoft.Resources/resourceGroups` ([`resource_group`]).
    ResourceGroup = 0,
    /// `Microsoft.KeyVault/vaults` ([`vault`]).
    Vault = 1,
    /// `Microsoft.Authorization/roleAssignments` at vault scope ([`role_assignment`]).
    RoleAssignment = 2,
    /// `Microsoft.Insights/diagnosticSettings` on the vault ([`diagnostic_setting`]).
    DiagnosticSetting = 3,
    /// `Microsoft.Insights/actionGroups`, shared per environment and subscription
    /// ([`action_group`]).
    ActionGroup = 4,
    /// `Microsoft.Insights/metricAlerts` ([`metric_alert`]).
    MetricAlert = 5,
    /// `Microsoft.Insights/activityLogAlerts` ([`activity_log_alert`]).
    ActivityLogAlert = 6,
    /// `Microsoft.Network/privateEndpoints` to the vault ([`private_endpoint`]).
    PrivateEndpoint = 7,
    /// `Microsoft.Network/privateEndpoints/privateDnsZoneGroups` ([`private_dns_zone_group`]).
    PrivateDnsZoneGroup = 8,
    /// `Microsoft.Authorization/locks` on the vault ([`management_lock`]).
    ManagementLock = 9,
}

/// Every type's descriptor, indexed by `ResourceKind as usize` (checked by a test).
static TYPES: [&ResourceType; 10] = [
    &resource_group::TYPE,
    &vault::TYPE,
    &role_assignment::TYPE,
    &diagnostic_setting::TYPE,
    &action_group::TYPE,
    &metric_alert::TYPE,
    &activity_log_alert::TYPE,
    &private_endpoint::TYPE,
    &private_dns_zone_group::TYPE,
    &management_lock::TYPE,
];

impl ResourceKind {
    /// Every kind, in dependency order: a vault's desired resources are built in this order
    /// (resource group, vault, role assignments, diagnostic setting, the environment's shared
    /// resource group and action group, metric alerts, activity log alert, private endpoints,
    /// their DNS zone groups, the lock).
    pub const ALL: [ResourceKind; 10] = [
        ResourceKind::ResourceGroup,
        ResourceKind::Vault,
        ResourceKind::RoleAssignment,
        ResourceKind::DiagnosticSetting,
        ResourceKind::ActionGroup,
        ResourceKind::MetricAlert,
        ResourceKind::ActivityLogAlert,
        ResourceKind::PrivateEndpoint,
        ResourceKind::PrivateDnsZoneGroup,
        ResourceKind::ManagementLock,
    ];

    /// This kind's descriptor: the one dispatch point for kind-specific behaviour (an array
    /// index into a static table).
    #[inline]
    pub fn descriptor(self) -> &'static ResourceType {
        TYPES[self as usize]
    }

    /// The ARM resource type, e.g. `Microsoft.KeyVault/vaults`.
    #[inline]
    pub fn arm_type(self) -> &'static str {
        self.descriptor().arm_type
    }

    /// The api-version kvinit calls for this type, e.g. `2018-03-01`.
    #[inline]
    pub fn api_version(self) -> &'static str {
        self.descriptor().api_version
    }

    /// Resources shared by several vaults (created once per apply).
    #[inline]
    pub fn is_shared(self) -> bool {
        self.descriptor().shared
    }

    /// The kind whose ARM type is `arm_type` (compared case-insensitively, as ARM does);
    /// `None` for a type kvinit does not manage.
    pub fn from_arm_type(arm_type: &str) -> Option<ResourceKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.arm_type().eq_ignore_ascii_case(arm_type))
    }
}

/// Everything kind-specific about one ARM resource type, as data and plain functions.
/// One `static`/`const` per type (`<kind>.rs`'s `TYPE`), reached through
/// [`ResourceKind::descriptor`].
#[derive(Debug)]
pub struct ResourceType {
    /// The kind this descriptor describes (`TYPES[kind as usize].kind == kind`).
    pub kind: ResourceKind,
    /// The ARM resource type, e.g. `Microsoft.KeyVault/vaults`.
    pub arm_type: &'static str,
    /// The api-version of every request for this type, e.g. `2026-02-01`.
    pub api_version: &'static str,
    /// Shared by several vaults and created once per apply (resource groups, action groups).
    pub shared: bool,
    /// The shape of its ARM resource ID, `{placeholders}` for the variable segments, e.g.
    /// `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}`.
    pub id_shape: &'static str,
    /// What its ARM resource ID sits under.
    pub parent: Parent,
    /// How the read phase observes it.
    pub read: Read,
    /// Appends this type's desired resources for one matrix cell to `out` (none when the cell's
    /// settings do not ask for it). Called once per cell per kind, in [`ResourceKind::ALL`]
    /// order.
    pub build: fn(&BuildContext<'_>, &mut Vec<BuiltResource>),
    /// Puts one resource's `(ARM resource ID, body)` into a named view of a vault's compliance
    /// evidence (the types today's rules read by field name). Every resource is also kept by
    /// kind ([`VaultEvidence::of`]), so a new type uses [`evidence::by_kind_only`] and its rule
    /// reads `of(kind)`.
    pub evidence: for<'a> fn(&mut VaultEvidence<'a>, &'a str, &'a Value),
    /// Fields kvinit never weakens on an existing resource of this type (`change::guard`).
    pub guarded_fields: &'static [GuardedField],
    /// Dotted body paths whose change on an existing resource is never sent (a blocked plan).
    pub blocked_fields: &'static [&'static str],
    /// When a written resource is done beyond a terminal `provisioningState` (e.g. a private
    /// endpoint's connection `Approved`): the write path polls GET until this holds for the
    /// body ARM returns, within the long-running-operation timeout. `None`: done when
    /// provisioned.
    pub ready: Option<fn(&Value) -> bool>,
    /// The swagger (under `emulator/arm-specs/specification/`) and definition its PUT body
    /// must satisfy: `(file, definition)`.
    pub request_schema: (&'static str, &'static str),
}

/// What an ARM resource ID sits under (its parent in the read phase's pruning: nothing is read
/// inside a parent that does not exist or could not be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// The subscription (`/subscriptions/{subscriptionId}`).
    Subscription,
    /// A resource group (the ID's `resourceGroups/{name}` prefix).
    ResourceGroup,
    /// An extension resource on the vault: the parent is the vault's ARM resource ID.
    Vault,
    /// A child resource of another managed type (`{parentId}/{childType}/{name}`, e.g. a
    /// private endpoint's `privateDnsZoneGroups/default`): the parent is the ID without its last
    /// two segments.
    Child(ResourceKind),
}

impl Parent {
    /// The kind of the managed resource this one is read under, when it is a resource kvinit
    /// manages (`Vault` for vault extensions, the parent kind for children); `None` for the
    /// subscription and resource-group parents.
    pub fn resource_kind(self) -> Option<ResourceKind> {
        match self {
            Parent::Subscription | Parent::ResourceGroup => None,
            Parent::Vault => Some(ResourceKind::Vault),
            Parent::Child(kind) => Some(kind),
        }
    }

    /// The ARM resource ID of the parent of `id` (a resource of a type with this parent):
    /// the subscription, the `resourceGroups/{name}` prefix, the scope before the last
    /// `/providers/` (vault extensions), or the ID without its last two segments (children).
    /// `None` when `id` does not have that shape.
    pub fn id_of(self, id: &str) -> Option<String> {
        let lower = id.to_ascii_lowercase();
        match self {
            Parent::Subscription => {
                let rest = lower.strip_prefix("/subscriptions/")?;
                let end = "/subscriptions/".len() + rest.find('/').unwrap_or(rest.len());
                Some(id[..end].to_string())
            }
            Parent::ResourceGroup => {
                let at = lower.find("/resourcegroups/")?;
                let rest = &lower[at + "/resourcegroups/".len()..];
                let end = at + "/resourcegroups/".len() + rest.find('/').unwrap_or(rest.len());
                Some(id[..end].to_string())
            }
            Parent::Vault => {
                let at = lower.rfind("/providers/").filter(|&i| i > 0)?;
                Some(id[..at].to_string())
            }
            Parent::Child(_) => {
                let trimmed = id.trim_end_matches('/');
                let last = trimmed.rfind('/')?;
                let type_seg = trimmed[..last].rfind('/')?;
                (type_seg > 0).then(|| trimmed[..type_seg].to_string())
            }
        }
    }
}

/// How the read phase observes a type as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// One GET per resource (404 → absent).
    Get,
    /// One list per subscription stands in for the GETs of its members when it saves requests:
    /// `GET /subscriptions/{subscriptionId}{path}` with `$filter` when given (fewer than two
    /// members → GETs).
    ListInSubscription {
        /// Path after the subscription, e.g. `/providers/Microsoft.KeyVault/vaults`.
        path: &'static str,
        /// The list's `$filter`, if any.
        filter: Option<&'static str>,
    },
    /// One list per existing parent resource (the vault for vault extensions, the parent for
    /// children; so what kvinit did not create is seen too): `GET {parentId}{path}` with
    /// `$filter` when given.
    ListAtVault {
        /// Path after the parent's ID, e.g. `/providers/Microsoft.Insights/diagnosticSettings`.
        path: &'static str,
        /// The list's `$filter`, e.g. `atScope()` (assignments at the vault and above).
        filter: Option<&'static str>,
    },
}

impl Read {
    /// The list path of this read for a resource in subscription `subscription_id` under
    /// vault `vault_id`, with its `$filter`; `None` for [`Read::Get`].
    pub fn list_path(
        self,
        subscription_id: &str,
        vault_id: &str,
    ) -> Option<(String, Option<&'static str>)> {
        match self {
            Read::Get => None,
            Read::ListInSubscription { path, filter } => {
                Some((format!("/subscriptions/{subscription_id}{path}"), filter))
            }
            Read::ListAtVault { path, filter } => Some((format!("{vault_id}{path}"), filter)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_kind_and_all_lists_every_kind_once() {
        for (i, kind) in ResourceKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
            assert_eq!(TYPES[i].kind, kind, "TYPES[{i}]");
            assert_eq!(ResourceKind::from_arm_type(kind.arm_type()), Some(kind));
            assert_eq!(
                ResourceKind::from_arm_type(&kind.arm_type().to_ascii_lowercase()),
                Some(kind)
            );
        }
        assert_eq!(
            ResourceKind::from_arm_type("Microsoft.Network/virtualNetworks"),
            None
        );
    }

    #[test]
    fn list_reads_name_the_paths_the_read_phase_uses() {
        let vault = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
        assert_eq!(
            ResourceKind::RoleAssignment
                .descriptor()
                .read
                .list_path("s", vault),
            Some((
                format!("{vault}/providers/Microsoft.Authorization/roleAssignments"),
                Some("atScope()")
            ))
        );
        assert_eq!(
            ResourceKind::ResourceGroup
                .descriptor()
                .read
                .list_path("s", vault),
            Some(("/subscriptions/s/resourcegroups".into(), None))
        );
        assert_eq!(
            ResourceKind::ActionGroup
                .descriptor()
                .read
                .list_path("s", vault),
            None
        );
    }
}
