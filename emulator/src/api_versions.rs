//! The api-version lifecycle: per ARM resource type, the api-versions the emulator serves, which
//! of them are retiring and when, and ARM's answers — 400 `InvalidApiVersionParameter` for a
//! version that is not (or no longer) supported, listing the supported ones, and the
//! `azure-deprecating` response header while a retiring version still works. Owns the check;
//! each route declares its versions (`Route::versions`, in its own file). It does not look at
//! bodies (the spec for each version is `spec.rs`'s business).
//!
//! Sources:
//! * Key Vault: every control-plane api-version before `2026-02-01` retires on 2027-02-27, with no
//!   extension (learn.microsoft.com/azure/key-vault/general/migrate-api-version).
//! * Message: ARM's "The api-version '{given}' is invalid. The supported versions are
//!   '{newest},…'." (e.g. Azure/azure-sdk-for-net#2276, hashicorp/vault-plugin-secrets-azure#13).
//! * Header: the Azure REST API guidelines' `azure-deprecating` header, a semicolon-delimited
//!   list of "what retires, when, and a link" notices, e.g.
//!   `API version 2022-02-01-preview will retire on 2027-02-27 (https://…)`.

use time::OffsetDateTime;
use time::macros::datetime;

use crate::arm_error::ArmError;
use crate::spec::SpecFile;
use crate::target::Target;

/// One served api-version of a resource type (a route's [`crate::route::Route::versions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Version {
    /// The api-version, e.g. `2026-02-01`.
    pub name: &'static str,
    /// When it stops working (refused from this instant on), with the page that says so.
    pub retires: Option<(OffsetDateTime, &'static str)>,
    /// The official spec file its requests (and, where checked, answers) are validated with.
    pub spec: SpecFile,
}

/// A version that is not retiring, validated with `spec`.
pub(crate) const fn current(name: &'static str, spec: SpecFile) -> Version {
    Version {
        name,
        retires: None,
        spec,
    }
}

/// Key Vault's retirement of every control-plane api-version before 2026-02-01.
pub const KEYVAULT_RETIREMENT: OffsetDateTime = datetime!(2027-02-27 00:00:00 UTC);
/// The page that announces [`KEYVAULT_RETIREMENT`].
pub(crate) const KEYVAULT_MIGRATE: &str =
    "https://learn.microsoft.com/azure/key-vault/general/migrate-api-version";

/// What the api-version check decided for a request that may proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// The api-version, as served (exact spelling from the table).
    pub version: &'static str,
    /// The `azure-deprecating` header value when the version is retiring.
    pub deprecating: Option<String>,
}

/// Checks the request's api-version for `target` at the emulator's `now`.
///
/// # Errors
/// 400 `MissingApiVersionParameter` without one; 400 `InvalidApiVersionParameter` for a version
/// not served or retired at `now`, listing the versions supported at `now`, newest first.
pub(crate) fn check(
    target: &Target,
    given: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<Accepted>, ArmError> {
    let Some(versions) = target.route().map(|r| r.versions) else {
        return Ok(None);
    };
    let Some(given) = given else {
        return Err(ArmError::missing_api_version());
    };
    let live = |v: &&Version| v.retires.is_none_or(|(at, _)| now < at);
    let found = versions
        .iter()
        .filter(live)
        .find(|v| v.name.eq_ignore_ascii_case(given));
    match found {
        Some(v) => Ok(Some(Accepted {
            version: v.name,
            deprecating: v.retires.map(|(at, link)| {
                format!(
                    "API version {} will retire on {} ({link})",
                    v.name,
                    at.date()
                )
            }),
        })),
        None => {
            let supported: Vec<&str> = versions.iter().filter(live).map(|v| v.name).collect();
            Err(ArmError::invalid_api_version(given, &supported.join(",")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Target {
        Target::parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv")
    }

    #[test]
    fn old_key_vault_versions_work_with_a_notice_until_the_retirement_then_are_refused() {
        let before = datetime!(2027-02-26 23:59:59 UTC);
        let ok = check(&vault(), Some("2022-02-01-preview"), before)
            .unwrap()
            .unwrap();
        assert_eq!(
            ok.deprecating.as_deref(),
            Some(
                "API version 2022-02-01-preview will retire on 2027-02-27 (https://learn.microsoft.com/azure/key-vault/general/migrate-api-version)"
            )
        );
        let new = check(&vault(), Some("2026-02-01"), before)
            .unwrap()
            .unwrap();
        assert_eq!(new.deprecating, None);
        let err = check(&vault(), Some("2022-02-01-preview"), KEYVAULT_RETIREMENT).unwrap_err();
        assert_eq!(err.status.as_u16(), 400);
        assert_eq!(err.code, "InvalidApiVersionParameter");
        assert_eq!(
            err.message,
            "The api-version '2022-02-01-preview' is invalid. The supported versions are '2026-02-01'."
        );
        let unknown = check(&vault(), Some("2019-09-01"), before).unwrap_err();
        assert!(
            unknown
                .message
                .ends_with("The supported versions are '2026-02-01,2022-02-01-preview'."),
            "{}",
            unknown.message
        );
        assert_eq!(
            check(&vault(), None, before).unwrap_err().code,
            "MissingApiVersionParameter"
        );
        assert_eq!(check(&Target::parse("/x"), None, before).unwrap(), None);
    }
}
