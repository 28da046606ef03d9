//! Semantic validation of a deserialised plan file into a checked [`Plan`]: top-level values,
//! every settings layer, matrix expansion with generated names, exclude/override selectors.
//! Collects every problem before returning. Pure; must not read files or call Azure.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::desired::OnSoftDeleted;
use crate::model::layering;
use crate::model::names::{self, Invalid};
use crate::model::naming::{self, Tokens};
use crate::model::plan::{Cell, Plan, PlanEnvironment};
use crate::model::profile;
use crate::model::regions::{self, Region};
use crate::model::roles;
use crate::model::settings::*;
use crate::plan_file::diagnostics::{CellRef, Diagnostic, Diagnostics};
use crate::plan_file::locate::LocationIndex;
use crate::plan_file::schema::{self, PlanFile, Settings};

/// Shortest and longest soft-delete retention (days). Source: Key Vault soft-delete overview.
pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 7..=90;
/// Alert severities ARM accepts (0 critical – 4 verbose). Source: metricAlert swagger.
pub const SEVERITIES: std::ops::RangeInclusive<i64> = 0..=4;
/// Highest latency threshold accepted (milliseconds): one hour. A larger value can never fire
/// in a 5-minute window; it is almost certainly a unit mistake.
pub const LATENCY_MAX_MS: f64 = 3_600_000.0;
/// Most tags on one ARM resource. Source: "Use tags to organize your Azure resources", limits:
/// 50 tag name-value pairs per resource; names ≤ 512 characters (128 for storage accounts, which
/// kvinit does not create), values ≤ 256; names are case-insensitive and must not contain
/// `<>%&\?/`.
pub const MAX_TAGS: usize = 50;
/// Tags kvinit sets on every resource it manages (KV-SEP evidence and ownership); a plan must
/// not set them itself — except `managedBy: kvinit`, which restates the compliance profile's
/// value (the wizard writes it).
pub const KVINIT_TAGS: &[&str] = &[
    "managedBy",
    crate::model::desired::TAG_APP,
    crate::model::desired::TAG_ENV,
    crate::model::desired::TAG_REGION,
];

/// A float as shown in messages (`.inf` and `.nan` as YAML writes them).
fn show_float(v: f64) -> String {
    if v.is_nan() {
        "`.nan`".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "`.inf`".into()
        } else {
            "`-.inf`".into()
        }
    } else {
        format!("{v}")
    }
}

struct Ctx<'a> {
    file: &'a str,
    idx: &'a LocationIndex,
    diags: Diagnostics,
}

impl Ctx<'_> {
    fn report(
        &mut self,
        field: &str,
        cell: Option<CellRef>,
        message: String,
        hint: Option<String>,
    ) {
        self.report_at(field, field, cell, message, hint);
    }

    /// Like [`Ctx::report`], but points at `at` (e.g. the app whose name makes a default
    /// pattern's result too long when `field` is not written in the file).
    fn report_at(
        &mut self,
        at: &str,
        field: &str,
        cell: Option<CellRef>,
        message: String,
        hint: Option<String>,
    ) {
        let loc = self.idx.value(at).unwrap_or_default();
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line: loc.line,
            column: loc.column,
            field: field.to_string(),
            cell,
            message,
            hint,
        });
    }

    /// Like [`Ctx::report`], pointing at the key (for problems with a map key itself, e.g. a
    /// tag name).
    fn report_key(&mut self, field: &str, message: String, hint: Option<String>) {
        let loc = self.idx.key(field).unwrap_or_default();
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line: loc.line,
            column: loc.column,
            field: field.to_string(),
            cell: None,
            message,
            hint,
        });
    }

    fn invalid(&mut self, field: &str, cell: Option<CellRef>, e: Invalid) {
        self.report(field, cell, e.message, e.hint);
    }

    fn check<T>(&mut self, field: &str, r: Result<T, Invalid>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.invalid(field, None, e);
                None
            }
        }
    }
}

fn did_you_mean<'a>(value: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::jaro_winkler(value, k), k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(s, _)| *s >= 0.75)
        .map(|(_, k)| k)
}

