//! The `kvinit init` flow driven through the prompt trait with scripted answers: the written
//! YAML (snapshot), answers that are rejected and re-asked with their reason, the naming
//! preview's warning and suggested pattern, Esc, and never overwriting a file without asking.

use std::collections::VecDeque;
use std::path::Path;

use kvinit::wizard::flow::{self, Context, Stop};
use kvinit::wizard::prompt::{Answer, Interrupted, Prompt};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUB_DEV: &str = "11111111-2222-3333-4444-555555555555";
const SUB_PROD: &str = "66666666-7777-8888-9999-000000000000";
const PRINCIPAL: &str = "0b5d3c2a-1e4f-4a6b-9c8d-7e6f5a4b3c2d";
const WORKSPACE: &str = "/subscriptions/66666666-7777-8888-9999-000000000000/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-platform";

/// One scripted answer.
enum Say {
    /// Type this text and press Enter.
    Text(&'static str),
    /// Press Enter (take the default).
    Enter,
    Yes,
    No,
    /// Pick the item that starts with this text.
    Pick(&'static str),
    /// Pick the items that start with these texts.
    PickMany(&'static [&'static str]),
    /// Press Esc.
    Esc,
}

/// A prompter that answers from a script and records everything it was shown.
struct Script {
    answers: VecDeque<Say>,
    log: Vec<String>,
}

impl Script {
    fn new(answers: Vec<Say>) -> Self {
        Script {
            answers: answers.into(),
            log: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> Say {
        self.log.push(format!("? {prompt}"));
        self.answers.pop_front().unwrap_or_else(|| {
            panic!(
                "script ran out at `{prompt}`; log:\n{}",
                self.log.join("\n")
            )
        })
    }

    fn rejections(&self) -> Vec<&str> {
        self.log
            .iter()
            .filter_map(|l| l.strip_prefix("rejected: "))
            .collect()
    }

    fn finished(&self) {
        assert!(
            self.answers.is_empty(),
            "{} scripted answers left unused",
            self.answers.len()
        );
    }
}

fn pick(items: &[String], prefix: &str, prompt: &str) -> usize {
    items
        .iter()
        .position(|i| i.starts_with(prefix))
        .unwrap_or_else(|| panic!("`{prompt}` offers no `{prefix}`: {items:?}"))
}

impl Prompt for Script {
    fn show(&mut self, text: &str) {
        self.log.push(text.to_string());
    }
    fn warn(&mut self, text: &str) {
        self.log.push(format!("warning: {text}"));
    }
    fn reject(&mut self, reason: &str) {
        self.log.push(format!("rejected: {reason}"));
    }
    fn text(&mut self, prompt: &str, default: Option<&str>) -> Answer<String> {
        match self.next(prompt) {
            Say::Text(t) => Ok(t.to_string()),
            Say::Enter => Ok(default.unwrap_or("").to_string()),
            Say::Esc => Err(Interrupted),
            _ => panic!("`{prompt}` wants text"),
        }
    }
    fn confirm(&mut self, prompt: &str, default: bool) -> Answer<bool> {
        match self.next(prompt) {
            Say::Yes => Ok(true),
            Say::No => Ok(false),
            Say::Enter => Ok(default),
            Say::Esc => Err(Interrupted),
            _ => panic!("`{prompt}` wants yes or no"),
        }
    }
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Answer<usize> {
        match self.next(prompt) {
            Say::Pick(p) => Ok(pick(items, p, prompt)),
            Say::Enter => Ok(default),
            Say::Esc => Err(Interrupted),
            _ => panic!("`{prompt}` wants one pick"),
        }
    }
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        chosen: &[usize],
    ) -> Answer<Vec<usize>> {
        match self.next(prompt) {
            Say::PickMany(ps) => Ok(ps.iter().map(|p| pick(items, p, prompt)).collect()),
            Say::Enter => Ok(chosen.to_vec()),
            Say::Esc => Err(Interrupted),
            _ => panic!("`{prompt}` wants picks"),
        }
    }
}

fn context() -> Context<'static> {
    Context {
        plan_path: Path::new("kvinit.yaml"),
        profile: kvinit::model::profile::builtin().defaults.clone(),
    }
}

use Say::*;

/// Where and what for 2 apps × 2 environments × 2 regions, with one wrong answer per question.
fn where_and_what() -> Vec<Say> {
    vec![
        Text("not-a-guid"),
        Text(TENANT),
        Text("dev, Prod"),
        Text("dev, prod"),
        Text("1234"),
        Text(SUB_DEV),
        Text(SUB_PROD),
        PickMany(&[]),
        PickMany(&["westeurope", "northeurope"]),
        Text("payments, payments"),
        Text("payments, orders"),
        Text("orders"),
        Enter,
    ]
}

/// Controls: one wrong answer for retention, IP rules and the workspace; one role assignment.
fn controls(scope: &'static str) -> Vec<Say> {
    vec![
        Enter,      // SKU: standard
        Text("5"),  // retention: rejected
        Text("90"), // retention
        Yes,        // purge protection
        Enter,      // public network access
        Enter,      // default action
        Text("10.0.0.0/8"),
        Text("203.0.113.7, 198.51.100.0/24"),
        Enter, // subnets: none
        Yes,   // add a role assignment
        Text(PRINCIPAL),
        Pick("ServicePrincipal"),
        Pick("Key Vault Secrets User"),
        Pick(scope),
        No, // no more
        Text("/subscriptions/nope"),
        Text(WORKSPACE),
        Text("ops@example"),
        Text("ops@example.com, oncall@example.com"),
        Text("owner=platform, costCenter=cc-42"),
    ]
}

#[test]
fn scripted_answers_write_a_plan_with_the_full_matrix() {
    let mut answers = where_and_what();
    answers.push(Pick("Use these names"));
    answers.extend(controls("app `payments`"));
    answers.push(Yes); // write it
    let mut script = Script::new(answers);
    let outcome = flow::run(&mut script, &context()).expect("the flow finishes");
    script.finished();

    insta::assert_snapshot!("two_by_two_by_two", outcome.yaml);

    let names: Vec<&str> = outcome
        .state
        .vaults
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "kv-payments-dev-weu",
            "kv-payments-dev-neu",
            "kv-payments-prod-weu",
            "kv-payments-prod-neu",
            "kv-orders-dev-weu",
            "kv-orders-dev-neu",
            "kv-orders-prod-weu",
            "kv-orders-prod-neu",
        ]
    );
    let review = script
        .log
        .iter()
        .find(|l| l.starts_with("Vault matrix (8 vaults)"))
        .expect("the review shows the matrix");
    let last_row: Vec<&str> = review.lines().last().unwrap().split_whitespace().collect();
    assert_eq!(
        last_row,
        [
            "kv-orders-prod-neu",
            SUB_PROD,
            "rg-orders-prod-neu",
            "northeurope"
        ],
        "{review}"
    );
    assert!(
        script
            .log
            .iter()
            .any(|l| l.starts_with("Compliance:") && l.contains("KV-PP"))
    );

    let rejected = script.rejections();
    let expect = [
        "tenant ID `not-a-guid` is not a GUID",
        "environment name `Prod` may contain only lower-case letters, digits and hyphens",
        "subscription ID `1234` is not a GUID",
        "choose at least one region",
        "`payments` is listed twice",
        "`orders` is already in the list",
        "7",
        "IP rule `10.0.0.0/8` is a private or reserved range",
        "workspace ID `/subscriptions/nope` is not a valid ARM resource ID",
        "e-mail address `ops@example` is not valid",
    ];
    assert_eq!(rejected.len(), expect.len(), "{rejected:#?}");
    for (got, want) in rejected.iter().zip(expect) {
        assert!(got.contains(want), "rejection `{got}` should say `{want}`");
    }
    // The parsed plan and the written text agree: the same code as `kvinit plan`.
    let reparsed =
        kvinit::plan_file::parse(Path::new("kvinit.yaml"), &outcome.yaml).expect("the YAML parses");
    assert_eq!(reparsed.cells.len(), 8);
}

