//! Usage per local day in one streaming pass: time, sessions and checks per target.
//!
//! The store streams spans in start order into a [`ReportBuilder`]; nothing here reads
//! the database or the clock. Each span costs a few integer operations and no allocation:
//! targets are `u32` indices into vectors, days are offsets from the first day, and strings
//! are only touched once, in [`ReportBuilder::finish`]. That is what lets a year of heavy
//! use (525,600 spans) fit the 100 ms report budget.

use super::report::{seconds, CategoryUsage, DayUsage, Report, TargetUsage, Usage, REPORT_SCHEMA};
use crate::localday::{self, EpochDay};
use crate::model::{Category, Millis};
use chrono::NaiveDate;

/// A span as the report needs it: when, at which offset, and which target (if any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanRecord {
    pub start_ms: Millis,
    pub end_ms: Millis,
    /// The zone's UTC offset at `start_ms`, as stored with the span.
    pub utc_offset_min: i32,
    /// An index into the target table later given to [`ReportBuilder::finish`]; `None` for
    /// time that is not on a tracked target. Every span of one platform must carry the same
    /// index, because sessions are tracked per index.
    pub target: Option<u32>,
}

/// One row of the target table: what a target index stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetInfo {
    pub platform: String,
    pub category: Category,
}

/// What to report on and how to cut sessions. The defaults belong to the settings
/// (session gap 60 s, check limit 30 s, day start 04:00); this struct only carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportParams {
    /// The first local day.
    pub from: NaiveDate,
    /// The last local day, inclusive. A `to` before `from` gives a report without days.
    pub to: NaiveDate,
    /// The hour (0–23) at which local days start.
    pub day_start_hour: u8,
    /// A gap between two spans of a target at least this long ends the session.
    pub session_gap_ms: i64,
    /// A session with less time on the target than this is a check.
    pub check_max_ms: i64,
}

/// Totals of one target on one day.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    ms: i64,
    sessions: u32,
    checks: u32,
}

/// The session a target is in, while its next span may still extend it.
#[derive(Clone, Copy, Debug)]
struct OpenSession {
    /// The index of the day it started on, `None` when that day is outside the range (its
    /// minutes in range still count; the session itself belongs to another report).
    day: Option<usize>,
    /// Time on the target so far, whole spans, in range or not: a check is judged by the
    /// session's real length.
    on_ms: i64,
    last_end_ms: Millis,
}

/// Accumulates a [`Report`] from spans pushed in start order.
///
/// ```text
///  target A  [═══]   [════]                  [══]      A: one 3-min session, then a check
///  other          [=]       ·· 5 min away ··
///                 └ a 10-s alt-tab: the gap is under 60 s, the session goes on
///                           └ a gap of 60 s or more: A's next span starts a new session
/// ```
#[derive(Debug)]
pub struct ReportBuilder {
    params: ReportParams,
    first_day: EpochDay,
    n_days: usize,
    /// All recorded time per day index.
    active_ms: Vec<i64>,
    /// Per target and day, target-major (`target * n_days + day`) so that a target seen
    /// for the first time only appends.
    cells: Vec<Cell>,
    /// Per target index: the open session, if any.
    open: Vec<Option<OpenSession>>,
    last_start_ms: Millis,
}

impl ReportBuilder {
    pub fn new(params: ReportParams) -> Self {
        let first_day = localday::epoch_day_of(params.from);
        let n_days = usize::try_from(localday::epoch_day_of(params.to) - first_day + 1).unwrap_or(0);
        Self {
            params,
            first_day,
            n_days,
            active_ms: vec![0; n_days],
            cells: Vec::new(),
            open: Vec::new(),
            last_start_ms: Millis::MIN,
        }
    }

    /// Adds one span. Spans must come in start order (ties in any order); parts outside
    /// the report's days are ignored, so a wider UTC prefilter (see
    /// [`localday::utc_window`]) is fine and lets sessions running into the range be seen
    /// from their start. Empty or reversed spans are ignored.
    pub fn push(&mut self, s: &SpanRecord) {
        debug_assert!(s.start_ms >= self.last_start_ms, "spans must be pushed in start order");
        self.last_start_ms = s.start_ms;
        if s.end_ms <= s.start_ms {
            return;
        }
        let hour = self.params.day_start_hour;
        let off = s.utc_offset_min;
        let row = s.target.map(|t| self.target_row(t));

        // Clip to the range first, so that any span, however long, costs at most one piece
        // per report day, and every piece lands in range.
        let range_start = localday::epoch_day_start_ms(self.first_day, off, hour);
        let range_end = localday::epoch_day_start_ms(self.first_day + self.n_days as i64, off, hour);
        let (a, b) = (s.start_ms.max(range_start), s.end_ms.min(range_end));
        for (day, pa, pb) in localday::split_by_epoch_day(a, b, off, hour) {
            let i = (day - self.first_day) as usize;
            self.active_ms[i] += pb - pa;
            if let Some(row) = row {
                self.cells[row + i].ms += pb - pa;
            }
        }

        if let Some(t) = s.target {
            self.extend_session(t as usize, s);
        }
    }

