//! Renders plan-file diagnostics in kvinit's error style (`error: …`, `  --> file:line:col
//! (field) for app …`, `hint: …`). Formatting only; must not decide what is valid.

use std::fmt;

use crate::plan_file::{Diagnostic, Diagnostics};

/// Writes one diagnostic (three lines at most, no trailing newline).
pub fn render_one(d: &Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "error: {}\n  --> {}", d.message, d.file)?;
    if d.line > 0 {
        write!(f, ":{}:{}", d.line, d.column)?;
    }
    if !d.field.is_empty() {
        write!(f, " ({})", d.field)?;
    }
    if let Some(c) = &d.cell {
        write!(
            f,
            " for app `{}`, env `{}`, region `{}`",
            c.app, c.env, c.region
        )?;
    }
    if let Some(h) = &d.hint {
        write!(f, "\nhint: {h}")?;
    }
    Ok(())
}

/// Writes every diagnostic, separated by blank lines, then a summary line.
pub fn render_all(ds: &Diagnostics, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
        "error: {n} problem{} in {file}; nothing was sent to Azure",
        if n == 1 { "" } else { "s" }
    )
}
