//! Asking with validation: every answer is checked where it is typed and, when it is wrong,
//! the reason is shown and the same question asked again. Owns only the re-ask loop and list
//! splitting; the rules themselves come from `model::names` (one rule set with `plan`).

use crate::model::names::Invalid;
use crate::wizard::prompt::{Answer, Prompt};

/// The one-line reason shown for a rejected answer: the message and, if any, the hint.
pub fn reason(invalid: &Invalid) -> String {
    match &invalid.hint {
        Some(hint) => format!("{}; {hint}", invalid.message),
        None => invalid.message.clone(),
    }
}

/// Asks for text until `check` accepts it (leading/trailing spaces are trimmed first).
/// `check` returns the parsed value or the reason to show.
pub fn text<T>(
    p: &mut dyn Prompt,
    prompt: &str,
    default: Option<&str>,
    check: impl Fn(&str) -> Result<T, String>,
) -> Answer<T> {
    loop {
        let answer = p.text(prompt, default)?;
        match check(answer.trim()) {
            Ok(value) => return Ok(value),
            Err(why) => p.reject(&why),
        }
    }
}

/// Splits a list answer on commas, semicolons and whitespace; empty items are dropped.
pub fn split_list(answer: &str) -> Vec<String> {
    answer
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks every item of a list answer with `check_one`; reports the first bad one. Duplicates
/// (case-insensitive) are rejected because names in the plan must be unique.
pub fn check_list(
    answer: &str,
    check_one: impl Fn(&str) -> Result<String, Invalid>,
) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for item in split_list(answer) {
        let value = check_one(&item).map_err(|e| reason(&e))?;
        if out.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
            return Err(format!("`{value}` is listed twice"));
        }
        out.push(value);
    }
    Ok(out)
}
