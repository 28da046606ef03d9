//! ARM's error answers: the `{"error": {"code", "message", "target", "details"}}` envelope with its
//! HTTP status. Owns the shape and the constructors for the codes the emulator uses; it decides
//! nothing about when an error applies (that is the routes' job).
//!
//! Sources of codes and messages are cited where each constructor is defined.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// One ARM error answer.
#[derive(Debug, Clone)]
pub(crate) struct ArmError {
    /// HTTP status.
    pub status: StatusCode,
    /// ARM's `error.code`.
    pub code: &'static str,
    /// ARM's `error.message`.
    pub message: String,
    /// ARM's `error.target` (a JSON path into the request body), if any.
    pub target: Option<String>,
    /// Nested `error.details`.
    pub details: Vec<Value>,
    /// Extra headers (e.g. `Retry-After` on 429).
    pub headers: Vec<(String, String)>,
}

impl ArmError {
    /// A plain error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            target: None,
            details: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Sets `error.target`.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The JSON body ARM sends.
    pub fn body(&self) -> Value {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(target) = &self.target {
            error["target"] = json!(target);
        }
        if !self.details.is_empty() {
            error["details"] = Value::Array(self.details.clone());
        }
        json!({ "error": error })
    }

    /// 400 `MissingApiVersionParameter` (ARM front door).
    pub fn missing_api_version() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    }

    /// 400 `InvalidApiVersionParameter` naming the version that is supported.
    pub fn invalid_api_version(given: &str, supported: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{given}' is invalid. The supported versions are '{supported}'."
            ),
        )
    }

    /// 401 `AuthenticationFailed`: no or malformed `Authorization` header.
    pub fn authentication_failed() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing or is not in the 'Bearer <token>' form.",
        )
        .with_header("WWW-Authenticate", "Bearer authorization_uri=\"emulator\", error=\"invalid_token\"")
    }

    /// 401 `InvalidAuthenticationToken`: a bearer token this emulator did not issue, or expired.
    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        )
        .with_header(
            "WWW-Authenticate",
            "Bearer authorization_uri=\"emulator\", error=\"invalid_token\"",
        )
    }

    /// 404 `ResourceGroupNotFound`.
    pub fn resource_group_not_found(rg: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            format!("Resource group '{rg}' could not be found."),
        )
    }

    /// 404 `ResourceNotFound` in ARM's wording (`type` is e.g. `Microsoft.KeyVault/vaults`).
    pub fn resource_not_found(rtype: &str, name: &str, rg: Option<&str>) -> Self {
        let place = match rg {
            Some(rg) => format!("under resource group '{rg}'"),
            None => "within the subscription".to_string(),
        };
        Self::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!(
                "The Resource '{rtype}/{name}' {place} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
            ),
        )
    }

    /// 404 `InvalidResourceType`: the path names a type the emulator (and kvinit) does not serve.
    pub fn invalid_resource_type(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!(
                "The resource type for '{path}' could not be found in the namespace for the api version given."
            ),
        )
    }

    /// 400 `InvalidRequestContent`: the body is not JSON or does not conform to the schema.
    pub fn invalid_request_content(detail: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: {detail}"),
        )
    }

    /// 400 `BadRequest` (Key Vault RP's generic validation code).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }
}
