//! Zero requests for bad input: `kvinit apply` on every bad plan must exit 2 before it starts
//! the emulator, so the emulator's state file is never created (no request was served).
//! Depends on `apply` validating the plan first (issue 2 §5/§8).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[test]
fn apply_on_a_bad_plan_exits_2_and_never_touches_the_emulator() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_plans");
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    assert!(plans.len() >= 15);
    for plan in plans {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state.json");
        let out = Command::cargo_bin("kvinit")
            .unwrap()
            .arg("apply")
            .arg("-f")
            .arg(&plan)
            .arg(format!("--emulator={}", state.display()))
            .arg("--yes")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", plan.display());
        assert!(
            stderr.contains("nothing was sent to Azure"),
            "{}: {stderr}",
            plan.display()
        );
        assert!(
            !state.exists(),
            "{}: the emulator state file was created",
            plan.display()
        );
    }
}
