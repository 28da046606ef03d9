//! Command-line surface: clap derive types and their help text only. No behaviour lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Create Azure Key Vaults that are compliant from their first minute.
///
/// kvinit expands a YAML plan (apps × environments × regions) into one Key Vault per cell and
/// gives every vault the same controls: RBAC, firewall with default-deny, VNet rules, soft
/// delete, purge protection, a diagnostic setting and alerts.
#[derive(Debug, Parser)]
#[command(name = "kvinit", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Interactive wizard that writes a plan file (and can go on to plan and apply it).
    Init(InitArgs),
    /// Dry-run preview: the vault matrix, every ARM resource and setting, compliance findings.
    /// With a target (--emulator, --arm-endpoint) or --out / --detailed-exitcode it reads live
    /// state and shows what apply would create, update (field by field) or refuse.
    Plan(PlanArgs),
    /// Create or converge every vault of a plan. A second run changes nothing.
    Apply(ApplyArgs),
    /// Evaluate existing vaults against the compliance rules.
    Audit(AuditArgs),
    /// List the compliance rules, or print one rule's page (what it checks, why, how to fix).
    Rules(RulesArgs),
    /// Run the ARM emulator as a standalone server (for tests and demos).
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
    /// Print the plan file's JSON Schema (draft 2020-12), for editors and CI checks.
    ///
    /// The same schema is published as docs/kvinit.schema.json; `kvinit init` points the plan at
    /// it with a `# yaml-language-server: $schema=…` first line, so VS Code (with the YAML
    /// extension) and other editors complete and check the plan as it is typed. It checks
    /// structure (field names, required fields, value types); `kvinit plan` checks values.
    Schema,
    /// Print the shell completion script for SHELL to stdout.
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print kvinit's man page (roff) to stdout, or write every page to a folder.
    #[command(after_long_help = MAN_HELP)]
    Man(ManArgs),
}

const COMPLETIONS_HELP: &str = "\
Install (then open a new shell):
  bash        kvinit completions bash > ~/.local/share/bash-completion/completions/kvinit
  zsh         kvinit completions zsh > ~/.zfunc/_kvinit
              (with `fpath=(~/.zfunc $fpath)` before `compinit` in ~/.zshrc)
  fish        kvinit completions fish > ~/.config/fish/completions/kvinit.fish
  powershell  kvinit completions powershell | Out-String | Invoke-Expression
              (add that line to $PROFILE to keep it)
  elvish      kvinit completions elvish >> ~/.config/elvish/rc.elv";

const MAN_HELP: &str = "\
Read it:     kvinit man | man -l -
Install it:  kvinit man --dir ~/.local/share/man/man1   (then `man kvinit`, `man kvinit-plan`)
System-wide: sudo kvinit man --dir /usr/local/share/man/man1";

/// Output formats for `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Human-readable tables.
    Table,
    /// The documented, stable JSON contract (see README "JSON output").
    Json,
    /// The same value as `json`, as YAML.
    Yaml,
}

/// Output formats for `apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApplyFormat {
    /// Progress and a summary table.
    Table,
    /// The apply report as JSON (see README "JSON output").
    Json,
    /// The same value as `json`, as YAML.
    Yaml,
}

/// Output formats for `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Findings grouped by vault, each with what compliant looks like, the fix and its rule page.
    Table,
    /// The report as JSON: `summary`, `vaults`, `notFound`, `findings`, `requests`.
    Json,
    /// The same value as `json`, as YAML.
    Yaml,
    /// SARIF 2.1.0, one rule per rule ID, for code-scanning dashboards.
    Sarif,
}

/// Severity threshold for `--fail-on` (`audit`, `plan`, `apply`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
}

