//! Pretty-prints compact JSON text exactly as `serde_json::to_string_pretty` would (two-space
//! indent, `"key": value`, `{}` and `[]` for empty containers), in one pass over the bytes and
//! without building a tree. The offline plan's `-o json` streams 10,000 vaults (about 150 MB)
//! through it: parsing each stored body back into a `serde_json::Value` to print it cost most of
//! the run (issue 15).
//!
//! Input must be what `serde_json::to_string` prints (no whitespace outside strings); strings
//! and numbers are copied byte for byte, so escapes and float digits are unchanged. A test
//! checks the output against `serde_json::to_string_pretty` for every shape it handles.

/// Appends `compact` pretty-printed to `out`, as if it stood at nesting `depth` of a larger
/// pretty document: nested lines are indented by `2 × (depth + level)` spaces; the first byte
/// is written where `out` ends (the caller writes the first line's indentation).
pub fn reindent(compact: &str, depth: usize, out: &mut String) {
    let bytes = compact.as_bytes();
    let mut level = depth;
    let mut i = 0;
    // Start of the bytes not yet copied (copied in runs, not byte by byte).
    let mut run = 0;
    let newline = |out: &mut String, level: usize| {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i) + 1,
            open @ (b'{' | b'[') => {
                out.push_str(&compact[run..i]);
                let close = if open == b'{' { b'}' } else { b']' };
                if bytes.get(i + 1) == Some(&close) {
                    out.push_str(if open == b'{' { "{}" } else { "[]" });
                    i += 2;
                } else {
                    out.push(open as char);
                    level += 1;
                    newline(out, level);
                    i += 1;
                }
                run = i;
            }
            close @ (b'}' | b']') => {
                out.push_str(&compact[run..i]);
                level = level.saturating_sub(1);
                newline(out, level);
                out.push(close as char);
                i += 1;
                run = i;
            }
            b',' => {
                out.push_str(&compact[run..i]);
                out.push(',');
                newline(out, level);
                i += 1;
                run = i;
            }
            b':' => {
                out.push_str(&compact[run..i]);
                out.push_str(": ");
                i += 1;
                run = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&compact[run.min(compact.len())..]);
}

/// The index of the closing quote of the JSON string whose opening quote is at `open` in
/// compact JSON `bytes` (a backslash escapes the next byte); `bytes.len()` when unterminated.
pub fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    i.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equals_serde_json_pretty_for_every_shape() {
        let values = [
            json!({}),
            json!([]),
            json!({"a": {}, "b": [], "c": [{}], "d": [[]], "e": {"f": []}}),
            json!({"s": "quote \" backslash \\ colon: comma, {brace} [bracket] \n tab\t é ✓ \u{1}"}),
            json!({"n": [0, -1, 1.5, 1e300, 0.1, 12345678901234567890u64, null, true, false]}),
            json!([{"k": "v"}, {"k": [1, {"x": "y"}]}, "z", 3]),
            json!({"\"odd\": key,": "v"}),
            json!("just a string"),
            json!(42),
        ];
        for v in values {
            let compact = serde_json::to_string(&v).unwrap();
            let mut out = String::new();
            reindent(&compact, 0, &mut out);
            assert_eq!(out, serde_json::to_string_pretty(&v).unwrap(), "{compact}");
        }
    }

    #[test]
    fn nests_at_a_depth() {
        let v = json!({"a": [1, 2]});
        let mut out = String::new();
        reindent(&serde_json::to_string(&v).unwrap(), 2, &mut out);
        assert_eq!(
            out,
            "{\n      \"a\": [\n        1,\n        2\n      ]\n    }"
        );
    }
}
