//! Built-in role definitions (Microsoft.Authorization 2022-04-01): GET by GUID at any scope. Owns
//! the table of built-in roles the emulator knows (names and GUIDs as published in Azure's
//! built-in roles reference); it does not serve custom roles.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{Outcome, Reply, Req, method_not_allowed};
use crate::api_versions::current;
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};

/// (GUID, role name, description) of the built-in roles (source: Azure built-in roles reference).
pub(crate) const BUILTIN_ROLES: &[(&str, &str, &str)] = &[
    (
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Administrator",
        "Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets.",
    ),
    (
        "a4417e6f-fecd-4de8-b567-7b0420556985",
        "Key Vault Certificates Officer",
        "Perform any action on the certificates of a key vault, except manage permissions.",
    ),
    (
        "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
        "Key Vault Certificate User",
        "Read entire certificate contents including secret and key portion.",
    ),
    (
        "f25e0fa2-a7c8-4377-a976-54943a77a395",
        "Key Vault Contributor",
        "Manage key vaults, but does not allow you to assign roles in Azure RBAC.",
    ),
    (
        "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        "Key Vault Crypto Officer",
        "Perform any action on the keys of a key vault, except manage permissions.",
    ),
    (
        "e147488a-f6f5-4113-8e2d-b22465e65bf6",
        "Key Vault Crypto Service Encryption User",
        "Read metadata of keys and perform wrap/unwrap operations.",
    ),
    (
        "12338af0-0e69-4776-bea7-57ae8d297424",
        "Key Vault Crypto User",
        "Perform cryptographic operations using keys.",
    ),
    (
        "8b54135c-b56d-4d72-a534-26097cfdc8d8",
        "Key Vault Data Access Administrator",
        "Manage access to Azure Key Vault by adding or removing role assignments.",
    ),
    (
        "21090545-7ca7-4776-b22c-e363652d74d2",
        "Key Vault Reader",
        "Read metadata of key vaults and its certificates, keys, and secrets.",
    ),
    (
        "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        "Key Vault Secrets Officer",
        "Perform any action on the secrets of a key vault, except manage permissions.",
    ),
    (
        "4633458b-17de-408a-b874-0445c86b69e6",
        "Key Vault Secrets User",
        "Read secret contents.",
    ),
    (
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    ),
    (
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
    ),
    (
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "Reader",
        "View all resources, but does not allow you to make any changes.",
    ),
];

/// The built-in role with this GUID (lower case).
pub(crate) fn builtin(guid: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    BUILTIN_ROLES
        .iter()
        .find(|(g, _, _)| g.eq_ignore_ascii_case(guid))
}

/// This route's descriptor (registered in `routes::ROUTES`): a role definition by ID at any scope.
pub(crate) static ROUTE: Route = Route {
    paths: &[PathShape {
        name: ROLE_DEFINITION,
        pattern: "{scope}/providers/microsoft.authorization/roledefinitions/{id}",
    }],
    versions: &[current("2022-04-01", SPEC_2022_04_01)],
    operations: &[op(ROLE_DEFINITION, "GET", "RoleDefinitions_Get")],
    handle: |req, _| handle(req),
    settle: None,
    stored_types: &[],
};

/// The `{scope}/providers/microsoft.authorization/roledefinitions/{id}` path shape.
const ROLE_DEFINITION: &str = "RoleDefinition";
/// The 2022-04-01 spec file.
const SPEC_2022_04_01: SpecFile = spec_file!(
    "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json"
);

fn handle(req: &Req<'_>) -> Outcome {
    let t = &req.target;
    let (scope, id) = (t.param("scope"), t.param("id"));
    if req.method != Method::GET {
        return Err(method_not_allowed(req));
    }
    let Some((guid, name, description)) = builtin(id) else {
        return Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "RoleDefinitionDoesNotExist",
            format!("The specified role definition with ID '{id}' does not exist."),
        ));
    };
    let scope = if scope == "/" { "" } else { scope };
    Ok(Reply::json(
        StatusCode::OK,
        json!({
            "id": format!("{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
            "name": guid,
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "roleName": name,
                "type": "BuiltInRole",
                "description": description,
                "assignableScopes": ["/"],
                "permissions": [{"actions": [], "notActions": [], "dataActions": [], "notDataActions": []}],
            }
        }),
    ))
}