/// Validates `pf` (whose text was indexed into `idx`; `file` is the path shown in messages).
pub fn validate(
    pf: &PlanFile,
    idx: &LocationIndex,
    file: &str,
    limits: &super::Limits,
) -> Result<Plan, Diagnostics> {
    let mut cx = Ctx {
        file,
        idx,
        diags: Diagnostics::new(),
    };

    if pf.api_version != schema::API_VERSION {
        cx.report(
            "apiVersion",
            None,
            format!("unsupported apiVersion `{}`", pf.api_version),
            Some(format!(
                "this kvinit understands `apiVersion: {}`",
                schema::API_VERSION
            )),
        );
    }
    let tenant_id = cx.check("tenantId", names::parse_guid("tenant ID", &pf.tenant_id));

    // Regions.
    let mut regions: Vec<&'static Region> = Vec::new();
    if pf.regions.is_empty() {
        cx.report(
            "regions",
            None,
            "the plan lists no regions".into(),
            Some("add e.g. `regions: [westeurope]`".into()),
        );
    }
    let mut first_region: Option<(usize, &'static Region)> = None;
    let mut region_seen: HashSet<&'static str> = HashSet::new();
    for (i, r) in pf.regions.iter().enumerate() {
        if let Some(region) = cx.check(&format!("regions[{i}]"), regions::parse(r)) {
            if region_seen.contains(region.name) {
                cx.report(
                    &format!("regions[{i}]"),
                    None,
                    format!("region `{}` is listed twice", region.name),
                    Some("remove the duplicate".into()),
                );
                continue;
            }
            match first_region {
                Some((fi, first)) if first.cloud != region.cloud => {
                    // Each cloud has its own ARM endpoint and tenant authority: one plan, one cloud.
                    cx.report(
                        &format!("regions[{i}]"),
                        None,
                        format!(
                            "region `{}` is in {}, but `{}` (regions[{fi}]) is in {}; a plan targets one cloud",
                            region.name,
                            region.cloud.display_name(),
                            first.name,
                            first.cloud.display_name()
                        ),
                        Some("write one plan file per cloud".into()),
                    );
                }
                None => {
                    first_region = Some((i, region));
                    region_seen.insert(region.name);
                    regions.push(region);
                }
                Some(_) => {
                    region_seen.insert(region.name);
                    regions.push(region);
                }
            }
        }
    }

    // App and environment names may be longer than 20 characters when `naming.vault` truncates
    // them (`{app:8}`) or does not use them: their generated names are checked per cell.
    let label_max = |token: &str| {
        if pf.naming.vault.contains(&format!("{{{token}}}")) {
            names::LABEL_MAX
        } else {
            names::LABEL_MAX_TRUNCATED
        }
    };

    // Environments.
    let mut envs: Vec<(usize, PlanEnvironment)> = Vec::new();
    let mut env_seen: HashSet<String> = HashSet::with_capacity(pf.environments.len());
    if pf.environments.is_empty() {
        cx.report(
            "environments",
            None,
            "the plan lists no environments".into(),
            Some("add an environment with `name` and `subscriptionId`".into()),
        );
    }
    for (i, e) in pf.environments.iter().enumerate() {
        let name_ok = cx
            .check(
                &format!("environments[{i}].name"),
                names::check_label_max("environment", &e.name, label_max("env")),
            )
            .is_some();
        let sub = cx.check(
            &format!("environments[{i}].subscriptionId"),
            names::parse_guid("subscription ID", &e.subscription_id),
        );
        // Linear: a set of lower-cased names, not a scan of the names so far.
        if !env_seen.insert(e.name.to_ascii_lowercase()) {
            cx.report(
                &format!("environments[{i}].name"),
                None,
                format!("environment `{}` is listed twice", e.name),
                Some("environment names must be unique".into()),
            );
            continue;
        }
        if let (true, Some(sub)) = (name_ok, sub) {
            envs.push((
                i,
                PlanEnvironment {
                    name: e.name.clone(),
                    subscription_id: sub.to_string(),
                },
            ));
        }
    }

    // Apps.
    let mut apps: Vec<(usize, String)> = Vec::new();
    let mut app_seen: HashSet<String> = HashSet::with_capacity(pf.apps.len());
    if pf.apps.is_empty() {
        cx.report(
            "apps",
            None,
            "the plan lists no apps".into(),
            Some("add e.g. `apps: [{ name: payments }]`".into()),
        );
    }
    for (i, a) in pf.apps.iter().enumerate() {
        let ok = cx
            .check(
                &format!("apps[{i}].name"),
                names::check_label_max("app", &a.name, label_max("app")),
            )
            .is_some();
        if !app_seen.insert(a.name.to_ascii_lowercase()) {
            cx.report(
                &format!("apps[{i}].name"),
                None,
                format!("app `{}` is listed twice", a.name),
                Some("app names must be unique".into()),
            );
            continue;
        }
        if ok {
            apps.push((i, a.name.clone()));
        }
    }

    // Name patterns: token errors once, not per cell.
    let sample = Tokens {
        app: Some("a"),
        env: Some("e"),
        region: Some("r"),
        location: Some("l"),
        subscription_id: Some("s"),
    };
    let vault_pattern_ok = cx
        .check("naming.vault", naming::expand(&pf.naming.vault, &sample))
        .is_some();
    let rg_pattern_ok = cx
        .check(
            "naming.resourceGroup",
            naming::expand(&pf.naming.resource_group, &sample),
        )
        .is_some();

    // Settings layers, each checked once where it is written.
    let base = &profile::builtin().defaults;
    check_settings(&mut cx, &pf.defaults, "defaults");
    for (i, e) in pf.environments.iter().enumerate() {
        check_settings(&mut cx, &e.settings, &format!("environments[{i}].settings"));
    }
    for (i, a) in pf.apps.iter().enumerate() {
        check_settings(&mut cx, &a.settings, &format!("apps[{i}].settings"));
    }
    for (i, o) in pf.overrides.iter().enumerate() {
        check_settings(&mut cx, &o.settings, &format!("overrides[{i}].settings"));
    }

    // Selectors name known apps, environments and regions.
    let app_names: Vec<&str> = pf.apps.iter().map(|a| a.name.as_str()).collect();
    let env_names: Vec<&str> = pf.environments.iter().map(|e| e.name.as_str()).collect();
    let region_names: Vec<&str> = pf.regions.iter().map(|r| r.as_str()).collect();
    let check_selector = |cx: &mut Ctx<'_>,
                          path: &str,
                          app: &Option<String>,
                          env: &Option<String>,
                          region: &Option<String>|
     -> bool {
        let mut ok = true;
        if app.is_none() && env.is_none() && region.is_none() {
            cx.report(
                path,
                None,
                format!("`{path}` selects nothing: it needs at least one of app, env, region"),
                None,
            );
            return false;
        }
        for (key, val, known, what) in [
            ("app", app, &app_names, "app"),
            ("env", env, &env_names, "environment"),
        ] {
            if let Some(v) = val {
                if !known.contains(&v.as_str()) {
                    ok = false;
                    let hint = did_you_mean(v, known.iter().copied())
                        .map(|k| format!("did you mean `{k}`?"));
                    cx.report(
                        &format!("{path}.{key}"),
                        None,
                        format!("`{path}` names {what} `{v}`, which the plan does not list"),
                        hint,
                    );
                }
            }
        }
        if let Some(v) = region {
            let known = regions::find(v).is_some_and(|r| {
                region_names
                    .iter()
                    .any(|n| regions::find(n).is_some_and(|x| x.name == r.name))
            });
            if !known {
                ok = false;
                let hint = did_you_mean(v, region_names.iter().copied())
                    .map(|k| format!("did you mean `{k}`?"));
                cx.report(
                    &format!("{path}.region"),
                    None,
                    format!("`{path}` names region `{v}`, which the plan does not list"),
                    hint,
                );
            }
        }
        ok
    };
    let exclude_ok: Vec<bool> = pf
        .exclude
        .iter()
        .enumerate()
        .map(|(i, s)| check_selector(&mut cx, &format!("exclude[{i}]"), &s.app, &s.env, &s.region))
        .collect();
    let override_ok: Vec<bool> = pf
        .overrides
        .iter()
        .enumerate()
        .map(|(i, o)| {
            check_selector(
                &mut cx,
                &format!("overrides[{i}]"),
                &o.app,
                &o.env,
                &o.region,
            )
        })
        .collect();

    let matches = |app: &Option<String>,
                   env: &Option<String>,
                   region: &Option<String>,
                   a: &str,
                   e: &str,
                   r: &Region| {
        app.as_deref().is_none_or(|x| x == a)
            && env.as_deref().is_none_or(|x| x == e)
            && region
                .as_deref()
                .is_none_or(|x| regions::find(x).is_some_and(|x| x.name == r.name))
    };

    // Overrides in order of specificity (fewest keys first), file order among equals.
    let mut override_order: Vec<usize> = (0..pf.overrides.len()).collect();
    override_order.sort_by_key(|&i| {
        let o = &pf.overrides[i];
        [o.app.is_some(), o.env.is_some(), o.region.is_some()]
            .iter()
            .filter(|b| **b)
            .count()
    });

    // Per-layer message paths and each environment's merged prefix, computed once rather than
    // per cell (the per-cell merge of all layers was most of validation's time; BENCHMARKS.md).
    let env_paths: Vec<String> = (0..pf.environments.len())
        .map(|i| format!("environments[{i}].settings"))
        .collect();
    let app_paths: Vec<String> = (0..pf.apps.len())
        .map(|i| format!("apps[{i}].settings"))
        .collect();
    let override_paths: Vec<String> = (0..pf.overrides.len())
        .map(|i| format!("overrides[{i}].settings"))
        .collect();
    let env_merged: Vec<Settings> = pf
        .environments
        .iter()
        .map(|e| layering::merge_all([base, &pf.defaults, &e.settings]))
        .collect();

    // The matrix size is checked before any cell is built: a plan of millions of cells is
    // refused in time and memory proportional to the file.
    let cells_after_exclude = count_cells(
        &apps,
        &envs,
        &regions,
        limits.max_cells,
        |a: &str, e: &str, r: &Region| {
            pf.exclude
                .iter()
                .enumerate()
                .any(|(i, s)| exclude_ok[i] && matches(&s.app, &s.env, &s.region, a, e, r))
        },
    );
    if cells_after_exclude > limits.max_cells {
        let product = apps.len() * envs.len() * regions.len();
        cx.report(
            "apps",
            None,
            super::too_many_cells(
                limits.max_cells,
                apps.len(),
                envs.len(),
                regions.len(),
                product,
                !pf.exclude.is_empty(),
            ),
            Some(super::too_many_cells_hint()),
        );
        return Err(cx.diags);
    }

    // For the naming hint (computed at most once, see below).
    let mut length_hint: Option<Option<String>> = None;
    let app_names: Vec<&str> = apps.iter().map(|(_, a)| a.as_str()).collect();
    let env_names: Vec<&str> = envs.iter().map(|(_, e)| e.name.as_str()).collect();
    let region_tokens: Vec<(&str, &str)> = regions.iter().map(|r| (r.code, r.name)).collect();

    let mut exclude_hits = vec![0usize; pf.exclude.len()];
    let mut override_hits = vec![0usize; pf.overrides.len()];
    let mut cells: Vec<Cell> = Vec::new();
    let mut seen_vaults: HashMap<String, CellRef> = HashMap::new();
    let mut action_groups: HashMap<String, (schema::ActionGroupSetting, CellRef)> = HashMap::new();

    for (ai, app) in &apps {
        for (ei, env) in &envs {
            for region in &regions {
                let cref = CellRef {
                    app: app.clone(),
                    env: env.name.clone(),
                    region: region.name.to_string(),
                };
                let mut excluded = false;
                // The first matching entry takes the cell: an entry whose cells are all taken by
                // earlier entries matches nothing and is reported.
                for (i, s) in pf.exclude.iter().enumerate() {
                    if exclude_ok[i] && matches(&s.app, &s.env, &s.region, app, &env.name, region) {
                        exclude_hits[i] += 1;
                        excluded = true;
                        break;
                    }
                }
                if excluded {
                    continue;
                }
                // Layers as (settings, path for messages). The environment's prefix
                // (profile < defaults < environment) is merged once per environment, above.
                let mut layers: Vec<(&Settings, &str)> = vec![
                    (base, ""),
                    (&pf.defaults, "defaults"),
                    (&pf.environments[*ei].settings, &env_paths[*ei]),
                    (&pf.apps[*ai].settings, &app_paths[*ai]),
                ];
                for &i in &override_order {
                    let o = &pf.overrides[i];
                    if override_ok[i] && matches(&o.app, &o.env, &o.region, app, &env.name, region)
                    {
                        override_hits[i] += 1;
                        layers.push((&o.settings, &override_paths[i]));
                    }
                }
                let merged = layers[3..]
                    .iter()
                    .fold(env_merged[*ei].clone(), |acc, (l, _)| {
                        layering::merge(&acc, l)
                    });
                let source_of = |f: &dyn Fn(&Settings) -> bool| -> &str {
                    layers
                        .iter()
                        .rev()
                        .find(|(s, _)| f(s))
                        .map_or("defaults", |(_, p)| *p)
                };
                let tokens = Tokens {
                    app: Some(app),
                    env: Some(&env.name),
                    region: Some(region.code),
                    location: Some(region.name),
                    subscription_id: Some(&env.subscription_id),
                };

                // Generated names.
                let mut cell_ok = true;
                let vault_name = if vault_pattern_ok {
                    let name = naming::expand(&pf.naming.vault, &tokens).unwrap_or_default();
                    if let Err(e) = names::check_vault_name(&name) {
                        cell_ok = false;
                        let hint = if name.chars().count() > names::VAULT_NAME_MAX {
                            // Computed once per plan: the suggestion is checked against the
                            // whole matrix (O(cells)), never offered when it would collide.
                            let suggestion = length_hint.get_or_insert_with(|| {
                                naming::suggest_collision_free_pattern(
                                    &pf.naming.vault,
                                    &app_names,
                                    &env_names,
                                    &region_tokens,
                                )
                                .filter(|p| !p.contains("{subscriptionId}"))
                            });
                            match suggestion {
                                Some(suggestion) => format!(
                                    "use a shorter pattern such as `{suggestion}`, or shorten the app or environment name"
                                ),
                                None if pf.naming.vault.contains("{subscriptionId}") => "a subscription ID is 36 characters and a vault name at most 24: remove `{subscriptionId}` from `naming.vault` (vault names are global; {app}, {env} and {region} already make them unique), e.g. `kv-{app}-{env}-{region}`".to_string(),
                                None => "shorten the app or environment names, or the fixed text in `naming.vault`; a vault name has at most 24 characters (no truncation keeps every vault name of this plan distinct)".to_string(),
                            }
                        } else {
                            "change `naming.vault` or the app/environment names so every generated name follows the Key Vault rules".into()
                        };
                        if cx.idx.has("naming.vault") {
                            cx.report("naming.vault", Some(cref.clone()), e.message, Some(hint));
                        } else {
                            // The default pattern is in use: point at the app that makes the
                            // name break the rules, and say which pattern produced it.
                            let at = pf
                                .apps
                                .iter()
                                .position(|a| &a.name == app)
                                .map_or_else(|| "apps".to_string(), |i| format!("apps[{i}].name"));
                            let field = format!("naming.vault, default `{}`", pf.naming.vault);
                            cx.report_at(&at, &field, Some(cref.clone()), e.message, Some(hint));
                        }
                    } else if let Some(other) = seen_vaults.get(&name.to_ascii_lowercase()) {
                        cell_ok = false;
                        let causes = naming::truncation_collisions(
                            &pf.naming.vault,
                            &Tokens {
                                app: Some(&other.app),
                                env: Some(&other.env),
                                ..Tokens::default()
                            },
                            &tokens,
                        );
                        let (because, hint) = if causes.is_empty() {
                            (String::new(), "include {app}, {env} and {region} in `naming.vault` so every cell gets its own vault".to_string())
                        } else {
                            let suggestion = length_hint.get_or_insert_with(|| {
                                naming::suggest_collision_free_pattern(
                                    &pf.naming.vault,
                                    &app_names,
                                    &env_names,
                                    &region_tokens,
                                )
                                .filter(|p| !p.contains("{subscriptionId}"))
                            });
                            (
                                format!(": {}", causes.join(", ")),
                                match suggestion {
                                    Some(p) => format!("widen the truncation so every name stays distinct, e.g. `{p}` (checked against every vault of this plan)"),
                                    None => "widen or remove the truncation, or rename the apps or environments so their truncated names differ".to_string(),
                                },
                            )
                        };
                        cx.report(
                            "naming.vault",
                            Some(cref.clone()),
                            format!(
                                "vault name `{name}` is also generated for app `{}`, env `{}`, region `{}`; vault names are global{because}",
                                other.app, other.env, other.region
                            ),
                            Some(hint),
                        );
                    } else {
                        seen_vaults.insert(name.to_ascii_lowercase(), cref.clone());
                    }
                    name
                } else {
                    cell_ok = false;
                    String::new()
                };
                let resource_group = if rg_pattern_ok {
                    let rg = naming::expand(&pf.naming.resource_group, &tokens).unwrap_or_default();
                    if let Err(e) = names::check_resource_group_name(&rg) {
                        cell_ok = false;
                        cx.report(
                            "naming.resourceGroup",
                            Some(cref.clone()),
                            e.message,
                            Some("change `naming.resourceGroup`".into()),
                        );
                    }
                    rg
                } else {
                    cell_ok = false;
                    String::new()
                };

                // Expanded resource IDs.
                let mut vnet_rules = Vec::new();
                let vnet_src = source_of(&|s| {
                    s.network
                        .as_ref()
                        .is_some_and(|n| n.virtual_network_rules.is_some())
                });
                for (i, id) in merged
                    .network
                    .as_ref()
                    .and_then(|n| n.virtual_network_rules.as_deref())
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    match naming::expand(id, &tokens)
                        .and_then(|x| names::check_subnet_id(&x).map(|()| x))
                    {
                        Ok(x) => vnet_rules.push(x),
                        Err(e) => {
                            cell_ok = false;
                            let cell = id.contains('{').then(|| cref.clone());
                            let path = format!("{vnet_src}.network.virtualNetworkRules[{i}]");
                            cx.invalid(&path, cell, e);
                        }
                    }
                }
                let ws_src = source_of(&|s| {
                    s.diagnostics
                        .as_ref()
                        .is_some_and(|d| d.workspace_id.is_some())
                });
                let workspace_id = match merged
                    .diagnostics
                    .as_ref()
                    .and_then(|d| d.workspace_id.clone())
                {
                    Some(id) => match naming::expand(&id, &tokens)
                        .and_then(|x| names::check_workspace_id(&x).map(|()| x))
                    {
                        Ok(x) => Some(x),
                        Err(e) => {
                            cell_ok = false;
                            let cell = id.contains('{').then(|| cref.clone());
                            cx.invalid(&format!("{ws_src}.diagnostics.workspaceId"), cell, e);
                            None
                        }
                    },
                    None => None,
                };

                // Expanded subnet IDs that collide only once tokens are filled in (literal
                // duplicates were reported where they are written).
                let raw_vnets = merged
                    .network
                    .as_ref()
                    .and_then(|n| n.virtual_network_rules.as_deref())
                    .unwrap_or_default();
                for (i, id) in vnet_rules.iter().enumerate() {
                    if raw_vnets.len() != vnet_rules.len() {
                        break; // some failed to expand; reported above
                    }
                    if let Some(first) = (0..i).find(|&j| {
                        vnet_rules[j].eq_ignore_ascii_case(id)
                            && !raw_vnets[j].eq_ignore_ascii_case(&raw_vnets[i])
                    }) {
                        cell_ok = false;
                        cx.report(
                            &format!("{vnet_src}.network.virtualNetworkRules[{i}]"),
                            Some(cref.clone()),
                            format!(
                                "subnet `{id}` is listed twice in this cell: also at {vnet_src}.network.virtualNetworkRules[{first}] (ARM resource IDs are case-insensitive)"
                            ),
                            Some("remove the duplicate, or make the patterns differ".into()),
                        );
                    }
                }

                // Private endpoints: IDs expanded; `publicNetworkAccess: Disabled` (or private
                // mode) needs at least one, unless `allowNoPrivateEndpoint: true`.
                let mut private_endpoints = Vec::new();
                let pe_src = source_of(&|s| {
                    s.network
                        .as_ref()
                        .is_some_and(|n| n.private_endpoints.is_some())
                });
                let net = merged.network.clone().unwrap_or_default();
                for (i, pe) in net.private_endpoints.iter().flatten().enumerate() {
                    let p = format!("{pe_src}.network.privateEndpoints[{i}]");
                    let subnet_id = match naming::expand(&pe.subnet_id, &tokens)
                        .and_then(|x| names::check_subnet_id(&x).map(|()| x))
                    {
                        Ok(x) => x,
                        Err(e) => {
                            cell_ok = false;
                            let cell = pe.subnet_id.contains('{').then(|| cref.clone());
                            cx.invalid(&format!("{p}.subnetId"), cell, e);
                            continue;
                        }
                    };
                    let mut zones = Vec::new();
                    for (j, z) in pe.private_dns_zone_ids.iter().flatten().enumerate() {
                        match naming::expand(z, &tokens)
                            .and_then(|x| names::check_private_dns_zone_id(&x).map(|()| x))
                        {
                            Ok(x) => zones.push(x),
                            Err(e) => {
                                cell_ok = false;
                                let cell = z.contains('{').then(|| cref.clone());
                                cx.invalid(&format!("{p}.privateDnsZoneIds[{j}]"), cell, e);
                            }
                        }
                    }
                    private_endpoints.push(crate::model::settings::PrivateEndpoint {
                        subnet_id,
                        private_dns_zone_ids: zones,
                    });
                }
                let private_mode = net
                    .mode
                    .as_deref()
                    .is_some_and(|m| parse_network_mode(m).is_ok_and(|private| private));
                let disabled = private_mode
                    || net
                        .public_network_access
                        .as_deref()
                        .is_some_and(|v| v.eq_ignore_ascii_case("Disabled"));
                if disabled
                    && net.private_endpoints.as_ref().is_none_or(Vec::is_empty)
                    && net.allow_no_private_endpoint != Some(true)
                {
                    cell_ok = false;
                    let src = source_of(&|s| {
                        s.network
                            .as_ref()
                            .is_some_and(|n| n.mode.is_some() || n.public_network_access.is_some())
                    });
                    let field = if private_mode {
                        "mode"
                    } else {
                        "publicNetworkAccess"
                    };
                    cx.report(
                        &format!("{src}.network.{field}"),
                        Some(cref.clone()),
                        "public network access is disabled but the vault has no private endpoint: nobody could reach its data plane".to_string(),
                        Some("add `network.privateEndpoints: [{ subnetId: … }]`, or set `network.allowNoPrivateEndpoint: true` if that is meant".into()),
                    );
                }
                if private_mode && net.ip_rules.as_ref().is_some_and(|r| !r.is_empty()) {
                    cell_ok = false;
                    let src = source_of(&|s| {
                        s.network
                            .as_ref()
                            .is_some_and(|n| n.ip_rules.as_ref().is_some_and(|r| !r.is_empty()))
                    });
                    cx.report(
                        &format!("{src}.network.ipRules"),
                        Some(cref.clone()),
                        "`network.mode: private` allows no IP rules (the public endpoint is off)"
                            .to_string(),
                        Some("remove the IP rules, or use `network.mode: public`".into()),
                    );
                }

                // Role assignments accumulate across layers: the same principal and role may be
                // listed in several layers (kept once), but never with two principal types.
                let mut grants: Vec<(uuid::Uuid, uuid::Uuid, PrincipalType, String)> = Vec::new();
                let mut untyped: Vec<(uuid::Uuid, uuid::Uuid, String)> = Vec::new();
                for (l, lpath) in &layers {
                    for (i, ra) in l.role_assignments.iter().flatten().enumerate() {
                        let (Ok(pid), Ok(role)) = (
                            names::parse_guid("principal ID", &ra.principal_id),
                            roles::parse(&ra.role),
                        ) else {
                            continue;
                        };
                        let here = format!("{lpath}.roleAssignments[{i}]");
                        let Some(Ok(t)) = ra.principal_type.as_deref().map(PrincipalType::parse)
                        else {
                            if ra.principal_type.is_none() {
                                untyped.push((pid, role.id, here));
                            }
                            continue;
                        };
                        match grants.iter().find(|g| g.0 == pid && g.1 == role.id) {
                            Some((_, _, t0, first)) if *t0 != t => {
                                cell_ok = false;
                                cx.report(
                                    &format!("{here}.principalType"),
                                    None,
                                    format!(
                                        "principal `{pid}` gets role `{}` here as `{}` and at {first} as `{}`; a principal has one type",
                                        role.name,
                                        t.arm(),
                                        t0.arm()
                                    ),
                                    Some("use the same principalType in both places, or remove one entry (role assignments accumulate across layers)".into()),
                                );
                            }
                            Some(_) => {}
                            None => grants.push((pid, role.id, t, here)),
                        }
                    }
                }
                // Every grant needs its principalType (in this layer or another for the same
                // principal and role): without it ARM looks the principal up in Entra, and a
                // principal created minutes earlier fails with PrincipalNotFound.
                for (pid, role, here) in &untyped {
                    if grants.iter().any(|g| g.0 == *pid && g.1 == *role) {
                        continue;
                    }
                    cell_ok = false;
                    cx.report_at(
                        &format!("{here}.principalId"),
                        &format!("{here}.principalType"),
                        None,
                        format!("role assignment for principal `{pid}` has no principalType"),
                        Some(
                            "add `principalType: User`, `Group`, `ServicePrincipal` or \
                             `ForeignGroup` (what the principal is in Microsoft Entra ID); ARM \
                             then does not have to look it up, which fails for a principal \
                             created minutes ago"
                                .into(),
                        ),
                    );
                }

                // Tags after layering, with kvinit's own: ARM's per-resource limit and
                // case-insensitive names.
                if let Some(tags) = &merged.tags {
                    let tags_src = source_of(&|s| s.tags.is_some());
                    let reserved = |k: &str| KVINIT_TAGS.iter().any(|r| r.eq_ignore_ascii_case(k));
                    let user = tags.keys().filter(|k| !reserved(k)).count();
                    let own = KVINIT_TAGS.len();
                    if user + own > MAX_TAGS {
                        cell_ok = false;
                        cx.report(
                            &format!("{tags_src}.tags"),
                            Some(cref.clone()),
                            format!(
                                "this vault would carry {} tags ({user} from the plan's layers + the {own} kvinit sets: {}); ARM allows at most {MAX_TAGS} per resource",
                                user + own,
                                KVINIT_TAGS.join(", ")
                            ),
                            Some("remove tags from `defaults` or from the environment, app or override that adds them".into()),
                        );
                    }
                    let keys: Vec<&String> = tags.keys().collect();
                    for (i, k) in keys.iter().enumerate() {
                        if let Some(first) = keys[..i].iter().find(|x| x.eq_ignore_ascii_case(k)) {
                            let src = |key: &str| {
                                source_of(&|s| s.tags.as_ref().is_some_and(|t| t.contains_key(key)))
                            };
                            cell_ok = false;
                            // Reserved names and clashes inside one layer were reported where
                            // they are written.
                            if reserved(k) || src(k) == src(first) {
                                continue;
                            }
                            cx.report_key(
                                &format!("{}.tags.{k}", src(k)),
                                format!(
                                    "tag `{k}` and tag `{first}` (set in {}) differ only in case; ARM tag names are case-insensitive",
                                    src(first)
                                ),
                                Some("spell the tag name the same way in every layer".into()),
                            );
                        }
                    }
                }

                // Shared action group: one per environment and subscription, same settings.
                let ag = merged
                    .alerts
                    .as_ref()
                    .and_then(|a| a.action_group.clone())
                    .unwrap_or_default();
                let ag_tokens = Tokens {
                    env: Some(&env.name),
                    subscription_id: Some(&env.subscription_id),
                    ..Tokens::default()
                };
                let ag_src =
                    source_of(&|s| s.alerts.as_ref().is_some_and(|a| a.action_group.is_some()));
                let ag_name =
                    naming::expand(ag.name.as_deref().unwrap_or("ag-kv-{env}"), &ag_tokens);
                let ag_name = match ag_name {
                    Ok(n) => n,
                    Err(e) => {
                        cell_ok = false;
                        cx.report(
                            &format!("{ag_src}.alerts.actionGroup.name"),
                            None,
                            e.message,
                            Some("the action group is shared by an environment; its name may use only {env} and {subscriptionId}".into()),
                        );
                        String::new()
                    }
                };
                let ag_key = format!("{}/{}", env.subscription_id, ag_name.to_ascii_lowercase());
                match action_groups.get(&ag_key) {
                    Some((first, other)) if *first != ag => {
                        cell_ok = false;
                        cx.report(
                            &format!("{ag_src}.alerts.actionGroup"),
                            Some(cref.clone()),
                            format!(
                                "action group `{ag_name}` is shared by environment `{}`, but this cell sets it differently from app `{}`, region `{}`",
                                env.name, other.app, other.region
                            ),
                            Some("set `alerts.actionGroup` in `defaults` or in the environment's settings, not per app or region".into()),
                        );
                    }
                    Some(_) => {}
                    None => {
                        action_groups.insert(ag_key, (ag.clone(), cref.clone()));
                    }
                }

                let settings = resolve(
                    &merged,
                    vnet_rules,
                    private_endpoints,
                    workspace_id,
                    ag_name,
                );
                if let (true, Some(settings)) = (cell_ok, settings) {
                    cells.push(Cell {
                        app: app.clone(),
                        environment: env.name.clone(),
                        region,
                        subscription_id: env.subscription_id.clone(),
                        vault_name,
                        resource_group,
                        settings,
                    });
                }
            }
        }
    }

    let total = apps.len() * envs.len() * regions.len();
    if total > 0 && !pf.exclude.is_empty() && exclude_hits.iter().sum::<usize>() == total {
        cx.report(
            "exclude",
            None,
            format!("`exclude` removes every cell of the matrix ({total} of {total}); the plan would create no vault"),
            Some("remove the entries that match everything, or add apps, environments or regions".into()),
        );
    }
    for (i, hits) in exclude_hits.iter().enumerate() {
        if exclude_ok[i] && *hits == 0 {
            cx.report(&format!("exclude[{i}]"), None, format!("`exclude[{i}]` matches no cell of the matrix (earlier entries already exclude its cells)"), Some("remove it, or fix its app/env/region".into()));
        }
    }
    for (i, hits) in override_hits.iter().enumerate() {
        if override_ok[i] && *hits == 0 {
            cx.report(
                &format!("overrides[{i}]"),
                None,
                format!(
                    "`overrides[{i}]` matches no cell of the matrix (all its cells are excluded)"
                ),
                Some("remove it, or fix its app/env/region".into()),
            );
        }
    }

    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    Ok(Plan {
        tenant_id: tenant_id.expect("no diagnostics means the tenant ID parsed"),
        regions,
        environments: envs.into_iter().map(|(_, e)| e).collect(),
        apps: apps.into_iter().map(|(_, a)| a).collect(),
        cells,
    })
}

