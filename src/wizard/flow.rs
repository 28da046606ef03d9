//! The wizard's questions, in order: where (tenant, environments, regions), what (apps), naming
//! (with a live preview), controls, review. Produces a [`PlanFile`] and its commented YAML,
//! checked by `plan_file::parse` exactly as `kvinit plan` checks a file. Must not do I/O.

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::names::{self, Invalid};
use crate::model::plan::Plan;
use crate::model::{naming, regions, roles};
use crate::plan_file::Diagnostics;
use crate::plan_file::schema::{
    API_VERSION, ActionGroupSetting, AlertSettings, App, DiagnosticsSettings, Environment, Naming,
    NetworkSettings, PlanFile, RoleAssignmentSetting, Settings,
};
use crate::resources::DesiredState;
use crate::wizard::ask::{self, reason};
use crate::wizard::prompt::{Answer, Prompt};
use crate::wizard::{check, review};

/// What the flow needs besides the answers.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The path the plan will be written to; used in messages of the final check.
    pub plan_path: &'a Path,
    /// The compliance profile's controls: the default answer of every control question.
    pub profile: Settings,
}

/// A finished wizard: the plan, its YAML text (exactly what will be written) and the desired
/// state `plan_file::parse` + `desired_state` computed from that text.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub plan: PlanFile,
    pub yaml: String,
    pub state: DesiredState,
}

/// Why the flow stopped without an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Esc or Ctrl-C.
    Interrupted,
    /// The user declined to write the plan at the review.
    Declined,
    /// The assembled plan failed `plan_file::parse` (the problems were shown). Every answer
    /// is checked as typed, so this means a combination those checks cannot see.
    Invalid,
}

impl From<crate::wizard::prompt::Interrupted> for Stop {
    fn from(_: crate::wizard::prompt::Interrupted) -> Self {
        Stop::Interrupted
    }
}

/// Runs the whole flow. Every answer is validated as typed; the final plan is rendered to YAML
/// and parsed back with `plan_file::parse`, and the review shows the matrix from that result.
pub fn run(p: &mut dyn Prompt, ctx: &Context<'_>) -> Result<Outcome, Stop> {
    p.show("kvinit init: a few questions, then a plan file you can review, plan and apply.");
    p.show("Esc or Ctrl-C stops at any time; nothing is written until the end.");

    p.show("\n1/5  Where");
    let tenant_id = ask_tenant(p)?;
    let environments = ask_environments(p)?;
    let regions = ask_regions(p)?;

    p.show("\n2/5  What");
    let apps = ask_apps(p)?;

    let mut plan = PlanFile {
        api_version: API_VERSION.to_string(),
        tenant_id,
        naming: Naming::default(),
        regions,
        environments,
        apps,
        defaults: Settings {
            tags: plan_tags(ctx.profile.tags.as_ref()),
            ..ctx.profile.clone()
        },
        ..PlanFile::default()
    };

    p.show("\n3/5  Naming");
    plan.naming = ask_naming(p, &plan, ctx.plan_path)?;

    p.show("\n4/5  Controls (defaults from the compliance profile)");
    ask_controls(p, &mut plan, &ctx.profile, ctx.plan_path)?;

    p.show("\n5/5  Review");
    let yaml = crate::plan_file::render::render(&plan);
    let checked = crate::plan_file::parse(ctx.plan_path, &yaml);
    let (state, compliance) = match checked {
        Ok(checked) => crate::rules::desired_state_with_compliance(&checked),
        Err(diags) => {
            // Every answer was checked as typed, so this is a combination the per-answer
            // checks cannot see; show it exactly as `kvinit plan` would and stop.
            p.warn(&format!("the plan does not validate:\n{diags}"));
            return Err(Stop::Invalid);
        }
    };
    p.show(&review::matrix_table(&state));
    p.show(&review::compliance_summary(&state, &compliance));
    if !p.confirm(
        &format!(
            "Write this plan ({})?",
            crate::ui::count::vaults(state.vaults.len())
        ),
        true,
    )? {
        return Err(Stop::Declined);
    }
    Ok(Outcome { plan, yaml, state })
}

fn guid(what: &'static str) -> impl Fn(&str) -> Result<String, String> {
    move |s| {
        names::parse_guid(what, s)
            .map(|g| g.to_string())
            .map_err(|e| reason(&e))
    }
}