/// Where live state is read from and written to.
#[derive(Debug, Clone, Args, Default)]
pub struct TargetArgs {
    /// Run against the embedded ARM emulator instead of Azure. STATE is the emulator's state
    /// file (default `.kvinit/emulator.json`), so later runs see what earlier runs made.
    #[cfg(feature = "emulator")]
    #[arg(long, value_name = "STATE", num_args = 0..=1, require_equals = true,
          default_missing_value = ".kvinit/emulator.json",
          conflicts_with_all = ["arm_endpoint", "authority_host"])]
    pub emulator: Option<PathBuf>,

    /// Fault profile (YAML) for the embedded emulator: throttling, transient errors,
    /// read-after-write lag, provisioning time. See `kvinit emulator --help`.
    #[cfg(feature = "emulator")]
    #[arg(long, value_name = "FILE", requires = "emulator")]
    pub emulator_faults: Option<PathBuf>,

    /// ARM endpoint to use instead of https://management.azure.com (for sovereign clouds or a
    /// standalone emulator).
    #[arg(long, value_name = "URL", env = "KVINIT_ARM_ENDPOINT")]
    pub arm_endpoint: Option<String>,

    /// Authority host for the credential (with --arm-endpoint; e.g. the emulator's URL).
    #[arg(long, value_name = "URL", env = "KVINIT_AUTHORITY_HOST")]
    pub authority_host: Option<String>,

    /// Which credential to use instead of the whole chain (environment, workload identity,
    /// managed identity, Azure CLI, azd): env, workload, managed-identity, cli or azd; also the
    /// Azure SDKs' `dev` (cli, azd) and `prod` (env, workload, managed-identity). Ignored with
    /// --emulator, which issues its own token (so a value meant for other Azure SDK tools never
    /// stops an emulator run); an empty AZURE_TOKEN_CREDENTIALS counts as unset, as in the SDKs.
    #[arg(long, value_name = "NAME", env = "AZURE_TOKEN_CREDENTIALS")]
    pub credential: Option<String>,

    /// A CA certificate (PEM) to trust besides the system's, e.g. the certificate a standalone
    /// `kvinit emulator` writes next to its state file.
    #[arg(long, value_name = "FILE", env = "KVINIT_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
}

/// `kvinit init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Write the starter plan from templates/ without asking anything.
    #[arg(long)]
    pub defaults: bool,
    /// Where to write the plan file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = DEFAULT_PLAN_FILE
    )]
    pub file: PathBuf,
    /// Overwrite an existing file without asking (with --defaults).
    #[arg(long)]
    pub force: bool,
    /// Most vaults (cells of apps × environments × regions, after `exclude`) the plan may
    /// expand to when `init` goes on to `plan`/`apply` it (default 50,000).
    #[arg(long, value_name = "N", default_value_t = crate::plan_file::DEFAULT_MAX_CELLS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_cells: usize,
}

/// `kvinit plan`.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// The plan file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = DEFAULT_PLAN_FILE
    )]
    pub file: PathBuf,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = PlanFormat::Table)]
    pub output: PlanFormat,
    /// Offline table: print every ARM resource and setting of every vault. Without it a plan of
    /// more than 25 vaults prints the matrix, one line per vault and the compliance summary
    /// (a plan of 25 or fewer prints the details anyway). `-o json`/`-o yaml` always hold
    /// everything.
    #[arg(long)]
    pub detail: bool,
    /// Exit 3 when changes are pending (creates, updates, blocked changes), 0 when there are
    /// none (errors stay 1 and 2). Reads live state (Azure unless a target flag is given).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the computed change set to FILE; `kvinit apply FILE` applies exactly it, or exits 5
    /// ("plan is stale") when live state moved since. Reads live state.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --out: replace an existing FILE (or the file a symlink FILE points to). Without it
    /// an existing FILE or a symlink is refused (exit 2) before anything is read; the plan file
    /// itself, a dangling symlink and a missing directory are refused always.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Most vaults (cells of apps × environments × regions, after `exclude`) the plan may
    /// expand to; a larger plan is refused (exit 2) before its matrix is built.
    #[arg(long, value_name = "N", default_value_t = crate::plan_file::DEFAULT_MAX_CELLS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_cells: usize,
    /// Allow switching an existing vault from access policies to RBAC.
    #[arg(long)]
    pub allow_permission_model_switch: bool,
    /// Send the plan's weaker value for these protective fields (repeat, or separate with
    /// commas). Without it a plan value weaker than live — a log category or the metrics dropped
    /// from the diagnostic setting, an alert disabled or its threshold moved to fire later, an
    /// IP or virtual network rule added, public access enabled, the firewall's default action or
    /// bypass opened, RBAC off — is kept at the live value and not sent. Names:
    /// publicNetworkAccess, networkAcls.defaultAction, networkAcls.bypass, networkAcls.ipRules,
    /// networkAcls.virtualNetworkRules, enableRbacAuthorization, diagnostics.logs,
    /// diagnostics.metrics, alerts.enabled, alerts.threshold. Purge protection, soft delete and
    /// the soft-delete retention are never sent weaker.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub allow_weaken: Vec<String>,
    /// Keep role assignments kvinit created (their UUID v5 name proves it) that the plan no
    /// longer asks for, instead of revoking them.
    #[arg(long)]
    pub keep_revoked_grants: bool,
    /// Exit 4 when a planned vault fails a compliance rule at or above this severity
    /// (the plan's rules are computed offline: nothing is sent to ARM to decide).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `kvinit apply`.
