//! Reads: the one read phase of a run. Reads each resource a desired state names (absent → not
//! in the [`LiveState`]) with as few requests as ARM allows, as each type's descriptor
//! (`resources::<type>::TYPE`: `parent`, `read`) says: phase 1 what sits in the subscription,
//! phase 2 what sits in a resource group that exists, phase 3 extension and child resources of a
//! managed resource that exists. A `ListInSubscription` type is read with one list per
//! subscription when that saves requests, a `ListAtVault` type with one list per existing parent
//! (so what kvinit did not create is seen too), anything else with GET. Reads are pruned by
//! parent: nothing inside a resource group or on a resource that does not exist. A list ARM
//! refuses falls back to GETs. No `match` on the kind: a new type needs no edit here. It must
//! not write anything or decide what to change.

use std::collections::{BTreeMap, HashMap};

use futures::StreamExt;
use serde_json::Value;

use super::arm::client::ArmClient;
use super::error::AzureError;
use super::ids::ArmId;
use crate::change::{LiveState, ReadError};
use crate::model::desired::{DesiredState, ResourceKind};
use crate::resources::{Parent, Read as ResourceRead};

/// How many reads run at once during observe.
pub const OBSERVE_CONCURRENCY: usize = 16;

/// One read request.
#[derive(Debug, Clone)]
enum Read {
    /// GET one resource (404 → absent).
    Get { kind: ResourceKind, id: String },
    /// One ARM list standing in for the GETs of `members`.
    List {
        path: String,
        api_version: &'static str,
        filter: Option<&'static str>,
        members: Vec<(ResourceKind, String)>,
    },
}

/// Reads every resource `desired` names. A read that fails (after retries, other than 404)
/// marks its resources — and everything inside them — unreadable in the [`LiveState`], so only
/// the vaults concerned fail; the others go on.
pub async fn observe(clients: &ArmClient, desired: &DesiredState) -> LiveState {
    // Unique resources by lower-cased ID, kept with their kind.
    let mut unique: BTreeMap<String, (ResourceKind, String)> = BTreeMap::new();
    for vault in &desired.vaults {
        for r in &vault.resources {
            unique
                .entry(r.id.to_ascii_lowercase())
                .or_insert((r.kind, r.id.clone()));
        }
    }
    let mut live = LiveState::new();
    let by_parent = |want: fn(Parent) -> bool| -> Vec<(ResourceKind, String)> {
        unique
            .values()
            .filter(|(k, _)| want(k.descriptor().parent))
            .cloned()
            .collect()
    };

    // Phase 1: what sits directly in the subscription (resource groups).
    let top = by_parent(|p| p == Parent::Subscription);
    read_all(clients, plan_reads(top), &mut live).await;
    // Phase 2: resources directly in a resource group that exists.
    let in_groups: Vec<_> = by_parent(|p| p == Parent::ResourceGroup)
        .into_iter()
        .filter(|(_, id)| {
            parent_readable(&mut live, id, Parent::ResourceGroup)
                && Parent::ResourceGroup
                    .id_of(id)
                    .is_some_and(|rg| live.contains(&rg))
        })
        .collect();
    read_all(clients, plan_reads(in_groups), &mut live).await;
    // Phase 3: extension and child resources of a managed resource that exists (the vault's
    // role assignments, diagnostic settings and locks, a private endpoint's DNS zone group).
    // A type read with a list is listed at every existing parent of the plan — one list each,
    // as many requests as the GETs they stand for when the plan names any — so that what
    // kvinit did not create shows as a finding and the caller's roles can decide a
    // permission-model switch; a type read with GET is read only where the plan names it.
    let under: Vec<_> = by_parent(|p| p.resource_kind().is_some())
        .into_iter()
        .filter(|(kind, id)| parent_readable(&mut live, id, kind.descriptor().parent))
        .collect();
    // (lower-cased parent ID, kind) → the plan's resources of that kind under it.
    let mut by_owner: HashMap<(String, ResourceKind), Vec<(ResourceKind, String)>> = HashMap::new();
    let mut reads = Vec::new();
    for (kind, id) in under {
        let Some(parent) = kind.descriptor().parent.id_of(&id) else {
            continue;
        };
        if !live.contains(&parent) {
            continue;
        }
        match kind.descriptor().read {
            ResourceRead::ListAtVault { .. } => by_owner
                .entry((parent.to_ascii_lowercase(), kind))
                .or_default()
                .push((kind, id)),
            _ => reads.push(Read::Get { kind, id }),
        }
    }
    for kind in ResourceKind::ALL {
        let d = kind.descriptor();
        let (Some(parent_kind), ResourceRead::ListAtVault { path, filter }) =
            (d.parent.resource_kind(), d.read)
        else {
            continue;
        };
        for (_, parent) in by_parent(|_| true)
            .into_iter()
            .filter(|(k, _)| *k == parent_kind)
        {
            if !live.contains(&parent) {
                continue;
            }
            let members = by_owner
                .remove(&(parent.to_ascii_lowercase(), kind))
                .unwrap_or_default();
            reads.push(Read::List {
                path: format!("{parent}{path}"),
                api_version: d.api_version,
                filter,
                members,
            });
        }
    }
    read_all(clients, reads, &mut live).await;
    if let Some(oid) = super::caller::principal_id(clients).await {
        live.set_caller_principal_id(&oid);
    }
    live
}

