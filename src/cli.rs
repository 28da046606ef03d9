//! Command-line surface: clap derive types and their help text only. No behaviour lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Create Azure Key Vaults that are compliant from their first minute.
///
/// kvinit expands a YAML plan (apps × environments × regions) into one Key Vault per cell and
/// gives every vault the same controls: RBAC, firewall with default-deny, VNet rules, soft
/// delete, purge protection, a diagnostic setting and alerts.
#[derive(Debug, Parser)]
#[command(name = "kvinit", version, about, long_about = None, propagate_version = true)]
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
    Plan(PlanArgs),
    /// Create or converge every vault of a plan. A second run changes nothing.
    Apply(ApplyArgs),
    /// Evaluate existing vaults against the compliance rules.
    Audit(AuditArgs),
    /// Run the ARM emulator as a standalone server (for tests and demos).
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
}

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
}

/// Output formats for `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    /// SARIF 2.1.0, one rule per rule ID, for code-scanning dashboards.
    Sarif,
}

/// Severity threshold for `audit --fail-on`.
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
          default_missing_value = ".kvinit/emulator.json")]
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
}

/// `kvinit init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Write the starter plan from templates/ without asking anything.
    #[arg(long)]
    pub defaults: bool,
    /// Where to write the plan file.
    #[arg(short = 'f', long = "file", value_name = "FILE", default_value = "kvinit.yaml")]
    pub file: PathBuf,
    /// Overwrite an existing file without asking (with --defaults).
    #[arg(long)]
    pub force: bool,
}

/// `kvinit plan`.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// The plan file.
    #[arg(short = 'f', long = "file", value_name = "FILE", default_value = "kvinit.yaml")]
    pub file: PathBuf,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = PlanFormat::Table)]
    pub output: PlanFormat,
    /// Exit 3 when changes are pending, 0 when there are none (errors stay 1 and 2).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the computed change set to FILE; `kvinit apply FILE` applies exactly it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Allow switching an existing vault from access policies to RBAC.
    #[arg(long)]
    pub allow_permission_model_switch: bool,
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
    #[arg(short = 'f', long = "file", value_name = "FILE", default_value = "kvinit.yaml")]
    pub file: PathBuf,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How many vaults are converged at once (1–64).
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ApplyFormat::Table)]
    pub output: ApplyFormat,
    /// Allow switching an existing vault from access policies to RBAC.
    #[arg(long)]
    pub allow_permission_model_switch: bool,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `kvinit audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Subscriptions to list vaults in (repeatable). Without it, the plan's vaults are audited.
    #[arg(long = "subscription", value_name = "ID")]
    pub subscriptions: Vec<String>,
    /// The plan file whose vaults (and rules) are audited.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = AuditFormat::Table)]
    pub output: AuditFormat,
    /// Exit 4 when any finding is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `kvinit emulator`.
#[cfg(feature = "emulator")]
#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on (loopback only is recommended).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// State file: JSON with `resources`, lower-cased ARM resource ID → body GET returns.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Fault profile (YAML). Fields: seed, latencyMs, writeBurst, writeRefillPerSec,
    /// readBurst, readRefillPerSec, throttleRate, serverErrorRate, conflictRate,
    /// readAfterWriteLagMs, provisioningMs.
    #[arg(long, value_name = "FILE")]
    pub faults: Option<PathBuf>,
}
