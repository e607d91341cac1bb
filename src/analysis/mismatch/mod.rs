//! The objective mismatch: the user's goals beside what the apps got, per target and period,
//! in one streaming pass over spans that also feeds the engagement patterns.
//!
//! For every target with goals (a platform or a category), and for the busiest platforms
//! without goals of their own, the report holds each goal's evaluation per local day (kept, at
//! risk, broken; time used and left), the **captured time** (minutes that broke at least one
//! goal covering them: past a daily or weekly limit, inside downtime, past a session cap or
//! planned session length, in sessions beyond a checks cap — counted once however many goals
//! they broke), the **mismatch index** (captured ÷ time on the target), regretted minutes
//! from worth ratings, the attention-value estimate, the patterns, and findings: sentences
//! generated from those numbers, each carrying the number it rests on.
//!
//! Goals are judged as they are now, over the whole period (a goal set today is applied to
//! last month too: the report answers "how did the apps do against what I want?"). Paused
//! goals are left out. Days after `today` are `future`; today is still in progress, so a
//! limit near its end is `atRisk` rather than kept.
//!
//! A category goal follows the category's platforms together: its sessions run across them
//! (switching from one social app to another is one social session).
//!
//! Like the rest of [`crate::analysis`] this is pure: the store streams spans in start order
//! into a [`MismatchBuilder`] and hands over the target table and worth ratings.
//!
//! The JSON shape (`mast mismatch --json`, schema 1; the desktop app reads it). Durations
//! are seconds, exact to the millisecond; ratios are 0–1; `null` means "no figure" (no
//! goals to judge against, no time, no data):
//!
//! ```json
//! {
//!   "schema": 1,
//!   "period": "week",
//!   "from": "2024-05-06", "to": "2024-05-12", "today": "2024-05-12", "dayStartHour": 4,
//!   "region": "europe",
//!   "longSessionSeconds": 1200.0, "checkMaxSeconds": 30.0,
//!   "totalSeconds": 26640.0, "capturedSeconds": 9900.0, "mismatchIndex": 0.3716,
//!   "regrettedSeconds": 3600.0, "ratedSeconds": 5400.0,
//!   "targets": [
//!     {
//!       "target": { "kind": "platform", "id": "instagram" },
//!       "category": "social",
//!       "hasGoals": true,
//!       "seconds": 15540.0,
//!       "dailySeconds": [1800.0, 2400.0, 0.0, 4440.0, 1500.0, 3000.0, 2400.0],
//!       "capturedSeconds": 9636.0, "mismatchIndex": 0.62,
//!       "regrettedSeconds": 3600.0, "ratedSeconds": 5400.0,
//!       "goals": [
//!         {
//!           "goal": { "id": 1, "target": { "kind": "platform", "id": "instagram" }, "kind": "dailyLimit",
//!                     "limitSecs": 1800, "weekdays": 127, "paused": false, "source": "personal" },
//!           "objective": "at most 30 min a day",
//!           "measured": "37 min a day on average; kept on 2 of 7 days",
//!           "status": "broken",
//!           "daysApplicable": 7, "daysKept": 2, "daysAtRisk": 0, "daysBroken": 5,
//!           "capturedSeconds": 3000.0,
//!           "days": [
//!             { "date": "2024-05-06", "status": "kept", "usedSeconds": 1800.0, "leftSeconds": 0.0,
//!               "sessions": 4, "longestSessionSeconds": 900.0, "downtimeSeconds": 0.0 }
//!           ],
//!           "weeks": []
//!         }
//!       ],
//!       "patterns": { "…": "as in analysis::patterns, for this target" },
//!       "attention": null,
//!       "findings": [
//!         { "text": "7 of 9 long sessions began between 23:00 and 05:00", "metric": "longSessionsAtNight", "value": 7.0 }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! `status` of a day is one of `kept`, `atRisk`, `broken`, `notApplicable` (not one of the
//! goal's days), `future`, or `noVerdict` (an intent without a planned length has nothing
//! to break). `leftSeconds` is set for daily limits; `weeks` (for weekly limits) holds
//! `{ "from", "to", "status", "usedSeconds", "leftSeconds" }` per Monday–Sunday week that
//! meets the period.