/// `false` (and `id` marked unreadable too) when `id`'s parent could not be read.
fn parent_readable(live: &mut LiveState, id: &str, parent: Parent) -> bool {
    let parent = parent.id_of(id);
    let Some(error) = parent.and_then(|p| live.read_error(&p).cloned()) else {
        return true;
    };
    live.mark_unreadable(id, error);
    false
}

/// Where a resource of `kind` can be listed together with its siblings (its descriptor's
/// [`ResourceRead::ListInSubscription`]): the list path and `$filter`; `None` when kvinit reads
/// it with GET.
fn list_scope(kind: ResourceKind, id: &ArmId) -> Option<(String, Option<&'static str>)> {
    let sub = id.subscription_id.as_deref()?;
    match kind.descriptor().read {
        read @ ResourceRead::ListInSubscription { .. } => read.list_path(sub, ""),
        _ => None,
    }
}

/// Groups reads: siblings that share a list scope become one list when that saves requests.
fn plan_reads(items: Vec<(ResourceKind, String)>) -> Vec<Read> {
    // Lower-cased list path → the list read being gathered.
    let mut lists: BTreeMap<String, Read> = BTreeMap::new();
    let mut reads = Vec::new();
    for (kind, id) in items {
        let scope = ArmId::parse(&id).ok().and_then(|a| list_scope(kind, &a));
        let Some((path, filter)) = scope else {
            reads.push(Read::Get { kind, id });
            continue;
        };
        let list = lists
            .entry(path.to_ascii_lowercase())
            .or_insert_with(|| Read::List {
                path,
                api_version: kind.api_version(),
                filter,
                members: Vec::new(),
            });
        if let Read::List { members, .. } = list {
            members.push((kind, id));
        }
    }
    for list in lists.into_values() {
        match list {
            Read::List { members, .. } if members.len() < 2 => {
                reads.extend(members.into_iter().map(|(kind, id)| Read::Get { kind, id }));
            }
            list => reads.push(list),
        }
    }
    reads
}

async fn read_all(clients: &ArmClient, reads: Vec<Read>, live: &mut LiveState) {
    let mut results = futures::stream::iter(reads)
        .map(|read| async move {
            let ids = read.ids();
            (ids, execute(clients, read).await)
        })
        .buffer_unordered(OBSERVE_CONCURRENCY);
    while let Some((ids, found)) = results.next().await {
        match found {
            Ok(found) => {
                for (id, body) in found {
                    live.insert(&id, body);
                }
            }
            Err(e) => {
                for id in ids {
                    live.mark_unreadable(
                        &id,
                        ReadError {
                            code: e.code.clone(),
                            message: e.message.clone(),
                        },
                    );
                }
            }
        }
    }
}

