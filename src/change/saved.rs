//! The saved change set (`kvinit plan --out FILE`, applied by `kvinit apply FILE`): the plan
//! file (path and SHA-256), the target, and per resource the action, the exact body to send and
//! the fingerprint of the live state the action was computed from. Pure data, its file format
//! and the staleness check; it must not read or write anything itself. It never holds a secret:
//! bodies are the plan's ARM bodies (IDs, settings, e-mail receivers), never tokens.
//!
//! File format (JSON, `format: "kvinit-changeset/v1"`):
//! ```text
//! { "format", "planFile": { "path", "sha256" }, "target": { "kind": "emulator"|"azure",
//!   "state"?, "armEndpoint"? },
//!   "vaults": [ { "name", "app", "environment", "region", "location", "subscriptionId",
//!     "resourceGroup", "onSoftDeleted", "nameCheck"?,
//!     "resources": [ { "type", "id", "apiVersion", "action", "changes"?, "blocked"?,
//!       "notReconcilable"?, "desired", "body", "bodySha256", "liveFingerprint" } ] } ] }
//! ```
//!
//! A change set is input, not trusted data: [`SavedChangeSet::verify`] recomputes every body's
//! digest against the recorded `bodySha256` and recomputes every body from `desired` × live
//! through the same diff, never-weaken guard and never-send list as a live apply; any
//! difference refuses the whole file (exit 2, naming the resource and field).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::diff::{DiffOptions, diff_state};
use super::fingerprint;
use super::live::LiveState;
use super::merge;
use super::name_check::NameCheck;
use super::set::{Action, ChangeSet, FieldChange, ResourceChange, VaultChanges};
use crate::model::body::Body;
use crate::model::settings::OnSoftDeleted;
use crate::resources::{DesiredResource, DesiredState, DesiredVault, ResourceKind};

/// The `format` value of this version.
pub const FORMAT: &str = "kvinit-changeset/v1";

/// A change set saved to a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedChangeSet {
    /// Always [`FORMAT`].
    pub format: String,
    /// The plan file the change set was computed from.
    pub plan_file: PlanFileRef,
    /// Where live state was read.
    pub target: SavedTarget,
    /// One entry per vault, in matrix order.
    pub vaults: Vec<SavedVault>,
}

/// The plan file a change set was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanFileRef {
    /// Path as given on the command line.
    pub path: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}

/// The target a change set was computed against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedTarget {
    /// `emulator` (embedded, on a state file) or `azure` (ARM endpoint).
    pub kind: String,
    /// The embedded emulator's state file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The ARM endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm_endpoint: Option<String>,
}

/// One vault of a saved change set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedVault {
    /// Vault name.
    pub name: String,
    /// App name.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// Short region code.
    pub region: String,
    /// Azure location name.
    pub location: String,
    /// Subscription GUID.
    pub subscription_id: String,
    /// Resource group name.
    pub resource_group: String,
    /// `fail` | `recover`.
    pub on_soft_deleted: String,
    /// Who held the vault name when planned (vaults to create only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_check: Option<NameCheck>,
    /// In dependency order.
    pub resources: Vec<SavedResource>,
}

/// One resource of a saved change set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedResource {
    /// ARM resource type.
    #[serde(rename = "type")]
    pub kind: String,
    /// ARM resource ID (plan's casing).
    pub id: String,
    /// api-version.
    pub api_version: String,
    /// What apply does.
    pub action: Action,
    /// Owned fields that differ (updates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// Refused changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
    /// Live stronger than the plan (reported only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_reconcilable: Vec<String>,
    /// The plan's body (what kvinit owns; the owned-field fingerprint is taken over it).
    pub desired: Value,
    /// The exact body apply sends (`create`/`update`), else `null`.
    pub body: Value,
    /// [`fingerprint::digest`] of `body` when `plan` saved it.
    pub body_sha256: String,
    /// See [`fingerprint`].
    pub live_fingerprint: String,
}

/// A resource whose live state moved since the change set was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// ARM resource ID.
    pub id: String,
    /// What happened, e.g. `was created`, `changed`, `was deleted`.
    pub what: &'static str,
}

