//! Terminal output: tables, diagnostics, progress bars (indicatif) and the dialoguer prompter.

pub mod apply_view;
pub mod change_view;
pub mod count;
pub mod deprecation_notices;
pub mod diagnostics;
pub mod output;
pub mod plan_view;
pub mod progress;
pub mod prompter;
