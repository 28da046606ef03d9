//! Errors of the emulator's Rust API (start, state file, fault profile). It does not model ARM's
//! HTTP error answers; those live in `arm_error.rs`.

use std::path::PathBuf;

/// What can go wrong when starting, configuring or stopping the emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The listen address could not be bound (in use, not permitted, not local).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The state file exists but cannot be read or is not the emulator's JSON shape.
    #[error("state file {path}: {message}")]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// Another process (another kvinit or `kvinit emulator`) runs an emulator on this state
    /// file and holds its lock.
    #[error(
        "state file {} is in use by another kvinit process{}; wait for it to finish, or use another state file",
        path.display(),
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    StateInUse {
        /// The state file.
        path: PathBuf,
        /// The process holding the lock, when it could be read.
        pid: Option<u32>,
    },
    /// A fault profile (YAML) does not parse or has a value out of range.
    #[error("fault profile: {message}")]
    FaultProfile {
        /// What is wrong: names the field and the accepted values.
        message: String,
    },
    /// An instant for the emulator's clock is not RFC 3339.
    #[error("emulator clock: {message}")]
    Clock {
        /// The text given and the expected form.
        message: String,
    },
    /// The emulator's TLS certificate or configuration could not be made (not expected).
    #[error("emulator TLS: {0}")]
    Tls(String),
    /// The server task failed or panicked.
    #[error("emulator server: {0}")]
    Server(String),
}
