//! The real binary at its edges: a reader that goes away (EPIPE) on plan/apply/audit, bad
//! target input (exit 2 before anything starts, never touching a broken state file), two kvinit
//! processes on one emulator state file (the lock), a read-only run leaves no state file, and
//! `kvinit init --defaults` writing through symlinks but never over devices or directories.
#![cfg(all(unix, feature = "emulator"))]

use crate::support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::bin::{assert_exit, kvinit};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Runs `cmd` with stdout a pipe whose reader is already gone; (exit code, stderr).
fn with_closed_stdout(mut cmd: Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_goes_away_ends_printing_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("arm.json");

    let mut plan = kvinit();
    plan.args(["plan", "-f"]).arg(example("contoso.yaml"));
    let (code, err) = with_closed_stdout(plan);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // apply: the work is done, so the exit code reflects it even though nobody reads the report.
    let mut apply = kvinit();
    apply
        .args(["apply", "--yes", "-o", "json", "-f"])
        .arg(example("minimal.yaml"))
        .arg(format!("--emulator={}", state.display()));
    let (code, err) = with_closed_stdout(apply);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("kv-payments-dev-weu"), "the apply happened");

    // audit keeps its outcome too: the vault is compliant → 0; a missing one → 4.
    for (plan, expected) in [("minimal.yaml", 0), ("contoso.yaml", 4)] {
        let mut audit = kvinit();
        audit
            .args(["audit", "--fail-on", "low", "-f"])
            .arg(example(plan))
            .arg(format!("--emulator={}", state.display()));
        let (code, err) = with_closed_stdout(audit);
        assert_eq!(code, Some(expected), "{plan}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn bad_target_input_exits_2_and_never_touches_a_broken_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let plan = example("minimal.yaml");
    let run = |args: &[&str]| {
        let out = kvinit()
            .args(["plan", "-f"])
            .arg(&plan)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let (code, err) = run(&["--arm-endpoint", "not a url"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--arm-endpoint `not a url` is not an https URL"),
        "{err}"
    );

    // azure_core sends tokens over https only: plain http is refused before anything is sent,
    // naming the reason and the fix (it failed as "RequestFailed: the ARM request failed").
    for (flag, args) in [
        (
            "--arm-endpoint",
            vec!["--arm-endpoint", "http://127.0.0.1:1"],
        ),
        (
            "--authority-host",
            vec![
                "--arm-endpoint",
                "https://127.0.0.1:1",
                "--authority-host",
                "http://127.0.0.1:1",
            ],
        ),
    ] {
        let (code, err) = run(&args);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains(&format!("{flag} `http://127.0.0.1:1` is plain http")),
            "{err}"
        );
        assert!(err.contains("--ca-cert"), "{err}");
    }

    let (code, err) = run(&["--emulator", "--arm-endpoint", "https://127.0.0.1:1"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot be used with"), "{err}");

    for (name, text) in [
        ("corrupt.json", "this is not json"),
        ("truncated.json", "{\"resources\": {\"/subscriptions/x\": {"),
    ] {
        let state = dir.path().join(name);
        std::fs::write(&state, text).unwrap();
        let (code, err) = run(&[&format!("--emulator={}", state.display())]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(&state.display().to_string()), "{err}");
        assert!(err.contains("not an emulator state file"), "{err}");
        assert!(err.contains("hint:"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&state).unwrap(),
            text,
            "left untouched"
        );
    }

    let state_dir = dir.path().join("a-directory");
    std::fs::create_dir(&state_dir).unwrap();
    let (code, err) = run(&[&format!("--emulator={}", state_dir.display())]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&state_dir.display().to_string()), "{err}");

    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let impossible = file.join("state.json");
    let (code, err) = run(&[&format!("--emulator={}", impossible.display())]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot create its folder"), "{err}");
}

#[test]
fn a_second_kvinit_on_the_same_state_file_is_refused_with_the_holders_pid() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("arm.json");
    let mut server = kvinit()
        .args(["emulator", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    assert!(lines.any(|l| l.starts_with("Press Ctrl-C")));

    let out = kvinit()
        .args(["apply", "--yes", "-f"])
        .arg(example("minimal.yaml"))
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "state file {} is in use by another kvinit process (pid {})",
            state.display(),
            server.id()
        )),
        "{err}"
    );
    assert!(!state.exists(), "the refused run wrote nothing");

    // A second standalone emulator on the same file is refused the same way.
    let out = kvinit()
        .args(["emulator", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is in use by another kvinit process"));

    Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(server.wait().unwrap().code(), Some(0));

    // Once it is gone, the state file is free again.
    let out = kvinit()
        .args(["apply", "--yes", "-f"])
        .arg(example("minimal.yaml"))
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_exit(&out, 0);
}

/// A state file reached through a symlink is the file itself: its lock is the real file's (a
/// second kvinit through another path is refused), and a save keeps the link a link (the atomic
/// rename replaced the link with a regular file, and each path took a lock of its own, so two
/// applies ran at once on one state and split it).
#[test]
fn a_state_file_through_a_symlink_is_locked_and_saved_as_the_real_file() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("arm.json");
    let link = dir.path().join("link.json");
    let apply = |state: &Path| {
        kvinit()
            .args(["apply", "--yes", "-f"])
            .arg(example("minimal.yaml"))
            .arg(format!("--emulator={}", state.display()))
            .output()
            .unwrap()
    };
    assert_exit(&apply(&real), 0);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let before = std::fs::read(&real).unwrap();
    // A change (a tag) so the run through the link must save.
    let plan = dir.path().join("tagged.yaml");
    let text = std::fs::read_to_string(example("minimal.yaml")).unwrap();
    let tagged = text.replacen(
        "tags: { owner: platform }",
        "tags: { owner: platform, costCenter: cc-42 }",
        1,
    );
    assert_ne!(tagged, text);
    std::fs::write(&plan, tagged).unwrap();
    let out = kvinit()
        .args(["apply", "--yes", "-f"])
        .arg(&plan)
        .arg(format!("--emulator={}", link.display()))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_ne!(
        std::fs::read(&real).unwrap(),
        before,
        "the real file was saved"
    );

    // A standalone emulator holds the real file: a run through the link is refused.
    let mut server = kvinit()
        .args(["emulator", "--listen", "127.0.0.1:0", "--state"])
        .arg(&real)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    assert!(lines.any(|l| l.starts_with("Press Ctrl-C")));
    let out = apply(&link);
    let err = String::from_utf8_lossy(&out.stderr);
    Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    let _ = server.wait();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is in use by another kvinit process"), "{err}");
}

#[test]
fn read_only_runs_leave_no_state_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    // Not even the folder of the default `.kvinit/emulator.json` is made.
    let state = dir.path().join(".kvinit/emulator.json");
    let out = kvinit()
        .args(["audit", "-f"])
        .arg(example("minimal.yaml"))
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = kvinit()
        .args(["plan", "-f"])
        .arg(example("minimal.yaml"))
        .arg(format!("--emulator={}", state.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn init_defaults_writes_through_symlinks_and_refuses_non_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.yaml");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let out = kvinit()
        .args(["init", "--defaults", "--force", "-f"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("apiVersion: kvinit/v1")
    );

    for not_regular in [Path::new("/dev/full"), dir.path()] {
        let before = std::fs::metadata(not_regular).unwrap();
        let out = kvinit()
            .args(["init", "--defaults", "--force", "-f"])
            .arg(not_regular)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("kvinit writes plans only to regular files"),
            "{err}"
        );
        let after = std::fs::metadata(not_regular).unwrap();
        assert_eq!(before.file_type(), after.file_type());
    }
}

#[test]
fn init_without_a_terminal_names_the_file_it_was_given() {
    let out = kvinit()
        .args(["init", "-f", "other.yaml"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("`kvinit init --defaults -f other.yaml`")
            && err.contains("`kvinit plan -f other.yaml`"),
        "{err}"
    );
    assert!(!err.contains("kvinit.yaml"), "{err}");
}

/// True when `text` holds a control character other than the line break (ESC, CR, BEL, C1…).
fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c != '\n' && c.is_control())
}

#[test]
fn control_characters_from_arm_are_escaped_in_human_output() {
    // Issue 11 item 11: text ARM sends back (here a vault listed by the emulator whose name
    // carries ESC, CR and BEL, and ARM's error message that quotes it) reaches the terminal
    // escaped, never raw, so it cannot erase or rewrite kvinit's lines.
    let dir = tempfile::tempdir().unwrap();
    let sub = "0a1b2c3d-4e5f-4a6b-8c7d-0000000000b1";
    let name = "kv-evil\u{1b}[2K\rkv-fine: compliant\u{7}";
    let rg = format!("/subscriptions/{sub}/resourceGroups/rg");
    let id = format!("{rg}/providers/Microsoft.KeyVault/vaults/{name}");
    let state = serde_json::json!({"resources": {
        rg.to_lowercase(): {"id": rg, "name": "rg", "type": "Microsoft.Resources/resourceGroups",
            "location": "westeurope", "properties": {"provisioningState": "Succeeded"}},
        id.to_lowercase(): {"id": id, "name": name, "type": "Microsoft.KeyVault/vaults",
            "location": "westeurope", "properties": {
                "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "sku": {"family": "A", "name": "standard"}, "enableRbacAuthorization": true,
                "enableSoftDelete": true, "softDeleteRetentionInDays": 90,
                "enablePurgeProtection": true, "publicNetworkAccess": "Enabled",
                "networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices",
                    "ipRules": [], "virtualNetworkRules": []},
                "vaultUri": "https://kv-evil.vault.azure.net/", "provisioningState": "Succeeded"}}
    }});
    let path = dir.path().join("state.json");
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    let out = kvinit()
        .args(["audit", "--subscription", sub])
        .arg(format!("--emulator={}", path.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("kv-evil") || stderr.contains("kv-evil"),
        "the vault is reported: {stdout}{stderr}"
    );
    assert!(
        !has_raw_control(&stdout),
        "raw control in stdout: {stdout:?}"
    );
    assert!(
        !has_raw_control(&stderr),
        "raw control in stderr: {stderr:?}"
    );
    assert!(
        stdout.contains("kv-evil\\u{1b}[2K") || stderr.contains("kv-evil\\u{1b}[2K"),
        "{stdout}{stderr}"
    );
}

#[test]
fn control_characters_in_a_plan_path_are_escaped_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = kvinit()
        .current_dir(dir.path())
        .args(["plan", "-f", "plan\u{1b}[1A\r\u{7}.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!has_raw_control(&stderr), "{stderr:?}");
    assert!(stderr.contains("plan\\u{1b}[1A\\r\\u{7}.yaml"), "{stderr}");
}

/// A copy of `examples/minimal.yaml` in `dir`.
fn minimal_plan_in(dir: &Path) -> PathBuf {
    let plan = dir.join("plan.yaml");
    std::fs::copy(example("minimal.yaml"), &plan).unwrap();
    plan
}

#[test]
fn plan_out_never_overwrites_silently_nor_writes_the_plan_or_through_a_symlink() {
    // Issue 11 item 12: every refusal exits 2 before live state is read (the emulator's state
    // file is never created: no request was served) and leaves every file as it was.
    let dir = tempfile::tempdir().unwrap();
    let plan = minimal_plan_in(dir.path());
    let plan_text = std::fs::read(&plan).unwrap();
    let state = dir.path().join("arm.json");
    let existing = dir.path().join("cs.json");
    std::fs::write(&existing, "keep me\n").unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "victim\n").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("victim.txt", &link).unwrap();
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink("nowhere/cs.json", &dangling).unwrap();
    let plan_link = dir.path().join("plan-link.json");
    std::os::unix::fs::symlink("plan.yaml", &plan_link).unwrap();
    let cases: [(&Path, bool, &str); 7] = [
        (
            &existing,
            false,
            "already exists; kvinit does not overwrite it",
        ),
        (&plan, false, "is the input file"),
        (&plan, true, "is the input file"),
        (&plan_link, true, "is the input file"),
        (
            &link,
            false,
            "kvinit does not write through a symlink without --force",
        ),
        (
            &dangling,
            true,
            "which does not exist; kvinit does not create files",
        ),
        (
            &dir.path().join("missing/dir/cs.json"),
            true,
            "does not exist; kvinit does not create directories",
        ),
    ];
    for (out, force, want) in cases {
        let mut cmd = kvinit();
        cmd.args(["plan", "-f"])
            .arg(&plan)
            .arg(format!("--emulator={}", state.display()))
            .arg("--out")
            .arg(out);
        if force {
            cmd.arg("--force");
        }
        let res = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{}: {err}", out.display());
        assert!(err.contains(want), "{}: {err}", out.display());
        assert!(!state.exists(), "{}: live state was read", out.display());
    }
    assert_eq!(std::fs::read(&plan).unwrap(), plan_text);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me\n");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim\n");
    assert!(!dir.path().join("nowhere").exists());
    assert!(!dir.path().join("missing").exists());

    // With --force an existing file is replaced atomically (no temporary file left over).
    let res = kvinit()
        .args(["plan", "-f"])
        .arg(&plan)
        .arg(format!("--emulator={}", state.display()))
        .arg("--out")
        .arg(&existing)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let saved = std::fs::read_to_string(&existing).unwrap();
    assert!(saved.trim_start().starts_with('{'), "{saved}");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn init_never_follows_a_dangling_symlink_nor_creates_directories() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("kvinit.yaml");
    std::os::unix::fs::symlink("made/by/link/plan.yaml", &dangling).unwrap();
    let out = kvinit()
        .args(["init", "--defaults", "--force", "-f"])
        .arg(&dangling)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("does not exist; kvinit does not create files through symlinks"),
        "{err}"
    );
    assert!(!dir.path().join("made").exists());

    let nested = dir.path().join("new/dir/kvinit.yaml");
    let out = kvinit()
        .args(["init", "--defaults", "-f"])
        .arg(&nested)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("kvinit does not create directories"), "{err}");
    assert!(!dir.path().join("new").exists());

    // A symlink to an existing file is refused without --force (never written silently).
    let real = dir.path().join("real.yaml");
    std::fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let out = kvinit()
        .args(["init", "--defaults", "-f"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "old\n");
}
