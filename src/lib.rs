//! kvinit: create Azure Key Vaults that are compliant from their first minute.
//!
//! The crate is a pipeline (see ARCHITECTURE.md): plan file → validated plan → vault matrix →
//! desired state → (live state) → change set → apply. Everything up to the change set is pure
//! data computed without I/O; only [`azure`] talks to Azure and only [`apply`] changes anything.

pub mod apply;
pub mod audit;
pub mod azure;
pub mod change;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod live;
pub mod model;
pub mod plan_file;
pub mod resources;
pub mod rules;
pub mod safe_write;
pub mod terminal_text;
pub mod ui;
pub mod wizard;
