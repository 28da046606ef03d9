//! The plan file: YAML schema, loading with source locations, and validation into a checked plan.
//! Pure: reads no files itself (callers pass the text and the path for messages).
//!
//! Entry point: [`parse`]`(path, text) -> Result<model::Plan, Diagnostics>`.

pub mod control_text;
pub mod diagnostics;
pub mod json_schema;
pub mod locate;
pub mod prescan;
pub mod render;
pub mod schema;
pub mod shape;
pub mod type_error;
pub mod validate;

use std::path::Path;

pub use diagnostics::{CellRef, Diagnostic, Diagnostics};

use crate::model::Plan;

/// Parses and validates a plan file. `path` is only used in messages (shown as given); `text`
/// is the file's content. Pure: no I/O.
///
/// Errors: every problem found, each with file, line, column, field path, optional matrix cell,
/// message and hint. Stages: YAML syntax (one document; a leading UTF-8 byte order mark is
/// ignored) → structure (duplicate keys, unknown/missing fields, all at once) → types (serde,
/// the first type error, in user terms: see [`type_error`]) → semantics (all at once; see
/// [`validate`]). Quoted values longer than 200 characters are abbreviated in messages.
pub fn parse(path: &Path, text: &str) -> Result<Plan, Diagnostics> {
    parse_with_limits(path, text, &Limits::default())
}

/// The default for [`Limits::max_cells`] (and `--max-cells`).
pub const DEFAULT_MAX_CELLS: usize = 50_000;

/// Bounds on what a plan may expand to, checked before the matrix is expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most cells (vaults) the matrix may hold after `exclude`: apps × environments × regions.
    /// Default [`DEFAULT_MAX_CELLS`]; `--max-cells N` changes it. A larger matrix is refused
    /// with one diagnostic at `apps`, before any cell is built (memory stays proportional to
    /// the file, not to the product).
    pub max_cells: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cells: DEFAULT_MAX_CELLS,
        }
    }
}

/// [`parse`] with explicit [`Limits`].
pub fn parse_with_limits(path: &Path, text: &str, limits: &Limits) -> Result<Plan, Diagnostics> {
    parse_inner(path, text, limits).map_err(|d| d.abbreviated())
}

/// Like [`parse`], from the file's raw bytes: a file that is not UTF-8 (e.g. saved as UTF-16 or
/// Windows-1252) is reported at the line and column of its first invalid byte, with how to fix
/// it, instead of a bare I/O error. Pure: the caller reads the file.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<Plan, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(path, text),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[start..]).chars().count() + 1;
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            let mut d = Diagnostics::new();
            d.push(Diagnostic {
                file: path.display().to_string(),
                line,
                column,
                field: String::new(),
                cell: None,
                message: format!(
                    "the plan file is not UTF-8 text (byte 0x{:02x} at offset {}){}",
                    bytes[e.valid_up_to()],
                    e.valid_up_to(),
                    if utf16 { "; it looks like UTF-16" } else { "" }
                ),
                hint: Some(
                    "save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8; in VS Code: \"Save with Encoding\")"
                        .into(),
                ),
            });
            Err(d)
        }
    }
}

/// A hint for an I/O error reading the plan file (the caller prints it after the error), or
/// `None` when there is nothing useful to add. Pure: looks only at the error kind.
pub fn read_error_hint(kind: std::io::ErrorKind) -> Option<&'static str> {
    match kind {
        std::io::ErrorKind::NotFound => {
            Some("pass the plan with `-f FILE`, or write one with `kvinit init`")
        }
        std::io::ErrorKind::IsADirectory => {
            Some("`-f` takes a plan file, not a directory: e.g. `-f infra/kvinit.yaml`")
        }
        std::io::ErrorKind::PermissionDenied => {
            Some("check the file's permissions (kvinit only needs to read it)")
        }
        std::io::ErrorKind::InvalidData => {
            Some("save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8)")
        }
        _ => None,
    }
}

/// The UTF-8 byte order mark some editors (Windows Notepad) write at the start of a file.
pub const BOM: char = '\u{feff}';

