//! Name patterns: tokens `{app}`, `{env}`, `{region}` (short code), `{location}`,
//! `{subscriptionId}`, with `{app:N}` / `{env:N}` truncation. Expansion and pattern checks only;
//! must not validate the resulting names (see `names`) or do I/O.

use crate::model::names::Invalid;

/// The values tokens expand to for one matrix cell (or one environment, for action groups).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokens<'a> {
    /// App name (`{app}`, `{app:N}`).
    pub app: Option<&'a str>,
    /// Environment name (`{env}`, `{env:N}`).
    pub env: Option<&'a str>,
    /// Region short code, e.g. `weu`.
    pub region: Option<&'a str>,
    /// Location name, e.g. `westeurope`.
    pub location: Option<&'a str>,
    /// Subscription GUID (`{subscriptionId}`).
    pub subscription_id: Option<&'a str>,
}

/// Token names a pattern may use.
pub const TOKENS: &[&str] = &["app", "env", "region", "location", "subscriptionId"];

/// Expands `pattern`. Errors name an unknown token, a malformed `{…}`, a truncation on a token
/// that does not allow it (only `app` and `env` do), or a token that has no value here.
pub fn expand(pattern: &str, tokens: &Tokens<'_>) -> Result<String, Invalid> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').ok_or_else(|| {
            Invalid::new(format!(
                "pattern `{pattern}` has a `{{` without a closing `}}`"
            ))
        })?;
        let token = &after[..end];
        let (name, width) = match token.split_once(':') {
            Some((n, w)) => {
                let w: usize = w.parse().ok().filter(|w| *w > 0).ok_or_else(|| {
                    Invalid::new(format!(
                        "pattern `{pattern}`: `{{{token}}}` needs a positive width"
                    ))
                    .with_hint("write e.g. `{env:3}`")
                })?;
                (n, Some(w))
            }
            None => (token, None),
        };
        let value = match name {
            "app" => tokens.app,
            "env" => tokens.env,
            "region" => tokens.region,
            "location" => tokens.location,
            "subscriptionId" => tokens.subscription_id,
            _ => {
                let best = TOKENS
                    .iter()
                    .map(|t| (strsim::jaro_winkler(name, t), t))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(s, _)| *s >= 0.7);
                let err = Invalid::new(format!(
                    "pattern `{pattern}` uses unknown token `{{{name}}}`"
                ));
                return Err(match best {
                    Some((_, t)) => err.with_hint(format!("did you mean `{{{t}}}`? tokens: {{app}} {{env}} {{region}} {{location}} {{subscriptionId}}")),
                    None => err.with_hint("tokens: {app} {env} {region} {location} {subscriptionId}"),
                });
            }
        };
        if width.is_some() && !matches!(name, "app" | "env") {
            return Err(Invalid::new(format!(
                "pattern `{pattern}`: only `{{app:N}}` and `{{env:N}}` may be truncated"
            )));
        }
        let value = value.ok_or_else(|| {
            Invalid::new(format!(
                "pattern `{pattern}` uses `{{{name}}}`, which has no value here"
            ))
        })?;
        match width {
            Some(w) => out.extend(value.chars().take(w)),
            None => out.push_str(value),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Suggests a variant of the vault name `pattern` whose names fit 24 characters for the given
/// longest app name, environment name and region code: `{location}` becomes `{region}`,
/// `{env}` is cut to 3 characters, then `{app}` down to 3, then `{env}` to 1. Literal text is
/// kept. The result may still be too long when the literal text alone is.
pub fn suggest_vault_pattern(
    pattern: &str,
    longest_app: usize,
    longest_env: usize,
    longest_region: usize,
) -> String {
    let budget = crate::model::names::VAULT_NAME_MAX;
    // Normalise: drop existing truncations, use the short region code.
    let mut p = pattern.replace("{location}", "{region}");
    for token in ["app", "env"] {
        while let Some(start) = p.find(&format!("{{{token}:")) {
            let end = start + p[start..].find('}').unwrap_or(p.len() - start);
            p.replace_range(start..=end.min(p.len() - 1), &format!("{{{token}}}"));
        }
    }
    let literal = {
        let mut n = 0;
        let mut depth = false;
        for c in p.chars() {
            match c {
                '{' => depth = true,
                '}' => depth = false,
                _ if !depth => n += 1,
                _ => {}
            }
        }
        n
    };
    let region = if p.contains("{region}") {
        longest_region
    } else {
        0
    };
    let has_app = p.contains("{app}");
    let has_env = p.contains("{env}");
    let mut env = if has_env { longest_env.min(3) } else { 0 };
    let mut app = if has_app { longest_app } else { 0 };
    while literal + app + env + region > budget && app > 3 {
        app -= 1;
    }
    if literal + app + env + region > budget && env > 1 {
        env = 1;
    }
    if has_app && app < longest_app {
        p = p.replace("{app}", &format!("{{app:{app}}}"));
    }
    if has_env && env < longest_env {
        p = p.replace("{env}", &format!("{{env:{env}}}"));
    }
    p
}

/// The `{app:N}` / `{env:N}` truncations in `pattern` that give the same text for two different
/// values of one token: e.g. `{env:3}` with `prod` and `production-eu` (both `pro`). Each entry
/// is a sentence for an error message. Empty when no truncation is to blame.
pub fn truncation_collisions(pattern: &str, a: &Tokens<'_>, b: &Tokens<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, x, y) in [("app", a.app, b.app), ("env", a.env, b.env)] {
        let (Some(x), Some(y)) = (x, y) else { continue };
        for w in widths(pattern, name) {
            let (tx, ty): (String, String) =
                (x.chars().take(w).collect(), y.chars().take(w).collect());
            if !x.eq_ignore_ascii_case(y) && tx.eq_ignore_ascii_case(&ty) {
                out.push(format!(
                    "`{{{name}:{w}}}` makes `{x}` and `{y}` both `{tx}`"
                ));
            }
        }
    }
    out
}

