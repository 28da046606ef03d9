//! The plan file: YAML schema, loading with source locations, and validation into a checked plan.
//! Pure: reads no files itself (callers pass the text and the path for messages).
//!
//! Entry point: [`parse`]`(path, text) -> Result<model::Plan, Diagnostics>`.

pub mod diagnostics;
pub mod locate;
pub mod render;
pub mod schema;
pub mod validate;

use std::path::Path;

pub use diagnostics::{CellRef, Diagnostic, Diagnostics};

use crate::model::Plan;

/// Parses and validates a plan file. `path` is only used in messages (shown as given); `text`
/// is the file's content. Pure: no I/O.
///
/// Errors: every problem found, each with file, line, column, field path, optional matrix cell,
/// message and hint. Stages: YAML syntax → structure (unknown/missing fields, all at once) →
/// types (serde, the first type error) → semantics (all at once; see [`validate`]).
pub fn parse(path: &Path, text: &str) -> Result<Plan, Diagnostics> {
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
    let tree = match locate::parse_tree(text) {
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
        Err((loc, msg)) => {
            push(
                loc.line,
                loc.column,
                String::new(),
                format!("invalid YAML: {msg}"),
                None,
            );
            return Err(diags);
        }
    };
    let problems = locate::check_structure(&tree);
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
            push(line, column, field, msg, None);
            return Err(diags);
        }
    };
    validate::validate(&pf, &idx, &file)
}

#[cfg(test)]
mod tests;
