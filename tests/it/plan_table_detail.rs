//! The offline plan's table of a large matrix (issue 14): more than 25 vaults print the matrix,
//! one line per vault with its rule results, and the compliance summary per rule; every ARM
//! resource and setting only behind `--detail` (a 10,000-cell plan printed 58 MB to the
//! terminal). Small plans print the details anyway.

use std::path::Path;

use assert_cmd::Command;

use crate::support::plan_gen;

fn plan(args: &[&str], file: &Path) -> String {
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .arg("plan")
        .arg("-f")
        .arg(file)
        .args(args)
        .env_remove("KVINIT_ARM_ENDPOINT")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_hundred_vaults_print_one_line_each_and_the_details_only_with_detail() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.yaml");
    std::fs::write(&file, plan_gen::plan_yaml(plan_gen::Shape::offline(100))).unwrap();

    let short = plan(&[], &file);
    assert!(
        short.contains(
            "matrix: 10 apps × 5 environments × 2 regions = 100 vaults in 3 subscriptions"
        ),
        "{short}"
    );
    assert!(!short.contains("== vault"), "{short}");
    assert!(!short.contains("api-version"), "{short}");
    let vault_lines = short.lines().filter(|l| l.starts_with("kv-")).count();
    assert_eq!(vault_lines, 100, "{short}");
    // Every vault line carries its rule results, and the summary counts each rule once per vault.
    assert!(
        short
            .lines()
            .filter(|l| l.starts_with("kv-"))
            .all(|l| l.contains(" pass")),
        "{short}"
    );
    let summary = short
        .split("\ncompliance:\n")
        .nth(1)
        .expect("a compliance summary");
    let kv_fw = summary
        .lines()
        .find(|l| l.trim_start().starts_with("KV-FW "))
        .expect("KV-FW in the summary");
    let counts: Vec<usize> = kv_fw
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<usize>(), 100, "{kv_fw}");
    assert!(short.contains("`kvinit plan --detail`"), "{short}");

    let full = plan(&["--detail"], &file);
    assert_eq!(full.matches("\n== vault ").count(), 100);
    assert!(
        full.len() > 20 * short.len(),
        "{} vs {}",
        full.len(),
        short.len()
    );
}

#[test]
fn a_small_plan_prints_the_details_without_the_flag() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.yaml");
    let text = plan(&[], &file);
    assert_eq!(text.matches("\n== vault ").count(), 18);
    assert_eq!(text, plan(&["--detail"], &file));
}
