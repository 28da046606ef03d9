//! `kvinit audit`: check the arguments and read the plan (`-f FILE`, default `kvinit.yaml` unless
//! `--subscription` is given; bad input → exit 2 before any request or emulator), start the
//! target, read every vault with `azure::inventory`, evaluate the rules with `audit::audit`,
//! render table / JSON / YAML / SARIF to stdout, and exit 4 when a finding is at or above
//! `--fail-on`. Glue only: the logic lives in `audit`, `rules` and `azure`.

use crate::audit::{self, AuditReport};
use crate::azure::inventory::{self, InventoryScope};
use crate::azure::{ArmClient, ClientSettings, RequestCounts};
use crate::cli::{AuditArgs, AuditFormat};
use crate::commands::target::{RunTarget, TargetChoice};
use crate::exit::ExitCode;
use crate::resources::ResourceKind;
use crate::rules::Severity;
use crate::ui::structured;

/// Runs `kvinit audit`.
pub fn run(args: AuditArgs) -> ExitCode {
    let plan_file = args.plan_file();
    let missing_default = plan_file
        .as_deref()
        .filter(|f| args.file.is_none() && !f.exists());
    if let Some(default) = missing_default {
        crate::errln!(
            "error: kvinit audit needs vaults to audit: none were named, and there is no `{}` here",
            default.display()
        );
        crate::errln!(
            "hint: pass --subscription ID (repeatable) to audit every vault in a subscription, \
             or -f PLAN to audit the plan's vaults"
        );
        return ExitCode::BadInput;
    }
    let bad: Vec<&String> = args
        .subscriptions
        .iter()
        .filter(|s| uuid::Uuid::parse_str(s).is_err())
        .collect();
    if !bad.is_empty() {
        for s in bad {
            crate::errln!("error: --subscription `{s}` is not a subscription ID (a GUID)");
        }
        crate::errln!(
            "hint: subscription IDs look like 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e; `az account list -o table` lists yours"
        );
        return ExitCode::BadInput;
    }
    let mut scope = InventoryScope {
        subscriptions: args.subscriptions.clone(),
        planned_vaults: Vec::new(),
    };
    let mut tenant = "common".to_string();
    let mut cloud = crate::model::regions::Cloud::Public;
    if let Some(file) = &plan_file {
        let desired = match crate::commands::plan::load(file, args.max_cells) {
            Ok(d) => d,
            Err(code) => return code,
        };
        cloud = super::target::cloud_of(&desired);
        for vault in desired.vaults.iter().flat_map(|v| &v.resources) {
            if vault.kind != ResourceKind::Vault {
                continue;
            }
            if let Some(t) = vault
                .body
                .to_value()
                .pointer("/properties/tenantId")
                .and_then(|t| t.as_str())
            {
                tenant = t.to_string();
            }
            if !scope
                .planned_vaults
                .iter()
                .any(|v| v.eq_ignore_ascii_case(&vault.id))
            {
                scope.planned_vaults.push(vault.id.clone());
            }
        }
    }
    let choice = match TargetChoice::from_args(&args.target, cloud) {
        Ok(c) => c.read_only(),
        Err(code) => return code,
    };
    let azure_cloud = choice.is_azure_cloud();
    let read = super::runtime::block_on(async {
        let run_target = RunTarget::start(choice, &tenant).await?;
        let read = read_inventory(&run_target, &scope).await;
        run_target.finish().await?;
        read
    });
    let read = match read {
        Ok(read) => read,
        Err(code) => return code,
    };
    let (observed, requests) = match read {
        Ok(r) => r,
        Err(message) => {
            crate::errln!("error: {message}");
            if azure_cloud {
                crate::errln!(
                    "hint: to try kvinit without Azure, run against the emulator with --emulator"
                );
            }
            return ExitCode::Failure;
        }
    };
    let report = audit::audit(&observed);
    let fail_on = args.fail_on.map(audit::threshold::severity);
    let rendered = render(&report, args.output, fail_on, requests);
    match args.output {
        AuditFormat::Table => crate::ui::output::human(&rendered),
        _ => crate::ui::output::stdout(&rendered),
    }
    if audit::threshold::at_or_above(&report, fail_on) > 0 {
        ExitCode::FindingsAtThreshold
    } else {
        ExitCode::Success
    }
}

async fn read_inventory(
    run_target: &RunTarget,
    scope: &InventoryScope,
) -> Result<(audit::Observed, RequestCounts), String> {
    let clients = ArmClient::connect(&run_target.target, ClientSettings::default())
        .map_err(|e| e.to_string())?;
    let observed = inventory::read(&clients, scope)
        .await
        .map_err(|e| format!("reading the vaults failed: {e}"))?;
    crate::ui::deprecation_notices::print(&clients.deprecations().snapshot());
    Ok((observed, clients.counter().snapshot()))
}

fn render(
    report: &AuditReport,
    format: AuditFormat,
    fail_on: Option<Severity>,
    requests: RequestCounts,
) -> String {
    match format {
        AuditFormat::Table => audit::table::render(report, fail_on),
        AuditFormat::Json => structured::json(&audit::json::render(report, fail_on, requests)),
        AuditFormat::Yaml => structured::yaml(&audit::json::render(report, fail_on, requests)),
        AuditFormat::Sarif => structured::json(&audit::sarif::render(report)),
    }
}
