//! Desired state: the ARM resources a validated plan asks for, as ARM would receive them.
//! Pure data computed from the matrix; no I/O. Rendered by `plan`, diffed by `change`,
//! sent by the Azure adapter.

use serde::Serialize;
use serde_json::{Map, Value};

use super::ResourceKind;
use super::build::{BuildContext, BuiltResource, string};
use super::{action_group, resource_group, vault};
use crate::model::body::Body;
pub use crate::model::settings::OnSoftDeleted;
use crate::model::tags::{TAG_APP, TAG_ENV, TAG_REGION};

/// One ARM resource as kvinit wants it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredResource {
    /// The resource type.
    #[serde(rename = "type", serialize_with = "serialize_kind")]
    pub kind: ResourceKind,
    /// The ARM resource ID, in the user's casing (compare case-insensitively).
    pub id: String,
    /// The api-version the request uses.
    pub api_version: &'static str,
    /// The full request body of the PUT, exactly as ARM receives it (`location`, `tags`,
    /// `properties`, …), as compact JSON text ([`Body::to_value`] parses it).
    pub body: Body,
}

fn serialize_kind<S: serde::Serializer>(kind: &ResourceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.arm_type())
}

/// Every vault of a plan with its desired ARM resources, in matrix order
/// (apps × environments × regions, as written in the plan).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct DesiredState {
    /// One entry per matrix cell.
    pub vaults: Vec<DesiredVault>,
}

impl DesiredState {
    /// How many distinct ARM resources the plan holds: each resource once, although an
    /// environment's shared resource group and action group appear in every vault's list
    /// (resource IDs compared case-insensitively, as ARM does).
    pub fn distinct_resources(&self) -> usize {
        self.vaults
            .iter()
            .flat_map(|v| &v.resources)
            .map(|r| r.id.to_ascii_lowercase())
            .collect::<std::collections::HashSet<_>>()
            .len()
    }
}

/// One matrix cell: a vault and the resources that make it compliant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredVault {
    /// Vault name (3–24 characters, checked).
    pub name: String,
    /// App name.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// Short region code used in names, e.g. `weu`.
    pub region: String,
    /// Azure location name, e.g. `westeurope`.
    pub location: String,
    /// Subscription (lower-case GUID) the vault lives in.
    pub subscription_id: String,
    /// Resource group name (checked).
    pub resource_group: String,
    /// Behaviour when the name is held by a soft-deleted vault.
    pub on_soft_deleted: OnSoftDeleted,
    /// In dependency order: resource group, vault, role assignments, diagnostic setting,
    /// the environment's shared resource group (`rg-kvinit-{env}`, see
    /// [`SHARED_RESOURCE_GROUP_PATTERN`]), action group, metric alerts, activity log alert.
    /// Shared resources (resource groups, action group) appear in every vault that uses them,
    /// with identical bodies; the executor creates each once.
    pub resources: Vec<DesiredResource>,
}

/// Plans with at least this many cells compute their vaults on several threads (one chunk of
/// cells per available core); smaller plans stay on the calling thread, where a thread's start-up
/// (tens of microseconds) would cost more than it saves.
pub const PARALLEL_MIN_CELLS: usize = 256;

/// Computes every vault of `plan` with its desired ARM resources, in matrix order. Pure (no
/// I/O). The compliance rules are not evaluated here (they sit above the resource types:
/// `rules::desired_state_with_compliance` runs them on the same bodies through
/// [`desired_state_with`]).
pub fn desired_state(plan: &crate::model::Plan) -> DesiredState {
    desired_state_with(plan, || |_: &[BuiltResource]| ()).0
}

