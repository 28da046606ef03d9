//! `kvinit init` in a real pseudo-terminal: keys typed into the real binary (text, arrow keys in
//! a select, fuzzy search in the region picker, Ctrl-C), then `kvinit plan -o json` on the file
//! it wrote, and "apply with the emulator" at the end.

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUB_DEV: &str = "11111111-2222-3333-4444-555555555555";
const SUB_PROD: &str = "66666666-7777-8888-9999-000000000000";
const PRINCIPAL: &str = "0b5d3c2a-1e4f-4a6b-9c8d-7e6f5a4b3c2d";
const WORKSPACE: &str = "/subscriptions/66666666-7777-8888-9999-000000000000/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-platform";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

/// `kvinit init` in `dir`, with no Azure credentials visible and no colours.
fn spawn_init(dir: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kvinit"));
    cmd.arg("init")
        .current_dir(dir)
        .env("HOME", dir)
        .env("CLICOLOR", "0")
        .env("TERM", "xterm");
    for var in [
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
        "AZURE_CONFIG_DIR",
    ] {
        cmd.env_remove(var);
    }
    spawn_command(cmd, Some(60_000)).expect("spawn kvinit init in a pty")
}

/// Sends keys without a newline (rexpect buffers `send` until flushed).
fn key(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().expect("wait for kvinit") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("kvinit did not exit normally: {other:?}"),
    }
}

/// Types the answers for 2 apps × 2 environments × 2 regions up to the "Apply it?" select.
fn answer_everything(p: &mut PtySession) {
    p.exp_string("tenant ID").unwrap();
    p.send_line(TENANT).unwrap();
    p.exp_string("Environments").unwrap();
    p.send_line("dev, prod").unwrap();
    p.exp_string("Subscription ID for `dev`").unwrap();
    p.send_line("not-a-subscription").unwrap();
    p.exp_string("is not a GUID").unwrap();
    p.exp_string("Subscription ID for `dev`").unwrap();
    p.send_line(SUB_DEV).unwrap();
    p.exp_string("Subscription ID for `prod`").unwrap();
    p.send_line(SUB_PROD).unwrap();

    // Fuzzy multi-select: type to search, Enter toggles the best match, Enter on "done" ends.
    p.exp_string("Azure regions").unwrap();
    key(p, "westeurope");
    p.exp_string("[ ] westeurope (West Europe, weu)").unwrap();
    key(p, ENTER);
    p.exp_string("done: westeurope").unwrap();
    key(p, "northeurope");
    p.exp_string("[ ] northeurope (North Europe, neu)").unwrap();
    key(p, ENTER);
    p.exp_string("done: westeurope, northeurope").unwrap();
    key(p, ENTER);

    p.exp_string("Application names").unwrap();
    p.send_line("payments, orders").unwrap();
    p.exp_string("More apps").unwrap();
    p.send_line("").unwrap();

    p.exp_string("kv-orders-prod-neu").unwrap(); // the live preview of the matrix
    p.exp_string("Use these names").unwrap();
    key(p, ENTER);

    p.exp_string("SKU").unwrap();
    key(p, ENTER);
    p.exp_string("Soft-delete retention").unwrap();
    p.send_line("").unwrap();
    p.exp_string("cannot be turned off").unwrap();
    p.exp_string("Enable purge protection?").unwrap();
    key(p, "y");
    p.exp_string("Public network access").unwrap();
    key(p, ENTER);
    p.exp_string("Firewall default action").unwrap();
    key(p, ENTER);
    p.exp_string("Allowed public IPv4").unwrap();
    p.send_line("203.0.113.0/24").unwrap();
    p.exp_string("Subnet resource IDs").unwrap();
    p.send_line("").unwrap();

    p.exp_string("Add a role assignment?").unwrap();
    key(p, "y");
    // Changed my mind: an empty principal ID backs out to the question.
    p.exp_string("Principal object ID").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Add a role assignment?").unwrap();
    key(p, "y");
    p.exp_string("Principal object ID").unwrap();
    p.send_line(PRINCIPAL).unwrap();
    p.exp_string("Principal type").unwrap();
    key(p, DOWN); // Group → ServicePrincipal
    key(p, ENTER);
    p.exp_string("Built-in role").unwrap();
    key(p, ENTER); // Key Vault Secrets User
    p.exp_string("For").unwrap();
    key(p, ENTER); // every app
    p.exp_string("Add a role assignment?").unwrap();
    key(p, "n");

    p.exp_string("Log Analytics workspace").unwrap();
    p.send_line(WORKSPACE).unwrap();
    p.exp_string("Alert e-mail").unwrap();
    p.send_line("ops@example.com").unwrap();
    p.exp_string("Tags").unwrap();
    p.send_line("").unwrap();

    p.exp_string("Vault matrix (8 vaults)").unwrap();
    p.exp_string("Write this plan (8 vaults)?").unwrap();
    key(p, "y");
    p.exp_string("Write the plan to").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Wrote kvinit.yaml (8 vaults)").unwrap();
    p.exp_string("Run `kvinit plan`").unwrap();
    key(p, "n");
    p.exp_string("Apply it?").unwrap();
    p.exp_string("no Azure credentials found").unwrap();
}

