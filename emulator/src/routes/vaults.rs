//! `Microsoft.KeyVault/vaults` (2026-02-01 and the retiring 2022-02-01-preview): PUT (create, update, `createMode: recover`),
//! PATCH, GET, DELETE (→ soft delete; 409 `ScopeLocked` under a management lock), lists by resource group and subscription, and
//! `checkNameAvailability`. Owns Key Vault's rules: global names, soft-deleted names, purge
//! protection that cannot be turned off, immutable retention, VNet rules that need the
//! `Microsoft.KeyVault` service endpoint, and creation as a long-running operation.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{
    Outcome, Reply, Req, body, ensure_rg, list_reply, list_under, method_not_allowed, system_data,
    tags_of, visible,
};
use crate::api_versions::{KEYVAULT_MIGRATE, KEYVAULT_RETIREMENT, Version, current};
use crate::arm_error::ArmError;
use crate::route::{PathShape, Route, op};
use crate::spec::{SpecFile, spec_file};
use crate::store::{DeletedVault, Store};
use crate::target::{deleted_vault_id, parse_resource_id, rg_id, vault_id};

/// `Microsoft.KeyVault` (vaults, deleted vaults, checkNameAvailability), newest first: every
/// control-plane api-version before `2026-02-01` retires on 2027-02-27, with no extension
/// (learn.microsoft.com/azure/key-vault/general/migrate-api-version).
pub(crate) const VERSIONS: &[Version] = &[
    current("2026-02-01", SPEC_2026_02_01),
    Version {
        name: "2022-02-01-preview",
        retires: Some((KEYVAULT_RETIREMENT, KEYVAULT_MIGRATE)),
        spec: SPEC_2022_02_01_PREVIEW,
    },
];
/// The 2026-02-01 spec file: TypeSpec-generated `openapi.json` (its network-security-perimeter
/// operations reference files that do not exist upstream and are never compiled).
const SPEC_2026_02_01: SpecFile = spec_file!(
    "keyvault/resource-manager/Microsoft.KeyVault/KeyVault/stable/2026-02-01/openapi.json"
);
/// The 2022-02-01-preview spec file.
const SPEC_2022_02_01_PREVIEW: SpecFile = spec_file!(
    "keyvault/resource-manager/Microsoft.KeyVault/preview/2022-02-01-preview/keyvault.json"
);

/// Key Vault's resource type.
pub(crate) const VAULT_TYPE: &str = "Microsoft.KeyVault/vaults";

/// Message for an invalid vault name (source: Azure naming rules for Microsoft.KeyVault/vaults,
/// and `checkNameAvailability`'s `AccountNameInvalid` answer).
const NAME_RULE: &str = "Vault name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.";

/// Whether `name` is a valid vault name: 3–24 characters, ASCII letters, digits and hyphens,
/// starts with a letter, ends with a letter or digit, no `--`.
pub(crate) fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=24).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && !name.contains("--")
}

/// This route's descriptor (registered in `routes::ROUTES`): Vaults, vaults by resource group and subscription, and `checkNameAvailability`.
pub(crate) static ROUTE: Route = Route {
    paths: &[
        PathShape {
            name: VAULT,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.keyvault/vaults/{name}",
        },
        PathShape {
            name: VAULTS_IN_GROUP,
            pattern: "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.keyvault/vaults",
        },
        PathShape {
            name: VAULTS_IN_SUBSCRIPTION,
            pattern: "subscriptions/{sub}/providers/microsoft.keyvault/vaults",
        },
        PathShape {
            name: CHECK_VAULT_NAME,
            pattern: "subscriptions/{sub}/providers/microsoft.keyvault/checknameavailability",
        },
    ],
    versions: VERSIONS,
    operations: &[
        op(VAULT, "PUT", "Vaults_CreateOrUpdate"),
        op(VAULT, "PATCH", "Vaults_Update"),
        op(VAULT, "GET", "Vaults_Get"),
        op(VAULT, "DELETE", "Vaults_Delete"),
        op(VAULTS_IN_GROUP, "GET", "Vaults_ListByResourceGroup"),
        op(VAULTS_IN_SUBSCRIPTION, "GET", "Vaults_ListBySubscription"),
        op(CHECK_VAULT_NAME, "POST", "Vaults_CheckNameAvailability"),
    ],
    handle,
    settle: None,
    stored_types: &["Microsoft.KeyVault/vaults"],
};

