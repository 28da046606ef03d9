//! The one read phase shared by `plan` (live), `apply` and the saved change set's staleness
//! check: read live state for a desired state and diff it ([`read::read_changes`]), check the
//! names of vaults to be created ([`names::check_names`]), and the tenant a run's token is for
//! ([`tenant::tenant_of`]). It reads through the Azure adapter (`azure::observe`, `azure::names`)
//! and never writes; `apply` (the executor) and `commands` sit above it.

pub mod names;
pub mod read;
pub mod tenant;

pub use names::check_names;
pub use read::read_changes;
pub use tenant::tenant_of;
