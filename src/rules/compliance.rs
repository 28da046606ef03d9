//! Compliance of a planned desired state: every rule of [`super::audit_catalog`] evaluated on
//! each vault's desired resources. Held next to the [`DesiredState`] (index-aligned with its
//! vaults), not inside it: the rules sit above the resource types and the model.

use super::detail_pool::DetailPool;
use super::{RuleResult, VaultEvidence, evaluate_audit};
use crate::resources::{BuiltResource, DesiredState, desired_state_with};

/// The rule results of each planned vault, in the desired state's vault order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compliance {
    vaults: Vec<Vec<RuleResult>>,
}

impl Compliance {
    /// No results for any vault (e.g. a saved change set, whose rules were checked when it was
    /// planned).
    pub fn none() -> Self {
        Self::default()
    }

    /// The results of the vault at `index` of the desired state: one per rule of
    /// `audit_catalog()` (the plan rules, then KV-IPWIDE, KV-PRIV, KV-RETAIN); empty when
    /// nothing was evaluated.
    pub fn of(&self, index: usize) -> &[RuleResult] {
        self.vaults.get(index).map_or(&[], Vec::as_slice)
    }

    /// Every result of every vault, in vault order then rule order.
    pub fn iter(&self) -> impl Iterator<Item = &RuleResult> {
        self.vaults.iter().flatten()
    }
}

/// Computes the desired state of `plan` and evaluates every rule `kvinit audit` holds a vault
/// to (the audit-only ones included) on it, so a plan that an audit would flag (e.g. a /8 IP
/// rule, KV-IPWIDE) already fails in `kvinit plan`. The rules read each vault's bodies while
/// they are still JSON values (no second parse); equal detail texts share one allocation per
/// computing thread ([`DetailPool`]). Pure.
pub fn desired_state_with_compliance(plan: &crate::model::Plan) -> (DesiredState, Compliance) {
    let (state, vaults) = desired_state_with(plan, || {
        let mut details = DetailPool::default();
        move |resources: &[BuiltResource]| {
            let mut results = evaluate_audit(&VaultEvidence::from_resources(
                resources.iter().map(|r| (r.kind, r.id.as_str(), &r.body)),
            ));
            // Lives as long as the desired state: equal details share one text.
            for c in &mut results {
                c.detail = details.share(&c.detail);
            }
            results
        }
    });
    (state, Compliance { vaults })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rules::Status;

    #[test]
    fn results_are_per_vault_in_vault_order_and_match_the_bodies_the_state_keeps() {
        let text = "apiVersion: kvinit/v1\ntenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\nregions: [westeurope]\nenvironments: [{ name: dev, subscriptionId: 6f1c2a9e-4b7d-4e3a-9c1f-2d8e5b7a3c10 }]\napps: [{ name: app, settings: { purgeProtection: false } }, { name: other }]\n";
        let plan = crate::plan_file::parse(Path::new("p.yaml"), text).unwrap();
        let (state, compliance) = desired_state_with_compliance(&plan);
        assert_eq!(state, crate::resources::desired_state(&plan));
        assert_eq!(state.vaults.len(), 2);
        let pp = |i: usize| {
            compliance
                .of(i)
                .iter()
                .find(|c| c.rule == "KV-PP")
                .unwrap()
                .status
        };
        assert_eq!(pp(0), Status::Fail, "purgeProtection: false fails KV-PP");
        assert_eq!(pp(1), Status::Pass);
        for (i, v) in state.vaults.iter().enumerate() {
            let bodies: Vec<_> = v.resources.iter().map(|r| r.body.to_value()).collect();
            let again = evaluate_audit(&VaultEvidence::from_resources(
                v.resources
                    .iter()
                    .zip(&bodies)
                    .map(|(r, b)| (r.kind, r.id.as_str(), b)),
            ));
            assert_eq!(compliance.of(i), again.as_slice(), "vault {i}");
        }
        assert!(Compliance::none().of(0).is_empty());
    }
}
