//! ARM's api-version deprecation notices (`azure-deprecating` / `Warning` headers collected by
//! the Azure adapter) as warnings on stderr, one line each, so a retirement is seen months
//! ahead. It must not decide anything.

use crate::azure::Deprecation;

/// Prints each notice as `warning: ARM flags api-version … of … (…)` with what to do.
pub fn print(notices: &[Deprecation]) {
    for notice in notices {
        crate::errln!(
            "warning: {notice}; upgrade kvinit before that api-version is retired (see the CHANGELOG)"
        );
    }
}
