//! One shared copy of each distinct rule detail text across the vaults of a desired state.
//!
//! Why: a plan's vaults mostly share their details ("purge protection on", "soft delete on,
//! 30-day retention" — 37 distinct texts among the 198 results of `examples/contoso.yaml`), and
//! the desired state keeps 11 results per vault for the whole run: 11.2 MB of separate strings at
//! 10,000 cells (BENCHMARKS.md, benchmark 1) where one copy each plus a 16-byte handle per result
//! will do.

use std::collections::HashSet;
use std::sync::Arc;

/// A set of detail texts; [`DetailPool::share`] swaps a result's text for the pool's copy.
/// Not thread-safe by design: each thread computing part of a desired state keeps its own
/// (a text is then stored at most once per thread).
#[derive(Debug, Default)]
pub struct DetailPool(HashSet<Arc<str>>);

impl DetailPool {
    /// The pool's copy of `detail` (added when new). Equal texts share one allocation.
    pub fn share(&mut self, detail: &Arc<str>) -> Arc<str> {
        if let Some(shared) = self.0.get(detail) {
            return shared.clone();
        }
        self.0.insert(detail.clone());
        detail.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_allocation() {
        let mut pool = DetailPool::default();
        let a = pool.share(&Arc::from("purge protection on"));
        let b = pool.share(&Arc::from("purge protection on"));
        let c = pool.share(&Arc::from("soft delete on"));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(&*b, "purge protection on");
    }
}