/// Checks every value a settings layer sets, reporting at the layer's own path.
fn check_settings(cx: &mut Ctx<'_>, s: &Settings, path: &str) {
    if let Some(v) = &s.sku {
        cx.check(&format!("{path}.sku"), Sku::parse(v));
    }
    if let Some(d) = s.soft_delete_retention_days {
        if !RETENTION_DAYS.contains(&d) {
            cx.report(
                &format!("{path}.softDeleteRetentionDays"),
                None,
                format!("softDeleteRetentionDays is {d}; Key Vault allows 7–90 days"),
                Some("use 90 (the compliance profile's value); it cannot be changed after the vault is created".into()),
            );
        }
    }
    if let Some(v) = &s.on_soft_deleted {
        cx.check(&format!("{path}.onSoftDeleted"), parse_on_soft_deleted(v));
    }
    if let Some(n) = &s.network {
        if let Some(v) = &n.public_network_access {
            cx.check(
                &format!("{path}.network.publicNetworkAccess"),
                PublicNetworkAccess::parse(v),
            );
        }
        if let Some(v) = &n.default_action {
            cx.check(
                &format!("{path}.network.defaultAction"),
                DefaultAction::parse(v),
            );
        }
        if let Some(v) = &n.bypass {
            cx.check(&format!("{path}.network.bypass"), Bypass::parse(v));
        }
        let ips = n.ip_rules.as_deref().unwrap_or_default();
        if ips.len() > names::MAX_IP_RULES {
            cx.report(
                &format!("{path}.network.ipRules"),
                None,
                format!(
                    "{} IP rules; Key Vault allows at most {}",
                    ips.len(),
                    names::MAX_IP_RULES
                ),
                None,
            );
        }
        let mut seen_ips: Vec<(usize, String)> = Vec::new();
        for (i, ip) in ips.iter().enumerate() {
            let p = format!("{path}.network.ipRules[{i}]");
            if let Some(norm) = cx.check(&p, names::parse_ip_rule(ip)) {
                if let Some((first, _)) = seen_ips.iter().find(|(_, n)| *n == norm) {
                    cx.report(
                        &p,
                        None,
                        format!(
                            "IP rule `{ip}` is the same range as `{}` ({path}.network.ipRules[{first}]); both are `{norm}`",
                            ips[*first]
                        ),
                        Some("remove the duplicate (a bare address means /32)".into()),
                    );
                } else {
                    seen_ips.push((i, norm));
                }
            }
        }
        let vnets = n.virtual_network_rules.as_deref().unwrap_or_default();
        if vnets.len() > names::MAX_VNET_RULES {
            cx.report(
                &format!("{path}.network.virtualNetworkRules"),
                None,
                format!(
                    "{} VNet rules; Key Vault allows at most {}",
                    vnets.len(),
                    names::MAX_VNET_RULES
                ),
                None,
            );
        }
        for (i, id) in vnets.iter().enumerate() {
            let p = format!("{path}.network.virtualNetworkRules[{i}]");
            if !id.contains('{') {
                cx.check(&p, names::check_subnet_id(id));
            }
            if let Some(first) = vnets[..i].iter().position(|x| x.eq_ignore_ascii_case(id)) {
                cx.report(
                    &p,
                    None,
                    format!(
                        "subnet `{id}` is listed twice: also at {path}.network.virtualNetworkRules[{first}] (ARM resource IDs are case-insensitive)"
                    ),
                    Some("remove the duplicate".into()),
                );
            }
        }
    }
    if let Some(n) = &s.network {
        if let Some(m) = &n.mode {
            cx.check(&format!("{path}.network.mode"), parse_network_mode(m));
        }
        for (i, pe) in n.private_endpoints.iter().flatten().enumerate() {
            let p = format!("{path}.network.privateEndpoints[{i}]");
            if !pe.subnet_id.contains('{') {
                cx.check(
                    &format!("{p}.subnetId"),
                    names::check_subnet_id(&pe.subnet_id),
                );
            }
            for (j, z) in pe.private_dns_zone_ids.iter().flatten().enumerate() {
                if !z.contains('{') {
                    cx.check(
                        &format!("{p}.privateDnsZoneIds[{j}]"),
                        names::check_private_dns_zone_id(z),
                    );
                }
            }
        }
    }
    if let Some(l) = &s.lock {
        if let Some(k) = &l.kind {
            cx.check(&format!("{path}.lock.kind"), LockLevel::parse(k));
        }
        if let Some(notes) = &l.notes
            && notes.chars().count() > MAX_LOCK_NOTES
        {
            cx.report(
                &format!("{path}.lock.notes"),
                None,
                format!(
                    "lock notes are {} characters; ARM allows at most {MAX_LOCK_NOTES}",
                    notes.chars().count()
                ),
                Some("shorten the notes".into()),
            );
        }
    }
    for (i, ra) in s.role_assignments.iter().flatten().enumerate() {
        let p = format!("{path}.roleAssignments[{i}]");
        cx.check(
            &format!("{p}.principalId"),
            names::parse_guid("principal ID", &ra.principal_id),
        );
        if let Some(t) = &ra.principal_type {
            cx.check(&format!("{p}.principalType"), PrincipalType::parse(t));
        }
        cx.check(&format!("{p}.role"), roles::parse(&ra.role));
    }
    if let Some(d) = &s.diagnostics {
        if let Some(id) = &d.workspace_id {
            if !id.contains('{') {
                cx.check(
                    &format!("{path}.diagnostics.workspaceId"),
                    names::check_workspace_id(id),
                );
            }
        }
        let mut first: Option<(usize, LogSelector)> = None;
        for (i, l) in d.logs.iter().flatten().enumerate() {
            let field = format!("{path}.diagnostics.logs[{i}]");
            let Some(sel) = cx.check(&field, parse_log_selector(l)) else {
                continue;
            };
            match first {
                None => first = Some((i, sel)),
                Some((fi, f)) if is_group(f) != is_group(sel) => {
                    // ARM: "Diagnostic setting does not support mix of log category and log
                    // category group." (400 BadRequest from Microsoft.Insights).
                    let (group, category) = if is_group(f) { (f, sel) } else { (sel, f) };
                    cx.report(
                        &field,
                        None,
                        format!(
                            "`{path}.diagnostics.logs` mixes the category group `{}` and the category `{}` (logs[{fi}] and logs[{i}]); Azure refuses a diagnostic setting that mixes both forms",
                            selector_name(group),
                            selector_name(category)
                        ),
                        Some("use either category groups (`allLogs` or `audit`) or individual categories (`AuditEvent`, `AzurePolicyEvaluationDetails`), not both: e.g. `logs: [allLogs]` (allLogs already includes AuditEvent)".into()),
                    );
                }
                Some(_) => {}
            }
        }
    }
    if let Some(a) = &s.alerts {
        if let Some(ag) = &a.action_group {
            if let Some(n) = &ag.name {
                let t = Tokens {
                    env: Some("e"),
                    subscription_id: Some("s"),
                    ..Tokens::default()
                };
                match naming::expand(n, &t) {
                    Ok(x) => {
                        cx.check(&format!("{path}.alerts.actionGroup.name"), names::check_action_group_name(&x));
                    }
                    Err(e) => cx.invalid(
                        &format!("{path}.alerts.actionGroup.name"),
                        None,
                        Invalid { hint: Some("the action group is shared by an environment; its name may use only {env} and {subscriptionId}".into()), ..e },
                    ),
                }
            }
            if let Some(sn) = &ag.short_name {
                cx.check(
                    &format!("{path}.alerts.actionGroup.shortName"),
                    names::check_action_group_short_name(sn),
                );
            }
            for (i, e) in ag.emails.iter().flatten().enumerate() {
                cx.check(
                    &format!("{path}.alerts.actionGroup.emails[{i}]"),
                    names::check_email(e),
                );
            }
        }
        let sev = |cx: &mut Ctx<'_>, p: String, s: Option<i64>| {
            if let Some(s) = s {
                if !SEVERITIES.contains(&s) {
                    cx.report(&p, None, format!("alert severity {s} is out of range; ARM allows 0 (critical) to 4 (verbose)"), None);
                }
            }
        };
        if let Some(t) = &a.availability {
            sev(
                cx,
                format!("{path}.alerts.availability.severity"),
                t.severity,
            );
            if !(t.below.is_finite() && t.below > 0.0 && t.below <= 100.0) {
                cx.report(
                    &format!("{path}.alerts.availability.below"),
                    None,
                    format!(
                        "availability threshold {} is not a percentage in (0, 100]",
                        show_float(t.below)
                    ),
                    Some("write a percentage such as `90` (the alert fires when availability drops below it)".into()),
                );
            }
        }
        if let Some(t) = &a.saturation {
            sev(cx, format!("{path}.alerts.saturation.severity"), t.severity);
            if !(t.above.is_finite() && t.above > 0.0 && t.above < 100.0) {
                cx.report(
                    &format!("{path}.alerts.saturation.above"),
                    None,
                    format!(
                        "saturation threshold {} is not a percentage in (0, 100)",
                        show_float(t.above)
                    ),
                    Some("write a percentage such as `75` (the alert fires when saturation rises above it)".into()),
                );
            }
        }
        if let Some(t) = &a.latency {
            sev(cx, format!("{path}.alerts.latency.severity"), t.severity);
            if !(t.above_ms.is_finite() && t.above_ms > 0.0 && t.above_ms <= LATENCY_MAX_MS) {
                cx.report(
                    &format!("{path}.alerts.latency.aboveMs"),
                    None,
                    format!(
                        "latency threshold {} ms is not a number of milliseconds in (0, {LATENCY_MAX_MS}]",
                        show_float(t.above_ms)
                    ),
                    Some("write a number of milliseconds such as `1000`".into()),
                );
            }
        }
    }
    if let Some(tags) = &s.tags {
        let room = MAX_TAGS - KVINIT_TAGS.len();
        if tags.len() > room {
            cx.report(
                &format!("{path}.tags"),
                None,
                format!(
                    "{} tags; ARM allows at most {MAX_TAGS} per resource and kvinit adds its own {} ({}), so at most {room} are left",
                    tags.len(),
                    KVINIT_TAGS.len(),
                    KVINIT_TAGS.join(", ")
                ),
                Some("remove tags, or move them to a layer that sets fewer".into()),
            );
        }
        let keys: Vec<&String> = tags.keys().collect();
        for (i, k) in keys.iter().enumerate() {
            let p = format!("{path}.tags.{k}");
            // `managedBy: kvinit` restates the profile's own tag (the wizard writes it); any
            // other value or spelling would break kvinit's ownership marker.
            let restated = k.as_str() == "managedBy" && tags[*k] == "kvinit";
            if let Some(reserved) = KVINIT_TAGS
                .iter()
                .find(|r| r.eq_ignore_ascii_case(k))
                .filter(|_| !restated)
            {
                cx.report_key(
                    &p,
                    format!("tag `{k}` is reserved: kvinit sets `{reserved}` on every resource it manages"),
                    Some("remove it, or use another name".into()),
                );
            }
            if let Some(first) = keys[..i].iter().find(|x| x.eq_ignore_ascii_case(k)) {
                cx.report_key(
                    &p,
                    format!("tags `{first}` and `{k}` differ only in case; ARM tag names are case-insensitive"),
                    Some("keep one of them".into()),
                );
            }
        }
        for (k, v) in tags {
            let p = format!("{path}.tags.{k}");
            if k.is_empty() || k.chars().count() > 512 || k.chars().any(|c| "<>%&\\?/".contains(c))
            {
                cx.report_key(
                    &p,
                    format!("tag name `{k}` is not allowed; ARM allows 1–512 characters without `<>%&\\?/`"),
                    Some("use a shorter name made of letters, digits, `-`, `_`, `.` or spaces".into()),
                );
            }
            if v.chars().count() > 256 {
                cx.report(
                    &p,
                    None,
                    format!(
                        "tag `{k}` has a value of {} characters; ARM allows 256",
                        v.chars().count()
                    ),
                    Some("shorten the value, or keep long text outside tags".into()),
                );
            }
        }
    }
}

