//! Local calendar days: the one module that turns UTC instants into the user's days.
//!
//! Instants are UTC epoch milliseconds; every stored span carries the UTC offset in force at
//! its start (the tracker cuts spans when the offset changes, so one offset holds for the
//! whole span). A local day starts at a configurable hour (default 04:00), so 01:00 scrolling
//! counts toward the evening before. Everything here is pure arithmetic on those three
//! numbers: no time-zone database, no clock, except [`offset_at`], which the tracker's outer
//! layer uses to learn the offset to store.
//!
//! This module does not know about spans, targets or reports; [`crate::analysis`] does.
//!
//! Two forms of a day are offered: [`NaiveDate`] for APIs and JSON, and [`EpochDay`] (days
//! since 1970-01-01) for hot loops, where a year of spans must be bucketed in milliseconds.

use crate::model::Millis;
use chrono::{Datelike, NaiveDate};

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_HOUR: i64 = 3_600_000;
const MS_PER_DAY: i64 = 86_400_000;
/// 1970-01-01 counted the way chrono counts days (0001-01-01 is day 1).
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A local day as the number of days since 1970-01-01: the cheap form of a [`NaiveDate`]
/// for code that buckets many spans. Convert with [`date_of`] and [`epoch_day_of`].
pub type EpochDay = i64;

/// How far [`utc_window`] widens the offset-0 range on each side. A whole day rather than
/// the ±14 h of today's zones: it covers every offset a `chrono::FixedOffset` can hold
/// (historical LMT offsets reach ±15:56, imported data may carry anything), and costs at
/// most a day of extra rows on each side of a coarse prefilter.
const WINDOW_MARGIN_MS: i64 = MS_PER_DAY;

/// The local day `at_ms` belongs to, for a zone at `utc_offset_min` whose days start at
/// `day_start_hour` (0–23).
///
/// ```text
///  local wall time   day 1st                          │ day 2nd
///  ── 22:00 ── 00:00 (2nd) ── 01:00 ── 03:59:59.999 ──┼── 04:00 ── …   (day_start_hour = 4)
///                      └── still the 1st ──┘          └ the 2nd begins
/// ```
pub fn local_day(at_ms: Millis, utc_offset_min: i32, day_start_hour: u8) -> NaiveDate {
    date_of(epoch_day(at_ms, utc_offset_min, day_start_hour))
}

/// [`local_day`] as an [`EpochDay`]: one add and one division, for hot loops.
#[inline]
pub fn epoch_day(at_ms: Millis, utc_offset_min: i32, day_start_hour: u8) -> EpochDay {
    debug_assert!(day_start_hour < 24, "day_start_hour {day_start_hour} is not an hour");
    // Moving the instant to "local wall time minus the day-start hour" makes local days
    // plain 24-hour buckets; div_euclid keeps instants before 1970 in the right bucket.
    let shifted = at_ms
        .saturating_add(i64::from(utc_offset_min) * MS_PER_MINUTE)
        .saturating_sub(i64::from(day_start_hour) * MS_PER_HOUR);
    shifted.div_euclid(MS_PER_DAY)
}

/// The UTC instant at which local `day` begins in a zone at `utc_offset_min`.
///
/// ```text
///  UTC       ──────────── 22:30 (1 Jan) ───────────
///  Kolkata   (+05:30) ─── 04:00 (2 Jan) ───────────   day_start_ms(2 Jan, 330, 4)
/// ```
pub fn day_start_ms(day: NaiveDate, utc_offset_min: i32, day_start_hour: u8) -> Millis {
    epoch_day_start_ms(epoch_day_of(day), utc_offset_min, day_start_hour)
}

/// [`day_start_ms`] for an [`EpochDay`].
#[inline]
pub fn epoch_day_start_ms(day: EpochDay, utc_offset_min: i32, day_start_hour: u8) -> Millis {
    day.saturating_mul(MS_PER_DAY)
        .saturating_add(i64::from(day_start_hour) * MS_PER_HOUR)
        .saturating_sub(i64::from(utc_offset_min) * MS_PER_MINUTE)
}

