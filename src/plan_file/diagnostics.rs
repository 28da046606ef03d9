//! Problems found in a plan file: where (file, line, column, field path, matrix cell), what,
//! and how to fix it, and how they are rendered in kvinit's error style (`error: …`,
//! `  --> file:line:col (field) for app …`, `hint: …`). Data and formatting only; must not
//! decide what is valid. Every value shown passes through [`crate::terminal_text::escape`], so a
//! control character in the plan cannot reach the terminal raw.

use std::fmt;

/// The matrix cell a problem belongs to, when it is about one generated vault.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellRef {
    /// App name.
    pub app: String,
    /// Environment name.
    pub env: String,
    /// Azure location name, e.g. `westeurope`.
    pub region: String,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

/// At most this many problems of one kind are kept (and shown); the rest are counted. A kind is
/// the field path with list indices removed plus the message with its quoted values removed, so
/// 100,000 copies of `regions[i]: region `westeurope` is listed twice` are one kind.
pub const MAX_PER_KIND: usize = 50;

/// Every problem found in one plan file, in a stable order (structure first, then top-level
/// fields, then settings by layer, then generated names by matrix order). Never empty when
/// returned as an error. Exact duplicates are kept once and at most [`MAX_PER_KIND`] problems
/// of each kind are kept, the others counted ([`Diagnostics::omitted`]); adding is O(1).
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    index: Box<Index>,
    omitted: usize,
}

/// What [`Diagnostics::push`] looks up in O(1): the problems kept, and how many of each kind.
#[derive(Debug, Clone, Default)]
struct Index {
    seen: std::collections::HashSet<Diagnostic>,
    per_kind: std::collections::HashMap<String, usize>,
}

impl PartialEq for Diagnostics {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items && self.omitted == other.omitted
    }
}

impl Eq for Diagnostics {}

/// The kind of a problem (see [`MAX_PER_KIND`]).
fn kind(d: &Diagnostic) -> String {
    let mut k = String::with_capacity(d.field.len() + d.message.len());
    let mut depth = 0;
    for c in d.field.chars() {
        match c {
            '[' => {
                depth += 1;
                k.push('[');
            }
            ']' => {
                depth -= 1;
                k.push(']');
            }
            _ if depth > 0 => {}
            c => k.push(c),
        }
    }
    k.push('|');
    for (i, part) in d.message.split('`').enumerate() {
        if i % 2 == 0 {
            k.push_str(part);
        }
    }
    k
}

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem; an exact duplicate (same place, field and message) is kept once, and a
    /// problem beyond [`MAX_PER_KIND`] of its kind is only counted.
    pub fn push(&mut self, d: Diagnostic) {
        if self.index.seen.contains(&d) {
            return;
        }
        let n = self.index.per_kind.entry(kind(&d)).or_insert(0);
        *n += 1;
        if *n > MAX_PER_KIND {
            self.omitted += 1;
            return;
        }
        self.index.seen.insert(d.clone());
        self.items.push(d);
    }

    /// How many problems are kept (and shown); see [`Diagnostics::total`].
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Problems found beyond [`MAX_PER_KIND`] of their kind: counted, not kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// Every problem found: kept plus omitted.
    pub fn total(&self) -> usize {
        self.items.len() + self.omitted
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
            index: Default::default(),
            omitted: self.omitted,
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
    if ds.omitted() > 0 {
        write!(
            f,
            "note: {} more problem{} not shown (at most {MAX_PER_KIND} of each kind are listed)\n\n",
            ds.omitted(),
            if ds.omitted() == 1 { " is" } else { "s are" }
        )?;
    }
    let n = ds.total();
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