mod eval;
pub mod findings;

use super::attention::{AttentionEstimate, AttentionTable};
use super::patterns::{PatternBuilder, PatternParams, TargetPatterns};
use super::report::seconds;
use super::usage::{SpanRecord, TargetInfo};
use crate::goals::{Goal, GoalKind, GoalTarget};
use crate::localday::{self, EpochDay};
use crate::model::{Category, Millis};
use chrono::NaiveDate;
use eval::{monday_of, weekday_index, Frame, GoalState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use findings::{duration, Finding};

/// The version of the JSON shape above.
pub const MISMATCH_SCHEMA: u32 = 1;

/// Share of a limit at which a day still in progress is at risk (the 80 % nudge's threshold).
const AT_RISK: f64 = 0.8;

/// The kind of period a report covers; `custom` for any other range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Period {
    Day,
    Week,
    Month,
    Custom,
}

/// What to report on, the goals to judge by and the thresholds (the settings' values).
#[derive(Clone, Debug)]
pub struct MismatchParams {
    pub period: Period,
    /// The first and last local days of the period (inclusive).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The current local day: later days are `future`, this one is in progress.
    pub today: NaiveDate,
    /// Now, to tell whether a session is still going on.
    pub now_ms: Millis,
    pub day_start_hour: u8,
    pub session_gap_ms: i64,
    pub check_max_ms: i64,
    pub long_session_ms: i64,
    pub quick_return_ms: i64,
    /// The late-night window, minutes after local midnight.
    pub night: (u16, u16),
    /// The goals; paused ones are ignored.
    pub goals: Vec<Goal>,
    /// The region for the attention-value estimate.
    pub region: String,
    /// How many of the busiest targets without goals to show beside the goals' targets.
    pub top_without_goals: usize,
}

impl MismatchParams {
    /// The local days the builder needs spans for, `(first, last)`: the previous period
    /// (for trends and first return intervals), and whole weeks for weekly limits.
    pub fn scan_days(&self) -> (NaiveDate, NaiveDate) {
        let p = self.pattern_params();
        let (mut first, _) = p.previous_period();
        let mut last = self.to;
        if self.active_goals().any(|g| matches!(g.kind, GoalKind::WeeklyLimit { .. })) {
            first = first.min(localday::date_of(monday_of(localday::epoch_day_of(self.from))));
            last = last.max(localday::date_of(monday_of(localday::epoch_day_of(self.to)) + 6));
        }
        (first, last)
    }

    fn active_goals(&self) -> impl Iterator<Item = &Goal> {
        self.goals.iter().filter(|g| !g.paused)
    }

    fn pattern_params(&self) -> PatternParams {
        // A target's session cap makes "long" for it; the tightest cap wins.
        let mut caps: BTreeMap<String, i64> = BTreeMap::new();
        for g in self.active_goals() {
            if let GoalKind::SessionCap { cap_secs } = g.kind {
                let key = target_key(&g.target);
                let cap = i64::from(cap_secs) * 1000;
                caps.entry(key).and_modify(|c| *c = (*c).min(cap)).or_insert(cap);
            }
        }
        // A period still in progress compares its elapsed days with as many days at the
        // start of the period before (the same weekdays for a week, the same dates for a
        // month), not with a whole period.
        let elapsed = (self.today - self.from).num_days() + 1;
        let length = (self.to - self.from).num_days() + 1;
        let in_progress = elapsed > 0 && elapsed < length;
        let previous = match self.period {
            // A month compares with the month before (whole, or its first days).
            Period::Month => self.from.checked_sub_months(chrono::Months::new(1)).map(|first| {
                let last = self.from.pred_opt().unwrap_or(self.from);
                if in_progress {
                    (first, (first + chrono::Days::new(elapsed as u64 - 1)).min(last))
                } else {
                    (first, last)
                }
            }),
            _ if in_progress => {
                let first = self.from - chrono::Days::new(length as u64);
                Some((first, first + chrono::Days::new(elapsed as u64 - 1)))
            }
            _ => None,
        };
        PatternParams {
            from: self.from,
            to: self.to.min(self.today.max(self.from)),
            day_start_hour: self.day_start_hour,
            session_gap_ms: self.session_gap_ms,
            check_max_ms: self.check_max_ms,
            long_session_ms: self.long_session_ms,
            quick_return_ms: self.quick_return_ms,
            night: self.night,
            caps,
            previous,
        }
    }
}

