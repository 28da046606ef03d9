//! The emulator's clock and timestamps in ARM's format (RFC 3339, UTC). The clock can start at a
//! chosen instant ([`crate::EmulatorConfig::now`], the fault profile's `now`, `kvinit emulator
//! --now`) and then runs at real speed; api-version retirement and every timestamp the emulator
//! writes (`systemData`, deletion dates) read it. Owns only "what time is it"; it schedules
//! nothing.

use std::time::Instant;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A clock that reads `start` at the emulator's start-up and advances with real time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    start: OffsetDateTime,
    started: Instant,
}

impl Clock {
    /// Starts at `start` (None: the real time now).
    pub fn starting_at(start: Option<OffsetDateTime>) -> Self {
        Self {
            start: start.unwrap_or_else(OffsetDateTime::now_utc),
            started: Instant::now(),
        }
    }

    /// The emulator's now (UTC).
    pub fn now(&self) -> OffsetDateTime {
        let elapsed = time::Duration::try_from(self.started.elapsed()).unwrap_or_default();
        self.start.checked_add(elapsed).unwrap_or(self.start)
    }

    /// The emulator's now, RFC 3339.
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now())
    }
}

/// Parses an instant for the emulator's clock: RFC 3339 such as `2027-03-01T00:00:00Z` (an
/// offset other than `Z` is converted to UTC).
///
/// # Errors
/// [`crate::EmulatorError::Clock`] naming the text and the expected form.
/// The instant must lie in years 1970–8999: ARM's timestamps do, and the clock, soft-delete
/// purge dates (start + up to 90 days) and a long-running emulator must stay representable.
pub fn parse_now(text: &str) -> Result<OffsetDateTime, crate::EmulatorError> {
    let t = OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .map_err(|e| crate::EmulatorError::Clock {
            message: format!(
                "'{text}' is not an RFC 3339 instant ({e}); write it like 2027-03-01T00:00:00Z"
            ),
        })?;
    if !(1970..9000).contains(&t.year()) {
        return Err(crate::EmulatorError::Clock {
            message: format!(
                "'{text}' is outside the years 1970–8999 the emulator's clock keeps; write an \
                 instant like 2027-03-01T00:00:00Z"
            ),
        });
    }
    Ok(t)
}

/// Real now, as ARM writes timestamps: RFC 3339 in UTC, e.g. `2026-11-29T18:40:00.123456Z`
/// (for the few places that have no emulator at hand).
pub(crate) fn now_rfc3339() -> String {
    rfc3339(OffsetDateTime::now_utc())
}

/// `t` formatted as RFC 3339 (UTC).
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// `start` plus `days` whole days, RFC 3339 (used for a deleted vault's `scheduledPurgeDate`).
pub(crate) fn days_after(start: &str, days: i64) -> String {
    let base = OffsetDateTime::parse(start, &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc());
    rfc3339(base.checked_add(time::Duration::days(days)).unwrap_or(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_starts_there_and_runs() {
        let start = parse_now("2027-03-01T00:00:00Z").unwrap();
        let clock = Clock::starting_at(Some(start));
        let now = clock.now();
        assert!(now >= start && now - start < time::Duration::seconds(5));
        assert!(clock.now_rfc3339().starts_with("2027-03-01T00:00:0"));
        assert_eq!(
            parse_now("2027-03-01T01:00:00+01:00").unwrap(),
            parse_now("2027-03-01T00:00:00Z").unwrap()
        );
        let err = parse_now("next tuesday").unwrap_err().to_string();
        assert!(err.contains("2027-03-01T00:00:00Z"), "{err}");
    }

    /// A clock started just before the end of what `time` can hold panicked on every request
    /// ("resulting value is out of range"): such instants are refused, and the clock and purge
    /// dates saturate instead of panicking.
    #[test]
    fn instants_near_the_end_of_time_are_refused_and_nothing_overflows() {
        for text in [
            "9999-12-31T23:59:58Z",
            "9000-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            let err = parse_now(text).unwrap_err().to_string();
            assert!(err.contains("1970–8999"), "{text}: {err}");
        }
        assert!(parse_now("8999-12-31T23:59:59Z").is_ok());
        let edge = OffsetDateTime::parse("9999-12-31T23:59:59.999999Z", &Rfc3339).unwrap();
        let clock = Clock::starting_at(Some(edge));
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(clock.now(), edge);
        assert!(days_after("9999-12-31T23:59:59Z", 90).starts_with("9999-12-31"));
    }
}
