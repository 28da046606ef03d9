//! The executor: walks each vault's resource graph with a concurrency cap, creating shared
//! resources once, and reports progress as events. It prints nothing.

pub mod executor;
pub mod interrupt;
pub mod report;
pub mod reporter;
pub mod vault_name;

pub use executor::{ApplyOptions, DEFAULT_CONCURRENCY, apply, execute, plan_changes};
pub use interrupt::Interrupt;
pub use report::{
    ApplyReport, ReportError, ResourceReport, ResourceStatus, Totals, VaultReport, VaultStatus,
};
pub use reporter::{ApplyEvent, RecordingReporter, Reporter, SilentReporter};
