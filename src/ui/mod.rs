//! Terminal output: tables, progress bars (indicatif) and the dialoguer prompter.

pub mod apply_view;
pub mod change_view;
pub mod count;
pub mod deprecation_notices;
pub mod json_reindent;
pub mod output;
pub mod plan_view;
pub mod progress;
pub mod prompter;
pub mod rules_view;
pub mod structured;

/// The one escaping function for untrusted text in human output (see [`crate::terminal_text`]).
pub use crate::terminal_text::{escape, escape_block};
