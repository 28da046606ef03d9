//! A command's result as a document, for `-o json` and `-o yaml`: the same value in either
//! format, so the YAML output is exactly the documented JSON contract. Rendering only.

use serde::Serialize;

/// `value` as pretty-printed JSON with a final newline.
pub fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("results serialise as JSON");
    text.push('\n');
    text
}

/// `value` as YAML (one document, no `---` marker, final newline).
pub fn yaml(value: &impl Serialize) -> String {
    serde_yaml::to_string(value).expect("results serialise as YAML")
}
