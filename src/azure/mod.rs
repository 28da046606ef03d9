//! The Azure adapter: the only module that imports `azure_*` and talks to ARM (credential,
//! clients, reads, writes, retry, pacing, request counting). It decides nothing.

pub mod caller;
pub mod clients;
pub mod counting;
pub mod credential;
pub mod error;
pub mod ids;
pub mod interrupt;
pub mod inventory;
pub mod json_body;
pub mod names;
pub mod observe;
pub mod pacer;
pub mod raw;
pub mod retry;
pub mod url_path;
pub mod write;

pub use clients::{ArmClients, ClientSettings};
pub use counting::{RequestCounter, RequestCounts};
pub use credential::Target;
pub use error::AzureError;
pub use names::NameStatus;
