//! Engagement patterns per target over a period of local days, in one streaming pass: how
//! time arrives (sessions, checks, long sessions, returns), when (late night, hour of day ×
//! weekday), and how it compares with the period before.
//!
//! Like [`super::usage`], this is pure: the store streams spans in start order into a
//! [`PatternBuilder`]; nothing here reads the database or the clock. A span costs a few
//! integer operations, plus one step per clock hour it covers (at most 168 + 168 for any
//! span, whole weeks at once); nothing is allocated per span. The only growing memory is one
//! session length and one return interval per closed session, which the median and the
//! 90th percentile need.
//!
//! Sessions, checks, returns and the grid use the same rules as the usage report: a
//! session is a run of one target's spans whose gaps are each shorter than the session gap,
//! and its length is its *time on the target* (the sum of its spans, gaps excluded). A
//! session belongs to the period in which its first span starts; its whole length counts,
//! even the part past the period's end. Minutes, late-night minutes and the grid count only
//! the part of each span inside the period.
//!
//! The JSON shape (`Patterns`), as the mismatch report and the desktop app read it:
//!
//! ```json
//! {
//!   "from": "2024-05-06",
//!   "to": "2024-05-12",
//!   "previousFrom": "2024-04-29",
//!   "previousTo": "2024-05-05",
//!   "dayStartHour": 4,
//!   "targets": [
//!     {
//!       "platform": "instagram",
//!       "category": "social",
//!       "seconds": 9000.0,
//!       "previousSeconds": 6000.0,
//!       "trendSeconds": 3000.0,
//!       "trendRatio": 1.5,
//!       "sessions": 14,
//!       "checks": 6,
//!       "longSessions": 2,
//!       "longSessionsAtNight": 1,
//!       "longest": { "startMs": 1715380800000, "utcOffsetMin": 120, "seconds": 2640.0, "wallSeconds": 2702.5 },
//!       "medianSessionSeconds": 95.5,
//!       "p90SessionSeconds": 1500.0,
//!       "returnMedianSeconds": 240.0,
//!       "quickReturnShare": 0.6153846153846154,
//!       "lateNightSeconds": 3120.0,
//!       "sessionLengths": {
//!         "boundsSeconds": [30, 60, 300, 600, 1200, 1800, 3600, 7200],
//!         "counts": [6, 2, 3, 1, 0, 1, 1, 0, 0],
//!         "seconds": [95.0, 90.5, 480.0, 560.0, 0.0, 1500.0, 2640.0, 0.0, 0.0]
//!       },
//!       "hourWeekdaySeconds": [[0.0, "…24 hours from 00:00…"], "…7 weekdays, Monday first…"]
//!     }
//!   ]
//! }
//! ```

use super::report::seconds;
use super::usage::{SpanRecord, TargetInfo};
use crate::localday::{self, EpochDay};
use crate::model::{Category, Millis};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_HOUR: i64 = 3_600_000;
const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_WEEK: i64 = 7 * MS_PER_DAY;
const MINUTES_PER_DAY: u16 = 24 * 60;

/// The upper bounds, in seconds, of the session-length histogram's buckets: under 30 s
/// (a check, by the default check limit), 30 s–1 min, 1–5 min, 5–10 min, 10–20 min,
/// 20–30 min (past the default long-session threshold), 30–60 min, 1–2 h, and a last bucket
/// of 2 h and more. A bucket holds the lengths from the bound before it (inclusive) up to
/// its own (exclusive): a session of exactly 1 min is in 1–5 min. Fixed rather than scaled
/// to the data so that periods and targets compare bucket by bucket, and so that counting
/// a session costs a few comparisons and one increment.
pub const SESSION_BUCKET_BOUNDS_SECS: [u32; 8] = [30, 60, 300, 600, 1200, 1800, 3600, 7200];

/// The number of buckets: one more than the bounds (the last is open-ended).
const SESSION_BUCKETS: usize = SESSION_BUCKET_BOUNDS_SECS.len() + 1;

/// The bucket of a session with `on_ms` on the target.
fn session_bucket(on_ms: i64) -> usize {
    SESSION_BUCKET_BOUNDS_SECS.iter().take_while(|&&b| on_ms >= i64::from(b) * 1000).count()
}

/// What to analyse and the thresholds to judge it by. The defaults belong to the settings
/// (session gap 60 s, check limit 30 s, long session 20 min, quick return 5 min, night
/// 23:00–05:00, day start 04:00); this struct only carries them, in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternParams {
    /// The first local day of the period.
    pub from: NaiveDate,
    /// The last local day, inclusive. A `to` before `from` gives an empty period (and an
    /// empty previous period).
    pub to: NaiveDate,
    /// The hour (0–23) at which local days start.
    pub day_start_hour: u8,
    /// A gap between two spans of a target at least this long ends the session.
    pub session_gap_ms: i64,
    /// A session with less time on the target than this is a check.
    pub check_max_ms: i64,
    /// A session with more time on the target than this is long, unless `caps` gives the
    /// target its own limit.
    pub long_session_ms: i64,
    /// A return interval shorter than this is a quick return.
    pub quick_return_ms: i64,
    /// The night window as minutes after local midnight, `(start, end)`, as
    /// [`crate::settings::parse_window`] gives it; `end < start` crosses midnight. Equal
    /// ends make an empty window.
    pub night: (u16, u16),
    /// Session caps from the user's goals, in milliseconds, keyed by platform id
    /// (`"instagram"`) or category name (`"social"`); a platform's own cap wins over its
    /// category's. A session over its target's cap is long; targets without a cap use
    /// `long_session_ms`. Keyed by name rather than by target index because only the
    /// store knows the indices, and it assigns them per query.
    pub caps: BTreeMap<String, i64>,
    /// The days to compare with, `(first, last)` inclusive, ending before `from`; `None`
    /// for the same number of days just before `from`. A period still in progress compares
    /// its elapsed days with as many days of the period before (see
    /// [`crate::analysis::mismatch`]).
    pub previous: Option<(NaiveDate, NaiveDate)>,
}

impl PatternParams {
    /// The number of local days in the period (0 when `to` is before `from`).
    pub fn days(&self) -> i64 {
        (localday::epoch_day_of(self.to) - localday::epoch_day_of(self.from) + 1).max(0)
    }