/// A saved resource whose body is not what `plan` recorded, or not what kvinit would send for
/// it now (an edited change set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    /// ARM resource ID.
    pub id: String,
    /// The dotted field that differs, e.g. `properties.networkAcls.defaultAction` (`action` when
    /// the action itself was edited, `(whole body)` when the difference is at the root).
    pub field: String,
    /// What is wrong, e.g. `its digest does not match what plan recorded`.
    pub why: &'static str,
}

impl std::fmt::Display for Edited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: field `{}`: {}", self.id, self.field, self.why)
    }
}

/// Why a saved change set cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedError(pub String);

impl std::fmt::Display for SavedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SavedChangeSet {
    /// Builds the saved form of `changes`, computed from `desired` (same vaults and resources,
    /// same order, as `diff_state` yields them).
    pub fn new(
        plan_file: PlanFileRef,
        target: SavedTarget,
        desired: &DesiredState,
        changes: &ChangeSet,
    ) -> Self {
        let vaults = desired
            .vaults
            .iter()
            .zip(&changes.vaults)
            .map(|(d, c)| SavedVault {
                name: c.name.clone(),
                app: d.app.clone(),
                environment: d.environment.clone(),
                region: d.region.clone(),
                location: c.location.clone(),
                subscription_id: c.subscription_id.clone(),
                resource_group: c.resource_group.clone(),
                on_soft_deleted: match c.on_soft_deleted {
                    OnSoftDeleted::Fail => "fail".into(),
                    OnSoftDeleted::Recover => "recover".into(),
                },
                name_check: c.name_check.clone(),
                resources: d
                    .resources
                    .iter()
                    .map(|dr| (dr.api_version, dr.body.to_value()))
                    // Role assignments to revoke follow the plan's resources (no desired body).
                    .chain(std::iter::repeat_with(|| {
                        (ResourceKind::RoleAssignment.api_version(), Value::Null)
                    }))
                    .zip(&c.resources)
                    .map(|((api_version, desired), r)| SavedResource {
                        kind: r.kind.arm_type().into(),
                        id: r.id.clone(),
                        api_version: api_version.into(),
                        action: r.action,
                        changes: r.changes.clone(),
                        blocked: r.blocked.clone(),
                        not_reconcilable: r.not_reconcilable.clone(),
                        desired,
                        body: r.body.clone(),
                        body_sha256: fingerprint::digest(&r.body),
                        live_fingerprint: r.fingerprint.clone(),
                    })
                    .collect(),
            })
            .collect();
        Self {
            format: FORMAT.into(),
            plan_file,
            target,
            vaults,
        }
    }

    /// Parses a saved change set. Errors name what is wrong.
    pub fn parse(text: &str) -> Result<Self, SavedError> {
        let saved: Self = serde_json::from_str(text)
            .map_err(|e| SavedError(format!("not a kvinit change set: {e}")))?;
        if saved.format != FORMAT {
            return Err(SavedError(format!(
                "format `{}` is not `{FORMAT}`; save it again with this kvinit's `plan --out`",
                saved.format
            )));
        }
        for v in &saved.vaults {
            for r in &v.resources {
                if ResourceKind::from_arm_type(&r.kind).is_none() {
                    return Err(SavedError(format!("unknown resource type `{}`", r.kind)));
                }
            }
        }
        Ok(saved)
    }

