//! Parsing a request path into the ARM operation target it names: the registered route and path
//! shape it matches ([`crate::route::Route::paths`]), with the shape's captures. Pure string
//! work: it does not look at the store, and holds no per-type path table (the one type it names
//! is the vault, whose writes serialize: [`Target::vault_write_key`]).

use crate::route::Route;

/// What a request path names: the route and path shape it matched, with the shape's captures.
/// Captured strings keep the request's casing (ARM echoes it in IDs). A path no route serves
/// matches nothing (answered with ARM's generic 404s).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    route: Option<&'static Route>,
    /// The matched [`crate::route::PathShape::name`], e.g. `"Vault"`; empty when none matched.
    pub shape: &'static str,
    params: Vec<(&'static str, String)>,
}

/// Collapses repeated slashes and drops a trailing slash (the azure_mgmt clients build
/// `{endpoint}/{scope}` with scopes that start with `/`).
pub(crate) fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(seg);
    }
    if out.is_empty() { "/".into() } else { out }
}

/// Splits `path` at the last `/providers/{namespace}/{kind}` (case-insensitive): the scope before
/// it and what follows.
fn split_extension<'a>(path: &'a str, marker: &str) -> Option<(String, &'a str)> {
    let lower = path.to_ascii_lowercase();
    let idx = lower.rfind(marker)?;
    let rest = &path[idx + marker.len()..];
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let scope = if idx == 0 {
        "/".to_string()
    } else {
        path[..idx].to_string()
    };
    Some((scope, rest.trim_start_matches('/')))
}

impl Target {
    /// Parses a normalized path against every registered route's shapes
    /// ([`crate::routes::ROUTES`]). Extension shapes (`{scope}/…`) are tried first; of those whose
    /// literal part occurs, the one occurring last in the path decides (a lock on a vault's
    /// role assignment is a lock), and a path whose rest fits none of that marker's shapes
    /// names nothing. Other shapes match segment by segment.
    pub fn parse(path: &str) -> Target {
        let shapes = || {
            crate::routes::ROUTES
                .iter()
                .flat_map(|r| r.paths.iter().map(move |p| (*r, p)))
        };
        // The extension marker occurring last in the path.
        let lower = path.to_ascii_lowercase();
        let marker = shapes()
            .filter_map(|(_, p)| extension_marker(p.pattern))
            .filter_map(|m| {
                let at = lower.rfind(m)?;
                let rest = &lower[at + m.len()..];
                (rest.is_empty() || rest.starts_with('/')).then_some((at, m))
            })
            .max_by_key(|(at, m)| (*at, m.len()));
        if let Some((_, marker)) = marker {
            let (scope, rest) = split_extension(path, marker).expect("the marker occurs");
            for (route, shape) in shapes() {
                if extension_marker(shape.pattern) != Some(marker) {
                    continue;
                }
                let tail = &shape.pattern["{scope}".len() + marker.len()..];
                if let Some(mut params) = match_segments(tail, rest) {
                    params.insert(0, ("scope", scope.clone()));
                    return Target {
                        route: Some(route),
                        shape: shape.name,
                        params,
                    };
                }
            }
            return Target::unknown();
        }
        for (route, shape) in shapes() {
            if extension_marker(shape.pattern).is_some() {
                continue;
            }
            if let Some(params) = match_segments(shape.pattern, path) {
                return Target {
                    route: Some(route),
                    shape: shape.name,
                    params,
                };
            }
        }
        Target::unknown()
    }

    /// A path no route serves.
    fn unknown() -> Target {
        Target {
            route: None,
            shape: "",
            params: Vec::new(),
        }
    }

    /// The route that serves this path; `None` for a path no route serves.
    pub fn route(&self) -> Option<&'static Route> {
        self.route
    }

    /// The capture `name` of the matched shape (e.g. `"sub"`, `"scope"`), in the request's
    /// casing; empty when the matched shape has no such capture (a handler binds the captures
    /// of all its shapes up front, e.g. a lock's `name`, which the list of locks lacks).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The subscription the request is billed to (token buckets are per subscription).
    pub fn subscription(path: &str) -> String {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segs.as_slice() {
            [first, sub, ..] if first.eq_ignore_ascii_case("subscriptions") => {
                sub.to_ascii_lowercase()
            }
            _ => "tenant".to_string(),
        }
    }

    /// The vault a write to this target serializes on (ARM's one-write-at-a-time per vault).
    pub fn vault_write_key(&self) -> Option<String> {
        (self.shape == crate::routes::vaults::VAULT).then(|| {
            vault_id(self.param("sub"), self.param("rg"), self.param("name")).to_ascii_lowercase()
        })
    }
}

/// The literal part after a leading `{scope}` (e.g. `/providers/microsoft.authorization/locks`),
/// up to the next capture; `None` for a shape that is not an extension.
fn extension_marker(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix("{scope}")?;
    let end = rest.find("/{").unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Matches `path`'s segments against `pattern`'s: literals case-insensitively, `{param}` any
/// one segment (captured). `None` when they differ in number or in a literal.
fn match_segments(pattern: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if pat.len() != segs.len() {
        return None;
    }
    let mut params = Vec::new();
    for (p, s) in pat.iter().zip(&segs) {
        match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => params.push((name, (*s).to_string())),
            None if p.eq_ignore_ascii_case(s) => {}
            None => return None,
        }
    }
    Some(params)
}

/// `/subscriptions/{sub}/resourceGroups/{rg}`.
pub(crate) fn rg_id(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}

