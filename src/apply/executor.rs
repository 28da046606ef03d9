//! The executor: walks each vault's resource graph with a concurrency cap, creating shared
//! resources (resource groups, action groups) once per run, and reports progress as events.
//! A failed node skips its dependents; one vault's failure never stops the others. It prints
//! nothing and never sends purge; its one DELETE is the revoke of a role assignment kvinit
//! created that the plan no longer asks for (`Action::Revoke`).
//!
//! Dependencies are derived from the data: a resource depends on every earlier resource of its
//! vault whose ARM resource ID is a path prefix of its own ID (its resource group, the vault it
//! extends) or appears as a string in its body (`scopes`, `actionGroupId`, `resourceId`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::StreamExt;
use futures::future::{BoxFuture, FutureExt, Shared};
use serde_json::Value;

use super::report::{
    ApplyReport, ReportError, ResourceReport, ResourceStatus, VaultReport, VaultStatus,
};
use super::reporter::{ApplyEvent, Reporter};
use super::vault_name::create_vault;
use crate::azure::interrupt::Interrupt;
use crate::azure::{ArmClient, AzureError, observe, write};
use crate::change::diff::DiffOptions;
use crate::change::{Action, ChangeSet, ResourceChange, VaultChanges, fingerprint};
use crate::resources::{DesiredState, ResourceKind};

/// Default number of vaults converged at once.
///
/// Why 32: a vault holds its slot through its ~2 s of provisioning, so with 8 slots a 30-vault
/// apply ran in four waves while the write budget sat idle (4.1× the lower bound; BENCHMARKS.md,
/// benchmark 2). 32 slots keep ARM's budget — not the cap — the limit, and the write pacer
/// keeps the extra parallelism under that budget.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// How the executor runs.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Vaults converged at once (1–64).
    pub concurrency: usize,
    /// Diff switches (used again after a recover).
    pub diff: DiffOptions,
    /// How long a role assignment answered `PrincipalNotFound` is retried (Microsoft Entra
    /// replication delay for a principal created minutes earlier), `--principal-wait`; default
    /// [`DEFAULT_PRINCIPAL_WAIT`].
    pub principal_wait: std::time::Duration,
}

/// Default bound of the `PrincipalNotFound` retry: 5 minutes (Entra replication usually takes
/// seconds to a few minutes; source: Azure RBAC troubleshooting, "PrincipalNotFound").
pub const DEFAULT_PRINCIPAL_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// ARM's code for a role assignment whose principal Entra does not know (yet).
const PRINCIPAL_NOT_FOUND: &str = "PrincipalNotFound";

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            diff: DiffOptions::default(),
            principal_wait: DEFAULT_PRINCIPAL_WAIT,
        }
    }
}

/// Reads live state for `desired` and computes the change set (the read phase,
/// [`crate::live::read_changes`]). Emits
/// [`ApplyEvent::Observing`]. Fails only when nothing at all could be read (no credential, no
/// connection); a read failing for some resources fails just the vaults concerned.
pub async fn plan_changes(
    clients: &ArmClient,
    desired: &DesiredState,
    options: ApplyOptions,
    reporter: &dyn Reporter,
) -> Result<ChangeSet, AzureError> {
    let distinct: std::collections::HashSet<String> = desired
        .vaults
        .iter()
        .flat_map(|v| v.resources.iter().map(|r| r.id.to_ascii_lowercase()))
        .collect();
    reporter.report(ApplyEvent::Observing {
        resources: distinct.len(),
    });
    crate::live::read_changes(clients, desired, options.diff).await
}

/// Observe, diff and execute in one go (what `kvinit apply --yes` does).
pub async fn apply(
    clients: &ArmClient,
    desired: &DesiredState,
    options: ApplyOptions,
    reporter: Arc<dyn Reporter>,
    interrupt: Interrupt,
) -> Result<ApplyReport, AzureError> {
    let started = Instant::now();
    let changes = plan_changes(clients, desired, options, reporter.as_ref()).await?;
    Ok(execute(clients, &changes, options, reporter, interrupt, started).await)
}

