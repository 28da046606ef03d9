//! `kvinit audit`'s domain: what was observed on existing vaults ([`observed`]), the findings the
//! rules of [`crate::rules::audit_catalog`] produce on it ([`report`], [`finding`]), what
//! compliant looks like and how to fix each rule ([`remedy`]), the `--fail-on` threshold
//! ([`threshold`]), the renderings (table, JSON, SARIF 2.1.0) and the rules reference pages
//! ([`docs`]). Pure: no I/O, no tokio, no `azure_*` — the Azure adapter fills [`Observed`].

pub mod docs;
pub mod finding;
pub mod json;
pub mod observed;
pub mod remedy;
pub mod report;
pub mod sarif;
pub mod table;
pub mod threshold;

pub use finding::Finding;
pub use observed::{Observed, ObservedVault};
pub use report::{AuditReport, audit};
