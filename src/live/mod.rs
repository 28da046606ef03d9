//! The one read phase shared by `plan` (live), `apply` and the saved change set's staleness
//! check: read live state for a desired state and diff it ([`read::read_changes`]), check the
//! names of vaults to be created ([`names::check_names`]), the subnets the plan references
//! ([`subnets::check_subnets`], called by `read_changes`), and the tenant a run's token is for
//! ([`tenant::tenant_of`]). It reads through the Azure adapter (`azure::observe`, `azure::names`)
//! and never writes; `apply` (the executor) and `commands` sit above it.

pub mod names;
pub mod read;
pub mod subnets;
pub mod tenant;

pub use names::check_names;
pub use read::read_changes;
pub use subnets::check_subnets;
pub use tenant::tenant_of;