fn ask_tenant(p: &mut dyn Prompt) -> Answer<String> {
    ask::text(
        p,
        "Microsoft Entra tenant ID (GUID)",
        None,
        guid("tenant ID"),
    )
}

fn ask_environments(p: &mut dyn Prompt) -> Answer<Vec<Environment>> {
    let names = ask::text(
        p,
        "Environments (comma-separated)",
        Some("dev, test, prod"),
        |s| {
            let list = ask::check_list(s, |n| {
                names::check_label("environment", n).map(|()| n.to_string())
            })?;
            if list.is_empty() {
                Err("name at least one environment".to_string())
            } else {
                Ok(list)
            }
        },
    )?;
    let mut out: Vec<Environment> = Vec::new();
    for name in names {
        let previous = out.last().map(|e| e.subscription_id.clone());
        let subscription_id = ask::text(
            p,
            &format!("Subscription ID for `{name}`"),
            previous.as_deref(),
            guid("subscription ID"),
        )?;
        out.push(Environment {
            name,
            subscription_id,
            settings: Settings::default(),
        });
    }
    Ok(out)
}

fn ask_regions(p: &mut dyn Prompt) -> Answer<Vec<String>> {
    let items: Vec<String> = regions::REGIONS
        .iter()
        .map(|r| format!("{} ({}, {})", r.name, r.display_name, r.code))
        .collect();
    loop {
        let chosen = p.multi_select("Azure regions", &items, &[])?;
        if chosen.is_empty() {
            p.reject("choose at least one region");
            continue;
        }
        return Ok(chosen
            .into_iter()
            .map(|i| regions::REGIONS[i].name.to_string())
            .collect());
    }
}

fn ask_apps(p: &mut dyn Prompt) -> Answer<Vec<App>> {
    p.show("Application names: one per line or comma-separated; an empty line when done.");
    let mut apps: Vec<String> = Vec::new();
    loop {
        let prompt = if apps.is_empty() {
            "Application names".to_string()
        } else {
            format!("More apps (have: {})", apps.join(", "))
        };
        let known = apps.clone();
        let line = ask::text(p, &prompt, None, move |s| {
            let list =
                ask::check_list(s, |n| names::check_label("app", n).map(|()| n.to_string()))?;
            if let Some(dup) = list
                .iter()
                .find(|n| known.iter().any(|k| k.eq_ignore_ascii_case(n)))
            {
                return Err(format!("`{dup}` is already in the list"));
            }
            if list.is_empty() && known.is_empty() {
                return Err("name at least one application".to_string());
            }
            Ok(list)
        })?;
        if line.is_empty() {
            return Ok(apps
                .into_iter()
                .map(|name| App {
                    name,
                    settings: Settings::default(),
                })
                .collect());
        }
        apps.extend(line);
    }
}

fn check_candidate(plan: &PlanFile, path: &Path) -> Result<Plan, Diagnostics> {
    check::parse(plan, path)
}

fn ask_naming(p: &mut dyn Prompt, plan: &PlanFile, path: &Path) -> Answer<Naming> {
    let mut naming = plan.naming.clone();
    loop {
        let candidate = PlanFile {
            naming: naming.clone(),
            ..plan.clone()
        };
        p.show(&format!("Vault pattern:          {}", naming.vault));
        p.show(&format!(
            "Resource group pattern: {}",
            naming.resource_group
        ));
        let mut options = vec![
            "Change the vault name pattern".to_string(),
            "Change the resource group pattern".to_string(),
        ];
        let mut suggestion = None;
        match check_candidate(&candidate, path) {
            Ok(checked) => {
                p.show(&review::names_preview(&checked));
                options.insert(0, "Use these names".to_string());
            }
            Err(diags) => {
                for d in &diags {
                    let cell = d.cell.as_ref().map(|c| {
                        format!(" (app `{}`, env `{}`, region `{}`)", c.app, c.env, c.region)
                    });
                    let hint = d
                        .hint
                        .as_ref()
                        .map(|h| format!("\n  hint: {h}"))
                        .unwrap_or_default();
                    p.warn(&format!(
                        "{}: {}{}{hint}",
                        d.field,
                        d.message,
                        cell.unwrap_or_default()
                    ));
                }
                suggestion = suggest_pattern(&candidate, path);
                if let Some(s) = &suggestion {
                    p.show(&format!("A vault pattern that fits every cell: {s}"));
                    options.insert(0, format!("Use `{s}`"));
                }
            }
        }
        let pick = p.select("Naming", &options, 0)?;
        let label = options[pick].as_str();
        if label == "Use these names" {
            return Ok(naming);
        } else if label == "Change the vault name pattern" {
            naming.vault = ask_pattern(p, "Vault name pattern", &naming.vault)?;
        } else if label == "Change the resource group pattern" {
            naming.resource_group =
                ask_pattern(p, "Resource group pattern", &naming.resource_group)?;
        } else if let Some(s) = suggestion {
            naming.vault = s;
        }
    }
}