#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// A saved change set (from `plan --out`) to apply exactly; otherwise the plan file is
    /// planned and applied.
    #[arg(value_name = "CHANGESET")]
    pub changeset: Option<PathBuf>,
    /// The plan file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = DEFAULT_PLAN_FILE
    )]
    pub file: PathBuf,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How many vaults are converged at once (1–64). Writes are paced under each
    /// subscription's ARM write budget whatever this is.
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Most vaults (cells of apps × environments × regions, after `exclude`) the plan may
    /// expand to; a larger plan is refused (exit 2) before its matrix is built.
    #[arg(long, value_name = "N", default_value_t = crate::plan_file::DEFAULT_MAX_CELLS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_cells: usize,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ApplyFormat::Table)]
    pub output: ApplyFormat,
    /// Allow switching an existing vault from access policies to RBAC.
    #[arg(long)]
    pub allow_permission_model_switch: bool,
    /// Send the plan's weaker value for these protective fields (repeat, or separate with
    /// commas). Without it a plan value weaker than live — a log category or the metrics dropped
    /// from the diagnostic setting, an alert disabled or its threshold moved to fire later, an
    /// IP or virtual network rule added, public access enabled, the firewall's default action or
    /// bypass opened, RBAC off — is kept at the live value and not sent. Names:
    /// publicNetworkAccess, networkAcls.defaultAction, networkAcls.bypass, networkAcls.ipRules,
    /// networkAcls.virtualNetworkRules, enableRbacAuthorization, diagnostics.logs,
    /// diagnostics.metrics, alerts.enabled, alerts.threshold. Purge protection, soft delete and
    /// the soft-delete retention are never sent weaker.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub allow_weaken: Vec<String>,
    /// Keep role assignments kvinit created (their UUID v5 name proves it) that the plan no
    /// longer asks for, instead of revoking them.
    #[arg(long)]
    pub keep_revoked_grants: bool,
    /// How long a role assignment answered `PrincipalNotFound` (Microsoft Entra has not
    /// replicated a principal created minutes ago) is retried, in seconds, with a progress line
    /// saying why; 0 fails at once.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub principal_wait: u64,
    /// Refuse (exit 4, before any ARM call) when a planned vault fails a compliance rule at or
    /// above this severity. Not with a saved CHANGESET (gate its `plan --out` instead).
    #[arg(
        long,
        value_enum,
        value_name = "SEVERITY",
        conflicts_with = "changeset"
    )]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `kvinit audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Subscriptions to list vaults in (repeatable). Without it, the plan's vaults are audited.
    #[arg(long = "subscription", value_name = "ID")]
    pub subscriptions: Vec<String>,
    /// The plan file whose vaults (and rules) are audited [default: kvinit.yaml, unless
    /// --subscription is given].
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Most vaults (cells of apps × environments × regions, after `exclude`) the plan may
    /// expand to; a larger plan is refused (exit 2) before its matrix is built.
    #[arg(long, value_name = "N", default_value_t = crate::plan_file::DEFAULT_MAX_CELLS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_cells: usize,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = AuditFormat::Table)]
    pub output: AuditFormat,
    /// Exit 4 when any finding is at or above this severity (without it, findings alone
    /// never change the exit code).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub target: TargetArgs,
}

impl AuditArgs {
    /// The plan file to audit: `-f FILE`, else `kvinit.yaml` (as `plan` and `apply`) unless
    /// subscriptions are named; `None` when only subscriptions are audited.
    pub fn plan_file(&self) -> Option<PathBuf> {
        match &self.file {
            Some(file) => Some(file.clone()),
            None if self.subscriptions.is_empty() => Some(PathBuf::from(DEFAULT_PLAN_FILE)),
            None => None,
        }
    }
}

/// The plan file `init` writes and `plan`, `apply` and `audit` read when `-f` is not given.
pub const DEFAULT_PLAN_FILE: &str = "kvinit.yaml";

/// Output formats for `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// The rule list as a table; one rule's page as Markdown text.
    Table,
    /// The rules (or the one rule) as JSON: `id`, `severity`, `title`, `checkedBy`,
    /// `bestPractice`, `source`, `checks`, `compliant`, `fix`, `page`.
    Json,
    /// The same value as `json`, as YAML.
    Yaml,
}