/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.keyvault/vaults/{name}` path shape.
pub(crate) const VAULT: &str = "Vault";
/// The `subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.keyvault/vaults` path shape.
const VAULTS_IN_GROUP: &str = "VaultsInGroup";
/// The `subscriptions/{sub}/providers/microsoft.keyvault/vaults` path shape.
const VAULTS_IN_SUBSCRIPTION: &str = "VaultsInSubscription";
/// The `subscriptions/{sub}/providers/microsoft.keyvault/checknameavailability` path shape.
pub(crate) const CHECK_VAULT_NAME: &str = "CheckVaultName";

fn handle(req: &Req<'_>, store: &mut Store) -> Outcome {
    let t = &req.target;
    let (sub, rg, name) = (t.param("sub"), t.param("rg"), t.param("name"));
    match (req.target.shape, &req.method) {
        (VAULT, &Method::PUT) => put(req, store, sub, rg, name),
        (VAULT, &Method::PATCH) => patch(req, store, sub, rg, name),
        (VAULT, &Method::GET) => get(req, store, sub, rg, name),
        (VAULT, &Method::DELETE) => delete(req, store, sub, rg, name),
        (VAULTS_IN_GROUP, &Method::GET) => {
            ensure_rg(store, sub, rg)?;
            list_reply(list_under(req, store, &rg_id(sub, rg), VAULT_TYPE))
        }
        (VAULTS_IN_SUBSCRIPTION, &Method::GET) => list_reply(list_under(
            req,
            store,
            &format!("/subscriptions/{sub}"),
            VAULT_TYPE,
        )),
        (CHECK_VAULT_NAME, &Method::POST) => check_name(req, store),
        _ => Err(method_not_allowed(req)),
    }
}

fn not_found(rg: &str, name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!(
            "The Resource 'Microsoft.KeyVault/vaults/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        ),
    )
}

fn get(req: &Req<'_>, store: &Store, sub: &str, rg: &str, name: &str) -> Outcome {
    ensure_rg(store, sub, rg)?;
    let id = vault_id(sub, rg, name);
    match store.get(&id) {
        Some(v) if visible(req, store, &id) => Ok(Reply::json(StatusCode::OK, v.clone())),
        _ => Err(not_found(rg, name)),
    }
}

/// An active vault with this name anywhere (any subscription, any resource group).
fn active_named<'s>(store: &'s Store, name: &str) -> Option<(&'s String, &'s Value)> {
    let suffix = format!("/{}", name.to_ascii_lowercase());
    store.iter().find(|(k, v)| {
        k.ends_with(&suffix)
            && v.get("type").and_then(Value::as_str) == Some(VAULT_TYPE)
            && parse_resource_id(k).is_some_and(|(_, _, _, n)| n.eq_ignore_ascii_case(name))
    })
}

/// A soft-deleted vault with this name anywhere: (its key, entry).
fn deleted_named<'s>(store: &'s Store, name: &str) -> Option<(&'s String, &'s DeletedVault)> {
    store.state.deleted_vaults.iter().find(|(k, _)| {
        k.rsplit('/')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

fn deleted_sub(key: &str) -> String {
    key.split('/').nth(2).unwrap_or_default().to_string()
}

/// 400 for `enablePurgeProtection: false` (source: Key Vault RP, message as returned by ARM; see
/// Azure/azure-rest-api-specs#18106).
fn purge_protection_false() -> ArmError {
    ArmError::bad_request(
        "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.",
    )
    .with_target("properties.enablePurgeProtection")
}

/// Checks the refusals shared by PUT and PATCH: `sent` is the request's `properties`, `existing`
/// the stored vault's properties (None on create).
fn check_rules(
    req: &Req<'_>,
    store: &Store,
    sent: &Value,
    existing: Option<&Value>,
) -> Result<(), ArmError> {
    if sent.get("enablePurgeProtection") == Some(&Value::Bool(false)) {
        return Err(purge_protection_false());
    }
    if let (Some(old), Some(new)) = (
        existing
            .and_then(|e| e.get("softDeleteRetentionInDays"))
            .and_then(Value::as_i64),
        sent.get("softDeleteRetentionInDays")
            .and_then(Value::as_i64),
    ) && old != new
    {
        // Source: Key Vault soft-delete overview — "Once set, the retention policy interval
        // cannot be changed."
        return Err(ArmError::bad_request(format!(
                "The property \"softDeleteRetentionInDays\" has been set already and it can't be modified (current value {old}, requested {new}). Once set, the retention policy interval of a vault cannot be changed."
            ))
            .with_target("properties.softDeleteRetentionInDays"));
    }
    if let Some(days) = sent
        .get("softDeleteRetentionInDays")
        .and_then(Value::as_i64)
        && !(7..=90).contains(&days)
    {
        return Err(ArmError::bad_request(format!(
            "The property \"softDeleteRetentionInDays\" must be between 7 and 90 (given {days})."
        ))
        .with_target("properties.softDeleteRetentionInDays"));
    }
    if sent.get("enableSoftDelete") == Some(&Value::Bool(false)) {
        return Err(ArmError::bad_request(
            "The property \"enableSoftDelete\" cannot be set to false. Soft delete is always on for new vaults and cannot be disabled.",
        )
        .with_target("properties.enableSoftDelete"));
    }
    let rules = sent
        .pointer("/networkAcls/virtualNetworkRules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, rule) in rules.iter().enumerate() {
        let Some(subnet_id) = rule.get("id").and_then(Value::as_str) else {
            continue;
        };
        if rule.get("ignoreMissingVnetServiceEndpoint") == Some(&Value::Bool(true)) {
            continue;
        }
        check_subnet(req, store, subnet_id, i)?;
    }
    Ok(())
}

/// A VNet rule's subnet must exist and have the `Microsoft.KeyVault` service endpoint (source:
/// the Network RP's `SubnetsHaveNoServiceEndpointsConfigured`, as surfaced when creating a Key
/// Vault with such a rule — hashicorp/terraform-provider-azurerm#11759, Azure/avdaccelerator#818).
fn check_subnet(
    req: &Req<'_>,
    store: &Store,
    subnet_id: &str,
    index: usize,
) -> Result<(), ArmError> {
    let target = format!("properties.networkAcls.virtualNetworkRules[{index}].id");
    let segs: Vec<&str> = subnet_id.split('/').filter(|s| !s.is_empty()).collect();
    let well_formed = segs.len() == 10
        && segs[0].eq_ignore_ascii_case("subscriptions")
        && segs[2].eq_ignore_ascii_case("resourcegroups")
        && segs[5].eq_ignore_ascii_case("microsoft.network")
        && segs[6].eq_ignore_ascii_case("virtualnetworks")
        && segs[8].eq_ignore_ascii_case("subnets");
    if !well_formed {
        return Err(ArmError::bad_request(format!(
            "The virtual network rule '{subnet_id}' is not a valid subnet resource ID (/subscriptions/{{id}}/resourceGroups/{{rg}}/providers/Microsoft.Network/virtualNetworks/{{vnet}}/subnets/{{subnet}})."
        ))
        .with_target(target));
    }
    let has_endpoint = match store.get(subnet_id) {
        Some(subnet) => subnet
            .pointer("/properties/serviceEndpoints")
            .and_then(Value::as_array)
            .is_some_and(|eps| {
                eps.iter().any(|e| {
                    e.get("service")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("Microsoft.KeyVault"))
                })
            }),
        None if req.app.assume_referenced_exist => true,
        None => {
            return Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "InvalidResourceReference",
                format!("Resource {subnet_id} referenced by resource {} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", req.path),
            )
            .with_target(target));
        }
    };
    if has_endpoint {
        Ok(())
    } else {
        let vnet_id = segs[..8].join("/");
        Err(ArmError::bad_request(format!(
            "Subnets {} of virtual network /{vnet_id} do not have ServiceEndpoints for Microsoft.KeyVault resources configured. Add Microsoft.KeyVault to subnet's ServiceEndpoints collection before trying to ACL Microsoft.KeyVault resources to these subnets.",
            segs[9]
        ))
        .with_target(target)
        .code_as("SubnetsHaveNoServiceEndpointsConfigured"))
    }
}

impl ArmError {
    /// Replaces the code (keeps status and message).
    fn code_as(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }
}

/// The api-version from which `enableRbacAuthorization` defaults to `true` on create (source:
/// the 2026-02-01 spec's `VaultProperties.enableRbacAuthorization` `"default": true`, and
/// learn.microsoft.com/azure/key-vault/general/access-control-default); before it, `false`.
const RBAC_BY_DEFAULT_FROM: &str = "2026-02-01";

/// `enableRbacAuthorization`'s default for a vault created with `api_version`.
fn rbac_default(api_version: Option<&str>) -> bool {
    api_version.is_some_and(|v| v >= RBAC_BY_DEFAULT_FROM && !v.ends_with("-preview"))
}

/// Server-computed properties and defaults, as Key Vault returns them (`rbac_default`: the
/// value `enableRbacAuthorization` takes when absent).
fn complete_properties(
    name: &str,
    props: &mut Map<String, Value>,
    provisioning: bool,
    rbac_default: bool,
) {
    props.insert(
        "vaultUri".into(),
        json!(format!(
            "https://{}.vault.azure.net/",
            name.to_ascii_lowercase()
        )),
    );
    props.entry("accessPolicies").or_insert_with(|| json!([]));
    props.entry("enabledForDeployment").or_insert(json!(false));
    props
        .entry("enabledForDiskEncryption")
        .or_insert(json!(false));
    props
        .entry("enabledForTemplateDeployment")
        .or_insert(json!(false));
    props.entry("enableSoftDelete").or_insert(json!(true));
    props
        .entry("softDeleteRetentionInDays")
        .or_insert(json!(90));
    props
        .entry("enableRbacAuthorization")
        .or_insert(json!(rbac_default));
    props
        .entry("publicNetworkAccess")
        .or_insert(json!("Enabled"));
    props.remove("createMode");
    props.insert(
        "provisioningState".into(),
        json!(if provisioning {
            "RegisteringDns"
        } else {
            "Succeeded"
        }),
    );
}

fn put(req: &Req<'_>, store: &mut Store, sub: &str, rg: &str, name: &str) -> Outcome {
    let body = body(req)?;
    if !valid_name(name) {
        return Err(ArmError::bad_request(format!(
            "The vault name '{name}' is invalid. {NAME_RULE}"
        ))
        .code_as("VaultNameNotValid"));
    }
    ensure_rg(store, sub, rg)?;
    let id = vault_id(sub, rg, name);
    let sent = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    let location = body
        .get("location")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let create_mode = sent
        .get("createMode")
        .and_then(Value::as_str)
        .unwrap_or("default");

    if create_mode.eq_ignore_ascii_case("recover") {
        return recover(req, store, sub, name, &id, &location);
    }

    let existing = store.get(&id).cloned();
    if let Some(existing) = &existing {
        let old_props = existing.get("properties").cloned().unwrap_or_default();
        check_rules(req, store, &sent, Some(&old_props))?;
        let mut props = sent.as_object().cloned().unwrap_or_default();
        // Purge protection, once on, stays on even when a PUT omits it.
        if old_props.get("enablePurgeProtection") == Some(&Value::Bool(true)) {
            props.insert("enablePurgeProtection".into(), json!(true));
        }
        if !props.contains_key("softDeleteRetentionInDays")
            && let Some(days) = old_props.get("softDeleteRetentionInDays")
        {
            props.insert("softDeleteRetentionInDays".into(), days.clone());
        }
        // Private endpoint connections are read-only: the Network RP keeps them, not the PUT.
        if let Some(pecs) = old_props.get("privateEndpointConnections") {
            props.insert("privateEndpointConnections".into(), pecs.clone());
        }
        // From 2026-02-01 an update that omits the permission model keeps the vault's (the
        // new default applies to creation only).
        if rbac_default(req.api_version)
            && !props.contains_key("enableRbacAuthorization")
            && let Some(rbac) = old_props.get("enableRbacAuthorization")
        {
            props.insert("enableRbacAuthorization".into(), rbac.clone());
        }
        let provisioning = store
            .provisioning_until
            .contains_key(&id.to_ascii_lowercase());
        complete_properties(
            name,
            &mut props,
            provisioning,
            rbac_default(req.api_version),
        );
        let updated = json!({
            "id": existing["id"], "name": existing["name"], "type": VAULT_TYPE,
            "location": existing["location"], "tags": tags_of(&body),
            "systemData": system_data(req, Some(existing)),
            "properties": props,
        });
        store.put(&id, updated.clone(), false);
        let mut reply = Reply::json(StatusCode::OK, updated);
        add_lro_headers(&mut reply, store, &id);
        return Ok(reply);
    }

    if active_named(store, name).is_some() {
        return Err(vault_already_exists(name));
    }
    if let Some((key, _)) = deleted_named(store, name) {
        if deleted_sub(key).eq_ignore_ascii_case(sub) {
            return Err(ArmError::new(
                StatusCode::CONFLICT,
                "ConflictError",
                "A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
            ));
        }
        return Err(vault_already_exists(name));
    }
    check_rules(req, store, &sent, None)?;
    let mut props = sent.as_object().cloned().unwrap_or_default();
    let provisioning_ms = req.app.faults.profile.provisioning_ms;
    complete_properties(
        name,
        &mut props,
        provisioning_ms > 0,
        rbac_default(req.api_version),
    );
    let created = json!({
        "id": id, "name": name, "type": VAULT_TYPE, "location": location,
        "tags": tags_of(&body),
        "systemData": system_data(req, None),
        "properties": props,
    });
    if provisioning_ms > 0 {
        store.provisioning_until.insert(
            id.to_ascii_lowercase(),
            Instant::now() + Duration::from_millis(provisioning_ms),
        );
    }
    store.put(&id, created.clone(), true);
    let mut reply = Reply::json(StatusCode::CREATED, created);
    add_lro_headers(&mut reply, store, &id);
    Ok(reply)
}

/// While a vault is provisioning, the PUT answer carries `Retry-After` (seconds) so the
/// azure_core long-running-operation poller re-checks soon (its default is 30 s).
fn add_lro_headers(reply: &mut Reply, store: &Store, id: &str) {
    if let Some(until) = store.provisioning_until.get(&id.to_ascii_lowercase()) {
        let left = until.saturating_duration_since(Instant::now());
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        reply
            .headers
            .push(("Retry-After".into(), secs.max(1).to_string()));
    }
}

/// 409 `VaultAlreadyExists` (source: Key Vault RP's answer for a name taken anywhere; see
/// Azure/azure-powershell#15115).
fn vault_already_exists(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "VaultAlreadyExists",
        format!(
            "The vault name '{name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name. For more information on VaultAlreadyExists, soft delete and purging a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740."
        ),
    )
}

/// `createMode: recover`: restores the soft-deleted vault of this subscription exactly as it was
/// (its old properties and tags, not the request's). Nothing to recover →
/// 400 `SoftDeletedVaultDoesNotExist` (source: hashicorp/terraform-provider-azurerm#12972).
fn recover(
    req: &Req<'_>,
    store: &mut Store,
    sub: &str,
    name: &str,
    id: &str,
    location: &str,
) -> Outcome {
    let key = store
        .state
        .deleted_vaults
        .keys()
        .find(|k| {
            deleted_sub(k).eq_ignore_ascii_case(sub)
                && k.rsplit('/')
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .cloned();
    let Some(key) = key else {
        return Err(ArmError::bad_request(format!(
            "A soft deleted vault with the given name '{name}' does not exist in subscription '{sub}'. Ensure that the name for the vault that is being attempted to recover is in a recoverable state. For more information on soft delete please follow this link https://go.microsoft.com/fwlink/?linkid=2149745"
        ))
        .code_as("SoftDeletedVaultDoesNotExist"));
    };
    let Some(entry) = store.state.deleted_vaults.get(&key).cloned() else {
        return Err(ArmError::bad_request(
            "The soft-deleted vault disappeared while recovering; retry.",
        ));
    };
    let old_location = entry
        .vault
        .get("location")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !location.is_empty() && !location.eq_ignore_ascii_case(old_location) {
        return Err(ArmError::bad_request(format!(
            "The location '{location}' does not match the location '{old_location}' of the soft-deleted vault '{name}'. Recover the vault in its original location."
        ))
        .with_target("location"));
    }
    store.state.deleted_vaults.remove(&key);
    let mut vault = entry.vault.clone();
    vault["id"] = json!(id);
    vault["name"] = json!(name);
    vault["systemData"] = system_data(req, Some(&entry.vault));
    if let Some(ps) = vault.pointer_mut("/properties/provisioningState") {
        *ps = json!("Succeeded");
    }
    store.put(id, vault.clone(), true);
    Ok(Reply::json(StatusCode::OK, vault))
}

fn patch(req: &Req<'_>, store: &mut Store, sub: &str, rg: &str, name: &str) -> Outcome {
    let body = body(req)?;
    ensure_rg(store, sub, rg)?;
    let id = vault_id(sub, rg, name);
    let Some(existing) = store.get(&id).cloned() else {
        return Err(not_found(rg, name));
    };
    let old_props = existing.get("properties").cloned().unwrap_or_default();
    let sent = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    check_rules(req, store, &sent, Some(&old_props))?;
    let mut props = old_props.as_object().cloned().unwrap_or_default();
    for (k, v) in sent.as_object().cloned().unwrap_or_default() {
        props.insert(k, v);
    }
    if old_props.get("enablePurgeProtection") == Some(&Value::Bool(true)) {
        props.insert("enablePurgeProtection".into(), json!(true));
    }
    let provisioning = store
        .provisioning_until
        .contains_key(&id.to_ascii_lowercase());
    // PATCH merges into the stored properties, so defaults only fill what the vault lacks.
    complete_properties(name, &mut props, provisioning, false);
    let mut updated = existing.clone();
    if let Some(tags) = body.get("tags") {
        updated["tags"] = tags.clone();
    }
    updated["properties"] = Value::Object(props);
    updated["systemData"] = system_data(req, Some(&existing));
    store.put(&id, updated.clone(), false);
    Ok(Reply::json(StatusCode::OK, updated))
}

/// DELETE soft-deletes: the vault moves to `deletedVaults` with `deletionDate` and
/// `scheduledPurgeDate` = deletion + `softDeleteRetentionInDays`. Its name stays reserved.
fn delete(req: &Req<'_>, store: &mut Store, sub: &str, rg: &str, name: &str) -> Outcome {
    ensure_rg(store, sub, rg)?;
    let id = vault_id(sub, rg, name);
    if store.get(&id).is_some()
        && let Some(lock_scope) = super::management_locks::locked_by(store, &id)
    {
        return Err(super::management_locks::scope_locked(&id, &lock_scope));
    }
    let Some(vault) = store.remove(&id) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    let location = vault
        .get("location")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let retention = vault
        .pointer("/properties/softDeleteRetentionInDays")
        .and_then(Value::as_i64)
        .unwrap_or(90);
    let now = req.app.clock.now_rfc3339();
    let deleted_id = deleted_vault_id(sub, &location, name);
    let deleted = json!({
        "id": deleted_id,
        "name": vault["name"],
        "type": "Microsoft.KeyVault/deletedVaults",
        "properties": {
            "vaultId": vault["id"],
            "location": location,
            "tags": vault.get("tags").cloned().unwrap_or_else(|| json!({})),
            "deletionDate": now,
            "scheduledPurgeDate": crate::clock::days_after(&now, retention),
            "purgeProtectionEnabled": vault.pointer("/properties/enablePurgeProtection") == Some(&Value::Bool(true)),
        }
    });
    store.state.deleted_vaults.insert(
        deleted_id.to_ascii_lowercase(),
        DeletedVault {
            deleted_vault: deleted,
            vault,
        },
    );
    Ok(Reply::empty(StatusCode::OK))
}

/// `checkNameAvailability`: `AccountNameInvalid` for a name breaking the rules, `AlreadyExists`
/// for a name held by an active or soft-deleted vault anywhere.
fn check_name(req: &Req<'_>, store: &Store) -> Outcome {
    let body = body(req)?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
    let answer = if !valid_name(name) {
        json!({"nameAvailable": false, "reason": "AccountNameInvalid", "message": NAME_RULE})
    } else if active_named(store, name).is_some() || deleted_named(store, name).is_some() {
        json!({
            "nameAvailable": false,
            "reason": "AlreadyExists",
            "message": format!("The vault name '{name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name."),
        })
    } else {
        json!({"nameAvailable": true})
    };
    Ok(Reply::json(StatusCode::OK, answer))
}
