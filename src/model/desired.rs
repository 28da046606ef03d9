//! Desired state: the ARM resources a validated plan asks for, as ARM would receive them.
//! Pure data computed from the matrix; no I/O. Rendered by `plan`, diffed by `change`,
//! sent by the Azure adapter.

use serde::Serialize;
use serde_json::{Map, Value};

use super::body::Body;
use crate::rules::detail_pool::DetailPool;

/// The ARM resource types kvinit manages, with the api-version it calls for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ResourceKind {
    /// `Microsoft.Resources/resourceGroups`, api-version 2021-04-01.
    ResourceGroup,
    /// `Microsoft.KeyVault/vaults`, api-version 2026-02-01.
    Vault,
    /// `Microsoft.Authorization/roleAssignments` at vault scope, api-version 2022-04-01.
    RoleAssignment,
    /// `Microsoft.Insights/diagnosticSettings` on the vault, api-version 2021-05-01-preview.
    DiagnosticSetting,
    /// `Microsoft.Insights/actionGroups` (shared per environment and subscription), 2023-01-01.
    ActionGroup,
    /// `Microsoft.Insights/metricAlerts`, api-version 2018-03-01.
    MetricAlert,
    /// `Microsoft.Insights/activityLogAlerts`, api-version 2026-01-01.
    ActivityLogAlert,
}

impl ResourceKind {
    /// The ARM resource type, e.g. `Microsoft.KeyVault/vaults`.
    pub fn arm_type(self) -> &'static str {
        match self {
            ResourceKind::ResourceGroup => "Microsoft.Resources/resourceGroups",
            ResourceKind::Vault => "Microsoft.KeyVault/vaults",
            ResourceKind::RoleAssignment => "Microsoft.Authorization/roleAssignments",
            ResourceKind::DiagnosticSetting => "Microsoft.Insights/diagnosticSettings",
            ResourceKind::ActionGroup => "Microsoft.Insights/actionGroups",
            ResourceKind::MetricAlert => "Microsoft.Insights/metricAlerts",
            ResourceKind::ActivityLogAlert => "Microsoft.Insights/activityLogAlerts",
        }
    }

    /// The api-version kvinit calls for this type: issue 10's table, the one place api-versions
    /// are set (every Key Vault call, `checkNameAvailability` and deleted vaults included, uses
    /// the vault's).
    pub fn api_version(self) -> &'static str {
        match self {
            ResourceKind::ResourceGroup => "2021-04-01",
            ResourceKind::Vault => "2026-02-01",
            ResourceKind::RoleAssignment => "2022-04-01",
            ResourceKind::DiagnosticSetting => "2021-05-01-preview",
            ResourceKind::ActionGroup => "2023-01-01",
            ResourceKind::MetricAlert => "2018-03-01",
            ResourceKind::ActivityLogAlert => "2026-01-01",
        }
    }

    /// Resources shared by several vaults (created once per apply).
    pub fn is_shared(self) -> bool {
        matches!(
            self,
            ResourceKind::ResourceGroup | ResourceKind::ActionGroup
        )
    }
}

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

/// What to do when a vault's name is held by a soft-deleted vault in the same subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OnSoftDeleted {
    /// Stop and tell the user (default): recovering brings back old secrets and settings.
    #[default]
    Fail,
    /// Recover the deleted vault (`createMode: recover`), then converge it to the plan.
    Recover,
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
    /// One result per rule of `rules::audit_catalog()` (the plan rules, then KV-IPWIDE,
    /// KV-PRIV, KV-RETAIN), so `plan` and `audit` agree.
    pub compliance: Vec<crate::rules::RuleResult>,
}

/// Namespace for role assignment names (UUID v5). Never change it: existing assignments would
/// no longer be recognised and re-runs would create duplicates.
pub const ROLE_ASSIGNMENT_NAMESPACE: uuid::Uuid =
    uuid::uuid!("4c0b6c3e-8f4e-5a0b-9d8e-6b7f1e2a3c4d");

/// Name of the one diagnostic setting kvinit owns on each vault.
pub const DIAGNOSTIC_SETTING_NAME: &str = "kvinit";