/// The widths `N` of every `{token:N}` in `pattern`.
fn widths(pattern: &str, token: &str) -> Vec<usize> {
    let open = format!("{{{token}:");
    pattern
        .match_indices(&open)
        .filter_map(|(i, _)| {
            let rest = &pattern[i + open.len()..];
            rest[..rest.find('}')?].parse().ok()
        })
        .collect()
}

/// Suggests a vault name pattern for a whole matrix: like [`suggest_vault_pattern`] (same
/// normalisation, `{env}` cut to 3 characters, then `{app}` as much as the 24-character budget
/// needs) but each width is raised until it keeps every app (environment) name distinct, and
/// the result is checked against every cell of `apps × envs × regions` (`regions` as (short
/// code, location)): `Some` only when every generated name has at most 24 characters and no two
/// cells share one (vault names are global). `None` when no such truncation exists; callers then
/// suggest shortening names instead. O(cells) for the final check.
pub fn suggest_collision_free_pattern(
    pattern: &str,
    apps: &[&str],
    envs: &[&str],
    regions: &[(&str, &str)],
) -> Option<String> {
    let budget = crate::model::names::VAULT_NAME_MAX;
    let longest = |v: &[&str]| v.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let (longest_app, longest_env) = (longest(apps), longest(envs));
    let longest_region = regions
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0);
    // Normalised pattern without truncations: its literal text and tokens.
    // With no lengths to fit, this only normalises: `{region}` for `{location}`, no truncation.
    let mut p = suggest_vault_pattern(pattern, 0, 0, 0);
    let has_app = p.contains("{app}");
    let has_env = p.contains("{env}");
    let region = if p.contains("{region}") {
        longest_region
    } else {
        0
    };
    let literal = expand(
        &p,
        &Tokens {
            app: Some(""),
            env: Some(""),
            region: Some(""),
            location: Some(""),
            subscription_id: Some(""),
        },
    )
    .ok()?
    .chars()
    .count();
    // The narrowest width that keeps every value distinct (case-insensitively).
    let unique_width = |values: &[&str], longest: usize| -> usize {
        (1..=longest)
            .find(|w| {
                let mut seen = std::collections::HashSet::new();
                values.iter().all(|v| {
                    seen.insert(v.chars().take(*w).collect::<String>().to_ascii_lowercase())
                })
            })
            .unwrap_or(longest)
    };
    let env = if has_env {
        longest_env.min(3).max(unique_width(envs, longest_env))
    } else {
        0
    };
    let mut app = if has_app { longest_app } else { 0 };
    if literal + app + env + region > budget {
        if !has_app {
            return None;
        }
        app = budget.checked_sub(literal + env + region)?;
        if app == 0 || app < unique_width(apps, longest_app) {
            return None;
        }
    }
    if has_app && app < longest_app {
        p = p.replace("{app}", &format!("{{app:{app}}}"));
    }
    if has_env && env < longest_env {
        p = p.replace("{env}", &format!("{{env:{env}}}"));
    }
    // The whole matrix: every name fits and none repeats.
    let mut seen = std::collections::HashSet::new();
    for a in apps {
        for e in envs {
            for (code, location) in regions {
                let name = expand(
                    &p,
                    &Tokens {
                        app: Some(a),
                        env: Some(e),
                        region: Some(code),
                        location: Some(location),
                        subscription_id: None,
                    },
                )
                .ok()?;
                if name.chars().count() > budget || !seen.insert(name.to_ascii_lowercase()) {
                    return None;
                }
            }
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, expect: &str) {
        let t = Tokens {
            app: Some("payments"),
            env: Some("production"),
            region: Some("weu"),
            location: Some("westeurope"),
            subscription_id: Some("11111111-1111-1111-1111-111111111111"),
        };
        let got = match expand(pattern, &t) {
            Ok(s) => s,
            Err(e) => format!("error: {} / {}", e.message, e.hint.unwrap_or_default()),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn expansion() {
        check("kv-{app}-{env}-{region}", "kv-payments-production-weu");
        check("kv-{app}-{env:3}-{region}", "kv-payments-pro-weu");
        check("rg-{app:3}-{location}", "rg-pay-westeurope");
        check(
            "/subscriptions/{subscriptionId}/x",
            "/subscriptions/11111111-1111-1111-1111-111111111111/x",
        );
        check(
            "kv-{ap}",
            "error: pattern `kv-{ap}` uses unknown token `{ap}` / did you mean `{app}`? tokens: {app} {env} {region} {location} {subscriptionId}",
        );
        check(
            "kv-{region:2}",
            "error: pattern `kv-{region:2}`: only `{app:N}` and `{env:N}` may be truncated / ",
        );
        check(
            "kv-{env:x}",
            "error: pattern `kv-{env:x}`: `{env:x}` needs a positive width / write e.g. `{env:3}`",
        );
        check(
            "kv-{app",
            "error: pattern `kv-{app` has a `{` without a closing `}` / ",
        );
    }

    #[test]
    fn missing_token_value() {
        let t = Tokens {
            env: Some("prod"),
            ..Tokens::default()
        };
        assert_eq!(
            expand("ag-{app}", &t).unwrap_err().message,
            "pattern `ag-{app}` uses `{app}`, which has no value here"
        );
    }

    #[test]
    fn collision_free_suggestion_never_truncates_into_a_collision() {
        let regions = [("weu", "westeurope")];
        // `{env:3}` would make `prod` and `production-eu` both `pro`: the width grows instead.
        assert_eq!(
            suggest_collision_free_pattern(
                "kv-{app}-{env}-{region}",
                &["payments"],
                &["prod", "production-eu"],
                &regions
            )
            .as_deref(),
            Some("kv-{app}-{env:5}-{region}")
        );
        // No width works (the apps differ only after 12 characters): no suggestion at all.
        assert_eq!(
            suggest_collision_free_pattern(
                "kv-{app}-{env}-{region}",
                &["customer-portal-east", "customer-portal-west"],
                &["prod"],
                &regions
            ),
            None
        );
        let a = Tokens {
            env: Some("prod"),
            ..Tokens::default()
        };
        let b = Tokens {
            env: Some("production-eu"),
            ..Tokens::default()
        };
        assert_eq!(
            truncation_collisions("kv-{app}-{env:3}", &a, &b),
            ["`{env:3}` makes `prod` and `production-eu` both `pro`"]
        );
    }

    #[test]
    fn suggestion_fits() {
        assert_eq!(
            suggest_vault_pattern("kv-{app}-{env}-{region}", 8, 10, 3),
            "kv-{app}-{env:3}-{region}"
        );
        assert_eq!(
            suggest_vault_pattern("kv-{app}-{env}-{region}", 20, 4, 4),
            "kv-{app:12}-{env:3}-{region}"
        );
    }
}
