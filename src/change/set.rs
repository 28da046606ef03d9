//! The change set: per vault, per desired resource, what apply would do and why. Pure data,
//! rendered by `plan`/`apply` and executed by the executor; it holds no behaviour.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::settings::OnSoftDeleted;
use crate::resources::ResourceKind;

/// What apply does with one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// The resource does not exist: PUT the desired body.
    Create,
    /// The resource exists and differs in fields kvinit owns: PUT the read-modify-write body.
    Update,
    /// The resource exists and every field kvinit owns matches: nothing is sent.
    NoChange,
    /// The plan asks for something kvinit refuses to do (see `blocked`: a set-once field, a
    /// permission-model switch without consent or the role it needs, a vault name held or
    /// taken): nothing is sent for it.
    Blocked,
    /// Its live state could not be read (see `readError`): nothing is sent for it or for what
    /// depends on it.
    Unreadable,
    /// A role assignment kvinit created (its UUID v5 name proves it) that the plan no longer
    /// asks for: DELETE it — the one DELETE kvinit sends, only for access it granted itself
    /// (`--keep-revoked-grants` keeps it instead).
    Revoke,
}

/// One owned field whose live value differs from the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Dotted JSON path inside the body, e.g. `properties.networkAcls.ipRules`.
    pub path: String,
    /// The live value (absent when the field is missing live).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value the plan asks for.
    pub after: Value,
}

/// The change for one desired resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    /// The resource type.
    #[serde(serialize_with = "serialize_kind", rename = "type")]
    pub kind: ResourceKind,
    /// ARM resource ID in the plan's casing.
    pub id: String,
    /// What apply does.
    pub action: Action,
    /// Owned fields that differ (empty for `create` and `noChange`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// Changes kvinit refuses to make (e.g. a new soft-delete retention on an existing vault),
    /// each a sentence naming the field and what to do. These fields keep their live value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
    /// Notes on what kvinit keeps instead of the plan, never sent and not pending: a live value
    /// stricter than the plan on a guarded vault field (`kept: live value is stricter than the
    /// plan (…)`; prefixed `PATH: not reconcilable — ` when Key Vault cannot undo it, e.g.
    /// purge protection), or a role assignment satisfied by an equivalent one kvinit did not
    /// create. See `change::guard`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_reconcilable: Vec<String>,
    /// Access policies of the live vault that stop applying when it switches to RBAC (only
    /// when the plan switches an access-policy vault to RBAC).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_policies_stop_applying: Vec<Value>,
    /// The live `properties.provisioningState` is not terminal yet (e.g. a run was killed
    /// while the vault was being created): apply waits for it before dependents start.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisioning: bool,
    /// Why the live state could not be read (`unreadable` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_error: Option<super::live::ReadError>,
    /// The exact body apply would PUT (`create`/`update`); `null` otherwise.
    #[serde(skip)]
    pub body: Value,
    /// Fingerprint of the live state this change was computed from (see
    /// [`super::fingerprint`]); a saved change set is stale when it moved.
    #[serde(skip)]
    pub fingerprint: String,
}

impl ResourceChange {
    /// Whether this change is pending: apply would send something (`create`, `update`) or
    /// refuses something the plan asks for (`blocked`). `notReconcilable` notes are not pending.
    pub fn is_pending(&self) -> bool {
        matches!(
            self.action,
            Action::Create | Action::Update | Action::Blocked | Action::Revoke
        )
    }
}

fn serialize_kind<S: serde::Serializer>(kind: &ResourceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.arm_type())
}

/// The changes for one vault (one matrix cell), resources in dependency order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultChanges {
    /// Vault name.
    pub name: String,
    /// Subscription GUID (lower case).
    pub subscription_id: String,
    /// The vault's resource group name.
    pub resource_group: String,
    /// Azure location name, e.g. `westeurope`.
    pub location: String,
    /// Behaviour when the name is held by a soft-deleted vault.
    pub on_soft_deleted: OnSoftDeleted,
    /// One entry per desired resource (shared ones repeated in every vault that uses them).
    pub resources: Vec<ResourceChange>,
    /// For a vault to be created: who holds its name (filled by a live `plan`; `apply` checks
    /// again right before the create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_check: Option<super::name_check::NameCheck>,
    /// What exists at the vault's scope that kvinit did not create and leaves alone (role
    /// assignments, diagnostic settings), as findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmanaged: Vec<super::findings::Unmanaged>,
}

