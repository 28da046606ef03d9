//! The tenant a run's token is for, from the desired state. Pure.

use crate::resources::{DesiredState, ResourceKind};

/// The tenant the plan's vaults trust: the first vault body's `properties.tenantId`, or
/// `common` when the desired state has no vault. The embedded emulator issues its token for it.
pub fn tenant_of(desired: &DesiredState) -> String {
    desired
        .vaults
        .iter()
        .flat_map(|v| &v.resources)
        .find(|r| r.kind == ResourceKind::Vault)
        .and_then(|r| {
            r.body
                .to_value()
                .pointer("/properties/tenantId")
                .and_then(|t| t.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "common".to_string())
}
