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