fn parse_inner(path: &Path, text: &str, limits: &Limits) -> Result<Plan, Diagnostics> {
    // A leading BOM is not content: drop it. It sits before line 1, column 1, so every
    // line:column below stays what the user's editor shows.
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let file = path.display().to_string();
    let mut diags = Diagnostics::new();
    let mut push =
        |line: usize, column: usize, field: String, message: String, hint: Option<String>| {
            diags.push(Diagnostic {
                file: file.clone(),
                line,
                column,
                field,
                cell: None,
                message,
                hint,
            });
        };
    // Characters YAML does not allow (NUL, other C0/C1 controls): reported where they are, before
    // any parser sees them (libyaml would only give a byte offset, shown as 1:1).
    let controls = forbidden_characters(text);
    if !controls.is_empty() {
        for (line, column, c) in controls {
            push(
                line,
                column,
                String::new(),
                format!(
                    "the plan file holds the control character U+{:04X}{} here; YAML allows only printable characters, tab and line breaks",
                    c as u32,
                    control_name(c)
                ),
                Some(
                    "delete it (it is often left by a copy and paste or a binary file); to see it, open the file with `cat -A`"
                        .into(),
                ),
            );
        }
        return Err(diags);
    }
    // The matrix size, from a counting pass that builds nothing: a plan of millions of apps is
    // refused before its tree and values are built. With `exclude` the exact count needs the
    // values; `validate` checks it then, still before expanding.
    if let Some(sizes) = prescan::sizes(text) {
        let product = sizes
            .apps
            .saturating_mul(sizes.environments)
            .saturating_mul(sizes.regions);
        if !sizes.has_exclude && product > limits.max_cells {
            push(
                sizes.apps_loc.line,
                sizes.apps_loc.column,
                "apps".into(),
                too_many_cells(
                    limits.max_cells,
                    sizes.apps,
                    sizes.environments,
                    sizes.regions,
                    product,
                    false,
                ),
                Some(too_many_cells_hint()),
            );
            return Err(diags);
        }
    }
    let (tree, tags) = match locate::parse_tree_and_tags(text) {
        Ok((tree, tags)) => (Ok(tree), tags),
        Err(e) => (Err(e), Vec::new()),
    };
    if !tags.is_empty() {
        for (loc, tag) in tags {
            push(
                loc.line,
                loc.column,
                String::new(),
                format!(
                    "unknown YAML tag `{tag}`; a plan file is plain data and kvinit refuses tags it would otherwise ignore"
                ),
                Some(
                    "remove the tag and write the plain value (a string, number, list or mapping)"
                        .into(),
                ),
            );
        }
        return Err(diags);
    }
    let tree = match tree {
        Ok(Some(t)) => t,
        Ok(None) => {
            push(
                0,
                0,
                String::new(),
                "the plan file is empty".into(),
                Some("start from `kvinit init --defaults`".into()),
            );
            return Err(diags);
        }
        Err((loc, msg)) if msg == locate::MULTI_DOCUMENT => {
            push(
                loc.line,
                loc.column,
                String::new(),
                msg,
                Some(
                    "keep one plan per file: remove this `---` and what follows, or move it to its own file"
                        .into(),
                ),
            );
            return Err(diags);
        }
        Err((loc, msg)) => {
            push(
                loc.line,
                loc.column,
                String::new(),
                format!("invalid YAML: {msg}"),
                Some("check the indentation and quoting around this line".into()),
            );
            return Err(diags);
        }
    };
    let mut problems = control_text::check(&tree);
    problems.extend(locate::check_structure(&tree));
    if !problems.is_empty() {
        for p in problems {
            push(p.loc.line, p.loc.column, p.field, p.message, p.hint);
        }
        return Err(diags);
    }
    let idx = locate::LocationIndex::build(Some(&tree));
    let pf: schema::PlanFile = match serde_yaml::from_str(text) {
        Ok(pf) => pf,
        Err(e) => {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let full = e.to_string();
            let msg = match full.rfind(" at line ") {
                Some(i) => full[..i].to_string(),
                None => full,
            };
            let (field, msg) = match msg.split_once(": ") {
                Some((f, m)) if !f.contains(' ') => (f.to_string(), m.to_string()),
                _ => (String::new(), msg),
            };
            let (msg, hint) = type_error::translate(&field, &msg);
            push(line, column, field, msg, hint);
            return Err(diags);
        }
    };
    validate::validate(&pf, &idx, &file, limits)
}

/// The message for a matrix over [`Limits::max_cells`] (shared by the counting pass and
/// `validate`).
pub(crate) fn too_many_cells(
    max: usize,
    apps: usize,
    envs: usize,
    regions: usize,
    product: usize,
    before_exclude: bool,
) -> String {
    format!(
        "the matrix has more than {max} cells ({apps} apps × {envs} environments × {regions} regions = {product}{}); kvinit refuses to expand it",
        if before_exclude {
            " before `exclude`"
        } else {
            ""
        }
    )
}

/// The hint for [`too_many_cells`].
pub(crate) fn too_many_cells_hint() -> String {
    format!(
        "split the plan into several files, or raise the limit with `--max-cells N` (default {DEFAULT_MAX_CELLS})"
    )
}

/// Every character YAML 1.2 does not allow in a stream (C0 controls other than tab, LF and CR;
/// DEL; C1 controls other than NEL), as (1-based line, 1-based column in characters, the
/// character). A lone `\r` does not start a line here, matching what editors show for `\r\n`.
fn forbidden_characters(text: &str) -> Vec<(usize, usize, char)> {
    let mut out = Vec::new();
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 1;
            continue;
        }
        let allowed = matches!(c, '\t' | '\r' | '\u{85}') || !c.is_control();
        if !allowed {
            out.push((line, column, c));
        }
        column += 1;
    }
    out
}

/// A control character's usual name, for messages (` (NUL)`, ` (ESC)`), or nothing.
fn control_name(c: char) -> &'static str {
    match c {
        '\0' => " (NUL)",
        '\u{7}' => " (BEL)",
        '\u{8}' => " (backspace)",
        '\u{1b}' => " (ESC)",
        '\u{7f}' => " (DEL)",
        '\u{9b}' => " (CSI)",
        _ => "",
    }
}

#[cfg(test)]
mod tests;