fn ask_pattern(p: &mut dyn Prompt, prompt: &str, current: &str) -> Answer<String> {
    let sample = naming::Tokens {
        app: Some("app"),
        env: Some("env"),
        region: Some("weu"),
        location: Some("westeurope"),
        subscription_id: None,
    };
    ask::text(p, prompt, Some(current), move |s| {
        naming::expand(s, &sample)
            .map(|_| s.to_string())
            .map_err(|e| reason(&e))
    })
}

/// A vault pattern under which every cell's name is valid: `naming::suggest_vault_pattern`,
/// confirmed (like any candidate) by `plan_file::parse`.
fn suggest_pattern(plan: &PlanFile, path: &Path) -> Option<String> {
    let longest_app = plan.apps.iter().map(|a| a.name.len()).max().unwrap_or(0);
    let longest_env = plan
        .environments
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    let longest_region = plan
        .regions
        .iter()
        .filter_map(|r| regions::find(r))
        .map(|r| r.code.len())
        .max()
        .unwrap_or(0);
    let first =
        naming::suggest_vault_pattern(&plan.naming.vault, longest_app, longest_env, longest_region);
    let candidates = [
        first,
        "kv-{app:8}-{env:1}-{region}".to_string(),
        "kv{app:10}{env:1}{region}".to_string(),
    ];
    candidates.into_iter().find(|c| {
        let mut trial = plan.clone();
        trial.naming.vault = c.clone();
        check_candidate(&trial, path).is_ok()
    })
}

fn ask_controls(
    p: &mut dyn Prompt,
    plan: &mut PlanFile,
    profile: &Settings,
    path: &Path,
) -> Answer<()> {
    p.show(
        "SKU: standard keeps keys in software; premium adds HSM-protected keys at a higher price.",
    );
    let skus = ["standard".to_string(), "premium".to_string()];
    let current = profile.sku.as_deref().unwrap_or("standard");
    let pick = p.select(
        "SKU",
        &skus,
        usize::from(current.eq_ignore_ascii_case("premium")),
    )?;
    plan.defaults.sku = Some(skus[pick].clone());

    p.show("Soft delete keeps a deleted vault recoverable for 7-90 days (KV-SD); it is fixed at creation.");
    let retention = profile.soft_delete_retention_days.unwrap_or(90).to_string();
    let candidate = plan.clone();
    let days = ask::text(
        p,
        "Soft-delete retention (days, 7-90)",
        Some(&retention),
        |s| {
            let days: i64 = s
                .parse()
                .map_err(|_| format!("`{s}` is not a whole number of days"))?;
            let mut trial = candidate.clone();
            trial.defaults.soft_delete_retention_days = Some(days);
            check::field(&trial, path, "defaults.softDeleteRetentionDays").map(|()| days)
        },
    )?;
    plan.defaults.soft_delete_retention_days = Some(days);

    p.show("Purge protection stops anyone, even an administrator, from purging a deleted vault early (KV-PP).");
    p.warn(&format!(
        "purge protection cannot be turned off once on, and a deleted vault's name stays reserved for the retention period ({days} days)."
    ));
    let purge = p.confirm(
        "Enable purge protection?",
        profile.purge_protection.unwrap_or(true),
    )?;
    plan.defaults.purge_protection = Some(purge);
    if !purge {
        p.warn("without purge protection the vaults fail KV-PP; you can turn it on later, but never off.");
    }

    plan.defaults.network = Some(ask_network(
        p,
        plan,
        path,
        profile.network.clone().unwrap_or_default(),
    )?);
    ask_roles(p, plan)?;
    plan.defaults.diagnostics = Some(ask_diagnostics(
        p,
        plan,
        path,
        profile.diagnostics.clone().unwrap_or_default(),
    )?);
    plan.defaults.alerts = Some(ask_alerts(p, profile.alerts.clone().unwrap_or_default())?);
    plan.defaults.tags = Some(ask_tags(
        p,
        plan,
        path,
        plan_tags(profile.tags.as_ref()).unwrap_or_default(),
    )?);
    Ok(())
}