/// Computes every vault of `plan` with its desired ARM resources, in matrix order, and calls an
/// inspector on each vault's resources while their bodies are still [`Value`]s (before they are
/// compacted into [`Body`] text), returning its results in the same order as the vaults.
/// `per_thread` makes one inspector per computing thread (so it can keep per-thread state,
/// e.g. a pool of shared texts). Pure (no I/O); the result does not depend on how many threads
/// computed it. Large plans (≥ [`PARALLEL_MIN_CELLS`] cells) are split into
/// `std::thread::available_parallelism()` chunks: the calling thread computes the first, one
/// scoped thread each of the others.
pub fn desired_state_with<T, I>(
    plan: &crate::model::Plan,
    per_thread: impl Fn() -> I + Sync,
) -> (DesiredState, Vec<T>)
where
    T: Send,
    I: FnMut(&[BuiltResource]) -> T,
{
    let first_location = plan.regions.first().map_or("westeurope", |r| r.name);
    let chunk_of = |cells: &[crate::model::Cell]| {
        let mut inspect = per_thread();
        let mut vaults = Vec::with_capacity(cells.len());
        let mut seen = Vec::with_capacity(cells.len());
        for c in cells {
            let (v, t) = desired_vault(c, plan.tenant_id, first_location, &mut inspect);
            vaults.push(v);
            seen.push(t);
        }
        Body::forget_shared();
        (vaults, seen)
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if threads < 2 || plan.cells.len() < PARALLEL_MIN_CELLS {
        let (vaults, seen) = chunk_of(&plan.cells);
        return (DesiredState { vaults }, seen);
    }
    let chunk = plan.cells.len().div_ceil(threads);
    let (first, rest) = plan.cells.split_at(chunk);
    let (vaults, seen) = std::thread::scope(|scope| {
        let workers: Vec<_> = rest
            .chunks(chunk)
            .map(|cells| scope.spawn(move || chunk_of(cells)))
            .collect();
        // The calling thread computes the first chunk itself, straight into the result: its
        // allocator arena (glibc: one per thread) already holds the memory the plan's parse
        // freed, which another thread's arena could not reuse (~6 MB at 10,000 cells).
        let mut vaults = Vec::with_capacity(plan.cells.len());
        let mut seen = Vec::with_capacity(plan.cells.len());
        let (v, t) = chunk_of(first);
        vaults.extend(v);
        seen.extend(t);
        for w in workers {
            match w.join() {
                Ok((v, t)) => {
                    vaults.extend(v);
                    seen.extend(t);
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        (vaults, seen)
    });
    (DesiredState { vaults }, seen)
}

/// One cell: the shared IDs once, then each type's builder in [`ResourceKind::ALL`] order
/// (a table lookup per kind), the inspector, then the compaction into [`DesiredResource`]s.
fn desired_vault<T>(
    cell: &crate::model::Cell,
    tenant_id: uuid::Uuid,
    shared_location: &str,
    inspect: &mut impl FnMut(&[BuiltResource]) -> T,
) -> (DesiredVault, T) {
    let s = &cell.settings;
    let sub = &cell.subscription_id;
    let mut tags = Map::with_capacity(s.tags.len() + 3);
    for (k, v) in &s.tags {
        tags.insert(k.clone(), string(v));
    }
    tags.insert(TAG_APP.into(), string(&cell.app));
    tags.insert(TAG_ENV.into(), string(&cell.environment));
    tags.insert(TAG_REGION.into(), string(cell.region.name));
    let tags = Value::Object(tags);

    let rg_id = resource_group::id(sub, &cell.resource_group);
    let vault_id = vault::id(&rg_id, &cell.vault_name);
    let alerts = usize::from(s.alerts.availability.is_some())
        + usize::from(s.alerts.saturation.is_some())
        + usize::from(s.alerts.latency.is_some())
        + usize::from(s.alerts.vault_deleted);
    let shared = (alerts > 0).then(|| {
        let shared_rg_id = resource_group::shared_id(sub, &cell.environment);
        let ag_id = action_group::id(&shared_rg_id, &s.alerts.action_group.name);
        (shared_rg_id, ag_id)
    });
    let ctx = BuildContext {
        cell,
        tenant_id,
        shared_location,
        tags: &tags,
        rg_id: &rg_id,
        vault_id: &vault_id,
        shared: shared.as_ref().map(|(rg, ag)| (rg.as_str(), ag.as_str())),
    };
    let mut out = Vec::with_capacity(5 + s.role_assignments.len() + alerts);
    for kind in ResourceKind::ALL {
        (kind.descriptor().build)(&ctx, &mut out);
    }
    let seen = inspect(&out);

    // What follows lives as long as the desired state (for every vault of the plan), so
    // nothing keeps spare capacity or a second copy: IDs are shrunk (`format!` leaves up to
    // half of a string unused), and collecting the resources in place would keep the larger
    // `BuiltResource` allocation.
    let mut resources = Vec::with_capacity(out.len());
    for BuiltResource { kind, mut id, body } in out {
        id.shrink_to_fit();
        resources.push(DesiredResource {
            kind,
            id,
            api_version: kind.api_version(),
            // Compacted as soon as the inspector is done with it; the `Value` is dropped here.
            body: Body::from_value(&body),
        });
    }
    let vault = DesiredVault {
        name: cell.vault_name.clone(),
        app: cell.app.clone(),
        environment: cell.environment.clone(),
        region: cell.region.code.to_string(),
        location: cell.region.name.to_string(),
        subscription_id: sub.clone(),
        resource_group: cell.resource_group.clone(),
        on_soft_deleted: s.on_soft_deleted,
        resources,
    };
    (vault, seen)
}

#[cfg(test)]
#[path = "desired_spec_tests.rs"]
mod spec_tests;
