//! Diff of desired × live state → change set. Pure: no I/O, no tokio, no `azure_*`.
//!
//! [`live::LiveState`] is what the Azure adapter observed (lower-cased ARM resource ID → the body
//! GET returned); [`diff::diff_state`] compares it with the desired state and yields a
//! [`set::ChangeSet`] that `plan` renders and `apply` executes.

pub mod compare;
pub mod diff;
pub mod findings;
pub mod fingerprint;
pub mod guard;
pub mod live;
pub mod merge;
pub mod name_check;
pub mod saved;
pub mod set;

pub use diff::{diff_resource, diff_state};
pub use live::{LiveState, ReadError};
pub use name_check::NameCheck;
pub use set::{Action, ChangeSet, FieldChange, Outcome, ResourceChange, VaultChanges};
