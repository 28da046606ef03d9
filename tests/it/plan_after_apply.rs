//! For every example plan (examples/*.yaml): a live `plan` on a fresh emulator state shows
//! every resource as `create` and exits 3 with `--detailed-exitcode`; after `kvinit apply` on
//! the same state, `plan --detailed-exitcode` exits 0 with no changes. Real binary, embedded
//! emulator, real credential flow.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str], plan: &Path, state: &Path) -> (Value, i32) {
    let out = Command::cargo_bin("kvinit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("-f")
        .arg(plan)
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}

#[test]
fn every_example_plans_no_changes_after_apply() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut plans: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    assert!(plans.len() >= 2, "{plans:?}");
    for plan in plans {
        let name = plan.file_stem().unwrap().to_string_lossy().to_string();
        let state = dir.path().join(format!("{name}.json"));
        let detailed = ["plan", "--detailed-exitcode", "-o", "json"];
        let (before, code) = run(&detailed, &plan, &state);
        assert_eq!(code, 3, "{name}: everything to create");
        let resources = before["summary"]["resources"].as_u64().unwrap();
        assert!(resources > 0);
        assert_eq!(
            before["summary"]["create"], before["summary"]["pending"],
            "{name}"
        );
        for v in before["vaults"].as_array().unwrap() {
            assert_eq!(v["nameCheck"]["status"], "free", "{name}: {}", v["name"]);
        }
        let (report, code) = run(&["apply", "--yes", "-o", "json"], &plan, &state);
        assert_eq!(code, 0, "{name}: {report:#}");
        let (after, code) = run(&detailed, &plan, &state);
        assert_eq!(
            code, 0,
            "{name}: no changes after apply: {:#}",
            after["summary"]
        );
        assert_eq!(after["summary"]["pending"], 0, "{name}");
        assert_eq!(
            after["summary"]["noChange"], before["summary"]["create"],
            "{name}"
        );
        assert_eq!(
            after["requests"]["writes"], 0,
            "{name}: a plan writes nothing"
        );
        let vaults = after["vaults"].as_array().unwrap();
        for v in vaults {
            assert!(v.get("unmanaged").is_none(), "{name}: {}", v["name"]);
            for r in v["resources"].as_array().unwrap() {
                assert_eq!(r["action"], "noChange", "{name}: {r:#}");
            }
        }
        // Lists where ARM allows them: fewer reads than resources.
        let reads = after["requests"]["reads"].as_u64().unwrap();
        assert!(
            reads < resources,
            "{name}: {reads} reads for {resources} resources"
        );
        eprintln!(
            "{name}: {} vaults, {resources} resources, {reads} reads",
            vaults.len()
        );
    }
}
