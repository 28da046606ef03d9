//! Turns serde's type errors (`invalid type: string "no", expected a boolean`) into messages in
//! the plan's own terms — what the field wants, what was written, and how to write it — so no
//! Rust type name (`i64`, `u128`, `struct Settings`) reaches the user. Text only; must not decide
//! what is valid (serde and `validate` do).

/// What a field wants, in user terms, by the serde `expected …` text and the field's name.
fn expected(field: &str, serde_expected: &str) -> (&'static str, String) {
    let leaf = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .split('[')
        .next()
        .unwrap_or_default();
    let e = serde_expected.trim();
    let integer = [
        "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "usize", "isize",
    ]
    .iter()
    .any(|t| e == *t || e.ends_with(&format!(" {t}")));
    if integer {
        return match leaf {
            "softDeleteRetentionDays" => ("int", "a whole number of days, e.g. 90".into()),
            "severity" => (
                "int",
                "a whole number from 0 (critical) to 4 (verbose), e.g. 1".into(),
            ),
            _ => ("int", "a whole number".into()),
        };
    }
    if e == "f64" || e == "f32" {
        return match leaf {
            "below" | "above" => ("num", "a percentage, e.g. 90".into()),
            "aboveMs" => ("num", "a number of milliseconds, e.g. 1000".into()),
            _ => ("num", "a number".into()),
        };
    }
    if e == "a boolean" {
        return ("bool", "`true` or `false`".into());
    }
    if e == "a string" {
        return ("str", "text".into());
    }
    if e == "a sequence" {
        return ("seq", "a list, e.g. `[a, b]`".into());
    }
    if e.starts_with("struct ") || e == "a map" || e.starts_with("a map") {
        return ("map", "a mapping (key: value pairs)".into());
    }
    ("other", e.to_string())
}

/// Splits `invalid type: <found>, expected <expected>` (or `invalid value: …`).
fn split(msg: &str) -> Option<(&str, &str)> {
    let rest = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))?;
    let i = rest.rfind(", expected ")?;
    Some((&rest[..i], &rest[i + ", expected ".len()..]))
}

/// The value serde found, as the user wrote it (quotes and backticks removed), and its kind.
fn found(f: &str) -> (&'static str, String) {
    let unquote = |s: &str| s.trim_matches('"').trim_matches('`').to_string();
    if let Some(v) = f.strip_prefix("string ") {
        return ("str", unquote(v));
    }
    if let Some(v) = f.strip_prefix("integer ") {
        let v = v.split(" as ").next().unwrap_or(v);
        return ("int", unquote(v));
    }
    if let Some(v) = f.strip_prefix("floating point ") {
        return ("num", unquote(v));
    }
    if let Some(v) = f.strip_prefix("boolean ") {
        return ("bool", unquote(v));
    }
    match f {
        "unit value" => ("empty", String::new()),
        "map" => ("map", String::new()),
        "sequence" => ("seq", String::new()),
        _ => ("other", f.to_string()),
    }
}

