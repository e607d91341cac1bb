//! When a pause ends. Pure: the caller passes `now` and the zone's offset.

use mast::localday;
use mast::model::Millis;

/// How long the user pauses tracking for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseFor {
    Minutes(u32),
    /// Until the next local day begins (at the configured day-start hour).
    UntilTomorrow,
}

/// Pauses longer than this are refused: a pause is meant to end by itself.
pub const MAX_PAUSE_MINUTES: u32 = 7 * 24 * 60;

impl PauseFor {
    /// The pause the UI asked for: `untilTomorrow` wins, else `minutes` (default an hour).
    pub fn from_request(minutes: Option<u32>, until_tomorrow: Option<bool>) -> Result<PauseFor, String> {
        if until_tomorrow == Some(true) {
            return Ok(PauseFor::UntilTomorrow);
        }
        match minutes.unwrap_or(60) {
            0 => Err("a pause of 0 minutes pauses nothing; give 1 minute or more".into()),
            m if m > MAX_PAUSE_MINUTES => Err(format!("pause for at most {MAX_PAUSE_MINUTES} minutes (a week)")),
            m => Ok(PauseFor::Minutes(m)),
        }
    }
}

/// The instant the pause ends.
///
/// ```text
///  day start 04:00        now                 next day start 04:00
///  |----------------------*--------------------|
///                         `--- UntilTomorrow --^
/// ```
///
/// At 02:00 with days starting at 04:00, "tomorrow" starts two hours later: the local day
/// still belongs to the evening before.
pub fn pause_until(now: Millis, utc_offset_min: i32, day_start_hour: u8, how: PauseFor) -> Millis {
    match how {
        PauseFor::Minutes(m) => now + i64::from(m) * 60_000,
        PauseFor::UntilTomorrow => {
            let today = localday::local_day(now, utc_offset_min, day_start_hour);
            let tomorrow = today.succ_opt().unwrap_or(today);
            localday::day_start_ms(tomorrow, utc_offset_min, day_start_hour)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    /// Local wall time at UTC+1 as epoch milliseconds.
    fn at(d: u32, h: u32, m: u32) -> Millis {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().timestamp_millis() - 60 * 60_000
    }

    #[test]
    fn an_hour_is_an_hour() {
        assert_eq!(pause_until(at(28, 12, 0), 60, 4, PauseFor::Minutes(60)), at(28, 13, 0));
    }

    #[test]
    fn tomorrow_starts_at_the_day_start_hour() {
        assert_eq!(pause_until(at(28, 15, 30), 60, 4, PauseFor::UntilTomorrow), at(29, 4, 0));
        // After midnight but before 04:00 the local day is still the 28th.
        assert_eq!(pause_until(at(29, 2, 0), 60, 4, PauseFor::UntilTomorrow), at(29, 4, 0));
        // Exactly at the day start, a new day has begun: pause until the next one.
        assert_eq!(pause_until(at(29, 4, 0), 60, 4, PauseFor::UntilTomorrow), at(30, 4, 0));
        assert_eq!(pause_until(at(28, 23, 0), 60, 0, PauseFor::UntilTomorrow), at(29, 0, 0));
    }

    #[test]
    fn requests_are_checked() {
        assert_eq!(PauseFor::from_request(None, None), Ok(PauseFor::Minutes(60)));
        assert_eq!(PauseFor::from_request(Some(15), Some(false)), Ok(PauseFor::Minutes(15)));
        assert_eq!(PauseFor::from_request(Some(15), Some(true)), Ok(PauseFor::UntilTomorrow));
        assert!(PauseFor::from_request(Some(0), None).is_err());
        assert!(PauseFor::from_request(Some(MAX_PAUSE_MINUTES + 1), None).is_err());
    }
}
