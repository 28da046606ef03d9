//! `plan -o json` and `-o yaml` are streamed vault by vault (issue 15): the streamed document
//! must be byte for byte the one the tree-building renderer gives, on the 18-vault example and
//! on generated 10- and 1,000-cell plans (the benchmark's plan generator), and the binary's
//! output must be the streamed one.

use std::path::Path;

use assert_cmd::Command;
use kvinit::ui::{plan_view, structured};

use crate::support::plan_gen;

fn tree_and_streamed(text: &str) -> [(String, String); 2] {
    let plan = kvinit::plan_file::parse(Path::new("generated.yaml"), text)
        .unwrap_or_else(|d| panic!("invalid plan:\n{d}"));
    let (state, compliance) = kvinit::rules::desired_state_with_compliance(&plan);
    let tree = plan_view::to_json(&state, &compliance);
    let head = plan_view::head(&state, &compliance);
    let mut json = String::new();
    structured::stream_json(
        &head,
        "vaults",
        plan_view::vaults_compact(&state, &compliance),
        &mut |c| json.push_str(c),
    );
    let mut yaml = String::new();
    structured::stream_yaml(
        &head,
        "vaults",
        plan_view::vaults(&state, &compliance),
        &mut |c| yaml.push_str(c),
    );
    [
        (structured::json(&tree), json),
        (structured::yaml(&tree), yaml),
    ]
}

fn assert_identical(text: &str, what: &str) {
    for ((tree, streamed), format) in tree_and_streamed(text).into_iter().zip(["json", "yaml"]) {
        assert!(tree.len() > 1000, "{what}: suspiciously short {format}");
        if tree != streamed {
            let at = tree
                .bytes()
                .zip(streamed.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(tree.len().min(streamed.len()));
            panic!(
                "{what}: streamed {format} differs at byte {at}: tree {:?} / streamed {:?}",
                &tree[at.saturating_sub(40)..(at + 40).min(tree.len())],
                &streamed[at.saturating_sub(40)..(at + 40).min(streamed.len())]
            );
        }
    }
}

#[test]
fn streamed_json_and_yaml_are_byte_identical_to_the_tree_on_10_and_1000_cells() {
    assert_identical(
        &plan_gen::plan_yaml(plan_gen::Shape::offline(10)),
        "10 cells",
    );
    assert_identical(
        &plan_gen::plan_yaml(plan_gen::Shape::offline(1_000)),
        "1,000 cells",
    );
    for example in ["contoso.yaml", "minimal.yaml", "private.yaml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(example);
        assert_identical(&std::fs::read_to_string(path).unwrap(), example);
    }
}

#[test]
fn the_binary_prints_the_streamed_document() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.yaml");
    let [(json, _), (yaml, _)] = tree_and_streamed(&std::fs::read_to_string(&path).unwrap());
    for (format, expected) in [("json", json), ("yaml", yaml)] {
        let out = Command::cargo_bin("kvinit")
            .unwrap()
            .args(["plan", "-o", format, "-f"])
            .arg(&path)
            .env_remove("KVINIT_ARM_ENDPOINT")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected, "{format}");
    }
}
