//! The plan file's JSON Schema (`kvinit schema`, `docs/kvinit.schema.json`): the checked-in file
//! is what the binary prints; every example plan and the starter template are valid against it;
//! every bad-plan fixture is classified as structurally bad (the schema rejects it), not one YAML
//! document (no schema applies), or semantically bad (the schema accepts it: only `kvinit plan`'s
//! value checks reject it) — and the schema agrees with that class. `kvinit init --defaults`
//! points the plan at the schema. Regenerate the checked-in file with
//! `KVINIT_BLESS_DOCS=1 cargo test --test plan_schema`.

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::bin::{assert_exit, kvinit};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What `kvinit schema` prints.
fn printed_schema() -> String {
    let out = kvinit().arg("schema").output().unwrap();
    assert_exit(&out, 0);
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&printed_schema()).unwrap();
    jsonschema::draft202012::options()
        .build(&schema)
        .expect("the schema compiles")
}

/// A YAML plan as the JSON value an editor's YAML language server checks; `Err` when the text is
/// not one YAML document (syntax, several documents, a key given twice).
fn as_json(text: &str) -> Result<Value, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    Ok(to_json(yaml))
}

/// YAML → JSON. JSON has no NaN or infinity: a non-finite YAML float (`.nan`, `.inf`) stands as
/// the finite number 0.5, because the schema checks a number's type, never its value (that is
/// `kvinit plan`'s job, and it rejects them). Scalar keys become strings, as in editors.
fn to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => json!(i),
            (_, Some(u), _) => json!(u),
            (_, _, Some(f)) if f.is_finite() => json!(f),
            _ => json!(0.5),
        },
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

fn violations(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_checked_in_schema_is_what_kvinit_schema_prints() {
    let printed = printed_schema();
    let path = root().join("docs/kvinit.schema.json");
    if std::env::var_os("KVINIT_BLESS_DOCS").is_some() {
        std::fs::write(&path, &printed).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == printed,
        "docs/kvinit.schema.json differs from `kvinit schema`; regenerate it with \
         `KVINIT_BLESS_DOCS=1 cargo test --test plan_schema`"
    );
    assert_eq!(
        printed,
        kvinit::plan_file::json_schema::render(),
        "the command prints the library's rendering"
    );
}

#[test]
fn the_schema_is_draft_2020_12_with_its_published_id_and_the_parsers_field_names() {
    let schema: Value = serde_json::from_str(&printed_schema()).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["$id"].as_str().unwrap(),
        kvinit::plan_file::json_schema::url()
    );
    assert_eq!(
        kvinit::plan_file::json_schema::url(),
        format!(
            "{}/main/docs/kvinit.schema.json",
            env!("CARGO_PKG_REPOSITORY")
                .replace("https://github.com/", "https://raw.githubusercontent.com/")
        )
    );
    // Field names as serde reads them (camelCase), required fields, no unknown fields.
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], json!(["apiVersion", "tenantId"]));
    let settings = &schema["$defs"]["Settings"];
    assert_eq!(settings["additionalProperties"], false);
    for field in [
        "sku",
        "softDeleteRetentionDays",
        "purgeProtection",
        "onSoftDeleted",
        "network",
        "roleAssignments",
        "diagnostics",
        "alerts",
        "tags",
    ] {
        assert!(
            settings["properties"][field]["description"].is_string(),
            "Settings.{field} is described"
        );
    }
    assert_eq!(
        schema["$defs"]["RoleAssignmentSetting"]["required"],
        json!(["principalId", "role"])
    );
}

#[test]
fn every_example_and_the_starter_template_are_valid() {
    let v = validator();
    let mut plans = files("examples");
    assert!(plans.len() >= 2, "{plans:?}");
    plans.push(root().join("templates/starter.yaml"));
    for plan in plans {
        let doc = as_json(&std::fs::read_to_string(&plan).unwrap()).unwrap();
        let errors = violations(&v, &doc);
        assert!(errors.is_empty(), "{}: {errors:#?}", plan.display());
    }
}

