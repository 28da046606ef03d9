//! The domain model: checked names, regions and roles tables, layering, matrix expansion,
//! settings and cell tags. Pure: no I/O. The desired ARM resources are built per type in
//! `crate::resources`; [`desired`] re-exports them under their stable path.
//!
//! Entry points other modules use:
//! - `kvinit::plan_file::parse(path: &Path, text: &str) -> Result<model::Plan, plan_file::Diagnostics>`
//!   (pure: the caller reads the file; `Diagnostics: Display` renders every problem).
//! - [`desired::desired_state`]`(plan: &Plan) -> DesiredState` — every vault with its ARM
//!   resources (dependency order); each request body is a [`body::Body`] (compact JSON text;
//!   `to_value()` parses it). The compliance results come from
//!   `rules::desired_state_with_compliance(plan) -> (DesiredState, Compliance)`.
//! - Field validators for the wizard (same rules as `parse`), each `Result<_, names::Invalid>`
//!   with `message` and optional `hint`:
//!   [`names::check_label`]`(what, name)` (app/env names), [`names::check_vault_name`],
//!   [`names::VaultName::parse`], [`names::check_resource_group_name`],
//!   [`names::parse_guid`]`(what, value) -> Uuid`, [`names::parse_ip_rule`]` -> String` (bare
//!   IPv4 → `/32`), [`names::check_subnet_id`], [`names::check_workspace_id`],
//!   [`names::check_action_group_short_name`], [`names::check_email`];
//!   [`regions::parse`]`(name) -> &'static Region` (did-you-mean), [`regions::REGIONS`];
//!   [`roles::parse`]`(name_or_guid) -> Role`, [`roles::KEY_VAULT_ROLES`];
//!   [`naming::expand`]`(pattern, &Tokens) -> String`; enums in [`settings`] (`Sku::parse`, …).
//! - [`profile::builtin`]`()` — the compliance profile and its defaults
//!   (`templates/compliance-profile.yaml`).

pub mod body;
pub mod desired;
pub mod layering;
pub mod names;
pub mod naming;
pub mod plan;
pub mod profile;
pub mod regions;
pub mod roles;
pub mod settings;
pub mod tags;

pub use plan::{Cell, Plan, PlanEnvironment};