/// The calendar date of an [`EpochDay`]. Days beyond chrono's range (±262,000 years)
/// clamp to `NaiveDate::MIN` / `MAX` rather than panic: they can only come from corrupt data.
pub fn date_of(day: EpochDay) -> NaiveDate {
    day.checked_add(UNIX_EPOCH_DAYS_FROM_CE)
        .and_then(|n| i32::try_from(n).ok())
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(if day < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
}

/// The [`EpochDay`] of a calendar date.
pub fn epoch_day_of(date: NaiveDate) -> EpochDay {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

/// The pieces of `[start_ms, end_ms)`, one per local day, in order. Pieces are half-open and
/// tile the interval exactly; an empty or reversed interval yields nothing.
///
/// ```text
///  day_start_hour = 4     04:00            04:00            04:00
///  local days       … 1st │      2nd       │      3rd       │ 4th …
///  span                 [═╪════════════════╪═══]
///  pieces               [1st)[     2nd     )[3rd)
/// ```
pub fn split_by_day(
    start_ms: Millis,
    end_ms: Millis,
    utc_offset_min: i32,
    day_start_hour: u8,
) -> impl Iterator<Item = (NaiveDate, Millis, Millis)> {
    split_by_epoch_day(start_ms, end_ms, utc_offset_min, day_start_hour).map(|(day, a, b)| (date_of(day), a, b))
}

/// [`split_by_day`] with [`EpochDay`]s: no date arithmetic per piece.
pub fn split_by_epoch_day(start_ms: Millis, end_ms: Millis, utc_offset_min: i32, day_start_hour: u8) -> EpochDayPieces {
    EpochDayPieces {
        next_ms: start_ms,
        end_ms,
        day: epoch_day(start_ms, utc_offset_min, day_start_hour),
        utc_offset_min,
        day_start_hour,
    }
}

/// The iterator behind [`split_by_epoch_day`]: yields `(day, piece_start, piece_end)`.
#[derive(Clone, Debug)]
pub struct EpochDayPieces {
    next_ms: Millis,
    end_ms: Millis,
    day: EpochDay,
    utc_offset_min: i32,
    day_start_hour: u8,
}

impl Iterator for EpochDayPieces {
    type Item = (EpochDay, Millis, Millis);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.next_ms >= self.end_ms {
            return None;
        }
        let next_day_starts = epoch_day_start_ms(self.day + 1, self.utc_offset_min, self.day_start_hour);
        // `max` guards against saturation at the ends of i64 ever producing an empty piece
        // and looping forever.
        let piece_end = self.end_ms.min(next_day_starts.max(self.next_ms + 1));
        let piece = (self.day, self.next_ms, piece_end);
        self.next_ms = piece_end;
        self.day += 1;
        Some(piece)
    }
}

/// A half-open UTC range `[lo, hi)` that contains every instant of the local days
/// `from ..= to_inclusive` in any zone, for a coarse SQL prefilter on spans that *overlap*
/// it (`end_ms > lo AND start_ms < hi`). Exact filtering is then by [`local_day`] with each
/// span's own offset. Empty (`lo == hi`) when `from > to_inclusive`.
///
/// ```text
///  offset 0:          [from 04:00 ─────────────────── to+1 04:00)
///  window:   [─ 24 h ─[                                          )─ 24 h ─)
///            lo       └ the range in a zone at +14:00 starts 14 h earlier, at −12:00 ends 12 h later
/// ```
///
/// The margin is a whole day, not just the ±14 h of today's zones, so that any offset a
/// `FixedOffset` can hold is covered, and so that a session running into `from` is seen from
/// its first span (sessions merge across gaps of under a minute, far less than the margin).
pub fn utc_window(from: NaiveDate, to_inclusive: NaiveDate, day_start_hour: u8) -> (Millis, Millis) {
    let lo = day_start_ms(from, 0, day_start_hour).saturating_sub(WINDOW_MARGIN_MS);
    if from > to_inclusive {
        return (lo, lo);
    }
    let hi = epoch_day_start_ms(epoch_day_of(to_inclusive) + 1, 0, day_start_hour).saturating_add(WINDOW_MARGIN_MS);
    (lo, hi)
}

/// The UTC offset, in minutes, of this process's local zone at `at_ms` (via `chrono::Local`,
/// i.e. `TZ` or the system zone). The only impure function here: the tracker's outer layer
/// calls it to stamp spans; everything else takes the offset as data. Offsets with seconds
/// (historical LMT) truncate toward zero; an instant chrono cannot represent gives 0.
pub fn offset_at(at_ms: Millis) -> i32 {
    use chrono::{DateTime, Local, Offset};
    DateTime::from_timestamp_millis(at_ms)
        .map(|utc| utc.with_timezone(&Local).offset().fix().local_minus_utc() / 60)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDateTime, Offset, TimeZone};
    use chrono_tz::Tz;

    const H: i64 = MS_PER_HOUR;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn naive(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, mi, 0).unwrap()
    }

    /// A UTC wall time as epoch ms.
    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> Millis {
        naive(y, m, d, h, mi).and_utc().timestamp_millis()
    }

    /// A local wall time at a fixed offset as epoch ms.
    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32, off_min: i32) -> Millis {
        utc(y, m, d, h, mi) - i64::from(off_min) * MS_PER_MINUTE
    }

    fn offset_in(tz: Tz, at_ms: Millis) -> i32 {
        let at = DateTime::from_timestamp_millis(at_ms).unwrap().naive_utc();
        tz.offset_from_utc_datetime(&at).fix().local_minus_utc() / 60
    }

    /// Continuous use from `from_ms` to `to_ms` as the tracker would record it in `tz`:
    /// 20-minute spans, each cut where the zone's offset changes, each with its own offset.
    /// Returns the total per local day.
    fn continuous_use_per_day(tz: Tz, from_ms: Millis, to_ms: Millis, hour: u8) -> Vec<(NaiveDate, i64)> {
        let step = 20 * MS_PER_MINUTE;
        let mut totals: Vec<(NaiveDate, i64)> = Vec::new();
        let mut t = from_ms;
        while t < to_ms {
            let off = offset_in(tz, t);
            // Cut at the next offset change inside the step (found minute by minute).
            let mut end = (t + step).min(to_ms);
            let mut probe = t + MS_PER_MINUTE;
            while probe < end {
                if offset_in(tz, probe) != off {
                    end = probe;
                }
                probe += MS_PER_MINUTE;
            }
            for (day, a, b) in split_by_day(t, end, off, hour) {
                match totals.last_mut() {
                    Some((d, ms)) if *d == day => *ms += b - a,
                    _ => totals.push((day, b - a)),
                }
            }
            t = end;
        }
        totals
    }

    #[test]
    fn midnight_is_the_edge_when_days_start_at_zero() {
        let just_before = utc(2024, 5, 1, 23, 59) + 59_999;
        assert_eq!(local_day(just_before, 0, 0), date(2024, 5, 1));
        assert_eq!(local_day(utc(2024, 5, 2, 0, 0), 0, 0), date(2024, 5, 2));
        assert_eq!(day_start_ms(date(2024, 5, 2), 0, 0), utc(2024, 5, 2, 0, 0));
    }

    #[test]
    fn small_hours_count_toward_the_previous_day() {
        let off = 60;
        assert_eq!(local_day(local(2024, 5, 2, 1, 0, off), off, 4), date(2024, 5, 1));
        assert_eq!(local_day(local(2024, 5, 2, 3, 59, off) + 59_999, off, 4), date(2024, 5, 1));
        assert_eq!(local_day(local(2024, 5, 2, 4, 0, off), off, 4), date(2024, 5, 2));
        assert_eq!(day_start_ms(date(2024, 5, 2), off, 4), local(2024, 5, 2, 4, 0, off));
    }

    #[test]
    fn day_start_and_local_day_agree_for_many_offsets_and_hours() {
        let d = date(2023, 12, 31);
        for off in [-720, -570, -420, -1, 0, 1, 330, 345, 525, 840] {
            for hour in [0u8, 1, 4, 12, 23] {
                let start = day_start_ms(d, off, hour);
                assert_eq!(local_day(start, off, hour), d, "off {off} hour {hour}");
                assert_eq!(local_day(start - 1, off, hour), date(2023, 12, 30), "off {off} hour {hour}");
            }
        }
    }

    #[test]
    fn instants_before_1970_fall_on_the_right_day() {
        assert_eq!(local_day(-1, 0, 0), date(1969, 12, 31));
        assert_eq!(local_day(utc(1969, 12, 31, 23, 0), 120, 0), date(1970, 1, 1));
        assert_eq!(epoch_day_of(date(1970, 1, 1)), 0);
        assert_eq!(date_of(-1), date(1969, 12, 31));
    }

    #[test]
    fn absurd_instants_clamp_instead_of_panicking() {
        assert_eq!(local_day(i64::MAX, 840, 4), NaiveDate::MAX);
        assert_eq!(local_day(i64::MIN, -720, 4), NaiveDate::MIN);
        assert_eq!(split_by_day(i64::MAX - 10, i64::MAX, 0, 4).count(), 1);
    }

    #[test]
    fn berlin_spring_forward_day_is_23_hours() {
        let berlin = chrono_tz::Europe::Berlin;
        // Clocks jump 02:00 CET → 03:00 CEST on 2024-03-31, at 01:00 UTC.
        let totals = continuous_use_per_day(berlin, utc(2024, 3, 29, 3, 0), utc(2024, 4, 2, 2, 0), 4);
        assert_eq!(
            totals,
            vec![
                (date(2024, 3, 29), 24 * H),
                (date(2024, 3, 30), 23 * H), // 04:00 CET 30th → 04:00 CEST 31st
                (date(2024, 3, 31), 24 * H),
                (date(2024, 4, 1), 24 * H),
            ]
        );
        // With days starting at midnight the short day is the 31st itself.
        let totals = continuous_use_per_day(berlin, utc(2024, 3, 29, 23, 0), utc(2024, 4, 1, 22, 0), 0);
        assert_eq!(totals[1], (date(2024, 3, 31), 23 * H));
    }

    #[test]
    fn berlin_spans_either_side_of_spring_forward_keep_their_own_offsets() {
        let before = (utc(2024, 3, 31, 0, 30), utc(2024, 3, 31, 1, 0), 60); // 01:30–02:00 CET
        let after = (utc(2024, 3, 31, 1, 0), utc(2024, 3, 31, 2, 30), 120); // 03:00–04:30 CEST
        assert_eq!(local_day(before.0, before.2, 4), date(2024, 3, 30));
        let pieces: Vec<_> = split_by_day(after.0, after.1, after.2, 4).collect();
        assert_eq!(
            pieces,
            vec![
                (date(2024, 3, 30), utc(2024, 3, 31, 1, 0), utc(2024, 3, 31, 2, 0)),
                (date(2024, 3, 31), utc(2024, 3, 31, 2, 0), utc(2024, 3, 31, 2, 30)),
            ]
        );
    }

    #[test]
    fn berlin_fall_back_day_is_25_hours() {
        let berlin = chrono_tz::Europe::Berlin;
        // Clocks fall 03:00 CEST → 02:00 CET on 2024-10-27, at 01:00 UTC.
        let totals = continuous_use_per_day(berlin, utc(2024, 10, 25, 2, 0), utc(2024, 10, 28, 3, 0), 4);
        assert_eq!(
            totals,
            vec![
                (date(2024, 10, 25), 24 * H),
                (date(2024, 10, 26), 25 * H), // 04:00 CEST 26th → 04:00 CET 27th
                (date(2024, 10, 27), 24 * H),
            ]
        );
        // The hour 02:00–03:00 happens twice; both times it belongs to the 26th.
        assert_eq!(local_day(utc(2024, 10, 27, 0, 30), 120, 4), date(2024, 10, 26));
        assert_eq!(local_day(utc(2024, 10, 27, 1, 30), 60, 4), date(2024, 10, 26));
        let totals = continuous_use_per_day(berlin, utc(2024, 10, 25, 22, 0), utc(2024, 10, 28, 23, 0), 0);
        assert_eq!(totals[1], (date(2024, 10, 27), 25 * H));
    }

    #[test]
    fn negative_offsets_los_angeles() {
        let la = chrono_tz::America::Los_Angeles;
        let off = offset_in(la, utc(2024, 7, 1, 2, 0));
        assert_eq!(off, -420);
        // 02:00 UTC on the 1st is 19:00 on 30 June in Los Angeles.
        assert_eq!(local_day(utc(2024, 7, 1, 2, 0), off, 4), date(2024, 6, 30));
        // 03:00 PDT is still the 30th; 04:00 PDT (11:00 UTC) starts the 1st.
        assert_eq!(local_day(utc(2024, 7, 1, 10, 0), off, 4), date(2024, 6, 30));
        assert_eq!(local_day(utc(2024, 7, 1, 11, 0), off, 4), date(2024, 7, 1));
        assert_eq!(day_start_ms(date(2024, 7, 1), off, 4), utc(2024, 7, 1, 11, 0));
        // Winter: PST, −08:00.
        assert_eq!(offset_in(la, utc(2024, 1, 15, 12, 0)), -480);
        assert_eq!(day_start_ms(date(2024, 1, 15), -480, 0), utc(2024, 1, 15, 8, 0));
    }

    #[test]
    fn half_hour_offsets_kolkata() {
        let off = offset_in(chrono_tz::Asia::Kolkata, utc(2024, 1, 1, 0, 0));
        assert_eq!(off, 330);
        assert_eq!(day_start_ms(date(2024, 1, 2), off, 4), utc(2024, 1, 1, 22, 30));
        assert_eq!(local_day(utc(2024, 1, 1, 22, 29), off, 4), date(2024, 1, 1));
        assert_eq!(local_day(utc(2024, 1, 1, 22, 30), off, 4), date(2024, 1, 2));
        let pieces: Vec<_> = split_by_day(utc(2024, 1, 1, 22, 0), utc(2024, 1, 1, 23, 0), off, 4).collect();
        assert_eq!(
            pieces,
            vec![
                (date(2024, 1, 1), utc(2024, 1, 1, 22, 0), utc(2024, 1, 1, 22, 30)),
                (date(2024, 1, 2), utc(2024, 1, 1, 22, 30), utc(2024, 1, 1, 23, 0)),
            ]
        );
    }

    #[test]
    fn a_span_crossing_two_day_edges_splits_in_three() {
        let off = -300;
        let start = local(2024, 2, 1, 22, 0, off);
        let end = local(2024, 2, 3, 6, 15, off);
        let pieces: Vec<_> = split_by_day(start, end, off, 4).collect();
        assert_eq!(
            pieces,
            vec![
                (date(2024, 2, 1), start, local(2024, 2, 2, 4, 0, off)),
                (date(2024, 2, 2), local(2024, 2, 2, 4, 0, off), local(2024, 2, 3, 4, 0, off)),
                (date(2024, 2, 3), local(2024, 2, 3, 4, 0, off), end),
            ]
        );
        assert_eq!(pieces.iter().map(|(_, a, b)| b - a).sum::<i64>(), end - start);
    }

    #[test]
    fn a_span_ending_exactly_at_the_edge_is_one_piece() {
        let edge = day_start_ms(date(2024, 2, 2), 0, 4);
        let pieces: Vec<_> = split_by_day(edge - H, edge, 0, 4).collect();
        assert_eq!(pieces, vec![(date(2024, 2, 1), edge - H, edge)]);
        let pieces: Vec<_> = split_by_day(edge, edge + H, 0, 4).collect();
        assert_eq!(pieces, vec![(date(2024, 2, 2), edge, edge + H)]);
    }

    #[test]
    fn empty_and_reversed_intervals_have_no_pieces() {
        assert_eq!(split_by_day(1000, 1000, 0, 4).count(), 0);
        assert_eq!(split_by_day(2000, 1000, 0, 4).count(), 0);
    }

    #[test]
    fn utc_window_contains_the_days_in_every_zone() {
        let (from, to) = (date(2024, 3, 30), date(2024, 4, 2));
        for hour in [0u8, 4, 23] {
            let (lo, hi) = utc_window(from, to, hour);
            for off in [-(24 * 60 - 1), -720, -420, 0, 330, 840, 24 * 60 - 1] {
                let first = day_start_ms(from, off, hour);
                let last = day_start_ms(to.succ_opt().unwrap(), off, hour) - 1;
                assert!(lo <= first && last < hi, "off {off} hour {hour}");
                assert_eq!(local_day(first, off, hour), from);
                assert_eq!(local_day(last, off, hour), to);
            }
        }
        let (lo, hi) = utc_window(to, from, 4);
        assert_eq!(lo, hi);
    }

    #[test]
    fn offset_at_reads_a_plausible_offset() {
        let off = offset_at(utc(2024, 6, 1, 12, 0));
        assert!((-24 * 60..24 * 60).contains(&off));
    }
}
