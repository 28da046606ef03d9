//! Terminal output: tables, diagnostics, progress bars (indicatif) and the dialoguer prompter.