/// Pattern of the resource group holding each environment's shared action group.
///
/// Why a dedicated group rather than "the first vault group of the environment": the action
/// group is shared by every vault of the environment, so it must not move (or be orphaned) when
/// apps are added, removed or excluded; a group named after the environment alone is stable.
/// It is created in the plan's first region (resource group location cannot change later; the
/// action group itself is `Global`).
pub const SHARED_RESOURCE_GROUP_PATTERN: &str = "rg-kvinit-{env}";

/// Tag keys kvinit adds to every resource it creates, naming the matrix cell (KV-SEP evidence).
pub const TAG_APP: &str = "kvinit-app";
/// See [`TAG_APP`].
pub const TAG_ENV: &str = "kvinit-env";
/// See [`TAG_APP`]; the value is the Azure location name.
pub const TAG_REGION: &str = "kvinit-region";

/// The role assignment name: UUID v5 in [`ROLE_ASSIGNMENT_NAMESPACE`] of
/// `"{scope lower-cased}|{principal id lower-cased}|{role-definition GUID lower-cased}"`.
/// Same inputs → same name, so re-runs never duplicate an assignment.
pub fn role_assignment_name(
    scope: &str,
    principal_id: &str,
    role_definition_guid: &str,
) -> uuid::Uuid {
    let key = format!(
        "{}|{}|{}",
        scope.to_ascii_lowercase(),
        principal_id.to_ascii_lowercase(),
        role_definition_guid.to_ascii_lowercase()
    );
    uuid::Uuid::new_v5(&ROLE_ASSIGNMENT_NAMESPACE, key.as_bytes())
}

/// Plans with at least this many cells compute their vaults on several threads (one chunk of
/// cells per available core); smaller plans stay on the calling thread, where a thread's start-up
/// (tens of microseconds) would cost more than it saves.
pub const PARALLEL_MIN_CELLS: usize = 256;

