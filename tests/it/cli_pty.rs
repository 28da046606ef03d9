//! `kvinit apply` on a real pseudo-terminal: Ctrl-C at "Apply these changes?" exits 130 with the
//! cursor shown and nothing changed; a second Ctrl-C during apply exits 130 at once; with
//! `TERM=dumb` progress is plain lines without cursor movement.
#![cfg(all(unix, feature = "emulator"))]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const CTRL_C: &str = "\x03";

fn spawn_apply(dir: &Path, term: &str, extra: &[&str]) -> PtySession {
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/minimal.yaml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kvinit"));
    cmd.arg("apply")
        .arg("-f")
        .arg(plan)
        .arg(format!("--emulator={}", dir.join("arm.json").display()))
        .args(extra)
        .current_dir(dir)
        .env("TERM", term)
        .env("CLICOLOR", "0")
        .env_remove("KVINIT_ARM_ENDPOINT");
    spawn_command(cmd, Some(60_000)).expect("spawn kvinit apply in a pty")
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().expect("wait for kvinit") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("kvinit did not exit normally: {other:?}"),
    }
}

fn key(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

#[test]
fn ctrl_c_at_the_confirmation_exits_130_with_the_cursor_shown_and_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_apply(dir.path(), "xterm", &[]);
    p.exp_string("Apply these changes?").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    key(&mut p, CTRL_C);
    let before = p.exp_string("interrupted; nothing was changed").unwrap();
    assert!(
        before.contains("\x1b[?25h"),
        "cursor shown again: {before:?}"
    );
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(!dir.path().join("arm.json").exists(), "nothing was written");
}

#[test]
fn a_second_ctrl_c_during_apply_exits_130_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // Every ARM request takes 3 s, so the apply is still busy when the keys arrive.
    std::fs::write(dir.path().join("slow.yaml"), "latencyMs: 3000\n").unwrap();
    let mut p = spawn_apply(
        dir.path(),
        "dumb",
        &["--yes", "--emulator-faults=slow.yaml"],
    );
    p.exp_string("applying:").unwrap();
    key(&mut p, CTRL_C);
    p.exp_string("interrupted: no new request is sent").unwrap();
    let second = Instant::now();
    key(&mut p, CTRL_C);
    p.exp_string("interrupted again: exiting now").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(
        second.elapsed() < Duration::from_millis(2500),
        "did not wait for the request in flight: {:?}",
        second.elapsed()
    );
}

#[test]
fn term_dumb_gets_plain_progress_lines_without_cursor_movement() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_apply(dir.path(), "dumb", &["--yes"]);
    let all = p.exp_eof().unwrap();
    assert!(all.contains("applying: 1 vault, 1 with changes"), "{all:?}");
    assert!(all.contains("kv-payments-dev-weu: created"), "{all:?}");
    for code in ["\x1b[1A", "\x1b[2K", "\x1b[?25l", "\r\x1b["] {
        assert!(!all.contains(code), "cursor movement {code:?} in {all:?}");
    }
    assert_eq!(exit_code(&p), 0);
}
