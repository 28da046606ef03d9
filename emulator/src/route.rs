//! The descriptor of one emulator route: everything the request pipeline needs to know about a
//! resource type, declared once in the route's own file (`routes/<types>.rs`, its `ROUTE`) and
//! registered in one list ([`crate::routes::ROUTES`]): the path shapes it serves
//! ([`crate::target::Target::parse`] matches them), the api-versions it serves with their
//! lifecycle and the spec file each is validated with ([`crate::api_versions::check`]), the spec
//! operation each (shape, method) calls ([`crate::spec::operation_for`]), and its handler
//! ([`crate::routes::dispatch`]). No table elsewhere names a route's type.

use crate::api_versions::Version;
use crate::routes::Outcome;
use crate::routes::Req;
use crate::store::Store;

/// One emulator route (one ARM resource type, or a few that share their rules).
#[derive(Debug)]
pub(crate) struct Route {
    /// The path shapes this route answers, e.g. a lock and the list of locks at a scope.
    pub paths: &'static [PathShape],
    /// The api-versions served, newest first, each with its retirement and spec file.
    pub versions: &'static [Version],
    /// The spec operation each (path shape, method) calls; a pair not listed is not validated
    /// against a spec (and is answered by the handler, usually 405).
    pub operations: &'static [SpecOp],
    /// Answers one request whose path matched one of [`Route::paths`] (the store lock is held).
    pub handle: fn(&Req<'_>, &mut Store) -> Outcome,
    /// Work done on the store before every request, whatever its route (e.g. private endpoint
    /// connections approved after their delay); `None` for most routes.
    pub settle: Option<fn(&mut Store)>,
    /// ARM types (as ARM spells them, e.g. `Microsoft.KeyVault/vaults`) whose resources this
    /// route stores and whose existence is checked (never assumed) when one is the scope of
    /// another request (`routes::ensure_scope`); also how an error message spells the type.
    pub stored_types: &'static [&'static str],
}

/// One path shape of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathShape {
    /// The name a handler matches on, e.g. `"Lock"` (unique across routes).
    pub name: &'static str,
    /// The shape, `/`-separated: lower-case literals (matched case-insensitively) and
    /// `{param}` captures (one segment each, the request's casing kept). A leading `{scope}`
    /// makes an extension resource: `{scope}` is everything before the last occurrence of the
    /// literal part that follows it (`/` for the tenant root), e.g.
    /// `{scope}/providers/microsoft.authorization/locks/{name}`.
    pub pattern: &'static str,
}

/// The spec operation a (path shape, method) pair calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpecOp {
    /// [`PathShape::name`].
    pub shape: &'static str,
    /// The HTTP method, upper case (`PUT`, `GET`, …).
    pub method: &'static str,
    /// The swagger `operationId` in the version's spec file, e.g. `ManagementLocks_GetByScope`.
    pub id: &'static str,
}

/// `shape` answers `method` with the spec operation `id`.
pub(crate) const fn op(shape: &'static str, method: &'static str, id: &'static str) -> SpecOp {
    SpecOp { shape, method, id }
}

impl Route {
    /// The version named `api_version` (case-insensitive), else the oldest served (the spec file
    /// a request with an unknown version would be validated with, were it let through).
    pub fn version(&self, api_version: Option<&str>) -> Option<&'static Version> {
        self.versions
            .iter()
            .find(|v| api_version.is_some_and(|a| v.name.eq_ignore_ascii_case(a)))
            .or(self.versions.last())
    }

    /// The operation ID `shape` answers `method` with, if the spec defines one.
    pub fn operation_id(&self, shape: &str, method: &str) -> Option<&'static str> {
        self.operations
            .iter()
            .find(|o| o.shape == shape && o.method == method)
            .map(|o| o.id)
    }
}