    /// The previous period, `(first, last)` inclusive: the same number of days, ending the
    /// day before `from`. Empty (last before first) when the period is.
    pub fn previous_period(&self) -> (NaiveDate, NaiveDate) {
        if let Some((first, last)) = self.previous {
            return (first, last.min(self.from.pred_opt().unwrap_or(self.from)));
        }
        let from = localday::epoch_day_of(self.from);
        (localday::date_of(from - self.days()), localday::date_of(from - 1))
    }

    /// The session cap for a target: its platform's, else its category's, else the default.
    fn cap_ms(&self, info: &TargetInfo) -> i64 {
        self.caps
            .get(&info.platform)
            .or_else(|| self.caps.get(info.category.as_str()))
            .copied()
            .unwrap_or(self.long_session_ms)
    }
}

/// Engagement patterns per target over a period of local days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Patterns {
    /// The first local day, `"YYYY-MM-DD"`.
    pub from: NaiveDate,
    /// The last local day, inclusive, `"YYYY-MM-DD"`.
    pub to: NaiveDate,
    /// The first day of the previous period the trend compares with: as many days as
    /// `from..=to`, ending the day before `from`.
    pub previous_from: NaiveDate,
    /// The last day of the previous period (the day before `from`).
    pub previous_to: NaiveDate,
    /// The hour (0–23, local time) at which each local day starts. It decides which
    /// period a span's minutes belong to and which weekday row of `hourWeekdaySeconds` the
    /// small hours fall in.
    pub day_start_hour: u8,
    /// Every target with time in either period or a session in this one, by `seconds`
    /// descending, then `platform`.
    pub targets: Vec<TargetPatterns>,
}

/// One target's engagement over the period. Durations are seconds with at most three
/// decimals. "Session length" is always time on the target: the sum of the session's
/// spans, not counting the gaps (under the session gap) between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TargetPatterns {
    /// The platform id, e.g. `"youtube"`.
    pub platform: String,
    /// The platform's category: `"social"`, `"video"` or `"messaging"`.
    pub category: Category,
    /// Time on the target inside the period (spans clipped to its local days).
    pub seconds: f64,
    /// Time on the target inside the previous period.
    pub previous_seconds: f64,
    /// `seconds − previousSeconds`: positive when use grew.
    pub trend_seconds: f64,
    /// `seconds ÷ previousSeconds` (1.5 means half again as much); `null` when the previous
    /// period had no time on the target, so there is nothing to compare with.
    pub trend_ratio: Option<f64>,
    /// Sessions that started in the period. A session is a run of the target's spans whose
    /// gaps are each shorter than the session gap (default 60 s).
    pub sessions: u32,
    /// Sessions shorter than the check limit (default 30 s): the brief checking habit.
    pub checks: u32,
    /// Sessions longer than the target's session cap, or the long-session default (20 min)
    /// when no cap is set. A session exactly at the limit is not long.
    pub long_sessions: u32,
    /// How many of the long sessions began inside the night window.
    pub long_sessions_at_night: u32,
    /// The session with the most time on the target; the earliest of equals. `null`
    /// without sessions.
    pub longest: Option<SessionRef>,
    /// The median session length; `null` without sessions.
    pub median_session_seconds: Option<f64>,
    /// The 90th-percentile session length (linear interpolation between the nearest
    /// ranks, as numpy's and R's default); `null` without sessions.
    pub p90_session_seconds: Option<f64>,
    /// The median return interval: from the end of one session to the start of the
    /// target's next, for sessions starting in the period (the one before may lie in an
    /// earlier period). Whole seconds before taking the median. `null` without returns.
    pub return_median_seconds: Option<f64>,
    /// The share (0–1) of those returns shorter than the quick-return limit (default
    /// 5 min); `null` without returns.
    pub quick_return_share: Option<f64>,
    /// Time inside the night window (default 23:00–05:00) on the local clock of each span,
    /// inside the period.
    pub late_night_seconds: f64,
    /// How the period's sessions spread over fixed length buckets
    /// ([`SESSION_BUCKET_BOUNDS_SECS`]); the counts sum to `sessions`.
    pub session_lengths: SessionHistogram,
    /// Time inside the period by weekday (rows, Monday first) and clock hour (columns,
    /// 00:00 first). The weekday is that of the local day, so with days starting at 04:00
    /// the hours 00–03 of a row are the small hours after that weekday's evening.
    #[cfg_attr(feature = "ts", ts(type = "number[][]"))]
    pub hour_weekday_seconds: [[f64; 24]; 7],
}

/// Session lengths (time on the target) in fixed buckets. Bucket `i` holds the sessions at
/// least `boundsSeconds[i − 1]` long (0 for the first) and shorter than `boundsSeconds[i]`
/// (no upper bound for the last), so `counts` and `seconds` have one entry more than
/// `boundsSeconds`. The bounds travel with the counts so that a surface labels the buckets
/// without a copy of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SessionHistogram {
    /// [`SESSION_BUCKET_BOUNDS_SECS`], in seconds.
    pub bounds_seconds: Vec<u32>,
    /// Sessions per bucket.
    pub counts: Vec<u32>,
    /// The sessions' total time on the target per bucket.
    pub seconds: Vec<f64>,
}

impl SessionHistogram {
    fn new(counts: &[u32; SESSION_BUCKETS], ms: &[i64; SESSION_BUCKETS]) -> SessionHistogram {
        SessionHistogram {
            bounds_seconds: SESSION_BUCKET_BOUNDS_SECS.to_vec(),
            counts: counts.to_vec(),
            seconds: ms.iter().map(|&ms| seconds(ms)).collect(),
        }
    }
}

/// A session, located in time so that it can be shown on the local clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SessionRef {
    /// When its first span started, UTC epoch milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ms: Millis,
    /// The UTC offset in force at that start: local time is `startMs + utcOffsetMin × 60,000`.
    pub utc_offset_min: i32,
    /// Its length: time on the target.
    pub seconds: f64,
    /// From its first span's start to its last span's end, gaps included.
    pub wall_seconds: f64,
}

/// The session a target is in, while its next span may still extend it.
#[derive(Clone, Copy, Debug)]
struct OpenSession {
    /// Whether its first span started on a day of the period.
    in_period: bool,
    start_ms: Millis,
    utc_offset_min: i32,
    /// Time on the target so far, whole spans, in the period or not.
    on_ms: i64,
    last_end_ms: Millis,
}

