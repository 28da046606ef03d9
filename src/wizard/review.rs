//! What the wizard shows before writing: the name preview of the whole matrix, the matrix table
//! (name, subscription, resource group, location) and the compliance summary. Pure text from
//! the values `plan_file::parse` and `desired_state` computed; must not compute names itself.

use std::fmt::Write;

use crate::model::plan::Plan;
use crate::resources::DesiredState;
use crate::rules::Status;

/// Left-aligned columns separated by two spaces, with a header row.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let text: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "  {}", text.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out.trim_end().to_string()
}

/// The generated names for every cell of the matrix, as the naming step previews them.
pub fn names_preview(plan: &Plan) -> String {
    let rows: Vec<Vec<String>> = plan
        .cells
        .iter()
        .map(|c| {
            vec![
                c.app.clone(),
                c.environment.clone(),
                c.region.name.to_string(),
                c.vault_name.clone(),
                c.resource_group.clone(),
            ]
        })
        .collect();
    format!(
        "Names for all {}:\n{}",
        crate::ui::count::vaults(plan.cells.len()),
        table(&["APP", "ENV", "REGION", "VAULT", "RESOURCE GROUP"], &rows)
    )
}

/// The vault matrix: name, subscription, resource group, location (the columns of
/// `kvinit plan`'s matrix).
pub fn matrix_table(state: &DesiredState) -> String {
    let rows: Vec<Vec<String>> = state
        .vaults
        .iter()
        .map(|v| {
            vec![
                v.name.clone(),
                v.subscription_id.clone(),
                v.resource_group.clone(),
                v.location.clone(),
            ]
        })
        .collect();
    format!(
        "Vault matrix ({}):\n{}",
        crate::ui::count::vaults(state.vaults.len()),
        table(
            &["NAME", "SUBSCRIPTION", "RESOURCE GROUP", "LOCATION"],
            &rows
        )
    )
}

/// One line per rule ID: how many vaults pass, and the first failure's detail.
pub fn compliance_summary(state: &DesiredState, compliance: &crate::rules::Compliance) -> String {
    let mut rules: Vec<(&'static str, usize, usize, Option<String>)> = Vec::new();
    for (i, vault) in state.vaults.iter().enumerate() {
        for r in compliance.of(i) {
            let idx = match rules.iter().position(|(id, ..)| *id == r.rule) {
                Some(i) => i,
                None => {
                    rules.push((r.rule, 0, 0, None));
                    rules.len() - 1
                }
            };
            let entry = &mut rules[idx];
            entry.2 += 1;
            match r.status {
                Status::Pass => entry.1 += 1,
                Status::Fail => {
                    entry
                        .3
                        .get_or_insert_with(|| format!("{}: {}", vault.name, r.detail));
                }
            }
        }
    }
    let mut out = String::from("Compliance:");
    for (rule, pass, total, failure) in rules {
        let mark = if pass == total { "pass" } else { "FAIL" };
        let _ = write!(out, "\n  {rule:<9} {mark}  {pass}/{total} vaults");
        if let Some(f) = failure {
            let _ = write!(out, "  ({f})");
        }
    }
    out
}
