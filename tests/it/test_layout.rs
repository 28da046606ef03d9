//! With `autotests = false`, a test file cargo does not know about is silently never run. This
//! guards both crates' layout: no `*.rs` directly under `tests/`, and every `tests/it/*.rs` is a
//! module `main.rs` declares.

use std::path::Path;

fn check(tests_dir: &Path) {
    let stray: Vec<String> = std::fs::read_dir(tests_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        stray.is_empty(),
        "test files outside tests/it/ never run (autotests = false); move them into tests/it/ and declare them in tests/it/main.rs: {stray:?}"
    );
    let it = tests_dir.join("it");
    let main = std::fs::read_to_string(it.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&it).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "rs") || stem == "main" {
            continue;
        }
        assert!(
            main.lines().any(|l| l.trim() == format!("mod {stem};")),
            "{} is not declared in {}: add `mod {stem};`",
            path.display(),
            it.join("main.rs").display()
        );
    }
}

#[test]
fn every_integration_test_file_is_compiled_and_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    check(&root.join("tests"));
    check(&root.join("emulator/tests"));
}
