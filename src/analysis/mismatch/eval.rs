//! Goal evaluation in the stream: one [`GoalState`] per active goal follows the spans of
//! the targets it covers, keeps per-day tallies and reports which stretches of each span
//! broke the goal (for captured time).
//!
//! Every kind reduces to the same two questions per span: how much went into which local
//! day (minutes used), and which part of the span broke the goal. Limits break from the
//! instant a running total passes them (`[a + (limit − used), b)`), downtime where the span
//! meets a window, caps where a session passes them, a checks cap for every session after
//! the allowed number.

use crate::goals::{Goal, GoalKind};
use crate::localday::{self, EpochDay};
use crate::model::Millis;

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// Per local day, what a goal's target did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct DayTally {
    /// Time on the goal's target.
    pub used_ms: i64,
    /// Sessions that began this day.
    pub sessions: u32,
    /// The longest session that began this day (time on target).
    pub longest_ms: i64,
    /// Sessions that began this day and passed the cap (session caps, planned lengths).
    pub over_cap: u32,
    /// Time inside a downtime window.
    pub downtime_ms: i64,
}

#[derive(Clone, Copy, Debug)]
struct OpenSession {
    day: EpochDay,
    on_ms: i64,
    last_end_ms: Millis,
    /// 1 for the day's first session.
    nth: u32,
}

/// What the evaluation needs besides the goal.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    pub day_start_hour: u8,
    pub session_gap_ms: i64,
    /// The first local day with a tally, and how many.
    pub first_day: EpochDay,
    pub n_days: usize,
}

/// The weekday of an epoch day, Monday = 0 (1970-01-01 was a Thursday).
pub(super) fn weekday_index(day: EpochDay) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// The Monday of an epoch day's week.
pub(super) fn monday_of(day: EpochDay) -> EpochDay {
    day - i64::from(weekday_index(day))
}

#[derive(Debug)]
pub(super) struct GoalState {
    pub goal: Goal,
    frame: Frame,
    pub days: Vec<DayTally>,
    /// Time on the target per week (on the goal's weekdays), indexed from the Monday of
    /// the first day's week; only kept for weekly limits.
    pub weeks_ms: Vec<i64>,
    open: Option<OpenSession>,
    /// Captured time inside the report's period.
    pub captured_ms: i64,
}

impl GoalState {
    pub fn new(goal: Goal, frame: Frame) -> GoalState {
        let weeks = if matches!(goal.kind, GoalKind::WeeklyLimit { .. }) { frame.n_days / 7 + 2 } else { 0 };
        GoalState {
            goal,
            frame,
            days: vec![DayTally::default(); frame.n_days],
            weeks_ms: vec![0; weeks],
            open: None,
            captured_ms: 0,
        }
    }

    fn applies(&self, day: EpochDay) -> bool {
        self.goal.weekdays.0 & (1 << weekday_index(day)) != 0
    }

    fn day(&mut self, day: EpochDay) -> Option<&mut DayTally> {
        let i = usize::try_from(day - self.frame.first_day).ok()?;
        self.days.get_mut(i)
    }

    /// The week index of a day, if inside the tallied weeks.
    pub fn week_index(&self, day: EpochDay) -> Option<usize> {
        let i = usize::try_from((day - monday_of(self.frame.first_day)).div_euclid(7)).ok()?;
        (i < self.weeks_ms.len()).then_some(i)
    }

    /// Whether a session is still open at `now_ms` (its last span ended less than a session
    /// gap ago), with its time on target and start day.
    pub fn open_session_at(&self, now_ms: Millis) -> Option<(EpochDay, i64)> {
        let o = self.open?;
        (now_ms.saturating_sub(o.last_end_ms) < self.frame.session_gap_ms).then_some((o.day, o.on_ms))
    }

