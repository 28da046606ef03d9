//! `--help` of the shell and editor integration commands (rules, schema, completions, man),
//! snapshot-tested: the help is the documentation of these commands. Re-record with
//! `INSTA_UPDATE=always cargo test --test cli_help` (review the diff).

use crate::support;

use support::bin::{assert_exit, kvinit};

fn help(command: &str) -> String {
    let out = kvinit()
        .args([command, "--help"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_exit(&out, 0);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn rules_help() {
    insta::assert_snapshot!(help("rules"));
}

#[test]
fn schema_help() {
    insta::assert_snapshot!(help("schema"));
}

#[test]
fn completions_help() {
    insta::assert_snapshot!(help("completions"));
}

#[test]
fn man_help() {
    insta::assert_snapshot!(help("man"));
}