/// Everything gathered about one target.
#[derive(Debug, Default)]
struct Tally {
    ms: i64,
    previous_ms: i64,
    night_ms: i64,
    /// Milliseconds per weekday (Monday first) and clock hour.
    grid: [[i64; 24]; 7],
    sessions: u32,
    checks: u32,
    /// Sessions and their time on the target per length bucket.
    bucket_counts: [u32; SESSION_BUCKETS],
    bucket_ms: [i64; SESSION_BUCKETS],
    /// The longest session so far, as `(on_ms, session)`.
    longest: Option<(i64, OpenSession)>,
    /// Each session's time on the target, in milliseconds, saturating at `u32::MAX`
    /// (49 days, beyond any real session): half the memory of `i64` and still exact.
    lengths_ms: Vec<u32>,
    /// The lengths of the sessions that began inside the night window (a subset of
    /// `lengths_ms`), to count the long ones once the cap is known.
    night_lengths_ms: Vec<u32>,
    /// Each return interval in whole seconds (returns can span months, so milliseconds
    /// would not fit a `u32`).
    returns_s: Vec<u32>,
    quick_returns: u32,
    open: Option<OpenSession>,
    /// Where the target's previous closed session ended.
    last_session_end_ms: Option<Millis>,
}

/// Accumulates [`Patterns`] from spans pushed in start order.
///
/// ```text
///  local days     │ previous period (n days) │ the period: from ..= to (n days) │
///  target A   [══]    [═══]  [═]             [══]·[════]   [=]          [═════╪══]
///                       └ minutes for the trend only   │        │           └ cut: only the part
///                                                      │        │             inside counts as
///  the first session in the period returns from [═] ───┘        │             minutes; the
///  a gap under the session gap: one session ──────────────────┘ │             session counts whole
///                                       a check (under 30 s) ───┘
/// ```
#[derive(Debug)]
pub struct PatternBuilder {
    params: PatternParams,
    first_day: EpochDay,
    n_days: i64,
    /// The previous period's first and last epoch days.
    previous: (EpochDay, EpochDay),
    /// Per target index.
    tallies: Vec<Tally>,
    last_start_ms: Millis,
}

impl PatternBuilder {
    pub fn new(params: PatternParams) -> Self {
        Self {
            first_day: localday::epoch_day_of(params.from),
            n_days: params.days(),
            previous: {
                let (a, b) = params.previous_period();
                (localday::epoch_day_of(a), localday::epoch_day_of(b))
            },
            params,
            tallies: Vec::new(),
            last_start_ms: Millis::MIN,
        }
    }

    /// Adds one span. Spans must come in start order (ties in any order). Spans of the
    /// previous period count toward the trend and give the period's first sessions a
    /// return interval; time outside both periods is ignored, so a wider UTC prefilter
    /// (see [`localday::utc_window`]) is fine. Spans without a target, and empty or reversed
    /// spans, are ignored.
    pub fn push(&mut self, s: &SpanRecord) {
        debug_assert!(s.start_ms >= self.last_start_ms, "spans must be pushed in start order");
        self.last_start_ms = s.start_ms;
        let Some(t) = s.target else { return };
        if s.end_ms <= s.start_ms {
            return;
        }
        let (off, hour, n) = (s.utc_offset_min, self.params.day_start_hour, self.n_days);
        let previous_start = localday::epoch_day_start_ms(self.previous.0, off, hour);
        let previous_end = localday::epoch_day_start_ms(self.previous.1 + 1, off, hour);
        let start = localday::epoch_day_start_ms(self.first_day, off, hour);
        let end = localday::epoch_day_start_ms(self.first_day + n, off, hour);
        let start_day = localday::epoch_day(s.start_ms, off, hour);
        let in_period = (self.first_day..self.first_day + n).contains(&start_day);
        let (gap_ms, night) = (self.params.session_gap_ms, self.params.night);
        let (check_max_ms, quick_return_ms) = (self.params.check_max_ms, self.params.quick_return_ms);

        let tally = self.tally(t as usize);
        tally.previous_ms += overlap_ms(s.start_ms, s.end_ms, previous_start, previous_end);
        let (a, b) = (s.start_ms.max(start), s.end_ms.min(end));
        if a < b {
            tally.ms += b - a;
            tally.night_ms += night_ms(a, b, off, night);
            add_to_grid(&mut tally.grid, a, b, off, hour);
        }

        let on_ms = s.end_ms.saturating_sub(s.start_ms);
        // "Gaps shorter than session_gap" continue the session: a gap of exactly the
        // session gap starts a new one (as in the usage report).
        if let Some(open) = &mut tally.open {
            if s.start_ms.saturating_sub(open.last_end_ms) < gap_ms {
                open.on_ms = open.on_ms.saturating_add(on_ms);
                open.last_end_ms = open.last_end_ms.max(s.end_ms);
                return;
            }
        }
        if let Some(ended) = tally.open.take() {
            tally.close(ended, check_max_ms, quick_return_ms, night);
        }
        tally.open =
            Some(OpenSession { in_period, start_ms: s.start_ms, utc_offset_min: off, on_ms, last_end_ms: s.end_ms });
    }

    /// The patterns, given the table the spans' target indices point into. Indices without
    /// a row in `targets` are left out.
    pub fn finish(mut self, targets: &[TargetInfo]) -> Patterns {
        let (check_max_ms, quick_return_ms) = (self.params.check_max_ms, self.params.quick_return_ms);
        let mut rows = Vec::new();
        for (tally, info) in self.tallies.iter_mut().zip(targets) {
            if let Some(open) = tally.open.take() {
                tally.close(open, check_max_ms, quick_return_ms, self.params.night);
            }
            if tally.ms == 0 && tally.previous_ms == 0 && tally.sessions == 0 {
                continue;
            }
            rows.push(tally.patterns(info, self.params.cap_ms(info)));
        }
        rows.sort_by(|a, b| b.seconds.total_cmp(&a.seconds).then_with(|| a.platform.cmp(&b.platform)));
        let (previous_from, previous_to) = self.params.previous_period();
        Patterns {
            from: self.params.from,
            to: self.params.to,
            previous_from,
            previous_to,
            day_start_hour: self.params.day_start_hour,
            targets: rows,
        }
    }

    /// Target `t`'s tally, growing the table the first time `t` appears (once per target,
    /// not per span).
    fn tally(&mut self, t: usize) -> &mut Tally {
        if t >= self.tallies.len() {
            self.tallies.resize_with(t + 1, Tally::default);
        }
        &mut self.tallies[t]
    }
}

