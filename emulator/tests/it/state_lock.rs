//! The state file's lock and "persist only when changed": one writing emulator per state file
//! (a second gets `StateInUse` with the holder's pid), read-only emulators share it, and an
//! emulator that served no write leaves no file behind.
use crate::common;

use common::*;
use kvinit_emulator::{EmulatorConfig, EmulatorError};

fn config(path: &std::path::Path, read_only: bool) -> EmulatorConfig {
    EmulatorConfig {
        state_path: Some(path.to_path_buf()),
        read_only,
        ..EmulatorConfig::default()
    }
}

#[tokio::test]
async fn a_second_emulator_on_the_same_state_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let first = kvinit_emulator::start(config(&path, false)).await.unwrap();
    let c = Client::new(&first).await;
    make_rg(&c, SUB, "rg-one").await;

    for read_only in [false, true] {
        let err = kvinit_emulator::start(config(&path, read_only))
            .await
            .unwrap_err();
        match &err {
            EmulatorError::StateInUse { path: p, pid } => {
                assert_eq!(p, &path);
                assert_eq!(*pid, Some(std::process::id()));
            }
            other => panic!("expected StateInUse, got {other:?}"),
        }
        assert!(
            err.to_string().contains(&format!(
                "state file {} is in use by another kvinit process (pid {})",
                path.display(),
                std::process::id()
            )),
            "{err}"
        );
    }
    first.shutdown().await.unwrap();

    // Free again once the first one stopped; its work is there.
    let again = kvinit_emulator::start(config(&path, false)).await.unwrap();
    let c = Client::new(&again).await;
    assert_eq!(
        c.get(&format!(
            "{}?api-version=2021-04-01",
            rg_path(SUB, "rg-one")
        ))
        .await
        .status,
        200
    );
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn read_only_emulators_share_the_file_and_never_write_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let a = kvinit_emulator::start(config(&path, true)).await.unwrap();
    let b = kvinit_emulator::start(config(&path, true)).await.unwrap();
    // A writer must wait for the readers.
    assert!(matches!(
        kvinit_emulator::start(config(&path, false)).await,
        Err(EmulatorError::StateInUse { .. })
    ));
    let c = Client::new(&a).await;
    make_rg(&c, SUB, "rg-memory-only").await;
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn an_emulator_that_served_no_write_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/state.json");
    let emu = kvinit_emulator::start(config(&path, false)).await.unwrap();
    let c = Client::new(&emu).await;
    assert_eq!(
        c.get(&format!(
            "{}?api-version=2021-04-01",
            rg_path(SUB, "rg-none")
        ))
        .await
        .status,
        404
    );
    emu.shutdown().await.unwrap();
    assert!(!path.exists());
}