    /// The report, given the table the spans' target indices point into. Indices without a
    /// row in `targets` are left out of the target lists (their time stays in
    /// `activeSeconds`).
    pub fn finish(mut self, targets: &[TargetInfo]) -> Report {
        for t in 0..self.open.len() {
            if let Some(session) = self.open[t].take() {
                self.close(t, session);
            }
        }
        let known = self.open.len().min(targets.len());
        let n = self.n_days;

        let mut days = Vec::with_capacity(n);
        let mut total_cells = vec![Cell::default(); known];
        for i in 0..n {
            let cells = (0..known).map(|t| (t, self.cells[t * n + i]));
            for (t, c) in cells.clone() {
                total_cells[t].ms += c.ms;
                total_cells[t].sessions += c.sessions;
                total_cells[t].checks += c.checks;
            }
            days.push(DayUsage {
                date: localday::date_of(self.first_day + i as i64),
                usage: usage(self.active_ms[i], cells, targets),
            });
        }
        let total_active = self.active_ms.iter().sum();
        let total = usage(total_active, total_cells.into_iter().enumerate(), targets);

        Report {
            schema: REPORT_SCHEMA,
            from: self.params.from,
            to: self.params.to,
            day_start_hour: self.params.day_start_hour,
            days,
            total,
        }
    }

    /// The offset of target `t`'s row in `cells`, growing the tables the first time `t`
    /// appears (once per target, not per span).
    fn target_row(&mut self, t: u32) -> usize {
        let t = t as usize;
        if t >= self.open.len() {
            self.open.resize(t + 1, None);
            self.cells.resize((t + 1) * self.n_days, Cell::default());
        }
        t * self.n_days
    }

    fn extend_session(&mut self, t: usize, s: &SpanRecord) {
        let on_ms = s.end_ms - s.start_ms;
        // "Gaps shorter than session_gap" continue the session: a gap of exactly the
        // session gap starts a new one.
        if let Some(open) = &mut self.open[t] {
            if s.start_ms - open.last_end_ms < self.params.session_gap_ms {
                open.on_ms += on_ms;
                open.last_end_ms = open.last_end_ms.max(s.end_ms);
                return;
            }
        }
        if let Some(ended) = self.open[t].take() {
            self.close(t, ended);
        }
        let start_day = localday::epoch_day(s.start_ms, s.utc_offset_min, self.params.day_start_hour);
        self.open[t] = Some(OpenSession { day: self.day_index(start_day), on_ms, last_end_ms: s.end_ms });
    }

    fn close(&mut self, t: usize, session: OpenSession) {
        if let Some(i) = session.day {
            let cell = &mut self.cells[t * self.n_days + i];
            cell.sessions += 1;
            if session.on_ms < self.params.check_max_ms {
                cell.checks += 1;
            }
        }
    }

    fn day_index(&self, day: EpochDay) -> Option<usize> {
        usize::try_from(day - self.first_day).ok().filter(|&i| i < self.n_days)
    }
}

/// One day's (or the range's) figures from its target cells.
fn usage(active_ms: i64, cells: impl Iterator<Item = (usize, Cell)>, targets: &[TargetInfo]) -> Usage {
    let mut category_ms = [0i64; Category::ALL.len()];
    let mut rows: Vec<(i64, &TargetInfo, Cell)> = Vec::new();
    for (t, c) in cells {
        if c.ms == 0 && c.sessions == 0 {
            continue;
        }
        let info = &targets[t];
        category_ms[category_index(info.category)] += c.ms;
        rows.push((c.ms, info, c));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.platform.cmp(&b.1.platform)));

    let mut categories: Vec<(i64, Category)> =
        Category::ALL.into_iter().map(|c| (category_ms[category_index(c)], c)).filter(|&(ms, _)| ms > 0).collect();
    categories.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.as_str().cmp(b.1.as_str())));

    Usage {
        active_seconds: seconds(active_ms),
        target_seconds: seconds(category_ms.iter().sum()),
        targets: rows
            .into_iter()
            .map(|(ms, info, c)| TargetUsage {
                platform: info.platform.clone(),
                category: info.category,
                seconds: seconds(ms),
                sessions: c.sessions,
                checks: c.checks,
            })
            .collect(),
        categories: categories
            .into_iter()
            .map(|(ms, category)| CategoryUsage { category, seconds: seconds(ms) })
            .collect(),
    }
}

