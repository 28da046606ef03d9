//! Shared by the integration tests, each of which includes it with `mod support;`: the real
//! `kvinit` binary ([`bin`]), a minimal ARM client for the emulator using the real token flow
//! ([`arm`]), and the drift scenarios' files and runs ([`drift`]). It holds no test cases.

#![allow(dead_code)]

pub mod arm;
pub mod bin;
pub mod drift;
/// The benchmarks' plan generator (`benches/scale/plan_gen.rs`): plans of any size for tests.
#[path = "../../../benches/scale/plan_gen.rs"]
pub mod plan_gen;
