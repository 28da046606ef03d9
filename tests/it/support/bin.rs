//! The real `kvinit` binary as a [`Command`] for tests: run from the crate root (so
//! `examples/…` paths resolve), with the environment variables that would redirect ARM removed.
//! It must not add arguments: each test says exactly what it runs.

use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

/// `kvinit` (the binary cargo built for this test run), current directory the crate root,
/// `KVINIT_ARM_ENDPOINT`, `KVINIT_AUTHORITY_HOST`, `KVINIT_CA_CERT` and `AZURE_TOKEN_CREDENTIALS` unset.
pub fn kvinit() -> Command {
    let mut cmd = Command::cargo_bin("kvinit").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("KVINIT_ARM_ENDPOINT")
        .env_remove("KVINIT_AUTHORITY_HOST")
        .env_remove("KVINIT_CA_CERT")
        .env_remove("AZURE_TOKEN_CREDENTIALS");
    cmd
}

/// Asserts that the finished `out` exited with `code`, showing its stderr when it did not.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
