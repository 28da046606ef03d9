//! Wall-clock timestamps in ARM's format (RFC 3339, UTC). Owns only formatting of "now"; it does
//! not schedule anything.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Now, as ARM writes timestamps: RFC 3339 in UTC, e.g. `2026-11-29T18:40:00.123456Z`.
pub(crate) fn now_rfc3339() -> String {
    rfc3339(OffsetDateTime::now_utc())
}

/// `t` formatted as RFC 3339 (UTC).
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Now plus `days` whole days, RFC 3339 (used for a deleted vault's `scheduledPurgeDate`).
pub(crate) fn days_after(start: &str, days: i64) -> String {
    let base = OffsetDateTime::parse(start, &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc());
    rfc3339(base + time::Duration::days(days))
}
