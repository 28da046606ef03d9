//! Checks an answer the way `kvinit plan` would: puts it into the candidate plan, runs
//! `plan_file::parse` on the rendered YAML and keeps the problems reported at that field. Used
//! for values whose rule lives in plan validation rather than in `model::names` (retention,
//! tags, name patterns). Must not contain rules of its own.

use std::path::Path;

use crate::model::Plan;
use crate::plan_file::Diagnostics;
use crate::plan_file::schema::PlanFile;

/// Parses `plan` exactly as `kvinit plan` parses a file with this content.
pub fn parse(plan: &PlanFile, path: &Path) -> Result<Plan, Diagnostics> {
    crate::plan_file::parse(path, &crate::plan_file::render::render(plan))
}

/// The problems `plan_file::parse` reports at `field` or below it (e.g. `defaults.tags`),
/// each as one line "message; hint". Empty when the field is fine.
pub fn problems_at(plan: &PlanFile, path: &Path, field: &str) -> Vec<String> {
    let Err(diags) = parse(plan, path) else {
        return Vec::new();
    };
    diags
        .iter()
        .filter(|d| {
            d.field == field
                || d.field.starts_with(&format!("{field}."))
                || d.field.starts_with(&format!("{field}["))
        })
        .map(|d| match &d.hint {
            Some(h) => format!("{}; {h}", d.message),
            None => d.message.clone(),
        })
        .collect()
}

/// `Ok` when `plan` has no problem at `field`, otherwise the first problem as the reason.
pub fn field(plan: &PlanFile, path: &Path, field: &str) -> Result<(), String> {
    match problems_at(plan, path, field).into_iter().next() {
        Some(reason) => Err(reason),
        None => Ok(()),
    }
}