/// The profile's tags a plan may carry: without the ones kvinit sets itself (`managedBy`, the
/// `kvinit-*` tags), which the plan validators reject. `None` when nothing is left.
fn plan_tags(tags: Option<&BTreeMap<String, String>>) -> Option<BTreeMap<String, String>> {
    let kept: BTreeMap<String, String> = tags?
        .iter()
        .filter(|(k, _)| {
            !crate::plan_file::validate::KVINIT_TAGS
                .iter()
                .any(|r| r.eq_ignore_ascii_case(k))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!kept.is_empty()).then_some(kept)
}

fn pick_of(
    p: &mut dyn Prompt,
    prompt: &str,
    options: &[&str],
    current: Option<&str>,
) -> Answer<String> {
    let items: Vec<String> = options.iter().map(|s| s.to_string()).collect();
    let default = current
        .and_then(|c| options.iter().position(|o| o.eq_ignore_ascii_case(c)))
        .unwrap_or(0);
    Ok(items[p.select(prompt, &items, default)?].clone())
}

fn ask_network(
    p: &mut dyn Prompt,
    plan: &PlanFile,
    path: &Path,
    profile: NetworkSettings,
) -> Answer<NetworkSettings> {
    p.show("Network: the firewall denies by default and allows only listed IPv4 ranges and subnets (KV-FW, KV-VNET).");
    p.show("Subnets need the Microsoft.KeyVault service endpoint; private callers come through them, not IP rules.");
    let public = pick_of(
        p,
        "Public network access",
        &["Enabled", "Disabled"],
        profile.public_network_access.as_deref(),
    )?;
    let action = pick_of(
        p,
        "Firewall default action",
        &["Deny", "Allow"],
        profile.default_action.as_deref(),
    )?;
    if action == "Allow" {
        p.warn("default action Allow lets every network reach the vaults; they fail KV-FW.");
    }
    let ips_default = profile.ip_rules.clone().unwrap_or_default().join(", ");
    let ip_rules = ask::text(
        p,
        "Allowed public IPv4 addresses/CIDR ranges (comma-separated; empty: none)",
        Some(&ips_default),
        |s| ask::check_list(s, names::parse_ip_rule),
    )?;
    let subnets_default = profile
        .virtual_network_rules
        .clone()
        .unwrap_or_default()
        .join(", ");
    let subnets = ask::text(
        p,
        "Subnet resource IDs (comma-separated; empty: none)",
        Some(&subnets_default),
        |s| {
            let list = ask::split_list(s);
            let mut trial = plan.clone();
            let network = NetworkSettings {
                virtual_network_rules: Some(list.clone()),
                ..profile.clone()
            };
            trial.defaults.network = Some(network);
            check::field(&trial, path, "defaults.network.virtualNetworkRules").map(|()| list)
        },
    )?;
    Ok(NetworkSettings {
        public_network_access: Some(public),
        default_action: Some(action),
        bypass: profile.bypass.or(Some("AzureServices".to_string())),
        ip_rules: Some(ip_rules),
        virtual_network_rules: Some(subnets),
        ..NetworkSettings::default()
    })
}

fn ask_roles(p: &mut dyn Prompt, plan: &mut PlanFile) -> Answer<()> {
    p.show("Role assignments: RBAC at vault scope, least privilege; apps usually need `Key Vault Secrets User` (KV-RBAC).");
    let role_names: Vec<String> = roles::KEY_VAULT_ROLES
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    let secrets_user = role_names
        .iter()
        .position(|r| r == "Key Vault Secrets User")
        .unwrap_or(0);
    let types = ["Group", "ServicePrincipal", "User"];
    let mut scopes = vec!["every app".to_string()];
    scopes.extend(plan.apps.iter().map(|a| format!("app `{}` only", a.name)));
    let mut first = plan
        .defaults
        .role_assignments
        .as_ref()
        .is_none_or(Vec::is_empty);
    while p.confirm("Add a role assignment?", first)? {
        first = false;
        // An empty answer backs out to "Add a role assignment?" (Esc stops the whole wizard).
        let principal_id = ask::text(
            p,
            "Principal object ID (GUID; empty: back, add none)",
            None,
            |s: &str| {
                if s.is_empty() {
                    Ok(None)
                } else {
                    guid("principal ID")(s).map(Some)
                }
            },
        )?;
        let Some(principal_id) = principal_id else {
            continue;
        };
        let principal_type = pick_of(p, "Principal type", &types, None)?;
        let role = role_names[p.select("Built-in role", &role_names, secrets_user)?].clone();
        let scope = p.select("For", &scopes, 0)?;
        let entry = RoleAssignmentSetting {
            principal_id,
            principal_type: Some(principal_type),
            role,
        };
        let target = if scope == 0 {
            &mut plan.defaults
        } else {
            &mut plan.apps[scope - 1].settings
        };
        target
            .role_assignments
            .get_or_insert_with(Vec::new)
            .push(entry);
    }
    Ok(())
}

fn ask_diagnostics(
    p: &mut dyn Prompt,
    plan: &PlanFile,
    path: &Path,
    profile: DiagnosticsSettings,
) -> Answer<DiagnosticsSettings> {
    p.show("Diagnostics: audit logs and all metrics go to a Log Analytics workspace (KV-LOG).");
    let current = profile.workspace_id.clone();
    let workspace = ask::text(
        p,
        "Log Analytics workspace resource ID",
        current.as_deref(),
        |s| {
            let mut trial = plan.clone();
            trial.defaults.diagnostics = Some(DiagnosticsSettings {
                workspace_id: Some(s.to_string()),
                ..profile.clone()
            });
            check::field(&trial, path, "defaults.diagnostics.workspaceId").map(|()| s.to_string())
        },
    )?;
    Ok(DiagnosticsSettings {
        workspace_id: Some(workspace),
        logs: profile.logs.or(Some(vec!["audit".to_string()])),
        metrics: profile.metrics.or(Some(true)),
    })
}

fn ask_alerts(p: &mut dyn Prompt, profile: AlertSettings) -> Answer<AlertSettings> {
    p.show("Alerts: availability, saturation, latency and vault deletion notify one action group per environment (KV-ALERT).");
    let group = profile.action_group.clone().unwrap_or_default();
    let emails_default = group.emails.clone().unwrap_or_default().join(", ");
    let emails = ask::text(
        p,
        "Alert e-mail addresses (comma-separated)",
        (!emails_default.is_empty()).then_some(emails_default.as_str()),
        |s| {
            let list = ask::check_list(s, |e| names::check_email(e).map(|()| e.to_string()))?;
            if list.is_empty() {
                Err("give at least one address to notify".to_string())
            } else {
                Ok(list)
            }
        },
    )?;
    Ok(AlertSettings {
        action_group: Some(ActionGroupSetting {
            emails: Some(emails),
            ..group
        }),
        ..profile
    })
}

fn ask_tags(
    p: &mut dyn Prompt,
    plan: &PlanFile,
    path: &Path,
    profile: BTreeMap<String, String>,
) -> Answer<BTreeMap<String, String>> {
    p.show("Tags go on every resource group and vault (owner, cost centre, ...).");
    let current: Vec<String> = profile.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let current = current.join(", ");
    ask::text(
        p,
        "Tags (key=value, comma-separated)",
        Some(&current),
        |s| {
            let mut tags = BTreeMap::new();
            for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                let (k, v) = item.split_once('=').ok_or_else(|| {
                    reason(
                        &Invalid::new(format!("tag `{item}` has no `=`"))
                            .with_hint("write tags as `key=value`"),
                    )
                })?;
                if tags
                    .insert(k.trim().to_string(), v.trim().to_string())
                    .is_some()
                {
                    return Err(format!("tag `{}` is given twice", k.trim()));
                }
            }
            let mut trial = plan.clone();
            trial.defaults.tags = Some(tags.clone());
            check::field(&trial, path, "defaults.tags").map(|()| tags)
        },
    )
}
