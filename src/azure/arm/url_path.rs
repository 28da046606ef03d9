//! Request-path normalisation as a pipeline policy. A path built as `{endpoint}/{scope}/…` from
//! a scope that starts with `/` (an ARM resource ID) yields `//subscriptions/…`; this policy
//! collapses repeated slashes so ARM and the emulator see canonical paths. It must not change anything else.

use std::sync::Arc;

use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Request};

/// Collapses runs of `/` in the request path.
#[derive(Debug, Default)]
pub struct NormalizePathPolicy;

impl NormalizePathPolicy {
    /// The policy, ready for `per_call_policies_mut()`; it goes first.
    pub fn shared() -> Arc<dyn Policy> {
        Arc::new(Self)
    }
}

/// `//a///b/` → `/a/b/`.
pub fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut prev_slash = false;
    for ch in path.chars() {
        if ch == '/' && prev_slash {
            continue;
        }
        prev_slash = ch == '/';
        out.push(ch);
    }
    out
}

#[async_trait::async_trait]
impl Policy for NormalizePathPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let path = request.url().path();
        if path.contains("//") {
            let fixed = collapse_slashes(path);
            request.url_mut().set_path(&fixed);
        }
        next[0].send(ctx, request, &next[1..]).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn collapses() {
        assert_eq!(
            super::collapse_slashes("///subscriptions//s/x"),
            "/subscriptions/s/x"
        );
    }
}
