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

/// Streams a document whose last field is a long list (`"vaults"`) item by item into `sink`,
/// so the whole document is never held as one tree or one string: `head` holds the fields
/// before the list (in order), `items` yields the list's elements one at a time as compact JSON
/// text (what `serde_json::to_string` prints), pretty-printed here by
/// [`super::json_reindent::reindent`] without a parse.
///
/// Output: byte for byte what [`json`] prints for the same object (pretty JSON, two-space
/// indent, final newline); a test keeps it so. Chunks are whatever is ready (about one item
/// each); callers buffer them.
pub fn stream_json(
    head: &serde_json::Map<String, serde_json::Value>,
    list_key: &str,
    items: impl Iterator<Item = String>,
    sink: &mut dyn FnMut(&str),
) {
    let key = serde_json::to_string(list_key).expect("a key serialises");
    let mut items = items.peekable();
    let open = if head.is_empty() {
        "{\n".to_string()
    } else {
        let text = serde_json::to_string_pretty(head).expect("results serialise as JSON");
        // `{\n  …\n}` → `{\n  …` and the list's key after a comma.
        format!("{},\n", &text[..text.len() - 2])
    };
    if items.peek().is_none() {
        sink(&format!("{open}  {key}: []\n}}\n"));
        return;
    }
    sink(&format!("{open}  {key}: ["));
    let mut chunk = String::new();
    let mut first = true;
    for item in items {
        chunk.clear();
        chunk.push_str(if first { "\n    " } else { ",\n    " });
        first = false;
        // Depth 2: the element's own lines are four spaces in.
        super::json_reindent::reindent(&item, 2, &mut chunk);
        sink(&chunk);
    }
    sink("\n  ]\n}\n");
}

/// [`stream_json`]'s YAML twin: byte for byte what [`yaml`] prints for the same object.
pub fn stream_yaml(
    head: &serde_json::Map<String, serde_json::Value>,
    list_key: &str,
    items: impl Iterator<Item = serde_json::Value>,
    sink: &mut dyn FnMut(&str),
) {
    let mut items = items.peekable();
    let head_text = if head.is_empty() {
        String::new()
    } else {
        yaml(head)
    };
    let key = {
        // The key as serde_yaml writes it (quoted when it must be): `key: 0\n` minus ` 0\n`.
        let mut one = serde_json::Map::new();
        one.insert(list_key.to_string(), serde_json::Value::from(0));
        let text = yaml(&one);
        text[..text.len() - 3].to_string()
    };
    if items.peek().is_none() {
        sink(&format!("{head_text}{key} []\n"));
        return;
    }
    sink(&format!("{head_text}{key}\n"));
    for item in items {
        let text = yaml(&item);
        let mut chunk = String::with_capacity(text.len() + text.len() / 4);
        // serde_yaml writes a sequence inside a mapping at the mapping's indentation: `- ` on
        // an element's first line, two spaces on the others (block scalars included).
        for (i, line) in text.lines().enumerate() {
            if i == 0 {
                chunk.push_str("- ");
            } else if !line.is_empty() {
                chunk.push_str("  ");
            }
            chunk.push_str(line);
            chunk.push('\n');
        }
        sink(&chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    fn both(head: &Map<String, Value>, items: &[Value]) -> [(String, String); 2] {
        let mut doc = head.clone();
        doc.insert("a list".into(), Value::Array(items.to_vec()));
        let (mut j, mut y) = (String::new(), String::new());
        let compact = items.iter().map(|v| serde_json::to_string(v).unwrap());
        stream_json(head, "a list", compact, &mut |c| j.push_str(c));
        stream_yaml(head, "a list", items.iter().cloned(), &mut |c| {
            y.push_str(c)
        });
        [(json(&doc), j), (yaml(&doc), y)]
    }

    #[test]
    fn streamed_documents_equal_the_tree_for_edge_shapes() {
        let head: Map<String, Value> = json!({"k": 1, "nested": {"x": [1, {"y": "z"}]}})
            .as_object()
            .unwrap()
            .clone();
        let items = [
            json!({"multi": "line one\nline two\n", "empty": {}, "list": [], "q": "- not a list"}),
            json!({"n": null, "t": true, "f": 1.5, "deep": [[1], {"a": "b"}]}),
        ];
        for (tree, streamed) in both(&head, &items)
            .into_iter()
            .chain(both(&head, &[]))
            .chain(both(&Map::new(), &items))
            .chain(both(&Map::new(), &[]))
        {
            assert_eq!(tree, streamed);
        }
    }
}
