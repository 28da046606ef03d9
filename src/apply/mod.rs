//! The executor: walks each vault's resource graph with a concurrency cap, creating shared
//! resources once, and reports progress as events. It prints nothing.

pub mod executor;

pub mod report;
pub mod reporter;
pub mod vault_name;

pub use crate::azure::interrupt::Interrupt;
pub use executor::{
    ApplyOptions, DEFAULT_CONCURRENCY, DEFAULT_PRINCIPAL_WAIT, apply, execute, plan_changes,
};
pub use report::{
    ApplyReport, ReportError, ResourceReport, ResourceStatus, Totals, VaultReport, VaultStatus,
};
pub use reporter::{ApplyEvent, RecordingReporter, Reporter, SilentReporter};