type NodeResult = Result<ResourceStatus, Arc<ReportError>>;
type Node = Shared<BoxFuture<'static, NodeResult>>;

struct Ctx {
    clients: ArmClient,
    reporter: Arc<dyn Reporter>,
    interrupt: Interrupt,
    diff: DiffOptions,
    principal_wait: std::time::Duration,
    /// Shared resources of the run, lower-cased ID → their one node.
    shared: Mutex<HashMap<String, Node>>,
}

/// Executes `changes`: every vault in parallel up to `options.concurrency`, each vault's
/// resources in dependency order. `started` is when the run began (for the report's wall time).
pub async fn execute(
    clients: &ArmClient,
    changes: &ChangeSet,
    options: ApplyOptions,
    reporter: Arc<dyn Reporter>,
    interrupt: Interrupt,
    started: Instant,
) -> ApplyReport {
    let pending = changes.vaults.iter().filter(|v| !v.is_unchanged()).count();
    reporter.report(ApplyEvent::Started {
        vaults: changes.vaults.len(),
        pending,
    });
    let ctx = Arc::new(Ctx {
        clients: clients.clone(),
        reporter: reporter.clone(),
        interrupt: interrupt.clone(),
        diff: options.diff,
        principal_wait: options.principal_wait,
        shared: Mutex::new(HashMap::new()),
    });
    let order = round_robin_by_subscription(changes);
    let mut reports: Vec<(usize, VaultReport)> =
        futures::stream::iter(order.into_iter().map(|i| (i, changes.vaults[i].clone())))
            .map(|(i, vault)| {
                let ctx = ctx.clone();
                async move { (i, run_vault(ctx, vault).await) }
            })
            .buffer_unordered(options.concurrency.clamp(1, 64))
            .collect()
            .await;
    reports.sort_by_key(|(i, _)| *i);
    let vaults = reports.into_iter().map(|(_, r)| r).collect();
    ApplyReport::new(
        vaults,
        clients.counter().snapshot(),
        started.elapsed().as_millis() as u64,
        interrupt.is_set(),
    )
}

/// Vault indices taking one vault of each subscription in turn (plan order within a
/// subscription), so the concurrency cap never fills with one subscription's vaults — waiting on
/// its write budget — while another subscription's budget sits idle.
fn round_robin_by_subscription(changes: &ChangeSet) -> Vec<usize> {
    let mut queues: Vec<(&str, std::collections::VecDeque<usize>)> = Vec::new();
    for (i, v) in changes.vaults.iter().enumerate() {
        match queues
            .iter_mut()
            .find(|(s, _)| s.eq_ignore_ascii_case(&v.subscription_id))
        {
            Some((_, q)) => q.push_back(i),
            None => queues.push((&v.subscription_id, std::collections::VecDeque::from([i]))),
        }
    }
    let mut order = Vec::with_capacity(changes.vaults.len());
    while order.len() < changes.vaults.len() {
        for (_, q) in &mut queues {
            if let Some(i) = q.pop_front() {
                order.push(i);
            }
        }
    }
    order
}

async fn run_vault(ctx: Arc<Ctx>, vault: VaultChanges) -> VaultReport {
    let vault = Arc::new(vault);
    if ctx.interrupt.is_set() {
        return finish(&ctx, interrupted_report(&vault));
    }
    ctx.reporter.report(ApplyEvent::VaultStarted {
        vault: vault.name.clone(),
    });
    let mut nodes: Vec<Node> = Vec::with_capacity(vault.resources.len());
    for (i, change) in vault.resources.iter().enumerate() {
        let deps: Vec<Node> = vault.resources[..i]
            .iter()
            .zip(&nodes)
            .filter(|(earlier, _)| depends_on(change, &earlier.id))
            .map(|(_, n)| n.clone())
            .collect();
        let node = if change.kind.is_shared() {
            let mut shared = ctx.shared.lock().expect("shared lock");
            shared
                .entry(change.id.to_ascii_lowercase())
                .or_insert_with(|| make_node(ctx.clone(), vault.clone(), change.clone(), deps))
                .clone()
        } else {
            make_node(ctx.clone(), vault.clone(), change.clone(), deps)
        };
        nodes.push(node);
    }
    let results = futures::future::join_all(nodes).await;
    finish(&ctx, vault_report(&vault, &results))
}