/// Translates one serde error message for `field` (a path such as
/// `defaults.softDeleteRetentionDays`; may be empty) into (message, hint). Messages that are not
/// type errors are returned unchanged, without a hint.
pub fn translate(field: &str, msg: &str) -> (String, Option<String>) {
    let Some((f, e)) = split(msg) else {
        return (msg.to_string(), None);
    };
    let (want_kind, want) = expected(field, e);
    let (got_kind, got) = found(f);
    let name = if field.is_empty() {
        "this value".to_string()
    } else {
        format!("`{field}`")
    };
    let what_got = match got_kind {
        "str" => format!("`{got}` is text here"),
        "int" if msg.contains(" as u128") || msg.contains(" as i128") => {
            format!("`{got}` is too large")
        }
        "int" if want_kind == "int" => format!("`{got}` is out of range"),
        "int" => format!("`{got}` is a whole number here"),
        "num" => format!("`{got}` has a fraction"),
        "bool" => format!("`{got}` is a boolean here"),
        "empty" => "the value is empty".to_string(),
        "map" => "a mapping (key: value pairs) is written here".to_string(),
        "seq" => "a list is written here".to_string(),
        _ => format!("found {got}"),
    };
    let message = format!("{name} must be {want}; {what_got}");
    let lower = got.to_ascii_lowercase();
    let hint = match (want_kind, got_kind) {
        ("bool", "str") if ["no", "n", "off", "false"].contains(&lower.as_str()) => {
            Some("write `false` (YAML reads only `true` and `false` as booleans)".to_string())
        }
        ("bool", "str") if ["yes", "y", "on", "true"].contains(&lower.as_str()) => {
            Some("write `true` (YAML reads only `true` and `false` as booleans)".to_string())
        }
        ("bool", _) => Some("write `true` or `false`".to_string()),
        ("int", "str") if got.trim().parse::<i64>().is_ok() => {
            Some(format!("write `{}` without quotes", got.trim()))
        }
        ("num", "str") if got.trim().parse::<f64>().is_ok() => {
            Some(format!("write `{}` without quotes", got.trim()))
        }
        ("int", "num") => Some(format!("write {want}")),
        ("int" | "num", _) => Some(format!("write {want}")),
        ("str", _) => Some("write it as text; quote it if needed, e.g. \"…\"".to_string()),
        ("seq", "str" | "int" | "num" | "bool") => Some(format!("write it as a list: `[{got}]`")),
        ("seq", _) => Some("write it as a list: `[a, b]` or as `- ` items".to_string()),
        ("map", "empty") => Some("remove the empty key, or add settings under it".to_string()),
        ("map", _) => Some("write it as `key: value` pairs indented under the field".to_string()),
        _ => None,
    };
    (message, hint)
}

#[cfg(test)]
mod tests {
    use super::translate;

    fn check(field: &str, msg: &str, expect: &str) {
        let (m, h) = translate(field, msg);
        assert_eq!(format!("{m} | {}", h.unwrap_or_default()), expect);
    }

    #[test]
    fn no_rust_jargon_reaches_the_user() {
        check(
            "defaults.purgeProtection",
            "invalid type: string \"no\", expected a boolean",
            "`defaults.purgeProtection` must be `true` or `false`; `no` is text here | write `false` (YAML reads only `true` and `false` as booleans)",
        );
        check(
            "defaults.softDeleteRetentionDays",
            "invalid type: string \"ninety\", expected i64",
            "`defaults.softDeleteRetentionDays` must be a whole number of days, e.g. 90; `ninety` is text here | write a whole number of days, e.g. 90",
        );
        check(
            "defaults.softDeleteRetentionDays",
            "invalid value: integer `99999999999999999999` as u128, expected i64",
            "`defaults.softDeleteRetentionDays` must be a whole number of days, e.g. 90; `99999999999999999999` is too large | write a whole number of days, e.g. 90",
        );
        check(
            "defaults.alerts.latency.aboveMs",
            "invalid type: string \"1000\", expected f64",
            "`defaults.alerts.latency.aboveMs` must be a number of milliseconds, e.g. 1000; `1000` is text here | write `1000` without quotes",
        );
        check(
            "defaults",
            "invalid type: sequence, expected struct Settings",
            "`defaults` must be a mapping (key: value pairs); a list is written here | write it as `key: value` pairs indented under the field",
        );
        check("", "something else", "something else | ");
        for (f, m) in [
            ("a", "invalid type: unit value, expected struct Settings"),
            (
                "a.severity",
                "invalid type: floating point `1.5`, expected i64",
            ),
        ] {
            let (msg, hint) = translate(f, m);
            for jargon in ["i64", "u128", "struct", "unit value", "f64"] {
                assert!(!msg.contains(jargon), "{msg}");
                assert!(
                    !hint.clone().unwrap_or_default().contains(jargon),
                    "{hint:?}"
                );
            }
        }
    }
}