/// A vault's ARM resource ID.
pub(crate) fn vault_id(sub: &str, rg: &str, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.KeyVault/vaults/{name}",
        rg_id(sub, rg)
    )
}

/// A deleted vault's ARM resource ID.
pub(crate) fn deleted_vault_id(sub: &str, location: &str, name: &str) -> String {
    format!(
        "/subscriptions/{sub}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}"
    )
}

/// Parts of a resource ID: (subscription, resource group, provider type like
/// `microsoft.keyvault/vaults`, name) — lower-cased type, original casing elsewhere.
pub(crate) fn parse_resource_id(id: &str) -> Option<(String, String, String, String)> {
    let segs: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    if segs.len() < 8
        || !segs[0].eq_ignore_ascii_case("subscriptions")
        || !segs[2].eq_ignore_ascii_case("resourcegroups")
        || !segs[4].eq_ignore_ascii_case("providers")
    {
        return None;
    }
    let mut rtype = segs[5].to_ascii_lowercase();
    let mut i = 6;
    while i + 1 < segs.len() {
        rtype.push('/');
        rtype.push_str(&segs[i].to_ascii_lowercase());
        i += 2;
    }
    if i != segs.len() {
        return None;
    }
    Some((
        segs[1].to_string(),
        segs[3].to_string(),
        rtype,
        segs[segs.len() - 1].to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(shape, captures)` of what `path` parses to.
    fn parsed(path: &str) -> (&'static str, Vec<(&'static str, String)>) {
        let t = Target::parse(path);
        (t.shape, t.params)
    }

    fn want(
        shape: &'static str,
        params: &[(&'static str, &str)],
    ) -> (&'static str, Vec<(&'static str, String)>) {
        (
            shape,
            params.iter().map(|(n, v)| (*n, (*v).to_string())).collect(),
        )
    }

    #[test]
    fn scopes_built_with_a_leading_slash_normalize() {
        let path = normalize(
            "//subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv//providers/Microsoft.Authorization/roleAssignments/a/",
        );
        assert_eq!(
            parsed(&path),
            want(
                "RoleAssignment",
                &[
                    (
                        "scope",
                        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
                    ),
                    ("name", "a")
                ]
            )
        );
        assert_eq!(normalize("/"), "/");
        assert_eq!(
            parsed("/providers/Microsoft.Authorization/roleAssignments"),
            want("RoleAssignments", &[("scope", "/")])
        );
    }

    #[test]
    fn keywords_match_case_insensitively_and_keep_the_callers_casing() {
        assert_eq!(
            parsed(
                "/SUBSCRIPTIONS/S1/resourcegroups/RG-One/PROVIDERS/microsoft.keyvault/VAULTS/Kv-1"
            ),
            want(
                "Vault",
                &[("sub", "S1"), ("rg", "RG-One"), ("name", "Kv-1")]
            )
        );
        assert!(
            Target::parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/x")
                .route()
                .is_none()
        );
        assert_eq!(Target::subscription("/subscriptions/ABC/x"), "abc");
        assert_eq!(Target::subscription("/providers/x"), "tenant");
    }

    #[test]
    fn every_shape_parses_from_its_own_pattern_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for route in crate::routes::ROUTES {
            for shape in route.paths {
                assert!(names.insert(shape.name), "{} twice", shape.name);
                // The pattern with its captures filled in parses back to its own shape.
                let path: String = shape
                    .pattern
                    .split('/')
                    .map(|seg| match seg {
                        "{scope}" => "/subscriptions/S/resourceGroups/RG".to_string(),
                        s if s.starts_with('{') => format!("/X{}", s.len()),
                        "" => String::new(),
                        s => format!("/{}", s.to_ascii_uppercase()),
                    })
                    .collect();
                let t = Target::parse(&path);
                assert_eq!(t.shape, shape.name, "{path}");
                assert!(std::ptr::eq(t.route().unwrap(), *route), "{path}");
                if shape.pattern.starts_with("{scope}") {
                    assert_eq!(t.param("scope"), "/subscriptions/S/resourceGroups/RG");
                }
            }
        }
    }

    #[test]
    fn the_last_extension_in_a_path_decides_and_a_bad_rest_names_nothing() {
        let vault = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
        assert_eq!(
            parsed(&format!(
                "{vault}/providers/Microsoft.Authorization/locks/l"
            )),
            want("Lock", &[("scope", vault), ("name", "l")])
        );
        assert_eq!(
            parsed(&format!(
                "{vault}/providers/Microsoft.Insights/diagnosticSettings"
            )),
            want("DiagnosticSettings", &[("scope", vault)])
        );
        assert!(
            Target::parse(&format!(
                "{vault}/providers/Microsoft.Authorization/locks/l/x"
            ))
            .route()
            .is_none()
        );
        assert!(
            Target::parse(&format!(
                "{vault}/providers/Microsoft.Authorization/roleDefinitions"
            ))
            .route()
            .is_none()
        );
        // `…/locksmith` is not the locks marker: the path is matched segment by segment.
        assert!(
            Target::parse("/subscriptions/s/providers/Microsoft.Authorization/locksmith")
                .route()
                .is_none()
        );
    }

    #[test]
    fn resource_ids_split_into_parts() {
        assert_eq!(
            parse_resource_id(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/sn"
            ),
            Some((
                "s".into(),
                "rg".into(),
                "microsoft.network/virtualnetworks/subnets".into(),
                "sn".into()
            ))
        );
        assert_eq!(
            parse_resource_id("/subscriptions/s/resourceGroups/rg"),
            None
        );
    }
}