impl Read {
    /// The resources this read stands for.
    fn ids(&self) -> Vec<String> {
        match self {
            Read::Get { id, .. } => vec![id.clone()],
            Read::List { members, .. } => members.iter().map(|(_, id)| id.clone()).collect(),
        }
    }
}

/// Runs one read; returns `(id, body)` of everything found.
async fn execute(clients: &ArmClient, read: Read) -> Result<Vec<(String, Value)>, AzureError> {
    match read {
        Read::Get { kind, id } => Ok(get(clients, kind, &id)
            .await?
            .map(|b| (id, b))
            .into_iter()
            .collect()),
        Read::List {
            path,
            api_version,
            filter,
            members,
        } => {
            let query: Vec<(&str, &str)> = filter.map(|f| ("$filter", f)).into_iter().collect();
            match clients.list(&path, api_version, &query).await {
                Ok(items) => Ok(items
                    .into_iter()
                    .filter_map(|item| {
                        let id = item.get("id")?.as_str()?.to_string();
                        Some((id, item))
                    })
                    .collect()),
                // ARM (or an older emulator) does not offer this list: read the members one by one.
                // (Concurrently: a subscription-wide list can stand for many resources.)
                Err(e) if matches!(e.status, Some(400 | 404 | 405)) => {
                    let gets: Vec<Result<Option<(String, Value)>, AzureError>> =
                        futures::stream::iter(members)
                            .map(|(kind, id)| async move {
                                Ok(get(clients, kind, &id).await?.map(|body| (id, body)))
                            })
                            .buffer_unordered(OBSERVE_CONCURRENCY)
                            .collect()
                            .await;
                    gets.into_iter()
                        .filter_map(Result::transpose)
                        .collect::<Result<Vec<_>, _>>()
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// Re-reads the role assignments at the scope of the desired role assignment `desired_id`
/// (one list, `$filter=atScope()`) and returns the name of one that grants what `desired_body`
/// asks for under another name (see [`crate::change::guard::is_equivalent_role_assignment`]).
/// Used after a PUT answered 409 `RoleAssignmentExists`; role assignment lists can lag a write,
/// so it reads up to [`EQUIVALENT_READS`] times, [`EQUIVALENT_READ_PAUSE`] apart.
pub async fn equivalent_role_assignment(
    clients: &ArmClient,
    desired_id: &str,
    desired_body: &Value,
) -> Result<Option<String>, AzureError> {
    use crate::change::guard::{is_equivalent_role_assignment, role_assignment_scope};
    let Some(scope) = role_assignment_scope(desired_id) else {
        return Ok(None);
    };
    let path = format!("{scope}/providers/Microsoft.Authorization/roleAssignments");
    let api_version = ResourceKind::RoleAssignment.api_version();
    for attempt in 0..EQUIVALENT_READS {
        if attempt > 0 {
            tokio::time::sleep(EQUIVALENT_READ_PAUSE).await;
        }
        let items = clients
            .list(&path, api_version, &[("$filter", "atScope()")])
            .await?;
        let found = items
            .iter()
            .find(|item| is_equivalent_role_assignment(desired_id, desired_body, item))
            .and_then(|item| {
                item.get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| {
                        item.get("id")
                            .and_then(Value::as_str)
                            .and_then(|id| id.rsplit('/').next())
                            .map(str::to_string)
                    })
            });
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// How many times [`equivalent_role_assignment`] lists before it gives up.
pub const EQUIVALENT_READS: usize = 3;
/// The pause between those lists.
pub const EQUIVALENT_READ_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// GETs one resource: `Ok(None)` when ARM answers 404.
pub async fn get(
    clients: &ArmClient,
    kind: ResourceKind,
    id: &str,
) -> Result<Option<Value>, AzureError> {
    match get_raw(clients, kind, id).await {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

async fn get_raw(clients: &ArmClient, kind: ResourceKind, id: &str) -> Result<Value, AzureError> {
    ArmId::parse(id)?;
    clients.get(id, kind.api_version()).await
}