/// Turns merged (already checked) settings into typed settings; `None` when any value is
/// invalid (its problem has been reported at the layer that set it).
/// How many cells of apps × environments × regions `excluded` leaves, counting without building
/// any cell and stopping as soon as the count passes `max` (the result is then `max + 1`).
fn count_cells(
    apps: &[(usize, String)],
    envs: &[(usize, PlanEnvironment)],
    regions: &[&'static Region],
    max: usize,
    excluded: impl Fn(&str, &str, &Region) -> bool,
) -> usize {
    let product = apps
        .len()
        .saturating_mul(envs.len())
        .saturating_mul(regions.len());
    if product <= max {
        // Exact enough: the limit cannot be passed; `exclude` is checked cell by cell later.
        return product;
    }
    let mut n = 0usize;
    for (_, a) in apps {
        for (_, e) in envs {
            for r in regions {
                if !excluded(a, &e.name, r) {
                    n += 1;
                    if n > max {
                        return n;
                    }
                }
            }
        }
    }
    n
}

/// True for a category group (`audit`, `allLogs`), false for a single category.
fn is_group(s: LogSelector) -> bool {
    matches!(s, LogSelector::CategoryGroup(_))
}

/// A log selector's name as the plan writes it.
fn selector_name(s: LogSelector) -> &'static str {
    match s {
        LogSelector::CategoryGroup(n) | LogSelector::Category(n) => n,
    }
}