fn planned_vaults(dir: &Path) -> Vec<(String, String, String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_kvinit"))
        .args(["plan", "-f", "kvinit.yaml", "-o", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kvinit plan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["vaults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            (
                s("name"),
                s("subscriptionId"),
                s("resourceGroup"),
                s("location"),
            )
        })
        .collect()
}

fn expected_vaults() -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for app in ["payments", "orders"] {
        for (env, sub) in [("dev", SUB_DEV), ("prod", SUB_PROD)] {
            for (loc, code) in [("westeurope", "weu"), ("northeurope", "neu")] {
                out.push((
                    format!("kv-{app}-{env}-{code}"),
                    sub.to_string(),
                    format!("rg-{app}-{env}-{code}"),
                    loc.to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn typing_a_two_by_two_by_two_plan_writes_exactly_those_eight_vaults() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_init(dir.path());
    answer_everything(&mut p);
    key(&mut p, DOWN); // "Not now"
    key(&mut p, ENTER);
    p.exp_string("kvinit apply -f kvinit.yaml").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);

    let yaml = std::fs::read_to_string(dir.path().join("kvinit.yaml")).unwrap();
    // The schema line first (editors complete and check the plan), then the plan's own header.
    let schema_line = kvinit::plan_file::json_schema::modeline();
    assert!(
        yaml.starts_with(&format!("{schema_line}\n# kvinit plan file")),
        "{yaml}"
    );
    assert!(
        yaml.contains("principalType: ServicePrincipal"),
        "the arrow key picked the second type:\n{yaml}"
    );
    assert_eq!(planned_vaults(dir.path()), expected_vaults());
}

#[test]
fn ctrl_c_in_the_region_picker_leaves_no_file_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_init(dir.path());
    p.exp_string("tenant ID").unwrap();
    p.send_line(TENANT).unwrap();
    p.exp_string("Environments").unwrap();
    p.send_line("dev").unwrap();
    p.exp_string("Subscription ID for `dev`").unwrap();
    p.send_line(SUB_DEV).unwrap();
    p.exp_string("Azure regions").unwrap();
    key(&mut p, "west");
    p.exp_string("westeurope").unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(rest.contains("interrupted: no plan file written"), "{rest}");
    // The select hid the cursor; it is shown again before exiting.
    assert!(rest.contains("\x1b[?25h"), "cursor not restored: {rest:?}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn esc_in_a_text_question_leaves_no_file_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_init(dir.path());
    p.exp_string("tenant ID").unwrap();
    p.send_line(TENANT).unwrap();
    p.exp_string("Environments").unwrap();
    key(&mut p, "\x1b");
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(rest.contains("interrupted: no plan file written"), "{rest}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn choosing_apply_with_the_emulator_creates_the_vaults() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_init(dir.path());
    answer_everything(&mut p);
    key(&mut p, ENTER); // "Apply with the emulator"
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);

    let state = std::fs::read_to_string(dir.path().join(".kvinit/emulator.json"))
        .expect("the emulator state file");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    let resources = state["resources"].as_object().unwrap();
    for (name, sub, rg, location) in expected_vaults() {
        let id = format!(
            "/subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.keyvault/vaults/{name}"
        );
        let vault = resources
            .get(&id)
            .unwrap_or_else(|| panic!("vault {id} not created"));
        assert_eq!(vault["location"], location.as_str());
        assert_eq!(vault["properties"]["enableRbacAuthorization"], true);
        assert_eq!(vault["properties"]["networkAcls"]["defaultAction"], "Deny");
    }
}

#[test]
fn without_a_terminal_init_refuses_and_points_to_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kvinit"))
        .arg("init")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kvinit init --defaults") && err.contains("kvinit plan -f"),
        "{err}"
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn defaults_writes_the_starter_plan_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kvinit"))
            .args(args)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["init", "--defaults"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("kvinit.yaml")).unwrap();
    // The schema line for editors, then the starter plan exactly.
    let starter = format!(
        "{}\n{}",
        kvinit::plan_file::json_schema::modeline(),
        kvinit::commands::init::STARTER_YAML
    );
    assert_eq!(written, starter);
    // The starter plan's IDs are placeholders: `kvinit plan` lists each one to replace, and
    // nothing else is wrong with it.
    let problems = kvinit::plan_file::parse(Path::new("kvinit.yaml"), &written)
        .expect_err("the starter plan's placeholders are reported");
    assert!(
        problems.iter().all(|d| d.message.contains("placeholder")),
        "{problems}"
    );

    std::fs::write(dir.path().join("kvinit.yaml"), "mine\n").unwrap();
    let out = run(&["init", "--defaults"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("kvinit.yaml")).unwrap(),
        "mine\n"
    );

    let out = run(&["init", "--defaults", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("kvinit.yaml")).unwrap(),
        starter
    );
}
