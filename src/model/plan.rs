//! The validated plan: checked top-level values and the expanded matrix of cells, each with its
//! fully layered settings. Produced only by `plan_file::parse` (or the wizard through it); pure
//! data, no I/O.

use serde::Serialize;
use uuid::Uuid;

use crate::model::regions::Region;
use crate::model::settings::VaultSettings;

/// A validated plan. Every value is checked; `cells` is the matrix apps × environments ×
/// regions − exclude, in plan order (apps outermost, then environments, then regions).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Microsoft Entra tenant every vault trusts.
    pub tenant_id: Uuid,
    /// Regions in plan order.
    #[serde(serialize_with = "serialize_regions")]
    pub regions: Vec<&'static Region>,
    /// Environments in plan order.
    pub environments: Vec<PlanEnvironment>,
    /// App names in plan order.
    pub apps: Vec<String>,
    /// The matrix.
    pub cells: Vec<Cell>,
}

fn serialize_regions<S: serde::Serializer>(r: &[&'static Region], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(r.iter().map(|r| r.name))
}

/// One environment and its subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanEnvironment {
    /// Environment name (checked label).
    pub name: String,
    /// Lower-case GUID string.
    pub subscription_id: String,
}

/// One matrix cell: where its vault lives, what it is called, and its settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// App name.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// The region (serialised as its location name).
    #[serde(serialize_with = "serialize_region")]
    pub region: &'static Region,
    /// Lower-case GUID string.
    pub subscription_id: String,
    /// Checked vault name (3–24 characters, Key Vault rules).
    pub vault_name: String,
    /// Checked resource group name.
    pub resource_group: String,
    /// Settings after layering defaults < environment < app < overrides.
    pub settings: VaultSettings,
}

fn serialize_region<S: serde::Serializer>(r: &&'static Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name)
}
