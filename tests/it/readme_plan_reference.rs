//! README's "Plan reference" example is a real plan: it must parse, validate and expand, so the
//! documentation cannot drift from the schema.

#[test]
fn readme_plan_reference_example_is_a_valid_plan() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let start = readme
        .find("```yaml\napiVersion: kvinit/v1")
        .expect("README has the plan reference example");
    let body = &readme[start + "```yaml\n".len()..];
    let end = body
        .find("```")
        .expect("the example's code block is closed");
    let text = &body[..end];
    let plan = kvinit::plan_file::parse(std::path::Path::new("README.md"), text)
        .unwrap_or_else(|d| panic!("README's plan example is invalid:\n{d}"));
    let desired = kvinit::model::desired::desired_state(&plan);
    let names: Vec<&str> = desired.vaults.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        ["kv-payments-prod-weu"],
        "apps × envs × regions − exclude"
    );
    let vault = &desired.vaults[0];
    let body = vault
        .resources
        .iter()
        .find(|r| r.kind == kvinit::model::desired::ResourceKind::Vault)
        .expect("a vault resource")
        .body
        .to_value();
    assert_eq!(
        body["properties"]["sku"]["name"], "premium",
        "the override applies"
    );
    assert_eq!(body["properties"]["networkAcls"]["defaultAction"], "Deny");
}