fn finish(ctx: &Ctx, report: VaultReport) -> VaultReport {
    ctx.reporter
        .report(ApplyEvent::VaultFinished(Box::new(report.clone())));
    report
}

/// Whether `change` depends on the resource `other_id` (see the module docs).
fn depends_on(change: &ResourceChange, other_id: &str) -> bool {
    let id = change.id.to_ascii_lowercase();
    let other = other_id.to_ascii_lowercase();
    if id != other && id.starts_with(&format!("{other}/")) {
        return true;
    }
    mentions(&change.body, &other) && id != other
}

fn mentions(body: &Value, id_lower: &str) -> bool {
    match body {
        Value::String(s) => s.eq_ignore_ascii_case(id_lower),
        Value::Array(a) => a.iter().any(|v| mentions(v, id_lower)),
        Value::Object(m) => m.values().any(|v| mentions(v, id_lower)),
        _ => false,
    }
}

fn make_node(
    ctx: Arc<Ctx>,
    vault: Arc<VaultChanges>,
    change: ResourceChange,
    deps: Vec<Node>,
) -> Node {
    async move {
        for dep in deps {
            dep.await?;
        }
        let status = run_node(&ctx, &vault, &change).await;
        let event_status = match &status {
            Ok(s) => *s,
            Err(root) if root.code == INTERRUPTED => ResourceStatus::Interrupted,
            Err(_) => ResourceStatus::Failed,
        };
        ctx.reporter.report(ApplyEvent::ResourceFinished {
            vault: vault.name.clone(),
            kind: change.kind,
            id: change.id.clone(),
            status: event_status,
        });
        status
    }
    .boxed()
    .shared()
}

use crate::azure::error::INTERRUPTED;