#[test]
fn a_vault_name_over_24_characters_is_warned_about_and_a_fitting_pattern_offered() {
    let mut answers = vec![
        Text(TENANT),
        Text("production"),
        Text(SUB_PROD),
        PickMany(&["southeastasia"]),
        Text("identityplatform"),
        Enter,
        Pick("Use `"), // the suggested pattern
        Pick("Use these names"),
    ];
    answers.extend(controls("every app"));
    answers.push(Yes);
    let mut script = Script::new(answers);
    let outcome = flow::run(&mut script, &context()).expect("the flow finishes");
    script.finished();

    let warning = script
        .log
        .iter()
        .find(|l| l.starts_with("warning: naming.vault"))
        .expect("a warning names the field");
    assert!(
        warning.contains("kv-identityplatform-production-sea"),
        "{warning}"
    );
    assert!(warning.contains("Key Vault allows 3–24"), "{warning}");
    let suggested = script
        .log
        .iter()
        .find_map(|l| l.strip_prefix("A vault pattern that fits every cell: "))
        .expect("a pattern is suggested");
    assert!(
        outcome.yaml.contains(&format!("vault: {suggested}")),
        "{}",
        outcome.yaml
    );
    let vault = &outcome.state.vaults[0].name;
    assert!(vault.len() <= 24 && vault.starts_with("kv-"), "{vault}");
}

#[test]
fn esc_stops_the_flow_without_an_outcome() {
    let mut script = Script::new(vec![Text(TENANT), Text("dev"), Esc]);
    let result = flow::run(&mut script, &context());
    assert_eq!(result.err(), Some(Stop::Interrupted));
    script.finished();
}

#[test]
fn declining_at_the_review_writes_nothing() {
    let mut answers = vec![
        Text(TENANT),
        Text("dev"),
        Text(SUB_DEV),
        PickMany(&["westeurope"]),
        Text("web"),
        Enter,
        Enter,
    ];
    answers.extend(controls("every app"));
    answers.push(No);
    let mut script = Script::new(answers);
    assert_eq!(
        flow::run(&mut script, &context()).err(),
        Some(Stop::Declined)
    );
}

#[test]
fn an_existing_file_is_never_overwritten_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("kvinit.yaml");
    std::fs::write(&existing, "keep me\n").unwrap();
    let other = dir.path().join("second.yaml");
    let other_text: &'static str = Box::leak(other.display().to_string().into_boxed_str());

    // Enter takes the default (the existing file), No refuses to overwrite, then another name.
    let mut script = Script::new(vec![Enter, No, Text(other_text)]);
    let written =
        kvinit::commands::init::write_plan(&mut script, &existing, "apiVersion: kvinit/v1\n")
            .unwrap();
    script.finished();
    assert_eq!(written, other);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me\n");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "apiVersion: kvinit/v1\n"
    );
    assert!(
        script
            .log
            .iter()
            .any(|l| l.contains("exists. Overwrite it?"))
    );

    // Saying yes replaces it; no temporary file is left next to it.
    let mut script = Script::new(vec![Enter, Yes]);
    kvinit::commands::init::write_plan(&mut script, &existing, "new\n").unwrap();
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "new\n");
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["kvinit.yaml", "second.yaml"]);
}
