//! Making untrusted text safe to print on a terminal: the one escaping function every human
//! renderer uses (plan view, change view, apply view and progress, audit table, plan-file
//! diagnostics, error lines). A leaf module with no dependencies, so `plan_file` (which must not
//! import `ui`) and `ui` (re-exported as `ui::escape`) share the same function.
//!
//! Why: values from a plan file (app names, tags, e-mail addresses) or from ARM (resource names,
//! error messages) may carry ESC sequences, `\r`, `\n`, BEL or C1 controls that would move the
//! cursor, recolour or rewrite lines and so spoof what kvinit reports. Validation refuses them in
//! a plan (names, tags, e-mail addresses); ARM text is never trusted either.

use std::borrow::Cow;

/// True for a character that must never reach a terminal raw: every C0 control (U+0000–U+001F,
/// including `\t`, `\n`, `\r`, ESC, BEL), DEL (U+007F), every C1 control (U+0080–U+009F, e.g.
/// U+009B CSI) and the Unicode bidirectional overrides/isolates (U+202A–U+202E, U+2066–U+2069)
/// that reorder what the reader sees.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `value` with every [`is_unsafe`] character written as a visible escape: `\n`, `\r`, `\t`, or
/// `\u{XX}` (hex code point, e.g. ESC → `\u{1b}`, BEL → `\u{7}`). Borrowed (no allocation) when
/// there is nothing to escape, which is the usual case. Escapes only: never shortens or drops.
pub fn escape(value: &str) -> Cow<'_, str> {
    if !value.chars().any(is_unsafe) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` (a whole rendered block, several lines) with every [`is_unsafe`] character escaped
/// except the line breaks `\n` the renderer put there itself. The last line of defence for a
/// human renderer's output; values inside it should already have gone through [`escape`],
/// which also escapes `\n`.
pub fn escape_block(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(|line| escape(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_and_leaves_plain_text_borrowed() {
        assert!(matches!(escape("payments-prod"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\u{1b}[2Kb\rc\nd\u{7}e\u{9b}f\u{202e}g\u{0}"),
            "a\\u{1b}[2Kb\\rc\\nd\\u{7}e\\u{9b}f\\u{202e}g\\u{0}"
        );
        assert_eq!(escape("tab\there"), "tab\\there");
        assert_eq!(escape("ünïcødé ✓"), "ünïcødé ✓");
    }

    #[test]
    fn escape_block_keeps_line_breaks_only() {
        assert_eq!(escape_block("one\ntwo\u{1b}[1A\r"), "one\ntwo\\u{1b}[1A\\r");
        assert!(matches!(escape_block("one\ntwo\n"), Cow::Borrowed(_)));
    }
}