/// Most characters a management lock's `notes` may have (locks 2020-05-01 swagger).
const MAX_LOCK_NOTES: usize = 512;

/// Parses `network.mode`: `public` → `false`, `private` → `true` (any case).
fn parse_network_mode(value: &str) -> Result<bool, crate::model::names::Invalid> {
    match value.trim().to_ascii_lowercase().as_str() {
        "public" => Ok(false),
        "private" => Ok(true),
        _ => Err(crate::model::names::Invalid::new(format!(
            "unknown network.mode `{value}`; allowed: `public`, `private`"
        ))),
    }
}

fn resolve(
    s: &Settings,
    vnet_rules: Vec<String>,
    private_endpoints: Vec<crate::model::settings::PrivateEndpoint>,
    workspace_id: Option<String>,
    action_group_name: String,
) -> Option<VaultSettings> {
    let (no_n, no_d, no_a, no_ag) = Default::default();
    let n: &schema::NetworkSettings = s.network.as_ref().unwrap_or(&no_n);
    let d: &schema::DiagnosticsSettings = s.diagnostics.as_ref().unwrap_or(&no_d);
    let a: &schema::AlertSettings = s.alerts.as_ref().unwrap_or(&no_a);
    let ag: &schema::ActionGroupSetting = a.action_group.as_ref().unwrap_or(&no_ag);
    let private = match &n.mode {
        Some(m) => parse_network_mode(m).ok()?,
        None => false,
    };
    let retention = s.soft_delete_retention_days.unwrap_or(90);
    if !RETENTION_DAYS.contains(&retention) {
        return None;
    }
    let mut role_assignments = Vec::new();
    for ra in s.role_assignments.iter().flatten() {
        let r = crate::model::settings::RoleAssignment {
            principal_id: names::parse_guid("principal ID", &ra.principal_id).ok()?,
            principal_type: match &ra.principal_type {
                Some(t) => Some(PrincipalType::parse(t).ok()?),
                None => None,
            },
            role: roles::parse(&ra.role).ok()?,
        };
        // The same principal and role from several layers is one assignment (its ARM name is
        // derived from them); a type given in one layer fills in an unset one. Conflicting types
        // were reported by `validate`.
        match role_assignments
            .iter_mut()
            .find(|x: &&mut crate::model::settings::RoleAssignment| {
                x.principal_id == r.principal_id && x.role.id == r.role.id
            }) {
            Some(x) => {
                if x.principal_type.is_none() {
                    x.principal_type = r.principal_type;
                }
            }
            None => role_assignments.push(r),
        }
    }
    let threshold = |v: f64, sev: Option<i64>, default: u8| Threshold {
        value: v,
        severity: sev.map_or(default, |s| s as u8),
    };
    Some(VaultSettings {
        sku: Sku::parse(s.sku.as_deref().unwrap_or("standard")).ok()?,
        soft_delete_retention_days: retention as u8,
        purge_protection: s.purge_protection.unwrap_or(true),
        on_soft_deleted: match &s.on_soft_deleted {
            Some(v) => parse_on_soft_deleted(v).ok()?,
            None => OnSoftDeleted::Fail,
        },
        network: Network {
            public_network_access: if private {
                PublicNetworkAccess::Disabled
            } else {
                PublicNetworkAccess::parse(n.public_network_access.as_deref().unwrap_or("Enabled"))
                    .ok()?
            },
            default_action: if private {
                DefaultAction::Deny
            } else {
                DefaultAction::parse(n.default_action.as_deref().unwrap_or("Deny")).ok()?
            },
            bypass: Bypass::parse(n.bypass.as_deref().unwrap_or("AzureServices")).ok()?,
            ip_rules: n
                .ip_rules
                .iter()
                .flatten()
                .map(|ip| names::parse_ip_rule(ip))
                .collect::<Result<Vec<_>, _>>()
                .ok()?,
            virtual_network_rules: vnet_rules,
            private_endpoints,
        },
        role_assignments,
        diagnostics: crate::model::settings::Diagnostics {
            workspace_id,
            logs: d
                .logs
                .iter()
                .flatten()
                .map(|l| parse_log_selector(l))
                .collect::<Result<Vec<_>, _>>()
                .ok()?,
            metrics: d.metrics.unwrap_or(true),
        },
        alerts: Alerts {
            action_group: ActionGroup {
                name: action_group_name,
                short_name: ag.short_name.clone().unwrap_or_else(|| "kvinit".into()),
                emails: ag.emails.clone().unwrap_or_default(),
            },
            availability: a
                .availability
                .as_ref()
                .map(|t| threshold(t.below, t.severity, 1)),
            saturation: a
                .saturation
                .as_ref()
                .map(|t| threshold(t.above, t.severity, 1)),
            latency: a
                .latency
                .as_ref()
                .map(|t| threshold(t.above_ms, t.severity, 3)),
            vault_deleted: a.vault_deleted.unwrap_or(true),
        },
        tags: s
            .tags
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        lock: match s.lock.as_ref().and_then(|l| l.kind.as_deref()) {
            Some(k) => LockLevel::parse(k).ok()?.map(|level| Lock {
                level,
                notes: s.lock.as_ref().and_then(|l| l.notes.clone()),
            }),
            None => None,
        },
    })
}