impl VaultChanges {
    /// The vault resource's change, if the vault is part of the desired resources.
    pub fn vault(&self) -> Option<&ResourceChange> {
        self.resources
            .iter()
            .find(|r| r.kind == ResourceKind::Vault)
    }

    /// Whether nothing would be written for this vault.
    pub fn is_unchanged(&self) -> bool {
        self.resources.iter().all(|r| r.action == Action::NoChange)
    }

    /// The vault's outcome in the one model every view uses (plan summary and detail, apply
    /// preview, progress, table, `-o json`): `update (n fields), m kept/blocked` — the owned
    /// fields that will be written (dotted paths, per resource), and the fields kept at a
    /// stricter live value or refused, each named.
    pub fn outcome(&self) -> Outcome {
        let mut out = Outcome::default();
        for r in &self.resources {
            let name = r.id.rsplit('/').next().unwrap_or(&r.id);
            match r.action {
                Action::Update => out
                    .written
                    .extend(r.changes.iter().map(|c| format!("{name}: {}", c.path))),
                Action::Create => out.written.push(format!("{name}: (created)")),
                Action::Revoke => out.written.push(format!("{name}: (revoked)")),
                _ => {}
            }
            out.kept.extend(
                r.not_reconcilable
                    .iter()
                    .filter(|n| n.contains("kept: live value is stricter"))
                    .map(|n| format!("{name}: {n}")),
            );
            out.blocked
                .extend(r.blocked.iter().map(|b| format!("{name}: {b}")));
        }
        out
    }

    /// Whether anything of this vault is pending (see [`ResourceChange::is_pending`]).
    pub fn is_pending(&self) -> bool {
        self.resources.iter().any(ResourceChange::is_pending)
    }
}

/// A vault's outcome (see [`VaultChanges::outcome`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// What will be written, `resource: field` (a create or revoke names the resource once).
    pub written: Vec<String>,
    /// Fields kept at their stricter live value, `resource: note`.
    pub kept: Vec<String>,
    /// Refused changes, `resource: reason`.
    pub blocked: Vec<String>,
}

impl Outcome {
    /// `update (3 fields), 2 kept/blocked`; `create (6 resources)`; `update (1 field, 1
    /// resource created), 1 kept/blocked`; `no change`.
    pub fn headline(&self) -> String {
        let whole = |w: &&String| w.ends_with(": (created)") || w.ends_with(": (revoked)");
        let resources = self.written.iter().filter(whole).count();
        let fields = self.written.len() - resources;
        let plural = |n: usize, one: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        let head = match (fields, resources) {
            (0, 0) => "no change".to_string(),
            (0, r) => format!("create ({})", plural(r, "resource")),
            (f, 0) => format!("update ({})", plural(f, "field")),
            (f, r) => format!(
                "update ({}, {} created or revoked)",
                plural(f, "field"),
                plural(r, "resource")
            ),
        };
        match self.kept.len() + self.blocked.len() {
            0 => head,
            m => format!("{head}, {m} kept/blocked"),
        }
    }
}

/// Every vault's changes, in matrix order.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ChangeSet {
    /// One entry per vault of the desired state, same order.
    pub vaults: Vec<VaultChanges>,
}

impl ChangeSet {
    /// Distinct resources (by ARM resource ID, case-insensitive) that are pending: what
    /// `plan --detailed-exitcode` answers 3 for.
    pub fn pending_resources(&self) -> usize {
        self.vaults
            .iter()
            .flat_map(|v| &v.resources)
            .filter(|r| r.is_pending())
            .map(|r| r.id.to_ascii_lowercase())
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    /// Whether any resource could not be read.
    pub fn any_unreadable(&self) -> bool {
        self.vaults
            .iter()
            .flat_map(|v| &v.resources)
            .any(|r| r.action == Action::Unreadable)
    }

    /// Counts of vaults whose vault resource would be created, vaults with other changes, and
    /// vaults with none: `(create, update, unchanged)`.
    pub fn summary(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for v in &self.vaults {
            match v.vault().map(|r| r.action) {
                Some(Action::Create) => counts.0 += 1,
                _ if v.resources.iter().any(|r| r.action == Action::Unreadable) => counts.1 += 1,
                _ if v.is_unchanged() => counts.2 += 1,
                _ => counts.1 += 1,
            }
        }
        counts
    }
}
