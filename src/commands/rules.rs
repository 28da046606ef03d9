//! `kvinit rules [ID]`: lists the compliance rules, or prints one rule's page — the same page as
//! `docs/rules/<ID>.md`, from the binary, so a SARIF `helpUri` or a finding's rule ID can be
//! looked up offline. An unknown ID exits 2 with the closest IDs. Glue only: the rules live in
//! `rules`, their pages in `audit::docs`.

use crate::audit::docs;
use crate::cli::{RulesArgs, RulesFormat};
use crate::exit::ExitCode;
use crate::rules::audit_catalog;
use crate::ui::{rules_view, structured};

/// Runs `kvinit rules`.
pub fn run(args: RulesArgs) -> ExitCode {
    let Some(id) = &args.id else {
        let rules = audit_catalog();
        let all: Vec<serde_json::Value> = rules.iter().map(rules_view::to_json).collect();
        crate::ui::output::stdout(&match args.output {
            RulesFormat::Table => rules_view::render_table(rules),
            RulesFormat::Json => structured::json(&all),
            RulesFormat::Yaml => structured::yaml(&all),
        });
        return ExitCode::Success;
    };
    match docs::find_rule(id) {
        Ok(rule) => {
            crate::ui::output::stdout(&match args.output {
                RulesFormat::Table => docs::page_body(rule),
                RulesFormat::Json => structured::json(&rules_view::to_json(rule)),
                RulesFormat::Yaml => structured::yaml(&rules_view::to_json(rule)),
            });
            ExitCode::Success
        }
        Err(closest) => {
            crate::errln!("error: no rule `{id}`");
            let quoted = |ids: &mut dyn Iterator<Item = &str>| {
                ids.map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if closest.is_empty() {
                let all = quoted(&mut audit_catalog().iter().map(|r| r.id));
                crate::errln!("hint: the rules are {all}; `kvinit rules` lists them");
            } else {
                let close = quoted(&mut closest.iter().copied());
                crate::errln!("hint: did you mean {close}? `kvinit rules` lists every rule");
            }
            ExitCode::BadInput
        }
    }
}
