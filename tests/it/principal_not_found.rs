//! Issue 11, item 8: a role assignment answered `PrincipalNotFound` (Microsoft Entra has not
//! replicated a principal created minutes ago) is retried with backoff for a bounded window
//! (`--principal-wait`, default 5 minutes) with a progress line saying why, instead of failing
//! the vault at once; with `--principal-wait 0` it fails at once. Over real HTTP against the
//! embedded emulator with its `principalUnknownMs` fault.

use crate::support;

use support::drift::*;

#[test]
fn principal_not_found_is_retried_with_a_progress_line_within_the_bound() {
    let d = Drift::new(&plan_yaml("", ""));
    std::fs::write(
        d.dir.path().join("entra.yaml"),
        "principalUnknownMs: 3000\n",
    )
    .unwrap();
    let out = d.kvinit(&[
        "apply",
        "-f",
        "kvinit.yaml",
        "--yes",
        "-o",
        "json",
        "--emulator-faults=entra.yaml",
    ]);
    let report = json_of(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{report:#}\n{err}");
    assert_eq!(report["vaults"][0]["status"], "created", "{report:#}");
    assert!(
        err.contains(&format!(
            "{VAULT}: PrincipalNotFound: Microsoft Entra ID does not know the principal yet"
        )),
        "{err}"
    );
    assert!(err.contains("s left of --principal-wait)"), "{err}");
}

#[test]
fn with_no_wait_principal_not_found_fails_the_vault_at_once() {
    let d = Drift::new(&plan_yaml("", ""));
    std::fs::write(
        d.dir.path().join("entra.yaml"),
        "principalUnknownMs: 60000\n",
    )
    .unwrap();
    let out = d.kvinit(&[
        "apply",
        "-f",
        "kvinit.yaml",
        "--yes",
        "-o",
        "json",
        "--principal-wait",
        "0",
        "--emulator-faults=entra.yaml",
    ]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(
        report["vaults"][0]["error"]["code"], "PrincipalNotFound",
        "{report:#}"
    );
}
