//! The adapter's error type: ARM's status, code and message, sanitised. It must never carry
//! request details (headers, tokens, URLs with secrets): azure_core errors are reduced to what a
//! user needs before they leave this module.

use std::fmt;

use serde::Serialize;

/// An ARM call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AzureError {
    /// HTTP status, when ARM answered (absent for connection or credential failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// ARM's `error.code` (e.g. `VaultAlreadyExists`), or a kvinit code such as
    /// `CredentialUnavailable`, `ConnectionFailed`, `Timeout`, `LongRunningOperationFailed`.
    pub code: String,
    /// ARM's `error.message`, or a sanitised description.
    pub message: String,
}

impl AzureError {
    /// A kvinit-made error (no HTTP status).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: None,
            code: code.into(),
            message: message.into(),
        }
    }

    /// Whether ARM answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    /// Reduces an azure_core error to status, ARM code and ARM message. Non-HTTP errors keep
    /// only their kind: their text can include request details.
    pub fn from_core(err: &azure_core::Error) -> Self {
        use azure_core::error::ErrorKind;
        if let Some(http) = err.as_http_error() {
            let status = u16::from(http.status());
            return Self {
                status: Some(status),
                code: http
                    .error_code()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("Http{status}")),
                message: http
                    .error_message()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("ARM answered HTTP {status}")),
            };
        }
        match err.kind() {
            ErrorKind::HttpResponse { status, error_code } => {
                let status = u16::from(*status);
                Self {
                    status: Some(status),
                    code: error_code
                        .clone()
                        .unwrap_or_else(|| format!("Http{status}")),
                    message: format!("ARM answered HTTP {status}"),
                }
            }
            ErrorKind::Credential => Self::new(
                "CredentialUnavailable",
                "could not get an access token for ARM (check `az login`, the AZURE_* \
                 environment variables or the managed identity)",
            ),
            ErrorKind::Io => {
                let timed_out = err.to_string().contains(super::retry::TIMEOUT_MARKER);
                if timed_out {
                    Self::new("Timeout", "ARM did not answer in time (retries exhausted)")
                } else {
                    Self::new(
                        "ConnectionFailed",
                        "could not reach ARM (retries exhausted)",
                    )
                }
            }
            ErrorKind::DataConversion => Self::new(
                "UnexpectedResponse",
                "ARM's answer did not match the expected shape",
            ),
            _ => Self::new("RequestFailed", "the ARM request failed"),
        }
    }
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AzureError {}

impl From<azure_core::Error> for AzureError {
    fn from(err: azure_core::Error) -> Self {
        Self::from_core(&err)
    }
}
