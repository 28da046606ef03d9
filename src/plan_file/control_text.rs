//! Refuses control characters in any plan value or key: names, tags, e-mail addresses, IDs,
//! patterns. A YAML double-quoted string can carry them as escapes (`"pay\e[2Kments"`,
//! `"a\rb"`, `"\a"`) even when the file's bytes are clean; printed later, they would move the
//! cursor or rewrite lines and spoof kvinit's output, and ARM names cannot hold them anyway.
//! Which characters: [`crate::terminal_text::is_unsafe`] (C0 incl. tab/CR/LF, DEL, C1, bidi
//! overrides). Pure: walks the located YAML tree; must not interpret values otherwise.

use super::locate::{Node, StructuralProblem};
use crate::terminal_text::{escape, is_unsafe};

/// Every scalar key or value holding a control character, as a problem at its own line and
/// column naming its field path (e.g. `apps[0].name`, `defaults.tags.owner`), in document order.
pub fn check(root: &Node) -> Vec<StructuralProblem> {
    let mut out = Vec::new();
    walk(root, "", &mut out);
    out
}

fn walk(node: &Node, path: &str, out: &mut Vec<StructuralProblem>) {
    match node {
        Node::Scalar(s, loc) => {
            if s.chars().any(is_unsafe) {
                out.push(problem(*loc, path, s, "value"));
            }
        }
        Node::Seq(items, _) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), out);
            }
        }
        Node::Map(entries, _) => {
            for (k, kl, v) in entries {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.chars().any(is_unsafe) {
                    out.push(problem(*kl, &p, k, "key"));
                }
                walk(v, &p, out);
            }
        }
        Node::Alias(_) => {}
    }
}

fn problem(loc: super::locate::Loc, path: &str, text: &str, what: &str) -> StructuralProblem {
    let c = text.chars().find(|c| is_unsafe(*c)).unwrap_or('\0');
    StructuralProblem {
        loc,
        field: path.to_string(),
        message: format!(
            "this {what} holds the control character U+{:04X} (`{}`); names, tags, e-mail addresses and every other plan value must be printable text",
            c as u32,
            escape(text)
        ),
        hint: Some(
            "remove the escape (`\\e`, `\\r`, `\\n`, `\\a`, `\\t`, `\\x..`, `\\u....`) from the quoted string".into(),
        ),
    }
}