/// How a bad-plan fixture is bad, as far as the schema can tell.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    /// Wrong shape: unknown or missing field, wrong value type. The schema rejects it.
    Structural,
    /// Not one YAML document that maps to JSON: an editor reports the syntax, no schema applies.
    NotOneDocument,
    /// Right shape, wrong values (names, GUIDs, ranges, duplicates, words outside a list): the
    /// schema accepts it and `kvinit plan` rejects it.
    Semantic,
}

/// Every fixture of tests/bad_plans/, by file-name prefix, with its class. A new fixture must be
/// added here (the test fails until it is).
const FIXTURES: &[(&str, Class)] = &[
    ("01-", Class::Semantic),       // vault name too long
    ("02-", Class::Semantic),       // unknown region
    ("03-", Class::Semantic),       // malformed GUIDs
    ("04-", Class::Structural),     // unknown field `subscriptonId`
    ("05-", Class::Semantic),       // retention out of range
    ("06-", Class::Semantic),       // invalid IP rules
    ("07-", Class::Semantic),       // unknown role and principal type
    ("08-", Class::Semantic),       // exclude names an unknown environment
    ("09-", Class::Semantic),       // exclude matches nothing
    ("10-", Class::Semantic),       // duplicate vault names
    ("11-", Class::Semantic),       // malformed resource IDs
    ("12-", Class::Semantic),       // unknown enum values (sku and others are strings)
    ("13-", Class::Semantic),       // alert settings out of range
    ("14-", Class::Semantic),       // duplicate apps and environments
    ("15-", Class::Semantic),       // empty lists
    ("16-", Class::Semantic),       // unsupported apiVersion (a string)
    ("17-", Class::NotOneDocument), // invalid YAML
    ("18-", Class::Structural),     // text where a number goes
    ("19-", Class::Semantic),       // override names an unknown region
    ("20-", Class::Semantic),       // unknown naming token
    ("21-", Class::Semantic),       // unknown onSoftDeleted
    ("30-", Class::Semantic),       // IP rules too wide
    ("31-", Class::Semantic),       // whole internet, host bits
    ("32-", Class::Semantic),       // non-finite thresholds
    ("33-", Class::Semantic),       // principal type conflict
    ("34-", Class::Semantic),       // reserved tags
    ("35-", Class::Semantic),       // duplicate IP rules and subnets
    ("36-", Class::NotOneDocument), // duplicate keys
    ("37-", Class::Structural),     // `no` (text) where a boolean goes
    ("38-", Class::Structural),     // merge key `<<`
    ("39-", Class::Semantic),       // subscription ID in the vault name
    ("40-", Class::Semantic),       // huge value
    ("41-", Class::NotOneDocument), // two documents
    ("42-", Class::Semantic),       // placeholder GUIDs
    ("43-", Class::Semantic),       // exclude removes everything
    ("44-", Class::Semantic),       // regions from two clouds
    ("45-", Class::Semantic),       // byte order mark, then an unsupported apiVersion
    ("46-", Class::Structural),     // quoted number
    ("47-", Class::Semantic),       // default pattern too long for the names
    ("48-", Class::Semantic),       // custom YAML tags (JSON has none; the parser refuses them)
    ("49-", Class::NotOneDocument), // NUL byte on line 8
    ("50-", Class::Semantic),       // category group and category in one diagnostic setting
    ("51-", Class::Semantic),       // control characters in values
    ("52-", Class::Semantic),       // truncation makes two names collide
    ("53-", Class::Semantic),       // naming hint checked against the matrix
    ("54-", Class::Semantic),       // digit-first name where the pattern starts with it
    ("55-", Class::Semantic),       // role assignment without principalType (validation)
    ("56-", Class::Semantic),       // public access off without a private endpoint
];

