//! Transport: kvinit's thin ARM layer over azure_core 1.x — the run's target and credential
//! chain, TLS trust, the pipeline and its policies (pacing, retry, counting, Ctrl-C, path
//! normalisation, null stripping, deprecation notices), long-running-operation polling and the
//! error type. It knows nothing about resource kinds beyond the api-version it is given.

pub mod client;
pub mod counting;
pub mod credential;
pub mod deprecation;
pub mod error;
pub mod interrupt;
pub mod json_body;
pub mod lro;
pub mod pacer;
pub mod pipeline;
pub mod retry;
pub mod target;
pub mod tls;
pub mod url_path;