async fn run_node(ctx: &Ctx, vault: &VaultChanges, change: &ResourceChange) -> NodeResult {
    let name_refused = vault
        .name_check
        .as_ref()
        .is_some_and(|n| n.refusal(&vault.name, &vault.subscription_id).is_some());
    if change.action == Action::Blocked && change.fingerprint == fingerprint::ABSENT {
        // Blocked before it exists (its vault's name is held, its subnet is missing or lacks the
        // Microsoft.KeyVault endpoint): it is not "unchanged", and nothing that needs it can
        // start. The name refusal is named when that is the reason.
        let (code, message) = vault
            .name_check
            .as_ref()
            .filter(|_| change.kind == ResourceKind::Vault && name_refused)
            .and_then(|n| n.refusal(&vault.name, &vault.subscription_id))
            .map(|(code, m)| (code.to_string(), m))
            .unwrap_or_else(|| ("ChangeBlocked".into(), change.blocked.join("; ")));
        return Err(Arc::new(ReportError {
            code,
            message,
            resource: change.id.clone(),
        }));
    }
    if matches!(change.action, Action::NoChange | Action::Blocked) {
        if change.provisioning {
            write::wait_until_provisioned(&ctx.clients, change.kind, &change.id)
                .await
                .map_err(|e| Arc::new(ReportError::from_azure(&e, &change.id)))?;
        }
        return Ok(ResourceStatus::Unchanged);
    }
    if let Some(e) = &change.read_error {
        return Err(Arc::new(ReportError {
            code: e.code.clone(),
            message: format!(
                "could not read the live state, so nothing was written: {}",
                e.message
            ),
            resource: change.id.clone(),
        }));
    }
    if ctx.interrupt.is_set() {
        return Err(Arc::new(ReportError {
            code: INTERRUPTED.into(),
            message: "Ctrl-C came before this resource was written".into(),
            resource: change.id.clone(),
        }));
    }
    if change.action == Action::Revoke {
        ctx.reporter.report(ApplyEvent::ResourceStarted {
            vault: vault.name.clone(),
            kind: change.kind,
            id: change.id.clone(),
            what: "revoke",
        });
        return match write::revoke_role_assignment(&ctx.clients, &change.id).await {
            Ok(()) => Ok(ResourceStatus::Revoked),
            Err(e) => Err(Arc::new(ReportError::from_azure(&e, &change.id))),
        };
    }
    if let Some(path) = crate::change::merge::never_sent(&change.body) {
        // The last line of the never-send list: no body reaches ARM with it, whatever built it.
        return Err(Arc::new(ReportError {
            code: "NeverSent".into(),
            message: format!("kvinit never sends `{path}: false`; nothing was written"),
            resource: change.id.clone(),
        }));
    }
    let what = match change.action {
        Action::Create if change.kind == ResourceKind::Vault => "check name, create",
        Action::Create => "create",
        _ => "update",
    };
    ctx.reporter.report(ApplyEvent::ResourceStarted {
        vault: vault.name.clone(),
        kind: change.kind,
        id: change.id.clone(),
        what,
    });
    if change.kind == ResourceKind::Vault && change.action == Action::Create {
        let (status, blocked) =
            create_vault(&ctx.clients, vault, &change.id, &change.body, ctx.diff)
                .await
                .map_err(Arc::new)?;
        if !blocked.is_empty() {
            // Recovered, but with settings kvinit will not change (e.g. its retention).
            return Err(Arc::new(ReportError {
                code: "ChangeBlocked".into(),
                message: format!("the vault was recovered, but {}", blocked.join("; ")),
                resource: change.id.clone(),
            }));
        }
        return Ok(status);
    }
    let written = put_waiting_for_principal(ctx, vault, change).await;
    match written {
        Ok(_) => Ok(match change.action {
            Action::Create => ResourceStatus::Created,
            _ => ResourceStatus::Updated,
        }),
        // Safety net: the same grant exists under another name (made since the read phase):
        // it satisfies the plan, as the diff treats one it saw (see `change::guard`).
        Err(e)
            if change.kind == ResourceKind::RoleAssignment && e.code == ROLE_ASSIGNMENT_EXISTS =>
        {
            match observe::equivalent_role_assignment(&ctx.clients, &change.id, &change.body).await
            {
                Ok(Some(_)) => Ok(ResourceStatus::Unchanged),
                _ => Err(Arc::new(ReportError::from_azure(&e, &change.id))),
            }
        }
        Err(e) => Err(Arc::new(ReportError::from_azure(&e, &change.id))),
    }
}

/// PUTs `change`; a role assignment answered `PrincipalNotFound` is retried with backoff (2, 4,
/// 8 … 30 s) until `principal_wait` has passed, each wait reported as
/// [`ApplyEvent::Retrying`] with the reason. Anything else is returned as it is.
async fn put_waiting_for_principal(
    ctx: &Ctx,
    vault: &VaultChanges,
    change: &ResourceChange,
) -> Result<Value, crate::azure::AzureError> {
    let started = Instant::now();
    let mut pause = std::time::Duration::from_secs(2);
    loop {
        let written = write::put(&ctx.clients, change.kind, &change.id, &change.body).await;
        let Err(e) = &written else {
            return written;
        };
        let elapsed = started.elapsed();
        if change.kind != ResourceKind::RoleAssignment
            || e.code != PRINCIPAL_NOT_FOUND
            || elapsed >= ctx.principal_wait
            || ctx.interrupt.is_set()
        {
            return written;
        }
        let left = ctx.principal_wait - elapsed;
        let wait = pause.min(left);
        ctx.reporter.report(ApplyEvent::Retrying {
            vault: vault.name.clone(),
            id: change.id.clone(),
            reason: "PrincipalNotFound: Microsoft Entra ID does not know the principal yet \
                     (replication delay for a principal created minutes ago)"
                .into(),
            after_secs: wait.as_secs().max(1),
            left_secs: left.as_secs(),
        });
        tokio::time::sleep(wait).await;
        pause = (pause * 2).min(std::time::Duration::from_secs(30));
    }
}

