//! The stable path of the desired state (`kvinit::model::desired::…`, used by tests, benches
//! and the Azure adapter): re-exports only. The types and their computation live with the
//! resource types in [`crate::resources`]; this module holds no code.

pub use crate::model::settings::OnSoftDeleted;
pub use crate::model::tags::{TAG_APP, TAG_ENV, TAG_REGION};
pub use crate::resources::desired::{
    DesiredResource, DesiredState, DesiredVault, PARALLEL_MIN_CELLS, desired_state,
    desired_state_with,
};
pub use crate::resources::diagnostic_setting::DIAGNOSTIC_SETTING_NAME;
pub use crate::resources::resource_group::SHARED_RESOURCE_GROUP_PATTERN;
pub use crate::resources::role_assignment::{
    ROLE_ASSIGNMENT_NAMESPACE, name as role_assignment_name,
};
pub use crate::resources::{BuiltResource, ResourceKind};
