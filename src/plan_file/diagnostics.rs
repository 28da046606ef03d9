//! Problems found in a plan file: where (file, line, column, field path, matrix cell), what,
//! and how to fix it, and how they are rendered in kvinit's error style (`error: …`,
//! `  --> file:line:col (field) for app …`, `hint: …`). Data and formatting only; must not
//! decide what is valid. Every value shown passes through [`crate::terminal_text::escape`], so a
//! control character in the plan cannot reach the terminal raw.

use std::fmt;

/// The matrix cell a problem belongs to, when it is about one generated vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    /// App name.
    pub app: String,
    /// Environment name.
    pub env: String,
    /// Azure location name, e.g. `westeurope`.
    pub region: String,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The plan file path as the user gave it.
    pub file: String,
    /// 1-based line; 0 when unknown (the field is absent from the file).
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// Field path, e.g. `environments[1].subscriptionId`; empty for the whole file.
    pub field: String,
    /// The cell, for problems in a generated value (vault name, expanded resource ID).
    pub cell: Option<CellRef>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render_one(self, f)
    }
}

/// Every problem found in one plan file, in a stable order (structure first, then top-level
/// fields, then settings by layer, then generated names by matrix order). Never empty when
/// returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem; an exact duplicate (same place, field and message) is kept once.
    pub fn push(&mut self, d: Diagnostic) {
        if !self.items.contains(&d) {
            self.items.push(d);
        }
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }
}

/// `text` with every `` `quoted` `` value longer than [`crate::model::names::SHOWN_MAX`]
/// characters shortened by [`crate::model::names::shown`].
fn abbreviate(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 && i + 1 < parts.len() {
                crate::model::names::shown(p)
            } else {
                (*p).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

impl Diagnostics {
    /// The same problems with long quoted values (e.g. a 1 MB app name) shortened to their first
    /// 40 characters and their length, so a message never floods the terminal.
    pub fn abbreviated(self) -> Self {
        Diagnostics {
            items: self
                .items
                .into_iter()
                .map(|d| Diagnostic {
                    message: abbreviate(&d.message),
                    hint: d.hint.as_deref().map(abbreviate),
                    field: crate::model::names::shown(&d.field),
                    ..d
                })
                .collect(),
        }
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render_all(self, f)
    }
}

impl std::error::Error for Diagnostics {}

/// Writes one diagnostic (three lines at most, no trailing newline).
fn render_one(d: &Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use crate::terminal_text::escape;
    write!(
        f,
        "error: {}\n  --> {}",
        escape(&d.message),
        escape(&d.file)
    )?;
    if d.line > 0 {
        write!(f, ":{}:{}", d.line, d.column)?;
    }
    if !d.field.is_empty() {
        write!(f, " ({})", escape(&d.field))?;
    }
    if let Some(c) = &d.cell {
        write!(
            f,
            " for app `{}`, env `{}`, region `{}`",
            escape(&c.app),
            escape(&c.env),
            escape(&c.region)
        )?;
    }
    if let Some(h) = &d.hint {
        write!(f, "\nhint: {}", escape(h))?;
    }
    Ok(())
}

/// Writes every diagnostic, separated by blank lines, then a summary line.
fn render_all(ds: &Diagnostics, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for d in ds {
        render_one(d, f)?;
        f.write_str("\n\n")?;
    }
    let n = ds.len();
    let file = ds
        .iter()
        .next()
        .map(|d| d.file.as_str())
        .unwrap_or("the plan file");
    write!(
        f,
        "error: {n} problem{} in {}; nothing was sent to Azure",
        if n == 1 { "" } else { "s" },
        crate::terminal_text::escape(file)
    )
}