impl Tally {
    fn close(&mut self, session: OpenSession, check_max_ms: i64, quick_return_ms: i64, night: (u16, u16)) {
        if session.in_period {
            self.sessions += 1;
            if session.on_ms < check_max_ms {
                self.checks += 1;
            }
            let bucket = session_bucket(session.on_ms);
            self.bucket_counts[bucket] += 1;
            self.bucket_ms[bucket] = self.bucket_ms[bucket].saturating_add(session.on_ms);
            if self.longest.is_none_or(|(ms, _)| session.on_ms > ms) {
                self.longest = Some((session.on_ms, session));
            }
            self.lengths_ms.push(u32::try_from(session.on_ms).unwrap_or(u32::MAX));
            if night_ms(session.start_ms, session.start_ms + 1, session.utc_offset_min, night) > 0 {
                self.night_lengths_ms.push(u32::try_from(session.on_ms).unwrap_or(u32::MAX));
            }
            if let Some(previous_end) = self.last_session_end_ms {
                let gap_ms = session.start_ms.saturating_sub(previous_end);
                self.returns_s.push(u32::try_from(gap_ms / 1000).unwrap_or(u32::MAX));
                if gap_ms < quick_return_ms {
                    self.quick_returns += 1;
                }
            }
        }
        self.last_session_end_ms = Some(session.last_end_ms);
    }

    fn patterns(&mut self, info: &TargetInfo, cap_ms: i64) -> TargetPatterns {
        self.lengths_ms.sort_unstable();
        self.returns_s.sort_unstable();
        let long_sessions = self.lengths_ms.iter().filter(|&&ms| i64::from(ms) > cap_ms).count() as u32;
        let long_sessions_at_night = self.night_lengths_ms.iter().filter(|&&ms| i64::from(ms) > cap_ms).count() as u32;
        // Interpolated percentiles are rounded to the millisecond, like every duration here.
        let length_seconds = |q| quantile(&self.lengths_ms, q).map(|ms| seconds(ms.round() as i64));
        let n_returns = self.returns_s.len();
        TargetPatterns {
            platform: info.platform.clone(),
            category: info.category,
            seconds: seconds(self.ms),
            previous_seconds: seconds(self.previous_ms),
            trend_seconds: seconds(self.ms - self.previous_ms),
            trend_ratio: (self.previous_ms > 0).then(|| self.ms as f64 / self.previous_ms as f64),
            sessions: self.sessions,
            checks: self.checks,
            long_sessions,
            long_sessions_at_night,
            longest: self.longest.map(|(on_ms, s)| SessionRef {
                start_ms: s.start_ms,
                utc_offset_min: s.utc_offset_min,
                seconds: seconds(on_ms),
                wall_seconds: seconds(s.last_end_ms - s.start_ms),
            }),
            median_session_seconds: length_seconds(0.5),
            p90_session_seconds: length_seconds(0.9),
            return_median_seconds: quantile(&self.returns_s, 0.5),
            quick_return_share: (n_returns > 0).then(|| f64::from(self.quick_returns) / n_returns as f64),
            late_night_seconds: seconds(self.night_ms),
            session_lengths: SessionHistogram::new(&self.bucket_counts, &self.bucket_ms),
            hour_weekday_seconds: self.grid.map(|row| row.map(seconds)),
        }
    }
}

/// The `q`-quantile of sorted values, interpolating linearly between the two nearest ranks
/// (Hyndman & Fan type 7, the default of numpy and R): the median of an even count is the
/// mean of the middle two. `None` for no values.
fn quantile(sorted: &[u32], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    let (a, b) = (f64::from(sorted[lo]), f64::from(sorted[hi]));
    Some(a + (h - lo as f64) * (b - a))
}

/// The length of `[a, b) ∩ [lo, hi)`.
fn overlap_ms(a: Millis, b: Millis, lo: Millis, hi: Millis) -> i64 {
    (b.min(hi) - a.max(lo)).max(0)
}

/// How much of `[a, b)` falls inside the daily night window on the local clock at `off`,
/// in O(1) for any span length: the difference of a cumulative count of night time.
///
/// ```text
///  window 23:00–05:00      00:00        05:00                23:00   00:00
///  night time per day      [████████████)                    [███████)
///  span                           [═══════════════════════════════)
///  night(span) = night(−∞, b) − night(−∞, a)
/// ```
fn night_ms(a: Millis, b: Millis, off: i32, (from_min, to_min): (u16, u16)) -> i64 {
    let ws = i64::from(from_min.min(MINUTES_PER_DAY)) * MS_PER_MINUTE;
    let we = i64::from(to_min.min(MINUTES_PER_DAY)) * MS_PER_MINUTE;
    if ws == we {
        return 0;
    }
    // Night time between local midnight and `r` ms after it.
    let in_day = |r: i64| if ws < we { (r.min(we) - ws).max(0) } else { r.min(we) + (r - ws).max(0) };
    let per_day = in_day(MS_PER_DAY);
    let before = |local: i64| local.div_euclid(MS_PER_DAY) * per_day + in_day(local.rem_euclid(MS_PER_DAY));
    let o = i64::from(off) * MS_PER_MINUTE;
    before(b + o) - before(a + o)
}