/// ARM's code for a PUT of a role assignment whose (scope, principal, role) already exists
/// under another name. Source: Authorization RP.
const ROLE_ASSIGNMENT_EXISTS: &str = "RoleAssignmentExists";

fn interrupted_report(vault: &VaultChanges) -> VaultReport {
    VaultReport {
        name: vault.name.clone(),
        subscription_id: vault.subscription_id.clone(),
        resource_group: vault.resource_group.clone(),
        status: VaultStatus::Interrupted,
        error: Some(ReportError {
            code: INTERRUPTED.into(),
            message: "Ctrl-C came before this vault was started".into(),
            resource: vault.vault().map(|v| v.id.clone()).unwrap_or_default(),
        }),
        changes: vault
            .resources
            .iter()
            .map(|r| ResourceReport {
                kind: r.kind,
                id: r.id.clone(),
                status: ResourceStatus::Interrupted,
                changes: r.changes.clone(),
                blocked: r.blocked.clone(),
                error: None,
            })
            .collect(),
        kept: Vec::new(),
        blocked: Vec::new(),
    }
}

fn vault_report(vault: &VaultChanges, results: &[NodeResult]) -> VaultReport {
    let mut root: Option<ReportError> = None;
    let mut interrupted = false;
    let changes: Vec<ResourceReport> = vault
        .resources
        .iter()
        .zip(results)
        .map(|(r, result)| {
            let own_error = match result {
                Err(e) if e.resource.eq_ignore_ascii_case(&r.id) && e.code != INTERRUPTED => {
                    Some((**e).clone())
                }
                _ => None,
            };
            let status = match result {
                Ok(s) => *s,
                Err(e) if e.code == INTERRUPTED => {
                    interrupted = true;
                    ResourceStatus::Interrupted
                }
                Err(e) => {
                    if root.is_none() {
                        root = Some((**e).clone());
                    }
                    if e.resource.eq_ignore_ascii_case(&r.id) {
                        ResourceStatus::Failed
                    } else {
                        ResourceStatus::Skipped
                    }
                }
            };
            ResourceReport {
                kind: r.kind,
                id: r.id.clone(),
                status,
                changes: r.changes.clone(),
                blocked: r.blocked.clone(),
                error: own_error,
            }
        })
        .collect();
    let outcome = vault.outcome();
    let blocked: Vec<String> = vault
        .resources
        .iter()
        .flat_map(|r| r.blocked.iter().cloned())
        .collect();
    let written = changes.iter().any(|c| {
        matches!(
            c.status,
            ResourceStatus::Created
                | ResourceStatus::Updated
                | ResourceStatus::Recovered
                | ResourceStatus::Revoked
        )
    });
    let vault_status = changes
        .iter()
        .find(|c| c.kind == ResourceKind::Vault)
        .map(|c| c.status);
    let (status, error) = if let Some(root) = root {
        (VaultStatus::Failed, Some(root))
    } else if interrupted {
        (
            VaultStatus::Interrupted,
            Some(ReportError {
                code: INTERRUPTED.into(),
                message: "Ctrl-C came before every resource was written; run apply again".into(),
                resource: vault.vault().map(|v| v.id.clone()).unwrap_or_default(),
            }),
        )
    } else if !blocked.is_empty() && !written {
        // Nothing else to write: the plan cannot be met on this vault.
        (
            VaultStatus::Failed,
            Some(ReportError {
                code: "ChangeBlocked".into(),
                message: blocked.join("; "),
                resource: vault.vault().map(|v| v.id.clone()).unwrap_or_default(),
            }),
        )
    } else if matches!(
        vault_status,
        Some(ResourceStatus::Created | ResourceStatus::Recovered)
    ) {
        (VaultStatus::Created, None)
    } else if written {
        (VaultStatus::Updated, None)
    } else {
        (VaultStatus::Unchanged, None)
    };
    VaultReport {
        name: vault.name.clone(),
        subscription_id: vault.subscription_id.clone(),
        resource_group: vault.resource_group.clone(),
        status,
        error,
        changes,
        kept: outcome.kept,
        blocked: outcome.blocked,
    }
}
