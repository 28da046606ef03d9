//! Tag keys kvinit adds to every resource it creates, naming the matrix cell (KV-SEP evidence).
//! The plan file may not set them itself.

/// `kvinit-app`: the cell's app name.
pub const TAG_APP: &str = "kvinit-app";
/// `kvinit-env`: the cell's environment name. See [`TAG_APP`].
pub const TAG_ENV: &str = "kvinit-env";
/// `kvinit-region`: the cell's Azure location name. See [`TAG_APP`].
pub const TAG_REGION: &str = "kvinit-region";