/// `kvinit rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// A rule ID (e.g. `KV-FW`; any case, `KV-` optional): print that rule's page. Without it,
    /// list every rule with its severity, title and best-practice source.
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = RulesFormat::Table)]
    pub output: RulesFormat,
}

/// `kvinit completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `kvinit man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Print the page of this command (`kvinit-COMMAND(1)`, e.g. `plan`) instead of kvinit(1).
    #[arg(value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Option<String>,
    /// Write kvinit.1 and one kvinit-COMMAND.1 per command into DIR (created if missing)
    /// instead of printing.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `kvinit emulator`.
#[cfg(feature = "emulator")]
#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on, HOST:PORT on loopback (127.0.0.0/8 or ::1; port 0 picks a free one).
    ///
    /// The printed base URL is both the ARM endpoint (`--arm-endpoint`) and the authority host
    /// (`--authority-host` / AZURE_AUTHORITY_HOST) to give kvinit. The emulator's dev-only
    /// credentials are client ID `00000000-0000-0000-0000-00000000e001` and the client secret
    /// given in README.md (section "The ARM emulator"); any tenant ID works.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// State file (JSON), loaded at start and saved before each write is answered (one save
    /// covers every write that came in meanwhile).
    ///
    /// Shape: `{"resources": {<lower-cased ARM resource ID>: <body GET returns>}, "deletedVaults":
    /// {...}}`. Writes go to a temp file that is renamed over the state file, so a killed
    /// emulator never leaves a torn file. Without --state, state lives in memory only.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Fault profile (YAML): throttling, transient errors, conflicts, lag, provisioning time.
    ///
    /// Every field is optional; an absent field means "no fault". Unknown fields are errors.
    ///   seed                 u64, default 0. Seeds every random decision: the same seed and the
    ///                        same requests give the same faults.
    ///   latencyMs            milliseconds added to every ARM request, default 0.
    ///   writeBurst           requests; size of the per-subscription write token bucket
    ///                        (PUT/PATCH/DELETE/POST), default 0 = unlimited. ARM: 200.
    ///   writeRefillPerSec    write tokens refilled per second, default 0 (required > 0 when
    ///                        writeBurst is set). ARM: 10.
    ///   readBurst            requests; per-subscription read bucket (GET/HEAD), default 0 =
    ///                        unlimited. ARM: 250.
    ///   readRefillPerSec     read tokens refilled per second, default 0. ARM: 25.
    ///                        An empty bucket answers 429 SubscriptionRequestsThrottled with
    ///                        Retry-After (seconds); every answer carries
    ///                        x-ms-ratelimit-remaining-subscription-writes / -reads.
    ///   throttleRate         probability 0.0-1.0 that a request answers 429 anyway, default 0.
    ///   serverErrorRate      probability 0.0-1.0 of a 500 InternalServerError or 503
    ///                        ServiceUnavailable, default 0.
    ///   conflictRate         probability 0.0-1.0 that a write to a vault answers 409 Conflict
    ///                        (another write in flight), default 0; when > 0, a truly concurrent
    ///                        write to the same vault always answers 409.
    ///   readAfterWriteLagMs  milliseconds after a create during which GET (and lists) do not
    ///                        see the new resource (404), default 0.
    ///   provisioningMs       milliseconds a new vault stays in provisioningState RegisteringDns
    ///                        before Succeeded (a long-running operation), default 0.
    ///   now                  RFC 3339 instant the emulator's clock starts at (then it runs at
    ///                        real speed), e.g. 2027-03-01T00:00:00Z; default: the real time.
    ///                        Key Vault api-versions before 2026-02-01 answer with an
    ///                        azure-deprecating header until 2027-02-27T00:00:00Z and 400
    ///                        InvalidApiVersionParameter from then on. --now wins over it.
    ///
    /// Example: `seed: 7` / `throttleRate: 0.1` / `writeBurst: 200` / `writeRefillPerSec: 10`.
    #[arg(long, value_name = "FILE", verbatim_doc_comment)]
    pub faults: Option<PathBuf>,
    /// Start the emulator's clock at this instant (RFC 3339, e.g. 2027-03-01T00:00:00Z); it then
    /// runs at real speed.
    ///
    /// The clock decides api-version retirement (Key Vault versions before 2026-02-01 are refused
    /// from 2027-02-27T00:00:00Z on) and the timestamps the emulator writes. Default: real time
    /// (or the fault profile's `now`).
    #[arg(long, value_name = "INSTANT")]
    pub now: Option<String>,
}