    /// The desired state the change set was computed from (to observe the same resources
    /// again). Compliance results are not kept.
    pub fn desired_state(&self) -> DesiredState {
        DesiredState {
            vaults: self
                .vaults
                .iter()
                .map(|v| DesiredVault {
                    name: v.name.clone(),
                    app: v.app.clone(),
                    environment: v.environment.clone(),
                    region: v.region.clone(),
                    location: v.location.clone(),
                    subscription_id: v.subscription_id.clone(),
                    resource_group: v.resource_group.clone(),
                    on_soft_deleted: on_soft_deleted(&v.on_soft_deleted),
                    resources: v
                        .resources
                        .iter()
                        .filter(|r| r.action != Action::Revoke)
                        .filter_map(|r| {
                            let kind = ResourceKind::from_arm_type(&r.kind)?;
                            Some(DesiredResource {
                                kind,
                                id: r.id.clone(),
                                api_version: kind.api_version(),
                                body: Body::from_value(&r.desired),
                            })
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The change set to execute, exactly as saved.
    pub fn change_set(&self) -> ChangeSet {
        ChangeSet {
            vaults: self
                .vaults
                .iter()
                .map(|v| VaultChanges {
                    name: v.name.clone(),
                    subscription_id: v.subscription_id.clone(),
                    resource_group: v.resource_group.clone(),
                    location: v.location.clone(),
                    on_soft_deleted: on_soft_deleted(&v.on_soft_deleted),
                    resources: v
                        .resources
                        .iter()
                        .filter_map(|r| {
                            Some(ResourceChange {
                                kind: ResourceKind::from_arm_type(&r.kind)?,
                                id: r.id.clone(),
                                action: r.action,
                                changes: r.changes.clone(),
                                blocked: r.blocked.clone(),
                                not_reconcilable: r.not_reconcilable.clone(),
                                access_policies_stop_applying: Vec::new(),
                                provisioning: false,
                                read_error: None,
                                body: r.body.clone(),
                                fingerprint: r.live_fingerprint.clone(),
                            })
                        })
                        .collect(),
                    name_check: v.name_check.clone(),
                    unmanaged: Vec::new(),
                })
                .collect(),
        }
    }

    /// Checks every saved body before anything is sent (call it once `moved` is empty): its
    /// digest must match `bodySha256`, and the action and body must be exactly what the diff of
    /// `desired` against `live` gives with `options` — the same guard (a weaker value is kept
    /// at live's), the same refusals and never-send list as a live apply. `Ok`: the change set
    /// to execute, recomputed (so what is printed is computed from what is sent); `Err`: every
    /// edited resource, in file order.
    pub fn verify(&self, live: &LiveState, options: DiffOptions) -> Result<ChangeSet, Vec<Edited>> {
        let mut recomputed = diff_state(&self.desired_state(), live, options);
        let mut edited = Vec::new();
        for (saved, now) in self.vaults.iter().zip(&mut recomputed.vaults) {
            if let Some(check) = &saved.name_check {
                // The name outcome `plan` recorded blocks what it blocked then (apply checks
                // the name again right before the create).
                super::name_check::attach(now, check.clone());
            }
            if saved.resources.len() != now.resources.len() {
                // A revoke appeared or went away since the plan (a grant kvinit made).
                edited.push(Edited {
                    id: saved.name.clone(),
                    field: "resources".into(),
                    why: "live state now gives another set of role assignments to revoke than \
                          the change set lists; plan again",
                });
            }
            for (r, n) in saved.resources.iter().zip(&now.resources) {
                let field = |a: &Value, b: &Value| {
                    fingerprint::first_difference(a, b)
                        .filter(|p| !p.is_empty())
                        .unwrap_or_else(|| "(whole body)".into())
                };
                if fingerprint::digest(&r.body) != r.body_sha256 {
                    edited.push(Edited {
                        id: r.id.clone(),
                        field: field(&r.body, &n.body),
                        why: "the body's digest does not match the bodySha256 `plan` recorded",
                    });
                } else if !r.api_version.eq_ignore_ascii_case(n.kind.api_version()) {
                    // kvinit sends its own api-version for the type whatever the file says, but
                    // an edited file is refused whole: what was reviewed is what is applied.
                    edited.push(Edited {
                        id: r.id.clone(),
                        field: "apiVersion".into(),
                        why: "the api-version is not the one kvinit uses for this resource type",
                    });
                } else if r.action != n.action {
                    edited.push(Edited {
                        id: r.id.clone(),
                        field: "action".into(),
                        why: "the action is not what kvinit computes for this resource now",
                    });
                } else if fingerprint::digest(&r.body) != fingerprint::digest(&n.body) {
                    edited.push(Edited {
                        id: r.id.clone(),
                        field: field(&r.body, &n.body),
                        why: "the body is not what kvinit would send for this resource \
                              (never-weaken guard and never-send list applied to `desired` \
                              against live state)",
                    });
                } else if let Some(path) = merge::never_sent(&r.body) {
                    edited.push(Edited {
                        id: r.id.clone(),
                        field: path.into(),
                        why: "kvinit never sends this value",
                    });
                }
            }
        }
        if edited.is_empty() {
            Ok(recomputed)
        } else {
            Err(edited)
        }
    }

    /// The resources whose live state in `live` no longer has the fingerprint saved (each
    /// once, in file order). Empty: the change set still applies.
    pub fn moved(&self, live: &LiveState) -> Vec<Moved> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in self.vaults.iter().flat_map(|v| &v.resources) {
            if !seen.insert(r.id.to_ascii_lowercase()) {
                continue;
            }
            let now = fingerprint::of(&r.desired, live.get(&r.id), r.action == Action::Update);
            if now == r.live_fingerprint {
                continue;
            }
            let what = if r.live_fingerprint == fingerprint::ABSENT {
                "was created since"
            } else if now == fingerprint::ABSENT {
                "was deleted since"
            } else {
                "changed since"
            };
            out.push(Moved {
                id: r.id.clone(),
                what,
            });
        }
        out
    }
}

fn on_soft_deleted(s: &str) -> OnSoftDeleted {
    if s.eq_ignore_ascii_case("recover") {
        OnSoftDeleted::Recover
    } else {
        OnSoftDeleted::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn desired() -> DesiredState {
        let vault_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
        DesiredState {
            vaults: vec![DesiredVault {
                name: "kv".into(),
                app: "a".into(),
                environment: "dev".into(),
                region: "weu".into(),
                location: "westeurope".into(),
                subscription_id: "s".into(),
                resource_group: "rg".into(),
                on_soft_deleted: OnSoftDeleted::Recover,
                resources: vec![
                    DesiredResource {
                        kind: ResourceKind::ResourceGroup,
                        id: "/subscriptions/s/resourceGroups/rg".into(),
                        api_version: ResourceKind::ResourceGroup.api_version(),
                        body: json!({ "location": "westeurope" }).into(),
                    },
                    DesiredResource {
                        kind: ResourceKind::Vault,
                        id: vault_id.into(),
                        api_version: ResourceKind::Vault.api_version(),
                        body: json!({ "location": "westeurope", "tags": { "owner": "p" },
                            "properties": { "networkAcls": { "defaultAction": "Deny" } } })
                        .into(),
                    },
                ],
            }],
        }
    }

    #[test]
    fn round_trips_and_detects_moves() {
        let d = desired();
        let mut live = LiveState::new();
        live.insert(
            "/subscriptions/s/resourceGroups/rg",
            json!({ "location": "westeurope" }),
        );
        live.insert(&d.vaults[0].resources[1].id, json!({ "location": "westeurope",
            "tags": { "owner": "p" }, "properties": { "networkAcls": { "defaultAction": "Allow" } } }));
        let changes = diff_state(&d, &live, DiffOptions::default());
        let saved = SavedChangeSet::new(
            PlanFileRef {
                path: "p.yaml".into(),
                sha256: "00".into(),
            },
            SavedTarget {
                kind: "emulator".into(),
                state: Some("s.json".into()),
                arm_endpoint: None,
            },
            &d,
            &changes,
        );
        let text = serde_json::to_string_pretty(&saved).unwrap();
        let back = SavedChangeSet::parse(&text).unwrap();
        assert_eq!(back, saved);
        assert_eq!(back.change_set(), changes);
        assert!(back.moved(&live).is_empty());
        assert_eq!(
            back.desired_state().vaults[0].resources,
            d.vaults[0].resources
        );

        // Another team's tag on the vault being updated: the saved body would drop it.
        let mut moved = live.clone();
        moved.insert(&d.vaults[0].resources[1].id, json!({ "location": "westeurope",
            "tags": { "owner": "p", "team": "x" }, "properties": { "networkAcls": { "defaultAction": "Allow" } } }));
        let m = back.moved(&moved);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].what, "changed since");
        // The resource group got another tag: not owned, not updated → not stale.
        moved = live.clone();
        moved.insert(
            "/subscriptions/s/resourceGroups/rg",
            json!({ "location": "westeurope", "tags": { "x": "y" } }),
        );
        assert!(back.moved(&moved).is_empty());
    }
}