/// Computes every vault of `plan` with its desired ARM resources, in matrix order, and
/// evaluates the compliance rules on them. Pure (no I/O); the result does not depend on how many
/// threads computed it. Large plans (≥ [`PARALLEL_MIN_CELLS`] cells) are split into
/// `std::thread::available_parallelism()` chunks: the calling thread computes the first, one
/// scoped thread each of the others.
pub fn desired_state(plan: &crate::model::Plan) -> DesiredState {
    let first_location = plan.regions.first().map_or("westeurope", |r| r.name);
    // Each thread shares its vaults' rule details through its own pool.
    let chunk_of = |cells: &[crate::model::Cell]| {
        let mut pool = DetailPool::default();
        cells
            .iter()
            .map(|c| desired_vault(c, plan.tenant_id, first_location, &mut pool))
            .collect::<Vec<_>>()
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if threads < 2 || plan.cells.len() < PARALLEL_MIN_CELLS {
        return DesiredState {
            vaults: chunk_of(&plan.cells),
        };
    }
    let chunk = plan.cells.len().div_ceil(threads);
    let (first, rest) = plan.cells.split_at(chunk);
    let vaults = std::thread::scope(|scope| {
        let workers: Vec<_> = rest
            .chunks(chunk)
            .map(|cells| scope.spawn(move || chunk_of(cells)))
            .collect();
        // The calling thread computes the first chunk itself, straight into the result: its
        // allocator arena (glibc: one per thread) already holds the memory the plan's parse
        // freed, which another thread's arena could not reuse (~6 MB at 10,000 cells).
        let mut vaults = Vec::with_capacity(plan.cells.len());
        vaults.extend(chunk_of(first));
        for w in workers {
            match w.join() {
                Ok(part) => vaults.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        vaults
    });
    DesiredState { vaults }
}

/// A resource while its vault is being computed: the body is still a [`Value`], so the
/// compliance rules can read it before it is compacted into a [`Body`].
struct Built {
    kind: ResourceKind,
    id: String,
    body: Value,
}

fn resource(kind: ResourceKind, id: String, body: Value) -> Built {
    Built { kind, id, body }
}

/// A JSON object with exactly `entries`, in order, allocated once at its final size.
///
/// Why not `json!`: the macro grows every map one insert at a time (reallocating as it goes)
/// and turns every interpolated `Value` into a fresh copy through the serializer. At 10,000
/// vaults that was most of `desired_state`'s time (BENCHMARKS.md, benchmark 1). The `Value`s
/// only live until their vault's rules have run; the desired state keeps their text ([`Body`]).
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut m = Map::with_capacity(N);
    for (k, v) in entries {
        m.insert(k.to_owned(), v);
    }
    Value::Object(m)
}

/// A JSON array of exactly `items`.
fn array<const N: usize>(items: [Value; N]) -> Value {
    Value::Array(Vec::from(items))
}

/// A JSON string.
fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn desired_vault(
    cell: &crate::model::Cell,
    tenant_id: uuid::Uuid,
    shared_location: &str,
    details: &mut DetailPool,
) -> DesiredVault {
    use crate::model::settings::LogSelector;

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

    let rg_id = format!(
        "/subscriptions/{sub}/resourceGroups/{}",
        cell.resource_group
    );
    let vault_id = format!(
        "{rg_id}/providers/Microsoft.KeyVault/vaults/{}",
        cell.vault_name
    );
    let alerts = usize::from(s.alerts.availability.is_some())
        + usize::from(s.alerts.saturation.is_some())
        + usize::from(s.alerts.latency.is_some())
        + usize::from(s.alerts.vault_deleted);
    let mut out = Vec::with_capacity(5 + s.role_assignments.len() + alerts);

    out.push(resource(
        ResourceKind::ResourceGroup,
        rg_id.clone(),
        object([
            ("location", string(cell.region.name)),
            ("tags", tags.clone()),
        ]),
    ));

    let mut props = Map::with_capacity(8);
    props.insert("tenantId".into(), Value::String(tenant_id.to_string()));
    props.insert(
        "sku".into(),
        object([("family", string("A")), ("name", string(s.sku.arm()))]),
    );
    props.insert("enableRbacAuthorization".into(), Value::Bool(true));
    props.insert("enableSoftDelete".into(), Value::Bool(true));
    props.insert(
        "softDeleteRetentionInDays".into(),
        Value::from(s.soft_delete_retention_days),
    );
    if s.purge_protection {
        // Never send `false`: ARM rejects turning it off, and omitting it leaves it off.
        props.insert("enablePurgeProtection".into(), Value::Bool(true));
    }
    props.insert(
        "publicNetworkAccess".into(),
        string(s.network.public_network_access.arm()),
    );
    props.insert(
        "networkAcls".into(),
        object([
            ("defaultAction", string(s.network.default_action.arm())),
            ("bypass", string(s.network.bypass.arm())),
            (
                "ipRules",
                Value::Array(
                    s.network
                        .ip_rules
                        .iter()
                        .map(|ip| object([("value", string(ip))]))
                        .collect(),
                ),
            ),
            (
                "virtualNetworkRules",
                Value::Array(
                    s.network
                        .virtual_network_rules
                        .iter()
                        .map(|id| {
                            object([
                                ("id", string(id)),
                                ("ignoreMissingVnetServiceEndpoint", Value::Bool(false)),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]),
    );
    out.push(resource(
        ResourceKind::Vault,
        vault_id.clone(),
        object([
            ("location", string(cell.region.name)),
            ("tags", tags.clone()),
            ("properties", Value::Object(props)),
        ]),
    ));

    for ra in &s.role_assignments {
        let role_guid = ra.role.id.to_string();
        let principal = ra.principal_id.to_string();
        let name = role_assignment_name(&vault_id, &principal, &role_guid);
        let mut p = Map::with_capacity(3);
        p.insert(
            "roleDefinitionId".into(),
            Value::String(ra.role.definition_id(sub)),
        );
        p.insert("principalId".into(), Value::String(principal));
        if let Some(t) = ra.principal_type {
            p.insert("principalType".into(), string(t.arm()));
        }
        out.push(resource(
            ResourceKind::RoleAssignment,
            format!("{vault_id}/providers/Microsoft.Authorization/roleAssignments/{name}"),
            object([("properties", Value::Object(p))]),
        ));
    }

    if let Some(ws) = &s.diagnostics.workspace_id {
        let logs: Vec<Value> = s
            .diagnostics
            .logs
            .iter()
            .map(|l| match l {
                LogSelector::CategoryGroup(g) => {
                    object([("categoryGroup", string(g)), ("enabled", Value::Bool(true))])
                }
                LogSelector::Category(c) => {
                    object([("category", string(c)), ("enabled", Value::Bool(true))])
                }
            })
            .collect();
        let metrics: Vec<Value> = if s.diagnostics.metrics {
            vec![object([
                ("category", string("AllMetrics")),
                ("enabled", Value::Bool(true)),
            ])]
        } else {
            vec![]
        };
        out.push(resource(
            ResourceKind::DiagnosticSetting,
            format!("{vault_id}/providers/Microsoft.Insights/diagnosticSettings/{DIAGNOSTIC_SETTING_NAME}"),
            object([(
                "properties",
                object([
                    ("workspaceId", string(ws)),
                    ("logs", Value::Array(logs)),
                    ("metrics", Value::Array(metrics)),
                ]),
            )]),
        ));
    }

    let a = &s.alerts;
    if alerts > 0 {
        let shared_rg = SHARED_RESOURCE_GROUP_PATTERN.replace("{env}", &cell.environment);
        let shared_rg_id = format!("/subscriptions/{sub}/resourceGroups/{shared_rg}");
        let shared_tags = object([
            ("managedBy", string("kvinit")),
            (TAG_ENV, string(&cell.environment)),
        ]);
        out.push(resource(
            ResourceKind::ResourceGroup,
            shared_rg_id.clone(),
            object([
                ("location", string(shared_location)),
                ("tags", shared_tags.clone()),
            ]),
        ));
        let ag_id = format!(
            "{shared_rg_id}/providers/Microsoft.Insights/actionGroups/{}",
            a.action_group.name
        );
        let receivers: Vec<Value> = a
            .action_group
            .emails
            .iter()
            .map(|e| {
                object([
                    ("name", string(e)),
                    ("emailAddress", string(e)),
                    ("useCommonAlertSchema", Value::Bool(true)),
                ])
            })
            .collect();
        out.push(resource(
            ResourceKind::ActionGroup,
            ag_id.clone(),
            object([
                ("location", string("Global")),
                ("tags", shared_tags),
                (
                    "properties",
                    object([
                        ("groupShortName", string(&a.action_group.short_name)),
                        ("enabled", Value::Bool(true)),
                        ("emailReceivers", Value::Array(receivers)),
                    ]),
                ),
            ]),
        ));
        let metric = |suffix: &str,
                      metric: &str,
                      operator: &str,
                      t: &crate::model::settings::Threshold,
                      freq: &str,
                      what: &str| {
            resource(
                ResourceKind::MetricAlert,
                format!(
                    "{rg_id}/providers/Microsoft.Insights/metricAlerts/{}-{suffix}",
                    cell.vault_name
                ),
                object([
                    ("location", string("global")),
                    ("tags", tags.clone()),
                    (
                        "properties",
                        object([
                            (
                                "description",
                                Value::String(format!(
                                    "{what} of Key Vault {} (kvinit, KV-ALERT)",
                                    cell.vault_name
                                )),
                            ),
                            ("severity", Value::from(t.severity)),
                            ("enabled", Value::Bool(true)),
                            ("scopes", array([string(&vault_id)])),
                            ("evaluationFrequency", string(freq)),
                            ("windowSize", string("PT5M")),
                            (
                                "criteria",
                                object([
                                    (
                                        "odata.type",
                                        string(
                                            "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                                        ),
                                    ),
                                    (
                                        "allOf",
                                        array([object([
                                            ("criterionType", string("StaticThresholdCriterion")),
                                            ("name", string(metric)),
                                            ("metricName", string(metric)),
                                            (
                                                "metricNamespace",
                                                string("Microsoft.KeyVault/vaults"),
                                            ),
                                            ("operator", string(operator)),
                                            ("threshold", Value::from(t.value)),
                                            ("timeAggregation", string("Average")),
                                        ])]),
                                    ),
                                ]),
                            ),
                            ("autoMitigate", Value::Bool(true)),
                            (
                                "actions",
                                array([object([("actionGroupId", string(&ag_id))])]),
                            ),
                        ]),
                    ),
                ]),
            )
        };
        if let Some(t) = &a.availability {
            out.push(metric(
                "availability",
                "Availability",
                "LessThan",
                t,
                "PT1M",
                "Availability (%) below threshold",
            ));
        }
        if let Some(t) = &a.saturation {
            out.push(metric(
                "saturation",
                "SaturationShoebox",
                "GreaterThan",
                t,
                "PT5M",
                "Saturation (%) above threshold",
            ));
        }
        if let Some(t) = &a.latency {
            out.push(metric(
                "latency",
                "ServiceApiLatency",
                "GreaterThan",
                t,
                "PT5M",
                "Service API latency (ms) above threshold",
            ));
        }
        if a.vault_deleted {
            let condition =
                |field: &str, equals: Value| object([("field", string(field)), ("equals", equals)]);
            out.push(resource(
                ResourceKind::ActivityLogAlert,
                format!(
                    "{rg_id}/providers/Microsoft.Insights/activityLogAlerts/{}-deleted",
                    cell.vault_name
                ),
                object([
                    ("location", string("Global")),
                    ("tags", tags.clone()),
                    (
                        "properties",
                        object([
                            (
                                "scopes",
                                array([Value::String(format!("/subscriptions/{sub}"))]),
                            ),
                            (
                                "condition",
                                object([(
                                    "allOf",
                                    array([
                                        condition("category", string("Administrative")),
                                        condition(
                                            "operationName",
                                            string("Microsoft.KeyVault/vaults/delete"),
                                        ),
                                        condition("resourceId", string(&vault_id)),
                                    ]),
                                )]),
                            ),
                            (
                                "actions",
                                object([(
                                    "actionGroups",
                                    array([object([("actionGroupId", string(&ag_id))])]),
                                )]),
                            ),
                            ("enabled", Value::Bool(true)),
                            (
                                "description",
                                Value::String(format!(
                                    "Key Vault {} was deleted (kvinit, KV-ALERT)",
                                    cell.vault_name
                                )),
                            ),
                        ]),
                    ),
                ]),
            ));
        }
    }

    // Every rule `kvinit audit` holds a vault to (the audit-only ones included), so a plan that
    // an audit would flag (e.g. a /8 IP rule, KV-IPWIDE) already fails in `kvinit plan`.
    let mut compliance =
        crate::rules::evaluate_audit(&crate::rules::VaultEvidence::from_resources(
            out.iter().map(|r| (r.kind, r.id.as_str(), &r.body)),
        ));
    // What follows lives as long as the desired state (for every vault of the plan), so
    // nothing keeps spare capacity or a second copy: equal rule details share one text, IDs
    // are shrunk (`format!` leaves up to half of a string unused), and collecting the resources
    // in place would keep the larger `Built` allocation.
    for c in &mut compliance {
        c.detail = details.share(&c.detail);
    }
    let mut resources = Vec::with_capacity(out.len());
    for Built { kind, mut id, body } in out {
        id.shrink_to_fit();
        resources.push(DesiredResource {
            kind,
            id,
            api_version: kind.api_version(),
            // Compacted as soon as the rules are done with it; the `Value` is dropped here.
            body: Body::from_value(&body),
        });
    }
    DesiredVault {
        name: cell.vault_name.clone(),
        app: cell.app.clone(),
        environment: cell.environment.clone(),
        region: cell.region.code.to_string(),
        location: cell.region.name.to_string(),
        subscription_id: sub.clone(),
        resource_group: cell.resource_group.clone(),
        on_soft_deleted: s.on_soft_deleted,
        resources,
        compliance,
    }
}

#[cfg(test)]
#[path = "desired_spec_tests.rs"]
mod spec_tests;