fn category_index(c: Category) -> usize {
    match c {
        Category::Social => 0,
        Category::Video => 1,
        Category::Messaging => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::localday::day_start_ms;

    const S: i64 = 1000;
    const MIN: i64 = 60 * S;
    const H: i64 = 60 * MIN;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn params(from: NaiveDate, to: NaiveDate) -> ReportParams {
        ReportParams { from, to, day_start_hour: 4, session_gap_ms: 60 * S, check_max_ms: 30 * S }
    }

    fn targets() -> Vec<TargetInfo> {
        vec![
            TargetInfo { platform: "instagram".into(), category: Category::Social },
            TargetInfo { platform: "youtube".into(), category: Category::Video },
            TargetInfo { platform: "discord".into(), category: Category::Messaging },
            TargetInfo { platform: "x".into(), category: Category::Social },
        ]
    }

    const INSTAGRAM: Option<u32> = Some(0);
    const YOUTUBE: Option<u32> = Some(1);
    const DISCORD: Option<u32> = Some(2);
    const X: Option<u32> = Some(3);

    /// A report over `from..=to` of spans given as (start, end, target) at offset `off`.
    fn report(p: ReportParams, off: i32, spans: &[(Millis, Millis, Option<u32>)]) -> Report {
        let mut b = ReportBuilder::new(p);
        for &(start_ms, end_ms, target) in spans {
            b.push(&SpanRecord { start_ms, end_ms, utc_offset_min: off, target });
        }
        b.finish(&targets())
    }

    fn target<'a>(u: &'a Usage, platform: &str) -> &'a TargetUsage {
        u.targets.iter().find(|t| t.platform == platform).unwrap_or_else(|| panic!("no {platform} in {u:?}"))
    }

    #[test]
    fn days_without_data_still_appear() {
        let r = report(params(date(2024, 5, 1), date(2024, 5, 3)), 0, &[]);
        assert_eq!(r.days.len(), 3);
        assert_eq!(
            r.days.iter().map(|d| d.date).collect::<Vec<_>>(),
            [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)]
        );
        for d in &r.days {
            assert_eq!(d.usage, Usage::default());
        }
        assert_eq!(r.total, Usage::default());
        assert_eq!((r.schema, r.from, r.to, r.day_start_hour), (1, date(2024, 5, 1), date(2024, 5, 3), 4));
    }

    #[test]
    fn a_to_before_from_gives_no_days() {
        let t0 = day_start_ms(date(2024, 5, 1), 0, 4);
        let r = report(params(date(2024, 5, 2), date(2024, 5, 1)), 0, &[(t0, t0 + H, INSTAGRAM)]);
        assert!(r.days.is_empty());
        assert_eq!(r.total, Usage::default());
    }

    #[test]
    fn one_target_with_other_time() {
        let t0 = day_start_ms(date(2024, 5, 1), 120, 4) + 6 * H;
        let r = report(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            120,
            &[
                (t0, t0 + 10 * MIN, None),
                (t0 + 10 * MIN, t0 + 25 * MIN + 500, INSTAGRAM),
                (t0 + 25 * MIN + 500, t0 + 40 * MIN, None),
            ],
        );
        let day = &r.days[0].usage;
        assert_eq!(day.active_seconds, 2400.0);
        assert_eq!(day.target_seconds, 900.5);
        assert_eq!(
            day.targets,
            vec![TargetUsage {
                platform: "instagram".into(),
                category: Category::Social,
                seconds: 900.5,
                sessions: 1,
                checks: 0,
            }]
        );
        assert_eq!(day.categories, vec![CategoryUsage { category: Category::Social, seconds: 900.5 }]);
        assert_eq!(&r.total, day);
    }

    #[test]
    fn a_ten_second_alt_tab_does_not_end_a_session() {
        let t0 = day_start_ms(date(2024, 5, 1), 0, 4) + 10 * H;
        let r = report(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            0,
            &[
                (t0, t0 + 5 * MIN, YOUTUBE),
                (t0 + 5 * MIN, t0 + 5 * MIN + 10 * S, None), // alt-tab to the editor
                (t0 + 5 * MIN + 10 * S, t0 + 9 * MIN, YOUTUBE),
            ],
        );
        let yt = target(&r.total, "youtube");
        assert_eq!((yt.sessions, yt.checks, yt.seconds), (1, 0, 530.0));
    }

    #[test]
    fn a_gap_of_exactly_the_session_gap_starts_a_new_session() {
        let t0 = day_start_ms(date(2024, 5, 1), 0, 4) + 10 * H;
        let just_under = report(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            0,
            &[(t0, t0 + 2 * MIN, X), (t0 + 3 * MIN - 1, t0 + 5 * MIN, X)],
        );
        assert_eq!(target(&just_under.total, "x").sessions, 1);
        let exactly = report(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            0,
            &[(t0, t0 + 2 * MIN, X), (t0 + 3 * MIN, t0 + 5 * MIN, X)],
        );
        assert_eq!(target(&exactly.total, "x").sessions, 2);
    }

    #[test]
    fn checks_are_sessions_under_the_limit_by_time_on_target() {
        let t0 = day_start_ms(date(2024, 5, 1), 0, 4) + 10 * H;
        let r = report(
            params(date(2024, 5, 1), date(2024, 5, 1)),
            0,
            &[
                (t0, t0 + 29_999, INSTAGRAM),                       // check
                (t0 + 10 * MIN, t0 + 10 * MIN + 30 * S, INSTAGRAM), // exactly 30 s: not a check
                // Two 12-s looks 40 s apart: one session of 24 s on target, spread over 64 s.
                (t0 + 20 * MIN, t0 + 20 * MIN + 12 * S, INSTAGRAM),
                (t0 + 20 * MIN + 52 * S, t0 + 21 * MIN + 4 * S, INSTAGRAM),
                (t0 + 30 * MIN, t0 + 50 * MIN, INSTAGRAM), // a long session
            ],
        );
        let ig = target(&r.total, "instagram");
        assert_eq!((ig.sessions, ig.checks), (4, 2));
    }

    #[test]
    fn a_session_crossing_the_day_edge_counts_once_on_its_start_day() {
        let edge = day_start_ms(date(2024, 5, 2), 60, 4);
        let r = report(
            params(date(2024, 5, 1), date(2024, 5, 2)),
            60,
            &[
                (edge - 20 * MIN, edge - 5 * MIN, YOUTUBE),
                (edge - 5 * MIN, edge + 25 * MIN, YOUTUBE), // one span over the edge
                (edge + 25 * MIN + 20 * S, edge + 40 * MIN, YOUTUBE),
            ],
        );
        let (d1, d2) = (&r.days[0].usage, &r.days[1].usage);
        assert_eq!(target(d1, "youtube").seconds, 20.0 * 60.0);
        assert_eq!((target(d1, "youtube").sessions, target(d1, "youtube").checks), (1, 0));
        assert_eq!(target(d2, "youtube").seconds, 40.0 * 60.0 - 20.0);
        assert_eq!(target(d2, "youtube").sessions, 0);
        assert_eq!(target(&r.total, "youtube").sessions, 1);
        assert_eq!(r.total.active_seconds, 60.0 * 60.0 - 20.0);
    }

    #[test]
    fn time_outside_the_range_is_ignored() {
        let from = date(2024, 5, 2);
        let start = day_start_ms(from, -420, 4);
        let end = day_start_ms(date(2024, 5, 3), -420, 4);
        let r = report(
            params(from, from),
            -420,
            &[
                (start - 5 * H, start - 4 * H, INSTAGRAM),     // the day before
                (start - 30 * MIN, start + 10 * MIN, DISCORD), // session started the day before
                (start + H, start + H + 20 * S, INSTAGRAM),    // in range: a check
                (end - 10 * MIN, end + 2 * H, YOUTUBE),        // starts in range, runs past it
                (end + 3 * H, end + 4 * H, X),                 // the day after
            ],
        );
        let day = &r.days[0].usage;
        assert_eq!(day.active_seconds, (10 * 60 + 20 + 10 * 60) as f64);
        let discord = target(day, "discord");
        assert_eq!((discord.seconds, discord.sessions), (600.0, 0));
        let ig = target(day, "instagram");
        assert_eq!((ig.seconds, ig.sessions, ig.checks), (20.0, 1, 1));
        let yt = target(day, "youtube");
        assert_eq!((yt.seconds, yt.sessions, yt.checks), (600.0, 1, 0));
        assert!(day.targets.iter().all(|t| t.platform != "x"));
        assert_eq!(day.targets.len(), 3);
    }

    #[test]
    fn interleaved_targets_keep_their_own_sessions_and_sort_by_time() {
        let t0 = day_start_ms(date(2024, 5, 1), 0, 4) + 12 * H;
        let mut spans = Vec::new();
        // Five minutes of YouTube, alternating every 20 s with 10-s Discord looks.
        let mut t = t0;
        for _ in 0..10 {
            spans.push((t, t + 20 * S, YOUTUBE));
            spans.push((t + 20 * S, t + 30 * S, DISCORD));
            t += 30 * S;
        }
        spans.push((t, t + 10 * MIN, INSTAGRAM));
        let r = report(params(date(2024, 5, 1), date(2024, 5, 1)), 0, &spans);
        let names: Vec<_> = r.total.targets.iter().map(|t| t.platform.as_str()).collect();
        assert_eq!(names, ["instagram", "youtube", "discord"]);
        let (yt, dc) = (target(&r.total, "youtube"), target(&r.total, "discord"));
        assert_eq!((yt.seconds, yt.sessions, yt.checks), (200.0, 1, 0));
        // Discord's looks are 20 s apart: one session, 100 s on target, not a check.
        assert_eq!((dc.seconds, dc.sessions, dc.checks), (100.0, 1, 0));
        let cats: Vec<_> = r.total.categories.iter().map(|c| (c.category, c.seconds)).collect();
        assert_eq!(cats, [(Category::Social, 600.0), (Category::Video, 200.0), (Category::Messaging, 100.0)]);
        assert_eq!(r.total.target_seconds, 900.0);
    }

    #[test]
    fn berlin_dst_days_hold_23_and_25_hours() {
        use chrono::{Offset, TimeZone};
        let berlin = chrono_tz::Europe::Berlin;
        let offset = |ms: Millis| {
            let at = chrono::DateTime::from_timestamp_millis(ms).unwrap().naive_utc();
            berlin.offset_from_utc_datetime(&at).fix().local_minus_utc() / 60
        };
        for (from, short_or_long, hours) in
            [(date(2024, 3, 29), date(2024, 3, 30), 23), (date(2024, 10, 25), date(2024, 10, 26), 25)]
        {
            let to = from + chrono::Days::new(2);
            // Continuous use, alternating 10-min YouTube and 5-min other spans on a 15-min
            // grid; offsets change on the grid, so each span has one offset, as the tracker
            // guarantees.
            let (lo, hi) = localday::utc_window(from, to, 4);
            let mut b = ReportBuilder::new(params(from, to));
            let mut t = lo;
            let mut k = 0;
            while t < hi {
                let len = if k % 2 == 0 { 10 * MIN } else { 5 * MIN };
                let target = if k % 2 == 0 { YOUTUBE } else { None };
                b.push(&SpanRecord { start_ms: t, end_ms: t + len, utc_offset_min: offset(t), target });
                t += len;
                k += 1;
            }
            let r = b.finish(&targets());
            for d in &r.days {
                let want = if d.date == short_or_long { hours } else { 24 };
                assert_eq!(d.usage.active_seconds, (want * 3600) as f64, "{}", d.date);
                assert_eq!(target(&d.usage, "youtube").seconds, (want * 3600 * 2 / 3) as f64, "{}", d.date);
                // The 5-min gaps end every session: four sessions per local hour.
                let yt = target(&d.usage, "youtube");
                assert_eq!((yt.sessions, yt.checks), (want as u32 * 4, 0), "{}", d.date);
            }
        }
    }

    #[test]
    fn unknown_target_indices_count_only_as_active_time() {
        let t0 = day_start_ms(date(2024, 5, 1), 0, 4) + H;
        let r = report(params(date(2024, 5, 1), date(2024, 5, 1)), 0, &[(t0, t0 + MIN, Some(99))]);
        assert_eq!(r.total.active_seconds, 60.0);
        assert!(r.total.targets.is_empty());
        assert_eq!(r.total.target_seconds, 0.0);
    }
}
