//! Issue 11 item 13: hostile sizes. 100,000 duplicate regions are found in linear time and
//! reported as at most 50 problems of that kind plus a count of the rest; a matrix larger than
//! `--max-cells` (default 50,000) is refused before it is expanded, with the numbers and the
//! flag to raise the limit. Both exit 2 and send nothing.

use std::time::{Duration, Instant};

use assert_cmd::Command;

const HEADER: &str = "apiVersion: kvinit/v1\ntenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\nenvironments:\n  - name: prod\n    subscriptionId: 2b4c6d8e-0f1a-4b3c-9d5e-7f8a9b0c1d2e\n";

fn plan(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn one_hundred_thousand_duplicate_regions_are_reported_fast_and_capped() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("{HEADER}apps:\n  - name: payments\nregions:\n");
    for _ in 0..100_000 {
        text.push_str("  - westeurope\n");
    }
    let p = plan(dir.path(), "dups.yaml", &text);
    let started = Instant::now();
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["plan", "-f"])
        .arg(&p)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        &err[..err.len().min(2000)]
    );
    // Quadratic detection took minutes (335 s measured in a debug build); linear takes about a
    // second there. The bound leaves room for a loaded CI machine.
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert_eq!(
        err.matches("is listed twice").count(),
        50,
        "at most 50 problems of one kind are listed"
    );
    assert!(
        err.contains(
            "note: 99949 more problems are not shown (at most 50 of each kind are listed)"
        ),
        "{}",
        &err[err.len().saturating_sub(800)..]
    );
    assert!(
        err.trim_end()
            .ends_with("dups.yaml; nothing was sent to Azure")
            && err.contains("error: 99999 problems in "),
        "{}",
        &err[err.len().saturating_sub(400)..]
    );
}

#[test]
fn a_matrix_over_max_cells_is_refused_before_it_is_expanded() {
    let dir = tempfile::tempdir().unwrap();
    // 300 apps × 1 environment × 3 regions = 900 cells.
    let mut text = format!(
        "{HEADER}regions: [westeurope, northeurope, swedencentral]\nnaming:\n  vault: \"kv-{{app}}-{{region}}\"\napps:\n"
    );
    for i in 0..300 {
        text.push_str(&format!("  - name: app{i}\n"));
    }
    let p = plan(dir.path(), "wide.yaml", &text);
    let state = dir.path().join("state.json");
    for cmd in [
        vec!["plan".to_string(), "--max-cells".into(), "899".into()],
        vec![
            "apply".into(),
            "--yes".into(),
            "--max-cells=899".into(),
            format!("--emulator={}", state.display()),
        ],
        vec![
            "audit".into(),
            "--max-cells".into(),
            "899".into(),
            format!("--emulator={}", state.display()),
        ],
    ] {
        let out = Command::cargo_bin("kvinit")
            .unwrap()
            .args(&cmd)
            .arg("-f")
            .arg(&p)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(
            err.contains("the matrix has more than 899 cells (300 apps × 1 environments × 3 regions = 900); kvinit refuses to expand it"),
            "{cmd:?}: {err}"
        );
        assert!(err.contains("--max-cells N"), "{err}");
        assert!(!state.exists(), "{cmd:?}: a request was served");
    }
    // At the limit it is accepted; `exclude` counts.
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["plan", "-o", "json", "--max-cells", "900", "-f"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let excluded = plan(
        dir.path(),
        "excluded.yaml",
        &format!("{text}exclude:\n  - region: swedencentral\n"),
    );
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["plan", "-o", "json", "--max-cells", "600", "-f"])
        .arg(&excluded)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_default_limit_is_50000_cells() {
    let dir = tempfile::tempdir().unwrap();
    // 50,001 cells: 1 app name list of 16,667 apps × 3 regions = 50,001.
    let mut text = format!(
        "{HEADER}regions: [westeurope, northeurope, swedencentral]\nnaming:\n  vault: \"kv-{{app}}-{{region}}\"\napps:\n"
    );
    for i in 0..16_667 {
        text.push_str(&format!("  - name: a{i}\n"));
    }
    let p = plan(dir.path(), "big.yaml", &text);
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .args(["plan", "-f"])
        .arg(&p)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("more than 50000 cells (16667 apps × 1 environments × 3 regions = 50001)"),
        "{err}"
    );
}