    /// Takes one span `[a, b)` at offset `off` of a target the goal covers, in start order,
    /// with its pieces per local day (computed once per span for every goal). Pushes the
    /// parts of the span that broke the goal onto `broke` (disjoint, in order) and adds the
    /// part of them inside `period` (`[lo, hi)`) to `captured_ms`.
    pub fn push(
        &mut self,
        (a, b, off): (Millis, Millis, i32),
        pieces: &[(EpochDay, Millis, Millis)],
        broke: &mut Vec<(Millis, Millis)>,
        period: (Millis, Millis),
    ) {
        let (h, gap) = (self.frame.day_start_hour, self.frame.session_gap_ms);
        let len = b - a;
        // Sessions of the goal's target: for a category, its platforms' spans together.
        let continues = self.open.is_some_and(|o| a.saturating_sub(o.last_end_ms) < gap);
        if !continues {
            let day = pieces.first().map_or_else(|| localday::epoch_day(a, off, h), |p| p.0);
            let nth = match self.day(day) {
                Some(d) => {
                    d.sessions += 1;
                    d.sessions
                }
                None => 1,
            };
            self.open = Some(OpenSession { day, on_ms: 0, last_end_ms: a, nth });
        }
        let Some(mut session) = self.open else { return };
        let on_before = session.on_ms;
        session.on_ms = session.on_ms.saturating_add(len);
        session.last_end_ms = session.last_end_ms.max(b);
        self.open = Some(session);
        let session_applies = self.applies(session.day);
        let cap_ms = match self.goal.kind {
            GoalKind::SessionCap { cap_secs } => Some(i64::from(cap_secs) * 1000),
            GoalKind::Intent { planned_secs: Some(p), .. } => Some(i64::from(p) * 1000),
            _ => None,
        };
        if let Some(d) = self.day(session.day) {
            d.longest_ms = d.longest_ms.max(session.on_ms);
            if cap_ms.is_some_and(|cap| on_before <= cap && session.on_ms > cap) && session_applies {
                d.over_cap += 1;
            }
        }

        let first = broke.len();
        for &(day, x, y) in pieces {
            let applies = self.applies(day);
            let before = match self.day(day) {
                Some(d) => {
                    let before = d.used_ms;
                    d.used_ms += y - x;
                    before
                }
                None => continue,
            };
            match self.goal.kind {
                GoalKind::DailyLimit { limit_secs } if applies => {
                    over_limit(x, y, before, i64::from(limit_secs) * 1000, broke);
                }
                GoalKind::WeeklyLimit { limit_secs } if applies => {
                    if let Some(w) = self.week_index(day) {
                        let before = self.weeks_ms[w];
                        self.weeks_ms[w] += y - x;
                        over_limit(x, y, before, i64::from(limit_secs) * 1000, broke);
                    }
                }
                _ => {}
            }
        }
        match self.goal.kind {
            GoalKind::SessionCap { .. } | GoalKind::Intent { planned_secs: Some(_), .. } if session_applies => {
                let cap = cap_ms.unwrap_or(i64::MAX);
                over_limit(a, b, on_before, cap, broke);
            }
            GoalKind::ChecksCap { max_per_day } if session_applies && session.nth > max_per_day => {
                broke.push((a, b));
            }
            GoalKind::Downtime { start_min, end_min } => {
                let mask = self.goal.weekdays.0;
                let start = broke.len();
                downtime_parts(a, b, off, (start_min, end_min), mask, broke);
                for &(x, y) in &broke[start..] {
                    for (day, p, q) in localday::split_by_epoch_day(x, y, off, h) {
                        if let Some(d) = self.day(day) {
                            d.downtime_ms += q - p;
                        }
                    }
                }
            }
            _ => {}
        }
        let (lo, hi) = period;
        self.captured_ms += broke[first..].iter().map(|&(x, y)| (y.min(hi) - x.max(lo)).max(0)).sum::<i64>();
    }
}

/// The part of `[a, b)` past a limit, given the running total before `a`.
fn over_limit(a: Millis, b: Millis, before: i64, limit: i64, broke: &mut Vec<(Millis, Millis)>) {
    if before.saturating_add(b - a) > limit {
        broke.push((a + (limit - before).clamp(0, b - a), b));
    }
}

/// The parts of `[a, b)` inside a daily window `[start, end)` of local clock time at
/// offset `off`, counting only windows that open on a weekday in `mask` (bit 0 Monday). A
/// window with `end <= start` runs past midnight into the next calendar day, and belongs
/// to the day it opens: "23:00–07:00 on Sunday to Thursday" is the five school nights.
pub(super) fn downtime_parts(
    a: Millis,
    b: Millis,
    off: i32,
    (start_min, end_min): (u16, u16),
    mask: u8,
    out: &mut Vec<(Millis, Millis)>,
) {
    let o = i64::from(off) * MS_PER_MINUTE;
    let (la, lb) = (a + o, b + o);
    let ws = i64::from(start_min) * MS_PER_MINUTE;
    let we = i64::from(end_min) * MS_PER_MINUTE + if end_min <= start_min { MS_PER_DAY } else { 0 };
    // Calendar days (at this offset) whose window can meet the span: from the day before
    // the span starts (its window may run past midnight) to the day it ends.
    let first = la.div_euclid(MS_PER_DAY) - 1;
    let last = (lb - 1).div_euclid(MS_PER_DAY);
    for day in first..=last {
        if mask & (1 << weekday_index(day)) == 0 {
            continue;
        }
        let (x, y) = ((day * MS_PER_DAY + ws).max(la), (day * MS_PER_DAY + we).min(lb));
        if x < y {
            out.push((x - o, y - o));
        }
    }
}

/// Whether a downtime window touches the local day `day` (on the local clock: local days
/// start at `day_start_hour`). Offset-free: it compares wall-clock times.
pub(super) fn downtime_meets_day(day: EpochDay, day_start_hour: u8, window: (u16, u16), mask: u8) -> bool {
    let lo = day * MS_PER_DAY + i64::from(day_start_hour) * 3_600_000;
    let mut parts = Vec::new();
    downtime_parts(lo, lo + MS_PER_DAY, 0, window, mask, &mut parts);
    !parts.is_empty()
}

/// Total length of the union of `parts` clipped to `[lo, hi)`. Sorts `parts`.
pub(super) fn union_len(parts: &mut [(Millis, Millis)], lo: Millis, hi: Millis) -> i64 {
    parts.sort_unstable();
    let (mut total, mut reach) = (0, lo);
    for &(x, y) in parts.iter() {
        let (x, y) = (x.max(reach), y.min(hi));
        if x < y {
            total += y - x;
            reach = y;
        }
    }
    total
}