/// Adds `[a, b)` to a weekday × clock-hour grid on the local clock at `off`. Rows are the
/// weekdays of local days (which start at `day_start_hour`), Monday first. Whole weeks are
/// added to every cell at once, so a span costs at most 168 + 168 steps however long it is;
/// a typical span of seconds or minutes costs one or two.
fn add_to_grid(grid: &mut [[i64; 24]; 7], a: Millis, b: Millis, off: i32, day_start_hour: u8) {
    let o = i64::from(off) * MS_PER_MINUTE;
    let (mut t, end) = (a + o, b + o);
    let weeks = (end - t) / MS_PER_WEEK;
    if weeks > 0 {
        grid.iter_mut().flatten().for_each(|cell| *cell += weeks * MS_PER_HOUR);
        t += weeks * MS_PER_WEEK;
    }
    let day_shift = i64::from(day_start_hour) * MS_PER_HOUR;
    while t < end {
        let hours = t.div_euclid(MS_PER_HOUR);
        let next = ((hours + 1) * MS_PER_HOUR).min(end);
        // Day starts fall on whole hours, so an hour-long piece never straddles two days.
        let day = (t - day_shift).div_euclid(MS_PER_DAY);
        // 1970-01-01, epoch day 0, was a Thursday: index 3 counting from Monday.
        let weekday = (day + 3).rem_euclid(7) as usize;
        grid[weekday][hours.rem_euclid(24) as usize] += next - t;
        t = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::localday::day_start_ms;

    const S: i64 = 1000;
    const MIN: i64 = 60 * S;
    const H: i64 = 60 * MIN;

    const INSTAGRAM: Option<u32> = Some(0);
    const YOUTUBE: Option<u32> = Some(1);

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Local wall time at a fixed offset, as epoch ms.
    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32, off: i32) -> Millis {
        date(y, m, d).and_hms_opt(h, mi, 0).unwrap().and_utc().timestamp_millis() - i64::from(off) * MIN
    }

    fn params(from: NaiveDate, to: NaiveDate) -> PatternParams {
        PatternParams {
            from,
            to,
            day_start_hour: 4,
            session_gap_ms: 60 * S,
            check_max_ms: 30 * S,
            long_session_ms: 20 * MIN,
            quick_return_ms: 5 * MIN,
            night: (23 * 60, 5 * 60),
            caps: BTreeMap::new(),
            previous: None,
        }
    }

    fn targets() -> Vec<TargetInfo> {
        vec![
            TargetInfo { platform: "instagram".into(), category: Category::Social },
            TargetInfo { platform: "youtube".into(), category: Category::Video },
        ]
    }

    /// Patterns of spans given as (start, end, target) at offset `off`.
    fn patterns(p: PatternParams, off: i32, spans: &[(Millis, Millis, Option<u32>)]) -> Patterns {
        let spans: Vec<_> = spans.iter().map(|&(a, b, t)| (a, b, off, t)).collect();
        patterns_at(p, &spans)
    }

    /// Patterns of spans given as (start, end, offset, target).
    fn patterns_at(p: PatternParams, spans: &[(Millis, Millis, i32, Option<u32>)]) -> Patterns {
        let mut b = PatternBuilder::new(p);
        for &(start_ms, end_ms, utc_offset_min, target) in spans {
            b.push(&SpanRecord { start_ms, end_ms, utc_offset_min, target });
        }
        b.finish(&targets())
    }

    fn target<'a>(p: &'a Patterns, platform: &str) -> &'a TargetPatterns {
        p.targets.iter().find(|t| t.platform == platform).unwrap_or_else(|| panic!("no {platform} in {p:?}"))
    }

    /// One session per length, each 10 minutes after the last one ended.
    fn sessions_of(t0: Millis, lengths: &[i64]) -> Vec<(Millis, Millis, Option<u32>)> {
        let mut t = t0;
        lengths
            .iter()
            .map(|&len| {
                let span = (t, t + len, INSTAGRAM);
                t += len + 10 * MIN;
                span
            })
            .collect()
    }

    fn grid_total(g: &[[f64; 24]; 7]) -> f64 {
        g.iter().flatten().sum()
    }

    #[test]
    fn checks_are_sessions_under_the_limit_by_time_on_target() {
        let t0 = local(2024, 5, 1, 10, 0, 0);
        let p = patterns(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            0,
            &[
                (t0, t0 + 29 * S, INSTAGRAM), // a check
                // 25 s on the target over 55 s of wall time: a check.
                (t0 + 5 * MIN, t0 + 5 * MIN + 20 * S, INSTAGRAM),
                (t0 + 5 * MIN + 50 * S, t0 + 5 * MIN + 55 * S, INSTAGRAM),
                (t0 + 10 * MIN, t0 + 10 * MIN + 30 * S, INSTAGRAM), // exactly the limit: not a check
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!((ig.sessions, ig.checks, ig.long_sessions), (3, 2, 0));
        assert_eq!(ig.seconds, 84.0);
    }

    #[test]
    fn long_sessions_use_the_cap_of_the_platform_then_its_category_then_the_default() {
        let t0 = local(2024, 5, 1, 10, 0, 0);
        let lengths = [20 * MIN, 20 * MIN + 1, 12 * MIN, 8 * MIN];
        let mut spans = sessions_of(t0, &lengths);
        spans.extend(sessions_of(t0 + 4 * H, &lengths).into_iter().map(|(a, b, _)| (a, b, YOUTUBE)));
        let mut ps = params(date(2024, 5, 1), date(2024, 5, 1));

        let p = patterns(ps.clone(), 0, &spans);
        assert_eq!(target(&p, "instagram").long_sessions, 1, "over 20 min; exactly 20 min is not long");
        assert_eq!(target(&p, "youtube").long_sessions, 1);

        ps.caps = BTreeMap::from([("instagram".to_string(), 10 * MIN), ("video".to_string(), 15 * MIN)]);
        let p = patterns(ps.clone(), 0, &spans);
        assert_eq!(target(&p, "instagram").long_sessions, 3);
        assert_eq!(target(&p, "youtube").long_sessions, 2);

        ps.caps.insert("youtube".into(), 5 * MIN);
        assert_eq!(target(&patterns(ps, 0, &spans), "youtube").long_sessions, 4, "the platform's cap wins");
    }

    #[test]
    fn longest_session_is_time_on_target_with_its_start_and_offset() {
        let t0 = local(2024, 5, 1, 22, 40, 120);
        let p = patterns(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            120,
            &[
                (t0 - 2 * H, t0 - H, INSTAGRAM), // 60 min
                // 30 + 40 = 70 min on target over 70 min 50 s of wall time: the longest.
                (t0, t0 + 30 * MIN, INSTAGRAM),
                (t0 + 30 * MIN + 50 * S, t0 + 70 * MIN + 50 * S, INSTAGRAM),
                (t0 + 3 * H, t0 + 4 * H + 10 * MIN, YOUTUBE),
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!(
            ig.longest,
            Some(SessionRef { start_ms: t0, utc_offset_min: 120, seconds: 4200.0, wall_seconds: 4250.0 })
        );
        assert_eq!((ig.sessions, ig.long_sessions), (2, 2));
        // The YouTube session starts at 01:40 on the 2nd, which is still local day the 1st.
        assert_eq!(target(&p, "youtube").longest.unwrap().start_ms, t0 + 3 * H);
    }

    #[test]
    fn median_and_p90_of_session_lengths() {
        // 1..=10 minutes, shuffled: median 5.5 min; p90 at rank 8.1 = 9 min + 0.1 × 1 min.
        let lengths: Vec<i64> = [7, 2, 9, 1, 10, 4, 3, 8, 6, 5].iter().map(|m| m * MIN).collect();
        let p =
            patterns(params(date(2024, 5, 1), date(2024, 5, 1)), 0, &sessions_of(local(2024, 5, 1, 8, 0, 0), &lengths));
        let ig = target(&p, "instagram");
        assert_eq!(ig.sessions, 10);
        assert_eq!(ig.median_session_seconds, Some(330.0));
        assert_eq!(ig.p90_session_seconds, Some(546.0));

        // An odd count takes the middle value; one session is its own median and p90.
        let p = patterns(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            0,
            &sessions_of(local(2024, 5, 1, 8, 0, 0), &[40 * S, 10 * S + 1, 90 * S]),
        );
        assert_eq!(target(&p, "instagram").median_session_seconds, Some(40.0));
        assert_eq!(target(&p, "instagram").p90_session_seconds, Some(80.0));
        let p =
            patterns(params(date(2024, 5, 1), date(2024, 5, 1)), 0, &sessions_of(local(2024, 5, 1, 8, 0, 0), &[1234]));
        let ig = target(&p, "instagram");
        assert_eq!((ig.median_session_seconds, ig.p90_session_seconds), (Some(1.234), Some(1.234)));
    }

    #[test]
    fn session_buckets_take_each_bound_as_the_start_of_the_next_bucket() {
        assert_eq!(session_bucket(0), 0);
        assert_eq!(session_bucket(1), 0);
        for (i, &b) in SESSION_BUCKET_BOUNDS_SECS.iter().enumerate() {
            let b = i64::from(b) * S;
            assert_eq!(session_bucket(b - 1), i, "1 ms under {b} ms");
            assert_eq!(session_bucket(b), i + 1, "exactly {b} ms");
        }
        assert_eq!(session_bucket(30 * 24 * H), SESSION_BUCKETS - 1);
        assert!(SESSION_BUCKET_BOUNDS_SECS.windows(2).all(|w| w[0] < w[1]), "bounds ascend");
    }

    #[test]
    fn the_histogram_counts_every_session_of_the_period_once() {
        // One session at each bound and one 1 ms under it, plus a 3-hour session.
        let mut lengths: Vec<i64> =
            SESSION_BUCKET_BOUNDS_SECS.iter().flat_map(|&b| [i64::from(b) * S - 1, i64::from(b) * S]).collect();
        lengths.push(3 * H);
        let t0 = local(2024, 5, 1, 4, 30, 0);
        let mut spans = sessions_of(t0, &lengths);
        // A session of the previous period is left out of the histogram, as of `sessions`.
        spans.insert(0, (t0 - 2 * H, t0 - H, INSTAGRAM));
        let p = patterns(params(date(2024, 5, 1), date(2024, 5, 2)), 0, &spans);
        let ig = target(&p, "instagram");
        let h = &ig.session_lengths;
        assert_eq!(h.bounds_seconds, SESSION_BUCKET_BOUNDS_SECS.to_vec());
        assert_eq!(h.counts, vec![1, 2, 2, 2, 2, 2, 2, 2, 2]);
        assert_eq!(h.counts.iter().sum::<u32>(), ig.sessions);
        assert_eq!((h.counts.len(), h.seconds.len()), (SESSION_BUCKETS, SESSION_BUCKETS));
        // 29.999 s alone under 30 s; 30 s and 59.999 s in the next bucket; the last bucket
        // holds exactly 2 h and 3 h.
        assert_eq!(h.seconds[0], 29.999);
        assert_eq!(h.seconds[1], 89.999);
        assert_eq!(h.seconds[8], 7200.0 + 10_800.0);
        let total: f64 = h.seconds.iter().sum();
        assert!((total - lengths.iter().sum::<i64>() as f64 / 1000.0).abs() < 1e-6);
    }

    #[test]
    fn return_intervals_and_the_quick_share() {
        // 04:10 on the 2nd, just after the day starts.
        let t0 = local(2024, 5, 2, 4, 10, 0);
        let p = patterns(
            params(date(2024, 5, 2), date(2024, 5, 2)),
            0,
            &[
                // Local day the 1st, the previous period: the period's first session returns
                // from the second of these (12 min before), whose own return is not counted.
                (t0 - 20 * H, t0 - 19 * H, INSTAGRAM),
                (t0 - 13 * MIN, t0 - 12 * MIN, INSTAGRAM),
                (t0, t0 + MIN, INSTAGRAM),
                (t0 + 3 * MIN, t0 + 4 * MIN, INSTAGRAM), // returns after 2 min: quick
                (t0 + 8 * MIN + 59 * S, t0 + 10 * MIN, INSTAGRAM), // after 4 min 59 s: quick
                (t0 + 15 * MIN, t0 + 16 * MIN, INSTAGRAM), // after exactly 5 min: not quick
                (t0 + 16 * MIN + 30 * S, t0 + 17 * MIN, INSTAGRAM), // 30 s gap: same session
                (t0 + 47 * MIN, t0 + 48 * MIN, INSTAGRAM), // after 30 min
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!(ig.sessions, 5);
        // Returns 720, 120, 299, 300, 1800 s → median 300 s; 2 of 5 under 5 minutes.
        assert_eq!(ig.return_median_seconds, Some(300.0));
        assert_eq!(ig.quick_return_share, Some(0.4));

        // One session and no earlier one: no returns at all.
        let p = patterns(params(date(2024, 5, 2), date(2024, 5, 2)), 0, &[(t0, t0 + MIN, INSTAGRAM)]);
        let ig = target(&p, "instagram");
        assert_eq!((ig.return_median_seconds, ig.quick_return_share), (None, None));
    }

    #[test]
    fn late_night_crosses_midnight_and_the_day_start_hour() {
        let off = 60;
        let p = patterns(
            params(date(2024, 5, 2), date(2024, 5, 2)),
            off,
            &[
                // 03:30–06:00 on the 2nd: 03:30–04:00 still belongs to the 1st (previous
                // period); of the rest, 04:00–05:00 is night.
                (local(2024, 5, 2, 3, 30, off), local(2024, 5, 2, 6, 0, off), INSTAGRAM),
                (local(2024, 5, 2, 12, 0, off), local(2024, 5, 2, 13, 0, off), INSTAGRAM),
                // 22:30 on the 2nd to 01:15 on the 3rd: 23:00–01:15 is night.
                (local(2024, 5, 2, 22, 30, off), local(2024, 5, 3, 1, 15, off), INSTAGRAM),
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!(ig.seconds, ((2 * H + H + 2 * H + 45 * MIN) / S) as f64);
        assert_eq!(ig.previous_seconds, 1800.0);
        assert_eq!(ig.late_night_seconds, ((H + 2 * H + 15 * MIN) / S) as f64);
    }

    #[test]
    fn night_time_matches_a_minute_by_minute_count() {
        let windows = [(23 * 60, 5 * 60), (60, 180), (0, 1), (22 * 60, 0), (0, 6 * 60), (600, 600)];
        let brute = |a: i64, b: i64, off: i32, (ws, we): (u16, u16)| {
            let mut n = 0;
            let mut t = a;
            while t < b {
                let m = ((t + i64::from(off) * MIN).rem_euclid(MS_PER_DAY) / MIN) as u16;
                let inside = if ws <= we { (ws..we).contains(&m) } else { m >= ws || m < we };
                n += i64::from(inside) * MIN;
                t += MIN;
            }
            n
        };
        let base = local(2024, 3, 30, 0, 0, 0);
        for w in windows {
            for off in [-570, -420, 0, 60, 120, 345] {
                for (a, len) in [(0, 3 * MIN), (17 * MIN, 2 * H), (5 * H, 26 * H), (-40 * H, 90 * H), (23 * H, 0)] {
                    let (a, b) = (base + a, base + a + len);
                    assert_eq!(night_ms(a, b, off, w), brute(a, b, off, w), "window {w:?} off {off} span {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn hour_by_weekday_cells_follow_the_local_day() {
        let off = 120;
        // 2024-05-01 was a Wednesday (row 2).
        let p = patterns(
            params(date(2024, 5, 1), date(2024, 5, 7)),
            off,
            &[
                (local(2024, 5, 1, 10, 15, off), local(2024, 5, 1, 11, 30, off), INSTAGRAM),
                // 01:00 on Thursday the 2nd still belongs to Wednesday's local day.
                (local(2024, 5, 2, 1, 0, off), local(2024, 5, 2, 1, 20, off), INSTAGRAM),
                // Monday the 6th, 04:00: Monday's row.
                (local(2024, 5, 6, 4, 0, off), local(2024, 5, 6, 4, 10, off), INSTAGRAM),
            ],
        );
        let g = &target(&p, "instagram").hour_weekday_seconds;
        assert_eq!((g[2][10], g[2][11], g[2][1]), (2700.0, 1800.0, 1200.0));
        assert_eq!(g[3][1], 0.0);
        assert_eq!(g[0][4], 600.0);
        assert_eq!(grid_total(g), target(&p, "instagram").seconds);
    }

    #[test]
    fn a_span_of_weeks_fills_every_cell_evenly() {
        let mut grid = [[0i64; 24]; 7];
        let a = local(2024, 5, 1, 10, 30, 0);
        add_to_grid(&mut grid, a, a + 3 * MS_PER_WEEK + 90 * MIN, 0, 4);
        assert_eq!(grid.iter().flatten().sum::<i64>(), 3 * MS_PER_WEEK + 90 * MIN);
        assert_eq!(grid[2][10], 3 * H + 30 * MIN);
        assert_eq!(grid[2][11], 4 * H);
        assert_eq!(grid[2][12], 3 * H);
        assert_eq!(grid[5][0], 3 * H);
    }

    #[test]
    fn trend_against_the_previous_period_of_the_same_length() {
        let off = 0;
        let ps = params(date(2024, 5, 8), date(2024, 5, 14));
        assert_eq!(ps.previous_period(), (date(2024, 5, 1), date(2024, 5, 7)));
        let day = |d| local(2024, 5, d, 12, 0, off);
        let p = patterns(
            ps.clone(),
            off,
            &[
                (day(1) - 20 * H, day(1) - 19 * H, INSTAGRAM), // 30 April 16:00: before both
                (day(1), day(1) + 20 * MIN, INSTAGRAM),
                (day(7), day(7) + 20 * MIN, INSTAGRAM),
                (day(9), day(9) + 60 * MIN, INSTAGRAM),
                (day(10), day(10) + 30 * MIN, YOUTUBE),
                (day(15), day(15) + 60 * MIN, YOUTUBE), // after the period
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!((ig.seconds, ig.previous_seconds, ig.trend_seconds), (3600.0, 2400.0, 1200.0));
        assert_eq!(ig.trend_ratio, Some(1.5));
        assert_eq!(ig.sessions, 1, "sessions of the previous period are not counted");
        let yt = target(&p, "youtube");
        assert_eq!((yt.seconds, yt.previous_seconds, yt.trend_seconds, yt.trend_ratio), (1800.0, 0.0, 1800.0, None));
        assert_eq!(p.targets.iter().map(|t| t.platform.as_str()).collect::<Vec<_>>(), ["instagram", "youtube"]);
        assert_eq!((p.previous_from, p.previous_to), (date(2024, 5, 1), date(2024, 5, 7)));

        // Only previous use: listed with nothing now, falling to a ratio of 0.
        let p = patterns(ps, off, &[(day(2), day(2) + 10 * MIN, INSTAGRAM)]);
        let ig = target(&p, "instagram");
        assert_eq!((ig.seconds, ig.previous_seconds, ig.trend_ratio, ig.sessions), (0.0, 600.0, Some(0.0), 0));
        assert_eq!((ig.longest, ig.median_session_seconds, ig.p90_session_seconds), (None, None, None));
    }

    #[test]
    fn a_session_belongs_to_the_period_it_starts_in() {
        let off = 0;
        let edge = day_start_ms(date(2024, 5, 2), off, 4);
        let p = patterns(
            params(date(2024, 5, 2), date(2024, 5, 2)),
            off,
            &[
                (edge - 10 * MIN, edge + 10 * MIN, INSTAGRAM), // started the day before
                (edge + 23 * H + 50 * MIN, edge + 24 * H + 30 * MIN, YOUTUBE), // runs past the end
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!((ig.seconds, ig.previous_seconds, ig.sessions), (600.0, 600.0, 0));
        let yt = target(&p, "youtube");
        assert_eq!((yt.seconds, yt.sessions), (600.0, 1));
        assert_eq!(yt.longest.unwrap().seconds, 2400.0, "the whole session's length counts");
    }

    #[test]
    fn empty_periods_and_unknown_targets() {
        let t0 = local(2024, 5, 1, 12, 0, 0);
        let spans = [(t0, t0 + H, INSTAGRAM), (t0, t0 + H, Some(7)), (t0, t0 + H, None)];
        let p = patterns(params(date(2024, 5, 2), date(2024, 5, 1)), 0, &spans);
        assert!(p.targets.is_empty());
        assert_eq!((p.previous_from, p.previous_to), (date(2024, 5, 2), date(2024, 5, 1)));

        let p = patterns(params(date(2024, 5, 1), date(2024, 5, 1)), 0, &spans);
        assert_eq!(p.targets.len(), 1, "index 7 has no row and is left out; no target is no target");

        let p = patterns(params(date(2024, 6, 1), date(2024, 6, 30)), 0, &spans);
        assert_eq!(p.targets, vec![]);
    }

    #[test]
    fn berlin_spring_forward_keeps_each_spans_offset() {
        let utc = |d, h, m| local(2024, 3, d, h, m, 0);
        // Local day Saturday 30 March runs 04:00 CET (03:00 UTC) to 04:00 CEST on the 31st
        // (02:00 UTC): 23 hours. Clocks jump 02:00 CET → 03:00 CEST at 01:00 UTC.
        let p = patterns_at(
            params(date(2024, 3, 30), date(2024, 3, 30)),
            &[
                (utc(30, 2, 0), utc(30, 3, 30), 60, INSTAGRAM), // 03:00–04:30 CET: half the day before
                (utc(31, 0, 30), utc(31, 1, 0), 60, INSTAGRAM), // 01:30–02:00 CET
                (utc(31, 1, 0), utc(31, 2, 30), 120, INSTAGRAM), // 03:00–04:30 CEST
            ],
        );
        let ig = target(&p, "instagram");
        assert_eq!((ig.seconds, ig.previous_seconds), ((30 + 30 + 60) as f64 * 60.0, 3600.0));
        // Night: 04:00–04:30 CET, 01:30–02:00 CET and 03:00–04:00 CEST.
        assert_eq!(ig.late_night_seconds, 120.0 * 60.0);
        let g = &ig.hour_weekday_seconds;
        assert_eq!((g[5][4], g[5][1], g[5][3]), (1800.0, 1800.0, 3600.0));
        assert_eq!(g[6][4], 0.0, "04:00 CEST on the 31st starts the next local day, outside the period");
        assert_eq!(grid_total(g), ig.seconds);
        // The first span's session started on the 29th; the other two are one session.
        assert_eq!(ig.sessions, 1);
        assert_eq!(
            ig.longest,
            Some(SessionRef { start_ms: utc(31, 0, 30), utc_offset_min: 60, seconds: 7200.0, wall_seconds: 7200.0 })
        );

        // Fall back, Sunday 27 October: 04:00 CEST on the 26th (02:00 UTC) to 04:00 CET on
        // the 27th (03:00 UTC) is 25 hours, and all of it is counted.
        let utc = |d, h| local(2024, 10, d, h, 0, 0);
        let p = patterns_at(
            params(date(2024, 10, 26), date(2024, 10, 26)),
            &[(utc(26, 2), utc(27, 1), 120, INSTAGRAM), (utc(27, 1), utc(27, 4), 60, INSTAGRAM)],
        );
        let ig = target(&p, "instagram");
        assert_eq!(ig.seconds, 25.0 * 3600.0);
        // The hour 02:00–03:00 happened twice: both times in Saturday's row.
        assert_eq!(ig.hour_weekday_seconds[5][2], 7200.0);
        assert_eq!(ig.late_night_seconds, 7.0 * 3600.0);
    }

    #[test]
    fn long_sessions_at_night_count_by_where_they_start() {
        // 30 min from 23:50 (starts at night), 30 min from 04:50 (night, by its start),
        // 30 min from 22:45 (into the night, but it began before).
        let spans = [
            (local(2024, 5, 1, 23, 50, 0), local(2024, 5, 2, 0, 20, 0), INSTAGRAM),
            (local(2024, 5, 2, 4, 50, 0), local(2024, 5, 2, 5, 20, 0), INSTAGRAM),
            (local(2024, 5, 2, 22, 45, 0), local(2024, 5, 2, 23, 15, 0), INSTAGRAM),
        ];
        let p = patterns(params(date(2024, 5, 1), date(2024, 5, 2)), 0, &spans);
        let ig = target(&p, "instagram");
        assert_eq!((ig.long_sessions, ig.long_sessions_at_night), (3, 2));
    }

    #[test]
    fn json_has_the_documented_shape_and_reads_back() {
        let t0 = local(2024, 5, 1, 23, 30, 120);
        let p = patterns(params(date(2024, 5, 1), date(2024, 5, 1)), 120, &[(t0, t0 + 90 * S + 500, INSTAGRAM)]);
        let json = serde_json::to_value(&p).unwrap();
        let mut grid = vec![vec![0.0; 24]; 7];
        grid[2][23] = 90.5;
        let expected = serde_json::json!({
            "from": "2024-05-01", "to": "2024-05-01", "previousFrom": "2024-04-30", "previousTo": "2024-04-30",
            "dayStartHour": 4,
            "targets": [{
                "platform": "instagram", "category": "social",
                "seconds": 90.5, "previousSeconds": 0.0, "trendSeconds": 90.5, "trendRatio": null,
                "sessions": 1, "checks": 0, "longSessions": 0, "longSessionsAtNight": 0,
                "longest": { "startMs": t0, "utcOffsetMin": 120, "seconds": 90.5, "wallSeconds": 90.5 },
                "medianSessionSeconds": 90.5, "p90SessionSeconds": 90.5,
                "returnMedianSeconds": null, "quickReturnShare": null,
                "lateNightSeconds": 90.5,
                "sessionLengths": {
                    "boundsSeconds": [30, 60, 300, 600, 1200, 1800, 3600, 7200],
                    "counts": [0, 0, 1, 0, 0, 0, 0, 0, 0],
                    "seconds": [0.0, 0.0, 90.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
                },
                "hourWeekdaySeconds": grid
            }]
        });
        assert_eq!(json, expected);
        let back: Patterns = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }
}