/// The name a target has in pattern rows and caps: a platform id or a category name.
fn target_key(t: &GoalTarget) -> String {
    match t {
        GoalTarget::Platform(p) => p.clone(),
        GoalTarget::Category(c) => c.as_str().to_string(),
    }
}

/// How a goal fared on a day, a week or the whole period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Status {
    Kept,
    AtRisk,
    Broken,
    NotApplicable,
    Future,
    NoVerdict,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MismatchReport {
    pub schema: u32,
    pub period: Period,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub day_start_hour: u8,
    pub region: String,
    /// The long-session threshold from the settings: a session longer than this is long
    /// for a target without a session cap of its own. Sent so that surfaces mark the same
    /// threshold the figures were counted with.
    pub long_session_seconds: f64,
    /// The check limit from the settings: a session shorter than this is a check.
    pub check_max_seconds: f64,
    /// Time on all tracked targets in the period.
    pub total_seconds: f64,
    pub captured_seconds: f64,
    pub mismatch_index: Option<f64>,
    pub regretted_seconds: f64,
    pub rated_seconds: f64,
    pub targets: Vec<TargetMismatch>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TargetMismatch {
    pub target: GoalTarget,
    pub category: Category,
    pub has_goals: bool,
    pub seconds: f64,
    /// Time per local day of the period, `from` first.
    pub daily_seconds: Vec<f64>,
    pub captured_seconds: f64,
    /// Captured ÷ time on the target; `null` when no goal covers the target (its own or its
    /// category's) or it had no time.
    pub mismatch_index: Option<f64>,
    pub regretted_seconds: f64,
    pub rated_seconds: f64,
    pub goals: Vec<GoalEvaluation>,
    /// `null` when the target had no time in this or the previous period.
    pub patterns: Option<TargetPatterns>,
    /// `null` for categories and for platforms the attention table has no figures for.
    pub attention: Option<AttentionEstimate>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GoalEvaluation {
    pub goal: Goal,
    /// The goal in words: "at most 30 min a day".
    pub objective: String,
    /// What happened, in words with numbers: "37 min a day on average; kept on 2 of 7 days".
    pub measured: String,
    /// The worst status over the period's days (or weeks): broken, at risk, kept; `noVerdict`
    /// for intents without a planned length; `notApplicable` if no day of the period is one
    /// of the goal's days yet.
    pub status: Status,
    pub days_applicable: u32,
    pub days_kept: u32,
    pub days_at_risk: u32,
    pub days_broken: u32,
    pub captured_seconds: f64,
    pub days: Vec<GoalDay>,
    pub weeks: Vec<GoalWeek>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GoalDay {
    pub date: NaiveDate,
    pub status: Status,
    pub used_seconds: f64,
    pub left_seconds: Option<f64>,
    pub sessions: u32,
    pub longest_session_seconds: f64,
    pub downtime_seconds: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GoalWeek {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub status: Status,
    pub used_seconds: f64,
    pub left_seconds: f64,
}

/// A worth rating as the report needs it: a session of `platform` (or a whole day, when
/// `platform` is `None`) judged worth it or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatedTime {
    pub platform: Option<String>,
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub worth: bool,
}

/// Time, captured time and ratings of one row (a platform, a category or everything).
#[derive(Clone, Debug, Default)]
struct RowTally {
    ms: i64,
    daily_ms: Vec<i64>,
    captured_ms: i64,
    regretted_ms: i64,
    rated_ms: i64,
}

/// Worth ratings, sorted for lookups by time: sessions per target index, days for all.
#[derive(Debug, Default)]
struct Ratings {
    sessions: Vec<Vec<(Millis, Millis, bool)>>,
    days: Vec<(Millis, Millis, bool)>,
    /// Where the search starts in each list: spans come in start order, so entries that
    /// ended before a span are never needed again (no search per span).
    session_cursors: Vec<usize>,
    day_cursor: usize,
}

impl Ratings {
    /// `(regretted, rated)` milliseconds of `[a, b)` on target `t`. A session's verdict wins
    /// over its day's; time under neither is unrated.
    fn judge(&mut self, t: usize, a: Millis, b: Millis) -> (i64, i64) {
        let (mut regretted, mut rated) = (0, 0);
        let mut add = |len: i64, worth: bool| {
            rated += len;
            if !worth {
                regretted += len;
            }
        };
        if self.days.is_empty() && self.sessions.get(t).is_none_or(|l| l.is_empty()) {
            return (0, 0);
        }
        let days = skip_ended(&self.days, &mut self.day_cursor, a);
        let sessions = match (self.sessions.get(t), self.session_cursors.get_mut(t)) {
            (Some(list), Some(cursor)) => skip_ended(list, cursor, a),
            _ => &[],
        };
        // Walk `[a, b)` left to right: inside a rated session its verdict counts, between
        // them the day's (if any). No allocation: spans cross at most a few ratings.
        let mut at = a;
        for &(x, y, worth) in overlapping(sessions, a, b) {
            let (x, y) = (x.max(a), y.min(b));
            if at < x {
                for &(p, q, day_worth) in overlapping(days, at, x) {
                    add(q.min(x) - p.max(at), day_worth);
                }
            }
            add(y - x, worth);
            at = at.max(y);
        }
        if at < b {
            for &(p, q, day_worth) in overlapping(days, at, b) {
                add(q.min(b) - p.max(at), day_worth);
            }
        }
        (regretted, rated)
    }
}

/// The rest of a sorted, non-overlapping list from the first entry that ends after `a`,
/// moving `cursor` there.
fn skip_ended<'a>(list: &'a [(Millis, Millis, bool)], cursor: &mut usize, a: Millis) -> &'a [(Millis, Millis, bool)] {
    while list.get(*cursor).is_some_and(|&(_, y, _)| y <= a) {
        *cursor += 1;
    }
    list.get(*cursor..).unwrap_or(&[])
}

/// The entries of a sorted, non-overlapping list that meet `[a, b)`.
fn overlapping(list: &[(Millis, Millis, bool)], a: Millis, b: Millis) -> impl Iterator<Item = &(Millis, Millis, bool)> {
    list.iter().take_while(move |&&(x, _, _)| x < b).filter(move |&&(_, y, _)| y > a)
}

/// Builds a [`MismatchReport`] from spans pushed in start order (all spans from the first to
/// the last of [`MismatchParams::scan_days`]).
#[derive(Debug)]
pub struct MismatchBuilder {
    params: MismatchParams,
    patterns: PatternBuilder,
    targets: Vec<TargetInfo>,
    /// Per target index: the goal states that cover it.
    covering: Vec<Vec<usize>>,
    /// Categories with goals: their spans also go to the patterns as one more target.
    category_patterns: [bool; 3],
    goals: Vec<GoalState>,
    first_day: EpochDay,
    n_days: i64,
    /// The first day of the goals' tallies.
    scan_first_day: EpochDay,
    /// Per target index, then one row per category (`targets.len() + ordinal`).
    rows: Vec<RowTally>,
    total: RowTally,
    ratings: Ratings,
    broke: Vec<(Millis, Millis)>,
    /// The current span's pieces per local day.
    pieces: Vec<(EpochDay, Millis, Millis)>,
}

/// Two distinct rows, mutably (`a < b`: a target's row comes before the category rows).
fn two_rows(rows: &mut [RowTally], a: usize, b: usize) -> (&mut RowTally, &mut RowTally) {
    debug_assert!(a < b);
    let (lo, hi) = rows.split_at_mut(b);
    (&mut lo[a], &mut hi[0])
}

fn category_index(c: Category) -> usize {
    Category::ALL.iter().position(|&x| x == c).unwrap_or(0)
}

impl MismatchBuilder {
    /// `targets` is the table the spans' target indices point into; `ratings` the worth
    /// ratings of the scanned days.
    pub fn new(params: MismatchParams, targets: Vec<TargetInfo>, ratings: &[RatedTime]) -> Self {
        let (scan_first, scan_last) = params.scan_days();
        let first_scan_day = localday::epoch_day_of(scan_first);
        let frame = Frame {
            day_start_hour: params.day_start_hour,
            session_gap_ms: params.session_gap_ms,
            first_day: first_scan_day,
            n_days: (localday::epoch_day_of(scan_last) - first_scan_day + 1).max(0) as usize,
        };
        let goals: Vec<GoalState> = params.active_goals().map(|g| GoalState::new(g.clone(), frame)).collect();
        let covering = targets
            .iter()
            .map(|t| (0..goals.len()).filter(|&g| goals[g].goal.target.covers(&t.platform, t.category)).collect())
            .collect();
        let mut category_patterns = [false; 3];
        for g in &goals {
            if let GoalTarget::Category(c) = g.goal.target {
                category_patterns[category_index(c)] = true;
            }
        }
        let first_day = localday::epoch_day_of(params.from);
        let n_days = (localday::epoch_day_of(params.to) - first_day + 1).max(0);
        let row = RowTally { daily_ms: vec![0; n_days as usize], ..RowTally::default() };
        let mut r = Ratings {
            sessions: vec![Vec::new(); targets.len()],
            days: Vec::new(),
            session_cursors: vec![0; targets.len()],
            day_cursor: 0,
        };
        for rt in ratings.iter().filter(|r| r.end_ms > r.start_ms) {
            let entry = (rt.start_ms, rt.end_ms, rt.worth);
            match &rt.platform {
                None => r.days.push(entry),
                Some(p) => {
                    if let Some(t) = targets.iter().position(|t| &t.platform == p) {
                        r.sessions[t].push(entry);
                    }
                }
            }
        }
        r.days.sort_unstable();
        r.sessions.iter_mut().for_each(|l| l.sort_unstable());
        MismatchBuilder {
            patterns: PatternBuilder::new(params.pattern_params()),
            rows: vec![row.clone(); targets.len() + Category::ALL.len()],
            total: row,
            covering,
            category_patterns,
            goals,
            first_day,
            n_days,
            scan_first_day: first_scan_day,
            targets,
            params,
            ratings: r,
            broke: Vec::new(),
            pieces: Vec::new(),
        }
    }

    /// Adds one span (in start order). Spans without a target feed nothing but the order.
    pub fn push(&mut self, s: &SpanRecord) {
        self.patterns.push(s);
        let Some(t) = s.target.map(|t| t as usize).filter(|&t| t < self.targets.len()) else { return };
        if s.end_ms <= s.start_ms {
            return;
        }
        let ci = category_index(self.targets[t].category);
        let category_row = self.targets.len() + ci;
        if self.category_patterns[ci] {
            self.patterns.push(&SpanRecord { target: Some(category_row as u32), ..*s });
        }
        let (off, h) = (s.utc_offset_min, self.params.day_start_hour);
        let lo = localday::epoch_day_start_ms(self.first_day, off, h);
        let hi = localday::epoch_day_start_ms(self.first_day + self.n_days, off, h);
        let (a, b) = (s.start_ms.max(lo), s.end_ms.min(hi));
        let in_period = a < b;
        self.pieces.clear();
        self.pieces.extend(localday::split_by_epoch_day(s.start_ms, s.end_ms, off, h));
        if in_period {
            for &(day, x, y) in &self.pieces {
                let (x, y) = (x.max(a), y.min(b));
                if x >= y {
                    continue;
                }
                let i = (day - self.first_day) as usize;
                for row in [t, category_row] {
                    if let Some(d) = self.rows[row].daily_ms.get_mut(i) {
                        *d += y - x;
                    }
                }
                if let Some(d) = self.total.daily_ms.get_mut(i) {
                    *d += y - x;
                }
            }
        }
        self.broke.clear();
        for &g in &self.covering[t] {
            self.goals[g].push((s.start_ms, s.end_ms, off), &self.pieces, &mut self.broke, (lo, hi));
        }
        let captured = if self.broke.is_empty() { 0 } else { eval::union_len(&mut self.broke, lo, hi) };
        let (regretted, rated) = if in_period { self.ratings.judge(t, a, b) } else { (0, 0) };
        let (t_row, c_row) = two_rows(&mut self.rows, t, category_row);
        for row in [t_row, c_row, &mut self.total] {
            row.ms += (b - a).max(0);
            row.captured_ms += captured;
            row.regretted_ms += regretted;
            row.rated_ms += rated;
        }
    }

    pub fn finish(mut self) -> MismatchReport {
        let builder = std::mem::replace(&mut self.patterns, PatternBuilder::new(self.params.pattern_params()));
        let p = &self.params;
        let mut table = self.targets.clone();
        for c in Category::ALL {
            table.push(TargetInfo { platform: c.as_str().to_string(), category: c });
        }
        let patterns = builder.finish(&table);
        let find_patterns = |key: &str, cat: Category| {
            patterns.targets.iter().find(|t| t.platform == key && t.category == cat).cloned()
        };
        let attention = AttentionTable::builtin();

        // Rows: each goal target in the order of its first goal, then the busiest platforms
        // without goals of their own (a category goal may still cover them).
        let mut order: Vec<GoalTarget> = Vec::new();
        for g in &self.goals {
            if !order.contains(&g.goal.target) {
                order.push(g.goal.target.clone());
            }
        }
        let mut free: Vec<usize> = (0..self.targets.len())
            .filter(|&t| self.rows[t].ms > 0)
            .filter(|&t| !order.contains(&GoalTarget::Platform(self.targets[t].platform.clone())))
            .collect();
        free.sort_by(|&x, &y| {
            self.rows[y].ms.cmp(&self.rows[x].ms).then(self.targets[x].platform.cmp(&self.targets[y].platform))
        });
        order.extend(
            free.into_iter().take(p.top_without_goals).map(|t| GoalTarget::Platform(self.targets[t].platform.clone())),
        );

        let empty = RowTally { daily_ms: vec![0; self.n_days as usize], ..RowTally::default() };
        let mut rows = Vec::new();
        for target in order {
            // Whether any goal judges this target's time (a platform's own, or its category's).
            let (tally, category, covered) = match &target {
                GoalTarget::Platform(name) => match self.targets.iter().position(|t| &t.platform == name) {
                    Some(t) => (&self.rows[t], self.targets[t].category, !self.covering[t].is_empty()),
                    None => (&empty, Category::Social, true),
                },
                GoalTarget::Category(c) => (&self.rows[self.targets.len() + category_index(*c)], *c, true),
            };
            let evaluations: Vec<GoalEvaluation> =
                self.goals.iter().filter(|g| g.goal.target == target).map(|g| self.evaluate(g)).collect();
            let has_goals = !evaluations.is_empty();
            let key = target_key(&target);
            let pats = find_patterns(&key, category);
            let seconds_on = seconds(tally.ms);
            let att = match &target {
                GoalTarget::Platform(name) => attention.estimate(name, &p.region, seconds_on),
                GoalTarget::Category(_) => None,
            };
            let mut row = TargetMismatch {
                target,
                category,
                has_goals,
                seconds: seconds_on,
                daily_seconds: tally.daily_ms.iter().map(|&ms| seconds(ms)).collect(),
                captured_seconds: seconds(tally.captured_ms),
                mismatch_index: (covered && tally.ms > 0).then(|| tally.captured_ms as f64 / tally.ms as f64),
                regretted_seconds: seconds(tally.regretted_ms),
                rated_seconds: seconds(tally.rated_ms),
                goals: evaluations,
                patterns: pats,
                attention: att,
                findings: Vec::new(),
            };
            row.findings = findings::for_row(&row, p);
            rows.push(row);
        }
        let has_goals = !self.goals.is_empty();
        MismatchReport {
            schema: MISMATCH_SCHEMA,
            period: p.period,
            from: p.from,
            to: p.to,
            today: p.today,
            day_start_hour: p.day_start_hour,
            region: p.region.clone(),
            long_session_seconds: seconds(p.long_session_ms),
            check_max_seconds: seconds(p.check_max_ms),
            total_seconds: seconds(self.total.ms),
            captured_seconds: seconds(self.total.captured_ms),
            mismatch_index: (has_goals && self.total.ms > 0)
                .then(|| self.total.captured_ms as f64 / self.total.ms as f64),
            regretted_seconds: seconds(self.total.regretted_ms),
            rated_seconds: seconds(self.total.rated_ms),
            targets: rows,
        }
    }

    fn evaluate(&self, g: &GoalState) -> GoalEvaluation {
        let p = &self.params;
        let today = localday::epoch_day_of(p.today);
        let open = g.open_session_at(p.now_ms);
        let mut days = Vec::with_capacity(self.n_days as usize);
        for day in self.first_day..self.first_day + self.n_days {
            let tally = g.days.get((day - self.scan_first_day) as usize).copied().unwrap_or_default();
            let on_weekday = g.goal.weekdays.0 & (1 << weekday_index(day)) != 0;
            let applicable = match g.goal.kind {
                GoalKind::Downtime { start_min, end_min } => {
                    eval::downtime_meets_day(day, p.day_start_hour, (start_min, end_min), g.goal.weekdays.0)
                }
                _ => on_weekday,
            };
            let in_progress = day == today;
            let near = |used: f64, limit: f64| in_progress && limit > 0.0 && used >= AT_RISK * limit;
            let mut left = None;
            let status = if day > today {
                Status::Future
            } else if !applicable {
                Status::NotApplicable
            } else {
                match g.goal.kind {
                    GoalKind::DailyLimit { limit_secs } => {
                        let limit = i64::from(limit_secs) * 1000;
                        left = Some(seconds((limit - tally.used_ms).max(0)));
                        if tally.used_ms > limit {
                            Status::Broken
                        } else if near(tally.used_ms as f64, limit as f64) {
                            Status::AtRisk
                        } else {
                            Status::Kept
                        }
                    }
                    GoalKind::WeeklyLimit { limit_secs } => {
                        // The week's running total at the end of this day.
                        let limit = i64::from(limit_secs) * 1000;
                        let monday = monday_of(day);
                        let used: i64 = (monday..=day)
                            .filter(|&d| g.goal.weekdays.0 & (1 << weekday_index(d)) != 0)
                            .filter_map(|d| g.days.get((d - self.scan_first_day) as usize))
                            .map(|t| t.used_ms)
                            .sum();
                        left = Some(seconds((limit - used).max(0)));
                        if used > limit {
                            Status::Broken
                        } else if near(used as f64, limit as f64) {
                            Status::AtRisk
                        } else {
                            Status::Kept
                        }
                    }
                    GoalKind::Downtime { .. } => {
                        if tally.downtime_ms > 0 {
                            Status::Broken
                        } else {
                            Status::Kept
                        }
                    }
                    GoalKind::SessionCap { cap_secs } | GoalKind::Intent { planned_secs: Some(cap_secs), .. } => {
                        let cap = f64::from(cap_secs) * 1000.0;
                        if tally.over_cap > 0 {
                            Status::Broken
                        } else if open.is_some_and(|(d, on)| d == day && near(on as f64, cap)) {
                            Status::AtRisk
                        } else {
                            Status::Kept
                        }
                    }
                    GoalKind::ChecksCap { max_per_day } => {
                        if tally.sessions > max_per_day {
                            Status::Broken
                        } else if max_per_day > 0 && near(f64::from(tally.sessions), f64::from(max_per_day)) {
                            Status::AtRisk
                        } else {
                            Status::Kept
                        }
                    }
                    GoalKind::Intent { planned_secs: None, .. } => Status::NoVerdict,
                }
            };
            days.push(GoalDay {
                date: localday::date_of(day),
                status,
                used_seconds: seconds(tally.used_ms),
                left_seconds: left,
                sessions: tally.sessions,
                longest_session_seconds: seconds(tally.longest_ms),
                downtime_seconds: seconds(tally.downtime_ms),
            });
        }
        let weeks = self.weeks(g);
        let count = |s: Status| days.iter().filter(|d| d.status == s).count() as u32;
        let (kept, at_risk, broken) = (count(Status::Kept), count(Status::AtRisk), count(Status::Broken));
        let applicable = kept + at_risk + broken + count(Status::NoVerdict);
        let status = if matches!(g.goal.kind, GoalKind::WeeklyLimit { .. }) {
            worst(weeks.iter().map(|w| w.status))
        } else {
            worst(days.iter().map(|d| d.status))
        };
        let mut e = GoalEvaluation {
            goal: g.goal.clone(),
            objective: findings::objective(&g.goal),
            measured: String::new(),
            status,
            days_applicable: applicable,
            days_kept: kept,
            days_at_risk: at_risk,
            days_broken: broken,
            captured_seconds: seconds(g.captured_ms),
            days,
            weeks,
        };
        e.measured = findings::measured(&e);
        e
    }

    fn weeks(&self, g: &GoalState) -> Vec<GoalWeek> {
        let GoalKind::WeeklyLimit { limit_secs } = g.goal.kind else { return Vec::new() };
        let limit = i64::from(limit_secs) * 1000;
        let today = localday::epoch_day_of(self.params.today);
        let mut out = Vec::new();
        let mut monday = monday_of(self.first_day);
        while monday < self.first_day + self.n_days {
            let used = g.week_index(monday).map(|w| g.weeks_ms[w]).unwrap_or(0);
            let status = if monday > today {
                Status::Future
            } else if used > limit {
                Status::Broken
            } else if today <= monday + 6 && used as f64 >= AT_RISK * limit as f64 {
                Status::AtRisk
            } else {
                Status::Kept
            };
            out.push(GoalWeek {
                from: localday::date_of(monday),
                to: localday::date_of(monday + 6),
                status,
                used_seconds: seconds(used),
                left_seconds: seconds((limit - used).max(0)),
            });
            monday += 7;
        }
        out
    }
}

/// Broken over at risk over kept; `noVerdict` or `notApplicable` when nothing was judged.
fn worst(statuses: impl Iterator<Item = Status>) -> Status {
    let mut best = Status::NotApplicable;
    for s in statuses {
        best = match (best, s) {
            (_, Status::Broken) | (Status::Broken, _) => Status::Broken,
            (_, Status::AtRisk) | (Status::AtRisk, _) => Status::AtRisk,
            (_, Status::Kept) | (Status::Kept, _) => Status::Kept,
            (_, Status::NoVerdict) | (Status::NoVerdict, _) => Status::NoVerdict,
            (b, _) => b,
        };
    }
    best
}

#[cfg(test)]
mod tests;
