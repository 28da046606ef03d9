//! The Azure adapter: the only module that imports `azure_*` and talks to ARM. Transport
//! (client, credential chain, pipeline policies, LRO) lives in [`arm`]; the files beside it
//! read, write and inventory resources through one [`ArmClient`]. It decides nothing.

pub mod arm;
pub mod caller;
pub mod ids;
pub mod inventory;
pub mod names;
pub mod observe;
pub mod subnets;
pub mod write;

pub use arm::client::{ArmClient, ArmResponse, ClientSettings};
pub use arm::counting::{RequestCounter, RequestCounts};
pub use arm::credential::{CredentialKind, CredentialSelection};
pub use arm::deprecation::{Deprecation, Deprecations};
pub use arm::error::AzureError;
pub use arm::target::Target;
pub use arm::{counting, error, interrupt, pacer, retry, url_path};
pub use names::NameStatus;
