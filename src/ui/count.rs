//! Counted nouns for messages: "1 vault", "18 vaults". English plurals only; kvinit's messages
//! are English.

/// `n` followed by `singular` when `n` is 1, else by `plural`, e.g. `count(1, "vault",
/// "vaults")` → `"1 vault"`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// `count(n, "vault", "vaults")`.
pub fn vaults(n: usize) -> String {
    count(n, "vault", "vaults")
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_everything_else_plural() {
        assert_eq!(super::vaults(1), "1 vault");
        assert_eq!(super::vaults(0), "0 vaults");
        assert_eq!(super::vaults(18), "18 vaults");
        assert_eq!(super::count(2, "request", "requests"), "2 requests");
    }
}