#[test]
fn every_bad_plan_fixture_is_classified_and_the_schema_agrees() {
    let v = validator();
    let mut problems = Vec::new();
    let mut counts = [0usize; 3];
    for plan in files("tests/bad_plans") {
        let name = plan.file_name().unwrap().to_string_lossy().into_owned();
        let Some(&(_, class)) = FIXTURES.iter().find(|(p, _)| name.starts_with(p)) else {
            problems.push(format!("{name}: not classified in FIXTURES"));
            continue;
        };
        counts[class as usize] += 1;
        let got = match as_json(&std::fs::read_to_string(&plan).unwrap()) {
            Err(e) => (Class::NotOneDocument, e),
            Ok(doc) => match violations(&v, &doc) {
                errors if errors.is_empty() => (Class::Semantic, String::new()),
                errors => (Class::Structural, errors.join("; ")),
            },
        };
        if got.0 != class {
            problems.push(format!(
                "{name}: classified {class:?}, the schema says {:?} {}",
                got.0, got.1
            ));
        }
    }
    for (prefix, _) in FIXTURES {
        if !files("tests/bad_plans")
            .iter()
            .any(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        {
            problems.push(format!(
                "FIXTURES names {prefix}, which no fixture starts with"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        counts.iter().all(|&c| c > 0),
        "each class has fixtures: {counts:?}"
    );
}

/// The schema has teeth: one shape mistake at a time in a valid plan, each rejected at its path
/// or at an enclosing field (a field that may be empty reports at itself: `anyOf` object | null).
#[test]
fn shape_mistakes_in_a_valid_plan_are_rejected_where_they_are() {
    let v = validator();
    let plan =
        as_json(&std::fs::read_to_string(root().join("examples/minimal.yaml")).unwrap()).unwrap();
    assert!(violations(&v, &plan).is_empty());
    type Break = fn(&mut Value);
    let cases: [(&str, Break); 5] = [
        ("", |p| {
            p.as_object_mut().unwrap().remove("tenantId");
        }),
        ("", |p| {
            p["tenantID"] = json!("72f988bf-86f1-41af-91ab-2d7cd011db47")
        }),
        ("/regions", |p| p["regions"] = json!("westeurope")),
        ("/defaults/softDeleteRetentionDays", |p| {
            p["defaults"]["softDeleteRetentionDays"] = json!("90")
        }),
        ("/environments/0", |p| {
            p["environments"][0]["subscription"] = json!("x")
        }),
    ];
    for (path, break_it) in cases {
        let mut broken = plan.clone();
        break_it(&mut broken);
        let errors: Vec<String> = v
            .iter_errors(&broken)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            !errors.is_empty() && errors.iter().all(|e| path.starts_with(e.as_str())),
            "{path}: {errors:?} for {broken}"
        );
    }
}

/// `kvinit init --defaults` starts the plan with the line that points editors at the schema:
/// the published `$id`, so the editor checks against the schema this binary prints.
#[test]
fn init_points_the_plan_at_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kvinit.yaml");
    let out = kvinit()
        .args(["init", "--defaults", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let text = std::fs::read_to_string(&file).unwrap();
    let schema: Value = serde_json::from_str(&printed_schema()).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "# yaml-language-server: $schema={}",
            schema["$id"].as_str().unwrap()
        )
    );
    let errors = violations(&validator(), &as_json(&text).unwrap());
    assert!(errors.is_empty(), "{errors:#?}");
}

/// What `kvinit init`'s wizard writes (`plan_file::render`, here of every example read back into
/// the parser's types) is valid against the schema, modeline included.
#[test]
fn plans_the_wizard_renders_are_valid() {
    let v = validator();
    for plan in files("examples") {
        let parsed: kvinit::plan_file::schema::PlanFile =
            serde_yaml::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
        let written = kvinit::plan_file::json_schema::with_modeline(
            &kvinit::plan_file::render::render(&parsed),
        );
        let doc = as_json(&written).unwrap();
        let errors = violations(&v, &doc);
        assert!(
            errors.is_empty(),
            "{}: {errors:#?}\n{written}",
            plan.display()
        );
        assert_eq!(
            doc,
            as_json(&kvinit::plan_file::render::render(&parsed)).unwrap(),
            "the schema line is a comment"
        );
    }
}
