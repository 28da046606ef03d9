//! `kvinit completions SHELL` and `kvinit man`: both generated from the clap definitions in
//! src/cli.rs. The bash script is sourced by a real bash and asked to complete real command
//! lines; the man pages are rendered by `man -l` and checked by `groff -ww -z` (no warnings) when
//! those are installed, and their roff structure is asserted in every case.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::bin::{assert_exit, kvinit};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];
const COMMANDS: [&str; 8] = [
    "init",
    "plan",
    "apply",
    "audit",
    "rules",
    "schema",
    "completions",
    "man",
];

fn stdout_of(args: &[&str]) -> String {
    let out = kvinit().args(args).output().unwrap();
    assert_exit(&out, 0);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn tool(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_shell_gets_a_script_naming_every_command_and_flag() {
    for shell in SHELLS {
        let script = stdout_of(&["completions", shell]);
        for command in COMMANDS {
            assert!(script.contains(command), "{shell}: {command}");
        }
        for word in ["output", "subscription", "emulator", "fail-on"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    let out = kvinit().args(["completions", "tcsh"]).output().unwrap();
    assert_exit(&out, 2);
}

/// Runs bash: sources the generated script (any error output fails), then completes `line`
/// (the word being completed is the last one) and prints the candidates, one per line.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword == 0 { "" } else { words[cword - 1] };
    let program = format!(
        "set -u; source '{}' || exit 9; COMP_WORDS=({}); COMP_CWORD={cword}; \
         COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; _kvinit kvinit '{}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.join(" "),
        words[cword],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_bash_script_sources_cleanly_and_completes_commands_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("kvinit.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).unwrap();
    // `kvinit completions bash > f && bash -c 'source f'`, as the issue asks.
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!(
            "source '{}' && complete -p kvinit",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("-F _kvinit kvinit"),
        "the script registers _kvinit for kvinit"
    );

    assert_eq!(bash_complete(&script, &["kvinit", "pl"]), ["plan"]);
    assert_eq!(
        bash_complete(&script, &["kvinit", "audit", "-o", ""]),
        ["table", "json", "yaml", "sarif"]
    );
    assert_eq!(
        bash_complete(&script, &["kvinit", "apply", "--output", ""]),
        ["table", "json", "yaml"]
    );
    let shells = bash_complete(&script, &["kvinit", "completions", ""]);
    for shell in SHELLS {
        assert!(shells.iter().any(|s| s == shell), "{shells:?}");
    }
    let flags = bash_complete(&script, &["kvinit", "audit", "--"]);
    for flag in ["--subscription", "--file", "--fail-on", "--emulator"] {
        assert!(flags.iter().any(|f| f == flag), "{flag} in {flags:?}");
    }
}

/// Structure every page has, whatever renders it.
fn assert_roff_structure(roff: &str, title: &str) {
    assert!(
        roff.lines()
            .any(|l| l.starts_with(&format!(".TH {title} 1 ")) && l.contains("kvinit 0.")),
        "{title}: .TH line\n{roff}"
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS"] {
        assert!(roff.contains(section), "{title}: {section}");
    }
}

/// `man -l FILE` renders the page (plain text, no pager); `None` when `man` is not installed.
fn man_l(page: &Path) -> Option<String> {
    if !tool("man") {
        return None;
    }
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "man -l: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

/// `groff -k -man -ww -z` reports every warning of the page (and renders nothing); `None` when
/// groff is not installed.
fn groff_warnings(page: &Path) -> Option<String> {
    if !tool("groff") {
        return None;
    }
    let out = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .unwrap();
    assert!(out.status.success());
    Some(String::from_utf8(out.stderr).unwrap())
}

#[test]
fn kvinit_man_prints_a_page_that_renders_and_points_at_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("kvinit.1");
    let roff = stdout_of(&["man"]);
    std::fs::write(&page, &roff).unwrap();
    assert_roff_structure(&roff, "kvinit");
    assert!(roff.contains(".SH SUBCOMMANDS"));
    for command in COMMANDS {
        assert!(
            roff.contains(&format!("kvinit\\-{}(1)", command.replace('-', "\\-"))),
            "{command}"
        );
    }
    match man_l(&page) {
        Some(text) => {
            for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "SUBCOMMANDS"] {
                assert!(text.lines().any(|l| l == heading), "{heading} in\n{text}");
            }
            assert!(text.contains("kvinit-plan(1)"), "{text}");
            assert!(text.contains("compliant from their first minute"), "{text}");
        }
        None => eprintln!("note: `man` is not installed; checked the roff structure only"),
    }
    match groff_warnings(&page) {
        Some(warnings) => assert!(warnings.is_empty(), "groff: {warnings}"),
        None => eprintln!("note: `groff` is not installed; checked the roff structure only"),
    }
}

#[test]
fn each_command_has_its_page_and_man_dir_writes_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let man1 = dir.path().join("share/man/man1");
    let out = stdout_of(&["man", "--dir", man1.to_str().unwrap()]);
    assert!(out.starts_with("Wrote 10 man pages to "), "{out}");
    for command in COMMANDS {
        let title = format!("kvinit-{command}");
        let page = man1.join(format!("{title}.1"));
        let roff = std::fs::read_to_string(&page).unwrap();
        assert_eq!(roff, stdout_of(&["man", command]), "{title}");
        assert_roff_structure(&roff, &title);
        if let Some(text) = man_l(&page) {
            let header = text.lines().next().unwrap_or_default();
            assert!(
                header.starts_with(&format!("{title}(1)")),
                "{title}:\n{text}"
            );
            assert!(text.lines().any(|l| l == "OPTIONS"), "{title}:\n{text}");
        }
        if let Some(warnings) = groff_warnings(&page) {
            assert!(warnings.is_empty(), "{title}: {warnings}");
        }
    }
    assert!(man1.join("kvinit.1").is_file());
    assert!(man1.join("kvinit-emulator.1").is_file());
    // The plan page documents its flags and their values.
    let plan = stdout_of(&["man", "plan"]);
    for flag in ["\\-\\-detailed\\-exitcode", "\\-\\-fail\\-on", "yaml"] {
        assert!(plan.contains(flag), "{flag}");
    }

    let out = kvinit().args(["man", "plna"]).output().unwrap();
    assert_exit(&out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kvinit has no command `plna`"), "{stderr}");
    assert!(stderr.contains("plan, apply"), "{stderr}");
    assert!(out.stdout.is_empty());
}
