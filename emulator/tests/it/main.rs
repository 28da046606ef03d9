//! The emulator's integration tests, in one binary (`autotests = false` in Cargo.toml): one
//! module per area, linked once. Shared helpers live in [`common`].

mod common;

mod alert_lists;
mod api_lifecycle;
mod auth;
mod diagnostic_log_mix;
mod faults;
mod kvinit_flow;
mod old_state;
mod persistence;
mod refusals;
mod resource_groups_list;
mod smoke;
mod spec_examples;
mod spec_examples_2026;
mod state_lock;
